import "server-only";
import crypto from "node:crypto";
import type { NextAuthOptions } from "next-auth";
import CredentialsProvider from "next-auth/providers/credentials";
import { audit } from "../audit";
import { db } from "../db";
import { authSecret, configureNextAuthEnv, env } from "../env";
import { isAppError, unauthorized } from "../errors";
import { addressFromForwardedFor } from "../http/address";
import { effectiveRoles } from "../identity/roles";
import { checkPassword } from "../identity/tokens";

configureNextAuthEnv();

export const WRONG_CREDENTIALS_MESSAGE = "The username or password is incorrect.";

function addressFrom(headers: Record<string, unknown> | undefined): string | null {
  const xff = headers?.["x-forwarded-for"];
  return addressFromForwardedFor(typeof xff === "string" ? xff : null);
}

/** The project a user lands in: their default project if they have a role there, else their first. */
export async function initialProjectId(userId: string, preferred: string | null): Promise<string | null> {
  if (preferred && (await effectiveRoles(userId, preferred)).length) return preferred;
  const first = await db.roleAssignment.findFirst({
    where: { userId, project: { enabled: true } },
    orderBy: { project: { name: "asc" } },
    select: { projectId: true },
  });
  return first?.projectId ?? null;
}

export const authOptions: NextAuthOptions = {
  secret: authSecret(),
  session: { strategy: "jwt", maxAge: env().IRIS_SESSION_TTL },
  pages: { signIn: "/login" },
  providers: [
    CredentialsProvider({
      name: "Iris",
      credentials: {
        username: { label: "Username or email", type: "text" },
        password: { label: "Password", type: "password" },
      },
      async authorize(credentials, req) {
        const login = credentials?.username?.trim() ?? "";
        const password = credentials?.password ?? "";
        const address = addressFrom(req?.headers as Record<string, unknown> | undefined);
        const ctx = {
          requestId: `req-${crypto.randomUUID()}`,
          remoteAddr: address,
          userAgent: (req?.headers?.["user-agent"] as string | undefined) ?? null,
          caller: null,
        };
        if (!login || !password) return null;
        try {
          // No name or email holds NUL (PostgreSQL's text cannot): a failed sign-in, not a query.
          if (login.includes("\u0000")) throw unauthorized("The user name or password is wrong.");
          // Sign in by user name (domain Default) or by email.
          const byEmail = login.includes("@")
            ? await db.user.findUnique({ where: { email: login.toLowerCase() }, select: { id: true } })
            : null;
          const ref = byEmail ? { id: byEmail.id } : { name: login, domain: { id: "default" } };
          const user = await checkPassword(ref, password, address);
          await audit(
            {
              ...ctx,
              caller: {
                via: "session",
                userId: user.id,
                userName: user.name,
                domainId: user.domainId,
                projectId: null,
                projectName: null,
                roles: [],
              },
            },
            { action: "auth.sign_in", targetType: "user", targetId: user.id },
          );
          return { id: user.id, name: user.name, email: user.email };
        } catch (e) {
          await audit(ctx, {
            action: "auth.sign_in",
            targetType: "user",
            outcome: "failure",
            detail: { login },
          });
          if (isAppError(e) && e.kind === "too_many_requests") throw new Error(e.message);
          if (isAppError(e) && e.kind === "unauthorized") return null;
          throw e;
        }
      },
    }),
  ],
  callbacks: {
    async jwt({ token, user, trigger, session }) {
      if (user) {
        const row = await db.user.findUnique({ where: { id: user.id } });
        token.userId = user.id;
        token.name = user.name;
        token.pwdAt = row?.passwordChangedAt.getTime() ?? Date.now();
        token.projectId = await initialProjectId(user.id, row?.defaultProjectId ?? null);
      }
      if (trigger === "update") {
        const wanted = (session as { projectId?: unknown } | undefined)?.projectId;
        // Switch only to a project where the user holds a role; anything else is ignored.
        if (typeof wanted === "string" && typeof token.userId === "string") {
          const roles = await effectiveRoles(token.userId, wanted);
          if (roles.length) token.projectId = wanted;
        }
      }
      return token;
    },
    async session({ session, token }) {
      return {
        ...session,
        userId: token.userId,
        projectId: token.projectId ?? null,
        pwdAt: token.pwdAt,
      };
    },
  },
};
