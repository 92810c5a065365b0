"use client";

import { useId, useMemo, useState } from "react";
import type { Image } from "@/lib/api/images";
import { useBootableImages } from "@/lib/queries/images";
import { EmptyState, ErrorMessage, Loading } from "@/components/ui/feedback";
import { formatBytes } from "./format";
import { groupByOs, imageProp as prop, osLabel, OTHER_OS } from "@/lib/api/image-os";

export interface ImagePickerProps {
  /** Called when the user chooses an image. */
  onSelect: (image: Image) => void;
  /** The chosen image's id, marked as chosen. */
  selectedId?: string | null;
  /** Narrows what is offered further (e.g. to one architecture); the picker already shows only bootable images. */
  filter?: (image: Image) => boolean;
  /** The level of the operating-system group headings (default 2). */
  headingLevel?: 2 | 3 | 4;
}

/**
 * Images a user may boot (active, visible, not hidden) as cards grouped by operating system, with
 * search and operating-system and architecture filters. Reusable: the caller decides what choosing
 * means (onSelect).
 */
export function ImagePicker({ onSelect, selectedId, filter, headingLevel = 2 }: ImagePickerProps) {
  const id = useId();
  const images = useBootableImages();
  const [search, setSearch] = useState("");
  const [os, setOs] = useState("");
  const [arch, setArch] = useState("");
  const offered = useMemo(
    () => (images.data ?? []).filter((i) => !filter || filter(i)),
    [images.data, filter],
  );
  const osChoices = useMemo(
    () => groupByOs(offered).map((g) => ({ value: g.key, label: g.label })),
    [offered],
  );
  const archChoices = useMemo(
    () => [...new Set(offered.map((i) => prop(i, "architecture")).filter((a): a is string => !!a))].sort(),
    [offered],
  );
  const term = search.trim().toLowerCase();
  const shown = offered.filter((i) => {
    if (os && (prop(i, "os_distro")?.toLowerCase() ?? OTHER_OS) !== os) return false;
    if (arch && prop(i, "architecture") !== arch) return false;
    if (!term) return true;
    const hay = [i.name, i.id, prop(i, "os_distro"), prop(i, "os_version"), prop(i, "description"), ...i.tags]
      .filter(Boolean)
      .join(" ")
      .toLowerCase();
    return hay.includes(term);
  });
  const groups = groupByOs(shown);
  const Heading = `h${headingLevel}` as "h2";
  const control =
    "w-full rounded-md border border-slate-300 bg-white px-3 py-2 text-sm focus:outline-none focus-visible:ring-2 focus-visible:ring-indigo-500 dark:border-slate-700 dark:bg-slate-950";

  return (
    <div className="space-y-5">
      <div role="search" aria-label="Find an image" className="grid gap-3 sm:grid-cols-[2fr_1fr_1fr]">
        <div>
          <label htmlFor={`${id}-q`} className="mb-1 block text-sm font-medium">
            Search
          </label>
          <input
            id={`${id}-q`}
            type="search"
            value={search}
            onChange={(e) => setSearch(e.target.value)}
            placeholder="Name, version, tag or id"
            className={control}
          />
        </div>
        <div>
          <label htmlFor={`${id}-os`} className="mb-1 block text-sm font-medium">
            Operating system
          </label>
          <select id={`${id}-os`} value={os} onChange={(e) => setOs(e.target.value)} className={control}>
            <option value="">Any</option>
            {osChoices.map((o) => (
              <option key={o.value} value={o.value}>
                {o.label}
              </option>
            ))}
          </select>
        </div>
        <div>
          <label htmlFor={`${id}-arch`} className="mb-1 block text-sm font-medium">
            Architecture
          </label>
          <select
            id={`${id}-arch`}
            value={arch}
            onChange={(e) => setArch(e.target.value)}
            className={control}
          >
            <option value="">Any</option>
            {archChoices.map((a) => (
              <option key={a} value={a}>
                {a}
              </option>
            ))}
          </select>
        </div>
      </div>

      {images.isPending ? (
        <Loading label="Loading images…" />
      ) : images.error ? (
        <ErrorMessage error={images.error} />
      ) : offered.length === 0 ? (
        <EmptyState>No image can be launched yet: none is active and visible to this project.</EmptyState>
      ) : (
        <>
          <p role="status" className="text-sm text-slate-600 dark:text-slate-400">
            {shown.length === offered.length
              ? `${offered.length} image${offered.length === 1 ? "" : "s"}`
              : `${shown.length} of ${offered.length} images match`}
          </p>
          {groups.length === 0 && <EmptyState>No image matches these filters.</EmptyState>}
          {groups.map((g) => (
            <section
              key={g.key}
              aria-labelledby={`${id}-g-${g.key}`}
              data-testid="os-group"
              className="space-y-3"
            >
              <Heading id={`${id}-g-${g.key}`} className="text-lg font-medium">
                {g.label}
              </Heading>
              <ul className="grid gap-3 sm:grid-cols-2 lg:grid-cols-3">
                {g.images.map((image) => (
                  <li key={image.id}>
                    <ImageCard
                      image={image}
                      selected={image.id === selectedId}
                      onSelect={() => onSelect(image)}
                      headingLevel={headingLevel}
                    />
                  </li>
                ))}
              </ul>
            </section>
          ))}
        </>
      )}
    </div>
  );
}

function ImageCard({
  image,
  selected,
  onSelect,
  headingLevel,
}: {
  image: Image;
  selected: boolean;
  onSelect: () => void;
  headingLevel: 2 | 3 | 4;
}) {
  const label = image.name || image.id;
  const distro = prop(image, "os_distro");
  const version = prop(image, "os_version");
  const Title = `h${Math.min(headingLevel + 1, 6)}` as "h3";
  return (
    <article
      data-testid="image-card"
      className={`flex h-full flex-col gap-3 rounded-lg border bg-white p-4 dark:bg-slate-900 ${
        selected
          ? "border-indigo-600 ring-2 ring-indigo-600 dark:border-indigo-400 dark:ring-indigo-400"
          : "border-slate-200 dark:border-slate-800"
      }`}
    >
      <div>
        <Title className="font-medium break-all">{label}</Title>
        <p className="text-xs text-slate-600 dark:text-slate-400">
          {[distro ? osLabel(distro) : null, version].filter(Boolean).join(" ") || "Operating system not set"}
          {image.visibility !== "private" && ` · ${image.visibility}`}
        </p>
      </div>
      <dl className="grid grid-cols-2 gap-x-3 gap-y-1 text-xs">
        <dt className="text-slate-600 dark:text-slate-400">Size</dt>
        <dd>{formatBytes(image.size)}</dd>
        <dt className="text-slate-600 dark:text-slate-400">Min disk</dt>
        <dd>{image.min_disk ? `${image.min_disk} GiB` : "—"}</dd>
        <dt className="text-slate-600 dark:text-slate-400">Min RAM</dt>
        <dd>{image.min_ram ? `${image.min_ram} MiB` : "—"}</dd>
        <dt className="text-slate-600 dark:text-slate-400">Architecture</dt>
        <dd>{prop(image, "architecture") ?? "—"}</dd>
        <dt className="text-slate-600 dark:text-slate-400">Format</dt>
        <dd>{image.disk_format ?? "—"}</dd>
      </dl>
      <button
        type="button"
        onClick={onSelect}
        aria-pressed={selected}
        className={`mt-auto rounded-md px-3 py-1.5 text-sm font-medium focus:outline-none focus-visible:ring-2 focus-visible:ring-indigo-500 focus-visible:ring-offset-2 ${
          selected
            ? "bg-indigo-600 text-white hover:bg-indigo-700"
            : "border border-slate-300 bg-white hover:bg-slate-100 dark:border-slate-700 dark:bg-slate-900 dark:hover:bg-slate-800"
        }`}
      >
        {selected ? "Chosen" : "Choose"}
        <span className="sr-only"> {label}</span>
      </button>
    </article>
  );
}
