"use client";

import { usePathname, useRouter, useSearchParams } from "next/navigation";
import { useEffect, useMemo, useRef, useState, type FormEvent } from "react";
import { imagesApi } from "@/lib/api/images";
import {
  firstPage,
  markerOf,
  nextPage,
  PAGE_SIZES,
  parseView,
  previousPage,
  toggleSort,
  viewToApiQuery,
  viewToSearch,
  type ImageListView,
} from "@/lib/api/image-list";
import { useImageMutation, useImages, useMyProjects } from "@/lib/queries/images";
import { Button } from "@/components/ui/button";
import { ConfirmDialog, Dialog } from "@/components/ui/dialog";
import { EmptyState, ErrorMessage, Loading, useToast } from "@/components/ui/feedback";
import { Field } from "@/components/ui/field";
import { CreateImageDialog } from "./create-image-dialog";
import { ImageFiltersForm } from "./image-filters";
import { ImageTable } from "./image-table";
import { useDashboardUpload } from "./upload-provider";

type BulkAction = "delete" | "deactivate" | "tag";

/** Runs one call per image; tells which failed and why (the API's own message). */
async function forEach(ids: string[], names: Map<string, string>, fn: (id: string) => Promise<unknown>) {
  const results = await Promise.allSettled(ids.map(fn));
  const failures = results.flatMap((r, i) =>
    r.status === "rejected" ? [`${names.get(ids[i]!) ?? ids[i]}: ${(r.reason as Error).message}`] : [],
  );
  return { done: ids.length - failures.length, failures };
}

/** The images page: filters, sortable columns, pages, bulk actions, create and upload. */
export function ImageList() {
  const router = useRouter();
  const pathname = usePathname();
  const params = useSearchParams();
  const view = useMemo(() => parseView(new URLSearchParams(params.toString())), [params]);
  const apiQuery = useMemo(() => viewToApiQuery(view), [view]);
  const images = useImages(apiQuery);
  const projects = useMyProjects();
  const toast = useToast();
  const { upload, setDialogOpen } = useDashboardUpload();
  const [creating, setCreating] = useState(false);
  const [selected, setSelected] = useState<Set<string>>(new Set());
  const [bulk, setBulk] = useState<BulkAction | null>(null);
  const [bulkErrors, setBulkErrors] = useState<string[]>([]);
  const bulkMutation = useImageMutation(
    async ({
      action,
      ids,
      tag,
      labels,
    }: {
      action: BulkAction;
      ids: string[];
      tag?: string;
      labels: Map<string, string>;
    }) =>
      forEach(ids, labels, (id) =>
        action === "delete"
          ? imagesApi.remove(id)
          : action === "deactivate"
            ? imagesApi.deactivate(id)
            : imagesApi.addTag(id, tag!),
      ),
  );

  const rows = useMemo(() => images.data?.images ?? [], [images.data]);
  const names = useMemo(() => new Map(rows.map((i) => [i.id, i.name || i.id])), [rows]);
  const projectNames = useMemo(
    () => new Map((projects.data ?? []).map((p) => [p.id, p.name])),
    [projects.data],
  );
  const nextMarker = markerOf(images.data?.next);
  const chosen = [...selected].filter((id) => names.has(id));

  // Selection belongs to the page shown.
  const pageKey = apiQuery.toString();
  const lastPage = useRef(pageKey);
  useEffect(() => {
    if (lastPage.current !== pageKey) {
      lastPage.current = pageKey;
      setSelected(new Set());
    }
  }, [pageKey]);

  const openCreate = (open: boolean) => {
    setCreating(open);
    setDialogOpen(open);
  };
  // Leaving the page with the dialog open: the corner shows the upload again.
  useEffect(() => () => setDialogOpen(false), [setDialogOpen]);

  const go = (v: ImageListView) => {
    const q = viewToSearch(v).toString();
    router.push(q ? `${pathname}?${q}` : pathname);
  };

  async function runBulk(action: BulkAction, tag?: string) {
    setBulkErrors([]);
    const ids = chosen;
    // The selection is spent now, so that picking new rows meanwhile is not undone when this ends.
    setSelected(new Set());
    const { done, failures } = await bulkMutation.mutateAsync({ action, ids, tag, labels: names });
    const verb = { delete: "Deleted", deactivate: "Deactivated", tag: `Tagged "${tag}"` }[action];
    if (done) toast(`${verb}: ${done} image${done === 1 ? "" : "s"}.`);
    if (failures.length) {
      toast(`${failures.length} image${failures.length === 1 ? "" : "s"} could not be changed.`, "error");
      setBulkErrors(failures);
    }
  }

  function onTag(e: FormEvent<HTMLFormElement>) {
    e.preventDefault();
    const tag = String(new FormData(e.currentTarget).get("tag")).trim();
    setBulk(null);
    if (tag) void runBulk("tag", tag);
  }

  const pageNumber = view.previous.length + 1;

  return (
    <div className="space-y-4">
      <div className="flex flex-wrap items-center justify-between gap-3">
        <h1 className="text-2xl font-semibold">Images</h1>
        <Button onClick={() => openCreate(true)}>Create image</Button>
      </div>
      <ImageFiltersForm
        key={JSON.stringify(view.filters)}
        filters={view.filters}
        projects={projects.data ?? []}
        onApply={(filters) => go(firstPage({ ...view, filters }))}
      />

      <div role="toolbar" aria-label="Bulk actions" className="flex flex-wrap items-center gap-2 text-sm">
        <span aria-live="polite" data-testid="selected-count">
          {chosen.length} selected
        </span>
        <Button
          variant="danger"
          disabled={!chosen.length || bulkMutation.isPending}
          onClick={() => setBulk("delete")}
        >
          Delete selected
        </Button>
        <Button
          variant="secondary"
          disabled={!chosen.length || bulkMutation.isPending}
          onClick={() => setBulk("deactivate")}
        >
          Deactivate selected
        </Button>
        <Button
          variant="secondary"
          disabled={!chosen.length || bulkMutation.isPending}
          onClick={() => setBulk("tag")}
        >
          Add tag to selected
        </Button>
      </div>
      {bulkErrors.length > 0 && (
        <div
          role="alert"
          className="rounded-md bg-red-50 px-3 py-2 text-sm text-red-800 dark:bg-red-950 dark:text-red-200"
        >
          <p className="font-medium">Some images could not be changed:</p>
          <ul className="list-disc pl-5">
            {bulkErrors.map((e) => (
              <li key={e}>{e}</li>
            ))}
          </ul>
        </div>
      )}

      {images.isPending && <Loading label="Loading images…" />}
      <ErrorMessage error={images.error} />
      {images.data && rows.length === 0 && (
        <EmptyState>
          {view.marker
            ? "No more images on this page."
            : Object.values(view.filters).some(Boolean)
              ? "No image matches these filters."
              : "This project has no images yet. Create one to upload its data."}
        </EmptyState>
      )}
      {rows.length > 0 && (
        <ImageTable
          images={rows}
          sort={view.sort}
          onSort={(key) => go(toggleSort(view, key))}
          selected={selected}
          projectNames={projectNames}
          onSelect={(ids, on) =>
            setSelected((s) => {
              const next = new Set(s);
              for (const id of ids) {
                if (on) next.add(id);
                else next.delete(id);
              }
              return next;
            })
          }
        />
      )}

      <nav aria-label="Pages" className="flex flex-wrap items-center justify-between gap-3 text-sm">
        <div className="flex items-center gap-2">
          <Button variant="secondary" disabled={!view.marker} onClick={() => go(previousPage(view))}>
            Previous page
          </Button>
          <span data-testid="page-number">Page {pageNumber}</span>
          <Button
            variant="secondary"
            disabled={!nextMarker || images.isPlaceholderData}
            onClick={() => nextMarker && go(nextPage(view, nextMarker))}
          >
            Next page
          </Button>
        </div>
        <label className="flex items-center gap-2">
          Per page
          <select
            value={view.limit}
            onChange={(e) => go(firstPage({ ...view, limit: Number(e.target.value) }))}
            className="rounded-md border border-slate-300 bg-white px-2 py-1 focus:outline-none focus-visible:ring-2 focus-visible:ring-indigo-500 dark:border-slate-700 dark:bg-slate-950"
          >
            {PAGE_SIZES.map((n) => (
              <option key={n} value={n}>
                {n}
              </option>
            ))}
          </select>
        </label>
      </nav>

      <CreateImageDialog open={creating} onClose={() => openCreate(false)} upload={upload} />
      <ConfirmDialog
        open={bulk === "delete"}
        title={`Delete ${chosen.length} image${chosen.length === 1 ? "" : "s"}?`}
        confirmLabel="Delete images"
        onCancel={() => setBulk(null)}
        onConfirm={() => runBulk("delete")}
      >
        <p className="mb-2">Their data is removed from every store. This cannot be undone.</p>
        <ul className="max-h-40 list-disc overflow-y-auto pl-5">
          {chosen.map((id) => (
            <li key={id}>{names.get(id)}</li>
          ))}
        </ul>
      </ConfirmDialog>
      <ConfirmDialog
        open={bulk === "deactivate"}
        title={`Deactivate ${chosen.length} image${chosen.length === 1 ? "" : "s"}?`}
        confirmLabel="Deactivate"
        onCancel={() => setBulk(null)}
        onConfirm={() => runBulk("deactivate")}
      >
        Nobody but administrators can download a deactivated image until it is reactivated.
      </ConfirmDialog>
      <Dialog open={bulk === "tag"} title="Add a tag to the selected images" onClose={() => setBulk(null)}>
        <form onSubmit={onTag} className="space-y-3">
          <Field label="Tag" name="tag" required maxLength={255} autoFocus />
          <div className="flex justify-end gap-2">
            <Button variant="secondary" onClick={() => setBulk(null)}>
              Cancel
            </Button>
            <Button type="submit">Add tag</Button>
          </div>
        </form>
      </Dialog>
    </div>
  );
}
