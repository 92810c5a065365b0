// The one status table: which image status may follow which (Glance's valid_state_targets).
// In v2 a failed upload goes back to `queued` (not `killed`) so that it can be retried.

export type ImageStatus =
  | "queued"
  | "saving"
  | "active"
  | "killed"
  | "deleted"
  | "uploading"
  | "importing"
  | "pending_delete"
  | "deactivated";

export const TRANSITIONS: Record<ImageStatus, readonly ImageStatus[]> = {
  queued: ["saving", "uploading", "importing", "active", "deleted"],
  saving: ["active", "killed", "deleted", "queued"],
  uploading: ["importing", "queued", "deleted"],
  importing: ["active", "deleted", "queued"],
  active: ["pending_delete", "deleted", "deactivated"],
  killed: ["deleted"],
  pending_delete: ["deleted", "active"],
  deleted: [],
  deactivated: ["active", "deleted"],
};

export function canTransition(from: string, to: ImageStatus): boolean {
  return (TRANSITIONS[from as ImageStatus] ?? []).includes(to);
}

/** Statuses whose disk_format and container_format may still change. */
export const FORMAT_EDITABLE: readonly string[] = ["queued", "importing"];

/** Moving to a status that holds data needs both formats (Glance: "Properties ... must be set prior to saving data."). */
export function missingFormats(image: {
  diskFormat: string | null;
  containerFormat: string | null;
}): string[] {
  const missing: string[] = [];
  if (!image.diskFormat) missing.push("disk_format");
  if (!image.containerFormat) missing.push("container_format");
  return missing;
}
