"use client";

import type { ImageUpload } from "@/lib/queries/image-upload";
import { Button } from "@/components/ui/button";
import { formatBytes, formatDuration } from "./format";

const PHASE_TEXT = {
  idle: "",
  starting: "Connecting…",
  uploading: "Uploading",
  paused: "Paused",
  done: "Upload complete",
  error: "Upload stopped",
  cancelled: "Upload cancelled",
} as const;

/** A tus upload's progress (bytes, speed, time left) with pause, resume and cancel. */
export function UploadProgressPanel({ upload }: { upload: ImageUpload }) {
  const { phase, progress, error, fileName } = upload;
  if (phase === "idle") return null;
  const pct = progress.total ? Math.floor((progress.sent / progress.total) * 100) : 0;
  const running = phase === "uploading" || phase === "starting";
  return (
    <section
      aria-label="Upload progress"
      className="space-y-2 rounded-md border border-slate-200 p-3 text-sm dark:border-slate-700"
    >
      <div className="flex flex-wrap items-baseline justify-between gap-2">
        <span className="font-medium break-all">{fileName}</span>
        <span data-testid="upload-phase">{PHASE_TEXT[phase]}</span>
      </div>
      <div
        role="progressbar"
        aria-label="Upload"
        aria-valuemin={0}
        aria-valuemax={100}
        aria-valuenow={pct}
        aria-valuetext={`${pct}% (${formatBytes(progress.sent)} of ${formatBytes(progress.total)})`}
        className="h-2.5 w-full overflow-hidden rounded-full bg-slate-200 dark:bg-slate-700"
      >
        <div
          className={`h-full rounded-full transition-[width] ${phase === "error" ? "bg-red-600" : "bg-indigo-600 dark:bg-indigo-400"}`}
          style={{ width: `${pct}%` }}
        />
      </div>
      <p className="flex flex-wrap gap-x-4 text-slate-600 dark:text-slate-400">
        <span data-testid="upload-bytes">
          {formatBytes(progress.sent)} of {formatBytes(progress.total)} ({pct}%)
        </span>
        {running && progress.speed !== null && <span>{formatBytes(progress.speed)}/s</span>}
        {running && progress.secondsLeft !== null && <span>{formatDuration(progress.secondsLeft)} left</span>}
        {progress.resumedFrom > 0 && (
          <span data-testid="upload-resumed">Resumed at {formatBytes(progress.resumedFrom)}</span>
        )}
      </p>
      {error && (
        <p role="alert" className="text-red-700 dark:text-red-300">
          {error}
        </p>
      )}
      <div className="flex gap-2">
        {running && (
          <Button variant="secondary" onClick={() => void upload.pause()}>
            Pause
          </Button>
        )}
        {(phase === "paused" || phase === "error") && <Button onClick={upload.resume}>Resume</Button>}
        {(running || phase === "paused" || phase === "error") && (
          <Button variant="danger" onClick={() => void upload.cancel()}>
            Cancel upload
          </Button>
        )}
      </div>
    </section>
  );
}
