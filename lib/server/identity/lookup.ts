import "server-only";
import { db } from "../db";
import { badRequest } from "../errors";
import { boolLiteral, sql } from "../sql";

// Resolution of Keystone-style references: {id} or {name, domain: {id} | {name}}.

export interface DomainRef {
  id?: string;
  name?: string;
}
export interface NamedRef {
  id?: string;
  name?: string;
  domain?: DomainRef;
}

export async function resolveDomainId(ref: DomainRef | undefined, what: string): Promise<string | null> {
  if (!ref || (ref.id === undefined && ref.name === undefined))
    throw badRequest(`Expecting to find domain in ${what}: give domain.id or domain.name.`);
  if (ref.id !== undefined) {
    const d = await db.domain.findUnique({ where: { id: ref.id }, select: { id: true } });
    return d?.id ?? null;
  }
  const d = await db.domain.findUnique({ where: { name: ref.name! }, select: { id: true } });
  return d?.id ?? null;
}

export async function findUserByRef(ref: NamedRef) {
  const include = { domain: true } as const;
  if (ref.id !== undefined) return db.user.findUnique({ where: { id: ref.id }, include });
  if (ref.name === undefined) throw badRequest("Expecting to find id or name in user.");
  const domainId = await resolveDomainId(ref.domain, "user");
  if (!domainId) return null;
  return db.user.findUnique({ where: { domainId_name: { domainId, name: ref.name } }, include });
}

export async function findProjectByRef(ref: NamedRef) {
  const include = { domain: true } as const;
  if (ref.id !== undefined) return db.project.findUnique({ where: { id: ref.id }, include });
  if (ref.name === undefined) throw badRequest("Expecting to find id or name in project.");
  const domainId = await resolveDomainId(ref.domain, "project");
  if (!domainId) return null;
  return db.project.findUnique({ where: { domainId_name: { domainId, name: ref.name } }, include });
}

/**
 * Projects to share an image with, for the dashboard's member picker: enabled projects whose name
 * starts with `q` (case-insensitive; at least 2 characters) or whose id is `q`, at most 10. Names
 * are what a member needs to recognise; nothing else about a project is shown.
 */
export async function searchProjects(q: string): Promise<{ id: string; name: string; domain: string }[]> {
  const term = q.trim();
  if (term.length < 2) throw badRequest("Type at least 2 characters of the project's name (or its id).");
  if (term.length > 64) throw badRequest("A project name or id has at most 64 characters.");
  // lower(name) LIKE 'term%' is a case-insensitive prefix match on both SQLite and PostgreSQL.
  const db2 = sql();
  const like = `${term.toLowerCase().replace(/[\\%_]/g, (c) => `\\${c}`)}%`;
  const rows = await db2.all(
    `SELECT p.id, p.name, d.name AS domain FROM projects p JOIN domains d ON d.id = p.domain_id WHERE p.enabled = ${boolLiteral(db2.dialect, true)} AND (p.id = ? OR lower(p.name) LIKE ? ESCAPE '\\') ORDER BY p.name LIMIT 10`,
    [term, like],
  );
  return rows.map((p) => ({ id: String(p.id), name: String(p.name), domain: String(p.domain) }));
}
