import "server-only";
import type { Db } from "../db";

// images.tag_set repeats an image's tags (image_tags) as a JSON array on the image's row, so
// that a list page reads them with the row and PostgreSQL filters on them with a GIN index
// instead of probing image_tags once per candidate row. Every tag write keeps it in step:
// creation and PATCH write it with the row they change; the tag endpoints call refreshTagSet.

type Tx = Parameters<Parameters<Db["$transaction"]>[0]>[0];

/** The value of images.tag_set for a set of tags. */
export function tagSetOf(tags: Iterable<string>): string[] {
  return [...new Set(tags)].sort();
}

/**
 * Re-reads the image's tags and stores them on its row. Call it inside the transaction that
 * changed image_tags, after that transaction has written the image's row (which locks it):
 * a concurrent tag change then waits, and this read sees every change committed before it.
 */
export async function refreshTagSet(tx: Tx, imageId: string): Promise<void> {
  const rows = await tx.imageTag.findMany({ where: { imageId }, select: { value: true } });
  await tx.image.update({ where: { id: imageId }, data: { tagSet: tagSetOf(rows.map((r) => r.value)) } });
}
