"use client";

import { useState, type FormEvent, type KeyboardEvent } from "react";
import { imagesApi, type Image } from "@/lib/api/images";
import { buildPatch, editOf, editProblem, type ImageEdit } from "@/lib/api/image-patch";
import { useImageMutation } from "@/lib/queries/images";
import { CONTAINER_FORMATS, DISK_FORMATS } from "@/lib/schemas/image";
import { Button } from "@/components/ui/button";
import { Dialog } from "@/components/ui/dialog";
import { ErrorMessage, useToast } from "@/components/ui/feedback";
import { Field, SelectField } from "@/components/ui/field";

export interface ImageEditDialogProps {
  image: Image;
  open: boolean;
  onClose: () => void;
}

/** Edit an image's fields, custom properties and tags; saved as one JSON-patch of what changed. */
export function ImageEditDialog({ image, open, onClose }: ImageEditDialogProps) {
  return (
    <Dialog open={open} title={`Edit image ${image.name || image.id}`} onClose={onClose} size="lg">
      {/* Mounted on open: the form starts from the image as it is now. */}
      <EditForm image={image} onClose={onClose} />
    </Dialog>
  );
}

function EditForm({ image, onClose }: { image: Image; onClose: () => void }) {
  const toast = useToast();
  const [edit, setEdit] = useState<ImageEdit>(() => editOf(image));
  const [problem, setProblem] = useState<string | null>(null);
  const [newTag, setNewTag] = useState("");
  const save = useImageMutation((ops: ReturnType<typeof buildPatch>) => imagesApi.update(image.id, ops));
  const queued = image.status === "queued";
  const set = <K extends keyof ImageEdit>(k: K, v: ImageEdit[K]) => setEdit((e) => ({ ...e, [k]: v }));
  const options = (values: readonly string[]) => values.map((v) => ({ value: v, label: v }));

  function addTag() {
    const t = newTag.trim();
    if (t && !edit.tags.includes(t)) set("tags", [...edit.tags, t]);
    setNewTag("");
  }

  async function submit(e: FormEvent) {
    e.preventDefault();
    const p = editProblem(edit);
    setProblem(p);
    if (p) return;
    const ops = buildPatch(image, edit);
    if (!ops.length) {
      onClose();
      return;
    }
    try {
      await save.mutateAsync(ops);
      toast(`Image ${edit.name || image.id} saved.`);
      onClose();
    } catch {
      // shown below
    }
  }

  return (
    <form onSubmit={submit} className="max-h-[75vh] space-y-4 overflow-y-auto pr-1">
      <div className="grid gap-3 sm:grid-cols-2">
        <Field label="Name" value={edit.name} maxLength={255} onChange={(e) => set("name", e.target.value)} />
        <SelectField
          label="Visibility"
          value={edit.visibility}
          onChange={(e) => set("visibility", e.target.value)}
          options={options(["private", "shared", "community", "public"])}
        />
        <Field
          label="Minimum disk (GiB)"
          type="number"
          min={0}
          value={edit.min_disk}
          onChange={(e) => set("min_disk", Number(e.target.value))}
        />
        <Field
          label="Minimum RAM (MiB)"
          type="number"
          min={0}
          value={edit.min_ram}
          onChange={(e) => set("min_ram", Number(e.target.value))}
        />
        <SelectField
          label="Disk format"
          value={edit.disk_format}
          disabled={!queued}
          onChange={(e) => set("disk_format", e.target.value)}
          options={[{ value: "", label: "—" }, ...options(DISK_FORMATS)]}
        />
        <SelectField
          label="Container format"
          value={edit.container_format}
          disabled={!queued}
          onChange={(e) => set("container_format", e.target.value)}
          options={[{ value: "", label: "—" }, ...options(CONTAINER_FORMATS)]}
        />
      </div>
      {!queued && (
        <p className="text-xs text-slate-600 dark:text-slate-400">
          Formats can be changed only while the image has no data (status queued).
        </p>
      )}
      <div className="flex flex-wrap gap-6">
        <label className="flex items-center gap-2 text-sm">
          <input
            type="checkbox"
            checked={edit.protected}
            onChange={(e) => set("protected", e.target.checked)}
            className="h-4 w-4 accent-indigo-600"
          />
          Protected (cannot be deleted)
        </label>
        <label className="flex items-center gap-2 text-sm">
          <input
            type="checkbox"
            checked={edit.os_hidden}
            onChange={(e) => set("os_hidden", e.target.checked)}
            className="h-4 w-4 accent-indigo-600"
          />
          Hidden from the default list
        </label>
      </div>

      <fieldset className="space-y-2">
        <legend className="text-sm font-medium">Custom properties</legend>
        {edit.properties.length === 0 && (
          <p className="text-sm text-slate-600 dark:text-slate-400">No custom properties.</p>
        )}
        {edit.properties.map((p, i) => (
          <div key={i} className="flex items-end gap-2">
            <div className="flex-1">
              <Field
                label={`Property ${i + 1} name`}
                value={p.key}
                onChange={(e) =>
                  set(
                    "properties",
                    edit.properties.map((q, j) => (j === i ? { ...q, key: e.target.value } : q)),
                  )
                }
              />
            </div>
            <div className="flex-1">
              <Field
                label={`Property ${i + 1} value`}
                value={p.value}
                onChange={(e) =>
                  set(
                    "properties",
                    edit.properties.map((q, j) => (j === i ? { ...q, value: e.target.value } : q)),
                  )
                }
              />
            </div>
            <Button
              variant="secondary"
              aria-label={`Remove property ${p.key || i + 1}`}
              onClick={() =>
                set(
                  "properties",
                  edit.properties.filter((_, j) => j !== i),
                )
              }
            >
              Remove
            </Button>
          </div>
        ))}
        <Button
          variant="secondary"
          onClick={() => set("properties", [...edit.properties, { key: "", value: "" }])}
        >
          Add property
        </Button>
      </fieldset>

      <fieldset className="space-y-2">
        <legend className="text-sm font-medium">Tags</legend>
        <ul className="flex flex-wrap gap-2" aria-label="Tags">
          {edit.tags.map((t) => (
            <li
              key={t}
              className="flex items-center gap-1 rounded bg-slate-100 py-0.5 pr-1 pl-2 text-sm dark:bg-slate-800"
            >
              {t}
              <button
                type="button"
                aria-label={`Remove tag ${t}`}
                onClick={() =>
                  set(
                    "tags",
                    edit.tags.filter((x) => x !== t),
                  )
                }
                className="rounded px-1 hover:bg-slate-200 focus:outline-none focus-visible:ring-2 focus-visible:ring-indigo-500 dark:hover:bg-slate-700"
              >
                ×
              </button>
            </li>
          ))}
        </ul>
        <div className="flex items-end gap-2">
          <div className="flex-1">
            <Field
              label="New tag"
              value={newTag}
              maxLength={255}
              onChange={(e) => setNewTag(e.target.value)}
              onKeyDown={(e: KeyboardEvent) => {
                if (e.key === "Enter") {
                  e.preventDefault();
                  addTag();
                }
              }}
            />
          </div>
          <Button variant="secondary" onClick={addTag}>
            Add tag
          </Button>
        </div>
      </fieldset>

      {problem && (
        <p role="alert" className="text-sm text-red-700 dark:text-red-300">
          {problem}
        </p>
      )}
      <ErrorMessage error={save.error} />
      <div className="flex justify-end gap-2">
        <Button variant="secondary" onClick={onClose}>
          Cancel
        </Button>
        <Button type="submit" disabled={save.isPending}>
          Save changes
        </Button>
      </div>
    </form>
  );
}
