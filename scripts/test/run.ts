// Runs every suite and ends with one line: "N passed, N failed".
//   static checks (lint, format, typecheck) → unit (vitest) → production build →
//   for SQLite and for PostgreSQL: start Iris, then API + browser (Playwright) and the stock
//   OpenStack clients (Python) against it.
// IRIS_TEST_ONLY=lint,typecheck,unit,api,ui,clients, IRIS_TEST_DBS=sqlite,postgres and
// IRIS_TEST_GREP (a Playwright --grep) narrow a run.
import { spawnSync } from "node:child_process";
import fs from "node:fs";
import path from "node:path";
import { ensureBuild, root } from "../lib/ensure.mjs";
import { startIris, type IrisServer } from "./iris-server";
import { startRgw, stopRgw, storesEnv, type S3Endpoint } from "./s3";

interface Result {
  suite: string;
  passed: number;
  failed: number;
  skipped: number;
  note?: string;
}

const results: Result[] = [];
const only = new Set((process.env.IRIS_TEST_ONLY ?? "").split(",").filter(Boolean));
const want = (s: string) => only.size === 0 || only.has(s);
const dbs = (process.env.IRIS_TEST_DBS ?? "sqlite,postgres").split(",").filter(Boolean);
const work = path.join(root, ".iris-test");
const bin = (name: string) => path.join(root, "node_modules", ".bin", name);

function banner(text: string) {
  console.log(`\n━━━ ${text} ${"━".repeat(Math.max(0, 70 - text.length))}`);
}

function runCheck(suite: string, cmd: string, args: string[], env: Record<string, string> = {}): boolean {
  banner(suite);
  const r = spawnSync(cmd, args, { cwd: root, stdio: "inherit", env: { ...process.env, ...env } });
  const ok = r.status === 0;
  results.push({ suite, passed: ok ? 1 : 0, failed: ok ? 0 : 1, skipped: 0 });
  return ok;
}

function readJson<T>(file: string): T | null {
  try {
    return JSON.parse(fs.readFileSync(file, "utf8")) as T;
  } catch {
    return null;
  }
}

function unitSuite() {
  banner("unit (vitest)");
  const out = path.join(work, "unit.json");
  fs.rmSync(out, { force: true });
  const r = spawnSync(
    bin("vitest"),
    ["run", "--reporter=default", "--reporter=json", `--outputFile.json=${out}`],
    {
      cwd: root,
      stdio: "inherit",
    },
  );
  const j = readJson<{
    numPassedTests: number;
    numFailedTests: number;
    numPendingTests: number;
    numTodoTests: number;
  }>(out);
  if (!j) {
    results.push({ suite: "unit", passed: 0, failed: 1, skipped: 0, note: `vitest exited ${r.status}` });
    return;
  }
  const failed = j.numFailedTests + (r.status !== 0 && j.numFailedTests === 0 ? 1 : 0);
  results.push({
    suite: "unit",
    passed: j.numPassedTests,
    failed,
    skipped: j.numPendingTests + j.numTodoTests,
  });
}

interface PwSpec {
  tests: { projectName: string; status: "expected" | "unexpected" | "flaky" | "skipped" }[];
}
interface PwSuite {
  specs?: PwSpec[];
  suites?: PwSuite[];
}

function playwrightCounts(file: string, db: string): Result[] {
  const j = readJson<{ suites: PwSuite[]; errors?: unknown[] }>(file);
  if (!j)
    return [{ suite: `api+ui [${db}]`, passed: 0, failed: 1, skipped: 0, note: "no Playwright report" }];
  const by = new Map<string, Result>();
  const visit = (s: PwSuite) => {
    for (const spec of s.specs ?? [])
      for (const t of spec.tests) {
        const r = by.get(t.projectName) ?? {
          suite: `${t.projectName} [${db}]`,
          passed: 0,
          failed: 0,
          skipped: 0,
        };
        if (t.status === "expected" || t.status === "flaky") r.passed++;
        else if (t.status === "skipped") r.skipped++;
        else r.failed++;
        by.set(t.projectName, r);
      }
    for (const c of s.suites ?? []) visit(c);
  };
  j.suites.forEach(visit);
  const out = [...by.values()];
  if (j.errors?.length)
    out.push({
      suite: `playwright [${db}]`,
      passed: 0,
      failed: j.errors.length,
      skipped: 0,
      note: "errors outside tests",
    });
  return out;
}

// Every server has two stores, "file" and "ceph" (Ceph RGW): on SQLite uploads go to the file
// store by default, on PostgreSQL to Ceph, so each suite's data paths run on both stores.
const DEFAULT_STORE = { sqlite: "file", postgres: "ceph" } as const;

async function serverSuites(db: "sqlite" | "postgres", s3: S3Endpoint) {
  const dir = path.join(work, db);
  let server: IrisServer;
  banner(`Iris on ${db} (default store: ${DEFAULT_STORE[db]})`);
  try {
    server = await startIris(db, dir, storesEnv(s3, DEFAULT_STORE[db], `${db}-${Date.now()}/`));
  } catch (e) {
    results.push({
      suite: `server [${db}]`,
      passed: 0,
      failed: 1,
      skipped: 0,
      note: String(e instanceof Error ? e.message : e),
    });
    return;
  }
  try {
    const suiteEnv = { ...server.env, IRIS_URL: server.url };
    const projects = ["api", "ui"].filter(want);
    if (projects.length) {
      banner(`${projects.join(" + ")} (Playwright) [${db}] at ${server.url}`);
      const report = path.join(dir, "playwright.json");
      const grep = process.env.IRIS_TEST_GREP ? ["--grep", process.env.IRIS_TEST_GREP] : [];
      spawnSync(bin("playwright"), ["test", ...projects.map((p) => `--project=${p}`), ...grep], {
        cwd: root,
        stdio: "inherit",
        env: { ...suiteEnv, PW_JSON_OUTPUT: report, PW_OUTPUT_DIR: path.join(dir, "results") },
      });
      results.push(...playwrightCounts(report, db));
    }
    if (want("clients")) {
      banner(`stock OpenStack clients [${db}]`);
      const report = path.join(dir, "clients.json");
      const r = spawnSync("/usr/bin/python3", [path.join(root, "e2e", "clients", "run.py"), report], {
        cwd: root,
        stdio: "inherit",
        env: suiteEnv,
      });
      const j = readJson<{ passed: number; failed: number; skipped: number }>(report);
      if (j)
        results.push({
          suite: `clients [${db}]`,
          ...j,
          failed: j.failed + (r.status !== 0 && j.failed === 0 ? 1 : 0),
        });
      else
        results.push({
          suite: `clients [${db}]`,
          passed: 0,
          failed: 1,
          skipped: 0,
          note: `python exited ${r.status}`,
        });
    }
  } finally {
    await server.stop();
  }
}

async function main() {
  fs.mkdirSync(work, { recursive: true });
  if (want("lint")) {
    runCheck("lint (eslint)", bin("eslint"), [".", "--max-warnings=0"]);
    runCheck("format (prettier)", bin("prettier"), ["--check", "."]);
  }
  if (want("typecheck")) runCheck("typecheck (tsc)", bin("tsc"), ["--noEmit"]);
  if (want("unit")) unitSuite();
  if (["api", "ui", "clients"].some(want)) {
    let built = true;
    banner("production build");
    try {
      ensureBuild();
    } catch (e) {
      built = false;
      results.push({ suite: "build", passed: 0, failed: 1, skipped: 0, note: String(e) });
    }
    let s3: S3Endpoint | null = null;
    if (built) {
      banner("S3 store: Ceph RGW on loopback");
      try {
        s3 = startRgw();
      } catch (e) {
        results.push({ suite: "ceph rgw", passed: 0, failed: 1, skipped: 0, note: String(e) });
      }
    }
    try {
      if (s3) for (const db of dbs) await serverSuites(db as "sqlite" | "postgres", s3);
    } finally {
      if (s3) stopRgw();
    }
  }

  banner("summary");
  let passed = 0;
  let failed = 0;
  let skipped = 0;
  for (const r of results) {
    passed += r.passed;
    failed += r.failed;
    skipped += r.skipped;
    const mark = r.failed ? "FAIL" : "ok  ";
    console.log(
      `${mark} ${r.suite.padEnd(28)} ${String(r.passed).padStart(4)} passed ${String(r.failed).padStart(3)} failed${r.skipped ? ` ${r.skipped} skipped` : ""}${r.note ? `  (${r.note})` : ""}`,
    );
  }
  console.log(`\n${passed} passed, ${failed} failed${skipped ? `, ${skipped} skipped` : ""}`);
  process.exit(failed ? 1 : 0);
}

main().catch((e) => {
  console.error(e);
  console.log("0 passed, 1 failed");
  process.exit(1);
});
