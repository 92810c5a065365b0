import type { Metadata } from "next";
import { ImageDetail } from "@/components/images/image-detail";
import { requireDashboardUser } from "@/lib/server/dashboard";

export const metadata: Metadata = { title: "Image" };

export default async function ImagePage({ params }: { params: Promise<{ imageId: string }> }) {
  const { imageId } = await params;
  const me = await requireDashboardUser();
  return <ImageDetail imageId={imageId} currentProjectId={me.project?.id ?? null} isAdmin={me.isAdmin} />;
}
