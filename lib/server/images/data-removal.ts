import "server-only";
import { db } from "../db";
import { log } from "../log";
import { findStore } from "../stores";
import { tusBackend } from "../uploads/tus-stores";
import { stagingStore } from "../imports/staging";

/** Removes an image's data from every store that holds it, then the records that pointed at it. */
export async function removeImageData(imageId: string): Promise<void> {
  const locations = await db.imageLocation.findMany({ where: { imageId } });
  for (const loc of locations) {
    await db.imageLocation.update({ where: { id: loc.id }, data: { status: "deleting" } });
    try {
      await findStore(loc.store)?.delete(loc.key);
      await db.imageLocation.delete({ where: { id: loc.id } });
    } catch (e) {
      // Left as "deleting": the next start's sweep retries it.
      log.error("could not delete image data", { imageId, store: loc.store, error: String(e) });
    }
  }
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
