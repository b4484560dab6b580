-- AlterTable
ALTER TABLE "Unit" ADD COLUMN     "quietRules" TEXT;

