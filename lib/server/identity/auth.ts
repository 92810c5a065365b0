import "server-only";
import { audit } from "../audit";
import type { RequestContext } from "../context";
import { badRequest, notFound, unauthorized, forbidden } from "../errors";
import type { AuthRequest } from "@/lib/schemas/identity";
import {
  issueAppCredentialToken,
  issuePasswordToken,
  issueRescopedToken,
  revokeToken,
  validateToken,
  type ScopeInfo,
  type ScopeRequest,
} from "./tokens";

// POST /identity/v3/auth/tokens and the subject-token checks, free of HTTP.

export async function authenticate(
  ctx: RequestContext,
  body: AuthRequest,
): Promise<{ token: string; info: ScopeInfo }> {
  const { identity, scope } = body.auth;
  let scopeReq: ScopeRequest = {};
  if (scope === "unscoped") scopeReq = { unscoped: true };
  else if (scope) {
    if (scope.domain || scope.system || scope["OS-TRUST:trust"])
      throw unauthorized("Iris issues project-scoped or unscoped tokens only: scope the token to a project.");
    if (scope.project) scopeReq = { project: scope.project };
  }
  const method = identity.methods[0];
  if (identity.methods.length > 1) throw badRequest("Use one authentication method per request.");
  try {
    let result;
    if (method === "password") {
      if (!identity.password) throw badRequest("The password method needs identity.password.user.");
      const { password, ...userRef } = identity.password.user;
      if (userRef.id === undefined && userRef.name === undefined)
        throw badRequest("Expecting to find id or name in identity.password.user.");
      result = await issuePasswordToken(userRef, password, scopeReq, ctx.remoteAddr);
    } else if (method === "application_credential") {
      if (!identity.application_credential)
        throw badRequest("The application_credential method needs identity.application_credential.");
      if (scope)
        throw badRequest(
          "An application credential token is scoped to the credential's project; send no scope.",
        );
      result = await issueAppCredentialToken(identity.application_credential, ctx.remoteAddr);
    } else if (method === "token") {
      if (!identity.token) throw badRequest("The token method needs identity.token.id.");
      result = await issueRescopedToken(identity.token.id, scopeReq);
    } else {
      throw unauthorized(
        `Unsupported authentication method '${method}': use password, token or application_credential.`,
      );
    }
    await audit(
      { ...ctx, caller: callerOf(result.info) },
      {
        action: "identity.token.issue",
        targetType: "token",
        targetId: result.info.auditId,
        detail: { method },
      },
    );
    return result;
  } catch (e) {
    await audit(ctx, {
      action: "identity.token.issue",
      targetType: "token",
      outcome: "failure",
      detail: { method },
    });
    throw e;
  }
}

function callerOf(info: ScopeInfo) {
  return {
    via: "token" as const,
    userId: info.user.id,
    userName: info.user.name,
    domainId: info.user.domainId,
    projectId: info.project?.id ?? null,
    projectName: info.project?.name ?? null,
    roles: info.roles.map((r) => r.name),
  };
}

/** Validate a subject token: the caller may check its own tokens; admins may check any. */
export async function checkSubjectToken(ctx: RequestContext, subject: string | null): Promise<ScopeInfo> {
  const caller = ctx.caller!;
  if (!subject) throw badRequest("Send the token to check in the X-Subject-Token header.");
  const v = await validateToken(subject);
  if (!v.ok) throw notFound(`Could not find token: ${v.reason}`);
  if (v.info.user.id !== caller.userId && !caller.roles.includes("admin"))
    throw forbidden("You may only check your own tokens.");
  return v.info;
}

export async function revokeSubjectToken(ctx: RequestContext, subject: string | null): Promise<void> {
  const info = await checkSubjectToken(ctx, subject);
  await revokeToken(subject!);
  await audit(ctx, { action: "identity.token.revoke", targetType: "token", targetId: info.auditId });
}
