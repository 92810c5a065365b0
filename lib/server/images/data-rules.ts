import "server-only";
import type { RequestContext } from "../context";
import { env } from "../env";
import { AppError, badRequest, conflict, tooLarge, unsupportedMediaType } from "../errors";
import { StoreWriteError } from "../stores/types";
import { assertAllowed, type PolicyTarget } from "../policy";
import { quotaLimit, usage } from "../quotas";
import { getVisibleImage, policyCaller, type ImageCaller, type VisibleImage } from "./access";
import { missingFormats } from "./status";
import type { ImageRecord } from "./types";

// The rules every way of giving an image data shares (PUT …/file, tus): who may, when, how much.

/** Image data travels as application/octet-stream (PUT …/file, …/stage, POST /v2/inspect); else 415. */
export function assertOctetStream(contentType: string | null): void {
  const mediaType = (contentType ?? "").split(";")[0]!.trim().toLowerCase();
  if (mediaType !== "application/octet-stream")
    throw unsupportedMediaType(
      `Content-Type must be application/octet-stream; got '${contentType ?? "none"}'.`,
    );
}

const MiB = 1024n * 1024n;

/** An image the caller sees (else 404) and may upload to (policy upload_image, else 403). */
export async function getUploadableImage(
  ctx: RequestContext,
  caller: ImageCaller,
  id: string,
): Promise<VisibleImage> {
  const visible = await getVisibleImage(ctx, caller, id);
  assertMayUpload(caller, visible.target, visible.image.id);
  return visible;
}

/** The upload_image policy on an image the caller sees (else 403). */
export function assertMayUpload(caller: ImageCaller, target: PolicyTarget, imageId: string): void {
  assertAllowed(
    "upload_image",
    policyCaller(caller),
    target,
    `Not allowed to upload image data for image ${imageId}`,
  );
}

/** Data can only go to a queued image with both formats set (409, 400). */
export function assertReadyForData(image: ImageRecord, next: "saving" | "uploading"): void {
  if (image.status !== "queued")
    throw conflict(`Image status transition from ${image.status} to ${next} is not allowed`);
  const missing = missingFormats(image);
  if (missing.length)
    throw badRequest(
      `${missing.length === 1 ? "Property" : "Properties"} ${missing.join(", ")} must be set prior to saving data.`,
    );
}

export interface StorageRoom {
  /** IRIS_IMAGE_SIZE_CAP, bytes. */
  cap: bigint;
  /** Bytes the owner may still store; -1 for no quota. */
  room: bigint;
  /** Throws 413 when `size` bytes are over the cap or the quota. */
  check(size: bigint, announced?: boolean): void;
}

const QUOTA_WORDS = {
  image_size_total: { noun: "storage", verb: "store" },
  image_stage_total: { noun: "staging", verb: "stage" },
} as const;

/**
 * How much more the project may store (image_size_total) or stage (image_stage_total), under
 * the size cap and that quota.
 */
export async function storageRoom(
  owner: string,
  resource: keyof typeof QUOTA_WORDS = "image_size_total",
): Promise<StorageRoom> {
  const cap = BigInt(env().IRIS_IMAGE_SIZE_CAP);
  const limit = await quotaLimit(owner, resource);
  const used = limit >= 0n ? (await usage(owner))[resource] : 0n;
  const room = limit >= 0n ? limit - used : -1n;
  const words = QUOTA_WORDS[resource];
  return {
    cap,
    room,
    check(size, announced = true) {
      if (size > cap)
        throw tooLarge(
          announced
            ? `The incoming image is too large: ${size} bytes is over the limit of ${cap}.`
            : `The incoming image is too large: more than ${cap} bytes.`,
        );
      if (room >= 0n && size > room)
        throw tooLarge(
          `Image exceeds the ${words.noun} quota: the project may ${words.verb} ${limit / MiB} MiB and ${words.verb}s ${(used + MiB - 1n) / MiB} MiB.`,
        );
    },
  };
}

/**
 * The answer to an upload or stage that failed for a reason other than a refusal: the store's
 * fault (503, as Glance answers a store that denies the write) or the body's (400: the client
 * hung up or sent less). Either way the image is back in queued and the request can be retried.
 * The store's own message stays in the log: it names endpoints and buckets.
 */
export function dataFailure(e: unknown, storeName: string, size: bigint, retry: string): AppError {
  if (e instanceof StoreWriteError)
    return new AppError(
      "service_unavailable",
      `Store ${storeName} could not save the data; the image is queued again and ${retry}.`,
    );
  return badRequest(
    `The upload was interrupted after ${size} bytes; the image is queued again and ${retry}.`,
  );
}
