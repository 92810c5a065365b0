"use client";

import Link from "next/link";
import { usePathname, useRouter, useSearchParams } from "next/navigation";
import { useState, type FormEvent } from "react";
import type { AuditEvent, AuditFilters } from "@/lib/api/admin";
import { formatBytes } from "@/lib/admin-format";
import { useAuditEvents } from "@/lib/queries/admin";
import { useProjects, useUsers } from "@/lib/queries/identity";
import { Button } from "@/components/ui/button";
import { EmptyState, ErrorMessage, Loading } from "@/components/ui/feedback";
import { Field, SelectField } from "@/components/ui/field";
import { Cell, Table } from "@/components/ui/table";

// The audit log, filtered and paged on the server. Everything that decides what is shown lives in
// the URL (filters, page size, the page's marker and the markers of the pages before it), so a view
// can be reloaded, shared and walked with the browser's back button.

const FILTER_KEYS = [
  "action",
  "target_type",
  "target_id",
  "user_id",
  "project_id",
  "outcome",
  "since",
  "until",
] as const;
type FilterKey = (typeof FILTER_KEYS)[number];

const KNOWN_ACTIONS = [
  "auth.sign_in",
  "identity.token.issue",
  "identity.token.revoke",
  "identity.project.create",
  "identity.project.update",
  "identity.project.delete",
  "identity.user.create",
  "identity.user.update",
  "identity.user.delete",
  "identity.user.change_password",
  "identity.role_assignment.create",
  "identity.role_assignment.delete",
  "identity.application_credential.create",
  "identity.application_credential.delete",
  "image.create",
  "image.update",
  "image.delete",
  "image.upload",
  "image.upload.start",
  "image.upload.cancel",
  "image.stage",
  "image.import",
  "image.tag.add",
  "image.tag.delete",
  "image.member.create",
  "image.member.update",
  "image.member.delete",
  "image.store.delete",
  "limit.create",
  "limit.update",
  "limit.delete",
];
const TARGET_TYPES = ["image", "project", "user", "role", "token", "application_credential"];
const PAGE_SIZES = ["25", "50", "100", "200"];
/** Stands for "the first page" in the trail of earlier markers. */
const FIRST = "0";

/** ISO time → the value of a datetime-local input, in the browser's time zone. */
function toLocalInput(iso: string | null): string {
  if (!iso) return "";
  const d = new Date(iso);
  if (Number.isNaN(d.getTime())) return "";
  const pad = (n: number) => String(n).padStart(2, "0");
  return `${d.getFullYear()}-${pad(d.getMonth() + 1)}-${pad(d.getDate())}T${pad(d.getHours())}:${pad(d.getMinutes())}`;
}
/** A datetime-local value (local time) → ISO time in UTC, as the API takes it. */
function fromLocalInput(v: string): string | undefined {
  if (!v) return undefined;
  const d = new Date(v);
  return Number.isNaN(d.getTime()) ? undefined : d.toISOString();
}

const dateFormat = new Intl.DateTimeFormat(undefined, { dateStyle: "medium" });
const clockFormat = new Intl.DateTimeFormat(undefined, { timeStyle: "medium" });
/** Long ids shortened for the table; the whole id is in the link's title and accessible name. */
const shortId = (id: string) => (id.length > 12 ? `${id.slice(0, 8)}…` : id);

export function AuditLog() {
  const router = useRouter();
  const pathname = usePathname();
  const params = useSearchParams();
  const filters: AuditFilters = {};
  for (const k of FILTER_KEYS) {
    const v = params.get(k);
    if (v) filters[k] = v;
  }
  // Any size the API takes (1–1000) works from the URL; the form offers the usual ones.
  const asked = params.get("limit") ?? "";
  const limit =
    /^\d+$/.test(asked) && Number(asked) >= 1 && Number(asked) <= 1000 ? String(Number(asked)) : "50";
  const marker = params.get("marker") ?? undefined;
  const trail = (params.get("back") ?? "").split(",").filter(Boolean);
  const events = useAuditEvents({ ...filters, limit: Number(limit), marker });
  const projects = useProjects();
  const users = useUsers();
  const projectName = new Map((projects.data ?? []).map((p) => [p.id, p.name]));
  const userName = new Map((users.data ?? []).map((u) => [u.id, u.name]));
  const targetName = (e: AuditEvent) =>
    !e.target_id
      ? undefined
      : e.target_type === "project"
        ? projectName.get(e.target_id)
        : e.target_type === "user"
          ? userName.get(e.target_id)
          : undefined;

  const go = (q: URLSearchParams) => router.push(`${pathname}${q.size ? `?${q}` : ""}`);
  /** The URL of these filters with some changed, back on the first page. */
  const withFilters = (change: Partial<Record<FilterKey | "limit", string | undefined>>) => {
    const q = new URLSearchParams();
    for (const k of FILTER_KEYS) if (filters[k]) q.set(k, filters[k]!);
    if (limit !== "50") q.set("limit", limit);
    for (const [k, v] of Object.entries(change)) {
      if (v) q.set(k, v);
      else q.delete(k);
    }
    return q;
  };
  const page = (nextMarker: string | undefined, nextTrail: string[]) => {
    const q = withFilters({});
    if (nextMarker) q.set("marker", nextMarker);
    if (nextTrail.length) q.set("back", nextTrail.join(","));
    go(q);
  };
  const older = () => {
    if (events.data?.next) page(events.data.next, [...trail, marker ?? FIRST]);
  };
  const newer = () => {
    const prev = trail[trail.length - 1];
    page(prev === FIRST ? undefined : prev, trail.slice(0, -1));
  };
  const filterLink = (change: Partial<Record<FilterKey, string>>) => `${pathname}?${withFilters(change)}`;
  const active = FILTER_KEYS.some((k) => filters[k]);

  return (
    <div className="space-y-4">
      <div className="flex flex-wrap items-end justify-between gap-3">
        <div>
          <h1 className="text-2xl font-semibold">Audit log</h1>
          <p className="text-sm text-slate-600 dark:text-slate-400">
            Who did what, when and from where, newest first.
          </p>
        </div>
        <Button variant="secondary" onClick={() => events.refetch()} disabled={events.isFetching}>
          {events.isFetching ? "Refreshing…" : "Refresh"}
        </Button>
      </div>
      <AuditFilterForm
        key={params.toString()}
        filters={filters}
        limit={limit}
        projects={(projects.data ?? []).map((p) => ({ value: p.id, label: p.name }))}
        users={(users.data ?? []).map((u) => ({ value: u.id, label: u.name }))}
        onApply={(f, size) => go(withFilters({ ...f, limit: size === "50" ? undefined : size }))}
        onClear={() => go(new URLSearchParams())}
        active={active}
      />
      {events.isPending && <Loading label="Loading events…" />}
      <ErrorMessage error={events.error} />
      {events.data && events.data.events.length === 0 && (
        <EmptyState>
          {trail.length > 0
            ? "No older events."
            : active
              ? "No event matches these filters."
              : "Nothing has been recorded yet."}
        </EmptyState>
      )}
      {events.data && events.data.events.length > 0 && (
        <div aria-busy={events.isPlaceholderData} className={events.isPlaceholderData ? "opacity-60" : ""}>
          <Table
            caption="Audit events"
            head={["Time", "Who", "Project", "Action", "Target", "Outcome", "Address", "Details"]}
          >
            {events.data.events.map((e) => (
              <AuditRow
                key={e.id}
                event={e}
                projectName={e.project_id ? projectName.get(e.project_id) : undefined}
                targetName={targetName(e)}
                filterLink={filterLink}
              />
            ))}
          </Table>
        </div>
      )}
      {(trail.length > 0 || events.data?.next) && (
        <nav aria-label="Pages" className="flex items-center justify-between gap-3">
          <Button variant="secondary" disabled={trail.length === 0} onClick={newer}>
            ← Newer
          </Button>
          <span className="text-sm text-slate-600 dark:text-slate-400">Page {trail.length + 1}</span>
          <Button
            variant="secondary"
            disabled={!events.data?.next || events.isPlaceholderData}
            onClick={older}
          >
            Older →
          </Button>
        </nav>
      )}
    </div>
  );
}

interface AuditFilterFormProps {
  filters: AuditFilters;
  limit: string;
  projects: { value: string; label: string }[];
  users: { value: string; label: string }[];
  active: boolean;
  onApply: (f: Partial<Record<FilterKey, string | undefined>>, limit: string) => void;
  onClear: () => void;
}

/** The filters, as a form: nothing changes until it is applied, so typing does not fire requests. */
function AuditFilterForm({
  filters,
  limit,
  projects,
  users,
  active,
  onApply,
  onClear,
}: AuditFilterFormProps) {
  const [invalid, setInvalid] = useState<string | null>(null);
  // An id in the URL that the lists do not (yet) hold still shows as a choice.
  const withCurrent = (opts: { value: string; label: string }[], current: string | undefined) =>
    current && !opts.some((o) => o.value === current) ? [...opts, { value: current, label: current }] : opts;

  function onSubmit(e: FormEvent<HTMLFormElement>) {
    e.preventDefault();
    const f = new FormData(e.currentTarget);
    const s = (k: string) => String(f.get(k) ?? "").trim() || undefined;
    const since = fromLocalInput(s("since") ?? "");
    const until = fromLocalInput(s("until") ?? "");
    if (since && until && since > until) {
      setInvalid("The start of the time range is after its end.");
      return;
    }
    setInvalid(null);
    onApply(
      {
        action: s("action"),
        target_type: s("target_type"),
        target_id: s("target_id"),
        user_id: s("user_id"),
        project_id: s("project_id"),
        outcome: s("outcome"),
        since,
        until,
      },
      s("limit") ?? "50",
    );
  }

  return (
    <form
      onSubmit={onSubmit}
      aria-label="Filter the audit log"
      className="grid grid-cols-1 gap-3 rounded-lg border border-slate-200 bg-white p-4 sm:grid-cols-2 md:grid-cols-3 lg:grid-cols-4 dark:border-slate-800 dark:bg-slate-900"
    >
      <Field
        label="Action"
        name="action"
        list="audit-actions"
        defaultValue={filters.action ?? ""}
        hint="Matches the start: “image” is every image action."
        autoComplete="off"
      />
      <datalist id="audit-actions">
        {KNOWN_ACTIONS.map((a) => (
          <option key={a} value={a} />
        ))}
      </datalist>
      <SelectField
        label="Target type"
        name="target_type"
        defaultValue={filters.target_type ?? ""}
        options={[
          { value: "", label: "Any" },
          ...withCurrent(
            TARGET_TYPES.map((t) => ({ value: t, label: t.replace("_", " ") })),
            filters.target_type,
          ),
        ]}
      />
      <Field label="Target ID" name="target_id" defaultValue={filters.target_id ?? ""} autoComplete="off" />
      <SelectField
        label="Outcome"
        name="outcome"
        defaultValue={filters.outcome ?? ""}
        options={[
          { value: "", label: "Any" },
          { value: "success", label: "Success" },
          { value: "failure", label: "Failure" },
        ]}
      />
      <SelectField
        label="User"
        name="user_id"
        defaultValue={filters.user_id ?? ""}
        options={[{ value: "", label: "Anyone" }, ...withCurrent(users, filters.user_id)]}
      />
      <SelectField
        label="Project"
        name="project_id"
        defaultValue={filters.project_id ?? ""}
        options={[{ value: "", label: "Any" }, ...withCurrent(projects, filters.project_id)]}
      />
      <Field
        label="From"
        name="since"
        type="datetime-local"
        defaultValue={toLocalInput(filters.since ?? null)}
      />
      <Field
        label="To"
        name="until"
        type="datetime-local"
        defaultValue={toLocalInput(filters.until ?? null)}
      />
      <SelectField
        label="Per page"
        name="limit"
        defaultValue={limit}
        options={(PAGE_SIZES.includes(limit) ? PAGE_SIZES : [limit, ...PAGE_SIZES]).map((n) => ({
          value: n,
          label: n,
        }))}
      />
      <div className="flex items-end gap-2 sm:col-span-2 md:col-span-2 lg:col-span-3">
        <Button type="submit">Apply filters</Button>
        {active && (
          <Button variant="secondary" onClick={onClear}>
            Clear filters
          </Button>
        )}
        <ErrorMessage error={invalid} />
      </div>
    </form>
  );
}

/** A detail as people read it: byte counts (an upload's size, a size limit) also in KiB/MiB/GiB. */
function detailValue(key: string, v: unknown, detail: unknown): string {
  const text = typeof v === "string" ? v : JSON.stringify(v);
  const resource = (detail as { resource?: unknown }).resource;
  const bytes =
    key === "size" ||
    (key === "limit" && (resource === "image_size_total" || resource === "image_stage_total"));
  const n = Number(v);
  if (!bytes || v === null || v === "" || !Number.isFinite(n)) return text;
  if (n < 0) return "unlimited";
  return n < 1024 ? formatBytes(n) : `${formatBytes(n)} (${n.toLocaleString("en")} bytes)`;
}

interface AuditRowProps {
  event: AuditEvent;
  projectName?: string;
  targetName?: string;
  filterLink: (change: Partial<Record<FilterKey, string>>) => string;
}

const linkClass =
  "rounded text-indigo-700 underline-offset-2 hover:underline focus:outline-none focus-visible:ring-2 focus-visible:ring-indigo-500 dark:text-indigo-300";

function AuditRow({ event: e, projectName, targetName, filterLink }: AuditRowProps) {
  const detail = e.detail && typeof e.detail === "object" ? Object.entries(e.detail) : [];
  return (
    <tr data-event-id={e.id}>
      <Cell className="whitespace-nowrap">
        <time dateTime={e.created_at}>
          <span className="block">{dateFormat.format(new Date(e.created_at))}</span>
          <span className="block text-xs text-slate-600 dark:text-slate-400">
            {clockFormat.format(new Date(e.created_at))}
          </span>
        </time>
      </Cell>
      <Cell>
        {e.user_id ? (
          <Link
            href={filterLink({ user_id: e.user_id })}
            className={linkClass}
            title={`Only events by ${e.user_name ?? e.user_id}`}
          >
            {e.user_name ?? e.user_id}
          </Link>
        ) : (
          <span className="text-slate-600 dark:text-slate-400">{e.user_name ?? "anonymous"}</span>
        )}
      </Cell>
      <Cell>
        {e.project_id ? (
          <Link
            href={filterLink({ project_id: e.project_id })}
            className={linkClass}
            title={`Only events in ${projectName ?? e.project_id}`}
          >
            {projectName ?? <span className="font-mono text-xs">{shortId(e.project_id)}</span>}
          </Link>
        ) : (
          "—"
        )}
      </Cell>
      <Cell className="font-mono text-xs whitespace-nowrap">{e.action}</Cell>
      <Cell>
        <span className="block text-xs text-slate-600 dark:text-slate-400">{e.target_type}</span>
        {e.target_id && (
          <Link
            href={filterLink({ target_type: e.target_type, target_id: e.target_id })}
            className={`${linkClass} text-xs`}
            title={`Only events about ${e.target_type} ${e.target_id}`}
          >
            {/* the accessible name holds the visible text (WCAG 2.5.3) and says what the link does */}
            <span className="sr-only">Only events about {e.target_type} </span>
            {targetName ?? <span className="font-mono">{shortId(e.target_id)}</span>}
          </Link>
        )}
      </Cell>
      <Cell>
        <span
          className={`inline-block rounded-full px-2 py-0.5 text-xs font-medium ${
            e.outcome === "success"
              ? "bg-emerald-50 text-emerald-800 dark:bg-emerald-950 dark:text-emerald-200"
              : "bg-red-50 text-red-800 dark:bg-red-950 dark:text-red-200"
          }`}
        >
          {e.outcome === "success" ? "Success" : "Failure"}
        </span>
      </Cell>
      <Cell className="font-mono text-xs">{e.remote_addr ?? "—"}</Cell>
      <Cell className="min-w-48 text-xs">
        {detail.length > 0 && (
          <dl className="grid grid-cols-[auto_1fr] gap-x-2">
            {detail.map(([k, v]) => (
              <div key={k} className="contents">
                <dt className="text-slate-600 dark:text-slate-400">{k}</dt>
                <dd className="break-all">{detailValue(k, v, e.detail)}</dd>
              </div>
            ))}
          </dl>
        )}
        <details className="mt-1">
          <summary className="cursor-pointer rounded text-slate-600 focus:outline-none focus-visible:ring-2 focus-visible:ring-indigo-500 dark:text-slate-400">
            Request
          </summary>
          <p className="break-all">Request ID: {e.request_id ?? "—"}</p>
          <p className="break-all">Client: {e.user_agent ?? "—"}</p>
        </details>
      </Cell>
    </tr>
  );
}
