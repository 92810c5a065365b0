"use client";

import Link from "next/link";
import { useRouter } from "next/navigation";
import { useQueryClient } from "@tanstack/react-query";
import { useEffect, useRef, useState, type FormEvent, type ReactNode } from "react";
import { ApiError } from "@/lib/api/client";
import { customProperties, importingTo, imagesApi, type Image } from "@/lib/api/images";
import { useImageUpload } from "@/lib/queries/image-upload";
import {
  imageKeys,
  useImage,
  useImageHistory,
  useImageMutation,
  useImageTasks,
  useMyProjects,
  useStores,
} from "@/lib/queries/images";
import { Button } from "@/components/ui/button";
import { CopyButton } from "@/components/ui/copy-button";
import { ConfirmDialog, Dialog } from "@/components/ui/dialog";
import { ErrorMessage, Loading, useToast } from "@/components/ui/feedback";
import { SelectField } from "@/components/ui/field";
import { Cell, Table } from "@/components/ui/table";
import { formatBytes, formatTime } from "./format";
import { ImageEditDialog } from "./image-edit-dialog";
import { ImageMembers } from "./image-members";
import { StatusBadge } from "./status-badge";
import { checkRefuses, FormatCheckPanel, useFormatCheck } from "./format-check";
import { UploadProgressPanel } from "./upload-progress";

const sectionClass =
  "space-y-3 rounded-lg border border-slate-200 bg-white p-5 dark:border-slate-800 dark:bg-slate-900";

function Section({ title, id, children }: { title: string; id: string; children: ReactNode }) {
  return (
    <section aria-labelledby={id} className={sectionClass}>
      <h2 id={id} className="text-lg font-medium">
        {title}
      </h2>
      {children}
    </section>
  );
}

function Row({ label, children }: { label: string; children: ReactNode }) {
  return (
    <>
      <dt className="text-slate-600 dark:text-slate-400">{label}</dt>
      <dd className="min-w-0 break-words">{children}</dd>
    </>
  );
}

/** One image: every field, properties, tags, checksums, stores, members, tasks, and its actions. */
export interface ImageDetailProps {
  imageId: string;
  /** The signed-in user's current project and admin role: who manages the image's members. */
  currentProjectId: string | null;
  isAdmin: boolean;
}

export function ImageDetail({ imageId, currentProjectId, isAdmin }: ImageDetailProps) {
  const image = useImage(imageId);
  if (image.isPending) return <Loading label="Loading image…" />;
  if (image.error)
    return (
      <div className="space-y-3">
        <ErrorMessage error={image.error} />
        <Link href="/images" className="text-sm text-indigo-700 underline dark:text-indigo-300">
          Back to images
        </Link>
      </div>
    );
  return <ImageDetailView image={image.data} currentProjectId={currentProjectId} isAdmin={isAdmin} />;
}

function ImageDetailView({
  image,
  currentProjectId,
  isAdmin,
}: Omit<ImageDetailProps, "imageId"> & { image: Image }) {
  const router = useRouter();
  const toast = useToast();
  const tasks = useImageTasks(image.id);
  const history = useImageHistory(image.id);
  const stores = useStores();
  const projects = useMyProjects();
  const [editing, setEditing] = useState(false);
  const [deleting, setDeleting] = useState(false);
  const [uploadOpen, setUploadOpen] = useState(false);
  const [actionError, setActionError] = useState<unknown>(null);
  const activation = useImageMutation((action: "deactivate" | "reactivate") =>
    action === "deactivate" ? imagesApi.deactivate(image.id) : imagesApi.reactivate(image.id),
  );
  const remove = useImageMutation(() => imagesApi.remove(image.id));
  const copy = useImageMutation((store: string) =>
    imagesApi.importImage(image.id, { method: { name: "copy-image" }, stores: [store] }),
  );
  const qc = useQueryClient();
  // A task that ends changes the image (status, stores): read it again then.
  const endedTasks = tasks.data?.filter((t) => t.status === "success" || t.status === "failure").length;
  const seenEnded = useRef(endedTasks);
  useEffect(() => {
    if (endedTasks === undefined) return;
    if (seenEnded.current !== undefined && endedTasks > seenEnded.current)
      void qc.invalidateQueries({ queryKey: imageKeys.detail(image.id) });
    seenEnded.current = endedTasks;
  }, [endedTasks, image.id, qc]);
  const label = image.name || image.id;
  const props = customProperties(image);
  const imageStores = image.stores ? image.stores.split(",").sort() : [];
  const copying = importingTo(image);
  const failedCopies =
    typeof image.os_glance_failed_import === "string"
      ? image.os_glance_failed_import.split(",").filter(Boolean)
      : [];
  const otherStores = (stores.data ?? []).filter(
    (s) => !imageStores.includes(s.id) && !copying.includes(s.id),
  );
  const projectName = (id: string | null) => (id && projects.data?.find((p) => p.id === id)?.name) || null;

  async function act(action: "deactivate" | "reactivate") {
    setActionError(null);
    try {
      await activation.mutateAsync(action);
      toast(`Image ${label} ${action}d.`);
    } catch (e) {
      setActionError(e);
      toast(`Could not ${action} ${label}.`, "error");
    }
  }

  async function onCopy(e: FormEvent<HTMLFormElement>) {
    e.preventDefault();
    const store = String(new FormData(e.currentTarget).get("store"));
    setActionError(null);
    try {
      await copy.mutateAsync(store);
      toast(`Copying ${label} to store ${store}.`);
    } catch (err) {
      setActionError(err);
    }
  }

  return (
    <div className="space-y-5">
      <nav aria-label="Breadcrumb" className="text-sm">
        <Link href="/images" className="text-indigo-700 underline underline-offset-2 dark:text-indigo-300">
          Images
        </Link>
        <span aria-hidden="true"> / </span>
        <span>{label}</span>
      </nav>
      <div className="flex flex-wrap items-center justify-between gap-3">
        <div className="flex flex-wrap items-center gap-3">
          <h1 className="text-2xl font-semibold break-all">{label}</h1>
          <StatusBadge status={image.status} />
        </div>
        <div className="flex flex-wrap gap-2" role="group" aria-label="Image actions">
          <Button variant="secondary" onClick={() => setEditing(true)}>
            Edit
          </Button>
          {image.status === "active" && (
            <Button
              variant="secondary"
              disabled={activation.isPending}
              onClick={() => void act("deactivate")}
            >
              Deactivate
            </Button>
          )}
          {image.status === "deactivated" && (
            <Button
              variant="secondary"
              disabled={activation.isPending}
              onClick={() => void act("reactivate")}
            >
              Reactivate
            </Button>
          )}
          {(image.status === "queued" || image.status === "uploading") && (
            <Button variant="secondary" onClick={() => setUploadOpen(true)}>
              Upload data
            </Button>
          )}
          {image.status === "active" && (
            <a
              href={imagesApi.fileUrl(image.id)}
              download={image.name ?? image.id}
              className="rounded-md border border-slate-300 bg-white px-3 py-1.5 text-sm font-medium hover:bg-slate-100 focus:outline-none focus-visible:ring-2 focus-visible:ring-indigo-500 dark:border-slate-700 dark:bg-slate-900 dark:hover:bg-slate-800"
            >
              Download
            </a>
          )}
          <Button variant="danger" onClick={() => setDeleting(true)}>
            Delete
          </Button>
        </div>
      </div>
      <ErrorMessage error={actionError} />

      <div className="grid gap-5 lg:grid-cols-2">
        <Section title="Details" id="details-heading">
          <dl className="grid grid-cols-[max-content_1fr] gap-x-6 gap-y-1.5 text-sm">
            <Row label="ID">
              <span className="font-mono text-xs">{image.id}</span>{" "}
              <CopyButton value={image.id} label="Copy ID" />
            </Row>
            <Row label="Name">{image.name ?? "—"}</Row>
            <Row label="Status">{image.status}</Row>
            <Row label="Visibility">{image.visibility}</Row>
            <Row label="Protected">{image.protected ? "Yes" : "No"}</Row>
            <Row label="Hidden">{image.os_hidden ? "Yes" : "No"}</Row>
            <Row label="Disk format">{image.disk_format ?? "—"}</Row>
            <Row label="Container format">{image.container_format ?? "—"}</Row>
            <Row label="Size">
              {formatBytes(image.size)}
              {image.size !== null && (
                <span className="text-slate-600 dark:text-slate-400"> ({image.size} bytes)</span>
              )}
            </Row>
            <Row label="Virtual size">{formatBytes(image.virtual_size)}</Row>
            <Row label="Minimum disk">{image.min_disk} GiB</Row>
            <Row label="Minimum RAM">{image.min_ram} MiB</Row>
            <Row label="Owner">
              {projectName(image.owner) ?? ""} <span className="font-mono text-xs">{image.owner ?? "—"}</span>
            </Row>
            <Row label="Created">
              <time dateTime={image.created_at}>{formatTime(image.created_at)}</time>
            </Row>
            <Row label="Updated">
              <time dateTime={image.updated_at}>{formatTime(image.updated_at)}</time>
            </Row>
          </dl>
        </Section>

        <div className="space-y-5">
          <Section title="Checksums" id="checksums-heading">
            <dl className="grid grid-cols-[max-content_1fr] gap-x-6 gap-y-1.5 text-sm">
              <Row label="MD5 checksum">
                {image.checksum ? (
                  <>
                    <span className="font-mono text-xs break-all" data-testid="checksum">
                      {image.checksum}
                    </span>{" "}
                    <CopyButton value={image.checksum} label="Copy checksum" />
                  </>
                ) : (
                  "—"
                )}
              </Row>
              <Row label="Hash algorithm">{image.os_hash_algo ?? "—"}</Row>
              <Row label="Hash value">
                {image.os_hash_value ? (
                  <>
                    <span className="font-mono text-xs break-all" data-testid="os-hash-value">
                      {image.os_hash_value}
                    </span>{" "}
                    <CopyButton value={image.os_hash_value} label="Copy hash value" />
                  </>
                ) : (
                  "—"
                )}
              </Row>
            </dl>
          </Section>

          <Section title="Tags" id="tags-heading">
            {image.tags.length ? (
              <ul className="flex flex-wrap gap-2" aria-label="Image tags">
                {image.tags.map((t) => (
                  <li key={t} className="rounded bg-slate-100 px-2 py-0.5 text-sm dark:bg-slate-800">
                    {t}
                  </li>
                ))}
              </ul>
            ) : (
              <p className="text-sm text-slate-600 dark:text-slate-400">No tags.</p>
            )}
          </Section>
        </div>
      </div>

      <Section title="Custom properties" id="properties-heading">
        {Object.keys(props).length ? (
          <Table caption="Custom properties" head={["Property", "Value"]}>
            {Object.entries(props)
              .sort(([a], [b]) => a.localeCompare(b))
              .map(([k, v]) => (
                <tr key={k}>
                  <Cell className="font-mono text-xs">{k}</Cell>
                  <Cell className="break-all">{v}</Cell>
                </tr>
              ))}
          </Table>
        ) : (
          <p className="text-sm text-slate-600 dark:text-slate-400">No custom properties.</p>
        )}
      </Section>

      <div className="grid gap-5">
        <Section title="Stores" id="stores-heading">
          {imageStores.length ? (
            <ul className="list-disc pl-5 text-sm" aria-label="Stores holding the data">
              {imageStores.map((s) => (
                <li key={s}>{s}</li>
              ))}
            </ul>
          ) : (
            <p className="text-sm text-slate-600 dark:text-slate-400">The image has no data yet.</p>
          )}
          {copying.length > 0 && (
            <p role="status" className="text-sm">
              Copying to {copying.join(", ")}…
            </p>
          )}
          {failedCopies.length > 0 && (
            <p className="text-sm text-red-700 dark:text-red-300">
              Copying to {failedCopies.join(", ")} failed; see the tasks below.
            </p>
          )}
          {image.status === "active" && otherStores.length > 0 && (
            <form onSubmit={onCopy} className="flex flex-wrap items-end gap-2">
              <SelectField
                label="Copy to store"
                name="store"
                options={otherStores.map((s) => ({
                  value: s.id,
                  label: s.description ? `${s.id} — ${s.description}` : s.id,
                }))}
              />
              <Button type="submit" variant="secondary" disabled={copy.isPending}>
                Copy
              </Button>
            </form>
          )}
        </Section>
      </div>

      <Section title="Sharing" id="members-heading">
        <ImageMembers image={image} currentProjectId={currentProjectId} isAdmin={isAdmin} />
      </Section>

      <Section title="Tasks" id="tasks-heading">
        {tasks.isPending ? (
          <Loading />
        ) : tasks.error ? (
          <ErrorMessage error={tasks.error} />
        ) : tasks.data.length === 0 ? (
          <p className="text-sm text-slate-600 dark:text-slate-400">No import tasks.</p>
        ) : (
          <Table caption="Import tasks" head={["Started", "Method", "Status", "Message"]}>
            {tasks.data.map((t) => {
              const method = (t.input as { import_req?: { method?: { name?: string } } } | null)?.import_req
                ?.method?.name;
              return (
                <tr key={t.id}>
                  <Cell className="whitespace-nowrap">{formatTime(t.created_at)}</Cell>
                  <Cell>{method ?? t.type}</Cell>
                  <Cell>{t.status}</Cell>
                  <Cell className="break-words">{t.message || "—"}</Cell>
                </tr>
              );
            })}
          </Table>
        )}
      </Section>

      {!(history.error instanceof ApiError && history.error.status === 403) && (
        <Section title="History" id="history-heading">
          {history.isPending ? (
            <Loading />
          ) : history.error ? (
            <ErrorMessage error={history.error} />
          ) : history.data.length === 0 ? (
            <p className="text-sm text-slate-600 dark:text-slate-400">Nothing recorded yet.</p>
          ) : (
            <Table caption="History" head={["When", "What", "Who", "Outcome"]}>
              {history.data.map((e) => (
                <tr key={e.id}>
                  <Cell className="whitespace-nowrap">{formatTime(e.created_at)}</Cell>
                  <Cell className="font-mono text-xs">{e.action}</Cell>
                  <Cell>{e.user_name ?? e.user_id ?? "—"}</Cell>
                  <Cell>{e.outcome}</Cell>
                </tr>
              ))}
            </Table>
          )}
        </Section>
      )}

      <ImageEditDialog image={image} open={editing} onClose={() => setEditing(false)} />
      <UploadDataDialog image={image} open={uploadOpen} onClose={() => setUploadOpen(false)} />
      <ConfirmDialog
        open={deleting}
        title={`Delete image ${label}?`}
        confirmLabel="Delete image"
        onCancel={() => setDeleting(false)}
        onConfirm={async () => {
          setActionError(null);
          try {
            await remove.mutateAsync(undefined);
            toast(`Image ${label} deleted.`);
            router.push("/images");
          } catch (e) {
            setActionError(e);
            toast(`Image ${label} was not deleted.`, "error");
          }
        }}
      >
        {image.protected
          ? "This image is protected: Iris will refuse to delete it until protection is turned off."
          : "Its data is removed from every store. This cannot be undone."}
      </ConfirmDialog>
    </div>
  );
}

/**
 * Upload (or resume uploading) the data of an image that has none yet. The file's first MiBs are
 * checked first (POST /v2/inspect): a file Iris would refuse is explained before any upload, and
 * the image's disk format can be switched to the detected one while the image is queued.
 */
function UploadDataDialog({ image, open, onClose }: { image: Image; open: boolean; onClose: () => void }) {
  const upload = useImageUpload();
  const [file, setFile] = useState<File | null>(null);
  const [switchError, setSwitchError] = useState<unknown>(null);
  const setFormat = useImageMutation((format: string) =>
    imagesApi.update(image.id, [{ op: "replace", path: "/disk_format", value: format }]),
  );
  const diskFormat = image.disk_format ?? "raw";
  const check = useFormatCheck(file, diskFormat, image.container_format ?? "bare");
  const refused = checkRefuses(check);
  return (
    <Dialog open={open} title={`Upload data to ${image.name || image.id}`} onClose={onClose}>
      <div className="space-y-3">
        {upload.phase === "idle" || upload.phase === "cancelled" ? (
          <>
            <p className="text-sm">
              Choose the image file. If an earlier upload of the same file to this image stopped, it continues
              where it stopped.
            </p>
            <input
              type="file"
              aria-label="Image file"
              className="block w-full text-sm"
              onChange={(e) => setFile(e.target.files?.[0] ?? null)}
            />
            <FormatCheckPanel
              check={check}
              diskFormat={diskFormat}
              onUseFormat={(format) => {
                setSwitchError(null);
                setFormat.mutateAsync(format).catch(setSwitchError);
              }}
            />
            {switchError ? <ErrorMessage error={switchError} /> : null}
            <div className="flex justify-end">
              <Button
                disabled={!file || check.status === "checking" || refused}
                onClick={() => file && void upload.start(image.id, file)}
              >
                Upload
              </Button>
            </div>
          </>
        ) : (
          <UploadProgressPanel upload={upload} />
        )}
        <div className="flex justify-end">
          <Button variant="secondary" onClick={onClose}>
            Close
          </Button>
        </div>
      </div>
    </Dialog>
  );
}
