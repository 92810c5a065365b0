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

export const RESOURCE_LABELS: Record<QuotaResource, { name: string; unit: string; one?: string }> = {
  image_count_total: { name: "Images", unit: "images", one: "image" },
  image_count_uploading: { name: "Uploads in progress", unit: "uploads", one: "upload" },
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

/** Use against a limit in words: "3 of 10 images", "1.5 GiB of 10 GiB", "1 image, no limit". */
export function formatUsage(r: QuotaResource, used: number, limit: number): string {
  const unit = (n: number) => {
    if (isSizeResource(r)) return "";
    const l = RESOURCE_LABELS[r];
    return ` ${n === 1 && l.one ? l.one : l.unit}`;
  };
  if (limit < 0) return `${formatQuotaValue(r, used)}${unit(used)}, no limit`;
  return `${formatQuotaValue(r, used)} of ${formatQuotaValue(r, limit)}${unit(limit)}`;
}

const SIZE_UNITS: Record<string, number> = { k: 1 / 1024, m: 1, g: 1024, t: 1024 ** 2, p: 1024 ** 3 };

/**
 * A limit as typed: a whole number (MiB for sizes), or -1 for unlimited. Sizes also take a unit
 * ("2 GiB", "500M", "1.5 TiB"; binary, so "GB" is read as GiB) that must come to whole MiB.
 */
export function parseLimitInput(raw: string, opts: { size?: boolean } = {}): LimitParse {
  const v = raw.trim();
  if (v === "")
    return { ok: false, message: "Enter a limit: a whole number, 0 or more, or -1 for unlimited." };
  const unit = opts.size ? /^(\d+(?:\.\d+)?)\s*([kmgtp])(?:i?b)?$/i.exec(v) : null;
  if (unit) {
    const mib = Number(unit[1]) * SIZE_UNITS[unit[2]!.toLowerCase()]!;
    if (!Number.isInteger(mib))
      return { ok: false, message: `“${v}” is not a whole number of MiB (${Number(mib.toFixed(3))} MiB).` };
    if (!Number.isSafeInteger(mib)) return { ok: false, message: "That number is too large." };
    return { ok: true, value: mib };
  }
  if (!/^[+-]?\d+$/.test(v))
    return {
      ok: false,
      message: opts.size
        ? `“${v}” is not a size. Enter MiB as a whole number (or with a unit: 500 MiB, 2 GiB), or -1 for unlimited.`
        : `“${v}” is not a whole number. Enter 0 or more, or -1 for unlimited.`,
    };
  const n = Number(v);
  if (n < -1) return { ok: false, message: "A limit cannot be below -1 (-1 means unlimited)." };
  if (!Number.isSafeInteger(n)) return { ok: false, message: "That number is too large." };
  return { ok: true, value: n };
}
