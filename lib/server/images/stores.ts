import "server-only";
import { audit } from "../audit";
import type { RequestContext } from "../context";
import { db } from "../db";
import { conflict, forbidden, notFound } from "../errors";
import { assertAllowed } from "../policy";
import { findStore } from "../stores";
import { getVisibleImage, policyCaller, type ImageCaller } from "./access";
import { deleteLocation } from "./data-removal";

// DELETE /v2/stores/{store_id}/{image_id}: remove an image's data from one store while other
// stores keep it (Glance's delete_from_store).

export async function deleteFromStore(
  ctx: RequestContext,
  caller: ImageCaller,
  storeId: string,
  imageId: string,
): Promise<void> {
  const store = findStore(storeId);
  if (!store) throw conflict(`The selected store ${storeId} is not available on this node.`);
  const { image, target } = await getVisibleImage(ctx, caller, imageId);
  const pc = policyCaller(caller);
  assertAllowed("get_image_location", pc, target, "You are not authorized to read this image's locations.");
  assertAllowed(
    "delete_image_location",
    pc,
    target,
    "You are not authorized to remove image data from a store (policy delete_image_location).",
  );
  if (image.status !== "active")
    throw conflict("It's not allowed to remove image data from store if image status is not 'active'");
  const locations = await db.imageLocation.findMany({ where: { imageId: image.id, status: "active" } });
  if (locations.length === 1)
    throw forbidden(
      "Cannot delete image data from the only store containing it. Consider deleting the image instead.",
    );
  const location = locations.find((l) => l.store === storeId);
  if (!location) throw notFound(`Image ${image.id} is not stored in store ${storeId}.`);
  await deleteLocation(location);
  await audit(ctx, {
    action: "image.store.delete",
    targetType: "image",
    targetId: image.id,
    detail: { store: storeId },
  });
}
