-- A per-project quota is a Keystone unified limit (/identity/v3/limits), which has a description.
ALTER TABLE "quotas" ADD COLUMN "description" TEXT;
