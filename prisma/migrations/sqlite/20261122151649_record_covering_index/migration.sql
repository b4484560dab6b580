-- DropIndex
DROP INDEX "Record_unitId_day_idx";

-- CreateIndex
CREATE INDEX "Record_unit_day_cover_idx" ON "Record"("unitId", "day", "kind", "subtype", "item", "sessions", "participants", "quantity", "participantsApprox", "quantityApprox", "deletedAt");

