import "server-only";
import { audit } from "../audit";
import type { Caller, RequestContext } from "../context";
import { db } from "../db";
import { badRequest, conflict, forbidden, notFound } from "../errors";
import { newHexId, newSecret, sha256Hex } from "../ids";
import { parseIsoTime } from "../images/list-query";
import { assertSelf, assertSelfOrAdmin } from "./policy";
import { effectiveRoles } from "./roles";
import { invalidateTokenCache } from "./tokens";

// Application credentials: a secret a user makes for a program, bound to the user's current
// project and to a subset of the user's roles there. The secret is shown once, stored as SHA-256.

const include = { roles: { include: { role: { select: { id: true, name: true } } } } } as const;

export async function createAppCredential(
  ctx: RequestContext,
  caller: Caller,
  userId: string,
  input: {
    name: string;
    description?: string | null;
    secret?: string | null;
    expires_at?: string | null;
    roles?: { id?: string; name?: string }[] | null;
    unrestricted?: boolean | null;
  },
) {
  assertSelf(caller, userId, "create_application_credential");
  if (!caller.projectId) throw badRequest("Application credentials are made with a project-scoped token.");
  if (caller.applicationCredentialId)
    throw forbidden("An application credential cannot be used to create another application credential.");
  let expiresAt: Date | null = null;
  if (input.expires_at) {
    expiresAt = parseIsoTime(input.expires_at);
    if (!expiresAt)
      throw badRequest(`Invalid expires_at: ${input.expires_at}; use an ISO 8601 date and time.`);
    if (expiresAt <= new Date()) throw badRequest("expires_at must be in the future.");
  }
  const held = await effectiveRoles(userId, caller.projectId);
  let roles = held;
  if (input.roles?.length) {
    roles = input.roles.map((ref) => {
      const r = held.find((h) => (ref.id ? h.id === ref.id : h.name === ref.name));
      if (!r)
        throw forbidden(
          `You do not hold the role ${ref.id ?? ref.name} on this project, so the credential cannot have it.`,
        );
      return r;
    });
  }
  const secret = input.secret || newSecret();
  try {
    const cred = await db.applicationCredential.create({
      data: {
        id: newHexId(),
        name: input.name,
        description: input.description ?? "",
        userId,
        projectId: caller.projectId,
        secretHash: sha256Hex(secret),
        unrestricted: input.unrestricted ?? false,
        expiresAt,
        roles: { create: [...new Map(roles.map((r) => [r.id, r])).values()].map((r) => ({ roleId: r.id })) },
      },
      include,
    });
    await audit(ctx, {
      action: "identity.application_credential.create",
      targetType: "application_credential",
      targetId: cred.id,
      detail: { name: cred.name },
    });
    return { cred, secret };
  } catch (e) {
    if ((e as { code?: string }).code === "P2002")
      throw conflict(
        `Conflict occurred attempting to store application_credential - Duplicate entry found with name ${input.name}.`,
      );
    throw e;
  }
}

export async function listAppCredentials(caller: Caller, userId: string, name?: string) {
  assertSelfOrAdmin(caller, userId, "list_application_credentials");
  return db.applicationCredential.findMany({
    where: { userId, name },
    include,
    orderBy: { createdAt: "asc" },
  });
}

export async function getAppCredential(caller: Caller, userId: string, id: string) {
  assertSelfOrAdmin(caller, userId, "get_application_credential");
  const cred = await db.applicationCredential.findFirst({ where: { id, userId }, include });
  if (!cred) throw notFound(`Could not find Application Credential: ${id}.`);
  return cred;
}

export async function deleteAppCredential(ctx: RequestContext, caller: Caller, userId: string, id: string) {
  assertSelfOrAdmin(caller, userId, "delete_application_credential");
  const cred = await db.applicationCredential.findFirst({ where: { id, userId } });
  if (!cred) throw notFound(`Could not find Application Credential: ${id}.`);
  await db.applicationCredential.delete({ where: { id } }); // its tokens go with it
  invalidateTokenCache();
  await audit(ctx, {
    action: "identity.application_credential.delete",
    targetType: "application_credential",
    targetId: id,
    detail: { name: cred.name },
  });
}
