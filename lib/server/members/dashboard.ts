import "server-only";
import type { RequestContext } from "../context";
import { db } from "../db";
import { badRequest, forbidden } from "../errors";
import { getVisibleImage, isAdmin, policyCaller, type ImageCaller } from "../images/access";
import { serializeImage, isoTime } from "../images/serialize";
import { imageInclude } from "../images/types";
import { can, imageTarget } from "../policy";
import { MEMBER_STATUSES, listImageMembers } from "./index";

// What the dashboard shows about sharing, beyond Glance's member body (whose schema allows no
// extra keys): the inbox of images offered to the current project, with the owner project's
// name, and for the owner who shared each membership and who decided, from the columns the
// members service records.

type MemberStatus = (typeof MEMBER_STATUSES)[number];

export function parseInboxStatus(value: string | null): MemberStatus {
  const s = value ?? "pending";
  if (!MEMBER_STATUSES.includes(s as MemberStatus))
    throw badRequest(`member_status must be one of ${MEMBER_STATUSES.join(", ")}; got ${JSON.stringify(s)}.`);
  return s as MemberStatus;
}

const LIVE_IMAGE = { deleted: false, visibility: "shared", status: { notIn: ["deleted", "killed"] } };

/** Images other projects share with the caller's project, in one member status, newest first. */
export async function listSharedInbox(caller: ImageCaller, status: MemberStatus) {
  const rows = await db.imageMember.findMany({
    where: {
      memberId: caller.projectId,
      deleted: false,
      status,
      // An image the project owns is not "shared with us", even if it lists itself as a member.
      image: { ...LIVE_IMAGE, NOT: { owner: caller.projectId } },
    },
    include: { image: { include: imageInclude } },
    orderBy: [{ createdAt: "desc" }, { id: "desc" }],
    take: 200,
  });
  const visible = rows.filter((m) =>
    can("get_image", policyCaller(caller), imageTarget(m.image, m.status, caller.projectId)),
  );
  const owners = [...new Set(visible.map((m) => m.image.owner).filter((o): o is string => !!o))];
  const projects = await db.project.findMany({
    where: { id: { in: owners } },
    select: { id: true, name: true },
  });
  const ownerName = new Map(projects.map((p) => [p.id, p.name]));
  return visible.map((m) => ({
    image: serializeImage(m.image),
    member: {
      status: m.status,
      shared_at: isoTime(m.createdAt),
      updated_at: isoTime(m.updatedAt),
      decided_at: m.decidedAt ? isoTime(m.decidedAt) : null,
    },
    owner: { id: m.image.owner, name: m.image.owner ? (ownerName.get(m.image.owner) ?? null) : null },
  }));
}

/** How many offers wait for the caller's project, per status (the navigation badge). */
export async function countSharedInbox(caller: ImageCaller): Promise<Record<MemberStatus, number>> {
  const groups = await db.imageMember.groupBy({
    by: ["status"],
    where: {
      memberId: caller.projectId,
      deleted: false,
      image: { ...LIVE_IMAGE, NOT: { owner: caller.projectId } },
    },
    _count: { _all: true },
  });
  const out: Record<MemberStatus, number> = { pending: 0, accepted: 0, rejected: 0 };
  for (const g of groups) if (g.status in out) out[g.status as MemberStatus] = g._count._all;
  return out;
}

/**
 * An image's members with their project names and who shared and decided, for its owner project
 * and admins (others see only their own entry through the Glance API).
 */
export async function describeImageMembers(ctx: RequestContext, caller: ImageCaller, imageId: string) {
  const { image } = await getVisibleImage(ctx, caller, imageId);
  if (!isAdmin(caller) && image.owner !== caller.projectId)
    throw forbidden("Only the image's owner project and administrators see who it is shared with.");
  const visibleMembers = await listImageMembers(ctx, caller, imageId);
  const ids = new Set(visibleMembers.map((m) => m.id));
  const rows = await db.imageMember.findMany({
    where: { imageId: image.id, deleted: false },
    orderBy: { createdAt: "asc" },
  });
  const members = rows.filter((m) => ids.has(m.id));
  const projectIds = members.map((m) => m.memberId);
  const userIds = [
    ...new Set(members.flatMap((m) => [m.createdBy, m.decidedBy]).filter((u): u is string => !!u)),
  ];
  const [projects, users] = await Promise.all([
    db.project.findMany({
      where: { id: { in: projectIds } },
      select: { id: true, name: true, domain: { select: { name: true } } },
    }),
    db.user.findMany({ where: { id: { in: userIds } }, select: { id: true, name: true } }),
  ]);
  const project = new Map(projects.map((p) => [p.id, p]));
  const user = new Map(users.map((u) => [u.id, u.name]));
  const who = (id: string | null) => (id ? { id, name: user.get(id) ?? null } : null);
  return members.map((m) => ({
    member_id: m.memberId,
    project_name: project.get(m.memberId)?.name ?? null,
    project_domain: project.get(m.memberId)?.domain.name ?? null,
    status: m.status,
    created_at: isoTime(m.createdAt),
    updated_at: isoTime(m.updatedAt),
    shared_by: who(m.createdBy),
    decided_by: who(m.decidedBy),
    decided_at: m.decidedAt ? isoTime(m.decidedAt) : null,
  }));
}
