// What `npm start` and `npm test` need before they can run: dependencies, the Prisma clients
// and a current production build. Plain Node (no dependencies), so it runs on a fresh clone.
import { spawnSync } from "node:child_process";
import crypto from "node:crypto";
import fs from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";

export const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..", "..");

export function run(cmd, args, opts = {}) {
  const r = spawnSync(cmd, args, { cwd: root, stdio: "inherit", ...opts });
  if (r.status !== 0) throw new Error(`${cmd} ${args.join(" ")} failed (exit ${r.status ?? r.signal})`);
  return r;
}

function mtime(p) {
  try {
    return fs.statSync(p).mtimeMs;
  } catch {
    return 0;
  }
}

export function checkNode() {
  const [major, minor] = process.versions.node.split(".").map(Number);
  if (major < 20 || (major === 20 && minor < 9)) {
    throw new Error(`Iris needs Node.js 20.9 or newer; this is ${process.versions.node}.`);
  }
}

/** npm install when node_modules is missing or older than package.json / the lockfile. */
export function ensureDependencies() {
  const marker = path.join(root, "node_modules", ".package-lock.json");
  const stale =
    !fs.existsSync(marker) ||
    mtime(path.join(root, "package.json")) > mtime(marker) ||
    mtime(path.join(root, "package-lock.json")) > mtime(marker);
  if (stale) {
    console.log("Installing dependencies (npm install)…");
    // `npm ci` fails with a lockfile made on these machines; `npm install` keeps to it.
    run(process.platform === "win32" ? "npm.cmd" : "npm", ["install", "--no-audit", "--no-fund"]);
  }
  const clients = ["generated/sqlite/client.ts", "generated/pg/client.ts"].map((p) => path.join(root, p));
  const schema = mtime(path.join(root, "prisma", "models.prisma"));
  if (clients.some((c) => !fs.existsSync(c) || mtime(c) < schema)) {
    run(process.execPath, [path.join(root, "scripts", "generate.mjs")]);
  }
}

const SOURCES = [
  "app",
  "components",
  "lib",
  "public",
  "prisma",
  "instrumentation.ts",
  "server.ts",
  "next.config.mjs",
  "postcss.config.mjs",
  "tsconfig.json",
  "package-lock.json",
];

/** A hash of everything the production build depends on, to rebuild only when it changed. */
export function sourceHash() {
  const h = crypto.createHash("sha256");
  const walk = (p) => {
    const full = path.join(root, p);
    if (!fs.existsSync(full)) return;
    const st = fs.statSync(full);
    if (st.isDirectory()) {
      for (const e of fs.readdirSync(full).sort()) walk(path.join(p, e));
    } else {
      h.update(p);
      h.update(fs.readFileSync(full));
    }
  };
  SOURCES.forEach(walk);
  return h.digest("hex");
}

export function ensureBuild({ force = false } = {}) {
  const stamp = path.join(root, ".next", "iris-source-hash");
  const hash = sourceHash();
  const current =
    fs.existsSync(path.join(root, ".next", "BUILD_ID")) &&
    fs.existsSync(stamp) &&
    fs.existsSync(SERVER_BUNDLE) &&
    fs.readFileSync(stamp, "utf8") === hash;
  if (current && !force) return false;
  console.log("Building Iris (next build)…");
  run(process.execPath, [path.join(root, "node_modules", "next", "dist", "bin", "next"), "build"], {
    env: { ...process.env, NEXT_TELEMETRY_DISABLED: "1" },
  });
  buildServer();
  fs.writeFileSync(stamp, hash);
  return true;
}

/** Where the bundled HTTP server (server.ts) is written; `node` runs it. */
export const SERVER_BUNDLE = path.join(root, ".next", "iris-server.mjs");

/**
 * Bundles server.ts and the few modules it imports into one ES module (esbuild, well under a
 * second); packages such as next stay imports. `npm run dev` calls it too, without `next build`.
 */
export function buildServer() {
  run(path.join(root, "node_modules", ".bin", "esbuild"), [
    path.join(root, "server.ts"),
    "--bundle",
    "--platform=node",
    "--format=esm",
    "--target=node20",
    "--packages=external",
    // server-only guards modules against the browser bundle; this bundle is the server.
    "--alias:server-only=./lib/test/server-only-stub.ts",
    "--log-level=warning",
    `--outfile=${SERVER_BUNDLE}`,
  ]);
}
