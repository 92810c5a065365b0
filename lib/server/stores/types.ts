// Where image bytes live. Every store writes atomically (nothing half-written ever becomes an
// image's data) and streams both ways; reads can start at an offset.

export interface ByteRange {
  /** First byte, inclusive. */
  start: number;
  /** Last byte, inclusive. */
  end: number;
}

/** A write in progress: feed chunks in order, then commit or abort. */
export interface StoreWriter {
  /** Queues a chunk after the previous ones; calls may overlap (the data lands in call order). */
  write(chunk: Uint8Array): Promise<void>;
  /** Makes the data visible under its key. */
  commit(): Promise<void>;
  /** Discards everything written; never throws. */
  abort(): Promise<void>;
}

export interface ImageStore {
  readonly name: string;
  readonly type: "file" | "s3";
  readonly description: string;
  begin(key: string): Promise<StoreWriter>;
  read(key: string, range?: ByteRange): Promise<ReadableStream<Uint8Array>>;
  delete(key: string): Promise<void>;
  exists(key: string): Promise<boolean>;
  /** Throws when the store cannot be used (readiness). */
  check(): Promise<void>;
}

/**
 * The store failed while writing (S3 unreachable or refusing, disk error), as opposed to the
 * client's body failing. Callers answer 503: the request was fine, and can be retried.
 */
export class StoreWriteError extends Error {
  constructor(cause: unknown) {
    super(`store write failed: ${cause instanceof Error ? cause.message : String(cause)}`, { cause });
    this.name = "StoreWriteError";
  }
}

/** Runs a store call, turning its failure into a StoreWriteError. */
async function storeCall<T>(fn: () => Promise<T>): Promise<T> {
  try {
    return await fn();
  } catch (e) {
    throw e instanceof StoreWriteError ? e : new StoreWriteError(e);
  }
}

/**
 * store.begin(key) for every caller that writes image data: each failure of the write (begin,
 * write, commit) comes out as a StoreWriteError, so that no caller mistakes the store's fault for
 * the client's.
 */
export async function beginWrite(store: ImageStore, key: string): Promise<StoreWriter> {
  const writer = await storeCall(() => store.begin(key));
  return {
    write: (chunk) => storeCall(() => writer.write(chunk)),
    commit: () => storeCall(() => writer.commit()),
    abort: () => writer.abort(),
  };
}
