-- AlterTable
ALTER TABLE "Record" ADD COLUMN "minutes" TEXT;

