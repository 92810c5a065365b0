// The images page's view (filters, sort, page) as it is kept in the page's URL, and the Image
// API query it asks for. Pure, so that a bookmarked URL always shows the same view.

export const FILTER_KEYS = [
  "name",
  "status",
  "visibility",
  "owner",
  "disk_format",
  "container_format",
  "min_mib",
  "max_mib",
  "tag",
  "protected",
  "os_hidden",
  "prop_key",
  "prop_value",
] as const;
export type FilterKey = (typeof FILTER_KEYS)[number];
export type ImageFilters = Record<FilterKey, string>;

export const SORTABLE = [
  "name",
  "status",
  "disk_format",
  "container_format",
  "size",
  "created_at",
  "updated_at",
];
export const PAGE_SIZES = [10, 25, 50, 100];
export const DEFAULT_SORT = "created_at:desc";
export const DEFAULT_LIMIT = 25;

/** Query parameters of GET /v2/images that a custom property filter may not be named after. */
export const RESERVED_PROPERTY_KEYS = new Set([
  "limit",
  "marker",
  "member_status",
  "sort",
  "sort_key",
  "sort_dir",
  "id",
  "checksum",
  "os_hash_value",
  "created_at",
  "updated_at",
  "size_min",
  "size_max",
  "min_ram",
  "min_disk",
  "virtual_size",
  "changes-since",
  ...FILTER_KEYS,
]);

export interface ImageListView {
  filters: ImageFilters;
  /** "key:dir", e.g. "name:asc". */
  sort: string;
  limit: number;
  /** The marker of the page shown (none on the first page). */
  marker?: string;
  /** The markers of the pages before this one, oldest first ("" is the first page). */
  previous: string[];
}

export const emptyFilters = (): ImageFilters =>
  Object.fromEntries(FILTER_KEYS.map((k) => [k, ""])) as ImageFilters;

export function parseSort(sort: string): { key: string; dir: "asc" | "desc" } {
  const [key = "", dir = ""] = sort.split(":");
  return SORTABLE.includes(key)
    ? { key, dir: dir === "asc" ? "asc" : "desc" }
    : { key: "created_at", dir: "desc" };
}

/** The view in a dashboard URL's query (unknown or malformed parameters fall back to defaults). */
export function parseView(params: URLSearchParams): ImageListView {
  const filters = emptyFilters();
  for (const k of FILTER_KEYS) filters[k] = params.get(k)?.trim() ?? "";
  const { key, dir } = parseSort(params.get("sort") ?? DEFAULT_SORT);
  const limit = Number(params.get("limit"));
  const marker = params.get("marker") || undefined;
  const prev = params.get("prev");
  return {
    filters,
    sort: `${key}:${dir}`,
    limit: PAGE_SIZES.includes(limit) ? limit : DEFAULT_LIMIT,
    marker,
    // Page 2 needs no `prev` (its previous page is the first); later pages list the markers.
    previous: marker ? ["", ...(prev ? prev.split(",") : [])] : [],
  };
}

/** The dashboard URL query for a view: only what differs from the defaults. */
export function viewToSearch(view: ImageListView): URLSearchParams {
  const q = new URLSearchParams();
  for (const k of FILTER_KEYS) if (view.filters[k]) q.set(k, view.filters[k]);
  if (view.sort !== DEFAULT_SORT) q.set("sort", view.sort);
  if (view.limit !== DEFAULT_LIMIT) q.set("limit", String(view.limit));
  if (view.marker) {
    q.set("marker", view.marker);
    const prev = view.previous.slice(1);
    if (prev.length) q.set("prev", prev.join(","));
  }
  return q;
}

const mibToBytes = (mib: string) => {
  const n = Number(mib);
  return Number.isFinite(n) && mib !== "" && n >= 0 ? String(Math.round(n * 1024 * 1024)) : null;
};

/** The GET /v2/images query for a view. */
export function viewToApiQuery(view: ImageListView): URLSearchParams {
  const f = view.filters;
  const q = new URLSearchParams();
  for (const k of ["name", "status", "visibility", "owner", "disk_format", "container_format"] as const)
    if (f[k]) q.set(k, f[k]);
  if (f.tag) q.append("tag", f.tag);
  if (f.protected === "true" || f.protected === "false") q.set("protected", f.protected);
  if (f.os_hidden === "true") q.set("os_hidden", "true");
  const min = mibToBytes(f.min_mib);
  const max = mibToBytes(f.max_mib);
  if (min) q.set("size_min", min);
  if (max) q.set("size_max", max);
  if (f.prop_key && !RESERVED_PROPERTY_KEYS.has(f.prop_key)) q.set(f.prop_key, f.prop_value);
  q.set("sort", view.sort);
  q.set("limit", String(view.limit));
  if (view.marker) q.set("marker", view.marker);
  return q;
}

/** The marker in an API `next` link (`/v2/images?...&marker=<id>`). */
export function markerOf(next: string | undefined): string | undefined {
  if (!next) return undefined;
  const query = next.includes("?") ? next.slice(next.indexOf("?") + 1) : "";
  return new URLSearchParams(query).get("marker") ?? undefined;
}

/** The next page's view, the previous page's view, and a view with changed filters or sort. */
export const nextPage = (view: ImageListView, marker: string): ImageListView => ({
  ...view,
  marker,
  previous: [...view.previous, view.marker ?? ""],
});

export function previousPage(view: ImageListView): ImageListView {
  const previous = view.previous.slice(0, -1);
  const marker = view.previous[view.previous.length - 1] || undefined;
  return { ...view, marker, previous: marker ? previous : [] };
}

export const firstPage = (view: ImageListView): ImageListView => ({
  ...view,
  marker: undefined,
  previous: [],
});

/** Clicking a column: the same column flips direction; another starts ascending. */
export function toggleSort(view: ImageListView, key: string): ImageListView {
  const cur = parseSort(view.sort);
  const dir = cur.key === key ? (cur.dir === "asc" ? "desc" : "asc") : "asc";
  return firstPage({ ...view, sort: `${key}:${dir}` });
}
