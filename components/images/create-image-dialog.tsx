"use client";

import { useQueryClient } from "@tanstack/react-query";
import { useRef, useState, type DragEvent, type FormEvent } from "react";
import { ApiError } from "@/lib/api/client";
import { imagesApi, type Image, type ImageCreateBody } from "@/lib/api/images";
import { findEarlierUploads, type ImageUpload } from "@/lib/queries/image-upload";
import { imageKeys, useImportMethods } from "@/lib/queries/images";
import { CONTAINER_FORMATS, DISK_FORMATS } from "@/lib/schemas/image";
import { Button } from "@/components/ui/button";
import { Dialog } from "@/components/ui/dialog";
import { ErrorMessage, useToast } from "@/components/ui/feedback";
import { Field, SelectField } from "@/components/ui/field";
import { formatBytes } from "./format";
import { checkRefuses, FormatCheckPanel, useFormatCheck } from "./format-check";
import { UploadProgressPanel } from "./upload-progress";

export interface CreateImageDialogProps {
  open: boolean;
  onClose: () => void;
  /** The page's upload: it keeps running (and can be reopened) when the dialog closes. */
  upload: ImageUpload;
}

type Source = "file" | "url";

/** An earlier upload of the picked file that can be resumed, and the image it belongs to. */
interface Resumable {
  image: Image;
}

const formatOptions = (values: readonly string[]) => values.map((v) => ({ value: v, label: v }));

/** Guess the disk format from a file name (the user can change it). */
function guessDiskFormat(name: string): string | null {
  const ext = name.toLowerCase().split(".").pop() ?? "";
  const known: Record<string, string> = { img: "raw", qcow: "qcow2" };
  if ((DISK_FORMATS as readonly string[]).includes(ext)) return ext;
  return known[ext] ?? null;
}

/** Create an image, then upload its data with tus or import it from a URL (web-download). */
export function CreateImageDialog({ open, onClose, upload }: CreateImageDialogProps) {
  const qc = useQueryClient();
  const toast = useToast();
  const methods = useImportMethods();
  const [source, setSource] = useState<Source>("file");
  const [file, setFile] = useState<File | null>(null);
  const [resumable, setResumable] = useState<Resumable | null>(null);
  const [dragging, setDragging] = useState(false);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<unknown>(null);
  const [diskFormat, setDiskFormat] = useState("raw");
  const [containerFormat, setContainerFormat] = useState("bare");
  const [name, setName] = useState("");
  const fileInput = useRef<HTMLInputElement>(null);
  const fileTab = useRef<HTMLButtonElement>(null);
  const urlTab = useRef<HTMLButtonElement>(null);
  const uploading = upload.phase !== "idle" && upload.phase !== "cancelled";
  const webDownload = methods.data?.includes("web-download") ?? false;
  const formatCheck = useFormatCheck(source === "file" ? file : null, diskFormat, containerFormat);

  async function pick(f: File | null) {
    setFile(f);
    setResumable(null);
    if (!f) return;
    if (!name) setName(f.name.replace(/\.[^.]+$/, ""));
    const guessed = guessDiskFormat(f.name);
    if (guessed) setDiskFormat(guessed);
    // Was this file being uploaded before (a reload, a crash)? Offer to continue that upload.
    for (const earlier of await findEarlierUploads(f)) {
      try {
        const image = await imagesApi.get(earlier.imageId);
        if (image.status === "uploading" || image.status === "queued") {
          setResumable({ image });
          return;
        }
      } catch {
        // That image is gone: nothing to resume.
      }
    }
  }

  function reset() {
    setFile(null);
    setResumable(null);
    setName("");
    setError(null);
    setDiskFormat("raw");
    setContainerFormat("bare");
    upload.reset();
  }

  async function resumeEarlier() {
    if (!file || !resumable) return;
    setError(null);
    await upload.start(resumable.image.id, file);
    setResumable(null);
  }

  async function submit(e: FormEvent<HTMLFormElement>) {
    e.preventDefault();
    const f = new FormData(e.currentTarget);
    const body: ImageCreateBody = {
      name: String(f.get("name")).trim(),
      disk_format: String(f.get("disk_format")),
      container_format: String(f.get("container_format")),
      visibility: String(f.get("visibility")),
      min_disk: Number(f.get("min_disk") || 0),
      min_ram: Number(f.get("min_ram") || 0),
    };
    const uri = String(f.get("uri") ?? "").trim();
    if (source === "file" && !file) {
      setError(new Error("Choose a file to upload, or drop one on the box."));
      return;
    }
    if (source === "file" && checkRefuses(formatCheck)) {
      setError(
        new Error(
          "Iris would refuse this file as it is (see above): change the disk format or choose another file.",
        ),
      );
      return;
    }
    setBusy(true);
    setError(null);
    let image: Image | null = null;
    try {
      image = await imagesApi.create(body);
      void qc.invalidateQueries({ queryKey: imageKeys.lists() });
      if (source === "file") {
        await upload.start(image.id, file!);
      } else {
        await imagesApi.importImage(image.id, { method: { name: "web-download", uri } });
        toast(`Image ${body.name} is importing from ${uri}.`);
        void qc.invalidateQueries({ queryKey: imageKeys.all });
        reset();
        onClose();
      }
    } catch (err) {
      setError(
        image && err instanceof ApiError
          ? new Error(`The image ${body.name} was created, but: ${err.message}`)
          : err,
      );
    } finally {
      setBusy(false);
    }
  }

  function onDrop(e: DragEvent) {
    e.preventDefault();
    setDragging(false);
    const f = e.dataTransfer.files[0];
    if (f) void pick(f);
  }

  const close = () => {
    if (upload.phase === "done" || upload.phase === "cancelled") reset();
    onClose();
  };

  const tabClass = (active: boolean) =>
    `rounded-t-md border-b-2 px-3 py-1.5 text-sm font-medium focus:outline-none focus-visible:ring-2 focus-visible:ring-indigo-500 ${
      active
        ? "border-indigo-600 text-indigo-700 dark:border-indigo-400 dark:text-indigo-300"
        : "border-transparent text-slate-600 hover:text-slate-900 dark:text-slate-400 dark:hover:text-white"
    }`;

  return (
    <Dialog open={open} title="Create image" onClose={close} size="lg">
      {uploading ? (
        <div className="space-y-4">
          <UploadProgressPanel upload={upload} />
          {upload.phase === "done" && (
            <p role="status" className="text-sm">
              The data is stored; the image becomes active as soon as its checksums are recorded.
            </p>
          )}
          <div className="flex justify-end gap-2">
            {upload.phase === "done" && (
              <Button variant="secondary" onClick={reset}>
                Create another
              </Button>
            )}
            <Button variant="secondary" onClick={close}>
              {upload.phase === "done" ? "Close" : "Hide (keeps uploading)"}
            </Button>
          </div>
        </div>
      ) : (
        <form onSubmit={submit} className="space-y-4">
          <div
            role="tablist"
            aria-label="Image data source"
            className="flex gap-1 border-b border-slate-200 dark:border-slate-700"
          >
            {(["file", "url"] as const).map((s) => (
              <button
                key={s}
                ref={s === "file" ? fileTab : urlTab}
                type="button"
                role="tab"
                id={`source-tab-${s}`}
                aria-selected={source === s}
                aria-controls={`source-panel-${s}`}
                tabIndex={source === s ? 0 : -1}
                className={tabClass(source === s)}
                onClick={() => setSource(s)}
                onKeyDown={(e) => {
                  if (e.key === "ArrowRight" || e.key === "ArrowLeft") {
                    const other = s === "file" ? "url" : "file";
                    setSource(other);
                    (other === "file" ? fileTab : urlTab).current?.focus();
                  }
                }}
              >
                {s === "file" ? "Upload a file" : "Import from URL"}
              </button>
            ))}
          </div>

          {source === "file" ? (
            <div
              id="source-panel-file"
              role="tabpanel"
              aria-labelledby="source-tab-file"
              className="space-y-2"
            >
              <div
                onDragOver={(e) => {
                  e.preventDefault();
                  setDragging(true);
                }}
                onDragLeave={() => setDragging(false)}
                onDrop={onDrop}
                data-testid="drop-zone"
                className={`flex flex-col items-center gap-2 rounded-md border-2 border-dashed p-5 text-center text-sm ${
                  dragging
                    ? "border-indigo-500 bg-indigo-50 dark:bg-indigo-950"
                    : "border-slate-300 dark:border-slate-700"
                }`}
              >
                <p>Drop an image file here, or</p>
                <label className="cursor-pointer rounded-md border border-slate-300 bg-white px-3 py-1.5 font-medium hover:bg-slate-100 focus-within:ring-2 focus-within:ring-indigo-500 dark:border-slate-700 dark:bg-slate-900 dark:hover:bg-slate-800">
                  Choose a file
                  <input
                    ref={fileInput}
                    type="file"
                    aria-label="Image file"
                    className="sr-only"
                    onChange={(e) => void pick(e.target.files?.[0] ?? null)}
                  />
                </label>
                {file && (
                  <p data-testid="picked-file">
                    {file.name} · {formatBytes(file.size)}
                  </p>
                )}
              </div>
              <FormatCheckPanel check={formatCheck} diskFormat={diskFormat} onUseFormat={setDiskFormat} />
              {resumable && (
                <div
                  role="status"
                  className="space-y-2 rounded-md bg-sky-50 p-3 text-sm text-sky-950 dark:bg-sky-950 dark:text-sky-100"
                >
                  <p>
                    This file was being uploaded to image{" "}
                    <strong>{resumable.image.name || resumable.image.id}</strong> and did not finish. Resume
                    that upload where it stopped, or create a new image below.
                  </p>
                  <Button onClick={() => void resumeEarlier()}>Resume earlier upload</Button>
                </div>
              )}
            </div>
          ) : (
            <div id="source-panel-url" role="tabpanel" aria-labelledby="source-tab-url" className="space-y-2">
              {methods.data && !webDownload ? (
                <p role="alert" className="text-sm">
                  This site does not offer import from a URL (web-download).
                </p>
              ) : (
                <Field
                  label="Image URL"
                  name="uri"
                  type="url"
                  required
                  placeholder="https://cloud-images.example.org/debian-12.qcow2"
                  hint="Iris downloads the image from this address; the image is importing meanwhile."
                />
              )}
            </div>
          )}

          <div className="grid gap-3 sm:grid-cols-2">
            <Field
              label="Image name"
              name="name"
              required
              maxLength={255}
              value={name}
              onChange={(e) => setName(e.target.value)}
            />
            <SelectField
              label="Visibility"
              name="visibility"
              defaultValue="shared"
              options={[
                { value: "shared", label: "Shared (members only)" },
                { value: "private", label: "Private" },
                { value: "community", label: "Community" },
                { value: "public", label: "Public (admins)" },
              ]}
            />
            <SelectField
              label="Disk format"
              name="disk_format"
              value={diskFormat}
              onChange={(e) => setDiskFormat(e.target.value)}
              options={formatOptions(DISK_FORMATS)}
            />
            <SelectField
              label="Container format"
              name="container_format"
              value={containerFormat}
              onChange={(e) => setContainerFormat(e.target.value)}
              options={formatOptions(CONTAINER_FORMATS)}
            />
            <Field label="Minimum disk (GiB)" name="min_disk" type="number" min={0} defaultValue={0} />
            <Field label="Minimum RAM (MiB)" name="min_ram" type="number" min={0} defaultValue={0} />
          </div>
          <ErrorMessage error={error} />
          <div className="flex justify-end gap-2">
            <Button variant="secondary" onClick={close}>
              Cancel
            </Button>
            <Button
              type="submit"
              disabled={
                busy ||
                (source === "url" && methods.data !== undefined && !webDownload) ||
                (source === "file" && formatCheck.status === "checking")
              }
            >
              {source === "file" ? "Create and upload" : "Create and import"}
            </Button>
          </div>
        </form>
      )}
    </Dialog>
  );
}
