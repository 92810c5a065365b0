import "server-only";
import { audit } from "../audit";
import type { RequestContext } from "../context";
import { db } from "../db";
import { env } from "../env";
import { badRequest, conflict, forbidden, notFound, tooLarge } from "../errors";
import { newUuid } from "../ids";
import { can, imageTarget } from "../policy";
import {
  getVisibleImage,
  isAdmin,
  policyCaller,
  type ImageCaller,
  type VisibleImage,
} from "../images/access";
import { isoTime } from "../images/serialize";

// Image sharing (glance/api/v2/image_members.py): the owner offers a shared image to another
// project; that project's members accept or reject it. Glance's member schema allows no extra
// keys, so who decided and when is kept in the database and the audit log, not in the body.

export const MEMBER_STATUSES = ["pending", "accepted", "rejected"] as const;

interface MemberRow {
  imageId: string;
  memberId: string;
  status: string;
  createdAt: Date;
  updatedAt: Date;
}

export function serializeMember(m: MemberRow) {
  return {
    member_id: m.memberId,
    image_id: m.imageId,
    status: m.status,
    created_at: isoTime(m.createdAt),
    updated_at: isoTime(m.updatedAt),
    schema: "/v2/schemas/member",
  };
}

function assertShared(v: VisibleImage): void {
  if (v.image.visibility !== "shared") throw forbidden("Only shared images have members.");
}

function memberTarget(v: VisibleImage, memberId: string, status: string | null) {
  return imageTarget(v.image, status, memberId);
}

async function findMember(imageId: string, memberId: string) {
  return db.imageMember.findFirst({ where: { imageId, memberId, deleted: false } });
}

const notInList = (memberId: string, imageId: string) =>
  notFound(`${memberId} not found in the member list of the image ${imageId}.`);

export function parseMemberBody(body: unknown): string {
  if (!body || typeof body !== "object" || Array.isArray(body))
    throw badRequest('Expected a member in the form: {"member": "image_id"}');
  const b = body as Record<string, unknown>;
  if (!("member" in b)) throw badRequest("Member to be added not specified");
  if (!b.member) throw badRequest("Member can't be empty");
  if (typeof b.member !== "string" || b.member.length > 255)
    throw badRequest("The member must be a project id (a string of at most 255 characters).");
  return b.member;
}

export function parseStatusBody(body: unknown): (typeof MEMBER_STATUSES)[number] {
  if (!body || typeof body !== "object" || Array.isArray(body))
    throw badRequest('Expected a status in the form: {"status": "status"}');
  const b = body as Record<string, unknown>;
  if (!("status" in b)) throw badRequest("Status not specified");
  if (!MEMBER_STATUSES.includes(b.status as (typeof MEMBER_STATUSES)[number]))
    throw badRequest(
      `Incorrect request: Status must be one of ${MEMBER_STATUSES.join(", ")}; got ${JSON.stringify(b.status)}.`,
    );
  return b.status as (typeof MEMBER_STATUSES)[number];
}

export async function addImageMember(
  ctx: RequestContext,
  caller: ImageCaller,
  imageId: string,
  memberId: string,
) {
  const v = await getVisibleImage(ctx, caller, imageId);
  assertShared(v);
  if (!can("add_member", policyCaller(caller), memberTarget(v, memberId, null)))
    throw forbidden(`Not allowed to create members for image ${v.image.id}.`);
  const existing = await db.imageMember.findUnique({
    where: { imageId_memberId: { imageId: v.image.id, memberId } },
  });
  if (existing && !existing.deleted)
    throw conflict(`Member ${memberId} is duplicated for image ${v.image.id}`);
  const max = env().IRIS_IMAGE_MEMBER_QUOTA;
  const count = await db.imageMember.count({ where: { imageId: v.image.id, deleted: false } });
  if (count + 1 > max)
    throw tooLarge(`Image member limit exceeded for image ${v.image.id}: ${max} members at most.`);
  const now = new Date();
  const data = {
    status: "pending",
    deleted: false,
    createdBy: caller.userId,
    decidedBy: null,
    decidedAt: null,
    createdAt: now,
  };
  const row = existing
    ? await db.imageMember.update({ where: { id: existing.id }, data })
    : await db.imageMember.create({ data: { id: newUuid(), imageId: v.image.id, memberId, ...data } });
  await audit(ctx, {
    action: "image.member.create",
    targetType: "image",
    targetId: v.image.id,
    detail: { member_id: memberId },
  });
  return row;
}

/** The owner (and admins) see every member; a member project sees only its own entry. */
export async function listImageMembers(ctx: RequestContext, caller: ImageCaller, imageId: string) {
  const v = await getVisibleImage(ctx, caller, imageId);
  assertShared(v);
  if (!can("get_members", policyCaller(caller), memberTarget(v, caller.projectId, v.member?.status ?? null)))
    throw forbidden(`Not allowed to list members for image ${v.image.id}.`);
  const rows = await db.imageMember.findMany({
    where: { imageId: v.image.id, deleted: false },
    orderBy: { createdAt: "asc" },
  });
  const seesAll = isAdmin(caller) || v.image.owner === caller.projectId;
  return rows.filter(
    (m) =>
      (seesAll || m.memberId === caller.projectId) &&
      can("get_member", policyCaller(caller), memberTarget(v, m.memberId, m.status)),
  );
}

export async function getImageMember(
  ctx: RequestContext,
  caller: ImageCaller,
  imageId: string,
  memberId: string,
) {
  const v = await getVisibleImage(ctx, caller, imageId);
  // Glance turns every refusal here into 404 so that nothing leaks.
  if (v.image.visibility !== "shared") throw notFound("Only shared images have members.");
  const m = await findMember(v.image.id, memberId);
  const seesIt = isAdmin(caller) || v.image.owner === caller.projectId || memberId === caller.projectId;
  if (!m || !seesIt || !can("get_member", policyCaller(caller), memberTarget(v, m.memberId, m.status)))
    throw notInList(memberId, v.image.id);
  return m;
}

export async function setImageMemberStatus(
  ctx: RequestContext,
  caller: ImageCaller,
  imageId: string,
  memberId: string,
  status: (typeof MEMBER_STATUSES)[number],
) {
  const v = await getVisibleImage(ctx, caller, imageId);
  assertShared(v);
  const m = await findMember(v.image.id, memberId);
  const seesIt = isAdmin(caller) || v.image.owner === caller.projectId || memberId === caller.projectId;
  if (!m || !seesIt) throw notInList(memberId, v.image.id);
  // Only the member project decides (the owner gets 403), as Glance's modify_member rule says.
  if (!can("modify_member", policyCaller(caller), memberTarget(v, m.memberId, m.status)))
    throw forbidden(`Not allowed to update members for image ${v.image.id}.`);
  const row = await db.imageMember.update({
    where: { id: m.id },
    data: { status, decidedBy: caller.userId, decidedAt: new Date() },
  });
  await audit(ctx, {
    action: "image.member.update",
    targetType: "image",
    targetId: v.image.id,
    detail: { member_id: memberId, status, previous: m.status },
  });
  return row;
}

export async function removeImageMember(
  ctx: RequestContext,
  caller: ImageCaller,
  imageId: string,
  memberId: string,
) {
  const v = await getVisibleImage(ctx, caller, imageId);
  assertShared(v);
  const m = await findMember(v.image.id, memberId);
  const seesIt = isAdmin(caller) || v.image.owner === caller.projectId || memberId === caller.projectId;
  if (!m || !seesIt) throw notInList(memberId, v.image.id);
  if (!can("delete_member", policyCaller(caller), memberTarget(v, m.memberId, m.status)))
    throw forbidden(`Not allowed to delete members for image ${v.image.id}.`);
  await db.imageMember.update({ where: { id: m.id }, data: { deleted: true } });
  await audit(ctx, {
    action: "image.member.delete",
    targetType: "image",
    targetId: v.image.id,
    detail: { member_id: memberId },
  });
}
