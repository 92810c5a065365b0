"use client";

import Link from "next/link";
import type { Image } from "@/lib/api/images";
import { parseSort, SORTABLE } from "@/lib/api/image-list";
import { formatBytes, formatTime, shortId } from "./format";
import { StatusBadge } from "./status-badge";

export interface ImageTableProps {
  images: Image[];
  sort: string;
  onSort: (key: string) => void;
  selected: Set<string>;
  onSelect: (ids: string[], selected: boolean) => void;
  /** Project names by id, to show owners by name. */
  projectNames: Map<string, string>;
}

const COLUMNS: { key: string; label: string; className?: string }[] = [
  { key: "name", label: "Name" },
  { key: "status", label: "Status" },
  { key: "visibility", label: "Visibility" },
  { key: "protected", label: "Protected" },
  { key: "disk_format", label: "Disk format" },
  { key: "container_format", label: "Container format" },
  { key: "size", label: "Size", className: "text-right" },
  { key: "virtual_size", label: "Virtual size", className: "text-right" },
  { key: "owner", label: "Owner" },
  { key: "created_at", label: "Created" },
  { key: "updated_at", label: "Updated" },
  { key: "tags", label: "Tags" },
];

const ARROWS = { asc: "▲", desc: "▼" } as const;

/** The images of one page: sortable columns (the server sorts), a checkbox per row for bulk actions. */
export function ImageTable({ images, sort, onSort, selected, onSelect, projectNames }: ImageTableProps) {
  const current = parseSort(sort);
  const allSelected = images.length > 0 && images.every((i) => selected.has(i.id));
  return (
    <div className="overflow-x-auto rounded-lg border border-slate-200 bg-white dark:border-slate-800 dark:bg-slate-900">
      <table className="w-full text-left text-sm">
        <caption className="sr-only">Images, sorted by {current.key.replace("_", " ")}</caption>
        <thead className="border-b border-slate-200 bg-slate-50 text-xs text-slate-600 uppercase dark:border-slate-800 dark:bg-slate-950 dark:text-slate-400">
          <tr>
            <th scope="col" className="px-3 py-2">
              <input
                type="checkbox"
                aria-label="Select every image on this page"
                checked={allSelected}
                onChange={(e) =>
                  onSelect(
                    images.map((i) => i.id),
                    e.target.checked,
                  )
                }
                className="h-4 w-4 accent-indigo-600"
              />
            </th>
            {COLUMNS.map((c) => {
              const sortable = SORTABLE.includes(c.key);
              const active = current.key === c.key;
              return (
                <th
                  key={c.key}
                  scope="col"
                  className={`px-3 py-2 font-medium whitespace-nowrap ${c.className ?? ""}`}
                  aria-sort={active ? (current.dir === "asc" ? "ascending" : "descending") : undefined}
                >
                  {sortable ? (
                    <button
                      type="button"
                      onClick={() => onSort(c.key)}
                      className="inline-flex items-center gap-1 rounded uppercase hover:text-slate-900 focus:outline-none focus-visible:ring-2 focus-visible:ring-indigo-500 dark:hover:text-white"
                    >
                      {c.label}
                      <span aria-hidden="true" className={active ? "" : "opacity-0"}>
                        {ARROWS[active ? current.dir : "asc"]}
                      </span>
                    </button>
                  ) : (
                    c.label
                  )}
                </th>
              );
            })}
          </tr>
        </thead>
        <tbody className="divide-y divide-slate-100 dark:divide-slate-800">
          {images.map((image) => {
            const label = image.name || image.id;
            return (
              <tr
                key={image.id}
                className={selected.has(image.id) ? "bg-indigo-50 dark:bg-indigo-950/40" : ""}
              >
                <td className="px-3 py-2">
                  <input
                    type="checkbox"
                    aria-label={`Select image ${label}`}
                    checked={selected.has(image.id)}
                    onChange={(e) => onSelect([image.id], e.target.checked)}
                    className="h-4 w-4 accent-indigo-600"
                  />
                </td>
                <td className="max-w-64 px-3 py-2">
                  <Link
                    href={`/images/${image.id}`}
                    className="font-medium break-words text-indigo-700 underline-offset-2 hover:underline focus:outline-none focus-visible:ring-2 focus-visible:ring-indigo-500 dark:text-indigo-300"
                  >
                    {image.name || <span className="font-mono text-xs">{image.id}</span>}
                  </Link>
                </td>
                <td className="px-3 py-2">
                  <StatusBadge status={image.status} />
                </td>
                <td className="px-3 py-2">{image.visibility}</td>
                <td className="px-3 py-2">{image.protected ? "Yes" : "No"}</td>
                <td className="px-3 py-2">{image.disk_format ?? "—"}</td>
                <td className="px-3 py-2">{image.container_format ?? "—"}</td>
                <td className="px-3 py-2 text-right whitespace-nowrap" title={image.size?.toString()}>
                  {formatBytes(image.size)}
                </td>
                <td className="px-3 py-2 text-right whitespace-nowrap">{formatBytes(image.virtual_size)}</td>
                <td className="px-3 py-2" title={image.owner ?? undefined}>
                  {image.owner ? (projectNames.get(image.owner) ?? shortId(image.owner)) : "—"}
                </td>
                <td className="px-3 py-2 whitespace-nowrap" title={image.created_at}>
                  {formatTime(image.created_at)}
                </td>
                <td className="px-3 py-2 whitespace-nowrap" title={image.updated_at}>
                  {formatTime(image.updated_at)}
                </td>
                <td className="px-3 py-2">
                  <ul className="flex flex-wrap gap-1" aria-label={`Tags of ${label}`}>
                    {image.tags.map((t) => (
                      <li key={t} className="rounded bg-slate-100 px-1.5 py-0.5 text-xs dark:bg-slate-800">
                        {t}
                      </li>
                    ))}
                  </ul>
                </td>
              </tr>
            );
          })}
        </tbody>
      </table>
    </div>
  );
}
