import crypto from "node:crypto";
import fs from "node:fs";
import nodePath from "node:path";
import * as tus from "tus-js-client";
import { ListMultipartUploadsCommand, UploadPartCommand } from "@aws-sdk/client-s3";
import { expect, test } from "../fixtures";
import {
  createImage,
  expectStoredIntact,
  memberSession,
  sha512,
  shareAccepted,
  streamWithCrash,
  waitForStatus,
} from "../support/data";
import { fileStoreDir, IRIS_URL } from "../support/env";
import { DiskImages, read } from "../support/disk-images";
import { added, storedData } from "../support/leftovers";
import { bucket, prefix, s3 } from "../support/s3";
import { startExtraServer, SWEEP_QUICKLY } from "../support/server";

// Resumable uploads (tus 1.0) bound to an image: /v2/images/{id}/uploads and the upload URLs
// beneath it. Run on both stores (the runner's default store differs per database; X-Image-Meta-Store
// picks the other).

const DEFAULT_STORE = process.env.IRIS_DEFAULT_STORE ?? "file";
const TUS = { "tus-resumable": "1.0.0" };
const MiB = 1024 * 1024;

function uploadsUrl(base: string, imageId: string) {
  return `${base}/image/v2/images/${imageId}/uploads`;
}

async function createUpload(
  base: string,
  token: string,
  imageId: string,
  length: number,
  extra: Record<string, string> = {},
) {
  return fetch(uploadsUrl(base, imageId), {
    method: "POST",
    headers: { ...TUS, "x-auth-token": token, "upload-length": String(length), ...extra },
  });
}

async function patch(
  url: string,
  token: string,
  offset: number,
  body: Uint8Array,
  extra: Record<string, string> = {},
) {
  return fetch(url, {
    method: "PATCH",
    headers: {
      ...TUS,
      "x-auth-token": token,
      "upload-offset": String(offset),
      "content-type": "application/offset+octet-stream",
      ...extra,
    },
    body: new Blob([body as BlobPart]),
  });
}

/** One PATCH of all `data` from offset 0, streamed in 256 KiB pieces, cut off by the client at `abortAt`. */
async function streamPatch(
  url: string,
  token: string,
  data: Buffer,
  opts: { abortAt: number },
): Promise<void> {
  const ctrl = new AbortController();
  let sent = 0;
  const body = new ReadableStream<Uint8Array>({
    async pull(c) {
      if (sent >= data.length) return c.close();
      if (sent >= opts.abortAt) return ctrl.abort();
      c.enqueue(data.subarray(sent, sent + 256 * 1024));
      sent += 256 * 1024;
      await new Promise((r) => setTimeout(r, 5));
    },
  });
  await fetch(url, {
    method: "PATCH",
    headers: {
      ...TUS,
      "x-auth-token": token,
      "upload-offset": "0",
      "content-type": "application/offset+octet-stream",
    },
    body,
    signal: ctrl.signal,
    // @ts-expect-error Node's fetch needs duplex for a streamed body
    duplex: "half",
  }).catch(() => undefined);
}

async function offsetOf(url: string, token: string): Promise<number> {
  const r = await fetch(url, { method: "HEAD", headers: { ...TUS, "x-auth-token": token } });
  expect(r.status).toBe(200);
  return Number(r.headers.get("upload-offset"));
}

/** Uploads with tus-js-client, optionally resuming an existing upload URL. */
function tusUpload(
  base: string,
  token: string,
  imageId: string,
  data: Buffer,
  opts: { uploadUrl?: string; store?: string; chunkSize?: number } = {},
): Promise<string> {
  return new Promise((resolve, reject) => {
    const headers: Record<string, string> = { "x-auth-token": token };
    if (opts.store) headers["x-image-meta-store"] = opts.store;
    const upload = new tus.Upload(data, {
      endpoint: uploadsUrl(base, imageId),
      uploadUrl: opts.uploadUrl,
      headers,
      chunkSize: opts.chunkSize ?? 4 * MiB,
      retryDelays: [],
      onError: reject,
      onSuccess: () => resolve(upload.url!),
    });
    upload.start();
  });
}

async function imageOf(request: import("@playwright/test").APIRequestContext, token: string, id: string) {
  return (await request.get(`/image/v2/images/${id}`, { headers: { "x-auth-token": token } })).json();
}

test("OPTIONS advertises tus 1.0 with creation, termination, expiration and checksum", async () => {
  const r = await fetch(uploadsUrl(IRIS_URL, crypto.randomUUID()), { method: "OPTIONS" });
  expect(r.status).toBe(204);
  expect(r.headers.get("tus-version")).toContain("1.0.0");
  const ext = r.headers.get("tus-extension")!.split(",");
  for (const e of ["creation", "creation-with-upload", "termination", "expiration", "checksum"])
    expect(ext).toContain(e);
  expect(ext).not.toContain("creation-defer-length");
  expect(r.headers.get("tus-checksum-algorithm")).toContain("sha1");
});

for (const store of ["file", "ceph"]) {
  test(`tus-js-client uploads in chunks to the ${store} store; the image becomes active with the right hashes`, async ({
    request,
    identity,
  }) => {
    const s = await memberSession(identity, request);
    const img = await createImage(request, s.token);
    const data = crypto.randomBytes(9 * MiB + 4321);
    const url = await tusUpload(IRIS_URL, s.token, img.id, data, { store, chunkSize: 4 * MiB });
    expect(url).toContain(`/image/v2/images/${img.id}/uploads/tus-`);
    await expectStoredIntact(request, s.token, img.id, data, store);
    // The upload is gone once finished.
    const head = await fetch(url, { method: "HEAD", headers: { ...TUS, "x-auth-token": s.token } });
    expect(head.status).toBe(404);
  });
}

test("tus to ceph: many parts per upload and PATCHes that end mid-part arrive intact", async ({
  request,
  identity,
}) => {
  // 20 MiB PATCHes over 8 MiB parts: each PATCH leaves an incomplete part for the next one, and
  // the part buffers are filled again once their upload is answered (tus-stores.ts).
  test.setTimeout(120_000);
  const s = await memberSession(identity, request);
  const img = await createImage(request, s.token);
  const data = crypto.randomBytes(70 * MiB + 12345);
  await tusUpload(IRIS_URL, s.token, img.id, data, { store: "ceph", chunkSize: 20 * MiB });
  await expectStoredIntact(request, s.token, img.id, data, "ceph");
});

test("creation is authorized and checked like PUT …/file", async ({ request, identity }) => {
  const s = await memberSession(identity, request);
  const img = await createImage(request, s.token);
  // no token
  let r = await fetch(uploadsUrl(IRIS_URL, img.id), {
    method: "POST",
    headers: { ...TUS, "upload-length": "10" },
  });
  expect(r.status).toBe(401);
  // another project's private image: 404; a reader of the owner project: 403
  const other = await memberSession(identity, request);
  r = await createUpload(IRIS_URL, other.token, img.id, 10);
  expect(r.status).toBe(404);
  // no length, deferred length
  r = await fetch(uploadsUrl(IRIS_URL, img.id), {
    method: "POST",
    headers: { ...TUS, "x-auth-token": s.token },
  });
  expect(r.status).toBe(400);
  r = await createUpload(IRIS_URL, s.token, img.id, 0, { "upload-defer-length": "1" });
  expect(r.status).toBe(400);
  // formats missing
  const bare = await createImage(request, s.token, { disk_format: null, container_format: null });
  r = await createUpload(IRIS_URL, s.token, bare.id, 10);
  expect(r.status).toBe(400);
  expect((await r.json()).error.message).toContain("must be set prior to saving data");
  // unknown store
  r = await createUpload(IRIS_URL, s.token, img.id, 10, { "x-image-meta-store": "nowhere" });
  expect(r.status).toBe(400);
  // one upload at a time; the image is `uploading` meanwhile and PUT …/file is refused
  r = await createUpload(IRIS_URL, s.token, img.id, 10);
  expect(r.status).toBe(201);
  expect((await imageOf(request, s.token, img.id)).status).toBe("uploading");
  expect((await createUpload(IRIS_URL, s.token, img.id, 10)).status).toBe(409);
  const put = await request.put(`/image/v2/images/${img.id}/file`, {
    headers: { ...s.h, "content-type": "application/octet-stream" },
    data: Buffer.from("x"),
  });
  expect(put.status()).toBe(409);
  // another project cannot touch the upload URL
  const url = r.headers.get("location")!;
  expect((await patch(url, other.token, 0, new Uint8Array(10))).status).toBe(404);
  const notOurs = await fetch(`${uploadsUrl(IRIS_URL, img.id)}/tus-${"0".repeat(32)}`, {
    method: "HEAD",
    headers: { ...TUS, "x-auth-token": s.token },
  });
  expect(notOurs.status).toBe(404);
});

test("HEAD, PATCH and DELETE of an upload are authorized like its creation, and a refusal changes nothing", async ({
  request,
  identity,
}) => {
  const owner = await memberSession(identity, request);
  const img = await createImage(request, owner.token, { visibility: "shared" });
  const created = await createUpload(IRIS_URL, owner.token, img.id, 20);
  expect(created.status).toBe(201);
  const url = created.headers.get("location")!;
  // A project the image is shared with (accepted) sees the image but may not upload to it.
  const consumer = await memberSession(identity, request);
  await shareAccepted(request, owner, consumer, img.id);
  const stranger = await memberSession(identity, request);
  const reader = await memberSession(identity, request, "reader");
  const ownerReader = await identity.tokenOn(owner.project, "reader");
  const head = (token: string, at = url) =>
    fetch(at, { method: "HEAD", headers: { ...TUS, "x-auth-token": token } }).then((r) => r.status);
  const del = (token: string) =>
    fetch(url, { method: "DELETE", headers: { ...TUS, "x-auth-token": token } }).then((r) => r.status);
  const bytes = crypto.randomBytes(20);
  for (const [who, token, status] of [
    ["another project", stranger.token, 404],
    ["a reader of another project", reader.token, 404],
    ["the accepted consumer", consumer.token, 403],
    ["a reader of the owner project", ownerReader, 403],
  ] as const) {
    expect(await head(token), `HEAD by ${who}`).toBe(status);
    expect((await patch(url, token, 0, bytes)).status, `PATCH by ${who}`).toBe(status);
    expect(await del(token), `DELETE by ${who}`).toBe(status);
  }
  // The upload is only reachable beneath its own image, and only by its own id.
  const otherImage = await createImage(request, owner.token);
  const uploadId = url.split("/").pop()!;
  expect(await head(owner.token, `${uploadsUrl(IRIS_URL, otherImage.id)}/${uploadId}`)).toBe(404);
  expect(await head(owner.token, `${uploadsUrl(IRIS_URL, img.id)}/not-an-upload`)).toBe(404);
  // An admin of any project may act on it; nothing above moved the offset or removed the upload.
  const admin = await memberSession(identity, request, "admin");
  const r = await fetch(url, { method: "HEAD", headers: { ...TUS, "x-auth-token": admin.token } });
  expect(r.status).toBe(200);
  expect(r.headers.get("upload-offset")).toBe("0");
  expect((await patch(url, owner.token, 0, bytes)).status).toBe(204);
  await waitForStatus(request, owner.token, img.id, "active");
  expect((await imageOf(request, owner.token, img.id)).checksum).toBe(
    crypto.createHash("md5").update(bytes).digest("hex"),
  );
});

test("the quota is checked again when the last byte arrives: the later of two uploads is 413 and queued again", async ({
  request,
  identity,
}) => {
  const server = await startExtraServer({ IRIS_QUOTA_IMAGE_SIZE_TOTAL: "1" }); // 1 MiB per project
  try {
    const s = await memberSession(identity, request);
    const a = await createImage(request, s.token);
    const b = await createImage(request, s.token);
    const size = 700 * 1024;
    // Both fit when they are created (nothing is stored yet)…
    const ua = await createUpload(server.url, s.token, a.id, size);
    const ub = await createUpload(server.url, s.token, b.id, size);
    expect([ua.status, ub.status]).toEqual([201, 201]);
    expect((await patch(ua.headers.get("location")!, s.token, 0, crypto.randomBytes(size))).status).toBe(204);
    expect((await imageOf(request, s.token, a.id)).status).toBe("active");
    // …but the second one no longer does when it is complete.
    const last = await patch(ub.headers.get("location")!, s.token, 0, crypto.randomBytes(size));
    expect(last.status).toBe(413);
    expect((await last.json()).error.message).toContain("storage quota");
    const got = await imageOf(request, s.token, b.id);
    expect(got.status).toBe("queued");
    expect(got.stores).toBeUndefined();
  } finally {
    await server.stop();
  }
});

test("a quota too small for Upload-Length is 413 before any byte is sent", async ({ request, identity }) => {
  const server = await startExtraServer({ IRIS_QUOTA_IMAGE_SIZE_TOTAL: "1" });
  try {
    const s = await memberSession(identity, request);
    const img = await createImage(request, s.token);
    const r = await createUpload(server.url, s.token, img.id, 2 * MiB);
    expect(r.status).toBe(413);
    expect((await r.json()).error.message).toContain("storage quota");
    expect((await imageOf(request, s.token, img.id)).status).toBe("queued");
  } finally {
    await server.stop();
  }
});

test("Upload-Checksum: a good chunk is stored, a bad one is 460 and nothing is stored", async ({
  request,
  identity,
}) => {
  const s = await memberSession(identity, request);
  const img = await createImage(request, s.token);
  const data = crypto.randomBytes(3000);
  const created = await createUpload(IRIS_URL, s.token, img.id, data.length);
  expect(created.status).toBe(201);
  const url = created.headers.get("location")!;
  const first = data.subarray(0, 1000);
  const sha1 = (b: Uint8Array) => crypto.createHash("sha1").update(b).digest("base64");
  let r = await patch(url, s.token, 0, first, { "upload-checksum": `sha1 ${sha1(first)}` });
  expect(r.status).toBe(204);
  expect(r.headers.get("upload-offset")).toBe("1000");
  const second = data.subarray(1000, 2000);
  r = await patch(url, s.token, 1000, second, { "upload-checksum": `sha1 ${sha1(first)}` });
  expect(r.status).toBe(460);
  expect(await offsetOf(url, s.token)).toBe(1000);
  r = await patch(url, s.token, 1000, second, { "upload-checksum": `crc32 AAAA` });
  expect(r.status).toBe(400);
  r = await patch(url, s.token, 1000, data.subarray(1000), {
    "upload-checksum": `sha256 ${crypto.createHash("sha256").update(data.subarray(1000)).digest("base64")}`,
  });
  expect(r.status).toBe(204);
  expect((await imageOf(request, s.token, img.id)).os_hash_value).toBe(sha512(data));
});

test("a connection dropped mid-chunk resumes from the server's offset, byte-identical", async ({
  request,
  identity,
}) => {
  const s = await memberSession(identity, request);
  const img = await createImage(request, s.token);
  const data = crypto.randomBytes(12 * MiB);
  const created = await createUpload(IRIS_URL, s.token, img.id, data.length);
  const url = created.headers.get("location")!;
  // Send 12 MiB in one PATCH but cut it after about 5 MiB.
  await streamPatch(url, s.token, data, { abortAt: 5 * MiB });
  await expect.poll(() => offsetOf(url, s.token), { timeout: 10_000 }).toBeGreaterThan(0);
  const offset = await offsetOf(url, s.token);
  expect(offset).toBeLessThan(data.length);
  expect((await imageOf(request, s.token, img.id)).status).toBe("uploading");
  await tusUpload(IRIS_URL, s.token, img.id, data, { uploadUrl: url });
  const got = await imageOf(request, s.token, img.id);
  expect(got).toMatchObject({ status: "active", size: data.length, os_hash_value: sha512(data) });
});

test("an upload resumed after a dropped connection is still inspected at the end (the stored data is read once)", async ({
  request,
  identity,
}) => {
  const disks = new DiskImages();
  try {
    const s = await memberSession(identity, request);
    // A good qcow2: resumed, it ends active with its virtual size.
    const qcow2 = disks.converted("qcow2");
    const good = read(qcow2);
    const img = await createImage(request, s.token, { disk_format: "qcow2" });
    const url = (await createUpload(IRIS_URL, s.token, img.id, good.length)).headers.get("location")!;
    await streamPatch(url, s.token, good, { abortAt: 2 * MiB });
    await expect.poll(() => offsetOf(url, s.token), { timeout: 10_000 }).toBeGreaterThan(0);
    await tusUpload(IRIS_URL, s.token, img.id, good, { uploadUrl: url });
    expect(await imageOf(request, s.token, img.id)).toMatchObject({
      status: "active",
      virtual_size: qcow2.virtualSize,
      os_hash_value: sha512(good),
    });
    // The same qcow2 with a backing file written into its header (padded to the same length):
    // resumed, the finish refuses it (415) and the image is queued again.
    const bad = read(disks.qcow2WithBackingFile("/etc/passwd"));
    const padded = Buffer.concat([bad, Buffer.alloc(Math.max(0, good.length - bad.length))]);
    const img2 = await createImage(request, s.token, { disk_format: "qcow2" });
    const url2 = (await createUpload(IRIS_URL, s.token, img2.id, padded.length)).headers.get("location")!;
    await streamPatch(url2, s.token, padded, { abortAt: 2 * MiB });
    await expect.poll(() => offsetOf(url2, s.token), { timeout: 10_000 }).toBeGreaterThan(0);
    const err = await tusUpload(IRIS_URL, s.token, img2.id, padded, { uploadUrl: url2 }).then(
      () => null,
      (e: Error) => e,
    );
    expect(String(err)).toMatch(/415|backing file/i);
    expect(await imageOf(request, s.token, img2.id)).toMatchObject({ status: "queued", size: null });
  } finally {
    disks.remove();
  }
});

test("termination: DELETE cancels the upload, its data goes and the image is queued again", async ({
  request,
  identity,
}) => {
  const s = await memberSession(identity, request);
  const img = await createImage(request, s.token);
  const created = await createUpload(IRIS_URL, s.token, img.id, 5000);
  const url = created.headers.get("location")!;
  expect((await patch(url, s.token, 0, crypto.randomBytes(2000))).status).toBe(204);
  const del = await fetch(url, { method: "DELETE", headers: { ...TUS, "x-auth-token": s.token } });
  expect(del.status).toBe(204);
  expect((await imageOf(request, s.token, img.id)).status).toBe("queued");
  expect((await fetch(url, { method: "HEAD", headers: { ...TUS, "x-auth-token": s.token } })).status).toBe(
    404,
  );
  // and a new upload can start
  expect((await createUpload(IRIS_URL, s.token, img.id, 10)).status).toBe(201);
});

test("deleting the image during a tus upload removes the upload", async ({ request, identity }) => {
  const s = await memberSession(identity, request);
  const img = await createImage(request, s.token);
  const created = await createUpload(IRIS_URL, s.token, img.id, 5000);
  const url = created.headers.get("location")!;
  expect((await patch(url, s.token, 0, crypto.randomBytes(2000))).status).toBe(204);
  expect((await request.delete(`/image/v2/images/${img.id}`, { headers: s.h })).status()).toBe(204);
  expect((await patch(url, s.token, 2000, crypto.randomBytes(3000))).status).toBe(404);
});

test("kill -9 of the server mid-upload: the upload resumes on the next server, byte-identical", async ({
  request,
  identity,
}) => {
  // Two server starts and a crash: more time than the default.
  test.slow();
  const first = await startExtraServer({});
  const s = await memberSession(identity, request);
  const img = await createImage(request, s.token);
  const data = crypto.randomBytes(16 * MiB);
  const created = await createUpload(first.url, s.token, img.id, data.length);
  const path = new URL(created.headers.get("location")!).pathname;
  // The server dies while the body streams.
  await streamWithCrash(
    `${first.url}${path}`,
    "PATCH",
    {
      ...TUS,
      "x-auth-token": s.token,
      "upload-offset": "0",
      "content-type": "application/offset+octet-stream",
    },
    data,
    6 * MiB,
    async () => first.kill(),
  );
  await first.stop();
  const second = await startExtraServer({});
  try {
    const offset = await offsetOf(`${second.url}${path}`, s.token);
    expect(offset).toBeLessThan(data.length);
    await tusUpload(second.url, s.token, img.id, data, { uploadUrl: `${second.url}${path}` });
    const got = await imageOf(request, s.token, img.id);
    expect(got).toMatchObject({ status: "active", size: data.length, os_hash_value: sha512(data) });
    const dl = await request.get(`/image/v2/images/${img.id}/file`, { headers: s.h });
    expect(sha512(await dl.body())).toBe(sha512(data));
  } finally {
    await second.stop();
  }
});

/** A server takes `data` up to `upTo` for a tus upload in `store` and is killed; returns the upload's path. */
async function killedAfter(
  token: string,
  imageId: string,
  data: Buffer,
  upTo: number,
  store: string,
): Promise<string> {
  const first = await startExtraServer(SWEEP_QUICKLY);
  try {
    const created = await createUpload(first.url, token, imageId, data.length, {
      "x-image-meta-store": store,
    });
    expect(created.status).toBe(201);
    const path = new URL(created.headers.get("location")!).pathname;
    expect((await patch(`${first.url}${path}`, token, 0, data.subarray(0, upTo))).status).toBe(204);
    return path;
  } finally {
    first.kill();
    await first.stop();
  }
}

/**
 * The state a kill just after the last byte was stored leaves (in store "file"): every byte in
 * the upload's file, the upload not finished. A server takes all but the last MiB and is killed;
 * the last MiB is then added to the upload's file as the dead server would have written it.
 * Returns the upload's path.
 */
async function storedButUnfinished(token: string, imageId: string, data: Buffer): Promise<string> {
  const head = data.length - MiB;
  const path = await killedAfter(token, imageId, data, head, "file");
  const tusId = path.split("/").pop()!;
  await fs.promises.appendFile(nodePath.join(fileStoreDir(), ".tus", tusId), data.subarray(head));
  return path;
}

/** On a new server, HEAD of the upload answers its full offset (and so finishes it). */
async function headOnNextServer(path: string, token: string, size: number): Promise<void> {
  const next = await startExtraServer(SWEEP_QUICKLY);
  try {
    const r = await fetch(`${next.url}${path}`, {
      method: "HEAD",
      headers: { ...TUS, "x-auth-token": token },
    });
    expect(r.status).toBe(200);
    expect(r.headers.get("upload-offset")).toBe(String(size));
  } finally {
    await next.stop();
  }
}

test("kill -9 after the last byte is stored but before the finish: a HEAD finishes the upload", async ({
  request,
  identity,
}) => {
  // The state such a crash leaves: every byte in the store, the image still uploading. The next
  // server must finish on HEAD (hashing the stored data, as no state survived), not leave the
  // upload stuck at its full offset.
  test.slow();
  const s = await memberSession(identity, request);
  const img = await createImage(request, s.token);
  const data = crypto.randomBytes(3 * MiB + 777);
  const path = await storedButUnfinished(s.token, img.id, data);
  expect((await imageOf(request, s.token, img.id)).status).toBe("uploading");

  await headOnNextServer(path, s.token, data.length);
  await expectStoredIntact(request, s.token, img.id, data, "file");
  // Finished once: the upload is gone.
  const again = await fetch(`${IRIS_URL}${path}`, {
    method: "HEAD",
    headers: { ...TUS, "x-auth-token": s.token },
  });
  expect(again.status).toBe(404);
});

test("kill -9 after the last part reached S3 but before the multipart upload was completed: a HEAD completes and finishes the upload", async ({
  request,
  identity,
}) => {
  // On S3 the PATCH that brings the last byte also completes the multipart upload; a crash in
  // between leaves every byte in parts and no object, while HEAD counts the full offset. The
  // first server takes the first 8 MiB part and is killed; the last part is then uploaded as the
  // dead server would have sent it.
  test.slow();
  const s = await memberSession(identity, request);
  const img = await createImage(request, s.token);
  const data = crypto.randomBytes(12 * MiB + 3);
  const path = await killedAfter(s.token, img.id, data, 8 * MiB, "ceph");
  const key = prefix + path.split("/").pop()!;
  const open = await s3.send(new ListMultipartUploadsCommand({ Bucket: bucket, Prefix: key }));
  const uploadId = open.Uploads?.find((u) => u.Key === key)?.UploadId;
  expect(uploadId).toBeTruthy();
  await s3.send(
    new UploadPartCommand({
      Bucket: bucket,
      Key: key,
      UploadId: uploadId,
      PartNumber: 2,
      Body: data.subarray(8 * MiB),
    }),
  );
  await headOnNextServer(path, s.token, data.length);
  await expectStoredIntact(request, s.token, img.id, data, "ceph");
});

test("kill -9 during a tus upload's finish: the sweep puts the image back to uploading and the next HEAD finishes it", async ({
  request,
  identity,
}) => {
  // The finish (all bytes stored; the image `saving` while the data is hashed, moved into place
  // and recorded) dies before the data moved. The upload still holds every byte, so the image
  // must not go back to `queued`, which would strand the upload. After a restart the finish
  // reads the stored data once to hash it: a large upload gives the time to kill it.
  test.slow();
  const s = await memberSession(identity, request);
  const img = await createImage(request, s.token);
  const data = crypto.randomBytes(96 * MiB + 5);
  const path = await storedButUnfinished(s.token, img.id, data);
  const second = await startExtraServer(SWEEP_QUICKLY);
  try {
    const finishing = fetch(`${second.url}${path}`, {
      method: "HEAD",
      headers: { ...TUS, "x-auth-token": s.token },
    });
    finishing.catch(() => undefined);
    await expect
      .poll(async () => (await imageOf(request, s.token, img.id)).status, { intervals: [20] })
      .toBe("saving");
  } finally {
    second.kill();
    await second.stop();
  }
  const third = await startExtraServer(SWEEP_QUICKLY);
  try {
    await waitForStatus(request, s.token, img.id, "uploading");
    const r = await fetch(`${third.url}${path}`, {
      method: "HEAD",
      headers: { ...TUS, "x-auth-token": s.token },
    });
    expect(r.status).toBe(200);
    expect(r.headers.get("upload-offset")).toBe(String(data.length));
    await expectStoredIntact(request, s.token, img.id, data, "file");
  } finally {
    await third.stop();
  }
});

test("kill -9 during a tus creation, before its answer: the sweep puts the image back to queued and removes the upload", async ({
  request,
  identity,
}) => {
  // No client knows the URL of an upload whose creation never answered: it must not hold the
  // image until it expires. Creation-with-upload makes the creation long enough to be killed
  // in: the server records the upload, then dies while the POST's body streams in.
  test.slow();
  const before = await storedData();
  const first = await startExtraServer(SWEEP_QUICKLY);
  const s = await memberSession(identity, request);
  const img = await createImage(request, s.token);
  const data = crypto.randomBytes(16 * MiB);
  const answer = await streamWithCrash(
    uploadsUrl(first.url, img.id),
    "POST",
    {
      ...TUS,
      "x-auth-token": s.token,
      "upload-length": String(data.length),
      "content-type": "application/offset+octet-stream",
    },
    data,
    6 * MiB,
    async () => {
      await expect.poll(async () => (await imageOf(request, s.token, img.id)).status).toBe("uploading");
      first.kill();
    },
  );
  await first.stop();
  expect(answer).toBe("broken");
  expect((await imageOf(request, s.token, img.id)).status).toBe("uploading");
  const second = await startExtraServer(SWEEP_QUICKLY);
  try {
    await waitForStatus(request, s.token, img.id, "queued");
    // Nothing of the upload is left in the store (the file in .tus/, or the multipart upload and
    // its .info object).
    await expect.poll(async () => added(before, await storedData()), { timeout: 15_000 }).toEqual([]);
    // and the image takes a new upload
    await tusUpload(second.url, s.token, img.id, data);
    await expectStoredIntact(request, s.token, img.id, data, DEFAULT_STORE);
  } finally {
    await second.stop();
  }
});

test("kill -9 right after a tus creation answered: the upload outlives the sweep and resumes", async ({
  request,
  identity,
}) => {
  // The other side of the test above: a client that has its 201 may come back later.
  test.slow();
  const first = await startExtraServer(SWEEP_QUICKLY);
  const s = await memberSession(identity, request);
  const img = await createImage(request, s.token);
  const data = crypto.randomBytes(3 * MiB + 5);
  let path = "";
  try {
    const created = await createUpload(first.url, s.token, img.id, data.length);
    expect(created.status).toBe(201);
    path = new URL(created.headers.get("location")!).pathname;
  } finally {
    first.kill();
    await first.stop();
  }
  const second = await startExtraServer(SWEEP_QUICKLY);
  try {
    // Longer than the stale time, with a sweep every second.
    await new Promise((r) => setTimeout(r, 5000));
    expect((await imageOf(request, s.token, img.id)).status).toBe("uploading");
    expect(await offsetOf(`${second.url}${path}`, s.token)).toBe(0);
    await tusUpload(second.url, s.token, img.id, data, { uploadUrl: `${second.url}${path}` });
    await expectStoredIntact(request, s.token, img.id, data, DEFAULT_STORE);
  } finally {
    await second.stop();
  }
});

test("expiry: an abandoned upload is removed and its image is queued again", async ({
  request,
  identity,
}) => {
  // 0.001 h = 3.6 s; the sweep runs every second.
  const server = await startExtraServer({
    IRIS_TUS_EXPIRATION_HOURS: "0.001",
    IRIS_SWEEP_INTERVAL_SECONDS: "1",
  });
  try {
    const s = await memberSession(identity, request);
    const img = await createImage(request, s.token);
    const created = await createUpload(server.url, s.token, img.id, 5000);
    expect(created.status).toBe(201);
    const url = created.headers.get("location")!;
    const r = await patch(url, s.token, 0, crypto.randomBytes(1000));
    expect(r.status).toBe(204);
    expect(r.headers.get("upload-expires")).toBeTruthy();
    await waitForStatus(request, s.token, img.id, "queued");
    expect((await fetch(url, { method: "HEAD", headers: { ...TUS, "x-auth-token": s.token } })).status).toBe(
      404,
    );
  } finally {
    await server.stop();
  }
});
