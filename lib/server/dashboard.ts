import "server-only";
import { redirect } from "next/navigation";
import { getServerSession } from "next-auth";
import { authOptions } from "./auth/next-auth";
import { db } from "./db";
import { expandRoleNames } from "./identity/roles";

export interface DashboardMe {
  user: { id: string; name: string; email: string | null };
  project: { id: string; name: string } | null;
  roles: string[];
  isAdmin: boolean;
  projects: { id: string; name: string; roles: string[] }[];
}

/** The signed-in user for a dashboard page, or a redirect to the sign-in page. */
export async function requireDashboardUser(): Promise<DashboardMe> {
  const session = (await getServerSession(authOptions)) as
    ({ userId?: string; projectId?: string | null; pwdAt?: number } & object) | null;
  if (!session?.userId) redirect("/login");
  const user = await db.user.findUnique({
    where: { id: session.userId },
    include: {
      assignments: { include: { project: true, role: true }, orderBy: { project: { name: "asc" } } },
    },
  });
  if (
    !user ||
    !user.enabled ||
    (session.pwdAt !== undefined && user.passwordChangedAt.getTime() > session.pwdAt)
  )
    redirect("/api/auth/signout");
  const byProject = new Map<string, { id: string; name: string; roles: string[] }>();
  for (const a of user.assignments) {
    if (!a.project.enabled) continue;
    const p = byProject.get(a.projectId) ?? { id: a.projectId, name: a.project.name, roles: [] };
    p.roles.push(a.role.name);
    byProject.set(a.projectId, p);
  }
  const projects = [...byProject.values()].map((p) => ({ ...p, roles: expandRoleNames(p.roles) }));
  const current = projects.find((p) => p.id === session.projectId) ?? null;
  const roles = current?.roles ?? [];
  return {
    user: { id: user.id, name: user.name, email: user.email },
    project: current ? { id: current.id, name: current.name } : null,
    roles,
    isAdmin: roles.includes("admin"),
    projects,
  };
}
