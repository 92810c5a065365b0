"use client";

import { useId, useState, type KeyboardEvent } from "react";
import type { ProjectRef } from "@/lib/api/sharing";
import { useProjectSearch } from "@/lib/queries/sharing";

export interface ProjectComboboxProps {
  label: string;
  /** Called with the project chosen from the suggestions (click, or Enter on the highlighted one). */
  onSelect: (project: ProjectRef) => void;
  /** Project ids not to offer (the owner, the image's members). */
  exclude?: string[];
  disabled?: boolean;
}

/**
 * A project search as an ARIA 1.2 combobox: type at least two characters of a project's name (or
 * its id); arrows move through the suggestions, Enter chooses, Escape closes the list.
 */
export function ProjectCombobox({ label, onSelect, exclude = [], disabled }: ProjectComboboxProps) {
  const id = useId();
  const listId = `${id}-list`;
  const [text, setText] = useState("");
  const [open, setOpen] = useState(false);
  const [active, setActive] = useState(0);
  const search = useProjectSearch(text);
  const term = text.trim();
  const options = (term.length >= 2 ? (search.data ?? []) : []).filter((p) => !exclude.includes(p.id));
  const expanded = open && term.length >= 2;
  const activeIndex = Math.min(active, options.length - 1);
  const optionId = (i: number) => `${id}-opt-${i}`;

  function choose(p: ProjectRef) {
    onSelect(p);
    setText("");
    setOpen(false);
    setActive(0);
  }

  function onKeyDown(e: KeyboardEvent<HTMLInputElement>) {
    if (e.key === "ArrowDown") {
      e.preventDefault();
      setOpen(true);
      setActive((a) => (options.length ? (Math.min(a, options.length - 1) + 1) % options.length : 0));
    } else if (e.key === "ArrowUp") {
      e.preventDefault();
      setOpen(true);
      setActive((a) =>
        options.length ? (Math.min(a, options.length - 1) - 1 + options.length) % options.length : 0,
      );
    } else if (e.key === "Enter") {
      if (expanded && options[activeIndex]) {
        e.preventDefault();
        choose(options[activeIndex]);
      }
    } else if (e.key === "Escape") {
      if (expanded) {
        e.preventDefault();
        e.stopPropagation();
        setOpen(false);
      } else setText("");
    }
  }

  let status = "";
  if (term.length === 1) status = "Type at least 2 characters.";
  else if (expanded && search.isFetching && !search.data) status = "Searching…";
  else if (expanded && search.error) status = search.error.message;
  else if (expanded && !search.isFetching && options.length === 0) status = "No project matches.";
  else if (expanded) status = `${options.length} project${options.length === 1 ? "" : "s"} found.`;

  return (
    <div className="relative">
      <label htmlFor={`${id}-input`} className="mb-1 block text-sm font-medium">
        {label}
      </label>
      <input
        id={`${id}-input`}
        type="text"
        role="combobox"
        autoComplete="off"
        aria-autocomplete="list"
        aria-expanded={expanded}
        aria-controls={listId}
        aria-describedby={`${id}-status`}
        aria-activedescendant={expanded && options[activeIndex] ? optionId(activeIndex) : undefined}
        placeholder="Project name or id"
        disabled={disabled}
        value={text}
        onChange={(e) => {
          setText(e.target.value);
          setOpen(true);
          setActive(0);
        }}
        onFocus={() => setOpen(true)}
        onBlur={() => setOpen(false)}
        onKeyDown={onKeyDown}
        className="w-full rounded-md border border-slate-300 bg-white px-3 py-2 text-sm focus:outline-none focus-visible:ring-2 focus-visible:ring-indigo-500 dark:border-slate-700 dark:bg-slate-950"
      />
      <p
        id={`${id}-status`}
        role="status"
        className="mt-1 min-h-4 text-xs text-slate-600 dark:text-slate-400"
      >
        {status}
      </p>
      <ul
        id={listId}
        role="listbox"
        aria-label={`${label}: suggestions`}
        hidden={!expanded || options.length === 0}
        className="absolute top-[4.25rem] z-20 max-h-64 w-full overflow-auto rounded-md border border-slate-200 bg-white py-1 text-sm shadow-lg dark:border-slate-700 dark:bg-slate-900"
      >
        {options.map((p, i) => (
          <li
            key={p.id}
            id={optionId(i)}
            role="option"
            aria-selected={i === activeIndex}
            // mousedown, not click: the input's blur would close the list first.
            onMouseDown={(e) => {
              e.preventDefault();
              choose(p);
            }}
            onMouseMove={() => setActive(i)}
            className="cursor-pointer px-3 py-1.5 aria-selected:bg-indigo-50 aria-selected:text-indigo-900 dark:aria-selected:bg-indigo-950 dark:aria-selected:text-indigo-100"
          >
            <span className="font-medium">{p.name}</span>{" "}
            <span className="text-xs text-slate-600 dark:text-slate-400">
              {p.domain} · <span className="font-mono">{p.id.slice(0, 8)}</span>
            </span>
          </li>
        ))}
      </ul>
    </div>
  );
}
