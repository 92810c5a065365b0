-- Indexes Prisma's schema language cannot express (NULLS FIRST), for the image list on PostgreSQL.
-- Iris sorts NULL as the smallest value in both directions (ASC NULLS FIRST, DESC NULLS LAST);
-- PostgreSQL's default NULLS LAST for ASC would make every sort by a nullable key read the whole
-- table. Scanned forwards or backwards, these serve sort=<key>:asc and sort=<key>:desc with the
-- created_at, id tie-breakers Glance appends.
CREATE INDEX "images_list_size_idx" ON "images" ("deleted", "size" ASC NULLS FIRST, "created_at", "id");
CREATE INDEX "images_list_name_idx" ON "images" ("deleted", "name" ASC NULLS FIRST, "created_at", "id");
CREATE INDEX "images_list_disk_format_idx" ON "images" ("deleted", "disk_format" ASC NULLS FIRST, "created_at", "id");
CREATE INDEX "images_list_container_format_idx" ON "images" ("deleted", "container_format" ASC NULLS FIRST, "created_at", "id");
CREATE INDEX "images_list_status_idx" ON "images" ("deleted", "status", "created_at", "id");
CREATE INDEX "images_list_updated_at_idx" ON "images" ("deleted", "updated_at", "created_at", "id");
CREATE INDEX "images_list_created_at_idx" ON "images" ("deleted", "created_at", "id");
