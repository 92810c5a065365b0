import "server-only";
import { env } from "../env";
import { badRequest, forbidden } from "../errors";
import { can, imageTarget } from "../policy";
import { canSee, isAdmin, loadImage, membershipOf, policyCaller, type ImageCaller } from "./access";
import { parseListQuery } from "./list-query";
import { selectImagePage } from "./list-sql";
import { serializeImage } from "./serialize";
import type { ImageRecord } from "./types";

// GET /v2/images: Glance's visibility rules, filters, sorting and keyset pagination.

export interface ListResult {
  images: ImageRecord[];
  nextMarker?: string;
}

export async function listImages(caller: ImageCaller, params: URLSearchParams): Promise<ListResult> {
  const e = env();
  const q = parseListQuery(params, { default: e.IRIS_LIMIT_PARAM_DEFAULT, max: e.IRIS_API_LIMIT_MAX });
  const pc = policyCaller(caller);
  if (!can("get_images", pc, { project_id: caller.projectId }))
    throw forbidden("You are not authorized to list images (policy get_images).");
  let marker: ImageRecord | null = null;
  if (q.marker !== undefined) {
    marker = await loadImage(q.marker);
    const member = marker ? await membershipOf(marker.id, caller.projectId) : null;
    if (!marker || marker.deleted || !canSee(caller, marker, member))
      throw badRequest(`No image found with ID ${q.marker}`);
  }
  const page = await selectImagePage({ projectId: caller.projectId, admin: isAdmin(caller) }, q, marker);
  const rows = page.images;
  // Glance checks get_image per image; a page may be shorter than limit, yet `next` follows the DB page.
  const memberStatus = page.memberStatus;
  const images = rows.filter((r) =>
    can(
      "get_image",
      pc,
      imageTarget(r, memberStatus.get(r.id) ?? null, memberStatus.has(r.id) ? caller.projectId : null),
    ),
  );
  const result: ListResult = { images };
  if (images.length && rows.length === q.limit) result.nextMarker = images[images.length - 1]!.id;
  return result;
}

/** The response body: images, first, schema and next as relative /v2/images links. */
export function listBody(params: URLSearchParams, result: ListResult) {
  const rest = new URLSearchParams(params);
  rest.delete("marker");
  const query = rest.toString();
  const body: Record<string, unknown> = {
    images: result.images.map(serializeImage),
    first: query ? `/v2/images?${query}` : "/v2/images",
    schema: "/v2/schemas/images",
  };
  if (result.nextMarker) {
    rest.append("marker", result.nextMarker);
    body.next = `/v2/images?${rest.toString()}`;
  }
  return body;
}
