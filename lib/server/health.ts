import "server-only";
import fs from "node:fs/promises";
import { db } from "./db";
import { databaseProvider, dataDir } from "./env";

export interface Readiness {
  status: "ok" | "unavailable";
  checks: Record<string, { ok: boolean; detail?: string }>;
}

async function check(fn: () => Promise<unknown>): Promise<{ ok: boolean; detail?: string }> {
  try {
    await fn();
    return { ok: true };
  } catch (e) {
    return { ok: false, detail: e instanceof Error ? e.message.split("\n")[0] : String(e) };
  }
}

/** Is every dependency reachable? The database answers a query; the filesystem store is writable. */
export async function readiness(): Promise<Readiness> {
  const checks = {
    [`database:${databaseProvider()}`]: await check(() => db.$queryRawUnsafe("SELECT 1")),
    "store:file": await check(() => fs.access(dataDir(), fs.constants.W_OK)),
  };
  const ok = Object.values(checks).every((c) => c.ok);
  return { status: ok ? "ok" : "unavailable", checks };
}
