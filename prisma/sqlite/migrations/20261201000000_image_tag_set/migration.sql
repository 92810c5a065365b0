-- Each image's tags again on its own row (images.tag_set, a JSON array as text), kept in step
-- with image_tags by every tag write. The list reads them with the row instead of one subquery
-- per row. SQLite keeps filtering by tag through the (value, image_id) index of image_tags.
ALTER TABLE "images" ADD COLUMN "tag_set" JSONB NOT NULL DEFAULT '[]';

UPDATE "images" SET "tag_set" = (
  SELECT json_group_array("value") FROM (SELECT "value" FROM "image_tags" AS t WHERE t."image_id" = "images"."id" ORDER BY "value")
)
WHERE EXISTS (SELECT 1 FROM "image_tags" AS t WHERE t."image_id" = "images"."id");
