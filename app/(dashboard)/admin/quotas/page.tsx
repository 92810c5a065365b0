import type { Metadata } from "next";
import { QuotasOverview } from "@/components/admin/quotas-overview";

export const metadata: Metadata = { title: "Quotas" };

export default function QuotasPage() {
  return <QuotasOverview />;
}
