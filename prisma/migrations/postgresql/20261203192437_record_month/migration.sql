-- CreateTable
CREATE TABLE "RecordMonth" (
    "unitId" INTEGER NOT NULL,
    "kind" TEXT NOT NULL,
    "month" TEXT NOT NULL,
    "subtype" TEXT NOT NULL,
    "sessions" INTEGER NOT NULL,

    CONSTRAINT "RecordMonth_pkey" PRIMARY KEY ("unitId","kind","month","subtype")
);


-- Kept by the store itself, in the same transaction as every change to "Record" (written by hand:
-- Prisma's schema has no triggers). A live record adds its sessions to its unit's month, kind and
-- subtype; deleting it (deletedAt set, or the row removed) takes them off; an edit does both.
CREATE FUNCTION "record_month_sync"() RETURNS trigger AS $$
BEGIN
    IF TG_OP IN ('UPDATE', 'DELETE') AND OLD."deletedAt" IS NULL THEN
        UPDATE "RecordMonth" SET "sessions" = "sessions" - OLD."sessions"
        WHERE "unitId" = OLD."unitId" AND "kind" = OLD."kind" AND "month" = substr(OLD."day", 1, 7) AND "subtype" = COALESCE(OLD."subtype", '');
    END IF;
    IF TG_OP IN ('INSERT', 'UPDATE') AND NEW."deletedAt" IS NULL THEN
        INSERT INTO "RecordMonth" ("unitId", "kind", "month", "subtype", "sessions")
        VALUES (NEW."unitId", NEW."kind", substr(NEW."day", 1, 7), COALESCE(NEW."subtype", ''), NEW."sessions")
        ON CONFLICT ("unitId", "kind", "month", "subtype") DO UPDATE SET "sessions" = "RecordMonth"."sessions" + EXCLUDED."sessions";
    END IF;
    RETURN NULL;
END;
$$ LANGUAGE plpgsql;

CREATE TRIGGER "Record_month_insert_delete" AFTER INSERT OR DELETE ON "Record"
    FOR EACH ROW EXECUTE FUNCTION "record_month_sync"();
CREATE TRIGGER "Record_month_update" AFTER UPDATE OF "unitId", "kind", "day", "subtype", "sessions", "deletedAt" ON "Record"
    FOR EACH ROW EXECUTE FUNCTION "record_month_sync"();

-- The ledger as it stands.
INSERT INTO "RecordMonth" ("unitId", "kind", "month", "subtype", "sessions")
SELECT "unitId", "kind", substr("day", 1, 7), COALESCE("subtype", ''), SUM("sessions")
FROM "Record" WHERE "deletedAt" IS NULL
GROUP BY "unitId", "kind", substr("day", 1, 7), COALESCE("subtype", '');
