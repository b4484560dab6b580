-- CreateTable
CREATE TABLE "SignIn" (
    "id" INTEGER NOT NULL PRIMARY KEY AUTOINCREMENT,
    "unitId" INTEGER NOT NULL,
    "chatId" INTEGER NOT NULL,
    "platform" TEXT NOT NULL,
    "chatExternalId" TEXT NOT NULL,
    "sourceMessageId" TEXT NOT NULL,
    "memberId" INTEGER NOT NULL,
    "actor" TEXT NOT NULL,
    "draft" TEXT NOT NULL,
    "closesAt" DATETIME,
    "cardMessageId" TEXT,
    "createdAt" DATETIME NOT NULL,
    "closedAt" DATETIME,
    "closedBy" TEXT,
    "outcome" TEXT,
    "recordId" INTEGER
);

-- CreateTable
CREATE TABLE "SignInEntry" (
    "id" INTEGER NOT NULL PRIMARY KEY AUTOINCREMENT,
    "signInId" INTEGER NOT NULL,
    "key" TEXT NOT NULL,
    "memberId" INTEGER,
    "name" TEXT NOT NULL,
    "paper" BOOLEAN NOT NULL DEFAULT false,
    "at" DATETIME NOT NULL
);

-- CreateIndex
CREATE INDEX "SignIn_platform_chatExternalId_closedAt_idx" ON "SignIn"("platform", "chatExternalId", "closedAt");

-- CreateIndex
CREATE INDEX "SignIn_closedAt_closesAt_idx" ON "SignIn"("closedAt", "closesAt");

-- CreateIndex
CREATE UNIQUE INDEX "SignIn_platform_chatExternalId_sourceMessageId_key" ON "SignIn"("platform", "chatExternalId", "sourceMessageId");

-- CreateIndex
CREATE UNIQUE INDEX "SignInEntry_signInId_key_key" ON "SignInEntry"("signInId", "key");

