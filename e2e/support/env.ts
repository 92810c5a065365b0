import path from "node:path";
// Settings the test runner hands to every suite.
export const IRIS_URL = process.env.IRIS_URL ?? "http://127.0.0.1:3100";
export const ADMIN_PASSWORD = process.env.IRIS_ADMIN_PASSWORD ?? "iris-e2e-admin-password";
export const ADMIN = { name: "admin", password: ADMIN_PASSWORD, project: "admin" } as const;

/** The server's data folder (IRIS_DATA_DIR, set by the runner), shared by every server a suite starts. */
function dataDir(): string {
  const dir = process.env.IRIS_DATA_DIR;
  if (!dir) throw new Error("IRIS_DATA_DIR is not set (run the suites through npm test)");
  return dir;
}

/** Where the filesystem store "file" keeps images (a suite reaching its files simulates a crash or damage). */
export const fileStoreDir = (): string => path.join(dataDir(), "images");
/** Where staged data (PUT …/stage, web-download) waits for its import. */
export const stagingDir = (): string => path.join(dataDir(), "staging");
