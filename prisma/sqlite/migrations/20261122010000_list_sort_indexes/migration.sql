-- The image list's sort keys with the created_at, id tie-breakers Glance appends, so that every
-- sort order is an index scan (SQLite sorts NULL first ascending and last descending, which is
-- what Iris wants, so plain indexes serve both directions).
CREATE INDEX "images_list_size_idx" ON "images" ("deleted", "size", "created_at", "id");
CREATE INDEX "images_list_name_idx" ON "images" ("deleted", "name", "created_at", "id");
CREATE INDEX "images_list_disk_format_idx" ON "images" ("deleted", "disk_format", "created_at", "id");
CREATE INDEX "images_list_container_format_idx" ON "images" ("deleted", "container_format", "created_at", "id");
CREATE INDEX "images_list_status_idx" ON "images" ("deleted", "status", "created_at", "id");
CREATE INDEX "images_list_updated_at_idx" ON "images" ("deleted", "updated_at", "created_at", "id");
CREATE INDEX "images_list_created_at_idx" ON "images" ("deleted", "created_at", "id");
