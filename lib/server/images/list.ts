import "server-only";
import type { Prisma } from "@/generated/sqlite/client";
import { db } from "../db";
import { env } from "../env";
import { badRequest, forbidden } from "../errors";
import { can, imageTarget } from "../policy";
import type { SortKey } from "@/lib/schemas/image";
import { canSee, isAdmin, loadImage, membershipOf, policyCaller, type ImageCaller } from "./access";
import { parseListQuery, type ListQuery, type Op } from "./list-query";
import { serializeImage } from "./serialize";
import { imageInclude, type ImageRecord } from "./types";

// GET /v2/images: Glance's visibility rules, filters, sorting and keyset pagination.

type Where = Prisma.ImageWhereInput;

const COLUMN: Record<SortKey, keyof ImageRecord> = {
  name: "name",
  status: "status",
  container_format: "containerFormat",
  disk_format: "diskFormat",
  size: "size",
  id: "id",
  created_at: "createdAt",
  updated_at: "updatedAt",
};
const NULLABLE = new Set<SortKey>(["name", "container_format", "disk_format", "size"]);

/** What the caller may list at all (glance/db/sqlalchemy/api.py _select_images_query). */
function accessWhere(caller: ImageCaller, q: ListQuery): Where[] {
  const and: Where[] = [];
  if (!isAdmin(caller)) {
    const member: Prisma.ImageMemberWhereInput = { memberId: caller.projectId, deleted: false };
    if (q.memberStatus !== "all") member.status = q.memberStatus;
    and.push({
      OR: [
        { visibility: "public" },
        { visibility: "community" },
        { owner: caller.projectId },
        { visibility: "shared", members: { some: member } },
      ],
    });
  }
  if (q.visibility === undefined) {
    // Community images appear in the default list only for their owner.
    and.push({ OR: [{ owner: caller.projectId }, { visibility: { not: "community" } }] });
  } else if (q.visibility !== "all") {
    and.push({ visibility: q.visibility });
  }
  return and;
}

function timeCond(op: Op, at: Date): Prisma.DateTimeFilter {
  switch (op) {
    case "gt":
      return { gt: at };
    case "gte":
      return { gte: at };
    case "lt":
      return { lt: at };
    case "lte":
      return { lte: at };
    case "neq":
      return { not: at };
    case "eq":
      return { equals: at };
  }
}

function filterWhere(q: ListQuery): Where[] {
  const and: Where[] = [
    { deleted: false },
    { status: { notIn: ["deleted", "killed"] } },
    { osHidden: q.osHidden },
  ];
  if (q.protected !== undefined) and.push({ protected: q.protected });
  const attrCols = {
    name: "name",
    id: "id",
    status: "status",
    container_format: "containerFormat",
    disk_format: "diskFormat",
  } as const;
  for (const [k, values] of Object.entries(q.attrs)) {
    const col = attrCols[k as keyof typeof attrCols];
    and.push(values.length === 1 ? { [col]: values[0] } : { [col]: { in: values } });
  }
  for (const t of q.times)
    and.push({ [t.field === "created_at" ? "createdAt" : "updatedAt"]: timeCond(t.op, t.at) });
  if (q.sizeMin !== undefined) and.push({ size: { gte: q.sizeMin } });
  if (q.sizeMax !== undefined) and.push({ size: { lte: q.sizeMax } });
  if (q.owner !== undefined) and.push({ owner: q.owner });
  if (q.checksum !== undefined) and.push({ checksum: q.checksum });
  if (q.osHashValue !== undefined) and.push({ osHashValue: q.osHashValue });
  if (q.ints.min_ram !== undefined) and.push({ minRam: q.ints.min_ram });
  if (q.ints.min_disk !== undefined) and.push({ minDisk: q.ints.min_disk });
  if (q.ints.virtual_size !== undefined) and.push({ virtualSize: BigInt(q.ints.virtual_size) });
  for (const tag of q.tags) and.push({ tags: { some: { value: tag } } });
  for (const [name, value] of Object.entries(q.properties))
    and.push({ properties: { some: { name, value } } });
  return and;
}

/** NULL sorts as the smallest value on both databases. */
function orderBy(q: ListQuery): Prisma.ImageOrderByWithRelationInput[] {
  return q.sort.map(({ key, dir }) => {
    const col = COLUMN[key];
    if (!NULLABLE.has(key)) return { [col]: dir };
    return { [col]: { sort: dir, nulls: dir === "asc" ? "first" : "last" } };
  });
}

/** Rows strictly after the marker in the sort order (keyset pagination). */
function afterMarker(q: ListQuery, marker: ImageRecord): Where {
  const branches: Where[] = [];
  const equal: Where[] = [];
  for (const { key, dir } of q.sort) {
    const col = COLUMN[key];
    const v = marker[col] as unknown;
    let after: Where | null;
    if (v === null) after = dir === "asc" ? { [col]: { not: null } } : null;
    else if (dir === "asc") after = { [col]: { gt: v } };
    else after = NULLABLE.has(key) ? { OR: [{ [col]: { lt: v } }, { [col]: null }] } : { [col]: { lt: v } };
    if (after) branches.push({ AND: [...equal, after] });
    equal.push({ [col]: v });
  }
  const where: Where = { OR: branches };
  // A redundant bound on the first key lets the database seek in its index.
  const first = q.sort[0]!;
  const v = marker[COLUMN[first.key]] as unknown;
  if (v !== null && !NULLABLE.has(first.key))
    return { AND: [{ [COLUMN[first.key]]: first.dir === "asc" ? { gte: v } : { lte: v } }, where] };
  return where;
}

export interface ListResult {
  images: ImageRecord[];
  nextMarker?: string;
}

export async function listImages(caller: ImageCaller, params: URLSearchParams): Promise<ListResult> {
  const e = env();
  const q = parseListQuery(params, { default: e.IRIS_LIMIT_PARAM_DEFAULT, max: e.IRIS_API_LIMIT_MAX });
  const pc = policyCaller(caller);
  if (!can("get_images", pc, { project_id: caller.projectId }))
    throw forbidden("You are not authorized to list images (policy get_images).");
  const and = [...filterWhere(q), ...accessWhere(caller, q)];
  if (q.marker !== undefined) {
    const marker = await loadImage(q.marker);
    const member = marker ? await membershipOf(marker.id, caller.projectId) : null;
    if (!marker || marker.deleted || !canSee(caller, marker, member))
      throw badRequest(`No image found with ID ${q.marker}`);
    and.push(afterMarker(q, marker));
  }
  const rows = await db.image.findMany({
    where: { AND: and },
    orderBy: orderBy(q),
    take: q.limit,
    include: { ...imageInclude, locations: { select: { store: true, status: true } } },
  });
  // Glance checks get_image per image; a page may be shorter than limit, yet `next` follows the DB page.
  const memberStatus = new Map<string, string>();
  if (!isAdmin(caller)) {
    const shared = rows
      .filter((r) => r.visibility === "shared" && r.owner !== caller.projectId)
      .map((r) => r.id);
    if (shared.length)
      for (const m of await db.imageMember.findMany({
        where: { imageId: { in: shared }, memberId: caller.projectId, deleted: false },
      }))
        memberStatus.set(m.imageId, m.status);
  }
  const images = rows.filter((r) =>
    can(
      "get_image",
      pc,
      imageTarget(r, memberStatus.get(r.id) ?? null, memberStatus.has(r.id) ? caller.projectId : null),
    ),
  );
  const result: ListResult = { images };
  if (images.length && rows.length === q.limit) result.nextMarker = images[images.length - 1]!.id;
  return result;
}

/** The response body: images, first, schema and next as relative /v2/images links. */
export function listBody(params: URLSearchParams, result: ListResult) {
  const rest = new URLSearchParams(params);
  rest.delete("marker");
  const query = rest.toString();
  const body: Record<string, unknown> = {
    images: result.images.map(serializeImage),
    first: query ? `/v2/images?${query}` : "/v2/images",
    schema: "/v2/schemas/images",
  };
  if (result.nextMarker) {
    rest.append("marker", result.nextMarker);
    body.next = `/v2/images?${rest.toString()}`;
  }
  return body;
}
