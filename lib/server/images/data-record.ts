import "server-only";
import { db, type Db } from "../db";
import { newUuid } from "../ids";

// Recording that an image's data is in place — the one state change PUT …/file, tus and import
// share: the image becomes active with its size and hashes, and the store copy is recorded.

export interface DataDigest {
  size: bigint;
  md5: string;
  /** os_hash_algo and os_hash_value. */
  algo: string;
  hash: string;
  /** The size the guest sees, from format inspection (null: not known). */
  virtualSize?: bigint | null;
  /** Set when the data was converted on import (Glance's image_conversion). */
  converted?: { diskFormat: string; containerFormat: string };
}

/** Records (or updates) the active copy of an image's data in a store. */
export async function recordLocation(
  client: Pick<Db, "imageLocation">,
  imageId: string,
  store: string,
  key: string,
  size: bigint,
): Promise<void> {
  await client.imageLocation.upsert({
    where: { imageId_store: { imageId, store } },
    create: { id: newUuid(), imageId, store, key, size, status: "active" },
    update: { key, size, status: "active" },
  });
}

/** `from` → active with the data's size and hashes; false if the image is no longer `from` (or deleted). */
export async function activateImage(
  client: Pick<Db, "image">,
  imageId: string,
  from: string,
  d: DataDigest,
): Promise<boolean> {
  const r = await client.image.updateMany({
    where: { id: imageId, status: from, deleted: false },
    data: {
      status: "active",
      size: d.size,
      virtualSize: d.virtualSize ?? null,
      ...(d.converted ?? {}),
      checksum: d.md5,
      osHashAlgo: d.algo,
      osHashValue: d.hash,
    },
  });
  return r.count > 0;
}

/**
 * Both at once, in one transaction (with `more` for the caller's own bookkeeping): false, and
 * nothing recorded, if the image left `from` meanwhile — deleted during the upload, typically.
 */
export function recordImageData(
  imageId: string,
  from: string,
  d: DataDigest,
  store: string,
  key: string,
  more?: (tx: Pick<Db, "upload">) => Promise<unknown>,
): Promise<boolean> {
  return db.$transaction(async (tx) => {
    if (!(await activateImage(tx, imageId, from, d))) return false;
    await recordLocation(tx, imageId, store, key, d.size);
    await more?.(tx);
    return true;
  });
}
