// `npm test`: make sure dependencies are installed, then run every suite (scripts/test/run.ts).
import { spawnSync } from "node:child_process";
import path from "node:path";
import { checkNode, ensureDependencies, root } from "./lib/ensure.mjs";

try {
  checkNode();
  ensureDependencies();
} catch (e) {
  console.error(`npm test could not prepare: ${e instanceof Error ? e.message : e}`);
  console.log("0 passed, 1 failed");
  process.exit(1);
}
const r = spawnSync(
  process.execPath,
  ["--import", "tsx", path.join(root, "scripts", "test", "run.ts"), ...process.argv.slice(2)],
  {
    cwd: root,
    stdio: "inherit",
  },
);
process.exit(r.status ?? 1);
