-- AlterTable
ALTER TABLE "StoredFile" ADD COLUMN     "location" TEXT NOT NULL DEFAULT 'db';

