import "server-only";
import { env, formatInspection, importMethods, storeSettings, webDownloadPolicy } from "./env";
import { loadPolicy } from "./policy";

/**
 * Reads every setting once: an invalid one throws with its message. The HTTP server (server.ts)
 * calls it before it opens its port, so an Iris with a bad setting stops at start (exit code 1)
 * instead of answering each request that reads the setting with a 500; startup.ts calls it again
 * for servers started another way (`next dev`).
 */
export function checkConfiguration(): void {
  env();
  storeSettings();
  importMethods();
  webDownloadPolicy();
  formatInspection();
  loadPolicy(); // IRIS_POLICY_FILE: it must exist and parse
}

/** The one-line JSON log of a failed start (not through log.ts: the log level may be the bad setting). */
export function startFailure(e: unknown): string {
  const message = e instanceof Error ? e.message : String(e);
  return `${JSON.stringify({ time: new Date().toISOString(), level: "error", msg: `Iris cannot start: ${message}` })}\n`;
}
