"use client";

import { useState, type FormEvent } from "react";
import { CONTAINER_FORMATS, DISK_FORMATS, IMAGE_STATUSES } from "@/lib/schemas/image";
import { emptyFilters, RESERVED_PROPERTY_KEYS, type ImageFilters } from "@/lib/api/image-list";
import { Button } from "@/components/ui/button";
import { Field, SelectField } from "@/components/ui/field";

export interface ImageFiltersFormProps {
  filters: ImageFilters;
  onApply: (filters: ImageFilters) => void;
  projects: { id: string; name: string }[];
}

const any = { value: "", label: "Any" };
const options = (values: readonly string[]) => [any, ...values.map((v) => ({ value: v, label: v }))];

/** The API's list filters; applied together (and written to the URL) when the form is submitted. */
export function ImageFiltersForm({ filters, onApply, projects }: ImageFiltersFormProps) {
  const [draft, setDraft] = useState(filters);
  const [error, setError] = useState<string | null>(null);
  const set = (k: keyof ImageFilters) => (e: { target: { value: string } }) =>
    setDraft((d) => ({ ...d, [k]: e.target.value }));

  function submit(e: FormEvent) {
    e.preventDefault();
    const key = draft.prop_key.trim();
    if (key && RESERVED_PROPERTY_KEYS.has(key)) {
      setError(`"${key}" is one of the list's own parameters; use its filter above instead.`);
      return;
    }
    if (!key && draft.prop_value) {
      setError("Give the property's name as well as its value.");
      return;
    }
    setError(null);
    onApply({ ...draft, prop_key: key });
  }

  return (
    <form
      role="search"
      aria-label="Filter images"
      onSubmit={submit}
      className="space-y-3 rounded-lg border border-slate-200 bg-white p-4 dark:border-slate-800 dark:bg-slate-900"
    >
      <div className="grid grid-cols-2 gap-3 md:grid-cols-4 lg:grid-cols-6">
        <Field label="Name" value={draft.name} onChange={set("name")} placeholder="Exact name" />
        <SelectField
          label="Status"
          value={draft.status}
          onChange={set("status")}
          options={options(IMAGE_STATUSES.filter((s) => s !== "deleted"))}
        />
        <SelectField
          label="Visibility"
          value={draft.visibility}
          onChange={set("visibility")}
          options={[
            { value: "", label: "Default (all I may use)" },
            { value: "public", label: "Public" },
            { value: "private", label: "Private" },
            { value: "shared", label: "Shared with us" },
            { value: "community", label: "Community" },
            { value: "all", label: "All" },
          ]}
        />
        <div>
          <Field
            label="Owner project"
            value={draft.owner}
            onChange={set("owner")}
            list="owner-projects"
            placeholder="Project ID"
          />
          <datalist id="owner-projects">
            {projects.map((p) => (
              <option key={p.id} value={p.id}>
                {p.name}
              </option>
            ))}
          </datalist>
        </div>
        <SelectField
          label="Disk format"
          value={draft.disk_format}
          onChange={set("disk_format")}
          options={options(DISK_FORMATS)}
        />
        <SelectField
          label="Container format"
          value={draft.container_format}
          onChange={set("container_format")}
          options={options(CONTAINER_FORMATS)}
        />
        <Field
          label="Min size (MiB)"
          type="number"
          min={0}
          step="any"
          value={draft.min_mib}
          onChange={set("min_mib")}
        />
        <Field
          label="Max size (MiB)"
          type="number"
          min={0}
          step="any"
          value={draft.max_mib}
          onChange={set("max_mib")}
        />
        <Field label="Tag" value={draft.tag} onChange={set("tag")} />
        <SelectField
          label="Protected"
          value={draft.protected}
          onChange={set("protected")}
          options={[any, { value: "true", label: "Protected" }, { value: "false", label: "Not protected" }]}
        />
        <SelectField
          label="Hidden images"
          value={draft.os_hidden}
          onChange={set("os_hidden")}
          options={[
            { value: "", label: "Not hidden" },
            { value: "true", label: "Only hidden" },
          ]}
        />
        <div className="col-span-2 grid grid-cols-2 gap-2 md:col-span-1 lg:col-span-1">
          <Field label="Property" value={draft.prop_key} onChange={set("prop_key")} placeholder="key" />
          <Field label="Value" value={draft.prop_value} onChange={set("prop_value")} placeholder="value" />
        </div>
      </div>
      {error && (
        <p role="alert" className="text-sm text-red-700 dark:text-red-300">
          {error}
        </p>
      )}
      <div className="flex gap-2">
        <Button type="submit">Apply filters</Button>
        <Button
          variant="secondary"
          onClick={() => {
            setDraft(emptyFilters());
            setError(null);
            onApply(emptyFilters());
          }}
        >
          Clear filters
        </Button>
      </div>
    </form>
  );
}
