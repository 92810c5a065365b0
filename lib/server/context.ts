import "server-only";
import crypto from "node:crypto";
import { getServerSession } from "next-auth";
import { db } from "./db";
import { env } from "./env";
import { AppError, unauthorized } from "./errors";
import { authOptions } from "./auth/next-auth";
import { addressFromForwardedFor } from "./http/address";
import { effectiveRoles } from "./identity/roles";
import { validateToken, type ScopeInfo } from "./identity/tokens";

// Who is calling, from where, and with which roles on which project. Built once per request
// from X-Auth-Token / Authorization: Bearer (programs) or the dashboard's session cookie.

export interface Caller {
  via: "token" | "session";
  userId: string;
  userName: string;
  domainId: string;
  projectId: string | null;
  projectName: string | null;
  /** Effective role names on the project (implied roles included). */
  roles: string[];
  tokenId?: string;
  applicationCredentialId?: string | null;
  scope?: ScopeInfo;
}

export interface RequestContext {
  requestId: string;
  remoteAddr: string | null;
  userAgent: string | null;
  publicUrl: string;
  caller: Caller | null;
  /** Why authentication failed, when a credential was presented but refused. */
  authFailure: string | null;
}

export function clientAddress(headers: Headers): string | null {
  return addressFromForwardedFor(headers.get("x-forwarded-for"));
}

/** The server's public base URL: IRIS_PUBLIC_URL, else the address the request came to. */
export function publicUrlFor(req: Request): string {
  const configured = env().IRIS_PUBLIC_URL;
  if (configured) return configured.replace(/\/$/, "");
  const url = new URL(req.url);
  const trust = env().IRIS_TRUST_PROXY;
  const proto =
    (trust && req.headers.get("x-forwarded-proto")?.split(",")[0]?.trim()) || url.protocol.replace(":", "");
  const host =
    (trust && req.headers.get("x-forwarded-host")?.split(",")[0]?.trim()) ||
    req.headers.get("host") ||
    url.host;
  return `${proto}://${host}`;
}

export function bearerToken(headers: Headers): string | null {
  const x = headers.get("x-auth-token");
  if (x) return x.trim();
  const a = headers.get("authorization");
  if (a && /^bearer\s+/i.test(a)) return a.replace(/^bearer\s+/i, "").trim();
  return null;
}

export async function getRequestContext(req: Request): Promise<RequestContext> {
  const requestId = req.headers.get("x-openstack-request-id")?.match(/^req-[0-9a-f-]{36}$/)
    ? req.headers.get("x-openstack-request-id")!
    : `req-${crypto.randomUUID()}`;
  const ctx: RequestContext = {
    requestId,
    remoteAddr: clientAddress(req.headers),
    userAgent: req.headers.get("user-agent"),
    publicUrl: publicUrlFor(req),
    caller: null,
    authFailure: null,
  };
  const token = bearerToken(req.headers);
  if (token !== null) {
    const v = await validateToken(token);
    if (!v.ok) {
      ctx.authFailure = v.reason;
      return ctx;
    }
    const s = v.info;
    ctx.caller = {
      via: "token",
      userId: s.user.id,
      userName: s.user.name,
      domainId: s.user.domainId,
      projectId: s.project?.id ?? null,
      projectName: s.project?.name ?? null,
      roles: s.roles.map((r) => r.name),
      tokenId: s.tokenId,
      applicationCredentialId: s.applicationCredential?.id ?? null,
      scope: s,
    };
    return ctx;
  }
  ctx.caller = await sessionCaller(req);
  return ctx;
}

/** The dashboard's session, re-checked against the database on every request. */
async function sessionCaller(req: Request): Promise<Caller | null> {
  if (!req.headers.get("cookie")?.includes("session-token")) return null;
  const session = await getServerSession(authOptions);
  const s = session as unknown as { userId?: string; projectId?: string | null; pwdAt?: number } | null;
  if (!s?.userId) return null;
  const user = await db.user.findUnique({ where: { id: s.userId } });
  if (!user || !user.enabled) return null;
  if (s.pwdAt !== undefined && user.passwordChangedAt.getTime() > s.pwdAt) return null;
  let projectId: string | null = null;
  let projectName: string | null = null;
  let roles: string[] = [];
  if (s.projectId) {
    const project = await db.project.findUnique({ where: { id: s.projectId } });
    if (project?.enabled) {
      roles = (await effectiveRoles(user.id, project.id)).map((r) => r.name);
      if (roles.length) {
        projectId = project.id;
        projectName = project.name;
      }
    }
  }
  return {
    via: "session",
    userId: user.id,
    userName: user.name,
    domainId: user.domainId,
    projectId,
    projectName,
    roles,
  };
}

export const AUTH_HELP =
  "Send a valid token in the X-Auth-Token header (or Authorization: Bearer <token>). " +
  "Get one from the Identity API: POST /identity/v3/auth/tokens, or `openstack token issue`.";

export function wwwAuthenticate(ctx: RequestContext): Record<string, string> {
  return { "WWW-Authenticate": `Keystone uri="${ctx.publicUrl}/identity/v3"` };
}

/** The caller, or 401 with a body that says what to check. */
export function requireCaller(ctx: RequestContext): Caller {
  if (ctx.caller) return ctx.caller;
  const why = ctx.authFailure ?? "No credentials were sent.";
  throw new AppError("unauthorized", `Authentication required. ${why} ${AUTH_HELP}`, wwwAuthenticate(ctx));
}

/** The caller with a project scope (the Image API acts on behalf of a project). */
export function requireProjectCaller(ctx: RequestContext): Caller & { projectId: string } {
  const c = requireCaller(ctx);
  if (!c.projectId)
    throw unauthorized(
      "This request needs a project-scoped token: authenticate with a project (for example OS_PROJECT_NAME).",
    );
  return c as Caller & { projectId: string };
}

export const hasRole = (c: Caller | null, role: string): boolean => !!c && c.roles.includes(role);
