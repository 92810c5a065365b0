import "server-only";
import type { DetectedFormat, InspectionReport, SafetyFailure } from "./types";

export type Verdict =
  | { ok: true; detected: DetectedFormat; virtualSize: number | null; summary: string }
  | {
      ok: false;
      reason: "format_mismatch" | "unsafe" | "ambiguous";
      detected: DetectedFormat | null;
      message: string;
    };

/** Every format oslo's inspector knows (ALL_FORMATS, LUKS included): declared as one of these, the content must match. */
const INSPECTABLE = new Set(["raw", "qcow2", "qed", "vhd", "vhdx", "vmdk", "vdi", "iso", "gpt", "luks"]);

const an = (word: string): string => (/^[aeiou]/i.test(word) ? `an ${word}` : `a ${word}`);
const bytes = (n: number): string => `${n} bytes`;

function describe(report: InspectionReport): string {
  if (report.format === "raw") {
    return `raw data (no known disk image format was recognised; ${bytes(report.actualSize)})`;
  }
  const size = report.virtualSize > 0 ? `virtual size ${bytes(report.virtualSize)}` : "virtual size unknown";
  return `${an(report.format)} image (${size})`;
}

/** Why formats whose signature was present were not taken (e.g. a VMDK header with a misplaced descriptor). */
function rejections(report: InspectionReport): string {
  return Object.entries(report.details)
    .filter(([key]) => key.endsWith("Rejected"))
    .map(([key, why]) => ` It starts like ${an(key.slice(0, -"Rejected".length))} image, but ${String(why)}.`)
    .join("");
}

function refusal(failures: SafetyFailure[]): string {
  return `Refused: ${failures.map((f) => f.message).join(" Also, ")}`;
}

/**
 * The refusal for the detected format's failed safety checks, if any: "incomplete" is tolerated
 * when format matching is not required, and gpt failures all named in gptNonfatalChecks are.
 */
function unsafeVerdict(
  report: InspectionReport,
  detected: DetectedFormat,
  requireMatch: boolean,
  nonfatal: Set<string>,
): Verdict | null {
  let failures = report.safetyFailures;
  if (!requireMatch) failures = failures.filter((f) => f.check !== "incomplete");
  if (detected === "gpt" && failures.every((f) => nonfatal.has(f.check))) failures = [];
  return failures.length > 0 ? { ok: false, reason: "unsafe", detected, message: refusal(failures) } : null;
}

/**
 * Glance's judgement of an upload (glance/location.py, ImageProxy.set_data) as a pure function:
 * - only container_format "bare" is inspected (anything else: accepted, no virtual size);
 * - several formats at once are refused ("ambiguous"), except exactly iso+gpt, which counts as iso;
 * - content format == disk_format: accepted with the inspector's virtual size;
 * - raw content (nothing recognised) and a disk_format the inspector does not know (ami, ari, aki, ploop, ...):
 *   accepted without a virtual size;
 * - disk_format raw: accepted whatever the content, with the byte count as virtual size (the content format's
 *   safety checks still apply: a qcow2 with a backing file declared raw is refused);
 * - anything else: "format_mismatch";
 * - then the detected format's safety checks: a failure is "unsafe", except gpt failures named in
 *   gptNonfatalChecks (all of them must be listed there, as in Glance).
 * With requireFormatMatch false, like Glance's require_image_format_match=False, a mismatch, an ambiguous
 * match or an image too short to check is accepted without a virtual size; unlike Glance (which stops before
 * them), the safety checks of what was found still refuse. A virtual size of 0 is reported as null (Glance
 * leaves it unset).
 */
export function judge(
  report: InspectionReport,
  image: { diskFormat: string | null; containerFormat: string | null },
  options: { requireFormatMatch?: boolean; gptNonfatalChecks?: string[] } = {},
): Verdict {
  const requireMatch = options.requireFormatMatch ?? true;
  const nonfatal = new Set(options.gptNonfatalChecks ?? []);
  const declared = image.diskFormat;
  const declaredText = declared ?? "not set";

  if (image.containerFormat !== "bare") {
    return {
      ok: true,
      detected: report.format,
      virtualSize: null,
      summary: `Not inspected: only container_format bare is inspected (this image's is ${image.containerFormat ?? "not set"}).`,
    };
  }

  const m = report.matches;
  const isoGpt = m.length === 2 && m.includes("iso") && m.includes("gpt");
  if (m.length > 1 && !isoGpt) {
    const list = m.join(", ");
    if (!requireMatch) {
      // Iris: unlike Glance, the safety checks of what was found still apply.
      const unsafe = unsafeVerdict(report, report.format, requireMatch, nonfatal);
      if (unsafe) return unsafe;
      return {
        ok: true,
        detected: report.format,
        virtualSize: null,
        summary: `The data matches several formats (${list}); accepted without a virtual size because format matching is not required.`,
      };
    }
    return {
      ok: false,
      reason: "ambiguous",
      detected: null,
      message:
        `The uploaded data matches several disk image formats at once (${list}). Data that carries the ` +
        "headers of more than one format can be read differently by different tools (for example a qcow2 " +
        "header hidden in an ISO's system area), so it is refused.",
    };
  }

  const detected = report.format;
  let virtualSize: number | null;
  let summary: string;
  if (detected === declared) {
    virtualSize = report.virtualSize > 0 ? report.virtualSize : null;
    const size = virtualSize !== null ? `virtual size ${bytes(virtualSize)}` : "virtual size unknown";
    summary = isoGpt
      ? `Detected iso (with a GPT/MBR boot record), ${size}.`
      : `Detected ${detected}, ${size}.`;
  } else if (detected === "raw" && !(declared !== null && INSPECTABLE.has(declared))) {
    virtualSize = null;
    summary = `No disk image format detected; disk_format ${declaredText} is not inspected, so no virtual size is set.`;
  } else if (declared === "raw") {
    virtualSize = report.actualSize > 0 ? report.actualSize : null;
    summary = `Detected ${detected}, accepted as raw: virtual size ${bytes(report.actualSize)} (the size of the data).`;
  } else {
    if (!requireMatch) {
      // Iris: unlike Glance, the safety checks of what was found still apply.
      const unsafe = unsafeVerdict(report, detected, requireMatch, nonfatal);
      if (unsafe) return unsafe;
      return {
        ok: true,
        detected,
        virtualSize: null,
        summary: `Detected ${detected} but disk_format is ${declaredText}; accepted without a virtual size because format matching is not required.`,
      };
    }
    return {
      ok: false,
      reason: "format_mismatch",
      detected,
      message: `The uploaded data is ${describe(report)}, but the image's disk_format is ${declaredText}.${detected === "raw" ? rejections(report) : ""}`,
    };
  }

  const unsafe = unsafeVerdict(report, detected, requireMatch, nonfatal);
  if (unsafe) return unsafe;
  return { ok: true, detected, virtualSize, summary };
}
