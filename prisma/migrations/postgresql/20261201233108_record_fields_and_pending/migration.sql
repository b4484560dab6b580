-- AlterTable
ALTER TABLE "Record" ADD COLUMN     "attendees" TEXT,
ADD COLUMN     "host" TEXT,
ADD COLUMN     "place" TEXT,
ADD COLUMN     "recorder" TEXT,
ADD COLUMN     "sessionsApprox" BOOLEAN NOT NULL DEFAULT false,
ADD COLUMN     "timeOfDay" TEXT,
ADD COLUMN     "title" TEXT;

-- CreateTable
CREATE TABLE "PendingRecord" (
    "id" SERIAL NOT NULL,
    "platform" TEXT NOT NULL,
    "chatExternalId" TEXT NOT NULL,
    "userId" TEXT NOT NULL,
    "unitId" INTEGER NOT NULL,
    "sourceMessageId" TEXT NOT NULL,
    "draft" TEXT NOT NULL,
    "status" TEXT NOT NULL DEFAULT 'pending',
    "reason" TEXT NOT NULL,
    "createdAt" TIMESTAMP(3) NOT NULL,
    "updatedAt" TIMESTAMP(3) NOT NULL,

    CONSTRAINT "PendingRecord_pkey" PRIMARY KEY ("id")
);

-- CreateIndex
CREATE INDEX "PendingRecord_platform_chatExternalId_userId_status_idx" ON "PendingRecord"("platform", "chatExternalId", "userId", "status");

-- CreateIndex
CREATE UNIQUE INDEX "PendingRecord_platform_chatExternalId_sourceMessageId_key" ON "PendingRecord"("platform", "chatExternalId", "sourceMessageId");

