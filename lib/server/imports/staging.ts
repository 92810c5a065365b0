import "server-only";
import { audit } from "../audit";
import type { RequestContext } from "../context";
import { db } from "../db";
import { importMethods, stagingDir } from "../env";
import { AppError, badRequest, conflict, notFound, tooLarge } from "../errors";
import { log } from "../log";
import { assertAllowed } from "../policy";
import { quotaLimit, usage } from "../quotas";
import { FilesystemStore } from "../stores/filesystem";
import { pump } from "../stores/pump";
import { beginWrite, type StoreWriter } from "../stores/types";
import { getVisibleImage, policyCaller, type ImageCaller } from "../images/access";
import {
  assertHashes,
  checkInspection,
  newInspector,
  type ExpectedHashes,
  type Inspected,
} from "../images/data-checks";
import { assertOctetStream, assertReadyForData, dataFailure, storageRoom } from "../images/data-rules";
import { heartbeat } from "../images/heartbeat";

// PUT /v2/images/{id}/stage: data for a later glance-direct import waits in the staging store
// (Glance's os_glance_staging_store), and the image is `uploading` meanwhile.

export const STAGING_STORE = "os_glance_staging_store";

let staging: FilesystemStore | undefined;

export function stagingStore(): FilesystemStore {
  staging ??= new FilesystemStore(STAGING_STORE, stagingDir(), "Staging area for imports");
  return staging;
}

/** 413 when one more image in upload would exceed image_count_uploading. */
async function assertUploadingCount(owner: string): Promise<void> {
  const limit = await quotaLimit(owner, "image_count_uploading");
  if (limit < 0n) return;
  const n = (await usage(owner)).image_count_uploading;
  if (n + 1n > limit)
    throw tooLarge(
      `Quota exceeded for image_count_uploading: the project may upload ${limit} images at once.`,
    );
}

/** What the staged data's inspection found, kept with the staged upload for the import. */
export interface StagedInspection {
  virtualSize?: string;
  detected?: string;
  summary?: string;
}

export function stagedInspection(i: Inspected): StagedInspection {
  return {
    ...(i.virtualSize !== null ? { virtualSize: i.virtualSize.toString() } : {}),
    ...(i.detected ? { detected: i.detected } : {}),
    ...(i.summary ? { summary: i.summary } : {}),
  };
}

export interface StageInput {
  contentType: string | null;
  contentLength: string | null;
  body: ReadableStream<Uint8Array> | null;
  /** Hashes the client expects the data to have. */
  expected?: ExpectedHashes;
}

export async function stageImageData(
  ctx: RequestContext,
  caller: ImageCaller,
  id: string,
  input: StageInput,
): Promise<void> {
  if (!importMethods().includes("glance-direct"))
    throw notFound("'glance-direct' method is not available at this site.");
  assertOctetStream(input.contentType);
  const length =
    input.contentLength && /^\d+$/.test(input.contentLength) ? BigInt(input.contentLength) : null;
  const { image, target } = await getVisibleImage(ctx, caller, id);
  assertAllowed(
    "modify_image",
    policyCaller(caller),
    target,
    "You are not authorized to stage data for this image.",
  );
  const owner = image.owner ?? caller.projectId;
  const room = await storageRoom(owner, "image_stage_total");
  if (length !== null) room.check(length);
  assertReadyForData(image, "uploading");
  await assertUploadingCount(owner);
  const claimed = await db.image.updateMany({
    where: { id: image.id, status: "queued", deleted: false },
    data: { status: "uploading" },
  });
  if (claimed.count === 0)
    throw conflict("Image status transition to uploading is not allowed: another upload is in progress.");

  const store = stagingStore();
  let writer: StoreWriter | null = null;
  let size = 0n;
  const stopHeartbeat = heartbeat(() =>
    db.image.updateMany({ where: { id: image.id, status: "uploading" }, data: { updatedAt: new Date() } }),
  );
  try {
    writer = await beginWrite(store, image.id);
    const result = await pump(input.body, writer, {
      inspector: newInspector(),
      onProgress: (n) => {
        size = n;
        room.check(n, false);
      },
    });
    size = result.size;
    if (length !== null && size < length)
      throw badRequest(`The body ended after ${size} of ${length} bytes.`);
    // Glance inspects staged data only when importing it; Iris refuses it here already, so that a
    // client learns at once (and the import would refuse it anyway).
    const inspected = checkInspection(result.inspection, image);
    assertHashes(input.expected, result);
    await writer.commit();
    writer = null;
    await db.$transaction(async (tx) => {
      const r = await tx.image.updateMany({
        where: { id: image.id, status: "uploading", deleted: false },
        data: { size },
      });
      if (r.count === 0)
        throw new AppError("gone", `Image ${image.id} was deleted while its data was staged.`);
      await tx.upload.create({
        data: {
          id: image.id,
          imageId: image.id,
          kind: "stage",
          store: STAGING_STORE,
          key: image.id,
          size,
          offset: size,
          userId: caller.userId,
          projectId: caller.projectId,
          metadata: JSON.stringify({
            md5: result.md5,
            hash: result.hash,
            algo: result.algo,
            ...stagedInspection(inspected),
          }),
          expiresAt: new Date(Date.now() + 365 * 24 * 3600_000),
        },
      });
    });
    await audit(ctx, {
      action: "image.stage",
      targetType: "image",
      targetId: image.id,
      detail: { size: size.toString(), ...(inspected.detected ? { format: inspected.detected } : {}) },
    });
  } catch (e) {
    if (writer) await writer.abort();
    else await store.delete(image.id).catch(() => undefined);
    await db.image.updateMany({
      where: { id: image.id, status: "uploading" },
      data: { status: "queued", size: null },
    });
    if (e instanceof AppError) throw e;
    log.warn("stage failed", { imageId: image.id, requestId: ctx.requestId, error: String(e) });
    throw dataFailure(e, "staging", size, "can be staged again");
  } finally {
    stopHeartbeat();
  }
}

/** What an image may be while its staged data waits for (or feeds) its import. */
const STAGED_STATUSES = ["uploading", "importing"];

/** The image ids among `ids` whose staged data is still waiting for, or feeding, an import. */
export async function stagedNeeded(ids: string[]): Promise<Set<string>> {
  const rows = await db.upload.findMany({
    where: {
      kind: "stage",
      imageId: { in: ids },
      image: { status: { in: STAGED_STATUSES }, deleted: false },
    },
    select: { imageId: true },
  });
  return new Set(rows.map((r) => r.imageId));
}

/**
 * Staged uploads of images that no longer need them — active (a crash between the import and
 * its clean-up), queued again, deleted — unless a write to the image is in progress (`busy`):
 * their data and their record go. Returns how many.
 */
export async function sweepUnneededStaged(busy: Set<string>): Promise<number> {
  const rows = await db.upload.findMany({
    where: {
      kind: "stage",
      OR: [{ image: { status: { notIn: STAGED_STATUSES } } }, { image: { deleted: true } }],
    },
    select: { id: true, imageId: true, key: true },
  });
  let dropped = 0;
  for (const row of rows) {
    if (busy.has(row.imageId)) continue;
    await stagingStore()
      .delete(row.key)
      .catch(() => undefined);
    await db.upload.deleteMany({ where: { id: row.id, kind: "stage" } });
    dropped++;
  }
  return dropped;
}
