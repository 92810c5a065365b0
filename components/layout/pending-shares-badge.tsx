"use client";

import { useInboxCounts } from "@/lib/queries/sharing";

/** How many images other projects shared with the current project wait for a decision. */
export function PendingSharesBadge() {
  const counts = useInboxCounts();
  const n = counts.data?.pending ?? 0;
  if (!n) return null;
  return (
    <span
      data-testid="pending-shares-count"
      className="min-w-5 rounded-full bg-amber-700 px-1.5 py-0.5 text-center text-xs leading-none font-semibold text-white dark:bg-amber-500 dark:text-slate-950"
    >
      {n}
      <span className="sr-only"> waiting for a decision</span>
    </span>
  );
}
