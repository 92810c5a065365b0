"use client";

import Link from "next/link";
import { useImageUsage } from "@/lib/queries/images";
import { ErrorMessage, Loading } from "@/components/ui/feedback";

const ROWS = [
  { key: "image_count_total", label: "Images", unit: "" },
  { key: "image_size_total", label: "Storage used", unit: " MiB" },
  { key: "image_count_uploading", label: "Uploads in progress", unit: "" },
] as const;

/** The current project's image usage against its quotas, with the way to the images. */
export function ImageUsageCard() {
  const usage = useImageUsage();
  return (
    <section
      aria-labelledby="images-heading"
      className="rounded-lg border border-slate-200 bg-white p-5 dark:border-slate-800 dark:bg-slate-900"
    >
      <div className="mb-2 flex items-center justify-between gap-3">
        <h2 id="images-heading" className="text-lg font-medium">
          Images
        </h2>
        <Link
          href="/images"
          className="rounded-md bg-indigo-600 px-3 py-1.5 text-sm font-medium text-white hover:bg-indigo-700 focus:outline-none focus-visible:ring-2 focus-visible:ring-indigo-500 focus-visible:ring-offset-2"
        >
          Browse images
        </Link>
      </div>
      {usage.isPending && <Loading />}
      <ErrorMessage error={usage.error} />
      {usage.data && (
        <dl className="grid grid-cols-[max-content_1fr] gap-x-6 gap-y-1 text-sm">
          {ROWS.map((r) => {
            const u = usage.data[r.key];
            if (!u) return null;
            return (
              <div key={r.key} className="contents">
                <dt className="text-slate-600 dark:text-slate-400">{r.label}</dt>
                <dd>
                  {u.usage}
                  {r.unit}
                  {u.limit >= 0 && (
                    <span className="text-slate-600 dark:text-slate-400">
                      {" "}
                      of {u.limit}
                      {r.unit}
                    </span>
                  )}
                </dd>
              </div>
            );
          })}
        </dl>
      )}
    </section>
  );
}
