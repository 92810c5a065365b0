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
import { stagedNeeded, stagingStore, sweepUnneededStaged } from "../imports/staging";
import { staleAfterMs } from "./heartbeat";

// Recovery after a crash (kill -9 during an upload). Every write in progress keeps a heartbeat
// (heartbeat.ts); what has gone without one for the stale time is taken back, in this order:
//   1. images left `saving` (PUT …/file) go back to `queued`;
//   2. images left `uploading` with no upload go back to `queued`, and so do those of tus uploads
//      whose creation never answered (nobody knows their URL) and of expired tus uploads;
//   3. import tasks that stopped without ending fail, and their images can be imported again;
//   4. staged data of images that no longer need it goes;
//   5. temporary files and S3 multipart uploads of writes that no longer run go;
//   6. store copies left `deleting` are deleted again;
//   7. orphans: data that nothing points to (in the staging area: files no staged upload needs).
// Nothing is removed that a write in progress may still record ("busy" images), nor anything that
// changed within the stale time, so that the sweep never races a write that has just started or
// just finished. Orphans are looked for when a server starts, then at each sweep for as long as
// some could not be judged yet (too recent, or their image busy), so that a crash's leftovers go
// as soon as they may, and otherwise hourly.

const ORPHAN_SCAN_EVERY_MS = 3600_000;
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

/** When the next orphan scan is due (0: at the next sweep). */
let orphansDueAt = 0;

/** Images with a write in progress somewhere: what they write may be recorded any moment. */
async function busyImages(cutoff: Date): Promise<Set<string>> {
  const [images, tasks] = await Promise.all([
    db.image.findMany({
      where: {
        OR: [
          { status: { in: ["saving", "importing"] } },
          // PUT …/stage (its data is recorded only at the end), or just taken back by this sweep
          { status: "uploading", updatedAt: { gte: cutoff } },
        ],
      },
      select: { id: true },
    }),
    // imports in progress, copy-image too (its image is active)
    db.task.findMany({
      where: { type: "api_image_import", status: { in: ["pending", "processing"] } },
      select: { imageId: true },
    }),
  ]);
  const busy = new Set(images.map((i) => i.id));
  for (const t of tasks) if (t.imageId) busy.add(t.imageId);
  return busy;
}

/** Step 7: files in the staging area that no staged upload (nor a write in progress) needs. */
async function sweepOrphans(
  graceMs: number,
  busy: Set<string>,
): Promise<{ removed: number; deferred: number }> {
  let later = 0;
  const r = await stagingStore().sweepFiles({
    olderThanMs: graceMs,
    want: (name) => UUID.test(name),
    keep: async (keys) => {
      const needed = await stagedNeeded(keys);
      // Kept only because their image is busy: judged again at the next sweep.
      for (const k of keys)
        if (!needed.has(k) && busy.has(k)) {
          needed.add(k);
          later++;
        }
      return needed;
    },
  });
  return { removed: r.removed, deferred: r.deferred + later };
}

export async function sweepStale(now = Date.now()): Promise<{
  requeued: number;
  partials: number;
  deleted: number;
  expired: number;
  interrupted: number;
  orphans: number;
}> {
  const STALE_AFTER_MS = staleAfterMs();
  const cutoff = new Date(now - STALE_AFTER_MS);
  // 1. saving without a heartbeat
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
  // 2. `uploading` without any upload in progress (a stop between claiming the image and
  // recording the upload, or PUT …/stage before its end) goes back to queued.
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
  // 3.
  const interrupted = await sweepInterruptedImports(STALE_AFTER_MS);
  // 4., 5.
  const busy = await busyImages(cutoff);
  let partials = await sweepUnneededStaged(busy);
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
  // 6.
  let deleted = 0;
  for (const loc of await db.imageLocation.findMany({ where: { status: "deleting" } }))
    if (await deleteLocation(loc)) deleted++;
  // 7.
  let removed = 0;
  if (now >= orphansDueAt) {
    const r = await sweepOrphans(STALE_AFTER_MS, busy);
    removed = r.removed;
    orphansDueAt = r.deferred > 0 ? 0 : now + ORPHAN_SCAN_EVERY_MS;
  }
  if (requeued || partials || deleted || expired || interrupted || removed)
    log.info("recovered after an interruption", {
      requeued,
      partials,
      deleted,
      expired,
      interrupted,
      orphans: removed,
    });
  return { requeued, partials, deleted, expired, interrupted, orphans: removed };
}

let timer: NodeJS.Timeout | undefined;

export function startSweeper(): void {
  if (timer) return;
  // One sweep at a time: with a short interval, a slow store could make them overlap.
  let running = false;
  const run = async () => {
    if (running) return;
    running = true;
    try {
      await sweepStale();
    } catch (e) {
      log.error("sweep failed", { error: String(e) });
    } finally {
      running = false;
    }
  };
  void run();
  timer = setInterval(run, env().IRIS_SWEEP_INTERVAL_SECONDS * 1000);
  timer.unref();
}
