import type { Metadata } from "next";
import { ProjectsAdmin } from "@/components/admin/projects-admin";

export const metadata: Metadata = { title: "Projects" };

export default function ProjectsPage() {
  return <ProjectsAdmin />;
}
