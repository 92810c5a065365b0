-- Each image's tags again on its own row (images.tag_set, a JSON array), kept in step with
-- image_tags by every tag write. The list reads them with the row instead of one subquery per
-- row, and filters by tag with jsonb containment (tag_set @> '["a"]'), a check on the row
-- being read. With 100,000 images the member list walks up to 2,000 rows for a page of 25, and
-- each row used to cost an index probe into image_tags. The GIN index serves rare tags, where
-- scanning in sort order would read most of the table. It is not in models.prisma because the
-- shared models file also feeds the SQLite client, whose connector has no GIN indexes.
ALTER TABLE "images" ADD COLUMN "tag_set" JSONB NOT NULL DEFAULT '[]';

UPDATE "images" AS i SET "tag_set" = s."tags"
FROM (SELECT "image_id", jsonb_agg("value" ORDER BY "value") AS "tags" FROM "image_tags" GROUP BY "image_id") AS s
WHERE s."image_id" = i."id";

CREATE INDEX "images_tag_set_idx" ON "images" USING GIN ("tag_set" jsonb_path_ops);
