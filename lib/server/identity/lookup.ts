import "server-only";
import { db } from "../db";
import { badRequest } from "../errors";

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
