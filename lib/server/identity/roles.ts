import "server-only";
import { db } from "../db";

// Keystone's default implied roles: admin implies member, member implies reader.
export const IMPLIED_ROLES: Record<string, string[]> = {
  admin: ["member", "reader"],
  member: ["reader"],
};

export const BUILTIN_ROLES = ["admin", "member", "reader"] as const;

export function expandRoleNames(names: Iterable<string>): string[] {
  const out = new Set<string>();
  const visit = (n: string) => {
    if (out.has(n)) return;
    out.add(n);
    for (const m of IMPLIED_ROLES[n] ?? []) visit(m);
  };
  for (const n of names) visit(n);
  return [...out];
}

export interface RoleRef {
  id: string;
  name: string;
}

/** The effective roles (implied ones included) a user holds on a project. */
export async function effectiveRoles(userId: string, projectId: string): Promise<RoleRef[]> {
  const assigned = await db.roleAssignment.findMany({
    where: { userId, projectId },
    select: { role: { select: { id: true, name: true } } },
  });
  return withImplied(assigned.map((a) => a.role));
}

export async function withImplied(direct: RoleRef[]): Promise<RoleRef[]> {
  if (direct.length === 0) return [];
  const names = expandRoleNames(direct.map((r) => r.name));
  if (names.length === direct.length) return sortRoles(direct);
  const rows = await db.role.findMany({ where: { name: { in: names } }, select: { id: true, name: true } });
  return sortRoles(rows);
}

const ORDER = ["admin", "member", "reader"];
function sortRoles(roles: RoleRef[]): RoleRef[] {
  const rank = (n: string) => (ORDER.includes(n) ? ORDER.indexOf(n) : ORDER.length);
  return [...roles].sort((a, b) => rank(a.name) - rank(b.name) || a.name.localeCompare(b.name));
}
