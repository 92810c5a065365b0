import "server-only";
import crypto from "node:crypto";
import fs from "node:fs";
import path from "node:path";
import { PassThrough, Readable, Transform } from "node:stream";
import { FileStore } from "@tus/file-store";
import { S3Store as TusS3Store, type MetadataValue } from "@tus/s3-store";
import type { DataStore } from "@tus/utils";
import type { Part } from "@aws-sdk/client-s3";
import { env } from "../env";
import { FilesystemStore } from "../stores/filesystem";
import { newInspector } from "../images/data-checks";
import type { InspectionReport, StreamInspector } from "../inspect/inspector";
import { BufferPool } from "../stores/buffer-pool";
import { ParallelHasher } from "../stores/hasher";
import { s3ClientConfig, S3Store } from "../stores/s3";
import type { ImageStore } from "../stores/types";

// The tus data stores behind each Iris store: a tus upload's bytes land where the image's data
// will live (a file beside the filesystem store's images, or an S3 multipart upload in the S3
// store's bucket), so that finishing an upload moves no data. While bytes arrive they are hashed
// (MD5 and the configured os_hash_algo) and their format inspected; a restart loses that state
// and the finish reads the data once to hash and inspect it.

export const TUS_ID = /^tus-[0-9a-f]{32}$/;
/**
 * The names a tus upload's data has in a store (group 1: the upload's id): the data itself, the
 * file store's `.json` beside it, the S3 store's `.info` object and `.part` (an incomplete part).
 */
export const TUS_FILE = /^(tus-[0-9a-f]{32})(?:\.json|\.info|\.part)?$/;
/** The subfolder of a filesystem store where tus uploads grow. */
export const TUS_DIR = ".tus";

interface HashState {
  /** Bytes hashed so far (submitted to the hash workers). */
  offset: number;
  hasher: ParallelHasher;
  /** Format inspection of the same bytes, in order (null when inspection is off). */
  inspector: StreamInspector | null;
}

// Hashing runs on worker threads (as for PUT …/file); each upload in progress keeps its hasher
// between PATCH requests. Beyond MAX_HASHERS uploads at once, the finish hashes the stored data.
const MAX_HASHERS = 16;
const hashes = new Map<string, HashState>();

function algorithms(): string[] {
  const algo = env().IRIS_HASHING_ALGORITHM;
  return algo === "md5" ? ["md5"] : ["md5", algo];
}

/** The digests of an upload hashed as it arrived, if every byte up to `size` went through. */
export async function takeDigests(
  id: string,
  size: number,
): Promise<{ md5: string; other: string | null; inspection: InspectionReport | null } | null> {
  const h = hashes.get(id);
  hashes.delete(id);
  if (!h) return null;
  try {
    if (h.offset !== size) return null;
    const d = await h.hasher.digests();
    const algo = env().IRIS_HASHING_ALGORITHM;
    return {
      md5: d.md5!,
      other: algo === "md5" ? null : d[algo]!,
      inspection: h.inspector?.finish() ?? null,
    };
  } finally {
    await h.hasher.close();
  }
}

export function forgetDigests(id: string): void {
  const h = hashes.get(id);
  hashes.delete(id);
  void h?.hasher.close();
}

/** Passes the PATCH body through, hashing it when it continues exactly where the hash stopped. */
function hashStateAt(id: string, offset: number): HashState | null {
  let state = hashes.get(id);
  if (offset === 0 && !state && hashes.size < MAX_HASHERS) {
    state = {
      offset: 0,
      hasher: new ParallelHasher(algorithms(), 2 * 1024 * 1024, 8),
      inspector: newInspector(),
    };
    hashes.set(id, state);
  } else if (!state || state.offset !== offset) {
    forgetDigests(id); // a gap (restart, lost bytes): the finish hashes the stored data instead
    return null;
  }
  return state;
}

function hashing(id: string, offset: number, readable: Readable): Readable {
  const state = hashStateAt(id, offset);
  if (!state) return readable;
  const s = state;
  let slot: { slot: number; view: Uint8Array } | null = null;
  let fill = 0;
  const submit = () => {
    if (slot && fill > 0) {
      s.inspector?.push(slot.view.subarray(0, fill));
      s.hasher.submit(slot.slot, fill);
      s.offset += fill;
    } else if (slot) s.hasher.submit(slot.slot, 0); // hand an empty buffer back
    slot = null;
    fill = 0;
  };
  const t = new Transform({
    transform(chunk: Buffer, _enc, cb) {
      void (async () => {
        let off = 0;
        while (off < chunk.length) {
          slot ??= await s.hasher.acquire();
          const n = Math.min(chunk.length - off, slot.view.byteLength - fill);
          slot.view.set(chunk.subarray(off, off + n), fill);
          fill += n;
          off += n;
          if (fill === slot.view.byteLength) submit();
        }
      })().then(() => cb(null, chunk), cb);
    },
    flush(cb) {
      submit();
      cb();
    },
  });
  readable.on("error", (e) => t.destroy(e));
  t.on("error", () => {
    // Bytes handed to the store but maybe not stored: the offset will not match, so the finish
    // hashes the stored data.
    forgetDigests(id);
  });
  return readable.pipe(t);
}

const WRITE_CHUNK = 1024 * 1024;

/**
 * The tus file store, writing in 1 MiB pieces (the stock store's write stream does 64 KiB
 * writes) and hashing the same pieces on the hash workers. Each write starts when the one before
 * it has finished: the file's size is the upload's offset, so a crash must never leave a hole
 * before data.
 */
class HashingFileStore extends FileStore {
  override async write(readable: Readable, id: string, offset: number): Promise<number> {
    if (!TUS_ID.test(id)) throw new Error(`invalid tus id ${JSON.stringify(id)}`);
    const state = hashStateAt(id, offset);
    const fh = await fs.promises.open(path.join(this.directory, id), "r+");
    let position = offset; // where the next piece goes
    let stored = offset; // what is on disk
    let slot: { slot: number; view: Uint8Array } | null = null;
    let plain: Buffer | null = null;
    let fill = 0;
    // Pieces are written one after the other (a chain), while the next ones are read and hashed.
    let chain: Promise<void> = Promise.resolve();
    let inflight = 0;
    const take = async (): Promise<Uint8Array> => {
      if (state) return (slot ??= await state.hasher.acquire()).view;
      if (!plain && inflight >= 4) await chain;
      return (plain ??= Buffer.allocUnsafe(WRITE_CHUNK));
    };
    const flush = () => {
      if (fill === 0) return;
      const view = state ? slot!.view : plain!;
      const hashSlot = slot?.slot;
      const n = fill;
      const at = position;
      position += n;
      if (state && hashSlot !== undefined) {
        state.inspector?.push(view.subarray(0, n));
        state.hasher.submit(hashSlot, n, 1);
        state.offset += n;
      }
      slot = null;
      plain = null;
      fill = 0;
      inflight++;
      chain = chain
        .then(async () => {
          let off = 0;
          while (off < n) off += (await fh.write(view, off, n - off, at + off)).bytesWritten;
          stored = at + n;
        })
        .finally(() => {
          inflight--;
          if (state && hashSlot !== undefined) state.hasher.done(hashSlot);
        });
      chain.catch(() => undefined); // observed below
    };
    try {
      for await (const chunk of readable as AsyncIterable<Buffer>) {
        let off = 0;
        while (off < chunk.length) {
          const view = await take();
          const n = Math.min(chunk.length - off, view.byteLength - fill);
          view.set(chunk.subarray(off, off + n), fill);
          fill += n;
          off += n;
          if (fill === view.byteLength) flush();
        }
      }
      flush();
      await chain;
    } catch (e) {
      forgetDigests(id);
      await chain.catch(() => undefined);
      throw e;
    } finally {
      const unused = slot as { slot: number } | null;
      if (unused && state) state.hasher.submit(unused.slot, 0); // an unfilled buffer goes back
      await fh.close();
    }
    return stored;
  }
}

/**
 * A PATCH body that ends, instead of failing, when the client goes away: the S3 store would
 * otherwise throw away the part it was filling, and the client could not resume from there.
 */
function endOnError(readable: Readable): Readable {
  const out = new PassThrough();
  readable.on("error", () => out.end());
  return readable.pipe(out);
}

/** Parts of one PATCH uploaded at once (as the Iris S3 store does). */
const S3_PARTS_IN_FLIGHT = 4;

/** What the process knows of an S3 tus upload it writes (undefined incomplete: not known). */
interface KnownUpload {
  parts: Part[];
  /** Bytes in the incomplete part (`<id>.part`), null when there is none. */
  incomplete?: number | null;
}

class HashingS3Store extends TusS3Store {
  /**
   * The parts and the incomplete part of each upload this process is writing, so that a PATCH
   * does not ask S3 for them again (the stock store lists the parts and looks for an incomplete
   * part twice per PATCH: four requests, about a second over a 1 GiB upload in 32 PATCHes). An
   * upload's requests all reach this process (the tus locker is in memory, see tus.ts); after a
   * restart, or any failure, S3 is asked again.
   */
  private readonly known = new Map<string, KnownUpload>();

  override async retrieveParts(id: string, partNumberMarker?: string): Promise<Part[]> {
    const k = partNumberMarker ? undefined : this.known.get(id);
    if (k) return [...k.parts].sort((a, b) => a.PartNumber! - b.PartNumber!);
    const parts = await super.retrieveParts(id, partNumberMarker);
    if (!partNumberMarker)
      this.known.set(id, { parts: [...parts], incomplete: this.known.get(id)?.incomplete });
    return parts;
  }

  override async getIncompletePartSize(id: string): Promise<number | undefined> {
    const k = this.known.get(id);
    if (k && k.incomplete !== undefined) return k.incomplete ?? undefined;
    const size = await super.getIncompletePartSize(id);
    if (k) k.incomplete = size ?? null;
    return size;
  }

  override async downloadIncompletePart(id: string): ReturnType<TusS3Store["downloadIncompletePart"]> {
    if (this.known.get(id)?.incomplete === null) return undefined;
    return super.downloadIncompletePart(id);
  }

  override async deleteIncompletePart(id: string): Promise<void> {
    await super.deleteIncompletePart(id);
    const k = this.known.get(id);
    if (k) k.incomplete = null;
  }

  override async clearCache(id: string): Promise<void> {
    this.known.delete(id);
    await super.clearCache(id);
  }

  override async remove(id: string): Promise<void> {
    this.known.delete(id);
    await super.remove(id);
  }

  /**
   * Completes the multipart upload of an upload that has every byte in its parts. tus completes
   * it in the PATCH that brings the last byte; a crash between that part and the completion
   * leaves the parts without the object, while HEAD shows the full offset.
   */
  async completeIfWhole(id: string): Promise<void> {
    const metadata = await this.getMetadata(id);
    let parts: Part[];
    try {
      parts = await this.retrieveParts(id);
    } catch (e) {
      const name = (e as { name?: string } | null)?.name;
      if (name === "NoSuchUpload" || name === "NoSuchKey") return; // completed already
      throw e;
    }
    const stored = parts.reduce((n, part) => n + (part.Size ?? 0), 0);
    if (parts.length > 0 && stored === metadata.file.size) {
      await this.finishMultipartUpload(metadata, parts);
      await this.clearCache(id);
    }
  }

  /** Part buffers whose upload is answered, filled again by any upload to this store. */
  private readonly spare = new BufferPool(2 * S3_PARTS_IN_FLIGHT);

  override async write(readable: Readable, id: string, offset: number): Promise<number> {
    try {
      return await super.write(hashing(id, offset, endOnError(readable)), id, offset);
    } catch (e) {
      this.known.delete(id); // what landed is uncertain: ask S3 next time
      throw e;
    }
  }

  /**
   * The stock store cuts the body into part files in the temporary folder and uploads them from
   * there (every byte written to disk and read back); parts are cut in memory here instead,
   * with the same rules: full parts (and the final one) become multipart parts, a shorter piece
   * at the end of a PATCH is kept as the incomplete part for the next PATCH to continue.
   */
  protected override async uploadParts(
    metadata: MetadataValue,
    readStream: Readable,
    currentPartNumber: number,
    offset: number,
  ): Promise<number> {
    const size = metadata.file.size;
    const partSize = this.calcOptimalPartSize(size);
    let uploaded = 0;
    let failure: unknown = null;
    const inflight = new Set<Promise<void>>();
    let partNumber = currentPartNumber;
    let at = offset;
    const send = async (buffer: Buffer, length: number) => {
      const data = length === buffer.length ? buffer : buffer.subarray(0, length);
      const number = partNumber++;
      at += data.length;
      const whole = data.length >= this.minPartSize || size === at;
      const p: Promise<void> = (async () => {
        const known = this.known.get(metadata.file.id);
        if (whole) {
          const ETag = await this.uploadPart(metadata, data, number);
          known?.parts.push({ PartNumber: number, ETag, Size: data.length });
        } else {
          // The SDK needs the length of the body: a Buffer carries it.
          await this.uploadIncompletePart(metadata.file.id, data as unknown as Readable);
          if (known) known.incomplete = data.length;
        }
        uploaded += data.length;
        this.spare.give(buffer); // answered: the SDK is done with it
      })()
        .catch((e: unknown) => void (failure ??= e))
        .finally(() => inflight.delete(p));
      inflight.add(p);
      while (inflight.size >= S3_PARTS_IN_FLIGHT) await Promise.race(inflight);
      if (failure) throw failure;
    };
    let buf = this.spare.take(partSize);
    let fill = 0;
    try {
      for await (const chunk of readStream as AsyncIterable<Buffer>) {
        let off = 0;
        while (off < chunk.length) {
          const n = Math.min(chunk.length - off, partSize - fill);
          chunk.copy(buf, fill, off, off + n);
          fill += n;
          off += n;
          if (fill === partSize) {
            await send(buf, fill);
            buf = this.spare.take(partSize);
            fill = 0;
          }
        }
      }
      if (fill > 0) await send(buf, fill);
      else this.spare.give(buf);
    } finally {
      await Promise.allSettled([...inflight]);
    }
    if (failure) throw failure;
    return uploaded;
  }
}

export interface TusBackend {
  store: ImageStore;
  datastore: DataStore;
  /** Makes sure a finished upload's data is whole in the store (see completeIfWhole). */
  complete(id: string): Promise<void>;
  /** Makes the finished upload the image's data under `key`; returns the location key. */
  adopt(id: string, imageId: string): Promise<string>;
  /** Reads a finished upload (to hash it after a restart). */
  read(id: string): Promise<ReadableStream<Uint8Array>>;
  remove(id: string): Promise<void>;
}

function expirationMs(): number {
  return env().IRIS_TUS_EXPIRATION_HOURS * 3600_000;
}

function fileBackend(store: FilesystemStore): TusBackend {
  const directory = path.join(store.directory, TUS_DIR);
  fs.mkdirSync(directory, { recursive: true, mode: 0o700 });
  const datastore = new HashingFileStore({ directory, expirationPeriodInMilliseconds: expirationMs() });
  return {
    store,
    datastore,
    // Each PATCH writes straight into the file: what HEAD counts is there.
    complete: async () => undefined,
    async adopt(id, imageId) {
      const from = path.join(directory, id);
      const fh = await fs.promises.open(from, "r+");
      try {
        await fh.sync();
      } finally {
        await fh.close();
      }
      await fs.promises.rename(from, path.join(store.directory, imageId));
      await datastore.configstore.delete(id);
      return imageId;
    },
    async read(id) {
      return Readable.toWeb(fs.createReadStream(path.join(directory, id))) as ReadableStream<Uint8Array>;
    },
    async remove(id) {
      await fs.promises.rm(path.join(directory, id), { force: true });
      await datastore.configstore.delete(id).catch(() => undefined);
    },
  };
}

function s3Backend(store: S3Store): TusBackend {
  const datastore = new HashingS3Store({
    partSize: store.partSize,
    expirationPeriodInMilliseconds: expirationMs(),
    useTags: false,
    s3ClientConfig: { bucket: store.bucket, ...s3ClientConfig(store.config) },
  });
  // The tus object keys carry the store's prefix; the Iris location key does not.
  const local = (id: string) => id.slice(store.prefix.length);
  return {
    store,
    datastore,
    complete: (id) => datastore.completeIfWhole(id),
    async adopt(id) {
      await store.delete(`${local(id)}.info`).catch(() => undefined);
      return local(id);
    },
    read: (id) => store.read(local(id)),
    async remove(id) {
      await datastore.remove(id).catch(() => undefined);
      await store.delete(local(id)).catch(() => undefined);
      await store.delete(`${local(id)}.info`).catch(() => undefined);
      await store.delete(`${local(id)}.part`).catch(() => undefined);
    },
  };
}

const backends = new Map<string, TusBackend>();

export function tusBackend(store: ImageStore): TusBackend {
  let b = backends.get(store.name);
  if (!b) {
    if (store instanceof FilesystemStore) b = fileBackend(store);
    else if (store instanceof S3Store) b = s3Backend(store);
    else throw new Error(`no tus backend for store ${store.name}`);
    backends.set(store.name, b);
  }
  return b;
}

/** The tus id (object key) of a new upload in this store. */
export function newTusId(store: ImageStore): string {
  const prefix = store instanceof S3Store ? store.prefix : "";
  return `${prefix}tus-${crypto.randomBytes(16).toString("hex")}`;
}

/** The id as it appears in upload URLs (without the store's key prefix). */
export function urlId(store: ImageStore, id: string): string {
  const prefix = store instanceof S3Store ? store.prefix : "";
  return id.startsWith(prefix) ? id.slice(prefix.length) : id;
}
