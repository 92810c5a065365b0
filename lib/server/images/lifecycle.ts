import "server-only";
import { audit } from "../audit";
import type { RequestContext } from "../context";
import { db } from "../db";
import { badRequest, forbidden, notFound } from "../errors";
import { assertAllowed } from "../policy";
import { getVisibleImage, imageNotFound, policyCaller, type ImageCaller } from "./access";
import { assertTagQuota } from "./rules";
import { canTransition } from "./status";
import { imageInclude } from "./types";
import { removeImageData } from "./data-removal";
import { refreshTagSet } from "./tag-set";

// Delete, tags, deactivate and reactivate.

export async function deleteImage(ctx: RequestContext, caller: ImageCaller, id: string): Promise<void> {
  const { image, target } = await getVisibleImage(ctx, caller, id);
  assertAllowed(
    "delete_image",
    policyCaller(caller),
    target,
    "You are not authorized to delete this image (policy delete_image).",
  );
  if (image.protected) throw forbidden(`Image ${image.id} is protected and cannot be deleted.`);
  if (!canTransition(image.status, "deleted"))
    throw badRequest(`Image status transition from ${image.status} to deleted is not allowed`);
  const now = new Date();
  // Soft delete: the row stays so that the id is never reused; data goes now.
  const res = await db.image.updateMany({
    where: { id: image.id, deleted: false, protected: false },
    data: { status: "deleted", deleted: true, deletedAt: now },
  });
  if (res.count === 0) {
    const row = await db.image.findUnique({
      where: { id: image.id },
      select: { protected: true, deleted: true },
    });
    if (row?.protected) throw forbidden(`Image ${image.id} is protected and cannot be deleted.`);
    throw imageNotFound(image.id);
  }
  await db.imageMember.updateMany({ where: { imageId: image.id }, data: { deleted: true } });
  await removeImageData(image.id);
  await audit(ctx, {
    action: "image.delete",
    targetType: "image",
    targetId: image.id,
    detail: { name: image.name },
  });
}

const TAG_MAX = 255;

export async function addImageTag(
  ctx: RequestContext,
  caller: ImageCaller,
  id: string,
  tag: string,
): Promise<void> {
  const { image, target } = await getVisibleImage(ctx, caller, id);
  assertAllowed(
    "modify_image",
    policyCaller(caller),
    target,
    "You are not authorized to modify this image (policy modify_image).",
  );
  if (!tag || [...tag].length > TAG_MAX)
    throw badRequest(`Tag must be between 1 and ${TAG_MAX} characters long.`);
  if (image.tags.some((t) => t.value === tag)) return; // idempotent
  assertTagQuota(image.tags.length + 1);
  await db.$transaction(async (tx) => {
    // The row first: it locks the image, so concurrent tag writes take turns (tag-set.ts).
    await tx.image.update({ where: { id: image.id }, data: { updatedAt: new Date() } });
    await tx.imageTag.upsert({
      where: { imageId_value: { imageId: image.id, value: tag } },
      create: { imageId: image.id, value: tag },
      update: {},
    });
    await refreshTagSet(tx, image.id);
  });
  await audit(ctx, { action: "image.tag.add", targetType: "image", targetId: image.id, detail: { tag } });
}

export async function deleteImageTag(
  ctx: RequestContext,
  caller: ImageCaller,
  id: string,
  tag: string,
): Promise<void> {
  const { image, target } = await getVisibleImage(ctx, caller, id);
  assertAllowed(
    "modify_image",
    policyCaller(caller),
    target,
    "You are not authorized to modify this image (policy modify_image).",
  );
  await db.$transaction(async (tx) => {
    await tx.image.update({ where: { id: image.id }, data: { updatedAt: new Date() } });
    const res = await tx.imageTag.deleteMany({ where: { imageId: image.id, value: tag } });
    if (res.count === 0) throw notFound(`Tag ${tag} not found`); // rolls the updatedAt back
    await refreshTagSet(tx, image.id);
  });
  await audit(ctx, { action: "image.tag.delete", targetType: "image", targetId: image.id, detail: { tag } });
}

/** Deactivate (active → deactivated) or reactivate (deactivated → active); same state is a no-op. */
export async function setImageActivation(
  ctx: RequestContext,
  caller: ImageCaller,
  id: string,
  action: "deactivate" | "reactivate",
): Promise<void> {
  const { image, target } = await getVisibleImage(ctx, caller, id);
  assertAllowed(
    action,
    policyCaller(caller),
    target,
    `You are not authorized to ${action} this image (policy ${action}).`,
  );
  const [from, to] = action === "deactivate" ? ["active", "deactivated"] : ["deactivated", "active"];
  if (image.status === to) return;
  if (image.status !== from) throw forbidden(`Not allowed to ${action} image in status '${image.status}'`);
  const res = await db.image.updateMany({
    where: { id: image.id, status: from, deleted: false },
    data: { status: to },
  });
  if (res.count === 0) {
    const now = await db.image.findUnique({ where: { id: image.id }, include: imageInclude });
    if (now?.status === to) return;
    throw forbidden(`Not allowed to ${action} image in status '${now?.status ?? "deleted"}'`);
  }
  await audit(ctx, { action: `image.${action}`, targetType: "image", targetId: image.id });
}
