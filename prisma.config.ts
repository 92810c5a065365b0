// Prisma CLI configuration for the embedded SQLite database (the default).
import path from "node:path";
import { defineConfig } from "prisma/config";
import { PrismaBetterSQLite3 } from "@prisma/adapter-better-sqlite3";

const dataDir = path.resolve(process.env.IRIS_DATA_DIR ?? "data");

export default defineConfig({
  experimental: { adapter: true },
  engine: "js",
  schema: "prisma/sqlite",
  migrations: { path: "prisma/sqlite/migrations" },
  adapter: async () => new PrismaBetterSQLite3({ url: `file:${path.join(dataDir, "iris.db")}` }),
});
