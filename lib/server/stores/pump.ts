import "server-only";
import { env } from "../env";
import type { InspectionReport, StreamInspector } from "../inspect/inspector";
import { ParallelHasher } from "./hasher";
import type { StoreWriter } from "./types";

// Streams bytes into a store writer while hashing them (MD5 and os_hash_algo on worker threads)
// and, when given an inspector, inspecting their format.
// Store writes overlap with receiving and hashing: a buffer goes back to the pool once both hash
// workers and its write are done with it. Used by PUT …/file, staging and import.

export interface PumpResult {
  size: bigint;
  md5: string;
  /** The os_hash_value, in IRIS_HASHING_ALGORITHM. */
  hash: string;
  algo: string;
  /** What the format inspector found, when one was given. */
  inspection: InspectionReport | null;
}

export interface PumpOptions {
  /** Called with the running total before each chunk is stored; throw to stop (the data is refused). */
  onProgress?: (size: bigint) => void;
  /** Sees every chunk as it passes (format inspection in the stream, no second read). */
  inspector?: StreamInspector | null;
}

/** Pumps `body` into `writer` (which the caller commits or aborts). */
export async function pump(
  body: ReadableStream<Uint8Array> | null,
  writer: StoreWriter,
  opts: PumpOptions = {},
): Promise<PumpResult> {
  const algo = env().IRIS_HASHING_ALGORITHM;
  const hasher = new ParallelHasher(algo === "md5" ? ["md5"] : ["md5", algo], 2 * 1024 * 1024, 8);
  let size = 0n;
  try {
    if (body) {
      const reader = body.getReader();
      const writes = new Set<Promise<void>>();
      let writeError: unknown = null;
      let slot = await hasher.acquire();
      let fill = 0;
      const flush = async () => {
        if (fill === 0) return;
        const s = slot.slot;
        hasher.submit(s, fill, 1);
        const p: Promise<void> = writer
          .write(slot.view.subarray(0, fill))
          .catch((e) => void (writeError ??= e))
          .finally(() => {
            hasher.done(s);
            writes.delete(p);
          });
        writes.add(p);
        slot = await hasher.acquire();
        fill = 0;
        if (writeError) throw writeError;
      };
      try {
        for (;;) {
          const { done, value } = await reader.read();
          if (done) break;
          size += BigInt(value.byteLength);
          opts.onProgress?.(size);
          opts.inspector?.push(value);
          let off = 0;
          while (off < value.byteLength) {
            const n = Math.min(value.byteLength - off, slot.view.byteLength - fill);
            slot.view.set(value.subarray(off, off + n), fill);
            fill += n;
            off += n;
            if (fill === slot.view.byteLength) await flush();
          }
        }
        await flush();
      } catch (e) {
        await reader.cancel().catch(() => undefined);
        throw e;
      } finally {
        await Promise.all([...writes]);
      }
      if (writeError) throw writeError;
    }
    const digests = await hasher.digests();
    return {
      size,
      md5: digests.md5!,
      hash: digests[algo]!,
      algo,
      inspection: opts.inspector?.finish() ?? null,
    };
  } finally {
    await hasher.close();
  }
}
