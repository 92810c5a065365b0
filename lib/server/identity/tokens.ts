import "server-only";
import crypto from "node:crypto";
import { db } from "../db";
import { env } from "../env";
import { unauthorized } from "../errors";
import { newSecret, sha256Hex } from "../ids";
import { verifyPassword } from "../auth/passwords";
import { assertNotThrottled, recordFailure, recordSuccess } from "../auth/throttle";
import { effectiveRoles, withImplied, type RoleRef } from "./roles";
import { findProjectByRef, findUserByRef, type NamedRef } from "./lookup";

// Identity tokens: random, stored only as SHA-256, with an expiry, revocable.

export interface ScopeInfo {
  tokenId: string; // sha256 of the token
  auditId: string;
  methods: string[];
  issuedAt: Date;
  expiresAt: Date;
  user: { id: string; name: string; domainId: string; domainName: string };
  project: { id: string; name: string; domainId: string; domainName: string } | null;
  roles: RoleRef[];
  applicationCredential: { id: string; name: string; restricted: boolean } | null;
}

export interface ScopeRequest {
  project?: NamedRef;
  unscoped?: boolean;
}

const WRONG_CREDENTIALS = "The username or password is incorrect.";

/** Password method: returns the user once the password checks out (throttled per account and address). */
export async function checkPassword(userRef: NamedRef, password: string, address: string | null) {
  const account = userRef.name ?? userRef.id ?? "";
  await assertNotThrottled({ account, address });
  const user = await findUserByRef(userRef);
  const ok = await verifyPassword(user?.passwordHash, password);
  if (!user || !ok || !user.enabled) {
    await recordFailure({ account, address });
    throw unauthorized(WRONG_CREDENTIALS);
  }
  await recordSuccess({ account, address });
  return user;
}

async function resolveScope(
  userId: string,
  defaultProjectId: string | null,
  scope: ScopeRequest,
): Promise<{ project: ScopeInfo["project"]; roles: RoleRef[] }> {
  let ref = scope.project;
  if (!ref && !scope.unscoped && defaultProjectId) ref = { id: defaultProjectId };
  if (!ref) return { project: null, roles: [] };
  const project = await findProjectByRef(ref);
  const label = ref.id ?? ref.name;
  if (!project || !project.enabled) {
    if (!scope.project) return { project: null, roles: [] }; // a stale default project: unscoped
    throw unauthorized(`You have no role on project '${label}', or it does not exist or is disabled.`);
  }
  const roles = await effectiveRoles(userId, project.id);
  if (roles.length === 0) {
    if (!scope.project) return { project: null, roles: [] };
    throw unauthorized(`You have no role on project '${label}', or it does not exist or is disabled.`);
  }
  return {
    project: {
      id: project.id,
      name: project.name,
      domainId: project.domainId,
      domainName: project.domain.name,
    },
    roles,
  };
}

async function persist(
  info: Omit<ScopeInfo, "tokenId" | "auditId" | "issuedAt" | "expiresAt">,
  expiresCap?: Date | null,
) {
  const token = newSecret();
  const issuedAt = new Date();
  let expiresAt = new Date(issuedAt.getTime() + env().IRIS_TOKEN_TTL * 1000);
  if (expiresCap && expiresCap < expiresAt) expiresAt = expiresCap;
  const auditId = crypto.randomBytes(16).toString("base64url").slice(0, 22);
  const tokenId = sha256Hex(token);
  await db.token.create({
    data: {
      id: tokenId,
      userId: info.user.id,
      projectId: info.project?.id ?? null,
      applicationCredentialId: info.applicationCredential?.id ?? null,
      methods: info.methods.join(","),
      auditId,
      issuedAt,
      expiresAt,
    },
  });
  return { token, info: { ...info, tokenId, auditId, issuedAt, expiresAt } satisfies ScopeInfo };
}

export async function issuePasswordToken(
  userRef: NamedRef,
  password: string,
  scope: ScopeRequest,
  address: string | null,
) {
  const user = await checkPassword(userRef, password, address);
  const { project, roles } = await resolveScope(user.id, user.defaultProjectId, scope);
  return persist({
    methods: ["password"],
    user: { id: user.id, name: user.name, domainId: user.domainId, domainName: user.domain.name },
    project,
    roles,
    applicationCredential: null,
  });
}

/** Token method: a new token for the same user, possibly scoped to another project. */
export async function issueRescopedToken(existing: string, scope: ScopeRequest) {
  const current = await validateToken(existing);
  if (!current.ok) throw unauthorized(current.reason);
  if (current.info.applicationCredential)
    throw unauthorized("A token from an application credential cannot be rescoped.");
  const user = current.info.user;
  const { project, roles } = await resolveScope(user.id, null, { ...scope, unscoped: !scope.project });
  const methods = [...new Set([...current.info.methods, "token"])];
  return persist({ methods, user, project, roles, applicationCredential: null }, current.info.expiresAt);
}

export interface AppCredentialAuth {
  id?: string;
  name?: string;
  secret: string;
  user?: NamedRef;
}

export async function issueAppCredentialToken(ref: AppCredentialAuth, address: string | null) {
  const account = `appcred:${ref.id ?? ref.name ?? ""}`;
  await assertNotThrottled({ account, address });
  let cred;
  if (ref.id) {
    cred = await db.applicationCredential.findUnique({ where: { id: ref.id }, include: appCredInclude });
  } else if (ref.name && ref.user) {
    const user = await findUserByRef(ref.user);
    cred = user
      ? await db.applicationCredential.findUnique({
          where: { userId_name: { userId: user.id, name: ref.name } },
          include: appCredInclude,
        })
      : null;
  } else {
    throw unauthorized("An application credential needs its id, or its name and its user.");
  }
  const secretOk = cred ? sha256Hex(ref.secret) === cred.secretHash : false;
  if (!cred || !secretOk || !cred.user.enabled) {
    await recordFailure({ account, address });
    throw unauthorized("The application credential or its secret is incorrect.");
  }
  if (cred.expiresAt && cred.expiresAt <= new Date())
    throw unauthorized(`The application credential expired at ${cred.expiresAt.toISOString()}.`);
  await recordSuccess({ account, address });
  const roles = await appCredRoles(cred);
  if (!cred.project.enabled || roles.length === 0)
    throw unauthorized("The application credential's user no longer has a role on its project.");
  return persist(
    {
      methods: ["application_credential"],
      user: {
        id: cred.user.id,
        name: cred.user.name,
        domainId: cred.user.domainId,
        domainName: cred.user.domain.name,
      },
      project: {
        id: cred.project.id,
        name: cred.project.name,
        domainId: cred.project.domainId,
        domainName: cred.project.domain.name,
      },
      roles,
      applicationCredential: { id: cred.id, name: cred.name, restricted: !cred.unrestricted },
    },
    cred.expiresAt,
  );
}

const appCredInclude = {
  user: { include: { domain: true } },
  project: { include: { domain: true } },
  roles: { include: { role: { select: { id: true, name: true } } } },
} as const;

/** An application credential acts with the roles it was given that its user still holds. */
async function appCredRoles(cred: {
  userId: string;
  projectId: string;
  roles: { role: RoleRef }[];
}): Promise<RoleRef[]> {
  const held = await effectiveRoles(cred.userId, cred.projectId);
  const heldNames = new Set(held.map((r) => r.name));
  const granted = cred.roles.map((r) => r.role).filter((r) => heldNames.has(r.name));
  return withImplied(granted);
}

export type Validation = { ok: true; info: ScopeInfo } | { ok: false; reason: string };

// A short-lived cache of validated tokens: validation reads five tables, and every API request
// carries a token. Any revocation or role change made through this process clears it.
const CACHE_MAX = 10_000;
const tokenCache = new Map<string, { info: ScopeInfo; until: number }>();

export function invalidateTokenCache(): void {
  tokenCache.clear();
}

/** Checks a token presented by a client; the reason says what to fix when it fails. */
export async function validateToken(token: string): Promise<Validation> {
  if (!token || token.length > 512) return { ok: false, reason: "The token is not valid." };
  const ttl = env().IRIS_TOKEN_CACHE_SECONDS * 1000;
  const key = sha256Hex(token);
  const now = Date.now();
  const hit = ttl > 0 ? tokenCache.get(key) : undefined;
  if (hit && hit.until > now && hit.info.expiresAt.getTime() > now) return { ok: true, info: hit.info };
  const v = await validateUncached(token);
  if (v.ok && ttl > 0) {
    if (tokenCache.size >= CACHE_MAX) tokenCache.delete(tokenCache.keys().next().value!);
    tokenCache.set(key, { info: v.info, until: now + ttl });
  }
  return v;
}

async function validateUncached(token: string): Promise<Validation> {
  const row = await db.token.findUnique({
    where: { id: sha256Hex(token) },
    include: {
      user: { include: { domain: true } },
      project: { include: { domain: true } },
      applicationCredential: {
        include: { roles: { include: { role: { select: { id: true, name: true } } } } },
      },
    },
  });
  if (!row)
    return {
      ok: false,
      reason: "The token is not recognised: get a new one (for example with `openstack token issue`).",
    };
  if (row.revokedAt) return { ok: false, reason: "The token has been revoked: get a new one." };
  if (row.expiresAt <= new Date())
    return { ok: false, reason: `The token expired at ${isoSeconds(row.expiresAt)}: get a new one.` };
  if (!row.user.enabled) return { ok: false, reason: "The token's user is disabled." };
  if (row.user.passwordChangedAt > row.issuedAt)
    return {
      ok: false,
      reason: "The user's password has changed since the token was issued: get a new one.",
    };
  let roles: RoleRef[] = [];
  let project: ScopeInfo["project"] = null;
  if (row.project) {
    if (!row.project.enabled) return { ok: false, reason: "The token's project is disabled." };
    const cred = row.applicationCredential;
    if (row.applicationCredentialId && !cred)
      return { ok: false, reason: "The token's application credential has been deleted." };
    roles = cred ? await appCredRoles(cred) : await effectiveRoles(row.userId, row.project.id);
    if (roles.length === 0)
      return { ok: false, reason: "The token's user no longer has a role on its project: get a new token." };
    project = {
      id: row.project.id,
      name: row.project.name,
      domainId: row.project.domainId,
      domainName: row.project.domain.name,
    };
  }
  return {
    ok: true,
    info: {
      tokenId: row.id,
      auditId: row.auditId,
      methods: row.methods.split(",").filter(Boolean),
      issuedAt: row.issuedAt,
      expiresAt: row.expiresAt,
      user: {
        id: row.user.id,
        name: row.user.name,
        domainId: row.user.domainId,
        domainName: row.user.domain.name,
      },
      project,
      roles,
      applicationCredential: row.applicationCredential
        ? {
            id: row.applicationCredential.id,
            name: row.applicationCredential.name,
            restricted: !row.applicationCredential.unrestricted,
          }
        : null,
    },
  };
}

export async function revokeToken(token: string): Promise<boolean> {
  invalidateTokenCache();
  const r = await db.token.updateMany({
    where: { id: sha256Hex(token), revokedAt: null },
    data: { revokedAt: new Date() },
  });
  invalidateTokenCache(); // again: a request may have cached it while the update ran
  return r.count > 0;
}

/** Ends every live token of a user (password change, user disabled). */
export async function revokeUserTokens(userId: string, projectId?: string): Promise<number> {
  invalidateTokenCache();
  const r = await db.token.updateMany({
    where: { userId, revokedAt: null, expiresAt: { gt: new Date() }, ...(projectId ? { projectId } : {}) },
    data: { revokedAt: new Date() },
  });
  invalidateTokenCache();
  return r.count;
}

export function isoSeconds(d: Date): string {
  return d.toISOString().replace(/\.\d{3}Z$/, "Z");
}

/** Keystone writes expiry with microseconds: 2015-11-09T01:42:57.527363Z. */
export function isoMicros(d: Date): string {
  return d.toISOString().replace(/Z$/, "000Z");
}
