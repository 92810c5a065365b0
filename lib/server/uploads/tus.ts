import "server-only";
import crypto from "node:crypto";
import { MemoryLocker, Server } from "@tus/server";
import { audit } from "../audit";
import type { RequestContext } from "../context";
import { db } from "../db";
import { env } from "../env";
import { AppError, badRequest, conflict, tooLarge } from "../errors";
import { log } from "../log";
import { defaultStore, findStore, getStore } from "../stores";
import type { ImageStore } from "../stores/types";
import type { ImageCaller } from "../images/access";
import { assertReadyForData, getUploadableImage, storageRoom } from "../images/data-rules";
import { recordImageData } from "../images/data-record";
import {
  assertHashes,
  checkInspection,
  expectedFromHeaders,
  hasExpected,
  newInspector,
  validateExpected,
  type ExpectedHashes,
} from "../images/data-checks";
import type { InspectionReport } from "../inspect/inspector";
import { heartbeat } from "../images/heartbeat";
import { findTusUpload } from "./tus-lookup";
import { forgetDigests, newTusId, takeDigests, tusBackend, urlId, type TusBackend } from "./tus-stores";

// Resumable uploads with tus 1.0 (creation, creation-with-upload, termination, expiration and
// checksum), bound to an image: POST /v2/images/{id}/uploads creates one, its URL lies beneath.
// Every request is authorized like PUT …/file (visible image + upload_image). The image is
// `uploading` while a tus upload runs; when the last byte arrives the same checks as PUT …/file
// run (size, hashes, quotas) and the image becomes active; termination or expiry puts it back
// to queued.

/** What the tus server's callbacks need to know about a request, beside the request itself. */
interface TusContext {
  /** Hashes the whole upload must have (checked when it finishes). */
  expected?: ExpectedHashes;
  imageId: string;
  /** The upload's id in the store (HEAD, PATCH, DELETE). */
  tusId?: string;
  maxSize: number;
  userId?: string;
  projectId?: string;
}

// Requests go to @tus/server as they came (no copy of the body stream); what the callbacks
// need rides along here.
const contexts = new WeakMap<Request, TusContext>();

function contextOf(req: Request): TusContext {
  const c = contexts.get(req);
  if (!c) throw new Error("tus request without its Iris context");
  return c;
}

function handle(server: Server, req: Request, context: TusContext): Promise<Response> {
  contexts.set(req, context);
  return server.handleWeb(req);
}
const CHECKSUM_ALGORITHMS: Record<string, string> = {
  sha1: "sha1",
  sha256: "sha256",
  sha512: "sha512",
  md5: "md5",
};

// One locker for every store's tus server: PATCH, HEAD and DELETE of one upload never overlap
// within this process. (Several Iris instances must route an upload's requests to one instance.)
const locker = new MemoryLocker();
const servers = new Map<string, Server>();

function tusServer(backend: TusBackend): Server {
  let server = servers.get(backend.store.name);
  if (!server) {
    // Deferred lengths are refused (quotas are checked when the upload is created).
    backend.datastore.extensions = ["creation", "creation-with-upload", "termination", "expiration"];
    server = new Server({
      path: "/image/v2/images",
      datastore: backend.datastore,
      locker,
      maxSize: (req) => contexts.get(req)?.maxSize ?? env().IRIS_IMAGE_SIZE_CAP,
      namingFunction: () => newTusId(backend.store),
      generateUrl: (req, { proto, host, id }) =>
        `${proto}://${host}/image/v2/images/${contextOf(req).imageId}/uploads/${urlId(backend.store, id)}`,
      getFileIdFromRequest: (req) => contexts.get(req)?.tusId,
      respectForwardedHeaders: env().IRIS_TRUST_PROXY,
      onUploadCreate: async (req, upload) => {
        const { imageId, userId, projectId, expected } = contextOf(req);
        await db.upload.create({
          data: {
            id: urlId(backend.store, upload.id),
            imageId,
            kind: "tus",
            store: backend.store.name,
            key: upload.id,
            size: upload.size === undefined ? null : BigInt(upload.size),
            userId,
            projectId,
            ...(hasExpected(expected) ? { metadata: JSON.stringify({ expected }) } : {}),
            // Until the 201 is on its way (createTusUpload): if the server dies before, nobody
            // knows this upload's URL and the sweep releases it.
            creating: true,
            expiresAt: new Date(Date.now() + env().IRIS_TUS_EXPIRATION_HOURS * 3600_000),
          },
        });
        return {};
      },
    });
    servers.set(backend.store.name, server);
  }
  return server;
}

function parseLength(v: string | null): bigint | null {
  if (v === null) return null;
  if (!/^\d{1,19}$/.test(v.trim())) throw badRequest("Upload-Length must be a non-negative integer.");
  return BigInt(v.trim());
}

/** The PATCH with its body replaced (a verified checksum chunk). */
function withBody(req: Request, body: Blob): Request {
  return new Request(req.url, { method: req.method, headers: req.headers, body });
}

function withTusHeaders(res: Response): Response {
  const headers = new Headers(res.headers);
  headers.set("Tus-Resumable", "1.0.0");
  return new Response(res.body, { status: res.status, headers });
}

/** OPTIONS: what this server supports (no authentication, as tus clients and CORS expect). */
export async function tusOptions(req: Request): Promise<Response> {
  const res = await handle(tusServer(tusBackend(defaultStore())), req, {
    imageId: "",
    maxSize: env().IRIS_IMAGE_SIZE_CAP,
  });
  const headers = new Headers(res.headers);
  headers.set("Tus-Extension", `${headers.get("Tus-Extension") ?? ""},checksum`.replace(/^,/, ""));
  headers.set("Tus-Checksum-Algorithm", Object.keys(CHECKSUM_ALGORITHMS).join(","));
  headers.set("Tus-Max-Size", String(env().IRIS_IMAGE_SIZE_CAP));
  return new Response(null, { status: 204, headers });
}

/** tus Upload-Metadata: comma-separated "key base64value" pairs. */
function tusMetadata(header: string | null): Record<string, string> {
  const out: Record<string, string> = Object.create(null);
  for (const pair of (header ?? "").split(",")) {
    const [k, v] = pair.trim().split(" ");
    if (k) out[k] = v ? Buffer.from(v, "base64").toString("utf8") : "";
  }
  return out;
}

/**
 * The hashes a client expects the whole upload to have: X-Image-Meta-Checksum and
 * X-Image-Meta-Os-Hash-{Algo,Value} on the creation request, or the same names in Upload-Metadata
 * (checksum, os_hash_algo, os_hash_value), which browsers' tus clients can send.
 */
function expectedOfCreation(req: Request, meta: Record<string, string>): ExpectedHashes {
  const fromHeaders = expectedFromHeaders(req.headers);
  if (hasExpected(fromHeaders)) return fromHeaders;
  return validateExpected({
    checksum: meta.checksum,
    osHashAlgo: meta.os_hash_algo,
    osHashValue: meta.os_hash_value,
  });
}

/** The expected hashes recorded with an upload (null metadata: none). */
function expectedOf(metadata: string | null): ExpectedHashes | undefined {
  if (!metadata) return undefined;
  try {
    return (JSON.parse(metadata) as { expected?: ExpectedHashes }).expected;
  } catch {
    return undefined;
  }
}

/** POST /v2/images/{id}/uploads – creates a tus upload for a queued image. */
export async function createTusUpload(
  ctx: RequestContext,
  caller: ImageCaller,
  imageId: string,
  req: Request,
): Promise<Response> {
  const { image } = await getUploadableImage(ctx, caller, imageId);
  if (req.headers.get("upload-defer-length") !== null)
    throw badRequest("Upload-Length is required: Iris checks quotas when an upload is created.");
  const length = parseLength(req.headers.get("upload-length"));
  if (length === null) throw badRequest("Upload-Length is required.");
  const meta = tusMetadata(req.headers.get("upload-metadata"));
  const storeName = req.headers.get("x-image-meta-store") ?? meta.store ?? null;
  const expected = expectedOfCreation(req, meta);
  const store = storeName ? getStore(storeName) : defaultStore();
  assertReadyForData(image, "uploading");
  (await storageRoom(image.owner ?? caller.projectId)).check(length);

  const claimed = await db.image.updateMany({
    where: { id: image.id, status: "queued", deleted: false },
    data: { status: "uploading" },
  });
  if (claimed.count === 0)
    throw conflict("Image status transition to uploading is not allowed: another upload is in progress.");
  const backend = tusBackend(store);
  const creating = { imageId: image.id, kind: "tus", creating: true };
  // A creation that carries data (creation-with-upload) may take long: it shows the sweep it
  // is alive, as a PUT does.
  const stopHeartbeat = heartbeat(() =>
    db.upload.updateMany({ where: creating, data: { updatedAt: new Date() } }),
  );
  let res: Response;
  try {
    res = await handle(tusServer(backend), req, {
      imageId: image.id,
      maxSize: Number(length),
      userId: caller.userId,
      projectId: caller.projectId,
      expected,
    });
  } catch (e) {
    res = new Response(String(e), { status: 500 });
  } finally {
    stopHeartbeat();
  }
  if (res.status !== 201) {
    for (const row of await db.upload.findMany({ where: { imageId: image.id, kind: "tus" } }))
      await backend.remove(row.key).catch(() => undefined);
    await db.upload.deleteMany({ where: { imageId: image.id, kind: "tus" } });
    await db.image.updateMany({ where: { id: image.id, status: "uploading" }, data: { status: "queued" } });
    if (res.status >= 500) {
      log.error("tus upload creation failed", {
        imageId: image.id,
        status: res.status,
        body: await res.text(),
      });
      throw new AppError("internal", "The upload could not be created; the image is queued again.");
    }
    return withTusHeaders(res);
  }
  await audit(ctx, {
    action: "image.upload.start",
    targetType: "image",
    targetId: image.id,
    detail: { store: store.name, size: length.toString(), protocol: "tus" },
  });
  // creation-with-upload may already have carried every byte.
  const row = await db.upload.findFirst({ where: { imageId: image.id, kind: "tus" } });
  if (row && res.headers.get("upload-offset") === length.toString())
    return finishedResponse(ctx, res, row.id, image.id, backend);
  // The last step before the answer: from here on a client may hold the URL, and the upload is
  // kept until it expires. (A crash between this and the 201 reaching the client leaves an
  // upload nobody knows, held like any abandoned upload until it expires: the safe side.) A
  // client that went away during the creation cannot get the answer: its upload stays
  // `creating`, and the sweep releases it.
  if (!req.signal.aborted) await db.upload.updateMany({ where: creating, data: { creating: false } });
  return withTusHeaders(res);
}

/** HEAD, PATCH and DELETE of one tus upload. */
export async function tusUploadRequest(
  ctx: RequestContext,
  caller: ImageCaller,
  imageId: string,
  uploadId: string,
  req: Request,
): Promise<Response> {
  const row = await findTusUpload(caller, imageId, uploadId);
  const store = findStore(row.store);
  if (!store) throw conflict(`The upload's store ${row.store} is no longer configured.`);
  const backend = tusBackend(store);
  const context: TusContext = {
    imageId: row.imageId,
    tusId: row.key,
    maxSize: Number(row.size ?? 0n),
  };
  const server = tusServer(backend);

  if (req.method === "PATCH") {
    const checksum = req.headers.get("upload-checksum");
    const body = checksum ? await verifiedBody(req, checksum) : undefined;
    const res = await handle(server, body ? withBody(req, body) : req, context);
    if (res.status === 204 && row.size !== null && res.headers.get("upload-offset") === row.size.toString())
      return finishedResponse(ctx, res, row.id, row.imageId, backend);
    return withTusHeaders(res);
  }
  if (req.method === "HEAD") {
    const res = await handle(server, req, context);
    // A server stopped between the last byte and the finish: finish now, when the client looks.
    if (res.status === 200 && row.size !== null && res.headers.get("upload-offset") === row.size.toString())
      return finishedResponse(ctx, res, row.id, row.imageId, backend);
    return withTusHeaders(res);
  }
  if (req.method === "DELETE") {
    const res = await handle(server, req, context);
    if (res.status === 204 || res.status === 404 || res.status === 410) {
      await backend.remove(row.key).catch(() => undefined);
      await releaseUpload(row);
      await audit(ctx, { action: "image.upload.cancel", targetType: "image", targetId: row.imageId });
      return withTusHeaders(new Response(null, { status: 204, headers: res.headers }));
    }
    return withTusHeaders(res);
  }
  throw new AppError("method_not_allowed", `${req.method} is not a tus upload method.`);
}

/** Reads a PATCH body that carries Upload-Checksum and verifies it before any byte is stored. */
async function verifiedBody(req: Request, header: string): Promise<Blob> {
  const [algo = "", expected = ""] = header.trim().split(/\s+/);
  const hashName = Object.hasOwn(CHECKSUM_ALGORITHMS, algo.toLowerCase())
    ? CHECKSUM_ALGORITHMS[algo.toLowerCase()]
    : undefined;
  if (!hashName)
    throw badRequest(
      `Unsupported Upload-Checksum algorithm '${algo}'; use one of ${Object.keys(CHECKSUM_ALGORITHMS).join(", ")}.`,
    );
  const max = env().IRIS_TUS_CHECKSUM_MAX_CHUNK_MIB * 1024 * 1024;
  const declared = Number(req.headers.get("content-length") ?? "0");
  if (declared > max) throw tooLarge(`A PATCH with Upload-Checksum may carry at most ${max} bytes.`);
  const hash = crypto.createHash(hashName);
  const parts: Uint8Array[] = [];
  let total = 0;
  if (req.body) {
    const reader = req.body.getReader();
    for (;;) {
      const { done, value } = await reader.read();
      if (done) break;
      total += value.byteLength;
      if (total > max) throw tooLarge(`A PATCH with Upload-Checksum may carry at most ${max} bytes.`);
      hash.update(value);
      parts.push(value);
    }
  }
  if (hash.digest("base64") !== expected)
    throw new AppError(
      "checksum_mismatch",
      `The ${algo} checksum of the ${total} bytes sent does not match Upload-Checksum; nothing was stored.`,
    );
  return new Blob(parts as BlobPart[]);
}

/** Removes an upload's record; the image goes back to queued if no upload is left. */
async function releaseUpload(row: { id: string; key: string; imageId: string }): Promise<void> {
  const { imageId } = row;
  await db.upload.deleteMany({ where: { id: row.id } });
  forgetDigests(row.key);
  const left = await db.upload.count({ where: { imageId } });
  if (left === 0)
    await db.image.updateMany({ where: { id: imageId, status: "uploading" }, data: { status: "queued" } });
}

async function finishedResponse(
  ctx: RequestContext,
  res: Response,
  uploadRowId: string,
  imageId: string,
  backend: TusBackend,
): Promise<Response> {
  await finishTusUpload(ctx, uploadRowId, imageId, backend);
  return withTusHeaders(res);
}

/** After a restart (no state kept from the PATCHes): hash and inspect the stored data. */
async function hashStored(
  backend: TusBackend,
  key: string,
): Promise<{ md5: string; other: string | null; inspection: InspectionReport | null }> {
  const algo = env().IRIS_HASHING_ALGORITHM;
  const md5 = crypto.createHash("md5");
  const other = algo === "md5" ? null : crypto.createHash(algo);
  const inspector = newInspector();
  const reader = (await backend.read(key)).getReader();
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    md5.update(value);
    other?.update(value);
    inspector?.push(value);
  }
  return {
    md5: md5.digest("hex"),
    other: other ? other.digest("hex") : null,
    inspection: inspector?.finish() ?? null,
  };
}

/**
 * The last byte has arrived: check size and quota, hash (or take the hashes computed on the
 * way), move the data into place and make the image active. Runs once (uploading → saving).
 */
export async function finishTusUpload(
  ctx: RequestContext | null,
  uploadRowId: string,
  imageId: string,
  backend: TusBackend,
): Promise<void> {
  const row = await db.upload.findUnique({ where: { id: uploadRowId } });
  if (!row || row.size === null) return;
  const claimed = await db.image.updateMany({
    where: { id: imageId, status: "uploading", deleted: false },
    data: { status: "saving" },
  });
  if (claimed.count === 0) {
    const image = await db.image.findUnique({
      where: { id: imageId },
      select: { deleted: true, status: true },
    });
    if (!image || image.deleted) {
      await backend.remove(row.key).catch(() => undefined);
      await db.upload.deleteMany({ where: { id: row.id } });
      throw new AppError("gone", `Image ${imageId} was deleted during the upload; its data was discarded.`);
    }
    if (image.status === "active") return; // finished by a concurrent request
    throw conflict(`Image ${imageId} is ${image.status}; the upload cannot finish.`);
  }
  const size = row.size;
  const algo = env().IRIS_HASHING_ALGORITHM;
  // Hashing the stored data (after a restart) takes a while for a large upload: the sweep must
  // not take the image back meanwhile.
  const stopHeartbeat = heartbeat(() =>
    db.image.updateMany({ where: { id: imageId, status: "saving" }, data: { updatedAt: new Date() } }),
  );
  try {
    const image = await db.image.findUniqueOrThrow({
      where: { id: imageId },
      select: { owner: true, diskFormat: true, containerFormat: true },
    });
    (await storageRoom(image.owner ?? row.projectId ?? "")).check(size);
    await backend.complete(row.key);
    const digests = (await takeDigests(row.key, Number(size))) ?? (await hashStored(backend, row.key));
    const inspected = checkInspection(digests.inspection, image);
    assertHashes(expectedOf(row.metadata), { md5: digests.md5, algo, hash: digests.other ?? digests.md5 });
    const key = await backend.adopt(row.key, imageId);
    const store: ImageStore = backend.store;
    const done = await recordImageData(
      imageId,
      "saving",
      {
        size,
        md5: digests.md5,
        algo,
        hash: digests.other ?? digests.md5,
        virtualSize: inspected.virtualSize,
      },
      store.name,
      key,
      (tx) => tx.upload.deleteMany({ where: { id: row.id } }),
    );
    if (!done) {
      await store.delete(key).catch(() => undefined);
      await db.upload.deleteMany({ where: { id: row.id } });
      throw new AppError("gone", `Image ${imageId} was deleted during the upload; its data was discarded.`);
    }
    if (ctx)
      await audit(ctx, {
        action: "image.upload",
        targetType: "image",
        targetId: imageId,
        detail: { size: size.toString(), store: store.name, protocol: "tus" },
      });
  } catch (e) {
    if (e instanceof AppError && e.kind === "gone") throw e;
    // Refused or failed: the data goes, the image is queued again and the upload can be retried.
    await backend.remove(row.key).catch(() => undefined);
    await db.upload.deleteMany({ where: { id: row.id } });
    await db.image.updateMany({ where: { id: imageId, status: "saving" }, data: { status: "queued" } });
    if (e instanceof AppError) throw e;
    log.error("tus upload could not finish", { imageId, error: String(e) });
    throw new AppError("internal", "The upload could not be finished; the image is queued again.");
  } finally {
    stopHeartbeat();
  }
}

/** Removes an upload's data and its record; the image is queued again if no upload is left. */
async function dropUpload(row: { id: string; key: string; imageId: string; store: string }): Promise<void> {
  const store = findStore(row.store);
  if (store)
    await tusBackend(store)
      .remove(row.key)
      .catch(() => undefined);
  await releaseUpload(row);
}

/** Expired tus uploads: their data goes and their image is queued again. */
export async function sweepExpiredUploads(now = new Date()): Promise<number> {
  const expired = await db.upload.findMany({ where: { kind: "tus", expiresAt: { lt: now } } });
  for (const row of expired) await dropUpload(row);
  return expired.length;
}

/**
 * Uploads whose creation stopped before it answered (a crash: no heartbeat since `cutoff`): no
 * client knows their URL, so they go and their image is queued again.
 */
export async function sweepUnansweredUploads(cutoff: Date): Promise<number> {
  const lost = await db.upload.findMany({
    where: { kind: "tus", creating: true, updatedAt: { lt: cutoff } },
  });
  for (const row of lost) await dropUpload(row);
  return lost.length;
}

/**
 * An image left `saving` by a tus upload whose finish was interrupted: can that upload still be
 * finished? True when it holds every byte in its tus store (the next HEAD finishes it); false
 * when the finish had moved the data into place already, or it is gone.
 */
export async function interruptedFinishResumable(imageId: string): Promise<boolean> {
  for (const row of await db.upload.findMany({ where: { imageId, kind: "tus" } })) {
    const store = findStore(row.store);
    if (!store || row.size === null) continue;
    try {
      const upload = await tusBackend(store).datastore.getUpload(row.key);
      if (upload.offset === Number(row.size)) return true;
    } catch {
      // not in the tus store any more (moved into place, or lost)
    }
  }
  return false;
}

/** Removes every tus upload of an image, with its data. */
export async function dropTusUploads(imageId: string): Promise<number> {
  const rows = await db.upload.findMany({ where: { imageId, kind: "tus" } });
  for (const row of rows) await dropUpload(row);
  return rows.length;
}
