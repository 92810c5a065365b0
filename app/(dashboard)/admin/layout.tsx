import type { ReactNode } from "react";
import { requireDashboardUser } from "@/lib/server/dashboard";

export default async function AdminLayout({ children }: { children: ReactNode }) {
  const me = await requireDashboardUser();
  if (!me.isAdmin)
    return (
      <section className="max-w-xl space-y-2">
        <h1 className="text-2xl font-semibold">Administration</h1>
        <p
          role="alert"
          className="rounded-md bg-amber-50 px-4 py-3 text-sm text-amber-900 dark:bg-amber-950 dark:text-amber-100"
        >
          You need the admin role in your current project to use the administration pages. Switch to a project
          where you are an administrator, or ask one.
        </p>
      </section>
    );
  return children;
}
