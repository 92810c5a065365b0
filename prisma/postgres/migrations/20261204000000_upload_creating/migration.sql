-- A tus upload whose creation request has not answered yet: nobody knows its URL, so the crash
-- sweep may release it once its creation stops (a kill -9 before the 201). Existing rows were
-- answered or cannot be told apart from answered ones: false keeps them.
ALTER TABLE "uploads" ADD COLUMN "creating" BOOLEAN NOT NULL DEFAULT false;
