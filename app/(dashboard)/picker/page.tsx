import type { Metadata } from "next";
import { PickerPage } from "@/components/images/picker-page";

export const metadata: Metadata = { title: "Launch an image" };

export default function Page() {
  return <PickerPage />;
}
