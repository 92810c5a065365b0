// Starts Iris (the production build) on a free loopback port, on SQLite or on a throw-away
// PostgreSQL server, for the test runner and the benchmarks.
import { spawn, spawnSync, type ChildProcess } from "node:child_process";
import crypto from "node:crypto";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { root, SERVER_BUNDLE } from "../lib/ensure.mjs";
import { freePort } from "../../e2e/support/server";

export interface IrisServer {
  url: string;
  env: NodeJS.ProcessEnv;
  adminPassword: string;
  logFile: string;
  stop(): Promise<void>;
}

function startPostgres(dir: string, port: number): string {
  const r = spawnSync("bash", [path.join(root, "scripts", "test", "pg.sh"), "start", dir, String(port)], {
    cwd: root,
    encoding: "utf8",
    stdio: ["ignore", "pipe", "inherit"],
  });
  if (r.status !== 0) throw new Error("PostgreSQL did not start (is the postgresql package installed?)");
  const line = r.stdout.split("\n").find((l) => l.startsWith("DATABASE_URL="));
  if (!line) throw new Error("pg.sh printed no DATABASE_URL");
  return line.slice("DATABASE_URL=".length);
}

async function waitReady(url: string, child: ChildProcess, seconds: number): Promise<void> {
  const deadline = Date.now() + seconds * 1000;
  for (;;) {
    if (child.exitCode !== null) throw new Error(`Iris exited with code ${child.exitCode}`);
    try {
      const r = await fetch(`${url}/readyz`);
      if (r.ok) return;
    } catch {
      // not listening yet
    }
    if (Date.now() > deadline) throw new Error(`Iris was not ready after ${seconds}s`);
    await new Promise((r) => setTimeout(r, 300));
  }
}

/** A fresh Iris with its own data folder (and database) under `dir`. */
export async function startIris(
  db: "sqlite" | "postgres",
  dir: string,
  extraEnv: Record<string, string> = {},
): Promise<IrisServer> {
  fs.rmSync(dir, { recursive: true, force: true });
  fs.mkdirSync(dir, { recursive: true });
  const adminPassword = `adm-${crypto.randomBytes(9).toString("base64url")}`;
  const env: NodeJS.ProcessEnv = {
    ...process.env,
    NEXT_TELEMETRY_DISABLED: "1",
    IRIS_DATA_DIR: path.join(dir, "data"),
    IRIS_ADMIN_PASSWORD: adminPassword,
    AUTH_SECRET: crypto.randomBytes(24).toString("base64url"),
    // Tests send X-Forwarded-For to stand for distinct clients (sign-in throttling per address).
    IRIS_TRUST_PROXY: "1",
    IRIS_LOG_LEVEL: "warn",
    ...extraEnv,
  };
  delete env.DATABASE_URL;
  let pgDir: string | null = null;
  if (db === "postgres") {
    pgDir = fs.mkdtempSync(path.join(os.tmpdir(), "iris-pg-"));
    env.DATABASE_URL = startPostgres(pgDir, await freePort());
  }
  const port = await freePort();
  const url = `http://127.0.0.1:${port}`;
  const logFile = path.join(dir, "server.log");
  const log = fs.openSync(logFile, "w");
  const child = spawn(
    process.execPath,
    [
      // IRIS_CPU_PROF_DIR: a V8 CPU profile of the server (main thread and workers) on exit.
      ...(process.env.IRIS_CPU_PROF_DIR
        ? ["--cpu-prof", `--cpu-prof-dir=${process.env.IRIS_CPU_PROF_DIR}`]
        : []),
      SERVER_BUNDLE,
    ],
    {
      cwd: root,
      env: { ...env, PORT: String(port), HOST: "127.0.0.1" },
      stdio: ["ignore", log, log],
    },
  );
  fs.writeFileSync(path.join(dir, "server.pid"), String(child.pid));
  const stop = async () => {
    if (child.exitCode === null) {
      child.kill("SIGTERM");
      await new Promise((r) => setTimeout(r, 500));
      if (child.exitCode === null) child.kill("SIGKILL");
    }
    fs.closeSync(log);
    if (pgDir) {
      spawnSync("bash", [path.join(root, "scripts", "test", "pg.sh"), "stop", pgDir], { stdio: "inherit" });
      fs.rmSync(pgDir, { recursive: true, force: true });
    }
  };
  try {
    await waitReady(url, child, 120);
  } catch (e) {
    process.stderr.write(fs.readFileSync(logFile, "utf8").slice(-4000));
    await stop();
    throw e;
  }
  return { url, env, adminPassword, logFile, stop };
}
