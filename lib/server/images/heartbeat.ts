import "server-only";
import { env } from "../env";

// A write in progress proves it is alive by touching its record (an image's or a task's
// updatedAt, a tus upload row's) every uploadHeartbeatMs; the crash sweep (sweep.ts) takes back
// what has gone without a heartbeat for staleAfterMs.

/** How long an interrupted write waits before the sweep takes it back (IRIS_UPLOAD_STALE_SECONDS). */
export const staleAfterMs = (): number => env().IRIS_UPLOAD_STALE_SECONDS * 1000;

/** How often a running upload proves it is alive: well within the stale time. */
const uploadHeartbeatMs = () => Math.min(20_000, Math.floor(staleAfterMs() / 3));

/**
 * While a long write runs, `touch` keeps its record's updatedAt fresh so that the sweep leaves it
 * alone; call the returned function when the write ends.
 */
export function heartbeat(touch: () => Promise<unknown>): () => void {
  const timer = setInterval(() => void touch().catch(() => undefined), uploadHeartbeatMs());
  return () => clearInterval(timer);
}
