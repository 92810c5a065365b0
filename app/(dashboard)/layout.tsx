import type { ReactNode } from "react";
import { requireDashboardUser } from "@/lib/server/dashboard";
import { AppShell } from "@/components/layout/app-shell";

export const dynamic = "force-dynamic";

export default async function DashboardLayout({ children }: { children: ReactNode }) {
  const me = await requireDashboardUser();
  return <AppShell me={me}>{children}</AppShell>;
}
