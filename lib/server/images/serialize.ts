import type { ImageRecord } from "./types";

// The Glance v2 wire shape of an image (glance/api/v2/images.py ResponseSerializer._format_image).

/** Bookkeeping properties Glance never shows. */
const HIDDEN_PROPERTIES = new Set(["os_glance_stage_host", "os_glance_hash_op_host"]);

/** Glance writes times as ISO 8601 without fractions: 2016-06-29T16:13:07Z. */
export function isoTime(d: Date): string {
  return d.toISOString().replace(/\.\d{3}Z$/, "Z");
}

const num = (v: bigint | null): number | null => (v === null ? null : Number(v));

export function serializeImage(image: ImageRecord): Record<string, unknown> {
  // Custom properties by any name, "__proto__" among them (an own key, not the prototype).
  const view: Record<string, unknown> = Object.fromEntries(
    image.properties.filter((p) => !HIDDEN_PROPERTIES.has(p.name)).map((p) => [p.name, p.value]),
  );
  Object.assign(view, {
    name: image.name,
    disk_format: image.diskFormat,
    container_format: image.containerFormat,
    visibility: image.visibility,
    size: num(image.size),
    virtual_size: num(image.virtualSize),
    status: image.status,
    checksum: image.checksum,
    protected: image.protected,
    min_ram: image.minRam,
    min_disk: image.minDisk,
    owner: image.owner,
    os_hidden: image.osHidden,
    os_hash_algo: image.osHashAlgo,
    os_hash_value: image.osHashValue,
    id: image.id,
    created_at: isoTime(image.createdAt),
    updated_at: isoTime(image.updatedAt),
    tags: image.tags.map((t) => t.value),
    self: `/v2/images/${image.id}`,
    file: `/v2/images/${image.id}/file`,
    schema: "/v2/schemas/image",
  });
  const stores = (image.locations ?? []).filter((l) => l.status === "active").map((l) => l.store);
  if (stores.length) view.stores = stores.join(",");
  return view;
}
