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

// One hash per worker thread; the shared slots go to the workers once, and each chunk arrives as
// a slot number and a length, as Iris's ParallelHasher does it (lib/server/stores/hasher.ts,
// which the benchmarks cannot import: it is server-only).
const HASH_WORKER = `
const { parentPort, workerData } = require("node:worker_threads");
const hash = require("node:crypto").createHash(workerData.algo);
const slots = workerData.slots.map((s) => new Uint8Array(s));
parentPort.on("message", (m) => {
  if (m.slot === undefined) return parentPort.postMessage({ digest: hash.digest("hex") });
  hash.update(slots[m.slot].subarray(0, m.length));
  parentPort.postMessage({ slot: m.slot });
});`;

/**
 * MD5 and SHA-512 on two worker threads, in bare Node: the work Glance's API asks of Iris on every
 * upload (checksum, os_hash_value), for the limits the benchmarks compare Iris with.
 */
export class BareHasher {
  private readonly slots: SharedArrayBuffer[];
  private readonly free: number[];
  /** Hash workers still reading each slot. */
  private readonly readers: number[];
  private waiters: (() => void)[] = [];
  private readonly workers: Worker[];
  private readonly digestWaiters: ((d: string) => void)[][];

  constructor(slotBytes: number, slotCount = 8) {
    this.slots = Array.from({ length: slotCount }, () => new SharedArrayBuffer(slotBytes));
    this.free = this.slots.map((_, i) => i);
    this.readers = this.slots.map(() => 0);
    this.workers = ["md5", "sha512"].map(
      (algo) => new Worker(HASH_WORKER, { eval: true, workerData: { algo, slots: this.slots } }),
    );
    this.digestWaiters = this.workers.map(() => []);
    this.workers.forEach((w, i) =>
      w.on("message", (m: { slot?: number; digest?: string }) => {
        if (m.digest !== undefined) return this.digestWaiters[i]!.shift()?.(m.digest);
        if (--this.readers[m.slot!]! === 0) {
          this.free.push(m.slot!);
          this.waiters.shift()?.();
        }
      }),
    );
  }

  /** A free slot to fill (waits while both workers still read every slot). */
  async slot(): Promise<{ index: number; view: Uint8Array }> {
    while (this.free.length === 0) await new Promise<void>((r) => this.waiters.push(r));
    const index = this.free.pop()!;
    return { index, view: new Uint8Array(this.slots[index]!) };
  }

  /** Hands the first `length` bytes of slot `index` to both workers. */
  submit(index: number, length: number): void {
    this.readers[index] = this.workers.length;
    for (const w of this.workers) w.postMessage({ slot: index, length });
  }

  /** Copies `chunk` into a slot and hands it on (waits for a slot, not for the hashing). */
  async update(chunk: Uint8Array): Promise<void> {
    const { index, view } = await this.slot();
    view.set(chunk);
    this.submit(index, chunk.byteLength);
  }

  /** Both hex digests (MD5, SHA-512) once every chunk so far is hashed; then the workers stop. */
  async digests(): Promise<string[]> {
    const out = await Promise.all(
      this.workers.map((w, i) => {
        const p = new Promise<string>((r) => this.digestWaiters[i]!.push(r));
        w.postMessage({});
        return p;
      }),
    );
    await this.close();
    return out;
  }

  async close(): Promise<void> {
    await Promise.all(this.workers.map((w) => w.terminate()));
  }
}

/** Bytes per second of "write the file to disk while hashing it twice in parallel". */
export async function uploadLimit(source: string, targetDir: string): Promise<number> {
  const hasher = new BareHasher(1 << 20);
  const target = path.join(targetDir, `baseline-${crypto.randomBytes(4).toString("hex")}`);
  const out = await fsp.open(target, "w");
  const input = await fsp.open(source, "r");
  const t0 = performance.now();
  let total = 0;
  for (;;) {
    const { index, view } = await hasher.slot();
    const { bytesRead } = await input.read(view, 0, view.byteLength, null);
    if (bytesRead === 0) break;
    total += bytesRead;
    hasher.submit(index, bytesRead);
    await out.write(view, 0, bytesRead);
  }
  await hasher.digests();
  await out.sync();
  const seconds = (performance.now() - t0) / 1000;
  await out.close();
  await input.close();
  await fsp.rm(target, { force: true });
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
