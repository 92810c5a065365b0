import "server-only";
import { db } from "../db";
import { env } from "../env";
import { log } from "../log";
import { listStores } from "../stores";
import { deleteLocation } from "./data-removal";
import { staleAfterMs } from "./heartbeat";
import { FilesystemStore } from "../stores/filesystem";
import { S3Store } from "../stores/s3";
import {
  dropTusUploads,
  interruptedFinishResumable,
  sweepExpiredUploads,
  sweepUnansweredUploads,
} from "../uploads/tus";
import { TUS_DIR, TUS_FILE, TUS_ID } from "../uploads/tus-stores";
import { sweepInterruptedImports } from "../imports/import";
import { stagedNeeded, stagingStore, sweepUnneededStaged } from "../imports/staging";

// Recovery after a crash (kill -9 during an upload). Every write in progress keeps a heartbeat
// (heartbeat.ts); what has gone without one for the stale time is taken back, in this order:
//   1. images left `saving` (PUT …/file, or a tus upload's finish) go back to `queued` — or to
//      `uploading` when a tus upload still holds all their bytes, so that its next HEAD finishes;
//   2. images left `uploading` with no upload go back to `queued`, and so do those of tus uploads
//      whose creation never answered (nobody knows their URL) and of expired tus uploads;
//   3. import tasks that stopped without ending fail, and their images can be imported again;
//   4. staged data of images that no longer need it goes;
//   5. temporary files and S3 multipart uploads of writes that no longer run go;
//   6. store copies left `deleting` are deleted again;
//   7. orphans: data in a store that no image location, tus upload or staged upload points to.
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

/** The keys among `keys` that an image location in one of `stores` points to. */
async function recorded(keys: string[], stores: string[]): Promise<Set<string>> {
  if (keys.length === 0 || stores.length === 0) return new Set();
  const rows = await db.imageLocation.findMany({
    where: { store: { in: stores }, key: { in: keys } },
    select: { key: true },
  });
  return new Set(rows.map((r) => r.key));
}

/** The tus upload ids among `ids` (as stored: with the S3 store's prefix) that have their upload. */
async function tusUploadsKnown(ids: string[]): Promise<Set<string>> {
  if (ids.length === 0) return new Set();
  const rows = await db.upload.findMany({ where: { kind: "tus", key: { in: ids } }, select: { key: true } });
  return new Set(rows.map((r) => r.key));
}

/** The tus id a tus data name belongs to (tus-….json → tus-…), or null. */
const tusIdOf = (name: string): string | null => TUS_FILE.exec(name)?.[1] ?? null;

/**
 * Image ids (data keys) still needed in a folder or bucket shared by `stores` (and staging).
 * Keys kept only because their image is busy are counted in `later`: they are judged again.
 */
async function imageKeysNeeded(
  keys: string[],
  stores: string[],
  staging: boolean,
  busy: Set<string>,
  later: { count: number },
): Promise<Set<string>> {
  const needed = await recorded(keys, stores);
  if (staging) for (const k of await stagedNeeded(keys)) needed.add(k);
  for (const k of keys)
    if (!needed.has(k) && busy.has(k)) {
      needed.add(k);
      later.count++;
    }
  return needed;
}

/** Step 7: data that nothing points to, in every folder and bucket the stores use. */
async function sweepOrphans(
  graceMs: number,
  busy: Set<string>,
): Promise<{ removed: number; deferred: number }> {
  let removed = 0;
  let deferred = 0;
  const later = { count: 0 };
  const count = (r: { removed: number; deferred: number }) => {
    removed += r.removed;
    deferred += r.deferred;
  };
  // Stores that share a folder (or a bucket and prefix) are judged together: data one of them
  // needs stays. The staging area is such a folder too.
  const folders = new Map<string, { store: FilesystemStore; names: string[]; staging: boolean }>();
  const buckets = new Map<string, { store: S3Store; names: string[] }>();
  for (const s of listStores()) {
    if (s instanceof FilesystemStore) {
      const f = folders.get(s.directory);
      if (f) f.names.push(s.name);
      else folders.set(s.directory, { store: s, names: [s.name], staging: false });
    } else if (s instanceof S3Store) {
      const place = JSON.stringify([s.config.endpoint ?? "", s.bucket, s.prefix]);
      const b = buckets.get(place);
      if (b) b.names.push(s.name);
      else buckets.set(place, { store: s, names: [s.name] });
    }
  }
  const staging = stagingStore();
  const sf = folders.get(staging.directory);
  if (sf) sf.staging = true;
  else folders.set(staging.directory, { store: staging, names: [], staging: true });

  for (const f of folders.values()) {
    count(
      await f.store.sweepFiles({
        olderThanMs: graceMs,
        want: (name) => UUID.test(name),
        keep: (keys) => imageKeysNeeded(keys, f.names, f.staging, busy, later),
      }),
    );
    if (f.names.length)
      count(
        await f.store.sweepFiles({
          sub: TUS_DIR,
          olderThanMs: graceMs,
          want: (name) => tusIdOf(name) !== null,
          keep: async (names) => {
            const known = await tusUploadsKnown(names.map((n) => tusIdOf(n)!));
            return new Set(names.filter((n) => known.has(tusIdOf(n)!)));
          },
        }),
      );
  }
  for (const b of buckets.values()) {
    const prefix = b.store.prefix;
    count(
      await b.store.sweepObjects({
        olderThanMs: graceMs,
        want: (key) => UUID.test(key) || tusIdOf(key) !== null,
        keep: async (keys) => {
          const images = keys.filter((k) => UUID.test(k));
          const tus = keys.filter((k) => !UUID.test(k));
          const needed = await imageKeysNeeded(images, b.names, false, busy, later);
          // A finished tus upload's object is its image's data (its location's key); before
          // that, the object and its .info and .part belong to the upload.
          for (const k of await recorded(
            tus.filter((k) => TUS_ID.test(k)),
            b.names,
          ))
            needed.add(k);
          const known = await tusUploadsKnown(tus.map((k) => prefix + tusIdOf(k)!));
          for (const k of tus) if (known.has(prefix + tusIdOf(k)!)) needed.add(k);
          return needed;
        },
      }),
    );
  }
  return { removed, deferred: deferred + later.count };
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
    const where = { id, status: "saving", updatedAt: { lt: cutoff } };
    if (await interruptedFinishResumable(id)) {
      requeued += (await db.image.updateMany({ where, data: { status: "uploading" } })).count;
      continue;
    }
    const r = await db.image.updateMany({ where, data: { status: "queued", size: null, virtualSize: null } });
    // A tus upload whose finish had moved its data into place already: the data is an orphan now
    // (step 7) and the upload cannot go on.
    if (r.count) await dropTusUploads(id);
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
  requeued += await sweepUnansweredUploads(cutoff);
  const expired = await sweepExpiredUploads(new Date(now));
  // 3.
  const interrupted = await sweepInterruptedImports(STALE_AFTER_MS);
  // 4., 5.
  const busy = await busyImages(cutoff);
  let partials = await sweepUnneededStaged(busy);
  const busyPartial = (name: string) => busy.has(name.slice(0, 36));
  partials += await stagingStore().sweepPartials(STALE_AFTER_MS, busyPartial);
  for (const s of listStores()) {
    if (s instanceof FilesystemStore) partials += await s.sweepPartials(STALE_AFTER_MS, busyPartial);
    // Multipart uploads of writes that never committed: of an image nobody writes to any more,
    // or of a tus upload that is gone. (Nothing else under the prefix is Iris's.)
    if (s instanceof S3Store)
      partials += await s.abortStale(STALE_AFTER_MS, async (key) =>
        UUID.test(key)
          ? !busy.has(key)
          : TUS_ID.test(key) && (await tusUploadsKnown([s.prefix + key])).size === 0,
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
