import "server-only";
import { formatInspection } from "../env";
import { badRequest, tooLarge } from "../errors";
import { judge, StreamInspector } from "../inspect/inspector";
import { assertOctetStream } from "./data-rules";

// POST /v2/inspect (Iris extension): the dashboard sends the first MiBs of a file before it
// uploads it, and learns what the file is — its format, its virtual size, whether the chosen
// disk_format matches and whether a safety check already fails — so a mismatch is explained
// before anyone waits for a large upload to be refused. The upload itself is inspected again,
// whole; this answer is advice, never a permission.

export const PREVIEW_MAX_BYTES = 4 * 1024 * 1024;

/** Checks that need the end of the file (a VMDK footer) or all of it cannot fail on a prefix. */
const NEEDS_WHOLE_FILE = new Set(["incomplete", "footer"]);

export interface PreviewInput {
  contentType: string | null;
  body: ReadableStream<Uint8Array> | null;
  diskFormat: string | null;
  containerFormat: string | null;
}

export interface Preview {
  format: string;
  matches: string[];
  virtual_size: number | null;
  inspected_bytes: number;
  /** The judgement for the given disk_format and container_format, on what was seen. */
  verdict: { ok: boolean; reason: string | null; message: string };
}

export async function previewInspection(input: PreviewInput): Promise<Preview> {
  assertOctetStream(input.contentType);
  if (!input.body) throw badRequest("Send the first bytes of the file (at most 4 MiB) as the body.");
  const cfg = formatInspection();
  const inspector = new StreamInspector({ vmdkAllowedTypes: cfg.vmdkAllowedTypes });
  let n = 0;
  const reader = input.body.getReader();
  try {
    for (;;) {
      const { done, value } = await reader.read();
      if (done) break;
      n += value.byteLength;
      if (n > PREVIEW_MAX_BYTES)
        throw tooLarge(`Send at most ${PREVIEW_MAX_BYTES} bytes: the start of the file is enough.`);
      inspector.push(value);
    }
  } finally {
    await reader.cancel().catch(() => undefined);
  }
  const whole = inspector.finish();
  const report = {
    ...whole,
    safetyFailures: whole.safetyFailures.filter((f) => !NEEDS_WHOLE_FILE.has(f.check)),
  };
  const verdict = judge(
    report,
    { diskFormat: input.diskFormat, containerFormat: input.containerFormat ?? "bare" },
    { requireFormatMatch: cfg.requireFormatMatch, gptNonfatalChecks: cfg.gptNonfatalChecks },
  );
  // The virtual size of a raw prefix is the prefix's length: meaningless, so none.
  const virtualSize = report.format === "raw" || report.virtualSize <= 0 ? null : report.virtualSize;
  return {
    format: report.format,
    matches: report.matches,
    virtual_size: virtualSize,
    inspected_bytes: n,
    verdict: verdict.ok
      ? { ok: true, reason: null, message: verdict.summary }
      : { ok: false, reason: verdict.reason, message: verdict.message },
  };
}
