-- CreateIndex
CREATE INDEX "Record_kind_day_idx" ON "Record"("kind", "day");

