import "server-only";
import { spawnSync } from "node:child_process";
import path from "node:path";
import { bootstrap } from "./bootstrap";
import { log } from "./log";
import { startSweeper } from "./images/sweep";

export async function startServer(): Promise<void> {
  // The Prisma CLI applies migrations in a child process (scripts/migrate.mjs).
  const r = spawnSync(process.execPath, [path.join(process.cwd(), "scripts", "migrate.mjs")], {
    stdio: "inherit",
  });
  if (r.status !== 0) {
    log.error("database migration failed; the server cannot start");
    process.exit(1);
  }
  await bootstrap();
  startSweeper();
}
