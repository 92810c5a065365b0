"use client";

import { useEffect, useState } from "react";
import { imagesApi, type Inspection } from "@/lib/api/images";
import { DISK_FORMATS } from "@/lib/schemas/image";
import { Button } from "@/components/ui/button";
import { formatBytes } from "./format";

// Before an upload starts, the dialog sends the file's first 4 MiB to POST /v2/inspect: what the
// file is and whether Iris would take it as the chosen disk_format. A mismatch or an unsafe file
// is explained while the user can still fix it, not after a long upload. The upload is inspected
// again in full on the server; this check is advice.

export type FormatCheck =
  | { status: "idle" }
  | { status: "checking" }
  | {
      status: "done";
      result: Inspection;
      /** A disk_format that the same file would pass as. */ fix: string | null;
    }
  | { status: "error"; message: string };

export function useFormatCheck(file: File | null, diskFormat: string, containerFormat: string): FormatCheck {
  // The answer for one (file, disk_format, container_format); anything newer is still "checking".
  const [answer, setAnswer] = useState<{
    file: File;
    diskFormat: string;
    containerFormat: string;
    check: FormatCheck;
  } | null>(null);
  useEffect(() => {
    if (!file) return;
    const ac = new AbortController();
    const done = (check: FormatCheck) => {
      if (!ac.signal.aborted) setAnswer({ file, diskFormat, containerFormat, check });
    };
    void (async () => {
      try {
        const result = await imagesApi.inspect(file, diskFormat, containerFormat, ac.signal);
        let fix: string | null = null;
        // Would the detected format pass? Ask rather than guess (an unsafe file fails either way).
        if (
          !result.verdict.ok &&
          result.format !== diskFormat &&
          (DISK_FORMATS as readonly string[]).includes(result.format)
        ) {
          const again = await imagesApi.inspect(file, result.format, containerFormat, ac.signal);
          if (again.verdict.ok) fix = result.format;
        }
        done({ status: "done", result, fix });
      } catch (e) {
        done({ status: "error", message: e instanceof Error ? e.message : String(e) });
      }
    })();
    return () => ac.abort();
  }, [file, diskFormat, containerFormat]);
  if (!file) return { status: "idle" };
  if (
    answer &&
    answer.file === file &&
    answer.diskFormat === diskFormat &&
    answer.containerFormat === containerFormat
  )
    return answer.check;
  return { status: "checking" };
}

/** The check fails: the upload would be refused. */
export const checkRefuses = (c: FormatCheck) => c.status === "done" && !c.result.verdict.ok;

const TITLES = {
  format_mismatch: "This file is not in the chosen disk format",
  unsafe: "This file is not safe to use as a disk image",
  ambiguous: "This file looks like several disk formats at once",
} as const;

function detectedText(r: Inspection): string {
  if (r.format === "raw") return "no disk image format (raw data)";
  return r.virtual_size !== null ? `${r.format}, virtual size ${formatBytes(r.virtual_size)}` : r.format;
}

/** What the check found, and what to do about a refusal. */
export function FormatCheckPanel({
  check,
  diskFormat,
  onUseFormat,
}: {
  check: FormatCheck;
  diskFormat: string;
  onUseFormat: (format: string) => void;
}) {
  if (check.status === "idle") return null;
  if (check.status === "checking")
    return (
      <p role="status" className="text-sm text-slate-600 dark:text-slate-400">
        Checking what the file is…
      </p>
    );
  if (check.status === "error")
    return (
      <p role="status" className="text-sm text-slate-600 dark:text-slate-400">
        The file could not be checked before the upload ({check.message}). Iris checks it as it arrives.
      </p>
    );
  const r = check.result;
  const other =
    r.format !== "raw" && r.format !== diskFormat && (DISK_FORMATS as readonly string[]).includes(r.format);
  if (r.verdict.ok && other)
    // Accepted (raw takes anything), but a qcow2 booted as a raw disk does not start.
    return (
      <div
        role="status"
        data-testid="format-warning"
        className="space-y-2 rounded-md bg-amber-50 px-3 py-2 text-sm text-amber-950 dark:bg-amber-950 dark:text-amber-100"
      >
        <p data-testid="detected-format">
          Detected: <strong>{detectedText(r)}</strong>, but the disk format chosen is{" "}
          <strong>{diskFormat}</strong>.
        </p>
        <p>
          Iris would take it, but a server started from it would read the {r.format} file as a plain disk and
          most likely not boot.
        </p>
        <Button variant="secondary" onClick={() => onUseFormat(r.format)}>
          Use {r.format} as the disk format
        </Button>
      </div>
    );
  if (r.verdict.ok)
    return (
      <p
        role="status"
        data-testid="detected-format"
        className="rounded-md bg-emerald-50 px-3 py-2 text-sm text-emerald-950 dark:bg-emerald-950 dark:text-emerald-100"
      >
        Detected: <strong>{detectedText(r)}</strong>. It can be uploaded as {diskFormat}.
      </p>
    );
  return (
    <div
      role="alert"
      data-testid="format-problem"
      className="space-y-2 rounded-md bg-amber-50 px-3 py-2 text-sm text-amber-950 dark:bg-amber-950 dark:text-amber-100"
    >
      <p className="font-medium">{TITLES[r.verdict.reason ?? "format_mismatch"]}</p>
      <p data-testid="detected-format">
        Detected: <strong>{detectedText(r)}</strong>; disk format chosen: <strong>{diskFormat}</strong>.
      </p>
      <p>{r.verdict.message}</p>
      <p>Iris would refuse this upload.</p>
      {check.fix ? (
        <Button variant="secondary" onClick={() => onUseFormat(check.fix!)}>
          Use {check.fix} as the disk format
        </Button>
      ) : (
        r.verdict.reason === "unsafe" && <p>Changing the disk format does not help: choose another file.</p>
      )}
    </div>
  );
}
