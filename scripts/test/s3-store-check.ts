// Checks the S3 image store (lib/server/stores/s3.ts) against a real S3 endpoint, e.g. the Ceph
// RGW from scripts/test/rgw.sh:
//
//   set -a; eval "$(scripts/test/rgw.sh up)"; set +a
//   node --conditions=react-server --import tsx scripts/test/s3-store-check.ts
//
// (--conditions=react-server makes `import "server-only"` resolve to its empty module, as inside
// Next's server build.) Reads S3_ENDPOINT, S3_ACCESS_KEY, S3_SECRET_KEY, S3_BUCKET and optionally
// S3_REGION. Everything is written under a fresh prefix (s3-store-check/<run>/) and removed at
// the end. Prints one line per check; exits 1 if any failed.
import crypto from "node:crypto";
import {
  AbortMultipartUploadCommand,
  HeadObjectCommand,
  ListMultipartUploadsCommand,
} from "@aws-sdk/client-s3";
import { S3Store, type S3StoreConfig } from "../../lib/server/stores/s3";
import type { StoreWriter } from "../../lib/server/stores/types";

const MiB = 1024 * 1024;
const env = (name: string) => {
  const v = process.env[name];
  if (!v) {
    console.error(`${name} is not set (eval "$(scripts/test/rgw.sh up)" first)`);
    process.exit(2);
  }
  return v;
};

const runId = `${Date.now().toString(36)}-${crypto.randomBytes(3).toString("hex")}`;
const config: S3StoreConfig = {
  endpoint: env("S3_ENDPOINT"),
  region: process.env.S3_REGION || "us-east-1",
  bucket: env("S3_BUCKET"),
  accessKeyId: env("S3_ACCESS_KEY"),
  secretAccessKey: env("S3_SECRET_KEY"),
  forcePathStyle: true,
  partSize: 8 * MiB,
  prefix: `s3-store-check/${runId}/`,
  queueSize: 4,
};
const store = new S3Store("s3check", config, "check");

let failed = 0;
let passed = 0;
async function check(name: string, fn: () => Promise<string | void>): Promise<void> {
  const t0 = performance.now();
  try {
    const note = await fn();
    passed++;
    console.log(`ok   ${name} (${Math.round(performance.now() - t0)} ms)${note ? `: ${note}` : ""}`);
  } catch (e) {
    failed++;
    console.log(`FAIL ${name}: ${e instanceof Error ? (e.stack ?? e.message) : String(e)}`);
  }
}

function assert(cond: unknown, msg: string): asserts cond {
  if (!cond) throw new Error(msg);
}

async function readAll(s: ReadableStream<Uint8Array>): Promise<Buffer> {
  const parts: Uint8Array[] = [];
  for await (const c of s as unknown as AsyncIterable<Uint8Array>) parts.push(c);
  return Buffer.concat(parts);
}

async function sha256Of(s: ReadableStream<Uint8Array>): Promise<{ hex: string; size: number }> {
  const h = crypto.createHash("sha256");
  let size = 0;
  for await (const c of s as unknown as AsyncIterable<Uint8Array>) {
    h.update(c);
    size += c.byteLength;
  }
  return { hex: h.digest("hex"), size };
}

async function openUploads(key: string): Promise<string[]> {
  const out = await store.client.send(
    new ListMultipartUploadsCommand({ Bucket: config.bucket, Prefix: `${config.prefix}${key}` }),
  );
  return (out.Uploads ?? []).filter((u) => u.Key === `${config.prefix}${key}`).map((u) => u.UploadId!);
}

/** Writes data in `chunk`-byte pieces with up to `window` write() calls outstanding, through a
 *  pool of reused buffers (as the upload route does: a buffer is refilled once its write has
 *  resolved, so the store must have copied it by then). Samples the writer's in-flight parts. */
async function writeOverlapping(
  w: StoreWriter,
  data: Buffer,
  chunk: number,
  window: number,
): Promise<{ maxInflight: number }> {
  const pool = Array.from({ length: window }, () => Buffer.alloc(chunk));
  const free = [...pool.keys()];
  const pending = new Set<Promise<void>>();
  let maxInflight = 0;
  const inflightOf = () => (w as unknown as { inflight?: Set<unknown> }).inflight?.size ?? 0;
  const sampler = setInterval(() => (maxInflight = Math.max(maxInflight, inflightOf())), 2);
  let error: unknown = null;
  try {
    for (let off = 0; off < data.byteLength; off += chunk) {
      while (free.length === 0) await Promise.race(pending);
      if (error) throw error;
      const i = free.pop()!;
      const n = Math.min(chunk, data.byteLength - off);
      data.copy(pool[i]!, 0, off, off + n);
      const p: Promise<void> = w
        .write(pool[i]!.subarray(0, n))
        .catch((e) => void (error ??= e))
        .finally(() => {
          pool[i]!.fill(0xee); // scribble: the store must not still be reading this buffer
          free.push(i);
          pending.delete(p);
        });
      pending.add(p);
      maxInflight = Math.max(maxInflight, inflightOf());
    }
    await Promise.all(pending);
    if (error) throw error;
  } finally {
    clearInterval(sampler);
  }
  return { maxInflight };
}

const mbps = (bytes: number, ms: number) => `${(bytes / 1e6 / (ms / 1000)).toFixed(1)} MB/s`;

async function main() {
  console.log(`S3 store check against ${config.endpoint}, bucket ${config.bucket}, prefix ${config.prefix}`);

  await check("check() on the bucket", async () => {
    await store.check();
  });

  await check("check() on a missing bucket throws a clear error", async () => {
    const bad = new S3Store("bad", { ...config, bucket: `no-such-bucket-${runId}` });
    let msg = "";
    await bad.check().catch((e: Error) => (msg = e.message));
    assert(
      msg.includes("no-such-bucket") && msg.includes("bad"),
      `unexpected message: ${msg || "(no error)"}`,
    );
    return msg;
  });

  await check("invalid keys are refused", async () => {
    for (const k of ["../x", "", "a/b", ".hidden", "a b"]) {
      let threw = false;
      await store.begin(k).catch(() => (threw = true));
      assert(threw, `begin(${JSON.stringify(k)}) did not throw`);
      threw = false;
      await store.exists(k).catch(() => (threw = true));
      assert(threw, `exists(${JSON.stringify(k)}) did not throw`);
    }
  });

  // ------------------------------------------------------------------ small object
  const small = crypto.randomBytes(300_000);
  await check("small object: write, invisible before commit, commit, read, range, delete", async () => {
    const key = "small-1";
    const w = await store.begin(key);
    // three overlapping writes
    await Promise.all([
      w.write(small.subarray(0, 1000)),
      w.write(small.subarray(1000, 200_000)),
      w.write(small.subarray(200_000)),
    ]);
    assert(!(await store.exists(key)), "object visible before commit");
    await w.commit();
    assert(await store.exists(key), "object missing after commit");
    assert((await openUploads(key)).length === 0, "a small object must not use a multipart upload");
    const back = await readAll(await store.read(key));
    assert(back.equals(small), `read back ${back.byteLength} bytes, not the same`);
    const r = await readAll(await store.read(key, { start: 10, end: 99 }));
    assert(r.equals(small.subarray(10, 100)), `range 10-99 gave ${r.byteLength} wrong bytes`);
    const last = await readAll(
      await store.read(key, { start: small.byteLength - 1, end: small.byteLength - 1 }),
    );
    assert(last.equals(small.subarray(-1)), "last-byte range wrong");
    await store.delete(key);
    assert(!(await store.exists(key)), "object still there after delete");
    await store.delete(key); // missing key is fine
    await store.delete("never-existed");
  });

  await check("empty object", async () => {
    const w = await store.begin("empty-1");
    await w.commit();
    assert(await store.exists("empty-1"), "empty object missing");
    assert((await readAll(await store.read("empty-1"))).byteLength === 0, "empty object not empty");
    await store.delete("empty-1");
  });

  await check("reading a missing key rejects", async () => {
    let threw = false;
    await store.read("missing-1").catch(() => (threw = true));
    assert(threw, "read of a missing key did not reject");
  });

  // ------------------------------------------------------------------ 40 MiB multipart
  const big = crypto.randomBytes(40 * MiB);
  const bigSha = crypto.createHash("sha256").update(big).digest("hex");
  await check("40 MiB in 64 KiB overlapping writes (8 MiB parts), read back by sha256", async () => {
    const key = "big-1";
    const w = await store.begin(key);
    const t0 = performance.now();
    const { maxInflight } = await writeOverlapping(w, big, 64 * 1024, 32);
    const tWrites = performance.now() - t0;
    assert(maxInflight <= config.queueSize!, `${maxInflight} parts in flight, more than queueSize`);
    assert(!(await store.exists(key)), "object visible before commit");
    assert((await openUploads(key)).length === 1, "expected one open multipart upload before commit");
    await w.commit();
    const tWrite = performance.now() - t0;
    assert((await openUploads(key)).length === 0, "multipart upload still open after commit");
    const head = await store.client.send(
      new HeadObjectCommand({ Bucket: config.bucket, Key: `${config.prefix}${key}` }),
    );
    assert(head.ContentLength === big.byteLength, `ContentLength ${head.ContentLength}`);
    const t1 = performance.now();
    const got = await sha256Of(await store.read(key));
    const tRead = performance.now() - t1;
    assert(got.size === big.byteLength, `read ${got.size} bytes`);
    assert(got.hex === bigSha, "sha256 differs");
    // a range across the first part boundary
    const a = 8 * MiB - 100;
    const b = 8 * MiB + 99;
    const r = await readAll(await store.read(key, { start: a, end: b }));
    assert(r.equals(big.subarray(a, b + 1)), "range across a part boundary wrong");
    await store.delete(key);
    return (
      `write ${mbps(big.byteLength, tWrite)} (${Math.round(tWrite)} ms, writes buffered after ` +
      `${Math.round(tWrites)} ms), read+sha256 ${mbps(big.byteLength, tRead)}, ` +
      `ETag ${head.ETag}, max ${maxInflight} parts in flight`
    );
  });

  await check("object of exactly one part size (8 MiB)", async () => {
    const w = await store.begin("exact-1");
    await w.write(big.subarray(0, 8 * MiB));
    await w.commit();
    const got = await readAll(await store.read("exact-1"));
    assert(got.equals(big.subarray(0, 8 * MiB)), "content differs");
    await store.delete("exact-1");
  });

  await check("backpressure: 40 MiB fired at once, memory bounded by the queue", async () => {
    // All 640 writes issued without awaiting any. Write promises must resolve in order, and the
    // later ones only as parts finish uploading.
    const key = "burst-1";
    const w = await store.begin(key);
    const order: number[] = [];
    const ps: Promise<void>[] = [];
    let maxInflight = 0;
    const inflightOf = () => (w as unknown as { inflight: Set<unknown> }).inflight.size;
    const sampler = setInterval(() => (maxInflight = Math.max(maxInflight, inflightOf())), 2);
    for (let i = 0, off = 0; off < big.byteLength; i++, off += 64 * 1024)
      ps.push(w.write(big.subarray(off, off + 64 * 1024)).then(() => void order.push(i)));
    await Promise.all(ps);
    clearInterval(sampler);
    assert(
      order.every((v, i) => v === i),
      "write promises resolved out of order",
    );
    assert(maxInflight <= config.queueSize!, `${maxInflight} parts in flight`);
    await w.commit();
    const got = await sha256Of(await store.read(key));
    assert(got.hex === bigSha, "sha256 differs");
    await store.delete(key);
    return `max ${maxInflight} parts in flight`;
  });

  // ------------------------------------------------------------------ abort
  await check("abort after 20 MiB leaves no object and no multipart upload", async () => {
    const key = "aborted-1";
    const w = await store.begin(key);
    await writeOverlapping(w, big.subarray(0, 20 * MiB), 64 * 1024, 16);
    assert((await openUploads(key)).length === 1, "expected an open multipart upload before abort");
    await w.abort();
    await w.abort(); // twice is fine
    assert(!(await store.exists(key)), "object exists after abort");
    const left = await openUploads(key);
    assert(left.length === 0, `multipart upload left after abort: ${left.join(", ")}`);
    let threw = false;
    await w.write(big.subarray(0, 10)).catch(() => (threw = true));
    assert(threw, "write after abort did not reject");
  });

  await check("abort with writes still queued", async () => {
    const key = "aborted-2";
    const w = await store.begin(key);
    const ps: Promise<unknown>[] = [];
    for (let off = 0; off < 40 * MiB; off += 1 * MiB)
      ps.push(w.write(big.subarray(off, off + MiB)).catch((e: unknown) => e));
    await new Promise((r) => setTimeout(r, 50));
    await w.abort();
    await Promise.all(ps);
    assert(!(await store.exists(key)), "object exists after abort");
    // the upload may have been created after the list, so look twice
    await new Promise((r) => setTimeout(r, 200));
    const left = await openUploads(key);
    assert(left.length === 0, `multipart upload left after abort: ${left.join(", ")}`);
  });

  await check("abort of a small write leaves nothing", async () => {
    const w = await store.begin("aborted-3");
    await w.write(small);
    await w.abort();
    assert(!(await store.exists("aborted-3")), "object exists after abort");
  });

  // ------------------------------------------------------------------ failures
  await check("a failed part upload makes later write() and commit() reject", async () => {
    const key = "broken-1";
    const w = await store.begin(key);
    await w.write(big.subarray(0, 8 * MiB)); // part 1 starts, the upload exists now
    const uploadId = (w as unknown as { uploadId: string }).uploadId;
    assert(uploadId, "no multipart upload after one full part");
    // pull the upload out from under the writer: parts 2+ fail
    await new Promise((r) => setTimeout(r, 300));
    await store.client.send(
      new AbortMultipartUploadCommand({
        Bucket: config.bucket,
        Key: `${config.prefix}${key}`,
        UploadId: uploadId,
      }),
    );
    // part 2 fails in the background; the next write after that must reject
    await w.write(big.subarray(8 * MiB, 16 * MiB));
    while ((w as unknown as { inflight: Set<unknown> }).inflight.size > 0)
      await new Promise((r) => setTimeout(r, 20));
    let writeErr: unknown = null;
    await w.write(big.subarray(16 * MiB, 16 * MiB + 10)).catch((e: unknown) => (writeErr = e));
    assert(writeErr, "write after a failed part did not reject");
    let commitErr: unknown = null;
    await w.commit().catch((e: unknown) => (commitErr = e));
    assert(commitErr, "commit did not reject");
    await w.abort();
    assert(!(await store.exists(key)), "object exists");
    const name = (e: unknown) => (e as Error | null)?.name ?? String(e);
    return `write: ${name(writeErr)}, commit: ${name(commitErr)}`;
  });

  await check("a missing bucket makes a large write reject", async () => {
    const bad = new S3Store("bad", { ...config, bucket: `no-such-bucket-${runId}` });
    const w = await bad.begin("x-1");
    let err: unknown = null;
    await w.write(big.subarray(0, 9 * MiB)).catch((e: unknown) => (err = e));
    assert(err, "write did not reject");
    let commitErr: unknown = null;
    await w.commit().catch((e: unknown) => (commitErr = e));
    assert(commitErr, "commit did not reject");
    await w.abort();
    return (err as Error).name;
  });

  // ------------------------------------------------------------------ abortStale
  await check("abortStale aborts only old multipart uploads under the prefix", async () => {
    // two abandoned writes (a crash: neither commit nor abort)
    for (const key of ["stale-1", "stale-2"]) {
      const w = await store.begin(key);
      await w.write(big.subarray(0, 8 * MiB));
      while ((w as unknown as { inflight: Set<unknown> }).inflight.size > 0)
        await new Promise((r) => setTimeout(r, 20));
    }
    // and one outside the prefix, which must be left alone
    const other = new S3Store("other", { ...config, prefix: `s3-store-check/${runId}-other/` });
    const ow = await other.begin("stale-3");
    await ow.write(big.subarray(0, 8 * MiB));
    const young = await store.abortStale(60_000);
    assert(young === 0, `abortStale(60 s) aborted ${young} fresh uploads`);
    await new Promise((r) => setTimeout(r, 1100)); // Initiated has 1 s resolution
    const n = await store.abortStale(500);
    assert(n === 2, `abortStale aborted ${n}, expected 2`);
    assert(
      (await openUploads("stale-1")).length + (await openUploads("stale-2")).length === 0,
      "uploads left",
    );
    await ow.abort();
    assert((await other.abortStale(0)) === 0, "other prefix: upload left after abort");
    return `aborted ${n}`;
  });

  // ------------------------------------------------------------------ optional benchmark
  const benchMiB = Number(process.env.S3_CHECK_BENCH_MIB || 0);
  if (benchMiB > 0) {
    await check(`benchmark: ${benchMiB} MiB`, async () => {
      const data = crypto.randomBytes(Math.min(benchMiB, 64) * MiB);
      const key = "bench-1";
      const w = await store.begin(key);
      const t0 = performance.now();
      for (let done = 0; done < benchMiB * MiB; done += data.byteLength)
        await writeOverlapping(
          w,
          data.subarray(0, Math.min(data.byteLength, benchMiB * MiB - done)),
          64 * 1024,
          32,
        );
      await w.commit();
      const tw = performance.now() - t0;
      const t1 = performance.now();
      const got = await sha256Of(await store.read(key));
      const tr = performance.now() - t1;
      await store.delete(key);
      return `write ${mbps(got.size, tw)}, read+sha256 ${mbps(got.size, tr)}`;
    });
  }

  // leftovers from failed checks
  await store.abortStale(0).catch(() => undefined);
  for (const k of ["small-1", "empty-1", "big-1", "exact-1", "burst-1", "aborted-1", "aborted-2", "broken-1"])
    await store.delete(k).catch(() => undefined);

  console.log(`\n${passed} passed, ${failed} failed`);
  process.exit(failed ? 1 : 0);
}

main().catch((e) => {
  console.error(e);
  process.exit(1);
});
