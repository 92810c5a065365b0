import "server-only";
import type { RequestContext } from "../context";
import { db } from "../db";
import { AppError, forbidden } from "../errors";
import { assertAllowed } from "../policy";
import { findStore } from "../stores";
import type { ByteRange } from "../stores/types";
import { getVisibleImage, isAdmin, policyCaller, type ImageCaller } from "./access";

// GET /v2/images/{id}/file: stream the data, whole or one byte range; never buffered.

export type Download =
  | { kind: "empty" }
  | {
      kind: "data";
      stream: ReadableStream<Uint8Array>;
      size: number;
      range: ByteRange | null;
      checksum: string | null;
    };

/** Parses one `bytes=` range against the size; null for no Range header; throws 416 when unsatisfiable. */
export function parseRange(header: string | null, size: number): ByteRange | null {
  if (header === null) return null;
  const unsatisfiable = () =>
    new AppError("range_not_satisfiable", `Requested range ${header} is not satisfiable for ${size} bytes.`, {
      "Content-Range": `bytes */${size}`,
    });
  const m = /^bytes=(\d*)-(\d*)$/.exec(header.trim());
  if (!m || (m[1] === "" && m[2] === "")) throw unsatisfiable();
  let start: number;
  let end: number;
  if (m[1] === "") {
    const suffix = Number(m[2]);
    if (suffix === 0) throw unsatisfiable();
    start = Math.max(0, size - suffix);
    end = size - 1;
  } else {
    start = Number(m[1]);
    end = m[2] === "" ? size - 1 : Math.min(Number(m[2]), size - 1);
    if (m[2] !== "" && Number(m[2]) < start) throw unsatisfiable();
  }
  if (start >= size || size === 0) throw unsatisfiable();
  return { start, end };
}

export async function downloadImageData(
  ctx: RequestContext,
  caller: ImageCaller,
  id: string,
  rangeHeader: string | null,
): Promise<Download> {
  const { image, target } = await getVisibleImage(ctx, caller, id);
  assertAllowed(
    "download_image",
    policyCaller(caller),
    target,
    "You are not authorized to download this image (policy download_image).",
  );
  if (image.status === "deactivated" && !isAdmin(caller))
    throw forbidden("The requested image has been deactivated. Image data download is prohibited.");
  const location = await db.imageLocation.findFirst({
    where: { imageId: image.id, status: "active" },
    orderBy: { createdAt: "asc" },
  });
  const store = location ? findStore(location.store) : undefined;
  if (!location || !store || image.size === null || !["active", "deactivated"].includes(image.status))
    return { kind: "empty" };
  const size = Number(image.size);
  const range = parseRange(rangeHeader, size);
  const stream = await store.read(location.key, range ?? undefined);
  return { kind: "data", stream, size, range, checksum: image.checksum };
}
