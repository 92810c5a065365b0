import "server-only";
import { Worker } from "node:worker_threads";

// Computes several digests of a stream at once, each on its own thread: on two cores, MD5 and
// SHA-512 one after the other on the main thread cannot keep up with a disk. Chunks are copied
// once into shared memory that every worker reads; the caller gets the buffer back to reuse
// when all workers are done with it. The shared buffers go to the workers once, at start: a
// message per chunk then carries two numbers, not a buffer to serialize.

const WORKER_SOURCE = `
const { parentPort, workerData } = require("node:worker_threads");
const crypto = require("node:crypto");
const hash = crypto.createHash(workerData.algorithm);
const views = workerData.buffers.map((b) => new Uint8Array(b));
parentPort.on("message", (m) => {
  if (m.type === "chunk") {
    hash.update(views[m.slot].subarray(0, m.length));
    parentPort.postMessage({ type: "ack", slot: m.slot });
  } else if (m.type === "end") {
    parentPort.postMessage({ type: "digest", hex: hash.digest("hex") });
  }
});
`;

interface Slot {
  buffer: SharedArrayBuffer;
  view: Uint8Array;
  pending: number;
}

export class ParallelHasher {
  private readonly workers: Worker[];
  private readonly slots: Slot[];
  private readonly free: number[] = [];
  private waiters: (() => void)[] = [];
  private failure: Error | null = null;

  /**
   * @param algorithms e.g. ["md5", "sha512"]
   * @param slotSize bytes per shared chunk
   * @param slotCount chunks in flight at most (memory: slotSize × slotCount)
   */
  constructor(
    readonly algorithms: string[],
    readonly slotSize = 1024 * 1024,
    slotCount = 8,
  ) {
    this.slots = Array.from({ length: slotCount }, () => {
      const buffer = new SharedArrayBuffer(slotSize);
      return { buffer, view: new Uint8Array(buffer), pending: 0 };
    });
    this.slots.forEach((_, i) => this.free.push(i));
    this.workers = algorithms.map((algorithm) => {
      const w = new Worker(WORKER_SOURCE, {
        eval: true,
        workerData: { algorithm, buffers: this.slots.map((s) => s.buffer) },
      });
      w.on("message", (m: { type: string; slot?: number }) => {
        if (m.type === "ack" && m.slot !== undefined) this.release(m.slot);
      });
      w.on("error", (e) => {
        this.failure = e;
        this.wake();
      });
      return w;
    });
  }

  private release(slot: number) {
    const s = this.slots[slot]!;
    if (--s.pending === 0) {
      this.free.push(slot);
      this.wake();
    }
  }

  private wake() {
    const w = this.waiters;
    this.waiters = [];
    w.forEach((f) => f());
  }

  /** A free shared buffer to fill (waits while every buffer is still being hashed). */
  async acquire(): Promise<{ slot: number; view: Uint8Array }> {
    for (;;) {
      if (this.failure) throw this.failure;
      const slot = this.free.pop();
      if (slot !== undefined) return { slot, view: this.slots[slot]!.view };
      await new Promise<void>((r) => this.waiters.push(r));
    }
  }

  /**
   * Hash the first `length` bytes of an acquired buffer. It returns to the pool when every worker
   * is done with it and `holders` more calls to `release(slot)` were made (e.g. a disk write).
   */
  submit(slot: number, length: number, holders = 0): void {
    const s = this.slots[slot]!;
    s.pending = this.workers.length + holders;
    for (const w of this.workers) w.postMessage({ type: "chunk", slot, length });
  }

  /** One holder other than the hash workers is done with the buffer. */
  done(slot: number): void {
    this.release(slot);
  }

  /** Waits for every chunk, then returns the hex digests by algorithm. */
  async digests(): Promise<Record<string, string>> {
    const results = await Promise.all(
      this.workers.map(
        (w) =>
          new Promise<string>((resolve, reject) => {
            const onMsg = (m: { type: string; hex?: string }) => {
              if (m.type === "digest") {
                w.off("message", onMsg);
                resolve(m.hex!);
              }
            };
            w.on("message", onMsg);
            w.once("error", reject);
            w.postMessage({ type: "end" });
          }),
      ),
    );
    return Object.fromEntries(this.algorithms.map((a, i) => [a, results[i]!]));
  }

  async close(): Promise<void> {
    await Promise.all(this.workers.map((w) => w.terminate()));
  }
}
