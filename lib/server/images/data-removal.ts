import "server-only";
import { db } from "../db";
import { log } from "../log";
import { findStore } from "../stores";
import { tusBackend } from "../uploads/tus-stores";
import { stagingStore } from "../imports/staging";

/**
 * Deletes one store copy: marked `deleting` first (readers skip it at once), then removed from
 * the store, then forgotten. If the store fails, the copy stays `deleting` and the sweep retries
 * it. Returns whether it is gone.
 */
export async function deleteLocation(loc: {
  id: string;
  imageId: string;
  store: string;
  key: string;
}): Promise<boolean> {
  await db.imageLocation.updateMany({ where: { id: loc.id }, data: { status: "deleting" } });
  try {
    await findStore(loc.store)?.delete(loc.key);
    await db.imageLocation.deleteMany({ where: { id: loc.id } });
    return true;
  } catch (e) {
    log.warn("could not delete image data yet", { imageId: loc.imageId, store: loc.store, error: String(e) });
    return false;
  }
}

/** Removes an image's data from every store that holds it, then the records that pointed at it. */
export async function removeImageData(imageId: string): Promise<void> {
  for (const loc of await db.imageLocation.findMany({ where: { imageId } })) await deleteLocation(loc);
  // Uploads in progress (tus) and staged data: they go too.
  for (const up of await db.upload.findMany({ where: { imageId } })) {
    const store = findStore(up.store);
    if (store && up.kind === "tus")
      await tusBackend(store)
        .remove(up.key)
        .catch(() => undefined);
    if (up.kind === "stage")
      await stagingStore()
        .delete(up.key)
        .catch(() => undefined);
    await db.upload.deleteMany({ where: { id: up.id } });
  }
}
