// `npm run bench`: performance numbers measured in one run (not a test; it prints, it does not assert).
//   data: 1 GiB upload/download on the filesystem store beside bare-Node limits (data.ts);
//   inspect: 1 GiB PUT …/file with format inspection on and off (inspect.ts);
//   tus:  tus upload in 32 MiB PATCHes beside PUT …/file, filesystem and S3 stores (tus.ts);
//   s3:   the S3 store's upload/download beside the bare AWS SDK, on Ceph RGW (s3.ts);
//   ui:   the dashboard's images page with the same 100,000 images, in Chromium (ui.ts);
//   list: image list latency (p50/p95) with 100,000 images and list throughput with 16
//         concurrent clients, on SQLite and on PostgreSQL.
// BENCH_ONLY picks parts; BENCH_IMAGES, BENCH_DBS, BENCH_DATA_BYTES, BENCH_ROUNDS change defaults.
import path from "node:path";
import { ensureBuild, root } from "../lib/ensure.mjs";
import { startIris } from "../test/iris-server";
import { BENCH_PASSWORD, BENCH_PROJECT, BENCH_USER, DISTROS, RARE_TAG, seed } from "./seed";
import { dataBenchmark } from "./data";
import { inspectBenchmark } from "./inspect";
import { startBenchRgw, type BenchRgw } from "./rgw";
import { s3Benchmark } from "./s3";
import { tusBenchmark } from "./tus";
import { uiBenchmark } from "./ui";

const COUNT = Number(process.env.BENCH_IMAGES ?? 100_000);
const DBS = (process.env.BENCH_DBS ?? "sqlite,postgres").split(",").filter(Boolean) as (
  "sqlite" | "postgres"
)[];
const PARTS = new Set((process.env.BENCH_ONLY ?? "list,ui,data,inspect,tus,s3").split(","));
const SAMPLES = Number(process.env.BENCH_SAMPLES ?? 300);
const CONCURRENCY = 16;
const SECONDS = Number(process.env.BENCH_SECONDS ?? 10);

async function token(
  url: string,
  user: string,
  password: string,
  project: string,
  retry = true,
): Promise<string> {
  // Seeding blocks this process's event loop for a minute (better-sqlite3 is synchronous), so a
  // kept-alive connection may have been closed by the server meanwhile: retry once on a socket error.
  const res = await fetch(`${url}/identity/v3/auth/tokens`, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify({
      auth: {
        identity: {
          methods: ["password"],
          password: { user: { name: user, domain: { id: "default" }, password } },
        },
        scope: { project: { name: project, domain: { id: "default" } } },
      },
    }),
  }).catch((e) => {
    if (!retry) throw e;
    return null;
  });
  if (res === null) return token(url, user, password, project, false);
  if (res.status !== 201) throw new Error(`token: ${res.status} ${await res.text()}`);
  return res.headers.get("x-subject-token")!;
}

async function get(url: string, tok: string): Promise<number> {
  const t0 = performance.now();
  const res = await fetch(url, { headers: { "x-auth-token": tok } });
  const body = (await res.json()) as { images?: unknown[] };
  const ms = performance.now() - t0;
  if (res.status !== 200 || !Array.isArray(body.images)) throw new Error(`${url}: ${res.status}`);
  // Every scenario asks for a full page of a catalog that has one: fewer rows would mean a
  // query that finds nothing (a broken filter, an unseeded column) timed as if it worked.
  if (body.images.length !== 25) throw new Error(`${url}: ${body.images.length} images, not 25`);
  return ms;
}

const pct = (sorted: number[], p: number) =>
  sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))]!;

async function latency(url: string, tok: string) {
  for (let i = 0; i < 20; i++) await get(url, tok);
  const xs: number[] = [];
  for (let i = 0; i < SAMPLES; i++) xs.push(await get(url, tok));
  xs.sort((a, b) => a - b);
  return { p50: pct(xs, 50), p95: pct(xs, 95) };
}

async function throughput(url: string, tok: string) {
  let done = 0;
  const end = performance.now() + SECONDS * 1000;
  await Promise.all(
    Array.from({ length: CONCURRENCY }, async () => {
      while (performance.now() < end) {
        await get(url, tok);
        done++;
      }
    }),
  );
  return done / SECONDS;
}

async function main() {
  ensureBuild();
  const rows: string[] = [];
  const workDir = path.join(root, ".iris-test", "bench");
  if (PARTS.has("data")) rows.push(...(await dataBenchmark(workDir)));
  if (PARTS.has("inspect")) rows.push(...(await inspectBenchmark(workDir)));
  if (PARTS.has("tus") || PARTS.has("s3")) {
    // One Ceph RGW (its own state folder and ports) for both parts; without it they measure
    // only what needs no S3.
    const rgw: BenchRgw | null = await startBenchRgw();
    try {
      if (PARTS.has("tus")) rows.push(...(await tusBenchmark(workDir, rgw)));
      if (PARTS.has("s3")) rows.push(...(await s3Benchmark(workDir, rgw)));
    } finally {
      rgw?.stop();
    }
  }
  for (const db of PARTS.has("list") || PARTS.has("ui") ? DBS : []) {
    const server = await startIris(db, path.join(root, ".iris-test", `bench-${db}`));
    try {
      const t0 = performance.now();
      await seed(server.env, COUNT);
      console.log(`[${db}] seeded ${COUNT} images in ${((performance.now() - t0) / 1000).toFixed(1)} s`);
      const member = await token(server.url, BENCH_USER, BENCH_PASSWORD, BENCH_PROJECT);
      const admin = await token(server.url, "admin", server.adminPassword, "admin");
      const base = `${server.url}/image/v2/images?limit=25`;
      const scenarios: [string, string][] = [
        ["unfiltered", base],
        ["tag=tag-7", `${base}&tag=tag-7`],
        [`tag=${RARE_TAG} (0.1%)`, `${base}&tag=${RARE_TAG}`],
        [`os_distro=${DISTROS[3]}`, `${base}&os_distro=${DISTROS[3]}`],
        ["sort=size:desc", `${base}&sort=size:desc`],
      ];
      for (const [who, tok] of PARTS.has("list")
        ? ([
            ["member", member],
            ["admin", admin],
          ] as const)
        : []) {
        for (const [name, url] of scenarios) {
          const r = await latency(url, tok);
          const line = `${db.padEnd(8)} ${who.padEnd(6)} ${name.padEnd(20)} p50 ${r.p50.toFixed(2).padStart(7)} ms   p95 ${r.p95.toFixed(2).padStart(7)} ms   (target p95 < 15 ms: ${(r.p95 / 15).toFixed(2)}× of target)`;
          console.log(line);
          rows.push(line);
        }
        const rps = await throughput(base, tok);
        const line = `${db.padEnd(8)} ${who.padEnd(6)} ${`${CONCURRENCY} clients, limit=25`.padEnd(20)} ${rps.toFixed(0).padStart(6)} req/s   (target ≥ 500 req/s: ${(rps / 500).toFixed(2)}× of target)`;
        console.log(line);
        rows.push(line);
      }
      if (PARTS.has("ui")) rows.push(...(await uiBenchmark(server, db)));
    } finally {
      await server.stop();
    }
  }
  console.log(
    PARTS.has("list")
      ? `\nSummary (list: ${COUNT} images, ${SAMPLES} sequential samples per scenario, ${SECONDS} s throughput runs)`
      : "\nSummary",
  );
  for (const r of rows) console.log(r);
}

main().catch((e) => {
  console.error(e);
  process.exit(1);
});
