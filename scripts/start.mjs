// `npm start`: install what is missing, build if the sources changed, then serve Iris.
// Migrations and the first administrator are handled by the server at start (instrumentation.ts).
//   PORT (default 3000), HOST (default: all interfaces)   --dev: Next.js in development mode
//   --no-build: serve the existing build as is
import { spawn } from "node:child_process";
import {
  buildServer,
  checkNode,
  ensureBuild,
  ensureDependencies,
  root,
  SERVER_BUNDLE,
} from "./lib/ensure.mjs";

const args = new Set(process.argv.slice(2));
try {
  checkNode();
  ensureDependencies();
  if (args.has("--dev")) buildServer();
  else if (!args.has("--no-build")) ensureBuild();
} catch (e) {
  console.error(`\nIris could not start: ${e instanceof Error ? e.message : e}`);
  process.exit(1);
}

const port = process.env.PORT ?? "3000";
const host = process.env.HOST;
console.log(`Starting Iris on http://${host && host !== "0.0.0.0" ? host : "localhost"}:${port} …`);
// server.ts, bundled: screens each request line, then hands it to Next.js.
const child = spawn(process.execPath, [SERVER_BUNDLE, ...(args.has("--dev") ? ["--dev"] : [])], {
  cwd: root,
  stdio: "inherit",
  env: { ...process.env, PORT: port, NEXT_TELEMETRY_DISABLED: "1" },
});
for (const sig of ["SIGINT", "SIGTERM"]) process.on(sig, () => child.kill(sig));
child.on("exit", (code, signal) => process.exit(code ?? (signal ? 1 : 0)));
