import type { Metadata } from "next";
import { headers } from "next/headers";
import { AccountPage } from "@/components/account/account-page";
import { requireDashboardUser } from "@/lib/server/dashboard";

export const metadata: Metadata = { title: "Account" };

export default async function Account() {
  const me = await requireDashboardUser();
  const h = await headers();
  const proto = h.get("x-forwarded-proto") ?? "http";
  const origin = `${proto}://${h.get("host") ?? "localhost:3000"}`;
  return <AccountPage me={me} origin={origin} />;
}
