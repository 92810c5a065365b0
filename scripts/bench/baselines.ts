// The limits the data benchmark compares Iris with, measured in the same run by bare Node code:
//   upload: read the file and write it to the same disk while computing MD5 and SHA-512 on two
//           worker threads in parallel;
//   download: a bare HTTP server streaming the file over loopback to a client that reads it all.
import crypto from "node:crypto";
import fs from "node:fs";
import fsp from "node:fs/promises";
import http from "node:http";
import path from "node:path";
import { Worker } from "node:worker_threads";

const HASH_WORKER = `
const { parentPort, workerData } = require("node:worker_threads");
const h = require("node:crypto").createHash(workerData);
parentPort.on("message", (m) => {
  if (m === "end") parentPort.postMessage(h.digest("hex"));
  else { h.update(new Uint8Array(m.buf, 0, m.len)); parentPort.postMessage("ack"); }
});`;

/** Bytes per second of "write the file to disk while hashing it twice in parallel". */
export async function uploadLimit(source: string, targetDir: string): Promise<number> {
  const workers = ["md5", "sha512"].map((a) => new Worker(HASH_WORKER, { eval: true, workerData: a }));
  const slots = Array.from({ length: 8 }, () => new SharedArrayBuffer(1 << 20));
  const pending = new Map<number, number>();
  const free = slots.map((_, i) => i);
  let wake: (() => void) | null = null;
  for (const w of workers)
    w.on("message", (m) => {
      if (m !== "ack") return;
      const slot = [...pending.keys()][0]!;
      const n = pending.get(slot)! - 1;
      if (n === 0) {
        pending.delete(slot);
        free.push(slot);
        wake?.();
      } else pending.set(slot, n);
    });
  const target = path.join(targetDir, `baseline-${crypto.randomBytes(4).toString("hex")}`);
  const out = await fsp.open(target, "w");
  const input = await fsp.open(source, "r");
  const t0 = performance.now();
  let total = 0;
  for (;;) {
    while (free.length === 0) await new Promise<void>((r) => (wake = r));
    const slot = free.shift()!;
    const view = new Uint8Array(slots[slot]!);
    const { bytesRead } = await input.read(view, 0, view.byteLength, null);
    if (bytesRead === 0) {
      free.push(slot);
      break;
    }
    total += bytesRead;
    pending.set(slot, workers.length);
    for (const w of workers) w.postMessage({ buf: slots[slot], len: bytesRead });
    await out.write(view, 0, bytesRead);
  }
  await Promise.all(workers.map((w) => new Promise((r) => (w.once("message", r), w.postMessage("end")))));
  await out.sync();
  const seconds = (performance.now() - t0) / 1000;
  await out.close();
  await input.close();
  await fsp.rm(target, { force: true });
  await Promise.all(workers.map((w) => w.terminate()));
  return total / seconds;
}

/** Bytes per second of a bare Node HTTP server sending the file over loopback. */
export async function downloadLimit(source: string): Promise<number> {
  const size = (await fsp.stat(source)).size;
  const server = http.createServer((_req, res) => {
    res.writeHead(200, { "content-length": String(size), "content-type": "application/octet-stream" });
    fs.createReadStream(source, { highWaterMark: 1 << 20 }).pipe(res);
  });
  await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
  const { port } = server.address() as { port: number };
  const t0 = performance.now();
  const total = await new Promise<number>((resolve, reject) => {
    http
      .get({ host: "127.0.0.1", port, path: "/" }, (res) => {
        let n = 0;
        res.on("data", (c: Buffer) => (n += c.byteLength));
        res.on("end", () => resolve(n));
      })
      .on("error", reject);
  });
  const seconds = (performance.now() - t0) / 1000;
  server.close();
  if (total !== size) throw new Error(`baseline download read ${total} of ${size} bytes`);
  return total / seconds;
}
