-- CreateTable
CREATE TABLE "Attachment" (
    "id" INTEGER NOT NULL PRIMARY KEY AUTOINCREMENT,
    "recordId" INTEGER NOT NULL,
    "unitId" INTEGER NOT NULL,
    "sha256" TEXT NOT NULL,
    "kind" TEXT NOT NULL,
    "name" TEXT NOT NULL,
    "mime" TEXT NOT NULL,
    "size" INTEGER NOT NULL,
    "groupKey" TEXT,
    "actor" TEXT NOT NULL,
    "createdAt" DATETIME NOT NULL,
    "deletedAt" DATETIME
);

-- CreateTable
CREATE TABLE "SentRecordMessage" (
    "platform" TEXT NOT NULL,
    "chatId" TEXT NOT NULL,
    "messageId" TEXT NOT NULL,
    "recordId" INTEGER NOT NULL,
    "createdAt" DATETIME NOT NULL,

    PRIMARY KEY ("platform", "chatId", "messageId")
);

-- CreateIndex
CREATE INDEX "Attachment_unitId_deletedAt_idx" ON "Attachment"("unitId", "deletedAt");

-- CreateIndex
CREATE INDEX "Attachment_groupKey_idx" ON "Attachment"("groupKey");

-- CreateIndex
CREATE UNIQUE INDEX "Attachment_recordId_sha256_key" ON "Attachment"("recordId", "sha256");

