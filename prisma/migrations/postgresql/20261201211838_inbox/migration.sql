-- AlterTable
ALTER TABLE "InboundEvent" ADD COLUMN     "inboxId" INTEGER;

-- CreateTable
CREATE TABLE "InboxEvent" (
    "id" SERIAL NOT NULL,
    "platform" TEXT NOT NULL,
    "chatId" TEXT NOT NULL,
    "payload" TEXT NOT NULL,
    "status" TEXT NOT NULL,
    "owner" TEXT NOT NULL,
    "attempts" INTEGER NOT NULL DEFAULT 0,
    "createdAt" TIMESTAMP(3) NOT NULL,
    "updatedAt" TIMESTAMP(3) NOT NULL,

    CONSTRAINT "InboxEvent_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "BotProcess" (
    "id" TEXT NOT NULL,
    "startedAt" TIMESTAMP(3) NOT NULL,
    "heartbeatAt" TIMESTAMP(3) NOT NULL,

    CONSTRAINT "BotProcess_pkey" PRIMARY KEY ("id")
);

-- CreateIndex
CREATE INDEX "InboxEvent_status_owner_idx" ON "InboxEvent"("status", "owner");

-- CreateIndex
CREATE INDEX "InboxEvent_updatedAt_idx" ON "InboxEvent"("updatedAt");

