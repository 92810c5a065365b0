import "server-only";
import { audit } from "../audit";
import type { RequestContext } from "../context";
import { db } from "../db";
import { AppError, badRequest, conflict } from "../errors";
import { pump } from "../stores/pump";
import { defaultStore, getStore } from "../stores";
import { beginWrite, type StoreWriter } from "../stores/types";
import { log } from "../log";
import type { ImageCaller } from "./access";
import { assertHashes, checkInspection, newInspector, type ExpectedHashes } from "./data-checks";
import {
  assertOctetStream,
  assertReadyForData,
  dataFailure,
  getUploadableImage,
  storageRoom,
} from "./data-rules";
import { recordImageData } from "./data-record";
import { heartbeat } from "./heartbeat";

// PUT /v2/images/{id}/file: stream the body to the store while counting it and hashing it
// (MD5 checksum and os_hash_value on worker threads) and inspecting its format, enforce quotas as
// bytes arrive, and move the image queued → saving → active. Any failure puts the image back to queued with no data.

export interface UploadInput {
  contentType: string | null;
  contentLength: string | null;
  /** Glance's x-openstack-image-size header. */
  declaredSize: string | null;
  body: ReadableStream<Uint8Array> | null;
  /** Glance's X-Image-Meta-Store header: the store to write to (the default store if absent). */
  store?: string | null;
  /** Hashes the client expects the data to have (X-Image-Meta-Checksum, X-Image-Meta-Os-Hash-*). */
  expected?: ExpectedHashes;
}

function parseSize(v: string | null, what: string): bigint | null {
  if (v === null || v === "") return null;
  if (!/^\d+$/.test(v.trim())) throw badRequest(`${what} must be a non-negative integer number of bytes.`);
  return BigInt(v.trim());
}

export async function uploadImageData(
  ctx: RequestContext,
  caller: ImageCaller,
  id: string,
  input: UploadInput,
): Promise<void> {
  assertOctetStream(input.contentType);
  const declared = parseSize(input.declaredSize, "x-openstack-image-size");
  const length = parseSize(input.contentLength, "Content-Length");
  const expected = declared ?? length;
  const store = input.store ? getStore(input.store) : defaultStore();

  const { image } = await getUploadableImage(ctx, caller, id);
  assertReadyForData(image, "saving");

  // Quota and size cap: checked before from what the client announced, and again as bytes arrive.
  const room = await storageRoom(image.owner ?? caller.projectId);
  if (expected !== null) room.check(expected);

  // queued → saving, compare-and-swap: of two concurrent uploads exactly one gets here.
  const claimed = await db.image.updateMany({
    where: { id: image.id, status: "queued", deleted: false },
    data: { status: "saving" },
  });
  if (claimed.count === 0)
    throw conflict(
      "Image status transition from saving to saving is not allowed: another upload is in progress.",
    );

  const key = image.id;
  let writer: StoreWriter | null = null;
  let size = 0n;
  // While the bytes arrive, keep the image's heartbeat fresh so the crash sweep leaves it alone.
  const stopHeartbeat = heartbeat(() =>
    db.image.updateMany({ where: { id: image.id, status: "saving" }, data: { updatedAt: new Date() } }),
  );
  try {
    writer = await beginWrite(store, key);
    const result = await pump(input.body, writer, {
      inspector: newInspector(),
      onProgress: (n) => {
        size = n;
        room.check(n, false);
        if (declared !== null && n > declared)
          throw badRequest(`The body is larger than x-openstack-image-size (${declared} bytes).`);
      },
    });
    size = result.size;
    if (declared !== null && size !== declared)
      throw badRequest(`The body has ${size} bytes but x-openstack-image-size announced ${declared}.`);
    if (length !== null && size < length)
      throw new AppError("bad_request", `The body ended after ${size} of ${length} bytes.`);
    // Before the data counts: is it what disk_format says, safe, and what the client expected?
    const inspected = checkInspection(result.inspection, image);
    assertHashes(input.expected, result);
    await writer.commit();
    writer = null;
    const done = await recordImageData(
      image.id,
      "saving",
      { size, md5: result.md5, algo: result.algo, hash: result.hash, virtualSize: inspected.virtualSize },
      store.name,
      key,
    );
    if (!done) {
      // Deleted while we were writing: the data must not outlive the image (OSSA-2015-003).
      await store.delete(key).catch(() => undefined);
      throw new AppError(
        "gone",
        `Image ${image.id} could not be found after upload. The image may have been deleted during the upload.`,
      );
    }
    await audit(ctx, {
      action: "image.upload",
      targetType: "image",
      targetId: image.id,
      detail: {
        size: size.toString(),
        store: store.name,
        ...(inspected.detected ? { format: inspected.detected } : {}),
      },
    });
  } catch (e) {
    if (writer) await writer.abort();
    await db.image.updateMany({
      where: { id: image.id, status: "saving" },
      data: { status: "queued", size: null, virtualSize: null },
    });
    if (!(e instanceof AppError)) {
      log.warn("upload failed", {
        imageId: image.id,
        requestId: ctx.requestId,
        error: String(e),
        bytes: size.toString(),
      });
      await audit(ctx, {
        action: "image.upload",
        targetType: "image",
        targetId: image.id,
        outcome: "failure",
        detail: { bytes: size.toString() },
      });
      throw dataFailure(e, store.name, size, "the upload can be retried");
    }
    await audit(ctx, {
      action: "image.upload",
      targetType: "image",
      targetId: image.id,
      outcome: "failure",
      detail: { reason: e.message },
    });
    throw e;
  } finally {
    stopHeartbeat();
  }
}
