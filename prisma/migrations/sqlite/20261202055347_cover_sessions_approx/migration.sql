-- DropIndex
DROP INDEX "Record_unit_day_cover_idx";

-- CreateIndex
CREATE INDEX "Record_unit_day_cover_idx" ON "Record"("unitId", "day", "kind", "subtype", "item", "sessions", "participants", "quantity", "participantsApprox", "quantityApprox", "sessionsApprox", "deletedAt");

