// `npm run bench` part "s3": upload and download of a 1 GiB image through Iris's S3 store (Ceph
// RGW), beside the bare @aws-sdk/client-s3 client moving the same bytes to the same RGW in the same
// run: a multipart upload with Iris's part size and parallelism, and a streamed GetObject.
import crypto from "node:crypto";
import fsp from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import type { Readable } from "node:stream";
import {
  AbortMultipartUploadCommand,
  CompleteMultipartUploadCommand,
  CreateMultipartUploadCommand,
  DeleteObjectCommand,
  GetObjectCommand,
  ListMultipartUploadsCommand,
  ListObjectsV2Command,
  S3Client,
  UploadPartCommand,
  type CompletedPart,
} from "@aws-sdk/client-s3";
import { startIris } from "../test/iris-server";
import type { S3Endpoint } from "../test/s3";
import {
  adminToken,
  createImage,
  curlPut,
  dataFile,
  deleteImage,
  expectActive,
  curlGet,
  gib,
  mb,
  median,
  ROUNDS,
  SIZE,
  timedCpu,
  type CpuTimed,
} from "./client";
import { BareHasher } from "./baselines";
import type { BenchRgw } from "./rgw";

/** IRIS_STORE_CEPH_PART_SIZE as storesEnv sets it (8 MiB). */
const PART_BYTES = 8 * 2 ** 20;
/** Parts in flight: the S3 store's default queueSize. */
const PARTS_IN_FLIGHT = 4;
/** Iris's key prefix in the bucket; the bare client's objects go beneath it too. */
const PREFIX = "bench/";

/** A client configured as Iris's S3 store configures its own (lib/server/stores/s3.ts). */
export function s3Client(s3: S3Endpoint): S3Client {
  // Not the SDK's "Node 20 support ends in 2027" notice in the middle of the numbers.
  process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= "true";
  return new S3Client({
    endpoint: s3.endpoint,
    region: s3.region,
    forcePathStyle: true,
    credentials: { accessKeyId: s3.accessKey, secretAccessKey: s3.secretKey },
    requestChecksumCalculation: "WHEN_REQUIRED",
    responseChecksumValidation: "WHEN_REQUIRED",
  });
}

/** Deletes every object and aborts every multipart upload under `prefix`; returns how many. */
export async function removeAll(client: S3Client, bucket: string, prefix: string): Promise<number> {
  let n = 0;
  for (;;) {
    const list = await client.send(new ListObjectsV2Command({ Bucket: bucket, Prefix: prefix }));
    const keys = (list.Contents ?? []).map((o) => o.Key!);
    for (const Key of keys) await client.send(new DeleteObjectCommand({ Bucket: bucket, Key }));
    n += keys.length;
    if (!list.IsTruncated) break;
  }
  const uploads = await client.send(new ListMultipartUploadsCommand({ Bucket: bucket, Prefix: prefix }));
  for (const u of uploads.Uploads ?? []) {
    await client.send(
      new AbortMultipartUploadCommand({ Bucket: bucket, Key: u.Key!, UploadId: u.UploadId! }),
    );
    n++;
  }
  return n;
}

/**
 * Multipart upload of `file` to `key`: parts of PART_BYTES read into fresh Buffers, at most
 * PARTS_IN_FLIGHT UploadPart requests at a time (as Iris's S3 writer sends them). Hashes only
 * with a `hasher`; it is waited for before the upload completes, as Iris waits for its digests.
 */
export async function bareUpload(
  client: S3Client,
  bucket: string,
  key: string,
  file: string,
  hasher?: BareHasher,
): Promise<void> {
  const { UploadId } = await client.send(
    new CreateMultipartUploadCommand({ Bucket: bucket, Key: key, ContentType: "application/octet-stream" }),
  );
  const fh = await fsp.open(file, "r");
  const parts: CompletedPart[] = [];
  const inflight = new Set<Promise<void>>();
  let error: unknown = null;
  try {
    for (let n = 1, off = 0; off < SIZE; n++, off += PART_BYTES) {
      while (inflight.size >= PARTS_IN_FLIGHT) await Promise.race(inflight);
      if (error) throw error;
      const len = Math.min(PART_BYTES, SIZE - off);
      const buf = Buffer.allocUnsafe(len);
      const { bytesRead } = await fh.read(buf, 0, len, off);
      if (bytesRead !== len) throw new Error(`short read at ${off}`);
      await hasher?.update(buf);
      const PartNumber = n;
      const p: Promise<void> = client
        .send(
          new UploadPartCommand({
            Bucket: bucket,
            Key: key,
            UploadId,
            PartNumber,
            Body: buf,
            ContentLength: len,
          }),
        )
        .then((out) => void parts.push({ PartNumber, ETag: out.ETag }))
        .catch((e: unknown) => void (error ??= e))
        .finally(() => inflight.delete(p));
      inflight.add(p);
    }
    await Promise.all(inflight);
    if (error) throw error;
    await hasher?.digests();
    parts.sort((a, b) => a.PartNumber! - b.PartNumber!);
    await client.send(
      new CompleteMultipartUploadCommand({
        Bucket: bucket,
        Key: key,
        UploadId,
        MultipartUpload: { Parts: parts },
      }),
    );
  } catch (e) {
    await Promise.all(inflight);
    await client
      .send(new AbortMultipartUploadCommand({ Bucket: bucket, Key: key, UploadId }))
      .catch(() => {});
    throw e;
  } finally {
    await fh.close();
    await hasher?.close();
  }
}

/** GetObject streamed into a byte-counting sink; returns the bytes read. */
export async function bareDownload(client: S3Client, bucket: string, key: string): Promise<number> {
  const out = await client.send(new GetObjectCommand({ Bucket: bucket, Key: key }));
  const body = out.Body as Readable;
  return new Promise((resolve, reject) => {
    let total = 0;
    body.on("data", (c: Buffer) => (total += c.byteLength));
    body.on("end", () => resolve(total));
    body.on("error", reject);
  });
}

const CORES = os.availableParallelism();

/** CPU seconds to compute MD5 and SHA-512 of SIZE bytes (what Iris's upload adds), from memory. */
function hashCpu(): number {
  const block = crypto.randomBytes(8 * 2 ** 20);
  const md5 = crypto.createHash("md5");
  const sha = crypto.createHash("sha512");
  const u0 = process.cpuUsage();
  for (let n = 0; n < SIZE; n += block.byteLength) {
    const part = block.subarray(0, Math.min(block.byteLength, SIZE - n));
    md5.update(part);
    sha.update(part);
  }
  md5.digest();
  sha.digest();
  const u = process.cpuUsage(u0);
  return (u.user + u.system) / 1e6;
}

export async function s3Benchmark(workDir: string, rgw: BenchRgw | null): Promise<string[]> {
  if (!rgw) return ["s3  skipped (Ceph RGW unavailable)"];
  const file = await dataFile(workDir);
  const { s3 } = rgw;
  const client = s3Client(s3);
  const server = await startIris("sqlite", path.join(workDir, "s3-bench"), rgw.storesEnv("ceph", PREFIX));
  const runs = {
    irisUp: [] as CpuTimed[],
    irisDown: [] as CpuTimed[],
    bareUp: [] as CpuTimed[],
    bareHashedUp: [] as CpuTimed[],
    bareDown: [] as CpuTimed[],
  };
  const lines: string[] = [];
  try {
    const token = await adminToken(server);
    for (let i = 0; i < ROUNDS; i++) {
      // Iris: PUT …/file with curl (as the data part), GET …/file into a sink.
      const id = await createImage(server, token, "bench-s3");
      const url = `${server.url}/image/v2/images/${id}/file`;
      runs.irisUp.push(
        await timedCpu(async () => {
          const code = await curlPut(url, file, {
            "x-auth-token": token,
            "content-type": "application/octet-stream",
          });
          if (code !== 204) throw new Error(`PUT: HTTP ${code}`);
        }),
      );
      await expectActive(server, token, id, SIZE, "ceph");
      runs.irisDown.push(
        await timedCpu(async () => {
          const n = await curlGet(url, { "x-auth-token": token });
          if (n !== SIZE) throw new Error(`Iris download read ${n} bytes`);
        }),
      );
      await deleteImage(server, token, id);

      // The bare SDK, same bytes, same bucket.
      const key = `${PREFIX}bare-${crypto.randomBytes(6).toString("hex")}`;
      runs.bareUp.push(await timedCpu(() => bareUpload(client, s3.bucket, key, file)));
      runs.bareDown.push(
        await timedCpu(async () => {
          const n = await bareDownload(client, s3.bucket, key);
          if (n !== SIZE) throw new Error(`bare download read ${n} bytes`);
        }),
      );
      await client.send(new DeleteObjectCommand({ Bucket: s3.bucket, Key: key }));
      // The bare client again, now also computing the two digests Iris must compute.
      runs.bareHashedUp.push(
        await timedCpu(() => bareUpload(client, s3.bucket, key, file, new BareHasher(PART_BYTES))),
      );
      await client.send(new DeleteObjectCommand({ Bucket: s3.bucket, Key: key }));
    }
    const hashing = hashCpu();
    const rate = (xs: CpuTimed[]) => SIZE / median(xs.map((x) => x.seconds));
    const busy = (xs: CpuTimed[]) => median(xs.map((x) => x.busy));
    const load = (xs: CpuTimed[]) => median(xs.map((x) => x.busy / x.seconds / CORES));
    const [iu, id, bu, bd] = [rate(runs.irisUp), rate(runs.irisDown), rate(runs.bareUp), rate(runs.bareDown)];
    const bh = rate(runs.bareHashedUp);
    const pct = (x: number) => `${(x * 100).toFixed(0)}%`;
    lines.push(
      `s3 upload   ${gib(SIZE)} GiB: Iris PUT …/file (curl) ${mb(iu)} MB/s; bare @aws-sdk/client-s3 multipart (${PART_BYTES / 2 ** 20} MiB parts, ${PARTS_IN_FLIGHT} in flight) ${mb(bu)} MB/s; ratio Iris/bare ${(iu / bu).toFixed(2)} (target ≥ 0.90; median of ${ROUNDS} each; Iris also computes MD5+SHA-512, the bare client hashes nothing)`,
      // With the cores busy, time is CPU: where it goes says what a faster Iris could gain.
      `s3 upload   CPU of the whole machine (RGW, OSD, Iris, curl, the bench): Iris ${busy(runs.irisUp).toFixed(1)} s, bare ${busy(runs.bareUp).toFixed(1)} s, with ${pct(load(runs.irisUp))} and ${pct(load(runs.bareUp))} of ${CORES} cores busy; MD5+SHA-512 of ${gib(SIZE)} GiB alone costs ${hashing.toFixed(1)} s`,
      `s3 upload   reference: the bare client computing MD5 and SHA-512 on two worker threads as it sends (what Glance's API asks of Iris) ${mb(bh)} MB/s, CPU ${busy(runs.bareHashedUp).toFixed(1)} s; ratio Iris/(bare + digests) ${(iu / bh).toFixed(2)} (no target: says how much of the gap is the digests)`,
      `s3 download ${gib(SIZE)} GiB: Iris GET …/file (curl) ${mb(id)} MB/s; bare GetObject streamed ${mb(bd)} MB/s; ratio Iris/bare ${(id / bd).toFixed(2)} (target ≥ 0.90; median of ${ROUNDS} each; CPU Iris ${busy(runs.irisDown).toFixed(1)} s, bare ${busy(runs.bareDown).toFixed(1)} s)`,
    );
    for (const l of lines) console.log(l);
  } finally {
    await server.stop();
    const left = await removeAll(client, s3.bucket, PREFIX).catch(() => -1);
    if (left !== 0)
      console.log(
        `s3: removed ${left < 0 ? "(failed to list)" : left} leftover objects/uploads under ${PREFIX}`,
      );
    client.destroy();
  }
  return lines;
}
