import { isSizeResource, type QuotaResource } from "@/lib/api/admin";

// Numbers as people read them on the administration pages, and checking what an administrator types
// as a quota limit before it goes to /identity/v3/limits (an integer, -1 = unlimited).

const UNITS = ["bytes", "KiB", "MiB", "GiB", "TiB", "PiB"];

/** 1536 → "1.5 KiB"; exact below 1 KiB. */
export function formatBytes(bytes: number): string {
  if (!Number.isFinite(bytes) || bytes < 1024) return `${bytes} ${bytes === 1 ? "byte" : "bytes"}`;
  let v = bytes;
  let i = 0;
  while (v >= 1024 && i < UNITS.length - 1) {
    v /= 1024;
    i++;
  }
  return `${v >= 100 ? Math.round(v) : Number(v.toFixed(1))} ${UNITS[i]}`;
}

export const formatMiB = (mib: number) => formatBytes(mib * 1024 * 1024);

export const RESOURCE_LABELS: Record<QuotaResource, { name: string; unit: string }> = {
  image_count_total: { name: "Images", unit: "images" },
  image_count_uploading: { name: "Uploads in progress", unit: "uploads" },
  image_size_total: { name: "Image storage", unit: "MiB" },
  image_stage_total: { name: "Staging area", unit: "MiB" },
};

/** A limit or usage value in its resource's unit: "12 images", "2 GiB"; -1 is "unlimited". */
export function formatQuotaValue(r: QuotaResource, v: number): string {
  if (v < 0) return "unlimited";
  if (isSizeResource(r)) return formatMiB(v);
  return v.toLocaleString("en");
}

export type LimitParse = { ok: true; value: number } | { ok: false; message: string };

export function parseLimitInput(raw: string): LimitParse {
  const v = raw.trim();
  if (v === "")
    return { ok: false, message: "Enter a limit: a whole number, 0 or more, or -1 for unlimited." };
  if (!/^[+-]?\d+$/.test(v))
    return {
      ok: false,
      message: `“${v}” is not a whole number. Enter 0 or more, or -1 for unlimited.`,
    };
  const n = Number(v);
  if (n < -1) return { ok: false, message: "A limit cannot be below -1 (-1 means unlimited)." };
  if (!Number.isSafeInteger(n)) return { ok: false, message: "That number is too large." };
  return { ok: true, value: n };
}
