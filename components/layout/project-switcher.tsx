"use client";

import { useSession } from "next-auth/react";
import { useRouter } from "next/navigation";
import { useQueryClient } from "@tanstack/react-query";
import { useState } from "react";

export interface ProjectSwitcherProps {
  current: { id: string; name: string } | null;
  projects: { id: string; name: string; roles: string[] }[];
}

/** Shows the current project and switches the session to another of the user's projects. */
export function ProjectSwitcher({ current, projects }: ProjectSwitcherProps) {
  const { update, status } = useSession();
  const router = useRouter();
  const queryClient = useQueryClient();
  const [pending, setPending] = useState(false);

  if (projects.length === 0)
    return <span className="text-sm text-amber-700 dark:text-amber-300">No project</span>;

  return (
    <label className="flex items-center gap-2 text-sm">
      <span className="text-slate-600 dark:text-slate-400">Project</span>
      <select
        aria-label="Current project"
        value={current?.id ?? ""}
        disabled={pending || status === "loading"}
        onChange={async (e) => {
          setPending(true);
          await update({ projectId: e.target.value });
          // Every query belongs to the old project's view of the catalog.
          queryClient.clear();
          router.refresh();
          setPending(false);
        }}
        className="rounded-md border border-slate-300 bg-white px-2 py-1 text-sm focus:outline-none focus-visible:ring-2 focus-visible:ring-indigo-500 dark:border-slate-700 dark:bg-slate-950"
      >
        {!current && <option value="">Choose a project</option>}
        {projects.map((p) => (
          <option key={p.id} value={p.id}>
            {p.name}
          </option>
        ))}
      </select>
    </label>
  );
}
