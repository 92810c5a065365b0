// `npm run bench` part 2: upload and download of a 1 GiB image on the filesystem store — MB/s and
// the server's peak memory growth — beside bare-Node limits measured in the same run.
import fs from "node:fs";
import http from "node:http";
import path from "node:path";
import { startIris } from "../test/iris-server";
import { downloadLimit, uploadLimit } from "./baselines";
import { adminToken, createImage, CURL, curlPut, dataFile, SIZE } from "./client";

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

export async function dataBenchmark(workDir: string): Promise<string[]> {
  const file = await dataFile(workDir);
  const mb = (bytesPerSecond: number) => bytesPerSecond / 1e6;

  const server = await startIris("sqlite", path.join(workDir, "data-bench"));
  const lines: string[] = [];
  try {
    const pid = Number(fs.readFileSync(path.join(workDir, "data-bench", "server.pid"), "utf8"));
    const token = await adminToken(server);
    const id = await createImage(server, token, "bench-1g");

    // The client must not be the bottleneck: on two cores it competes with the server for CPU,
    // so uploads go through curl when present (least client CPU), else node:http with a pipe.
    // Both are asynchronous, so the memory sampler keeps running during the transfer.
    const target = new URL(`${server.url}/image/v2/images/${id}/file`);
    const up = await measure(pid, async () => {
      if (fs.existsSync(CURL)) {
        const code = await curlPut(target.href, file, {
          "x-auth-token": token,
          "content-type": "application/octet-stream",
        });
        if (code !== 204) throw new Error(`upload: HTTP ${code}`);
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
