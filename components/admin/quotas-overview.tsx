"use client";

import Link from "next/link";
import { useState } from "react";
import { QUOTA_RESOURCES } from "@/lib/api/admin";
import { formatQuotaValue, formatUsage, RESOURCE_LABELS } from "@/lib/admin-format";
import { useLimits, useProjectsUsage, useRegisteredLimits } from "@/lib/queries/admin";
import { useProjects } from "@/lib/queries/identity";
import { Button } from "@/components/ui/button";
import { EmptyState, ErrorMessage, Loading } from "@/components/ui/feedback";
import { Field } from "@/components/ui/field";
import { Cell, Table } from "@/components/ui/table";
import { UsageBar } from "./usage-bar";

const PAGE_SIZE = 25;

/** Every project's use of each quota; a project's page changes its limits. */
export function QuotasOverview() {
  const projects = useProjects();
  const limits = useLimits();
  const defaults = useRegisteredLimits();
  const [search, setSearch] = useState("");
  const [pageIndex, setPageIndex] = useState(0);
  const matching = (projects.data ?? []).filter((p) => p.name.toLowerCase().includes(search.toLowerCase()));
  // Usage is one request per project: ask only for the projects on screen.
  const pages = Math.max(1, Math.ceil(matching.length / PAGE_SIZE));
  const pageNo = Math.min(pageIndex, pages - 1);
  const shown = matching.slice(pageNo * PAGE_SIZE, (pageNo + 1) * PAGE_SIZE);
  const usages = useProjectsUsage(shown.map((p) => p.id));
  const custom = new Set((limits.data ?? []).map((l) => `${l.project_id}:${l.resource_name}`));

  return (
    <div className="space-y-4">
      <div className="flex flex-wrap items-end justify-between gap-3">
        <div>
          <h1 className="text-2xl font-semibold">Quotas</h1>
          <p className="text-sm text-slate-600 dark:text-slate-400">
            Each project&apos;s use against its limits. Open a project to change them.
          </p>
        </div>
        <Field
          label="Search projects"
          value={search}
          onChange={(e) => {
            setSearch(e.target.value);
            setPageIndex(0);
          }}
          placeholder="Name"
        />
      </div>
      {defaults.data && (
        <section
          aria-labelledby="defaults-heading"
          className="rounded-lg border border-slate-200 bg-white p-4 text-sm dark:border-slate-800 dark:bg-slate-900"
        >
          <h2 id="defaults-heading" className="font-medium">
            Defaults
          </h2>
          <p className="mb-2 text-xs text-slate-600 dark:text-slate-400">
            For projects without a limit of their own; set in Iris&apos;s configuration (IRIS_QUOTA_*).
          </p>
          <dl className="grid grid-cols-2 gap-x-6 gap-y-1 md:grid-cols-4">
            {QUOTA_RESOURCES.map((r) => {
              const d = defaults.data.find((x) => x.resource_name === r);
              return (
                <div key={r}>
                  <dt className="text-slate-600 dark:text-slate-400">{RESOURCE_LABELS[r].name}</dt>
                  <dd className="font-medium">{d ? formatQuotaValue(r, d.default_limit) : "—"}</dd>
                </div>
              );
            })}
          </dl>
        </section>
      )}
      {projects.isPending && <Loading />}
      <ErrorMessage error={projects.error ?? limits.error ?? defaults.error} />
      {projects.data && shown.length === 0 && <EmptyState>No project matches.</EmptyState>}
      {shown.length > 0 && (
        <Table
          caption="Quota usage per project"
          head={["Project", ...QUOTA_RESOURCES.map((r) => RESOURCE_LABELS[r].name)]}
        >
          {shown.map((p, i) => {
            const u = usages[i];
            return (
              <tr key={p.id} data-project={p.name}>
                <Cell>
                  <Link
                    className="font-medium text-indigo-700 underline-offset-2 hover:underline dark:text-indigo-300"
                    href={`/admin/projects/${p.id}`}
                  >
                    {p.name}
                  </Link>
                  {!p.enabled && (
                    <span className="block text-xs text-slate-600 dark:text-slate-400">disabled</span>
                  )}
                </Cell>
                {QUOTA_RESOURCES.map((r, j) => (
                  <Cell key={r}>
                    {u?.data ? (
                      <>
                        <UsageBar
                          compact
                          label={`${RESOURCE_LABELS[r].name} of ${p.name}`}
                          used={u.data[r].usage}
                          limit={u.data[r].limit}
                          text={formatUsage(r, u.data[r].usage, u.data[r].limit)}
                        />
                        {custom.has(`${p.id}:${r}`) && (
                          <span className="text-xs text-slate-600 dark:text-slate-400">own limit</span>
                        )}
                      </>
                    ) : u?.error ? (
                      j === 0 && <ErrorMessage error={u.error} />
                    ) : (
                      j === 0 && <Loading />
                    )}
                  </Cell>
                ))}
              </tr>
            );
          })}
        </Table>
      )}
      {pages > 1 && (
        <nav aria-label="Pages" className="flex items-center justify-between gap-3">
          <Button variant="secondary" disabled={pageNo === 0} onClick={() => setPageIndex(pageNo - 1)}>
            ← Previous
          </Button>
          <span className="text-sm text-slate-600 dark:text-slate-400">
            Projects {pageNo * PAGE_SIZE + 1}–{pageNo * PAGE_SIZE + shown.length} of {matching.length}
          </span>
          <Button variant="secondary" disabled={pageNo >= pages - 1} onClick={() => setPageIndex(pageNo + 1)}>
            Next →
          </Button>
        </nav>
      )}
    </div>
  );
}
