"use client";

import Link from "next/link";
import { useRef, useState, type KeyboardEvent } from "react";
import type { InboxItem, MemberStatus } from "@/lib/api/sharing";
import { useDecideShare, useInbox, useInboxCounts } from "@/lib/queries/sharing";
import { Button } from "@/components/ui/button";
import { EmptyState, ErrorMessage, Loading, useToast } from "@/components/ui/feedback";
import { Cell, Table } from "@/components/ui/table";
import { formatBytes, formatTime } from "@/components/images/format";
import { MemberStatusBadge } from "@/components/images/member-status-badge";
import { StatusBadge } from "@/components/images/status-badge";

export interface SharedInboxProps {
  /** The current project: the member project whose inbox this is. */
  project: { id: string; name: string } | null;
  initialStatus: MemberStatus;
}

const TABS: { status: MemberStatus; label: string; empty: string }[] = [
  { status: "pending", label: "Waiting", empty: "Nothing waits for a decision." },
  { status: "accepted", label: "Accepted", empty: "No accepted image." },
  { status: "rejected", label: "Rejected", empty: "No rejected image." },
];

/**
 * Images other projects share with the current project. Pending ones wait for a decision;
 * accepting one puts it in the project's image lists, rejecting hides it again. A decision can
 * be changed later from the other tabs.
 */
export function SharedInbox({ project, initialStatus }: SharedInboxProps) {
  const [status, setStatus] = useState<MemberStatus>(initialStatus);
  const counts = useInboxCounts();
  const tabs = useRef<(HTMLButtonElement | null)[]>([]);

  function select(s: MemberStatus, focus = false) {
    setStatus(s);
    // Keep the tab in the address so a reload or a shared link opens it.
    window.history.replaceState(null, "", s === "pending" ? "/shared" : `/shared?status=${s}`);
    if (focus) tabs.current[TABS.findIndex((t) => t.status === s)]?.focus();
  }

  function onKeyDown(e: KeyboardEvent, i: number) {
    const n = TABS.length;
    const to =
      e.key === "ArrowRight"
        ? (i + 1) % n
        : e.key === "ArrowLeft"
          ? (i - 1 + n) % n
          : e.key === "Home"
            ? 0
            : e.key === "End"
              ? n - 1
              : null;
    if (to === null) return;
    e.preventDefault();
    select(TABS[to]!.status, true);
  }

  if (!project)
    return (
      <div className="space-y-2">
        <h1 className="text-2xl font-semibold">Shared with us</h1>
        <p className="text-sm">Choose a project first: images are shared with projects.</p>
      </div>
    );

  return (
    <div className="space-y-5">
      <div>
        <h1 className="text-2xl font-semibold">Shared with us</h1>
        <p className="mt-1 text-sm text-slate-600 dark:text-slate-400">
          Images other projects offer to <strong>{project.name}</strong>. An accepted image appears in your
          image list and can be launched; you can change your mind at any time.
        </p>
      </div>
      <div
        role="tablist"
        aria-label="Decision"
        className="flex gap-1 border-b border-slate-200 dark:border-slate-700"
      >
        {TABS.map((t, i) => {
          const selected = status === t.status;
          const n = counts.data?.[t.status];
          return (
            <button
              key={t.status}
              ref={(el) => {
                tabs.current[i] = el;
              }}
              type="button"
              role="tab"
              id={`shared-tab-${t.status}`}
              aria-selected={selected}
              aria-controls={`shared-panel-${t.status}`}
              tabIndex={selected ? 0 : -1}
              onClick={() => select(t.status)}
              onKeyDown={(e) => onKeyDown(e, i)}
              className={`-mb-px rounded-t-md border-b-2 px-3 py-1.5 text-sm font-medium focus:outline-none focus-visible:ring-2 focus-visible:ring-indigo-500 ${
                selected
                  ? "border-indigo-600 text-indigo-700 dark:border-indigo-400 dark:text-indigo-300"
                  : "border-transparent text-slate-600 hover:text-slate-900 dark:text-slate-400 dark:hover:text-white"
              }`}
            >
              {t.label}
              {n !== undefined && <span className="ml-1.5 text-xs">({n})</span>}
            </button>
          );
        })}
      </div>
      {TABS.filter((t) => t.status === status).map((t) => (
        <div
          key={t.status}
          id={`shared-panel-${t.status}`}
          role="tabpanel"
          aria-labelledby={`shared-tab-${t.status}`}
        >
          <InboxList status={t.status} empty={t.empty} projectId={project.id} />
        </div>
      ))}
    </div>
  );
}

function InboxList({ status, empty, projectId }: { status: MemberStatus; empty: string; projectId: string }) {
  const inbox = useInbox(status);
  const decide = useDecideShare();
  const toast = useToast();
  const [error, setError] = useState<unknown>(null);

  async function onDecide(item: InboxItem, to: MemberStatus) {
    setError(null);
    const label = item.image.name || item.image.id;
    try {
      await decide.mutateAsync({ item, projectId, status: to });
      toast(
        to === "accepted"
          ? `Accepted ${label}: it is in your image list now.`
          : to === "rejected"
            ? `Rejected ${label}.`
            : `${label} waits for a decision again.`,
      );
    } catch (e) {
      setError(e);
      toast(`Could not change the decision on ${label}.`, "error");
    }
  }

  if (inbox.isPending) return <Loading label="Loading shared images…" />;
  if (inbox.error) return <ErrorMessage error={inbox.error} />;
  return (
    <div className="space-y-3">
      <ErrorMessage error={error} />
      {inbox.data.length === 0 ? (
        <EmptyState>{empty}</EmptyState>
      ) : (
        <Table
          caption={`Shared images: ${status}`}
          head={["Image", "Shared by", "Shared", "Format and size", "Decision", "Actions"]}
        >
          {inbox.data.map((item) => {
            const label = item.image.name || item.image.id;
            return (
              <tr key={item.image.id} data-testid="shared-row">
                <Cell>
                  <Link
                    href={`/images/${item.image.id}`}
                    className="font-medium text-indigo-700 underline-offset-2 hover:underline dark:text-indigo-300"
                  >
                    {label}
                  </Link>
                  <span className="ml-2">
                    <StatusBadge status={item.image.status} />
                  </span>
                </Cell>
                <Cell>
                  {item.owner.name ?? "—"}
                  <span className="block font-mono text-xs text-slate-600 dark:text-slate-400">
                    {item.owner.id}
                  </span>
                </Cell>
                <Cell className="text-xs whitespace-nowrap">
                  <time dateTime={item.member.shared_at}>{formatTime(item.member.shared_at)}</time>
                </Cell>
                <Cell className="text-xs">
                  {item.image.disk_format ?? "—"} · {formatBytes(item.image.size)}
                </Cell>
                <Cell>
                  <MemberStatusBadge status={item.member.status} />
                  {item.member.decided_at && (
                    <span className="block text-xs text-slate-600 dark:text-slate-400">
                      <time dateTime={item.member.decided_at}>{formatTime(item.member.decided_at)}</time>
                    </span>
                  )}
                </Cell>
                <Cell>
                  <div className="flex flex-wrap gap-2" role="group" aria-label={`Decide on ${label}`}>
                    {item.member.status !== "accepted" && (
                      <Button onClick={() => void onDecide(item, "accepted")} aria-label={`Accept ${label}`}>
                        Accept
                      </Button>
                    )}
                    {item.member.status !== "rejected" && (
                      <Button
                        variant="secondary"
                        onClick={() => void onDecide(item, "rejected")}
                        aria-label={`Reject ${label}`}
                      >
                        Reject
                      </Button>
                    )}
                  </div>
                </Cell>
              </tr>
            );
          })}
        </Table>
      )}
    </div>
  );
}
