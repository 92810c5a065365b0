import "server-only";
import { audit } from "../audit";
import type { Caller, RequestContext } from "../context";
import { db } from "../db";
import { badRequest, conflict, forbidden, notFound, unauthorized } from "../errors";
import { newHexId } from "../ids";
import { hashPassword, MIN_PASSWORD_LENGTH, verifyPassword } from "../auth/passwords";
import { assertNotThrottled, recordFailure, recordSuccess } from "../auth/throttle";
import { BUILTIN_ROLES, expandRoleNames } from "./roles";
import { invalidateTokenCache, revokeUserTokens } from "./tokens";
import { assertIdentityAdmin, assertSelf, assertSelfOrAdmin, isIdentityAdmin } from "./policy";

// Identity administration: domains, projects, users, roles, role assignments. Keystone's rules
// and messages; every change is audited.

const notFoundIn = (kind: string, id: string) => notFound(`Could not find ${kind}: ${id}.`);

function assertPassword(pw: string): void {
  if (pw.length < MIN_PASSWORD_LENGTH)
    throw badRequest(`Password should be at least ${MIN_PASSWORD_LENGTH} characters long.`);
}

async function domainIdOrDefault(id: string | undefined): Promise<string> {
  const domainId = id ?? "default";
  if (!(await db.domain.findUnique({ where: { id: domainId } })))
    throw badRequest(`Could not find domain: ${domainId}.`);
  return domainId;
}

const isUnique = (e: unknown) => (e as { code?: string }).code === "P2002";

// ── Domains ──

export async function listDomains(caller: Caller, name?: string) {
  assertIdentityAdmin(caller, "list_domains");
  return db.domain.findMany({ where: name ? { name } : {}, orderBy: { name: "asc" } });
}

export async function getDomain(_caller: Caller, id: string) {
  const d = await db.domain.findUnique({ where: { id } });
  if (!d) throw notFoundIn("domain", id);
  return d;
}

// ── Projects ──

export async function listProjects(
  caller: Caller,
  f: { name?: string; domainId?: string; enabled?: boolean },
) {
  assertIdentityAdmin(caller, "list_projects");
  return db.project.findMany({
    where: { name: f.name, domainId: f.domainId, enabled: f.enabled },
    orderBy: { name: "asc" },
  });
}

export async function getProject(caller: Caller, id: string) {
  const p = await db.project.findUnique({ where: { id } });
  if (!p) throw notFoundIn("project", id);
  if (!isIdentityAdmin(caller)) {
    const mine = await db.roleAssignment.findFirst({ where: { userId: caller.userId, projectId: id } });
    if (!mine)
      throw forbidden("You are not authorized to perform the requested action: identity:get_project.");
  }
  return p;
}

export async function createProject(
  ctx: RequestContext,
  caller: Caller,
  input: { name: string; domain_id?: string; description?: string | null; enabled?: boolean },
) {
  assertIdentityAdmin(caller, "create_project");
  const domainId = await domainIdOrDefault(input.domain_id);
  try {
    const p = await db.project.create({
      data: {
        id: newHexId(),
        name: input.name,
        domainId,
        description: input.description ?? "",
        enabled: input.enabled ?? true,
      },
    });
    await audit(ctx, {
      action: "identity.project.create",
      targetType: "project",
      targetId: p.id,
      detail: { name: p.name },
    });
    return p;
  } catch (e) {
    if (isUnique(e))
      throw conflict(
        `Conflict occurred attempting to store project - it is not permitted to have two projects with the same name in the same domain : ${input.name}.`,
      );
    throw e;
  }
}

export async function updateProject(
  ctx: RequestContext,
  caller: Caller,
  id: string,
  input: { name?: string; description?: string | null; enabled?: boolean },
) {
  assertIdentityAdmin(caller, "update_project");
  const p = await db.project.findUnique({ where: { id } });
  if (!p) throw notFoundIn("project", id);
  try {
    const updated = await db.project.update({
      where: { id },
      data: {
        name: input.name,
        description: input.description === null ? "" : input.description,
        enabled: input.enabled,
      },
    });
    if (input.enabled === false) invalidateTokenCache(); // tokens scoped to it stop working
    await audit(ctx, {
      action: "identity.project.update",
      targetType: "project",
      targetId: id,
      detail: { ...input },
    });
    return updated;
  } catch (e) {
    if (isUnique(e))
      throw conflict(
        `Conflict occurred attempting to update project: the name ${input.name} is taken in this domain.`,
      );
    throw e;
  }
}

export async function deleteProject(ctx: RequestContext, caller: Caller, id: string) {
  assertIdentityAdmin(caller, "delete_project");
  const p = await db.project.findUnique({ where: { id } });
  if (!p) throw notFoundIn("project", id);
  if (caller.projectId === id)
    throw forbidden(
      "You cannot delete the project your token is scoped to; switch to another project first.",
    );
  await db.project.delete({ where: { id } }); // role assignments, tokens and credentials go with it
  invalidateTokenCache();
  await audit(ctx, {
    action: "identity.project.delete",
    targetType: "project",
    targetId: id,
    detail: { name: p.name },
  });
}

// ── Users ──

export async function listUsers(caller: Caller, f: { name?: string; domainId?: string; enabled?: boolean }) {
  assertIdentityAdmin(caller, "list_users");
  return db.user.findMany({
    where: { name: f.name, domainId: f.domainId, enabled: f.enabled },
    orderBy: { name: "asc" },
  });
}

export async function getUser(caller: Caller, id: string) {
  assertSelfOrAdmin(caller, id, "get_user");
  const u = await db.user.findUnique({ where: { id } });
  if (!u) throw notFoundIn("user", id);
  return u;
}

export async function createUser(
  ctx: RequestContext,
  caller: Caller,
  input: {
    name: string;
    domain_id?: string;
    password?: string | null;
    email?: string | null;
    description?: string | null;
    enabled?: boolean;
    default_project_id?: string | null;
  },
) {
  assertIdentityAdmin(caller, "create_user");
  const domainId = await domainIdOrDefault(input.domain_id);
  if (input.password) assertPassword(input.password);
  if (input.default_project_id && !(await db.project.findUnique({ where: { id: input.default_project_id } })))
    throw badRequest(`Could not find project: ${input.default_project_id}.`);
  try {
    const u = await db.user.create({
      data: {
        id: newHexId(),
        name: input.name,
        domainId,
        email: input.email?.toLowerCase() ?? null,
        description: input.description ?? "",
        enabled: input.enabled ?? true,
        defaultProjectId: input.default_project_id ?? null,
        passwordHash: input.password ? await hashPassword(input.password) : null,
      },
    });
    await audit(ctx, {
      action: "identity.user.create",
      targetType: "user",
      targetId: u.id,
      detail: { name: u.name },
    });
    return u;
  } catch (e) {
    if (isUnique(e))
      throw conflict(
        `Conflict occurred attempting to store user - Duplicate entry found with name ${input.name} (or that email) in this domain.`,
      );
    throw e;
  }
}

export async function updateUser(
  ctx: RequestContext,
  caller: Caller,
  id: string,
  input: {
    name?: string;
    password?: string | null;
    email?: string | null;
    description?: string | null;
    enabled?: boolean;
    default_project_id?: string | null;
  },
) {
  assertIdentityAdmin(caller, "update_user");
  const u = await db.user.findUnique({ where: { id } });
  if (!u) throw notFoundIn("user", id);
  if (id === caller.userId && input.enabled === false) throw forbidden("You cannot disable your own user.");
  if (input.password) assertPassword(input.password);
  if (input.default_project_id && !(await db.project.findUnique({ where: { id: input.default_project_id } })))
    throw badRequest(`Could not find project: ${input.default_project_id}.`);
  const passwordChanged = input.password !== undefined;
  try {
    const updated = await db.user.update({
      where: { id },
      data: {
        name: input.name,
        email: input.email === undefined ? undefined : (input.email?.toLowerCase() ?? null),
        description: input.description === null ? "" : input.description,
        enabled: input.enabled,
        defaultProjectId: input.default_project_id === undefined ? undefined : input.default_project_id,
        ...(passwordChanged
          ? {
              passwordHash: input.password ? await hashPassword(input.password) : null,
              passwordChangedAt: new Date(),
            }
          : {}),
      },
    });
    // A new password or a disabled user ends every token and dashboard session of the user.
    if (passwordChanged || input.enabled === false) await revokeUserTokens(id);
    await audit(ctx, {
      action: "identity.user.update",
      targetType: "user",
      targetId: id,
      detail: { ...input, password: passwordChanged ? "(changed)" : undefined },
    });
    return updated;
  } catch (e) {
    if (isUnique(e))
      throw conflict("Conflict occurred attempting to update user: that name or email is taken.");
    throw e;
  }
}

export async function deleteUser(ctx: RequestContext, caller: Caller, id: string) {
  assertIdentityAdmin(caller, "delete_user");
  const u = await db.user.findUnique({ where: { id } });
  if (!u) throw notFoundIn("user", id);
  if (id === caller.userId) throw forbidden("You cannot delete your own user.");
  await db.user.delete({ where: { id } });
  invalidateTokenCache();
  await audit(ctx, {
    action: "identity.user.delete",
    targetType: "user",
    targetId: id,
    detail: { name: u.name },
  });
}

/** POST /v3/users/{id}/password: a user changes their own password, proving the old one. */
export async function changeOwnPassword(
  ctx: RequestContext,
  caller: Caller,
  id: string,
  original: string,
  password: string,
) {
  assertSelf(caller, id, "change_password");
  const u = await db.user.findUnique({ where: { id } });
  if (!u) throw notFoundIn("user", id);
  const keys = { account: u.name, address: ctx.remoteAddr };
  await assertNotThrottled(keys);
  if (!(await verifyPassword(u.passwordHash, original))) {
    await recordFailure(keys);
    throw unauthorized("The original password is incorrect.");
  }
  await recordSuccess(keys);
  assertPassword(password);
  await db.user.update({
    where: { id },
    data: { passwordHash: await hashPassword(password), passwordChangedAt: new Date() },
  });
  await revokeUserTokens(id);
  await audit(ctx, { action: "identity.user.change_password", targetType: "user", targetId: id });
}

/** The projects where a user holds a role. */
export async function userProjects(caller: Caller, userId: string) {
  assertSelfOrAdmin(caller, userId, "list_user_projects");
  const rows = await db.roleAssignment.findMany({
    where: { userId, project: { enabled: true } },
    select: { project: true },
    distinct: ["projectId"],
  });
  return rows.map((r) => r.project).sort((a, b) => a.name.localeCompare(b.name));
}

// ── Roles ──

export async function listRoles(_caller: Caller, name?: string) {
  return db.role.findMany({ where: name ? { name } : {}, orderBy: { name: "asc" } });
}

export async function getRole(_caller: Caller, id: string) {
  const r = await db.role.findUnique({ where: { id } });
  if (!r) throw notFoundIn("role", id);
  return r;
}

export async function createRole(
  ctx: RequestContext,
  caller: Caller,
  input: { name: string; description?: string | null },
) {
  assertIdentityAdmin(caller, "create_role");
  try {
    const r = await db.role.create({
      data: { id: newHexId(), name: input.name, description: input.description ?? "" },
    });
    await audit(ctx, {
      action: "identity.role.create",
      targetType: "role",
      targetId: r.id,
      detail: { name: r.name },
    });
    return r;
  } catch (e) {
    if (isUnique(e))
      throw conflict(
        `Conflict occurred attempting to store role - Duplicate entry found with name ${input.name}.`,
      );
    throw e;
  }
}

export async function deleteRole(ctx: RequestContext, caller: Caller, id: string) {
  assertIdentityAdmin(caller, "delete_role");
  const r = await db.role.findUnique({ where: { id } });
  if (!r) throw notFoundIn("role", id);
  if ((BUILTIN_ROLES as readonly string[]).includes(r.name))
    throw forbidden(`The built-in role '${r.name}' cannot be deleted.`);
  await db.role.delete({ where: { id } });
  invalidateTokenCache();
  await audit(ctx, {
    action: "identity.role.delete",
    targetType: "role",
    targetId: id,
    detail: { name: r.name },
  });
}

// ── Role assignments ──

async function assignmentParts(projectId: string, userId: string, roleId: string) {
  const [project, user, role] = await Promise.all([
    db.project.findUnique({ where: { id: projectId } }),
    db.user.findUnique({ where: { id: userId } }),
    db.role.findUnique({ where: { id: roleId } }),
  ]);
  if (!project) throw notFoundIn("project", projectId);
  if (!user) throw notFoundIn("user", userId);
  if (!role) throw notFoundIn("role", roleId);
  return { project, user, role };
}

export async function grantRole(
  ctx: RequestContext,
  caller: Caller,
  projectId: string,
  userId: string,
  roleId: string,
) {
  assertIdentityAdmin(caller, "create_grant");
  await assignmentParts(projectId, userId, roleId);
  try {
    await db.roleAssignment.create({ data: { id: newHexId(), projectId, userId, roleId } });
  } catch (e) {
    if (!isUnique(e)) throw e; // granting twice is fine, as in Keystone
  }
  invalidateTokenCache();
  await audit(ctx, {
    action: "identity.role_assignment.create",
    targetType: "user",
    targetId: userId,
    detail: { project_id: projectId, role_id: roleId },
  });
}

export async function checkGrant(caller: Caller, projectId: string, userId: string, roleId: string) {
  assertSelfOrAdmin(caller, userId, "check_grant");
  await assignmentParts(projectId, userId, roleId);
  const a = await db.roleAssignment.findUnique({
    where: { userId_projectId_roleId: { userId, projectId, roleId } },
  });
  if (!a)
    throw notFound(
      `Could not find role assignment with role: ${roleId}, user or group: ${userId}, project, domain, or system: ${projectId}.`,
    );
}

export async function revokeRole(
  ctx: RequestContext,
  caller: Caller,
  projectId: string,
  userId: string,
  roleId: string,
) {
  assertIdentityAdmin(caller, "revoke_grant");
  await assignmentParts(projectId, userId, roleId);
  const r = await db.roleAssignment.deleteMany({ where: { userId, projectId, roleId } });
  if (r.count === 0)
    throw notFound(
      `Could not find role assignment with role: ${roleId}, user or group: ${userId}, project, domain, or system: ${projectId}.`,
    );
  // Removing a role ends the user's tokens on that project.
  await revokeUserTokens(userId, projectId);
  await audit(ctx, {
    action: "identity.role_assignment.delete",
    targetType: "user",
    targetId: userId,
    detail: { project_id: projectId, role_id: roleId },
  });
}

export async function userRolesOnProject(caller: Caller, projectId: string, userId: string) {
  assertSelfOrAdmin(caller, userId, "list_grants");
  if (!(await db.project.findUnique({ where: { id: projectId } }))) throw notFoundIn("project", projectId);
  if (!(await db.user.findUnique({ where: { id: userId } }))) throw notFoundIn("user", userId);
  const rows = await db.roleAssignment.findMany({ where: { userId, projectId }, include: { role: true } });
  return rows.map((r) => r.role);
}

export interface AssignmentFilter {
  userId?: string;
  projectId?: string;
  roleId?: string;
  effective: boolean;
  includeNames: boolean;
}

/** GET /v3/role_assignments. A non-admin may list only their own assignments. */
export async function listRoleAssignments(caller: Caller, f: AssignmentFilter, publicUrl: string) {
  if (!isIdentityAdmin(caller) && f.userId !== caller.userId)
    throw forbidden(
      "You are not authorized to perform the requested action: identity:list_role_assignments. Filter by your own user.id, or use an admin token.",
    );
  const rows = await db.roleAssignment.findMany({
    where: { userId: f.userId, projectId: f.projectId },
    include: { role: true, user: { include: { domain: true } }, project: { include: { domain: true } } },
    orderBy: [{ project: { name: "asc" } }, { user: { name: "asc" } }],
  });
  const roles = f.effective ? await db.role.findMany() : [];
  const byName = new Map(roles.map((r) => [r.name, r]));
  const out: Record<string, unknown>[] = [];
  const seen = new Set<string>();
  for (const a of rows) {
    const list = f.effective
      ? expandRoleNames([a.role.name])
          .map((n) => byName.get(n)!)
          .filter(Boolean)
      : [a.role];
    for (const role of list) {
      if (f.roleId && role.id !== f.roleId) continue;
      const key = `${a.userId}/${a.projectId}/${role.id}`;
      if (seen.has(key)) continue;
      seen.add(key);
      const ref = (id: string, name: string, domain?: { id: string; name: string }) =>
        f.includeNames
          ? { id, name, ...(domain ? { domain: { id: domain.id, name: domain.name } } : {}) }
          : { id };
      out.push({
        role: ref(role.id, role.name),
        user: ref(a.user.id, a.user.name, a.user.domain),
        scope: { project: ref(a.project.id, a.project.name, a.project.domain) },
        links: {
          assignment: `${publicUrl}/identity/v3/projects/${a.projectId}/users/${a.userId}/roles/${role.id}`,
        },
      });
    }
  }
  return out;
}
