import { badRequest } from "../errors";
import { MAX_DB_INT, SORT_KEYS, type SortKey } from "@/lib/schemas/image";

// Parsing of GET /v2/images query parameters with Glance's rules and messages (pure).
// glance/api/v2/images.py RequestDeserializer.index and ImagesController.index,
// glance/db/sqlalchemy/api.py _make_conditions_from_filters, glance/common/utils.py split_filter_op.

/** The range of a BIGINT column (size, virtual_size). */
const INT64_MAX = 2n ** 63n - 1n;
const INT64_MIN = -(2n ** 63n);
const clamp = (n: bigint, lo: bigint, hi: bigint) => (n < lo ? lo : n > hi ? hi : n);

export type Op = "eq" | "neq" | "gt" | "gte" | "lt" | "lte";
export const TIME_OPS: Op[] = ["gt", "gte", "lt", "lte", "eq", "neq"];

export interface ListQuery {
  limit: number;
  marker?: string;
  memberStatus: "accepted" | "pending" | "rejected" | "all";
  visibility?: "community" | "public" | "private" | "shared" | "all";
  osHidden: boolean;
  protected?: boolean;
  sort: { key: SortKey; dir: "asc" | "desc" }[];
  /** name, id, status, container_format, disk_format: one value or an `in:` list. */
  attrs: Partial<Record<"name" | "id" | "status" | "container_format" | "disk_format", string[]>>;
  times: { field: "created_at" | "updated_at"; op: Op; at: Date }[];
  sizeMin?: bigint;
  sizeMax?: bigint;
  owner?: string;
  checksum?: string;
  osHashValue?: string;
  ints: Partial<Record<"min_ram" | "min_disk" | "virtual_size", number>>;
  tags: string[];
  properties: Record<string, string>;
}

const ISO_RE = /^\d{4}-\d{2}-\d{2}(?:[T ]\d{2}:\d{2}(?::\d{2}(?:\.\d+)?)?(?:Z|[+-]\d{2}:?\d{2})?)?$/i;

export function parseIsoTime(value: string): Date | null {
  if (!ISO_RE.test(value.trim())) return null;
  let v = value.trim().replace(" ", "T");
  if (/T\d{2}:\d{2}(:\d{2}(\.\d+)?)?$/.test(v)) v += "Z"; // no zone: UTC, as oslo normalises
  if (/[+-]\d{4}$/.test(v)) v = `${v.slice(0, -2)}:${v.slice(-2)}`;
  const d = new Date(v);
  return Number.isNaN(d.getTime()) ? null : d;
}

/** Glance's split_filter_op: "gt:2020-01-01" → [gt, ...]; a bare ISO time or value → eq. */
export function splitFilterOp(expression: string): [string, string] {
  const i = expression.indexOf(":");
  if (i < 0) return ["eq", expression];
  if (parseIsoTime(expression)) return ["eq", expression];
  return [expression.slice(0, i), expression.slice(i + 1)];
}

/** Glance's split_filter_value_for_quotes: a,b,"c, d" → [a, b, "c, d"]. */
export function splitQuoted(value: string): string[] {
  let open = false;
  for (let i = 0; i < value.length; i++) {
    if (value[i] === '"' && !(i && value[i - 1] === "\\")) {
      if (!open && i && value[i - 1] !== ",")
        throw badRequest(
          "Invalid filter value " + value + ". There is no comma before opening quotation mark.",
        );
      if (open && i + 1 < value.length && value[i + 1] !== ",")
        throw badRequest(
          "Invalid filter value " + value + ". There is no comma after closing quotation mark.",
        );
      open = !open;
    }
  }
  if (open) throw badRequest("Invalid filter value " + value + ". The quote is not closed.");
  const out: string[] = [];
  const re = /"([^"\\]*(?:\\.[^"\\]*)*)",?|([^,]+),?|,/g;
  let m: RegExpExecArray | null;
  while ((m = re.exec(value)) !== null) out.push(m[1] ?? m[2] ?? "");
  return out;
}

const RESERVED_PARAMS = new Set(["limit", "marker", "member_status", "tag", "sort", "sort_key", "sort_dir"]);

export function parseListQuery(params: URLSearchParams, limits: { default: number; max: number }): ListQuery {
  const q: ListQuery = {
    limit: limits.default,
    memberStatus: "accepted",
    osHidden: false,
    sort: [],
    attrs: {},
    times: [],
    ints: {},
    tags: [],
    properties: Object.create(null) as Record<string, string>, // "__proto__" is a property name too
  };
  // webob's params.get returns the last value of a repeated parameter.
  const last = (k: string) => {
    const all = params.getAll(k);
    return all.length ? all[all.length - 1]! : undefined;
  };

  const limit = last("limit");
  if (limit !== undefined) {
    if (!/^[+-]?\d+$/.test(limit.trim())) throw badRequest("limit param must be an integer");
    const n = Number(limit);
    if (n < 0) throw badRequest("limit param must be positive");
    q.limit = Math.min(limits.max, n);
  }
  q.marker = last("marker");
  const ms = last("member_status") ?? "accepted";
  if (!["pending", "accepted", "rejected", "all"].includes(ms)) throw badRequest(`Invalid status: ${ms}`);
  q.memberStatus = ms as ListQuery["memberStatus"];
  q.tags = params.getAll("tag").map((t) => t.trim());

  // Sorting: new syntax sort=k1:dir,k2 or classic sort_key/sort_dir (repeatable); not both.
  const validKey = (k: string): SortKey => {
    if (!(SORT_KEYS as readonly string[]).includes(k))
      throw badRequest(`Invalid sort key: ${k}. It must be one of the following: ${SORT_KEYS.join(", ")}.`);
    return k as SortKey;
  };
  const validDir = (d: string): "asc" | "desc" => {
    if (d !== "asc" && d !== "desc") throw badRequest(`Invalid sort direction: ${d}`);
    return d;
  };
  const keys: SortKey[] = [];
  const dirs: ("asc" | "desc")[] = [];
  if (params.has("sort")) {
    if (params.has("sort_key") || params.has("sort_dir"))
      throw badRequest("Old and new sorting syntax cannot be combined");
    for (const part of last("sort")!.trim().split(",")) {
      const [k, d] = [part.split(":")[0]!, part.includes(":") ? part.slice(part.indexOf(":") + 1) : ""];
      keys.push(validKey(k.trim()));
      dirs.push(validDir(d.trim() || "desc"));
    }
  } else {
    for (const k of params.getAll("sort_key")) keys.push(validKey(k.trim()));
    for (const d of params.getAll("sort_dir")) dirs.push(validDir(d.trim()));
    if (dirs.length > 1 && dirs.length !== keys.length)
      throw badRequest("Number of sort dirs does not match the number of sort keys");
  }
  if (keys.length === 0) keys.push("created_at");
  const defaultDir = dirs.length === 1 ? dirs[0]! : "desc";
  const sort = keys.map((key, i) => ({ key, dir: dirs.length > 1 ? dirs[i]! : defaultDir }));
  for (const key of ["created_at", "id"] as const)
    if (!keys.includes(key)) sort.push({ key, dir: defaultDir });
  q.sort = sort;

  // Filters.
  const seen = new Set<string>();
  for (const key of params.keys()) {
    if (seen.has(key) || RESERVED_PARAMS.has(key)) continue;
    seen.add(key);
    const value = last(key)!;
    switch (key) {
      case "visibility":
        if (!["community", "public", "private", "shared", "all"].includes(value))
          throw badRequest(`Invalid visibility value: ${value}`);
        q.visibility = value as ListQuery["visibility"];
        break;
      case "changes-since":
        throw badRequest('The "changes-since" filter is no longer available on v2.');
      case "os_hidden": {
        const v = value.toLowerCase();
        if (v !== "true" && v !== "false")
          throw badRequest(
            `Invalid value '${v}' for 'os_hidden' filter. Valid values are 'true' or 'false'.`,
          );
        q.osHidden = v === "true";
        break;
      }
      case "protected":
        if (value !== "true" && value !== "false")
          throw badRequest(
            `Invalid value '${value}' for 'protected' filter. Valid values are 'true' or 'false'.`,
          );
        q.protected = value === "true";
        break;
      case "name":
      case "id":
      case "status":
      case "container_format":
      case "disk_format": {
        const [op, v] = splitFilterOp(value);
        if (op === "in") q.attrs[key] = splitQuoted(v);
        else if (op === "eq") q.attrs[key] = [v];
        else throw badRequest(`Unable to filter by unknown operator '${op}'.`);
        break;
      }
      case "created_at":
      case "updated_at": {
        const [op, v] = splitFilterOp(value);
        const at = parseIsoTime(v);
        if (!at) throw badRequest(`Bad "${key}" query filter format. Use ISO 8601 DateTime notation.`);
        if (!TIME_OPS.includes(op as Op)) throw badRequest("Unable to filter on a unknown operator.");
        q.times.push({ field: key, op: op as Op, at });
        break;
      }
      case "size_min":
      case "size_max": {
        if (!/^[+-]?\d+$/.test(value.trim()))
          throw badRequest("Unable to filter on a range with a non-numeric value.");
        // Sizes lie within a BIGINT: a bound beyond one selects as the BIGINT's limit would
        // (Glance's databases compare such a number and answer; ours would refuse the parameter).
        const bound = clamp(BigInt(value.trim()), INT64_MIN, INT64_MAX);
        if (key === "size_min") q.sizeMin = bound;
        else q.sizeMax = bound;
        break;
      }
      case "owner":
        q.owner = value;
        break;
      case "checksum":
        q.checksum = value;
        break;
      case "os_hash_value":
        q.osHashValue = value;
        break;
      case "min_ram":
      case "min_disk":
      case "virtual_size": {
        if (!/^[+-]?\d+$/.test(value.trim()))
          throw badRequest(`Invalid value '${value}' for '${key}' filter: an integer is expected.`);
        // A value the column cannot hold (or a negative one) matches no image: -1, which no
        // image has, keeps the statement's parameter within the column's type.
        const n = BigInt(value.trim());
        const max = key === "virtual_size" ? INT64_MAX : BigInt(MAX_DB_INT);
        q.ints[key] = n < 0n || n > max ? -1 : Number(n);
        break;
      }
      default:
        q.properties[key] = value;
    }
  }
  return q;
}
