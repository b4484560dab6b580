-- CreateTable (WITHOUT ROWID, by hand: the rows live in the key's order, so a unit's months of a
-- kind are one contiguous range holding their sessions, read without a second lookup)
CREATE TABLE "RecordMonth" (
    "unitId" INTEGER NOT NULL,
    "kind" TEXT NOT NULL,
    "month" TEXT NOT NULL,
    "subtype" TEXT NOT NULL,
    "sessions" INTEGER NOT NULL,

    PRIMARY KEY ("unitId", "kind", "month", "subtype")
) WITHOUT ROWID;


-- Kept by the store itself, in the same transaction as every change to "Record" (written by hand:
-- Prisma's schema has no triggers). A live record adds its sessions to its unit's month, kind and
-- subtype; deleting it (deletedAt set, or the row removed) takes them off; an edit does both.
CREATE TRIGGER "Record_month_insert" AFTER INSERT ON "Record" WHEN NEW."deletedAt" IS NULL
BEGIN
    INSERT INTO "RecordMonth" ("unitId", "kind", "month", "subtype", "sessions")
    VALUES (NEW."unitId", NEW."kind", substr(NEW."day", 1, 7), COALESCE(NEW."subtype", ''), NEW."sessions")
    ON CONFLICT ("unitId", "kind", "month", "subtype") DO UPDATE SET "sessions" = "sessions" + excluded."sessions";
END;

CREATE TRIGGER "Record_month_delete" AFTER DELETE ON "Record" WHEN OLD."deletedAt" IS NULL
BEGIN
    UPDATE "RecordMonth" SET "sessions" = "sessions" - OLD."sessions"
    WHERE "unitId" = OLD."unitId" AND "kind" = OLD."kind" AND "month" = substr(OLD."day", 1, 7) AND "subtype" = COALESCE(OLD."subtype", '');
END;

CREATE TRIGGER "Record_month_update" AFTER UPDATE OF "unitId", "kind", "day", "subtype", "sessions", "deletedAt" ON "Record"
BEGIN
    UPDATE "RecordMonth" SET "sessions" = "sessions" - OLD."sessions"
    WHERE OLD."deletedAt" IS NULL
      AND "unitId" = OLD."unitId" AND "kind" = OLD."kind" AND "month" = substr(OLD."day", 1, 7) AND "subtype" = COALESCE(OLD."subtype", '');
    INSERT INTO "RecordMonth" ("unitId", "kind", "month", "subtype", "sessions")
    SELECT NEW."unitId", NEW."kind", substr(NEW."day", 1, 7), COALESCE(NEW."subtype", ''), NEW."sessions"
    WHERE NEW."deletedAt" IS NULL
    ON CONFLICT ("unitId", "kind", "month", "subtype") DO UPDATE SET "sessions" = "sessions" + excluded."sessions";
END;

-- The ledger as it stands.
INSERT INTO "RecordMonth" ("unitId", "kind", "month", "subtype", "sessions")
SELECT "unitId", "kind", substr("day", 1, 7), COALESCE("subtype", ''), SUM("sessions")
FROM "Record" WHERE "deletedAt" IS NULL
GROUP BY "unitId", "kind", substr("day", 1, 7), COALESCE("subtype", '');
