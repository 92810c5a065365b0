import "server-only";
import { db } from "../db";
import { log } from "../log";
import { findStore, listStores } from "../stores";
import { FilesystemStore } from "../stores/filesystem";

// Recovery after a crash (kill -9 during an upload): an upload keeps its image's updatedAt fresh
// while it runs (UPLOAD_HEARTBEAT_MS); an image left in `saving` without a heartbeat for
// STALE_AFTER_MS goes back to `queued`, and temporary files that old are removed. Store copies left
// in `deleting` are deleted again.

export const UPLOAD_HEARTBEAT_MS = 20_000;
const STALE_AFTER_MS = 90_000;

export async function sweepStale(
  now = Date.now(),
): Promise<{ requeued: number; partials: number; deleted: number }> {
  const cutoff = new Date(now - STALE_AFTER_MS);
  const stale = await db.image.findMany({
    where: { status: "saving", updatedAt: { lt: cutoff } },
    select: { id: true },
  });
  let requeued = 0;
  for (const { id } of stale) {
    const r = await db.image.updateMany({
      where: { id, status: "saving", updatedAt: { lt: cutoff } },
      data: { status: "queued", size: null, virtualSize: null },
    });
    requeued += r.count;
  }
  let partials = 0;
  for (const s of listStores())
    if (s instanceof FilesystemStore) partials += await s.sweepPartials(STALE_AFTER_MS);
  let deleted = 0;
  for (const loc of await db.imageLocation.findMany({ where: { status: "deleting" } })) {
    try {
      await findStore(loc.store)?.delete(loc.key);
      await db.imageLocation.delete({ where: { id: loc.id } });
      deleted++;
    } catch (e) {
      log.warn("could not delete image data yet", {
        imageId: loc.imageId,
        store: loc.store,
        error: String(e),
      });
    }
  }
  if (requeued || partials || deleted)
    log.info("recovered after an interruption", { requeued, partials, deleted });
  return { requeued, partials, deleted };
}

let timer: NodeJS.Timeout | undefined;

export function startSweeper(): void {
  if (timer) return;
  const run = () => sweepStale().catch((e) => log.error("sweep failed", { error: String(e) }));
  void run();
  timer = setInterval(run, 60_000);
  timer.unref();
}
