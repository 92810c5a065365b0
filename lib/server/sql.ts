import "server-only";
import crypto from "node:crypto";
import path from "node:path";
import Database from "better-sqlite3";
import pg from "pg";
import { databaseProvider, env, sqliteUrl } from "./env";

// Hand-written SQL for the hottest read path (image lists): Prisma's query compiler costs more
// CPU per request than the query itself. Everything else goes through Prisma (lib/server/db.ts).

export type Dialect = "sqlite" | "pg";
export type Row = Record<string, unknown>;

export interface SqlReader {
  readonly dialect: Dialect;
  /** Runs a SELECT written with `?` placeholders. */
  all(sql: string, params: unknown[], opts?: QueryOptions): Promise<Row[]>;
}

export interface QueryOptions {
  /**
   * PostgreSQL: plan the statement for these parameter values every time instead of reusing a
   * plan made without them. For filters whose best plan depends on the value: a tag that one
   * image in a thousand has wants its index, a common one wants the sort order's index, and a
   * reused generic plan guesses one selectivity for both. Planning costs about 0.2 ms.
   */
  planPerCall?: boolean;
}

class SqliteReader implements SqlReader {
  readonly dialect = "sqlite" as const;
  private readonly db: Database.Database;
  private readonly statements = new Map<string, Database.Statement>();
  constructor(file: string) {
    this.db = new Database(file, { fileMustExist: true });
    this.db.pragma("busy_timeout = 10000");
    this.db.defaultSafeIntegers(true);
  }
  async all(sql: string, params: unknown[]): Promise<Row[]> {
    let st = this.statements.get(sql);
    if (!st) {
      st = this.db.prepare(sql);
      if (this.statements.size > 500) this.statements.clear();
      this.statements.set(sql, st);
    }
    return st.all(...(params as unknown[])) as Row[];
  }
}

class PgReader implements SqlReader {
  readonly dialect = "pg" as const;
  private readonly pool: pg.Pool;
  constructor(url: string) {
    const types = new pg.TypeOverrides();
    // Prisma keeps DateTime as `timestamp(3)` in UTC; read it as UTC whatever the server's zone.
    types.setTypeParser(1114, (s: string) => new Date(`${s.replace(" ", "T")}Z`));
    this.pool = new pg.Pool({ connectionString: url, max: 8, types });
  }
  private readonly names = new Map<string, string>();
  async all(sql: string, params: unknown[], opts: QueryOptions = {}): Promise<Row[]> {
    let i = 0;
    const text = sql.replace(/\?/g, () => `$${++i}`);
    if (opts.planPerCall) {
      // The unnamed statement: parsed and planned with the values at each call.
      const r = await this.pool.query({ text, values: params as unknown[] });
      return r.rows as Row[];
    }
    // A named statement is parsed and planned once per connection, then reused: planning the
    // list query (subqueries, OR-ed visibility) costs as much as running it.
    let name = this.names.get(text);
    if (!name) {
      name = `iris_${crypto.createHash("sha1").update(text).digest("hex").slice(0, 20)}`;
      if (this.names.size > 2000) this.names.clear();
      this.names.set(text, name);
    }
    const r = await this.pool.query({ name, text, values: params as unknown[] });
    return r.rows as Row[];
  }
}

let reader: SqlReader | undefined;

export function sql(): SqlReader {
  if (!reader) {
    if (databaseProvider() === "postgresql") reader = new PgReader(env().DATABASE_URL!);
    else reader = new SqliteReader(path.resolve(sqliteUrl().replace(/^file:/, "")));
  }
  return reader;
}

// Value conversions between the two databases' representations and TypeScript.

export function boolLiteral(d: Dialect, v: boolean): string {
  return d === "pg" ? (v ? "TRUE" : "FALSE") : v ? "1" : "0";
}

/** A DateTime parameter comparable with what Prisma stored. */
export function timeParam(d: Dialect, v: Date): string {
  // SQLite: ISO text as Prisma writes it; PostgreSQL: cast by the caller (CAST(? AS timestamp)).
  return d === "pg" ? v.toISOString().slice(0, 23) : v.toISOString().replace("Z", "+00:00");
}

export function timePlaceholder(d: Dialect): string {
  return d === "pg" ? "CAST(? AS timestamp)" : "?";
}

export const toBool = (v: unknown): boolean => v === true || v === 1 || v === 1n || v === "1" || v === "t";
export const toDate = (v: unknown): Date => (v instanceof Date ? v : new Date(String(v)));
export const toDateOrNull = (v: unknown): Date | null => (v === null || v === undefined ? null : toDate(v));
export const toBigOrNull = (v: unknown): bigint | null =>
  v === null || v === undefined ? null : typeof v === "bigint" ? v : BigInt(v as string | number);
export const toNum = (v: unknown): number => Number(v);
export const toStrOrNull = (v: unknown): string | null => (v === null || v === undefined ? null : String(v));
