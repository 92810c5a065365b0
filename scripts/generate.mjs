// Generates both Prisma clients (SQLite and PostgreSQL). Runs after `npm install`.
// The PostgreSQL schema needs DATABASE_URL to resolve even for `generate` (Prisma 6.19 offline trap).
import { spawnSync } from "node:child_process";
import path from "node:path";
import { fileURLToPath } from "node:url";

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..");
const prisma = path.join(root, "node_modules", "prisma", "build", "index.js");

for (const config of ["prisma.config.ts", "prisma.pg.config.ts"]) {
  const r = spawnSync(process.execPath, [prisma, "generate", "--config", config], {
    cwd: root,
    stdio: ["ignore", "inherit", "inherit"],
    env: {
      ...process.env,
      PRISMA_HIDE_UPDATE_MESSAGE: "1",
      CHECKPOINT_DISABLE: "1",
      DATABASE_URL: process.env.DATABASE_URL ?? "postgresql://placeholder@127.0.0.1:5432/placeholder",
    },
  });
  if (r.status !== 0) process.exit(r.status ?? 1);
}
