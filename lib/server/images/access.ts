import "server-only";
import type { Caller, RequestContext } from "../context";
import { db } from "../db";
import { notFound } from "../errors";
import { can, imageTarget, type PolicyTarget } from "../policy";
import { imageInclude, type ImageRecord } from "./types";

// Who may see an image. An image the caller may not see is 404 everywhere, never 403.

export type ImageCaller = Caller & { projectId: string };

export const isAdmin = (c: Caller): boolean => c.roles.includes("admin");

export function policyCaller(c: ImageCaller) {
  return { projectId: c.projectId, roles: c.roles, userId: c.userId };
}

export async function loadImage(id: string): Promise<ImageRecord | null> {
  if (id.length > 64) return null;
  return db.image.findUnique({
    where: { id },
    include: { ...imageInclude, locations: { select: { store: true, status: true } } },
  });
}

export async function membershipOf(imageId: string, projectId: string) {
  return db.imageMember.findFirst({ where: { imageId, memberId: projectId, deleted: false } });
}

/** Glance's visibility rule: admin, owner, public, community, or a member of a shared image. */
export function canSee(
  caller: ImageCaller,
  image: Pick<ImageRecord, "owner" | "visibility">,
  member: { status: string } | null,
): boolean {
  if (isAdmin(caller)) return true;
  if (image.owner && image.owner === caller.projectId) return true;
  if (image.visibility === "public" || image.visibility === "community") return true;
  return image.visibility === "shared" && member !== null;
}

export const imageNotFound = (id: string) => notFound(`No image found with ID ${id}`);

export interface VisibleImage {
  image: ImageRecord;
  member: { status: string } | null;
  target: PolicyTarget;
}

/** The image if the caller may see it (and the get_image policy allows), else 404. */
export async function getVisibleImage(
  ctx: RequestContext,
  caller: ImageCaller,
  id: string,
): Promise<VisibleImage> {
  void ctx;
  const image = await loadImage(id);
  const member = image?.visibility === "shared" ? await membershipOf(image.id, caller.projectId) : null;
  const seen = seeOrNotFound(caller, id, image, member);
  return { image: seen.image, member, target: seen.target };
}

/** The fields of an image that decide who sees it. */
export type ImageVisibility = Pick<ImageRecord, "owner" | "visibility" | "status" | "deleted">;

/**
 * `image` and its policy target if the caller may see it, else 404 (a missing, deleted or
 * invisible image alike). `member`: the caller's membership, for a shared image.
 */
export function seeOrNotFound<T extends ImageVisibility>(
  caller: ImageCaller,
  id: string,
  image: T | null,
  member: { status: string } | null,
): { image: T; target: PolicyTarget } {
  if (!image || image.deleted || image.status === "deleted") throw imageNotFound(id);
  if (!canSee(caller, image, member)) throw imageNotFound(id);
  const target = imageTarget(image, member?.status ?? null, member ? caller.projectId : null);
  if (!can("get_image", policyCaller(caller), target)) throw imageNotFound(id);
  return { image, target };
}
