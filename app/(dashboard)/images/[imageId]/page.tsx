import type { Metadata } from "next";
import { ImageDetail } from "@/components/images/image-detail";

export const metadata: Metadata = { title: "Image" };

export default async function ImagePage({ params }: { params: Promise<{ imageId: string }> }) {
  const { imageId } = await params;
  return <ImageDetail imageId={imageId} />;
}
