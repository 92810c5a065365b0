import "server-only";
import { PrismaBetterSQLite3 } from "@prisma/adapter-better-sqlite3";
import { PrismaPg } from "@prisma/adapter-pg";
import { PrismaClient as PgClient } from "@/generated/pg/client";
import { PrismaClient as SqliteClient } from "@/generated/sqlite/client";
import { databaseProvider, env, sqliteUrl } from "./env";

// One Prisma client per process. SQLite is the default; DATABASE_URL=postgresql://… selects
// PostgreSQL at run time, so one build serves both. Both clients come from the same models,
// so the SQLite client's type describes either.
export type Db = SqliteClient;

function create(): Db {
  if (databaseProvider() === "postgresql") {
    const adapter = new PrismaPg({ connectionString: env().DATABASE_URL!, max: 10 });
    return new PgClient({ adapter }) as unknown as Db;
  }
  const adapter = new PrismaBetterSQLite3({ url: sqliteUrl() });
  return new SqliteClient({ adapter });
}

const g = globalThis as unknown as { __irisPrisma?: Db };
export const db: Db = g.__irisPrisma ?? (g.__irisPrisma = create());
