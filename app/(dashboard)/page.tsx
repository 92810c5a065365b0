import type { Metadata } from "next";
import { requireDashboardUser } from "@/lib/server/dashboard";
import { ImageUsageCard } from "@/components/images/image-usage-card";

export const metadata: Metadata = { title: "Overview" };

export default async function OverviewPage() {
  const me = await requireDashboardUser();
  return (
    <div className="space-y-6">
      <h1 className="text-2xl font-semibold">Overview</h1>
      <section
        aria-labelledby="project-heading"
        className="rounded-lg border border-slate-200 bg-white p-5 dark:border-slate-800 dark:bg-slate-900"
      >
        <h2 id="project-heading" className="mb-2 text-lg font-medium">
          Current project
        </h2>
        {me.project ? (
          <dl className="grid grid-cols-[max-content_1fr] gap-x-6 gap-y-1 text-sm">
            <dt className="text-slate-600 dark:text-slate-400">Name</dt>
            <dd data-testid="overview-project">{me.project.name}</dd>
            <dt className="text-slate-600 dark:text-slate-400">ID</dt>
            <dd className="font-mono">{me.project.id}</dd>
            <dt className="text-slate-600 dark:text-slate-400">Your roles</dt>
            <dd>{me.roles.join(", ")}</dd>
          </dl>
        ) : (
          <p className="text-sm">
            You have no role on any project yet. Ask an administrator to add you to one.
          </p>
        )}
      </section>
      {me.project && <ImageUsageCard />}
    </div>
  );
}
