export interface UsageBarProps {
  /** What is measured, for screen readers ("Images of project demo"). */
  label: string;
  used: number;
  /** -1 (or any negative) = unlimited: the bar shows use without a ceiling. */
  limit: number;
  /** The values as text, shown beside the bar ("3 of 10 images"). */
  text: string;
  compact?: boolean;
}

/**
 * A horizontal bar of use against a limit. The bar is decoration (aria-hidden); the numbers are
 * always in the text beside it, and being near or over the limit is said in words, not colour alone.
 */
export function UsageBar({ label, used, limit, text, compact = false }: UsageBarProps) {
  const unlimited = limit < 0;
  const ratio = unlimited ? 0 : limit === 0 ? (used > 0 ? Infinity : 0) : used / limit;
  const pct = Number.isFinite(ratio) ? Math.round(ratio * 100) : null;
  const state = unlimited
    ? "unlimited"
    : ratio > 1
      ? "over"
      : ratio === 1 && used > 0
        ? "at"
        : ratio >= 0.9
          ? "near"
          : "ok";
  const fill = {
    ok: "bg-indigo-600 dark:bg-indigo-400",
    near: "bg-amber-500 dark:bg-amber-400",
    at: "bg-amber-500 dark:bg-amber-400",
    over: "bg-red-600 dark:bg-red-500",
    unlimited: "",
  }[state];
  const status = {
    ok: "",
    near: "near the limit",
    at: "at the limit",
    over: "over the limit",
    unlimited: "",
  }[state];
  return (
    <div className={compact ? "min-w-32 space-y-1" : "min-w-48 space-y-1"} data-testid="usage-bar">
      <div
        aria-hidden="true"
        className={`h-2.5 w-full overflow-hidden rounded-full ${
          unlimited
            ? "border border-dashed border-slate-300 dark:border-slate-600"
            : "bg-slate-200 dark:bg-slate-700"
        }`}
      >
        {!unlimited && (
          <div className={`h-full rounded-full ${fill}`} style={{ width: `${Math.min(100, pct ?? 100)}%` }} />
        )}
      </div>
      <p className="text-xs text-slate-700 dark:text-slate-300">
        <span className="sr-only">{label}: </span>
        {text}
        {pct !== null && !unlimited && (
          <span className="text-slate-600 dark:text-slate-400"> ({pct === 0 && used > 0 ? "<1" : pct}%)</span>
        )}
        {status && (
          <span
            className={`ml-1 font-medium ${state === "over" ? "text-red-700 dark:text-red-300" : "text-amber-800 dark:text-amber-300"}`}
          >
            — {status}
          </span>
        )}
      </p>
    </div>
  );
}
