import "server-only";
import {
  boolLiteral,
  sql,
  timeParam,
  timePlaceholder,
  toBigOrNull,
  toBool,
  toDate,
  toDateOrNull,
  toNum,
  toStrOrNull,
  type Dialect,
  type Row,
} from "../sql";
import type { SortKey } from "@/lib/schemas/image";
import type { ListQuery, Op } from "./list-query";
import type { ImageRecord } from "./types";

// The image list as one SQL statement (plus one per relation for the page), for SQLite and
// PostgreSQL. Glance's semantics: glance/db/sqlalchemy/api.py _select_images_query and
// _make_conditions_from_filters; NULL sorts as the smallest value; keyset pagination on the marker.

const COLUMN: Record<SortKey, string> = {
  name: "name",
  status: "status",
  container_format: "container_format",
  disk_format: "disk_format",
  size: "size",
  id: "id",
  created_at: "created_at",
  updated_at: "updated_at",
};
const NULLABLE = new Set<SortKey>(["name", "container_format", "disk_format", "size"]);
const TIME_KEYS = new Set<SortKey>(["created_at", "updated_at"]);
const OPS: Record<Op, string> = { eq: "=", neq: "<>", gt: ">", gte: ">=", lt: "<", lte: "<=" };

class Builder {
  readonly params: unknown[] = [];
  constructor(readonly d: Dialect) {}
  p(v: unknown): string {
    this.params.push(v);
    return "?";
  }
  t(v: Date): string {
    this.params.push(timeParam(this.d, v));
    return timePlaceholder(this.d);
  }
  b(v: boolean): string {
    return boolLiteral(this.d, v);
  }
  in(values: unknown[]): string {
    return `(${values.map((v) => this.p(v)).join(", ")})`;
  }
}

export interface ListCaller {
  projectId: string;
  admin: boolean;
}

/** A value of the marker image as a parameter for its sort key. */
function markerParam(q: Builder, key: SortKey, v: unknown): string {
  if (TIME_KEYS.has(key)) return q.t(v as Date);
  return q.p(v);
}

function whereClause(q: Builder, caller: ListCaller, lq: ListQuery, marker: ImageRecord | null): string {
  const and: string[] = [
    `i.deleted = ${q.b(false)}`,
    `i.status NOT IN ('deleted', 'killed')`,
    `i.os_hidden = ${q.b(lq.osHidden)}`,
  ];
  if (lq.protected !== undefined) and.push(`i.protected = ${q.b(lq.protected)}`);
  for (const [k, values] of Object.entries(lq.attrs)) {
    and.push(values.length === 1 ? `i.${k} = ${q.p(values[0])}` : `i.${k} IN ${q.in(values)}`);
  }
  for (const t of lq.times) and.push(`i.${t.field} ${OPS[t.op]} ${q.t(t.at)}`);
  if (lq.sizeMin !== undefined) and.push(`i.size >= ${q.p(lq.sizeMin)}`);
  if (lq.sizeMax !== undefined) and.push(`i.size <= ${q.p(lq.sizeMax)}`);
  if (lq.owner !== undefined) and.push(`i.owner = ${q.p(lq.owner)}`);
  if (lq.checksum !== undefined) and.push(`i.checksum = ${q.p(lq.checksum)}`);
  if (lq.osHashValue !== undefined) and.push(`i.os_hash_value = ${q.p(lq.osHashValue)}`);
  if (lq.ints.min_ram !== undefined) and.push(`i.min_ram = ${q.p(lq.ints.min_ram)}`);
  if (lq.ints.min_disk !== undefined) and.push(`i.min_disk = ${q.p(lq.ints.min_disk)}`);
  if (lq.ints.virtual_size !== undefined) and.push(`i.virtual_size = ${q.p(BigInt(lq.ints.virtual_size))}`);
  for (const tag of lq.tags)
    and.push(`EXISTS (SELECT 1 FROM image_tags t WHERE t.image_id = i.id AND t.value = ${q.p(tag)})`);
  for (const [name, value] of Object.entries(lq.properties))
    and.push(
      `EXISTS (SELECT 1 FROM image_properties p WHERE p.image_id = i.id AND p.name = ${q.p(name)} AND p.value = ${q.p(value)})`,
    );
  if (!caller.admin) {
    // Parameters are numbered in the order q.p() is called: build the text left to right.
    const owner = q.p(caller.projectId);
    const member = q.p(caller.projectId);
    const status = lq.memberStatus === "all" ? "" : ` AND m.status = ${q.p(lq.memberStatus)}`;
    and.push(
      `(i.visibility IN ('public', 'community') OR i.owner = ${owner} OR (i.visibility = 'shared' AND EXISTS (SELECT 1 FROM image_members m WHERE m.image_id = i.id AND m.member_id = ${member} AND m.deleted = ${q.b(false)}${status})))`,
    );
  }
  if (lq.visibility === undefined)
    and.push(`(i.owner = ${q.p(caller.projectId)} OR i.visibility <> 'community')`);
  else if (lq.visibility !== "all") and.push(`i.visibility = ${q.p(lq.visibility)}`);
  if (marker) and.push(afterMarker(q, lq, marker));
  return and.join(" AND ");
}

/** Rows strictly after the marker in the sort order. */
function afterMarker(q: Builder, lq: ListQuery, marker: ImageRecord): string {
  const value = (key: SortKey): unknown => {
    switch (key) {
      case "name":
        return marker.name;
      case "status":
        return marker.status;
      case "container_format":
        return marker.containerFormat;
      case "disk_format":
        return marker.diskFormat;
      case "size":
        return marker.size;
      case "id":
        return marker.id;
      case "created_at":
        return marker.createdAt;
      case "updated_at":
        return marker.updatedAt;
    }
  };
  // Placeholders are numbered in the order q.p() is called, so the text is built left to right
  // and a value used twice gets two parameters.
  const keys = lq.sort.map(({ key, dir }) => ({ key, dir, col: `i.${COLUMN[key]}`, v: value(key) }));
  let bound = "";
  const first = keys[0]!;
  if (first.v !== null && !NULLABLE.has(first.key))
    // A redundant bound on the first key lets the database seek in its index.
    bound = `${first.col} ${first.dir === "asc" ? ">=" : "<="} ${markerParam(q, first.key, first.v)} AND `;
  const branches: string[] = [];
  keys.forEach(({ key, dir, col, v }, i) => {
    if (v === null && dir === "desc") return; // nothing sorts below NULL
    const parts = keys
      .slice(0, i)
      .map((e) => (e.v === null ? `${e.col} IS NULL` : `${e.col} = ${markerParam(q, e.key, e.v)}`));
    if (v === null) parts.push(`${col} IS NOT NULL`);
    else if (dir === "asc") parts.push(`${col} > ${markerParam(q, key, v)}`);
    else if (NULLABLE.has(key)) parts.push(`(${col} < ${markerParam(q, key, v)} OR ${col} IS NULL)`);
    else parts.push(`${col} < ${markerParam(q, key, v)}`);
    branches.push(`(${parts.join(" AND ")})`);
  });
  return `${bound}${branches.length ? `(${branches.join(" OR ")})` : "1 = 0"}`;
}

function orderBy(lq: ListQuery): string {
  return lq.sort
    .map(({ key, dir }) => {
      const col = `i.${COLUMN[key]}`;
      if (!NULLABLE.has(key)) return `${col} ${dir.toUpperCase()}`;
      return `${col} ${dir.toUpperCase()} NULLS ${dir === "asc" ? "FIRST" : "LAST"}`;
    })
    .join(", ");
}

const IMAGE_COLUMNS =
  "i.id, i.name, i.status, i.visibility, i.protected, i.os_hidden, i.checksum, i.os_hash_algo, i.os_hash_value, i.size, i.virtual_size, i.disk_format, i.container_format, i.min_disk, i.min_ram, i.owner, i.created_at, i.updated_at, i.deleted_at, i.deleted";

function toImage(r: Row): ImageRecord {
  return {
    id: String(r.id),
    name: toStrOrNull(r.name),
    status: String(r.status),
    visibility: String(r.visibility),
    protected: toBool(r.protected),
    osHidden: toBool(r.os_hidden),
    checksum: toStrOrNull(r.checksum),
    osHashAlgo: toStrOrNull(r.os_hash_algo),
    osHashValue: toStrOrNull(r.os_hash_value),
    size: toBigOrNull(r.size),
    virtualSize: toBigOrNull(r.virtual_size),
    diskFormat: toStrOrNull(r.disk_format),
    containerFormat: toStrOrNull(r.container_format),
    minDisk: toNum(r.min_disk),
    minRam: toNum(r.min_ram),
    owner: toStrOrNull(r.owner),
    createdAt: toDate(r.created_at),
    updatedAt: toDate(r.updated_at),
    deletedAt: toDateOrNull(r.deleted_at),
    deleted: toBool(r.deleted),
    properties: [],
    tags: [],
    locations: [],
  };
}

/** One page of images with their properties, tags and store locations. */
export async function selectImagePage(
  caller: ListCaller,
  lq: ListQuery,
  marker: ImageRecord | null,
): Promise<ImageRecord[]> {
  const db = sql();
  const q = new Builder(db.dialect);
  const where = whereClause(q, caller, lq, marker);
  const text = `SELECT ${IMAGE_COLUMNS} FROM images i WHERE ${where} ORDER BY ${orderBy(lq)} LIMIT ${q.p(lq.limit)}`;
  const images = (await db.all(text, q.params)).map(toImage);
  if (images.length === 0) return images;
  const byId = new Map(images.map((i) => [i.id, i]));
  const ids = images.map((i) => i.id);
  const marks = ids.map(() => "?").join(", ");
  const [props, tags, locs] = await Promise.all([
    db.all(`SELECT image_id, name, value FROM image_properties WHERE image_id IN (${marks})`, ids),
    db.all(`SELECT image_id, value FROM image_tags WHERE image_id IN (${marks}) ORDER BY value`, ids),
    db.all(`SELECT image_id, store, status FROM image_locations WHERE image_id IN (${marks})`, ids),
  ]);
  for (const p of props)
    byId.get(String(p.image_id))!.properties.push({ name: String(p.name), value: String(p.value) });
  for (const t of tags) byId.get(String(t.image_id))!.tags.push({ value: String(t.value) });
  for (const l of locs)
    byId.get(String(l.image_id))!.locations!.push({ store: String(l.store), status: String(l.status) });
  return images;
}

/** The caller's membership status for shared images on the page (for the per-image policy check). */
export async function memberStatuses(projectId: string, imageIds: string[]): Promise<Map<string, string>> {
  const out = new Map<string, string>();
  if (imageIds.length === 0) return out;
  const db = sql();
  const q = new Builder(db.dialect);
  const rows = await db.all(
    `SELECT image_id, status FROM image_members WHERE member_id = ${q.p(projectId)} AND deleted = ${q.b(false)} AND image_id IN ${q.in(imageIds)}`,
    q.params,
  );
  for (const r of rows) out.set(String(r.image_id), String(r.status));
  return out;
}
