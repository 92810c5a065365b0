import "server-only";
import { notFound } from "../errors";
import { seeOrNotFound, type ImageCaller } from "../images/access";
import { assertMayUpload } from "../images/data-rules";
import { boolLiteral, sql, toBigOrNull, toBool, toStrOrNull } from "../sql";
import { TUS_ID } from "./tus-stores";

// What every HEAD, PATCH and DELETE of a tus upload needs to know, read in one hand-written
// statement: the image's visibility, the caller's membership and the upload's row. A 1 GiB upload
// in 32 MiB chunks makes 32 of these requests; through Prisma the same checks took three queries
// and about 2.4 ms of CPU each time (its query compiler), which held the connection idle between
// the chunks. The checks themselves are the ones getUploadableImage makes (images/access.ts).

export interface TusUploadRow {
  /** The upload's id in URLs and in the uploads table. */
  id: string;
  imageId: string;
  store: string;
  /** The upload's id in its store. */
  key: string;
  size: bigint | null;
}

/**
 * The tus upload `uploadId` of image `imageId`, if the caller sees the image (else 404) and may
 * upload to it (else 403); 404 when there is no such upload (finished, expired or cancelled).
 */
export async function findTusUpload(
  caller: ImageCaller,
  imageId: string,
  uploadId: string,
): Promise<TusUploadRow> {
  const db = sql();
  const no = boolLiteral(db.dialect, false);
  const [row] = await db.all(
    `SELECT i.owner, i.visibility, i.status, i.deleted, m.status AS member_status,
                  u.id AS upload_id, u.store, u.key, u.size
           FROM images i
           LEFT JOIN image_members m ON m.image_id = i.id AND m.member_id = ? AND m.deleted = ${no}
           LEFT JOIN uploads u ON u.image_id = i.id AND u.id = ? AND u.kind = 'tus'
           WHERE i.id = ?`,
    [caller.projectId, TUS_ID.test(uploadId) ? uploadId : "", imageId],
  );
  const image = row
    ? {
        owner: toStrOrNull(row.owner),
        visibility: String(row.visibility),
        status: String(row.status),
        deleted: toBool(row.deleted),
      }
    : null;
  // As getVisibleImage: a membership counts only for a shared image.
  const member =
    image?.visibility === "shared" && row?.member_status ? { status: String(row.member_status) } : null;
  assertMayUpload(caller, seeOrNotFound(caller, imageId, image, member).target, imageId);
  if (!row?.upload_id)
    throw notFound(
      `No upload ${uploadId} for image ${imageId}; it may have finished, expired or been cancelled.`,
    );
  return {
    id: String(row.upload_id),
    imageId,
    store: String(row.store),
    key: String(row.key),
    size: toBigOrNull(row.size),
  };
}
