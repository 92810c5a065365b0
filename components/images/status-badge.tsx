import { TRANSITIONAL_STATUSES } from "@/lib/api/images";

const COLORS: Record<string, string> = {
  active: "bg-emerald-100 text-emerald-900 dark:bg-emerald-900 dark:text-emerald-100",
  queued: "bg-slate-200 text-slate-800 dark:bg-slate-700 dark:text-slate-100",
  saving: "bg-sky-100 text-sky-900 dark:bg-sky-900 dark:text-sky-100",
  uploading: "bg-sky-100 text-sky-900 dark:bg-sky-900 dark:text-sky-100",
  importing: "bg-sky-100 text-sky-900 dark:bg-sky-900 dark:text-sky-100",
  deactivated: "bg-amber-100 text-amber-900 dark:bg-amber-900 dark:text-amber-100",
  killed: "bg-red-100 text-red-900 dark:bg-red-900 dark:text-red-100",
  pending_delete: "bg-red-100 text-red-900 dark:bg-red-900 dark:text-red-100",
  deleted: "bg-red-100 text-red-900 dark:bg-red-900 dark:text-red-100",
};

/** An image status; the ones still waiting for or receiving data pulse (the page polls meanwhile). */
export function StatusBadge({ status }: { status: string }) {
  const live = (TRANSITIONAL_STATUSES as readonly string[]).includes(status);
  return (
    <span
      data-testid="image-status"
      className={`inline-flex items-center gap-1.5 rounded-full px-2 py-0.5 text-xs font-medium ${COLORS[status] ?? COLORS.queued}`}
    >
      {live && (
        <span
          aria-hidden="true"
          className="h-1.5 w-1.5 animate-pulse rounded-full bg-current motion-reduce:animate-none"
        />
      )}
      {status}
    </span>
  );
}
