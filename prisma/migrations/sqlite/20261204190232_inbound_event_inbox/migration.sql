-- CreateIndex
CREATE INDEX "InboundEvent_inboxId_idx" ON "InboundEvent"("inboxId");

