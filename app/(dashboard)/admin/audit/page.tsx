import type { Metadata } from "next";
import { Suspense } from "react";
import { AuditLog } from "@/components/admin/audit-log";
import { Loading } from "@/components/ui/feedback";

export const metadata: Metadata = { title: "Audit log" };

export default function AuditPage() {
  // useSearchParams (the filters live in the URL) needs a Suspense boundary.
  return (
    <Suspense fallback={<Loading />}>
      <AuditLog />
    </Suspense>
  );
}
