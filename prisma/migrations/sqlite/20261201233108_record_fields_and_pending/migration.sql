-- CreateTable
CREATE TABLE "PendingRecord" (
    "id" INTEGER NOT NULL PRIMARY KEY AUTOINCREMENT,
    "platform" TEXT NOT NULL,
    "chatExternalId" TEXT NOT NULL,
    "userId" TEXT NOT NULL,
    "unitId" INTEGER NOT NULL,
    "sourceMessageId" TEXT NOT NULL,
    "draft" TEXT NOT NULL,
    "status" TEXT NOT NULL DEFAULT 'pending',
    "reason" TEXT NOT NULL,
    "createdAt" DATETIME NOT NULL,
    "updatedAt" DATETIME NOT NULL
);

-- AlterTable: new nullable columns and a constant default, added in place (no copy of the ledger)
ALTER TABLE "Record" ADD COLUMN "sessionsApprox" BOOLEAN NOT NULL DEFAULT false;
ALTER TABLE "Record" ADD COLUMN "title" TEXT;
ALTER TABLE "Record" ADD COLUMN "place" TEXT;
ALTER TABLE "Record" ADD COLUMN "host" TEXT;
ALTER TABLE "Record" ADD COLUMN "attendees" TEXT;
ALTER TABLE "Record" ADD COLUMN "timeOfDay" TEXT;
ALTER TABLE "Record" ADD COLUMN "recorder" TEXT;

-- CreateIndex
CREATE INDEX "PendingRecord_platform_chatExternalId_userId_status_idx" ON "PendingRecord"("platform", "chatExternalId", "userId", "status");

-- CreateIndex
CREATE UNIQUE INDEX "PendingRecord_platform_chatExternalId_sourceMessageId_key" ON "PendingRecord"("platform", "chatExternalId", "sourceMessageId");

