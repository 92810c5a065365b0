import "server-only";
import crypto from "node:crypto";
import fs from "node:fs";
import net from "node:net";
import path from "node:path";
import { z } from "zod";
import type { S3StoreConfig } from "./stores/s3";

// The only module that reads process.env. Every setting is documented in README.md.

const bool = z
  .enum(["1", "0", "true", "false", "yes", "no", "on", "off", ""])
  .transform((v) => ["1", "true", "yes", "on"].includes(v));

const schema = z.object({
  IRIS_DATA_DIR: z.string().default("data"),
  DATABASE_URL: z.string().optional(),
  IRIS_PUBLIC_URL: z.url().optional(),
  IRIS_REGION: z.string().min(1).default("RegionOne"),
  IRIS_ADMIN_PASSWORD: z.string().optional(),
  IRIS_TOKEN_TTL: z.coerce
    .number()
    .int()
    .min(1)
    .max(31 * 24 * 3600)
    .default(12 * 3600),
  // Validated tokens are cached this long in each process (0: never). Revocations made through
  // this process take effect at once; those made through another instance within this time.
  IRIS_TOKEN_CACHE_SECONDS: z.coerce.number().int().min(0).max(300).default(5),
  IRIS_SESSION_TTL: z.coerce
    .number()
    .int()
    .min(60)
    .max(31 * 24 * 3600)
    .default(12 * 3600),
  IRIS_SIGNIN_MAX_FAILURES_PER_USER: z.coerce.number().int().min(1).default(5),
  IRIS_SIGNIN_MAX_FAILURES_PER_ADDRESS: z.coerce.number().int().min(1).default(20),
  IRIS_SIGNIN_WINDOW: z.coerce
    .number()
    .int()
    .min(1)
    .default(15 * 60),
  IRIS_SIGNIN_LOCKOUT: z.coerce
    .number()
    .int()
    .min(1)
    .default(15 * 60),
  IRIS_TRUST_PROXY: bool.default(false),
  IRIS_LOG_LEVEL: z.enum(["debug", "info", "warn", "error"]).default("info"),
  // Image API limits (Glance's names and defaults).
  IRIS_LIMIT_PARAM_DEFAULT: z.coerce.number().int().min(1).default(25),
  IRIS_API_LIMIT_MAX: z.coerce.number().int().min(1).default(1000),
  IRIS_IMAGE_PROPERTY_QUOTA: z.coerce.number().int().min(0).default(128),
  IRIS_IMAGE_TAG_QUOTA: z.coerce.number().int().min(0).default(128),
  IRIS_IMAGE_MEMBER_QUOTA: z.coerce.number().int().min(0).default(128),
  IRIS_POLICY_FILE: z.string().optional(),
  IRIS_HASHING_ALGORITHM: z.enum(["sha512", "sha384", "sha256", "sha1", "md5"]).default("sha512"),
  IRIS_IMAGE_SIZE_CAP: z.coerce.number().int().min(0).default(1099511627776), // bytes, Glance's image_size_cap
  // Resumable (tus) uploads: how long an unfinished upload is kept, and the largest PATCH body
  // that carries an Upload-Checksum (it is held in memory until the checksum is verified).
  // Crash recovery: a write without a heartbeat for this long is taken back; the sweep runs this often.
  IRIS_UPLOAD_STALE_SECONDS: z.coerce.number().int().min(3).default(90),
  IRIS_SWEEP_INTERVAL_SECONDS: z.coerce.number().int().min(1).default(60),
  // Interoperable image import (Glance's /v2/images/{id}/import).
  IRIS_IMPORT_METHODS: z.string().default("glance-direct,web-download,copy-image"),
  IRIS_STAGING_DIR: z.string().optional(),
  IRIS_WEB_DOWNLOAD_ALLOWED_PORTS: z.string().default("80,443"),
  IRIS_WEB_DOWNLOAD_ALLOW: z.string().default(""),
  IRIS_WEB_DOWNLOAD_TIMEOUT_SECONDS: z.coerce.number().int().min(1).default(3600),
  IRIS_WEB_DOWNLOAD_IDLE_SECONDS: z.coerce.number().int().min(1).default(60),
  IRIS_WEB_DOWNLOAD_MAX_REDIRECTS: z.coerce.number().int().min(0).max(20).default(5),
  // Format inspection (Glance's [image_format] options): what arrives is inspected as it streams;
  // content that does not match disk_format, or that could reach host files, is refused.
  IRIS_IMAGE_FORMAT_INSPECTION: bool.default(true),
  IRIS_REQUIRE_IMAGE_FORMAT_MATCH: bool.default(true),
  IRIS_VMDK_ALLOWED_TYPES: z.string().default("streamOptimized,monolithicSparse"),
  IRIS_GPT_SAFETY_CHECKS_NONFATAL: z.string().default(""),
  // Conversion on import (Glance's image_conversion plugin): empty = no conversion.
  IRIS_IMPORT_CONVERSION_FORMAT: z.enum(["", "raw", "qcow2", "vmdk", "vhd", "vhdx", "vdi"]).default(""),
  IRIS_QEMU_IMG: z.string().default("qemu-img"),
  IRIS_TUS_EXPIRATION_HOURS: z.coerce.number().min(0.001).default(24),
  IRIS_TUS_CHECKSUM_MAX_CHUNK_MIB: z.coerce.number().int().min(1).max(1024).default(64),
  // Default per-project quotas for projects without their own (-1 = unlimited).
  IRIS_QUOTA_IMAGE_COUNT_TOTAL: z.coerce.number().int().min(-1).default(-1),
  IRIS_QUOTA_IMAGE_COUNT_UPLOADING: z.coerce.number().int().min(-1).default(-1),
  IRIS_QUOTA_IMAGE_SIZE_TOTAL: z.coerce.number().int().min(-1).default(-1), // MiB
  IRIS_QUOTA_IMAGE_STAGE_TOTAL: z.coerce.number().int().min(-1).default(-1), // MiB
  // Stores (Glance multi-store): "name:type,…" with type file or s3; each store's settings are
  // IRIS_STORE_<NAME>_<SETTING> (see storeSettings).
  IRIS_STORES: z.string().default("file:file"),
  IRIS_DEFAULT_STORE: z.string().optional(),
  AUTH_SECRET: z.string().min(16).optional(),
  NEXTAUTH_SECRET: z.string().min(16).optional(),
});

export type Env = z.infer<typeof schema>;

let cached: Env | undefined;

export function env(): Env {
  if (!cached) {
    const parsed = schema.safeParse(process.env);
    if (!parsed.success) {
      const problems = parsed.error.issues.map((i) => `${i.path.join(".")}: ${i.message}`).join("; ");
      throw new Error(`Invalid configuration: ${problems}`);
    }
    cached = parsed.data;
  }
  return cached;
}

export function dataDir(): string {
  const dir = path.resolve(env().IRIS_DATA_DIR);
  fs.mkdirSync(dir, { recursive: true });
  return dir;
}

export function databaseProvider(): "postgresql" | "sqlite" {
  const url = env().DATABASE_URL;
  return url && /^postgres(ql)?:\/\//.test(url) ? "postgresql" : "sqlite";
}

export function sqliteUrl(): string {
  const url = env().DATABASE_URL;
  if (url?.startsWith("file:")) return url;
  return `file:${path.join(dataDir(), "iris.db")}`;
}

/**
 * The secret that signs dashboard sessions. From AUTH_SECRET/NEXTAUTH_SECRET, else generated
 * once and kept in the data folder so sessions survive restarts.
 */
export function authSecret(): string {
  const e = env();
  const fromEnv = e.AUTH_SECRET ?? e.NEXTAUTH_SECRET;
  if (fromEnv) return fromEnv;
  const file = path.join(dataDir(), "auth-secret");
  try {
    return fs.readFileSync(file, "utf8").trim();
  } catch {
    const secret = crypto.randomBytes(32).toString("base64url");
    try {
      fs.writeFileSync(file, secret, { mode: 0o600, flag: "wx" });
      return secret;
    } catch {
      return fs.readFileSync(file, "utf8").trim(); // another process wrote it first
    }
  }
}

/**
 * next-auth v4 reads its own variables. Without NEXTAUTH_URL it trusts the Host header only when
 * AUTH_TRUST_HOST is set; Iris serves whatever address it is reached at, like the Image API.
 */
export function configureNextAuthEnv(): void {
  const e = env();
  if (e.IRIS_PUBLIC_URL && !process.env.NEXTAUTH_URL)
    process.env.NEXTAUTH_URL = `${e.IRIS_PUBLIC_URL.replace(/\/$/, "")}/api/auth`;
  if (!process.env.NEXTAUTH_URL) process.env.AUTH_TRUST_HOST ??= "true";
}

/** A file of policy rule overrides (JSON or oslo.policy-style YAML), if the operator set one. */
export function policyFile(): string | undefined {
  return env().IRIS_POLICY_FILE || undefined;
}

export type StoreSetting =
  | { name: string; type: "file"; description: string; directory: string }
  | ({ name: string; type: "s3"; description: string } & S3StoreConfig);

const STORE_NAME = /^[a-z][a-z0-9_-]{0,31}$/;
const MiB = 1024 * 1024;

/** The variable prefix of one store's settings: IRIS_STORE_<NAME>_ with - as _. */
export function storeVariablePrefix(name: string): string {
  return `IRIS_STORE_${name.toUpperCase().replace(/-/g, "_")}_`;
}

/**
 * The configured stores and the default one. The default configuration is one filesystem store
 * named "file" in the data folder's images/ directory.
 */
export function storeSettings(): { stores: StoreSetting[]; defaultStore: string } {
  const e = env();
  const stores: StoreSetting[] = [];
  for (const entry of e.IRIS_STORES.split(",")
    .map((s) => s.trim())
    .filter(Boolean)) {
    const [name = "", type = ""] = entry.split(":").map((s) => s.trim());
    if (!STORE_NAME.test(name))
      throw new Error(
        `Invalid configuration: IRIS_STORES: '${name}' is not a store name (a-z, 0-9, _ and -).`,
      );
    if (stores.some((s) => s.name === name))
      throw new Error(`Invalid configuration: IRIS_STORES: store '${name}' is listed twice.`);
    const prefix = storeVariablePrefix(name);
    const get = (key: string): string | undefined => {
      const v = process.env[prefix + key];
      return v === undefined || v === "" ? undefined : v;
    };
    if (type === "file") {
      stores.push({
        name,
        type,
        description: get("DESCRIPTION") ?? "Filesystem store",
        directory: path.resolve(
          get("DIR") ?? path.join(e.IRIS_DATA_DIR, name === "file" ? "images" : `images-${name}`),
        ),
      });
    } else if (type === "s3") {
      const bucket = get("BUCKET");
      if (!bucket)
        throw new Error(`Invalid configuration: ${prefix}BUCKET is required for the S3 store '${name}'.`);
      const partMiB = Number(get("PART_SIZE") ?? "16");
      if (!Number.isInteger(partMiB) || partMiB < 5 || partMiB > 5120)
        throw new Error(
          `Invalid configuration: ${prefix}PART_SIZE must be a whole number of MiB from 5 to 5120.`,
        );
      const pathStyle = get("PATH_STYLE") ?? "true";
      stores.push({
        name,
        type,
        description: get("DESCRIPTION") ?? "S3 object store",
        endpoint: get("ENDPOINT"),
        region: get("REGION") ?? "us-east-1",
        bucket,
        accessKeyId: get("ACCESS_KEY"),
        secretAccessKey: get("SECRET_KEY"),
        forcePathStyle: ["1", "true", "yes", "on"].includes(pathStyle.toLowerCase()),
        partSize: partMiB * MiB,
        prefix: get("PREFIX") ?? "",
      });
    } else {
      throw new Error(
        `Invalid configuration: IRIS_STORES: store '${name}' has type '${type}'; use file or s3.`,
      );
    }
  }
  if (stores.length === 0) throw new Error("Invalid configuration: IRIS_STORES names no store.");
  const defaultStore = e.IRIS_DEFAULT_STORE ?? stores[0]!.name;
  if (!stores.some((s) => s.name === defaultStore))
    throw new Error(`Invalid configuration: IRIS_DEFAULT_STORE '${defaultStore}' is not in IRIS_STORES.`);
  return { stores, defaultStore };
}

export const IMPORT_METHODS = ["glance-direct", "web-download", "copy-image"] as const;
export type ImportMethod = (typeof IMPORT_METHODS)[number];

/** The import methods this site offers (GET /v2/info/import). */
export function importMethods(): ImportMethod[] {
  const out: ImportMethod[] = [];
  for (const m of env()
    .IRIS_IMPORT_METHODS.split(",")
    .map((x) => x.trim())
    .filter(Boolean)) {
    if (!(IMPORT_METHODS as readonly string[]).includes(m))
      throw new Error(
        `Invalid configuration: IRIS_IMPORT_METHODS: unknown method '${m}' (${IMPORT_METHODS.join(", ")}).`,
      );
    out.push(m as ImportMethod);
  }
  return out;
}

/** Where staged data waits for its import (Glance's os_glance_staging_store). */
export function stagingDir(): string {
  return path.resolve(env().IRIS_STAGING_DIR ?? path.join(env().IRIS_DATA_DIR, "staging"));
}

const list = (v: string) =>
  v
    .split(",")
    .map((x) => x.trim())
    .filter(Boolean);

/** Format inspection settings (Glance's [image_format] group). */
export function formatInspection() {
  const e = env();
  return {
    enabled: e.IRIS_IMAGE_FORMAT_INSPECTION,
    requireFormatMatch: e.IRIS_REQUIRE_IMAGE_FORMAT_MATCH,
    vmdkAllowedTypes: list(e.IRIS_VMDK_ALLOWED_TYPES),
    gptNonfatalChecks: list(e.IRIS_GPT_SAFETY_CHECKS_NONFATAL),
    conversionFormat: e.IRIS_IMPORT_CONVERSION_FORMAT || null,
    qemuImg: e.IRIS_QEMU_IMG,
  };
}

const HOST_NAME = /^(?=.{1,253}\.?$)[a-z0-9_]([a-z0-9_-]{0,62})(\.[a-z0-9_]([a-z0-9_-]{0,62}))*\.?$/i;

/** One IRIS_WEB_DOWNLOAD_ALLOW entry: a host name, an IP address or a CIDR range. */
function allowEntryProblem(entry: string): string | null {
  const [base = "", bits, extra] = entry.replace(/^\[|\]$/g, "").split("/");
  const family = net.isIP(base);
  if (extra !== undefined) return "has more than one /";
  if (bits !== undefined) {
    const n = Number(bits);
    if (!family) return "is a range whose address is not an IP address";
    if (!/^\d+$/.test(bits) || n > (family === 4 ? 32 : 128))
      return `has a prefix length outside 0–${family === 4 ? 32 : 128}`;
    return null;
  }
  return family || HOST_NAME.test(base) ? null : "is neither a host name, an IP address nor a CIDR range";
}

/** web-download's limits (lib/server/outbound/safe-fetch.ts). */
export function webDownloadPolicy() {
  const e = env();
  const ports = list(e.IRIS_WEB_DOWNLOAD_ALLOWED_PORTS).map((p) => {
    const n = Number(p);
    if (!/^\d+$/.test(p) || n < 1 || n > 65535)
      throw new Error(
        `Invalid configuration: IRIS_WEB_DOWNLOAD_ALLOWED_PORTS: '${p}' is not a port (1–65535).`,
      );
    return n;
  });
  const allowList = list(e.IRIS_WEB_DOWNLOAD_ALLOW);
  for (const entry of allowList) {
    const problem = allowEntryProblem(entry);
    if (problem) throw new Error(`Invalid configuration: IRIS_WEB_DOWNLOAD_ALLOW: '${entry}' ${problem}.`);
  }
  return {
    allowedPorts: ports,
    allowList,
    maxRedirects: e.IRIS_WEB_DOWNLOAD_MAX_REDIRECTS,
    idleTimeoutMs: e.IRIS_WEB_DOWNLOAD_IDLE_SECONDS * 1000,
    totalTimeoutMs: e.IRIS_WEB_DOWNLOAD_TIMEOUT_SECONDS * 1000,
  };
}
