import "server-only";
import { spawnSync } from "node:child_process";
import fs from "node:fs";
import path from "node:path";
import { bootstrap } from "./bootstrap";
import { db } from "./db";
import { checkConfiguration, startFailure } from "./config-check";
import { databaseProvider } from "./env";
import { installContentLengthHook } from "./http/content-length";
import { startSweeper } from "./images/sweep";
import { log } from "./log";

/** Are all migrations of this provider applied? Then the migration engine need not run (it wants
 * an exclusive lock on SQLite, which it cannot have while another instance has the file open). */
async function migrationsApplied(): Promise<boolean> {
  const dir = path.join(
    process.cwd(),
    "prisma",
    databaseProvider() === "postgresql" ? "postgres" : "sqlite",
    "migrations",
  );
  const wanted = fs.readdirSync(dir).filter((d) => fs.statSync(path.join(dir, d)).isDirectory());
  try {
    const rows = (await db.$queryRawUnsafe(
      "SELECT migration_name FROM _prisma_migrations WHERE finished_at IS NOT NULL AND rolled_back_at IS NULL",
    )) as { migration_name: string }[];
    const done = new Set(rows.map((r) => r.migration_name));
    return wanted.every((m) => done.has(m));
  } catch {
    return false; // a new database: no migrations table yet
  }
}

export async function startServer(): Promise<void> {
  try {
    checkConfiguration();
  } catch (e) {
    process.stderr.write(startFailure(e));
    process.exit(1);
  }
  installContentLengthHook();
  if (!(await migrationsApplied())) {
    // The Prisma CLI applies migrations in a child process (scripts/migrate.mjs).
    const r = spawnSync(process.execPath, [path.join(process.cwd(), "scripts", "migrate.mjs")], {
      stdio: "inherit",
    });
    if (r.status !== 0) {
      log.error("database migration failed; the server cannot start");
      process.exit(1);
    }
  }
  await bootstrap();
  startSweeper();
}
