import "server-only";
import { isoMicros } from "./tokens";

// Keystone's wire shapes for administration resources.

const base = (publicUrl: string) => `${publicUrl}/identity/v3`;

export function domainView(
  d: { id: string; name: string; description: string; enabled: boolean },
  publicUrl: string,
) {
  return {
    id: d.id,
    name: d.name,
    description: d.description,
    enabled: d.enabled,
    tags: [],
    options: {},
    links: { self: `${base(publicUrl)}/domains/${d.id}` },
  };
}

export function projectView(
  p: { id: string; name: string; domainId: string; description: string; enabled: boolean },
  publicUrl: string,
) {
  return {
    id: p.id,
    name: p.name,
    domain_id: p.domainId,
    description: p.description,
    enabled: p.enabled,
    is_domain: false,
    parent_id: p.domainId,
    tags: [],
    options: {},
    links: { self: `${base(publicUrl)}/projects/${p.id}` },
  };
}

export function userView(
  u: {
    id: string;
    name: string;
    domainId: string;
    email: string | null;
    description: string;
    enabled: boolean;
    defaultProjectId: string | null;
  },
  publicUrl: string,
) {
  const v: Record<string, unknown> = {
    id: u.id,
    name: u.name,
    domain_id: u.domainId,
    enabled: u.enabled,
    description: u.description,
    password_expires_at: null,
    options: {},
    links: { self: `${base(publicUrl)}/users/${u.id}` },
  };
  if (u.email) v.email = u.email;
  if (u.defaultProjectId) v.default_project_id = u.defaultProjectId;
  return v;
}

export function roleView(r: { id: string; name: string; description: string }, publicUrl: string) {
  return {
    id: r.id,
    name: r.name,
    domain_id: null,
    description: r.description,
    options: {},
    links: { self: `${base(publicUrl)}/roles/${r.id}` },
  };
}

export function appCredView(
  c: {
    id: string;
    name: string;
    description: string;
    userId: string;
    projectId: string;
    unrestricted: boolean;
    expiresAt: Date | null;
    roles: { role: { id: string; name: string } }[];
  },
  publicUrl: string,
) {
  return {
    id: c.id,
    name: c.name,
    description: c.description,
    user_id: c.userId,
    project_id: c.projectId,
    roles: c.roles.map((r) => ({ id: r.role.id, name: r.role.name, domain_id: null })),
    unrestricted: c.unrestricted,
    expires_at: c.expiresAt ? isoMicros(c.expiresAt) : null,
    access_rules: [],
    system: null,
    links: { self: `${base(publicUrl)}/users/${c.userId}/application_credentials/${c.id}` },
  };
}

export function collection<T>(key: string, items: T[], selfUrl: string) {
  return { [key]: items, links: { self: selfUrl, previous: null, next: null } };
}
