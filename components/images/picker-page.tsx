"use client";

import { useEffect, useRef, useState } from "react";
import type { Image } from "@/lib/api/images";
import { ImagePicker } from "./image-picker";
import { LaunchCommands } from "./launch-commands";

/** The "Launch an image" page: choose an image, get the commands that boot it. */
export function PickerPage() {
  const [chosen, setChosen] = useState<Image | null>(null);
  const panel = useRef<HTMLElement>(null);
  useEffect(() => {
    // Take the reader to the commands (and screen-reader focus with them).
    if (chosen) panel.current?.focus();
  }, [chosen]);
  return (
    <div className="space-y-6">
      <div>
        <h1 className="text-2xl font-semibold">Launch an image</h1>
        <p className="mt-1 text-sm text-slate-600 dark:text-slate-400">
          The images your project can boot: active, visible to it and not hidden. Choose one for the commands
          that start a server from it.
        </p>
      </div>
      <div className="grid gap-6 lg:grid-cols-[1fr_26rem] lg:items-start">
        <ImagePicker onSelect={setChosen} selectedId={chosen?.id} />
        <section
          ref={panel}
          tabIndex={-1}
          aria-labelledby="launch-heading"
          className="space-y-3 rounded-lg border border-slate-200 bg-white p-5 focus:outline-none focus-visible:ring-2 focus-visible:ring-indigo-500 lg:sticky lg:top-4 dark:border-slate-800 dark:bg-slate-900"
        >
          <h2 id="launch-heading" className="text-lg font-medium">
            {chosen ? `Launch ${chosen.name || chosen.id}` : "Launch"}
          </h2>
          {chosen ? (
            <LaunchCommands key={chosen.id} image={chosen} />
          ) : (
            <p className="text-sm text-slate-600 dark:text-slate-400">Choose an image to see its commands.</p>
          )}
        </section>
      </div>
    </div>
  );
}
