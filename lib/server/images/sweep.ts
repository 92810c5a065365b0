import "server-only";
import { db } from "../db";
import { env } from "../env";
import { log } from "../log";
import { listStores } from "../stores";
import { deleteLocation } from "./data-removal";
import { FilesystemStore } from "../stores/filesystem";
import { S3Store } from "../stores/s3";
import { sweepExpiredUploads, sweepUnansweredUploads } from "../uploads/tus";
import { sweepInterruptedImports } from "../imports/import";
import { stagingStore } from "../imports/staging";
import { staleAfterMs } from "./heartbeat";

// Recovery after a crash (kill -9 during an upload): an upload keeps its image's updatedAt fresh
// while it runs (heartbeat.ts); an image left in `saving` without a heartbeat for the stale time
// goes back to `queued`, and temporary files that old are removed. Store copies left in
// `deleting` are deleted again.

export async function sweepStale(
  now = Date.now(),
): Promise<{ requeued: number; partials: number; deleted: number; expired: number; interrupted: number }> {
  const STALE_AFTER_MS = staleAfterMs();
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
  // `uploading` without any upload in progress (a stop between claiming the image and recording
  // the upload) goes back to queued too.
  const orphans = await db.image.findMany({
    where: { status: "uploading", updatedAt: { lt: cutoff }, uploads: { none: {} } },
    select: { id: true },
  });
  for (const { id } of orphans) {
    const r = await db.image.updateMany({
      where: { id, status: "uploading", uploads: { none: {} } },
      data: { status: "queued" },
    });
    requeued += r.count;
  }
  // tus uploads whose creation never answered (its server died): nobody knows their URL.
  requeued += await sweepUnansweredUploads(cutoff);
  const expired = await sweepExpiredUploads(new Date(now));
  const interrupted = await sweepInterruptedImports(STALE_AFTER_MS);
  let partials = 0;
  partials += await stagingStore().sweepPartials(STALE_AFTER_MS);
  for (const s of listStores()) {
    if (s instanceof FilesystemStore) partials += await s.sweepPartials(STALE_AFTER_MS);
    // Multipart uploads of writes that never committed (not tus uploads, which have their rows).
    // A write in progress keeps its image `saving` with a fresh heartbeat (stale ones were just
    // requeued above), so only writes nobody is doing any more are aborted.
    if (s instanceof S3Store)
      partials += await s.abortStale(
        STALE_AFTER_MS,
        async (key) =>
          !key.startsWith("tus-") && (await db.image.count({ where: { id: key, status: "saving" } })) === 0,
      );
  }
  let deleted = 0;
  for (const loc of await db.imageLocation.findMany({ where: { status: "deleting" } }))
    if (await deleteLocation(loc)) deleted++;
  if (requeued || partials || deleted || expired || interrupted)
    log.info("recovered after an interruption", { requeued, partials, deleted, expired, interrupted });
  return { requeued, partials, deleted, expired, interrupted };
}

let timer: NodeJS.Timeout | undefined;

export function startSweeper(): void {
  if (timer) return;
  const run = () => sweepStale().catch((e) => log.error("sweep failed", { error: String(e) }));
  void run();
  timer = setInterval(run, env().IRIS_SWEEP_INTERVAL_SECONDS * 1000);
  timer.unref();
}
