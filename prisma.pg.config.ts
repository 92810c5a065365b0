// Prisma CLI configuration for PostgreSQL (used when DATABASE_URL is a postgres URL).
import { defineConfig } from "prisma/config";
import { PrismaPg } from "@prisma/adapter-pg";
import pg from "pg";

// `prisma generate` needs env("DATABASE_URL") to resolve, or it tries to download an engine.
process.env.DATABASE_URL ??= "postgresql://placeholder@127.0.0.1:5432/placeholder";

// Workaround for prisma/prisma#27403: the JS schema engine with adapter-pg cannot read
// columns of type `name` (OID 19) during `migrate deploy`; read them as text (OID 25).
type QueryResultLike = { fields?: { dataTypeID: number }[] };
function nameAsText<T>(res: T): T {
  for (const r of (Array.isArray(res) ? res : [res]) as QueryResultLike[])
    for (const f of r?.fields ?? []) if (f.dataTypeID === 19) f.dataTypeID = 25;
  return res;
}
class NameAsTextClient extends pg.Client {
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  query(...args: any[]): any {
    const cb = args[args.length - 1];
    if (typeof cb === "function") {
      args[args.length - 1] = (err: unknown, res: unknown) => cb(err, err ? res : nameAsText(res));
      // @ts-expect-error spread into an overloaded method
      return super.query(...args);
    }
    // @ts-expect-error spread into an overloaded method
    const p = super.query(...args);
    return p && typeof p.then === "function" ? p.then(nameAsText) : p;
  }
}

export default defineConfig({
  experimental: { adapter: true },
  engine: "js",
  schema: "prisma/postgres",
  migrations: { path: "prisma/postgres/migrations" },
  adapter: async () =>
    new PrismaPg(new pg.Pool({ connectionString: process.env.DATABASE_URL!, Client: NameAsTextClient })),
});
