import {
  BASE_FIELDS,
  customProperties,
  isReservedProperty,
  pointer,
  type Image,
  type PatchOperation,
} from "./images";

// The JSON-patch (application/openstack-images-v2.1-json-patch) that turns an image into what the
// edit form holds: only what changed, so that concurrent edits of other fields are kept.

export interface ImageEdit {
  name: string;
  visibility: string;
  protected: boolean;
  os_hidden: boolean;
  min_disk: number;
  min_ram: number;
  disk_format: string;
  container_format: string;
  properties: { key: string; value: string }[];
  tags: string[];
}

export function editOf(image: Image): ImageEdit {
  return {
    name: image.name ?? "",
    visibility: image.visibility,
    protected: image.protected,
    os_hidden: image.os_hidden,
    min_disk: image.min_disk,
    min_ram: image.min_ram,
    disk_format: image.disk_format ?? "",
    container_format: image.container_format ?? "",
    properties: Object.entries(customProperties(image, { editable: true })).map(([key, value]) => ({
      key,
      value,
    })),
    tags: [...image.tags],
  };
}

/** What is wrong with the edit (a message for the form), or null. */
export function editProblem(edit: ImageEdit): string | null {
  const seen = new Set<string>();
  for (const { key } of edit.properties) {
    const k = key.trim();
    if (!k) return "Every custom property needs a name.";
    if (BASE_FIELDS.has(k)) return `"${k}" is an image field, not a custom property.`;
    if (isReservedProperty(k)) return "Properties named os_glance_… are kept by the image service itself.";
    if (seen.has(k)) return `The property "${k}" is listed twice.`;
    seen.add(k);
  }
  if (!Number.isInteger(edit.min_disk) || edit.min_disk < 0)
    return "Minimum disk must be a whole number ≥ 0.";
  if (!Number.isInteger(edit.min_ram) || edit.min_ram < 0) return "Minimum RAM must be a whole number ≥ 0.";
  return null;
}

export function buildPatch(image: Image, edit: ImageEdit): PatchOperation[] {
  const ops: PatchOperation[] = [];
  const before = editOf(image);
  const scalar = ["name", "visibility", "protected", "os_hidden", "min_disk", "min_ram"] as const;
  for (const k of scalar)
    if (edit[k] !== before[k]) ops.push({ op: "replace", path: `/${k}`, value: edit[k] });
  // Formats can change only while the image has no data (Glance: queued).
  if (image.status === "queued")
    for (const k of ["disk_format", "container_format"] as const)
      if (edit[k] !== before[k]) ops.push({ op: "replace", path: `/${k}`, value: edit[k] || null });

  const old = customProperties(image, { editable: true });
  const next = new Map(edit.properties.map((p) => [p.key.trim(), p.value]));
  for (const k of Object.keys(old)) if (!next.has(k)) ops.push({ op: "remove", path: pointer(k) });
  for (const [k, v] of next) {
    if (!Object.hasOwn(old, k)) ops.push({ op: "add", path: pointer(k), value: v });
    else if (old[k] !== v) ops.push({ op: "replace", path: pointer(k), value: v });
  }

  const tags = [...new Set(edit.tags.map((t) => t.trim()).filter(Boolean))];
  const same = tags.length === image.tags.length && tags.every((t) => image.tags.includes(t));
  if (!same) ops.push({ op: "replace", path: "/tags", value: tags });
  return ops;
}
