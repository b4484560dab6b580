-- AlterTable (written by hand: the same column as a table rebuild would make, without copying every stored photo)
ALTER TABLE "StoredFile" ADD COLUMN "location" TEXT NOT NULL DEFAULT 'db';
