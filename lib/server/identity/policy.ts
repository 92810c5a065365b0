import "server-only";
import type { Caller } from "../context";
import { forbidden } from "../errors";

// Who may administer identity: the admin role (on the token's project) may do everything; other
// users may read and manage only themselves (their user, password, projects and application
// credentials). One place, so that routes never decide this themselves.

export const isIdentityAdmin = (c: Caller): boolean => c.roles.includes("admin");

export function assertIdentityAdmin(c: Caller, action: string): void {
  if (!isIdentityAdmin(c))
    throw forbidden(
      `You are not authorized to perform the requested action: identity:${action}. It requires the admin role.`,
    );
}

export function assertSelfOrAdmin(c: Caller, userId: string, action: string): void {
  if (c.userId !== userId && !isIdentityAdmin(c))
    throw forbidden(
      `You are not authorized to perform the requested action: identity:${action}. Only the user or an admin may.`,
    );
}

export function assertSelf(c: Caller, userId: string, action: string): void {
  if (c.userId !== userId)
    throw forbidden(
      `You are not authorized to perform the requested action: identity:${action}. Only the user may.`,
    );
}
