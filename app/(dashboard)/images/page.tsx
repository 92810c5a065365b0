import type { Metadata } from "next";
import { Suspense } from "react";
import { ImageList } from "@/components/images/image-list";
import { Loading } from "@/components/ui/feedback";

export const metadata: Metadata = { title: "Images" };

export default function ImagesPage() {
  // The view lives in the URL query (useSearchParams), read in the browser.
  return (
    <Suspense fallback={<Loading label="Loading images…" />}>
      <ImageList />
    </Suspense>
  );
}
