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
  type SqlReader,
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
    // An empty list (`name=in:`) matches nothing, as in Glance; PostgreSQL refuses `IN ()`.
    if (values.length === 0) return "(NULL)";
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

function whereClause(
  q: Builder,
  caller: ListCaller,
  lq: ListQuery,
  marker: ImageRecord | null,
  drivingTag: string | null,
): string {
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
  if (lq.tags.length && q.d === "pg")
    // Every tag at once: a check on the row itself, or the GIN index for a rare tag.
    and.push(`i.tag_set @> CAST(${q.p(JSON.stringify(lq.tags))} AS jsonb)`);
  else
    for (const tag of lq.tags.filter((t) => t !== drivingTag))
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
    // PostgreSQL would otherwise hash every membership of the project for each query (a
    // "hashed SubPlan", 1 ms with 2,000 shares) where a page needs a few index probes; OFFSET 0
    // keeps the subquery per row.
    const perRow = q.d === "pg" ? " OFFSET 0" : "";
    and.push(
      `(i.visibility IN ('public', 'community') OR i.owner = ${owner} OR (i.visibility = 'shared' AND EXISTS (SELECT 1 FROM image_members m WHERE m.image_id = i.id AND m.member_id = ${member} AND m.deleted = ${q.b(false)}${status}${perRow})))`,
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

/** A JSON aggregate of a relation: PostgreSQL returns it parsed, SQLite as text. */
function jsonRows(d: Dialect, v: unknown): unknown[] {
  if (v === null || v === undefined) return [];
  const parsed: unknown = typeof v === "string" ? JSON.parse(v) : v;
  return Array.isArray(parsed) ? parsed : [];
}

function relationColumns(d: Dialect): string {
  const agg = d === "pg" ? "json_agg" : "json_group_array";
  const pair = d === "pg" ? "json_build_array" : "json_array";
  return [
    `(SELECT ${agg}(${pair}(p.name, p.value)) FROM image_properties p WHERE p.image_id = i.id) AS props`,
    "i.tag_set AS tag_values",
    `(SELECT ${agg}(${pair}(l.store, l.status)) FROM image_locations l WHERE l.image_id = i.id) AS locs`,
  ].join(", ");
}

/**
 * SQLite, filtering by tag: the tag to start from, or null to walk the sort order instead.
 * Walking reads about limit × images / count rows to fill a page (count: the images with the
 * tag); starting from the tag reads count rows and sorts them. For a tag on one image in a
 * thousand, walking 100,000 images took 80 ms and starting from the tag under 5 ms. SQLite's
 * planner knows only the average count per tag, so the choice is made here with the real one.
 * (PostgreSQL makes it itself: the query is planned for its values, see QueryOptions.)
 */
async function tagToStartFrom(db: SqlReader, lq: ListQuery): Promise<string | null> {
  if (lq.tags.length === 0) return null;
  const counts = lq.tags.map((_, i) => `(SELECT count(*) FROM image_tags WHERE value = ?) AS c${i}`);
  const [row] = await db.all(`SELECT (SELECT max(rowid) FROM images) AS n, ${counts.join(", ")}`, lq.tags);
  const images = Number(row?.n ?? 0);
  let best: string | null = null;
  let fewest = Infinity;
  lq.tags.forEach((tag, i) => {
    const c = Number(row?.[`c${i}`] ?? 0);
    if (c < fewest) [best, fewest] = [tag, c];
  });
  return fewest * fewest <= lq.limit * images ? best : null;
}

export interface ImagePage {
  images: ImageRecord[];
  /** The caller's member status of each image on the page it is a member of (not for admins). */
  memberStatus: Map<string, string>;
}

/**
 * One page of images with their properties, tags and store locations, and the caller's
 * membership, in one statement: one round trip per page whatever the database.
 */
export async function selectImagePage(
  caller: ListCaller,
  lq: ListQuery,
  marker: ImageRecord | null,
): Promise<ImagePage> {
  const db = sql();
  const q = new Builder(db.dialect);
  // Placeholders are numbered in text order: the select list comes before the WHERE clause.
  const memberColumn = caller.admin
    ? ""
    : `, (SELECT m.status FROM image_members m WHERE m.image_id = i.id AND m.member_id = ${q.p(caller.projectId)} AND m.deleted = ${q.b(false)}) AS member_status`;
  const columns = `${IMAGE_COLUMNS}, ${relationColumns(db.dialect)}${memberColumn}`;
  const driving = db.dialect === "sqlite" ? await tagToStartFrom(db, lq) : null;
  // CROSS JOIN makes SQLite read image_tags first, whatever its planner would choose.
  const from =
    driving === null
      ? "images i"
      : `image_tags dt CROSS JOIN images i ON i.id = dt.image_id AND dt.value = ${q.p(driving)}`;
  const where = whereClause(q, caller, lq, marker, driving);
  const text = `SELECT ${columns} FROM ${from} WHERE ${where} ORDER BY ${orderBy(lq)} LIMIT ${q.p(lq.limit)}`;
  // The tag filter's best plan depends on how common the tag is (see QueryOptions).
  const rows = await db.all(text, q.params, { planPerCall: lq.tags.length > 0 });
  const memberStatus = new Map<string, string>();
  const images = rows.map((r) => {
    const image = toImage(r);
    for (const p of jsonRows(db.dialect, r.props) as [unknown, unknown][])
      image.properties.push({ name: String(p[0]), value: String(p[1]) });
    const tags = (jsonRows(db.dialect, r.tag_values) as unknown[]).map(String).sort();
    image.tags = tags.map((value) => ({ value }));
    for (const l of jsonRows(db.dialect, r.locs) as [unknown, unknown][])
      image.locations!.push({ store: String(l[0]), status: String(l[1]) });
    const shared = image.visibility === "shared" && image.owner !== caller.projectId;
    if (shared && r.member_status !== null && r.member_status !== undefined)
      memberStatus.set(image.id, String(r.member_status));
    return image;
  });
  return { images, memberStatus };
}
