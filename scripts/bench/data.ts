// `npm run bench` part 2: upload and download of a 1 GiB image on the filesystem store — MB/s and
// the server's peak memory growth — beside bare-Node limits measured in the same run.
import { spawn } from "node:child_process";
import crypto from "node:crypto";
import fs from "node:fs";
import fsp from "node:fs/promises";
import http from "node:http";
import path from "node:path";
import { startIris, type IrisServer } from "../test/iris-server";
import { downloadLimit, uploadLimit } from "./baselines";

const SIZE = Number(process.env.BENCH_DATA_BYTES ?? 1024 ** 3);

async function makeFile(file: string, size: number) {
  const block = crypto.randomBytes(16 << 20);
  const fh = await fsp.open(file, "w");
  for (let off = 0; off < size; off += block.byteLength)
    await fh.write(block, 0, Math.min(block.byteLength, size - off));
  await fh.close();
}

/** Resident memory of the server and its children, from /proc (bytes). */
function treeRss(pid: number): number {
  let total = 0;
  const visit = (p: number) => {
    try {
      const status = fs.readFileSync(`/proc/${p}/status`, "utf8");
      total += Number(/VmRSS:\s+(\d+) kB/.exec(status)?.[1] ?? 0) * 1024;
      const children = fs.readFileSync(`/proc/${p}/task/${p}/children`, "utf8").trim();
      for (const c of children ? children.split(/\s+/) : []) visit(Number(c));
    } catch {
      // process gone
    }
  };
  visit(pid);
  return total;
}

async function measure<T>(
  pid: number,
  fn: () => Promise<T>,
): Promise<{ value: T; seconds: number; peakGrowth: number }> {
  const base = treeRss(pid);
  let peak = base;
  const timer = setInterval(() => (peak = Math.max(peak, treeRss(pid))), 25);
  const t0 = performance.now();
  try {
    const value = await fn();
    return { value, seconds: (performance.now() - t0) / 1000, peakGrowth: Math.max(0, peak - base) };
  } finally {
    clearInterval(timer);
  }
}

async function adminToken(server: IrisServer): Promise<string> {
  const res = await fetch(`${server.url}/identity/v3/auth/tokens`, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify({
      auth: {
        identity: {
          methods: ["password"],
          password: { user: { name: "admin", domain: { id: "default" }, password: server.adminPassword } },
        },
        scope: { project: { name: "admin", domain: { id: "default" } } },
      },
    }),
  });
  return res.headers.get("x-subject-token")!;
}

export async function dataBenchmark(workDir: string): Promise<string[]> {
  await fsp.mkdir(workDir, { recursive: true });
  const file = path.join(workDir, "bench-1g.bin");
  if (!fs.existsSync(file) || fs.statSync(file).size !== SIZE) await makeFile(file, SIZE);
  const mb = (bytesPerSecond: number) => bytesPerSecond / 1e6;

  const server = await startIris("sqlite", path.join(workDir, "data-bench"));
  const lines: string[] = [];
  try {
    const pid = Number(fs.readFileSync(path.join(workDir, "data-bench", "server.pid"), "utf8"));
    const token = await adminToken(server);
    const created = await fetch(`${server.url}/image/v2/images`, {
      method: "POST",
      headers: { "x-auth-token": token, "content-type": "application/json" },
      body: JSON.stringify({ name: "bench-1g", disk_format: "raw", container_format: "bare" }),
    });
    const { id } = (await created.json()) as { id: string };

    // The client must not be the bottleneck: on two cores it competes with the server for CPU,
    // so uploads go through curl when present (least client CPU), else node:http with a pipe.
    // Both are asynchronous, so the memory sampler keeps running during the transfer.
    const target = new URL(`${server.url}/image/v2/images/${id}/file`);
    const up = await measure(pid, async () => {
      if (fs.existsSync("/usr/bin/curl")) {
        const code = await new Promise<string>((resolve, reject) => {
          const args = ["-s", "-o", "/dev/null", "-w", "%{http_code}", "-X", "PUT", "-T", file];
          args.push(
            "-H",
            `x-auth-token: ${token}`,
            "-H",
            "content-type: application/octet-stream",
            target.href,
          );
          const c = spawn("/usr/bin/curl", args);
          let out = "";
          c.stdout.on("data", (d) => (out += d));
          c.on("error", reject);
          c.on("close", () => resolve(out.trim()));
        });
        if (code !== "204") throw new Error(`upload: HTTP ${code}`);
        return;
      }
      const status = await new Promise<number>((resolve, reject) => {
        const req = http.request(
          {
            host: target.hostname,
            port: target.port,
            path: target.pathname,
            method: "PUT",
            headers: {
              "x-auth-token": token,
              "content-type": "application/octet-stream",
              "content-length": String(SIZE),
            },
          },
          (res) => {
            res.resume();
            res.on("end", () => resolve(res.statusCode!));
          },
        );
        req.on("error", reject);
        fs.createReadStream(file, { highWaterMark: 1 << 20 }).pipe(req);
      });
      if (status !== 204) throw new Error(`upload: HTTP ${status}`);
    });
    const down = await measure(pid, async () => {
      const n = await new Promise<number>((resolve, reject) => {
        http
          .get(
            {
              host: target.hostname,
              port: target.port,
              path: target.pathname,
              headers: { "x-auth-token": token },
            },
            (res) => {
              let total = 0;
              res.on("data", (c: Buffer) => (total += c.byteLength));
              res.on("end", () => resolve(total));
            },
          )
          .on("error", reject);
      });
      if (n !== SIZE) throw new Error(`download read ${n} bytes`);
    });
    const upLimit = await uploadLimit(file, path.join(workDir, "data-bench", "data"));
    const downLimit = await downloadLimit(file);
    const upRate = SIZE / up.seconds;
    const downRate = SIZE / down.seconds;
    lines.push(
      `upload   ${(SIZE / 2 ** 30).toFixed(2)} GiB: ${mb(upRate).toFixed(0)} MB/s; limit (bare Node, disk + MD5‖SHA-512) ${mb(upLimit).toFixed(0)} MB/s; ratio ${(upRate / upLimit).toFixed(2)} (target ≥ 0.80); server peak memory growth ${(up.peakGrowth / 2 ** 20).toFixed(0)} MiB (target < 100)`,
      `download ${(SIZE / 2 ** 30).toFixed(2)} GiB: ${mb(downRate).toFixed(0)} MB/s; limit (bare Node HTTP over loopback) ${mb(downLimit).toFixed(0)} MB/s; ratio ${(downRate / downLimit).toFixed(2)} (target ≥ 0.80); server peak memory growth ${(down.peakGrowth / 2 ** 20).toFixed(0)} MiB (target < 100)`,
    );
    for (const l of lines) console.log(l);
  } finally {
    await server.stop();
  }
  return lines;
}
