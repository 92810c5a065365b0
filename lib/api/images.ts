import { apiFetch } from "./client";

// The Image API (Glance v2 shapes) as the dashboard uses it, with the session cookie.

export const PATCH_MEDIA_TYPE = "application/openstack-images-v2.1-json-patch";

/** Statuses in which the image is still changing on its own: lists and details poll while shown. */
export const TRANSITIONAL_STATUSES = ["queued", "saving", "uploading", "importing"] as const;
/** Statuses in which the image is busy with its data: shown live and polled often. */
export const BUSY_STATUSES = ["saving", "uploading", "importing"] as const;

/** Glance's base image fields; anything else on the object is a custom property. */
export const BASE_FIELDS = new Set([
  "id",
  "name",
  "status",
  "visibility",
  "protected",
  "os_hidden",
  "checksum",
  "os_hash_algo",
  "os_hash_value",
  "owner",
  "size",
  "virtual_size",
  "container_format",
  "disk_format",
  "created_at",
  "updated_at",
  "tags",
  "direct_url",
  "min_ram",
  "min_disk",
  "self",
  "file",
  "stores",
  "schema",
  "locations",
]);

export interface Image {
  id: string;
  name: string | null;
  status: string;
  visibility: "public" | "private" | "shared" | "community";
  protected: boolean;
  os_hidden: boolean;
  checksum: string | null;
  os_hash_algo: string | null;
  os_hash_value: string | null;
  owner: string | null;
  size: number | null;
  virtual_size: number | null;
  container_format: string | null;
  disk_format: string | null;
  min_ram: number;
  min_disk: number;
  created_at: string;
  updated_at: string;
  tags: string[];
  stores?: string;
  [property: string]: unknown;
}

export interface ImagePage {
  images: Image[];
  next?: string;
}

export interface ImageMember {
  member_id: string;
  image_id: string;
  status: "pending" | "accepted" | "rejected";
  created_at: string;
  updated_at: string;
}

export interface ImageTask {
  id: string;
  type: string;
  status: "pending" | "processing" | "success" | "failure";
  message: string | null;
  input: unknown;
  result: unknown;
  created_at: string;
  updated_at: string;
  request_id?: string;
}

export interface AuditEvent {
  id: string;
  created_at: string;
  action: string;
  outcome: "success" | "failure";
  user_name: string | null;
  user_id: string | null;
  remote_addr: string | null;
  detail: unknown;
}

export interface StoreInfo {
  id: string;
  description: string;
  default?: "true";
}

/** What POST /v2/inspect found in the first bytes of a file, judged for a disk_format. */
export interface Inspection {
  format: string;
  matches: string[];
  virtual_size: number | null;
  inspected_bytes: number;
  verdict: { ok: boolean; reason: "format_mismatch" | "unsafe" | "ambiguous" | null; message: string };
}

/** The most POST /v2/inspect takes: the start of a file is enough to know what it is. */
export const INSPECT_BYTES = 4 * 1024 * 1024;

export interface ImageCreateBody {
  name: string;
  disk_format: string;
  container_format: string;
  visibility: string;
  min_disk?: number;
  min_ram?: number;
  [property: string]: unknown;
}

export type PatchOperation =
  { op: "add" | "replace"; path: string; value: unknown } | { op: "remove"; path: string };

/** Properties Glance keeps for itself (import progress): shown, never edited. */
export const isReservedProperty = (key: string) => key.startsWith("os_glance_");

/** The custom properties of an image (every key that is not one of Glance's base fields). */
export function customProperties(image: Image, { editable = false } = {}): Record<string, string> {
  return Object.fromEntries(
    Object.entries(image).filter(
      ([k, v]) => !BASE_FIELDS.has(k) && typeof v === "string" && !(editable && isReservedProperty(k)),
    ),
  ) as Record<string, string>;
}

/** The stores an import or copy is still writing to (Glance's os_glance_importing_to_stores). */
export const importingTo = (image: Image): string[] =>
  typeof image.os_glance_importing_to_stores === "string"
    ? image.os_glance_importing_to_stores.split(",").filter(Boolean)
    : [];

/** A JSON pointer for a property name ("/" and "~" escaped as RFC 6901 says). */
export const pointer = (key: string) => `/${key.replace(/~/g, "~0").replace(/\//g, "~1")}`;

const V2 = "/image/v2";
const img = (id: string) => `${V2}/images/${encodeURIComponent(id)}`;

export const imagesApi = {
  list: (query: URLSearchParams, signal?: AbortSignal) =>
    apiFetch<ImagePage>(`${V2}/images${query.size ? `?${query}` : ""}`, { signal }),
  get: (id: string, signal?: AbortSignal) => apiFetch<Image>(img(id), { signal }),
  create: (body: ImageCreateBody) => apiFetch<Image>(`${V2}/images`, { method: "POST", body }),
  update: (id: string, ops: PatchOperation[]) =>
    apiFetch<Image>(img(id), { method: "PATCH", body: ops, contentType: PATCH_MEDIA_TYPE }),
  remove: (id: string) => apiFetch<void>(img(id), { method: "DELETE" }),
  deactivate: (id: string) => apiFetch<void>(`${img(id)}/actions/deactivate`, { method: "POST" }),
  reactivate: (id: string) => apiFetch<void>(`${img(id)}/actions/reactivate`, { method: "POST" }),
  addTag: (id: string, tag: string) =>
    apiFetch<void>(`${img(id)}/tags/${encodeURIComponent(tag)}`, { method: "PUT" }),
  members: (id: string, signal?: AbortSignal) =>
    apiFetch<{ members: ImageMember[] }>(`${img(id)}/members`, { signal }).then((r) => r.members),
  tasks: (id: string, signal?: AbortSignal) =>
    apiFetch<{ tasks: ImageTask[] }>(`${img(id)}/tasks`, { signal }).then((r) => r.tasks),
  /** The image's history, newest first (its owner project and admins only). */
  history: (id: string, signal?: AbortSignal) =>
    apiFetch<{ audit_events: AuditEvent[] }>(`${img(id)}/audit-events?limit=20`, { signal }).then(
      (r) => r.audit_events,
    ),
  stores: () => apiFetch<{ stores: StoreInfo[] }>(`${V2}/info/stores`).then((r) => r.stores),
  importMethods: () =>
    apiFetch<{ "import-methods": { value: string[] } }>(`${V2}/info/import`).then(
      (r) => r["import-methods"].value,
    ),
  /** POST …/import: web-download (uri) or copy-image (stores); the work runs as a task (202). */
  importImage: (id: string, body: { method: { name: string; uri?: string }; stores?: string[] }) =>
    apiFetch<void>(`${img(id)}/import`, { method: "POST", body }),
  /** The project's image quotas and usage (sizes in MiB; limit -1 = unlimited). */
  usage: () =>
    apiFetch<{ usage: Record<string, { limit: number; usage: number }> }>(`${V2}/info/usage`).then(
      (r) => r.usage,
    ),
  /** What the start of `file` is, and whether an upload as disk_format would be accepted. */
  inspect: (file: Blob, diskFormat: string, containerFormat: string, signal?: AbortSignal) =>
    apiFetch<Inspection>(
      `${V2}/inspect?${new URLSearchParams({ disk_format: diskFormat, container_format: containerFormat })}`,
      { method: "POST", body: file.slice(0, INSPECT_BYTES), contentType: "application/octet-stream", signal },
    ),
  fileUrl: (id: string) => `${img(id)}/file`,
  uploadsEndpoint: (id: string) => `${img(id)}/uploads`,
};
