"use client";

import { useQueryClient } from "@tanstack/react-query";
import { useCallback, useEffect, useRef, useState } from "react";
import type { DetailedError, Upload } from "tus-js-client";
import { imagesApi } from "@/lib/api/images";
import { imageKeys } from "./images";

// Resumable uploads of image data with tus-js-client to POST /image/v2/images/{id}/uploads.
// tus-js-client's default fingerprint (file name, type, size, mtime and the endpoint) is stored in
// localStorage, so picking the same file for the same image again (after a reload, a crash or a
// lost connection) resumes where the server stopped. The server, not the browser, makes the image
// active when the last byte arrives.

export const UPLOAD_CHUNK_SIZE = 32 * 1024 * 1024;
const RETRY_DELAYS = [0, 1000, 3000, 5000, 10000, 20000];
const SPEED_WINDOW_MS = 5000;

export type UploadPhase = "idle" | "starting" | "uploading" | "paused" | "done" | "error" | "cancelled";

export interface UploadProgress {
  sent: number;
  total: number;
  /** Bytes per second over the last few seconds; null until there is something to measure. */
  speed: number | null;
  secondsLeft: number | null;
  /** The offset this upload resumed from (0 for a fresh one). */
  resumedFrom: number;
}

export interface EarlierUpload {
  imageId: string;
  uploadUrl: string;
  creationTime: string;
}

// tus-js-client reads `window` when loaded: load it in the browser only.
const loadTus = () => import("tus-js-client");

/** The absolute tus endpoint of an image (tus-js-client resolves upload URLs against it). */
export const uploadEndpoint = (imageId: string) =>
  `${window.location.origin}${imagesApi.uploadsEndpoint(imageId)}`;

/**
 * Earlier unfinished uploads of this file (same name and size) that this browser remembers,
 * newest first: after a reload the user picks the file again and the dashboard offers to resume.
 */
export async function findEarlierUploads(file: File): Promise<EarlierUpload[]> {
  const tus = await loadTus();
  const all = await tus.defaultOptions.urlStorage.findAllUploads();
  return all
    .filter((u) => u.metadata?.filename === file.name && u.size === file.size && u.metadata?.imageId)
    .map((u) => ({
      imageId: u.metadata.imageId!,
      uploadUrl: u.uploadUrl ?? "",
      creationTime: u.creationTime,
    }))
    .sort((a, b) => b.creationTime.localeCompare(a.creationTime));
}

/** The offset the server has for an upload URL, or null if it no longer knows the upload. */
async function uploadOffset(url: string | null): Promise<number | null> {
  if (!url) return null;
  try {
    const res = await fetch(url, { method: "HEAD", headers: { "Tus-Resumable": "1.0.0" } });
    const offset = Number(res.headers.get("upload-offset"));
    return res.ok && Number.isFinite(offset) ? offset : null;
  } catch {
    return null;
  }
}

/** The message in a tus error: the API's own when it answered, else what went wrong. */
function tusErrorMessage(err: Error): string {
  const res = (err as DetailedError).originalResponse;
  if (res) {
    const status = res.getStatus();
    let message = res.getBody() || `The server answered ${status}.`;
    try {
      const body = JSON.parse(res.getBody()) as { error?: { message?: string } };
      if (body.error?.message) message = body.error.message;
    } catch {
      // not JSON
    }
    // 415: the inspection refused the content; the image is queued again with nothing stored.
    if (status === 415)
      return `Iris refused the file: ${message} Nothing was stored; the image waits for other data (or fix its disk format and upload again).`;
    return message;
  }
  return "The upload lost its connection to the server. Resume it to continue where it stopped.";
}

/** Upload a file to an image with tus: progress, speed, time left, pause, resume and cancel. */
export function useImageUpload() {
  const qc = useQueryClient();
  const uploadRef = useRef<Upload | null>(null);
  const samples = useRef<{ t: number; bytes: number }[]>([]);
  const [phase, setPhase] = useState<UploadPhase>("idle");
  const [imageId, setImageId] = useState<string | null>(null);
  const [fileName, setFileName] = useState<string | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [progress, setProgress] = useState<UploadProgress>({
    sent: 0,
    total: 0,
    speed: null,
    secondsLeft: null,
    resumedFrom: 0,
  });

  // Leaving the page pauses (the upload stays resumable); it does not cancel.
  useEffect(() => () => void uploadRef.current?.abort(false), []);

  const start = useCallback(
    async (id: string, file: File) => {
      const tus = await loadTus();
      setImageId(id);
      setFileName(file.name);
      setError(null);
      setPhase("starting");
      samples.current = [];
      setProgress({ sent: 0, total: file.size, speed: null, secondsLeft: null, resumedFrom: 0 });
      const refresh = () => {
        void qc.invalidateQueries({ queryKey: imageKeys.detail(id) });
        void qc.invalidateQueries({ queryKey: imageKeys.lists() });
      };
      const upload: Upload = new tus.Upload(file, {
        endpoint: uploadEndpoint(id),
        chunkSize: UPLOAD_CHUNK_SIZE,
        retryDelays: RETRY_DELAYS,
        storeFingerprintForResuming: true,
        removeFingerprintOnSuccess: true,
        metadata: { filename: file.name, filetype: file.type || "application/octet-stream", imageId: id },
        onUploadUrlAvailable: refresh, // the image is now `uploading`
        onProgress: (sent, total) => {
          const now = performance.now();
          const s = samples.current;
          s.push({ t: now, bytes: sent });
          while (s.length > 2 && now - s[0]!.t > SPEED_WINDOW_MS) s.shift();
          const first = s[0]!;
          const elapsed = (now - first.t) / 1000;
          const speed = elapsed > 0.2 ? (sent - first.bytes) / elapsed : null;
          setPhase("uploading");
          setProgress((p) => ({
            ...p,
            sent,
            total,
            speed,
            secondsLeft: speed && speed > 0 ? (total - sent) / speed : null,
          }));
        },
        onSuccess: () => {
          setPhase("done");
          setProgress((p) => ({ ...p, sent: p.total, secondsLeft: 0 }));
          refresh();
        },
        onError: (err) => {
          setError(tusErrorMessage(err));
          setPhase("error");
          refresh();
        },
      });
      uploadRef.current = upload;
      const previous = await upload.findPreviousUploads();
      if (previous[0]) {
        upload.resumeFromPreviousUpload(previous[0]);
        // Tell where it resumes from (tus-js-client asks the same with its own HEAD).
        const offset = await uploadOffset(previous[0].uploadUrl);
        if (offset !== null) setProgress((p) => ({ ...p, sent: offset, resumedFrom: offset }));
      }
      upload.start();
    },
    [qc],
  );

  const pause = useCallback(async () => {
    await uploadRef.current?.abort(false);
    samples.current = [];
    setPhase("paused");
    setProgress((p) => ({ ...p, speed: null, secondsLeft: null }));
  }, []);

  const resume = useCallback(() => {
    if (!uploadRef.current) return;
    setError(null);
    setPhase("starting");
    uploadRef.current.start();
  }, []);

  /** Cancels: tus termination removes the data on the server; the image goes back to queued. */
  const cancel = useCallback(async () => {
    const upload = uploadRef.current;
    if (!upload) return;
    try {
      await upload.abort(true);
    } catch {
      // Nothing was created yet, or the server already forgot it.
    }
    setPhase("cancelled");
    if (imageId) void qc.invalidateQueries({ queryKey: imageKeys.all });
  }, [imageId, qc]);

  const reset = useCallback(() => {
    uploadRef.current = null;
    setPhase("idle");
    setImageId(null);
    setFileName(null);
    setError(null);
  }, []);

  return { phase, imageId, fileName, error, progress, start, pause, resume, cancel, reset };
}

export type ImageUpload = ReturnType<typeof useImageUpload>;
