import type { ReactNode } from "react";
import { requireDashboardUser } from "@/lib/server/dashboard";
import { AppShell } from "@/components/layout/app-shell";
import { UploadProvider } from "@/components/images/upload-provider";

export const dynamic = "force-dynamic";

export default async function DashboardLayout({ children }: { children: ReactNode }) {
  const me = await requireDashboardUser();
  return (
    <AppShell me={me}>
      <UploadProvider>{children}</UploadProvider>
    </AppShell>
  );
}
