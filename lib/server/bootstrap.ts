import "server-only";
import crypto from "node:crypto";
import { db } from "./db";
import { databaseProvider, env } from "./env";
import { newHexId } from "./ids";
import { log } from "./log";
import { hashPassword } from "./auth/passwords";
import { BUILTIN_ROLES } from "./identity/roles";

// Runs once at server start (instrumentation.ts): the Default domain, the built-in roles, and,
// on the very first start, the first administrator — as a devstack cloud has them.

async function tolerateDuplicate<T>(fn: () => Promise<T>): Promise<T | null> {
  try {
    return await fn();
  } catch (e) {
    if ((e as { code?: string }).code === "P2002") return null; // another instance won the race
    throw e;
  }
}

export async function bootstrap(): Promise<void> {
  if (databaseProvider() === "sqlite") {
    // WAL lets readers run beside the writer; busy_timeout waits instead of failing on a lock.
    await db.$queryRawUnsafe("PRAGMA journal_mode = WAL");
    await db.$queryRawUnsafe("PRAGMA busy_timeout = 10000");
  }
  await tolerateDuplicate(() =>
    db.domain.upsert({
      where: { id: "default" },
      create: { id: "default", name: "Default", description: "The default domain" },
      update: {},
    }),
  );
  for (const name of BUILTIN_ROLES) {
    if (!(await db.role.findUnique({ where: { name } })))
      await tolerateDuplicate(() => db.role.create({ data: { id: newHexId(), name } }));
  }
  if ((await db.user.count()) > 0) return;

  const adminRole = await db.role.findUniqueOrThrow({ where: { name: "admin" } });
  const project =
    (await db.project.findUnique({ where: { domainId_name: { domainId: "default", name: "admin" } } })) ??
    (await tolerateDuplicate(() =>
      db.project.create({
        data: {
          id: newHexId(),
          name: "admin",
          domainId: "default",
          description: "Bootstrap project for the cloud administrator",
        },
      }),
    ));
  if (!project) return;
  const configured = env().IRIS_ADMIN_PASSWORD;
  const password = configured || crypto.randomBytes(15).toString("base64url");
  const user = await tolerateDuplicate(async () =>
    db.user.create({
      data: {
        id: newHexId(),
        name: "admin",
        domainId: "default",
        passwordHash: await hashPassword(password),
        defaultProjectId: project.id,
        description: "The first administrator",
      },
    }),
  );
  if (!user) return; // another instance created the first administrator
  await tolerateDuplicate(() =>
    db.roleAssignment.create({
      data: { id: newHexId(), userId: user.id, projectId: project.id, roleId: adminRole.id },
    }),
  );
  if (configured) {
    log.info(
      "created the first administrator 'admin' in project 'admin' with the password from IRIS_ADMIN_PASSWORD",
    );
  } else {
    // Printed this once; it is stored only as an argon2id hash and never shown again.
    process.stdout.write(
      `\n  Iris created the first administrator.\n    user: admin   project: admin   domain: Default\n    password: ${password}\n  Keep it now: it is not shown again. Change it from the dashboard (Account) or with\n  \`openstack user password set\`.\n\n`,
    );
  }
}
