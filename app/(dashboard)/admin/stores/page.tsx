import type { Metadata } from "next";
import { StoresAdmin } from "@/components/admin/stores-admin";

export const metadata: Metadata = { title: "Stores" };

export default function StoresPage() {
  return <StoresAdmin />;
}
