-- CreateIndex
CREATE INDEX "Member_unitId_role_idx" ON "Member"("unitId", "role");

