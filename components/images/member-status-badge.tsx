import type { MemberStatus } from "@/lib/api/sharing";

const COLORS: Record<MemberStatus, string> = {
  pending: "bg-amber-100 text-amber-900 dark:bg-amber-900 dark:text-amber-100",
  accepted: "bg-emerald-100 text-emerald-900 dark:bg-emerald-900 dark:text-emerald-100",
  rejected: "bg-slate-200 text-slate-800 dark:bg-slate-700 dark:text-slate-100",
};

/** A member's decision on a shared image. */
export function MemberStatusBadge({ status }: { status: MemberStatus }) {
  return (
    <span
      data-testid="member-status"
      className={`inline-flex rounded-full px-2 py-0.5 text-xs font-medium ${COLORS[status] ?? COLORS.pending}`}
    >
      {status}
    </span>
  );
}
