// Glance's quota resources (Keystone unified-limit names), shared by the server and the dashboard.
// Sizes are MiB on the wire, as Glance's limits are; -1 means unlimited.

export const QUOTA_RESOURCES = [
  "image_count_total",
  "image_count_uploading",
  "image_size_total",
  "image_stage_total",
] as const;
export type QuotaResource = (typeof QUOTA_RESOURCES)[number];

export const isSizeResource = (r: QuotaResource) => r === "image_size_total" || r === "image_stage_total";
