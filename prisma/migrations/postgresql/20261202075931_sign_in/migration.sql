-- CreateTable
CREATE TABLE "SignIn" (
    "id" SERIAL NOT NULL,
    "unitId" INTEGER NOT NULL,
    "chatId" INTEGER NOT NULL,
    "platform" TEXT NOT NULL,
    "chatExternalId" TEXT NOT NULL,
    "sourceMessageId" TEXT NOT NULL,
    "memberId" INTEGER NOT NULL,
    "actor" TEXT NOT NULL,
    "draft" TEXT NOT NULL,
    "closesAt" TIMESTAMP(3),
    "cardMessageId" TEXT,
    "createdAt" TIMESTAMP(3) NOT NULL,
    "closedAt" TIMESTAMP(3),
    "closedBy" TEXT,
    "outcome" TEXT,
    "recordId" INTEGER,

    CONSTRAINT "SignIn_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "SignInEntry" (
    "id" SERIAL NOT NULL,
    "signInId" INTEGER NOT NULL,
    "key" TEXT NOT NULL,
    "memberId" INTEGER,
    "name" TEXT NOT NULL,
    "paper" BOOLEAN NOT NULL DEFAULT false,
    "at" TIMESTAMP(3) NOT NULL,

    CONSTRAINT "SignInEntry_pkey" PRIMARY KEY ("id")
);

-- CreateIndex
CREATE INDEX "SignIn_platform_chatExternalId_closedAt_idx" ON "SignIn"("platform", "chatExternalId", "closedAt");

-- CreateIndex
CREATE INDEX "SignIn_closedAt_closesAt_idx" ON "SignIn"("closedAt", "closesAt");

-- CreateIndex
CREATE UNIQUE INDEX "SignIn_platform_chatExternalId_sourceMessageId_key" ON "SignIn"("platform", "chatExternalId", "sourceMessageId");

-- CreateIndex
CREATE UNIQUE INDEX "SignInEntry_signInId_key_key" ON "SignInEntry"("signInId", "key");

