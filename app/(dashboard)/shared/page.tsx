import type { Metadata } from "next";
import { SharedInbox } from "@/components/shared/shared-inbox";
import { requireDashboardUser } from "@/lib/server/dashboard";

export const metadata: Metadata = { title: "Shared with us" };

const TABS = ["pending", "accepted", "rejected"] as const;

export default async function SharedPage({ searchParams }: { searchParams: Promise<{ status?: string }> }) {
  const me = await requireDashboardUser();
  const { status } = await searchParams;
  const tab = TABS.find((t) => t === status) ?? "pending";
  return <SharedInbox project={me.project} initialStatus={tab} />;
}
