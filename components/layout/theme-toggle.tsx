"use client";

import { useSyncExternalStore } from "react";

// The theme lives on <html class="dark">; this reads it and lets the user flip it.
const listeners = new Set<() => void>();
const subscribe = (l: () => void) => {
  listeners.add(l);
  return () => listeners.delete(l);
};
const isDark = () => document.documentElement.classList.contains("dark");

/** Light or dark, remembered in localStorage; the system's preference until the user chooses. */
export function ThemeToggle() {
  const dark = useSyncExternalStore(subscribe, isDark, () => false);
  return (
    <button
      type="button"
      aria-pressed={dark}
      onClick={() => {
        const next = !dark;
        document.documentElement.classList.toggle("dark", next);
        localStorage.setItem("iris-theme", next ? "dark" : "light");
        listeners.forEach((l) => l());
      }}
      className="rounded-md border border-slate-300 px-2 py-1 text-sm hover:bg-slate-100 focus:outline-none focus-visible:ring-2 focus-visible:ring-indigo-500 dark:border-slate-700 dark:hover:bg-slate-800"
    >
      Dark theme
    </button>
  );
}
