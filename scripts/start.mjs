// `npm start`: install what is missing, build if the sources changed, then serve Iris.
// Migrations and the first administrator are handled by the server at start (instrumentation.ts).
//   PORT (default 3000), HOST (default: all interfaces)   --dev: next dev   --no-build: serve as is
import { spawn } from "node:child_process";
import path from "node:path";
import { checkNode, ensureBuild, ensureDependencies, root } from "./lib/ensure.mjs";

const args = new Set(process.argv.slice(2));
try {
  checkNode();
  ensureDependencies();
  if (!args.has("--dev") && !args.has("--no-build")) ensureBuild();
} catch (e) {
  console.error(`\nIris could not start: ${e instanceof Error ? e.message : e}`);
  process.exit(1);
}

const port = process.env.PORT ?? "3000";
const host = process.env.HOST;
const nextArgs = [args.has("--dev") ? "dev" : "start", "-p", port, ...(host ? ["-H", host] : [])];
console.log(`Starting Iris on http://${host && host !== "0.0.0.0" ? host : "localhost"}:${port} …`);
const child = spawn(
  process.execPath,
  [path.join(root, "node_modules", "next", "dist", "bin", "next"), ...nextArgs],
  {
    cwd: root,
    stdio: "inherit",
    env: { ...process.env, NEXT_TELEMETRY_DISABLED: "1" },
  },
);
for (const sig of ["SIGINT", "SIGTERM"]) process.on(sig, () => child.kill(sig));
child.on("exit", (code, signal) => process.exit(code ?? (signal ? 1 : 0)));
