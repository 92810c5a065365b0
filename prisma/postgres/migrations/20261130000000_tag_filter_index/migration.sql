-- The tag filter (EXISTS … image_tags WHERE image_id = i.id AND value = ?) runs once per candidate
-- row of a list page. With (value, image_id) it is an index-only probe. On PostgreSQL with 100,000
-- images the member list filtered by a tag went from 9.8 ms to 4.6 ms of execution. The index on
-- value alone is a prefix of the new one.
DROP INDEX "image_tags_value_idx";
CREATE INDEX "image_tags_value_image_id_idx" ON "image_tags"("value", "image_id");
