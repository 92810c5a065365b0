// Applies the database migrations: SQLite in the data folder by default, PostgreSQL when
// DATABASE_URL is a postgresql:// URL. Safe to run at every start (and by several instances:
// PostgreSQL migrations take an advisory lock).
import { spawnSync } from "node:child_process";
import fs from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..");

export function migrate({ quiet = false } = {}) {
  const url = process.env.DATABASE_URL ?? "";
  const pg = /^postgres(ql)?:\/\//.test(url);
  if (!pg) fs.mkdirSync(path.resolve(root, process.env.IRIS_DATA_DIR ?? "data"), { recursive: true });
  const config = pg ? "prisma.pg.config.ts" : "prisma.config.ts";
  const r = spawnSync(
    process.execPath,
    [path.join(root, "node_modules", "prisma", "build", "index.js"), "migrate", "deploy", "--config", config],
    {
      cwd: root,
      encoding: "utf8",
      env: { ...process.env, PRISMA_HIDE_UPDATE_MESSAGE: "1", CHECKPOINT_DISABLE: "1" },
    },
  );
  const out = `${r.stdout ?? ""}${r.stderr ?? ""}`;
  if (r.status !== 0) {
    process.stderr.write(out);
    throw new Error(`database migration failed (${pg ? "PostgreSQL" : "SQLite"})`);
  }
  if (!quiet) {
    const applied = /The following migration\(s\) have been applied/.test(out);
    process.stdout.write(
      `database ${pg ? "PostgreSQL" : "SQLite"}: ${applied ? "migrations applied" : "up to date"}\n`,
    );
  }
}

if (process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  try {
    migrate();
  } catch (e) {
    console.error(String(e instanceof Error ? e.message : e));
    process.exit(1);
  }
}
