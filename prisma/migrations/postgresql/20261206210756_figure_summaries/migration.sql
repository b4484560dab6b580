-- The ledger's figures kept as it is written (written by hand: Prisma's schema has no triggers).
-- "RecordMonth" grows from each unit's sessions per month, kind and subtype into its whole figures
-- per month, kind, subtype and item; "FigureRollup" holds the same sums for everything below each
-- unit, found through "UnitAncestor" (the tree as pairs, kept by triggers on "Unit"); "RecordName"
-- counts each unit's topics and activity names per month. All are changed in the same transaction
-- as the record: a live record adds itself, deleting it (deletedAt set, or the row removed) takes
-- it off, an edit does both; a re-parenting moves the subtree's sums to its new ancestors.

DROP TRIGGER "Record_month_insert_delete" ON "Record";
DROP TRIGGER "Record_month_update" ON "Record";
DROP FUNCTION "record_month_sync"();
DROP TABLE "RecordMonth";

CREATE TABLE "RecordMonth" (
    "unitId" INTEGER NOT NULL,
    "kind" TEXT NOT NULL,
    "month" TEXT NOT NULL,
    "subtype" TEXT NOT NULL,
    "item" TEXT NOT NULL,
    "records" INTEGER NOT NULL,
    "sessions" BIGINT NOT NULL,
    "participants" BIGINT NOT NULL,
    "participantsApprox" INTEGER NOT NULL,
    "quantity" BIGINT NOT NULL,
    "quantityApprox" INTEGER NOT NULL,
    "sessionsApprox" INTEGER NOT NULL,

    CONSTRAINT "RecordMonth_pkey" PRIMARY KEY ("unitId","kind","month","subtype","item")
);

CREATE TABLE "UnitAncestor" (
    "unitId" INTEGER NOT NULL,
    "ancestorId" INTEGER NOT NULL,
    "depth" INTEGER NOT NULL,

    CONSTRAINT "UnitAncestor_pkey" PRIMARY KEY ("unitId","ancestorId")
);

CREATE INDEX "UnitAncestor_ancestorId_idx" ON "UnitAncestor"("ancestorId");

CREATE TABLE "FigureRollup" (
    "ancestorId" INTEGER NOT NULL,
    "month" TEXT NOT NULL,
    "kind" TEXT NOT NULL,
    "subtype" TEXT NOT NULL,
    "item" TEXT NOT NULL,
    "records" INTEGER NOT NULL,
    "sessions" BIGINT NOT NULL,
    "participants" BIGINT NOT NULL,
    "participantsApprox" INTEGER NOT NULL,
    "quantity" BIGINT NOT NULL,
    "quantityApprox" INTEGER NOT NULL,
    "sessionsApprox" INTEGER NOT NULL,

    CONSTRAINT "FigureRollup_pkey" PRIMARY KEY ("ancestorId","month","kind","subtype","item")
);

CREATE TABLE "RecordName" (
    "unitId" INTEGER NOT NULL,
    "month" TEXT NOT NULL,
    "kind" TEXT NOT NULL,
    "field" TEXT NOT NULL,
    "name" TEXT NOT NULL,
    "records" INTEGER NOT NULL,
    "first" TEXT NOT NULL,

    CONSTRAINT "RecordName_pkey" PRIMARY KEY ("unitId","month","kind","field","name")
);

CREATE FUNCTION "unit_ancestor_sync"() RETURNS trigger AS $$
BEGIN
    IF TG_OP = 'INSERT' THEN
        INSERT INTO "UnitAncestor" ("unitId", "ancestorId", "depth") VALUES (NEW."id", NEW."id", 0);
        INSERT INTO "UnitAncestor" ("unitId", "ancestorId", "depth")
        SELECT NEW."id", a."ancestorId", a."depth" + 1 FROM "UnitAncestor" a WHERE a."unitId" = NEW."parentId";
    ELSIF OLD."parentId" IS DISTINCT FROM NEW."parentId" THEN
        -- The subtree's sums leave its old ancestors, its pairs are re-made under the new parent,
        -- and the sums join the new ancestors. A parent inside the subtree is refused here too, not
        -- only by bind: the pairs and sums of a tree with a cycle would mean nothing.
        IF EXISTS (SELECT 1 FROM "UnitAncestor" WHERE "unitId" = NEW."parentId" AND "ancestorId" = NEW."id") THEN
            RAISE EXCEPTION 'unit tree cycle: unit % cannot sit under its own descendant %', NEW."id", NEW."parentId";
        END IF;
        UPDATE "FigureRollup" SET "records" = "FigureRollup"."records" - s."records", "sessions" = "FigureRollup"."sessions" - s."sessions", "participants" = "FigureRollup"."participants" - s."participants", "participantsApprox" = "FigureRollup"."participantsApprox" - s."participantsApprox", "quantity" = "FigureRollup"."quantity" - s."quantity", "quantityApprox" = "FigureRollup"."quantityApprox" - s."quantityApprox", "sessionsApprox" = "FigureRollup"."sessionsApprox" - s."sessionsApprox"
        FROM (SELECT a."ancestorId" AS "anc", m.* FROM "RecordMonth" m CROSS JOIN "UnitAncestor" a
              WHERE m."unitId" = NEW."id" AND a."unitId" = NEW."id" AND a."depth" > 0) s
        WHERE "FigureRollup"."ancestorId" = s."anc" AND "FigureRollup"."month" = s."month" AND "FigureRollup"."kind" = s."kind" AND "FigureRollup"."subtype" = s."subtype" AND "FigureRollup"."item" = s."item";
        UPDATE "FigureRollup" SET "records" = "FigureRollup"."records" - s."records", "sessions" = "FigureRollup"."sessions" - s."sessions", "participants" = "FigureRollup"."participants" - s."participants", "participantsApprox" = "FigureRollup"."participantsApprox" - s."participantsApprox", "quantity" = "FigureRollup"."quantity" - s."quantity", "quantityApprox" = "FigureRollup"."quantityApprox" - s."quantityApprox", "sessionsApprox" = "FigureRollup"."sessionsApprox" - s."sessionsApprox"
        FROM (SELECT a."ancestorId" AS "anc", m.* FROM "FigureRollup" m CROSS JOIN "UnitAncestor" a
              WHERE m."ancestorId" = NEW."id" AND a."unitId" = NEW."id" AND a."depth" > 0) s
        WHERE "FigureRollup"."ancestorId" = s."anc" AND "FigureRollup"."month" = s."month" AND "FigureRollup"."kind" = s."kind" AND "FigureRollup"."subtype" = s."subtype" AND "FigureRollup"."item" = s."item";
        DELETE FROM "FigureRollup" WHERE "records" <= 0
          AND "ancestorId" IN (SELECT a."ancestorId" FROM "UnitAncestor" a WHERE a."unitId" = NEW."id" AND a."depth" > 0);
        DELETE FROM "UnitAncestor"
        WHERE "unitId" IN (SELECT d."unitId" FROM "UnitAncestor" d WHERE d."ancestorId" = NEW."id")
          AND "ancestorId" IN (SELECT a."ancestorId" FROM "UnitAncestor" a WHERE a."unitId" = NEW."id" AND a."depth" > 0);
        INSERT INTO "UnitAncestor" ("unitId", "ancestorId", "depth")
        SELECT d."unitId", a."ancestorId", d."depth" + a."depth" + 1
        FROM "UnitAncestor" d CROSS JOIN "UnitAncestor" a
        WHERE d."ancestorId" = NEW."id" AND a."unitId" = NEW."parentId"
        ON CONFLICT ("unitId", "ancestorId") DO NOTHING;
        INSERT INTO "FigureRollup" ("ancestorId", "month", "kind", "subtype", "item", "records", "sessions", "participants", "participantsApprox", "quantity", "quantityApprox", "sessionsApprox")
        SELECT a."ancestorId", m."month", m."kind", m."subtype", m."item", m."records", m."sessions", m."participants", m."participantsApprox", m."quantity", m."quantityApprox", m."sessionsApprox"
        FROM "RecordMonth" m CROSS JOIN "UnitAncestor" a
        WHERE m."unitId" = NEW."id" AND a."unitId" = NEW."id" AND a."depth" > 0
        ON CONFLICT ("ancestorId", "month", "kind", "subtype", "item") DO UPDATE SET "records" = "FigureRollup"."records" + EXCLUDED."records", "sessions" = "FigureRollup"."sessions" + EXCLUDED."sessions", "participants" = "FigureRollup"."participants" + EXCLUDED."participants", "participantsApprox" = "FigureRollup"."participantsApprox" + EXCLUDED."participantsApprox", "quantity" = "FigureRollup"."quantity" + EXCLUDED."quantity", "quantityApprox" = "FigureRollup"."quantityApprox" + EXCLUDED."quantityApprox", "sessionsApprox" = "FigureRollup"."sessionsApprox" + EXCLUDED."sessionsApprox";
        INSERT INTO "FigureRollup" ("ancestorId", "month", "kind", "subtype", "item", "records", "sessions", "participants", "participantsApprox", "quantity", "quantityApprox", "sessionsApprox")
        SELECT a."ancestorId", m."month", m."kind", m."subtype", m."item", m."records", m."sessions", m."participants", m."participantsApprox", m."quantity", m."quantityApprox", m."sessionsApprox"
        FROM "FigureRollup" m CROSS JOIN "UnitAncestor" a
        WHERE m."ancestorId" = NEW."id" AND a."unitId" = NEW."id" AND a."depth" > 0
        ON CONFLICT ("ancestorId", "month", "kind", "subtype", "item") DO UPDATE SET "records" = "FigureRollup"."records" + EXCLUDED."records", "sessions" = "FigureRollup"."sessions" + EXCLUDED."sessions", "participants" = "FigureRollup"."participants" + EXCLUDED."participants", "participantsApprox" = "FigureRollup"."participantsApprox" + EXCLUDED."participantsApprox", "quantity" = "FigureRollup"."quantity" + EXCLUDED."quantity", "quantityApprox" = "FigureRollup"."quantityApprox" + EXCLUDED."quantityApprox", "sessionsApprox" = "FigureRollup"."sessionsApprox" + EXCLUDED."sessionsApprox";
    END IF;
    RETURN NULL;
END;
$$ LANGUAGE plpgsql;

CREATE TRIGGER "Unit_ancestor_insert" AFTER INSERT ON "Unit"
    FOR EACH ROW EXECUTE FUNCTION "unit_ancestor_sync"();
CREATE TRIGGER "Unit_ancestor_move" AFTER UPDATE OF "parentId" ON "Unit"
    FOR EACH ROW EXECUTE FUNCTION "unit_ancestor_sync"();

CREATE FUNCTION "record_figures_sync"() RETURNS trigger AS $$
BEGIN
    IF TG_OP IN ('UPDATE', 'DELETE') AND OLD."deletedAt" IS NULL THEN
        UPDATE "RecordMonth" SET "records" = "RecordMonth"."records" - (1), "sessions" = "RecordMonth"."sessions" - (OLD."sessions"), "participants" = "RecordMonth"."participants" - (COALESCE(OLD."participants", 0)), "participantsApprox" = "RecordMonth"."participantsApprox" - (CASE WHEN OLD."participantsApprox" AND OLD."participants" IS NOT NULL THEN 1 ELSE 0 END), "quantity" = "RecordMonth"."quantity" - (COALESCE(OLD."quantity", 0)), "quantityApprox" = "RecordMonth"."quantityApprox" - (CASE WHEN OLD."quantityApprox" AND OLD."quantity" IS NOT NULL THEN 1 ELSE 0 END), "sessionsApprox" = "RecordMonth"."sessionsApprox" - (CASE WHEN OLD."sessionsApprox" THEN 1 ELSE 0 END)
        WHERE "unitId" = OLD."unitId" AND "kind" = OLD."kind" AND "month" = substr(OLD."day", 1, 7) AND "subtype" = COALESCE(OLD."subtype", '') AND "item" = COALESCE(OLD."item", '');
        UPDATE "FigureRollup" SET "records" = "FigureRollup"."records" - (1), "sessions" = "FigureRollup"."sessions" - (OLD."sessions"), "participants" = "FigureRollup"."participants" - (COALESCE(OLD."participants", 0)), "participantsApprox" = "FigureRollup"."participantsApprox" - (CASE WHEN OLD."participantsApprox" AND OLD."participants" IS NOT NULL THEN 1 ELSE 0 END), "quantity" = "FigureRollup"."quantity" - (COALESCE(OLD."quantity", 0)), "quantityApprox" = "FigureRollup"."quantityApprox" - (CASE WHEN OLD."quantityApprox" AND OLD."quantity" IS NOT NULL THEN 1 ELSE 0 END), "sessionsApprox" = "FigureRollup"."sessionsApprox" - (CASE WHEN OLD."sessionsApprox" THEN 1 ELSE 0 END)
        WHERE "ancestorId" IN (SELECT a."ancestorId" FROM "UnitAncestor" a WHERE a."unitId" = OLD."unitId" AND a."depth" > 0)
          AND "month" = substr(OLD."day", 1, 7) AND "kind" = OLD."kind" AND "subtype" = COALESCE(OLD."subtype", '') AND "item" = COALESCE(OLD."item", '');
        UPDATE "RecordName" SET "records" = "records" - 1, "first" = COALESCE((
            SELECT MIN(r."day") FROM "Record" r
            WHERE r."unitId" = OLD."unitId" AND r."day" >= substr(OLD."day", 1, 7) || '-01' AND r."day" <= substr(OLD."day", 1, 7) || '-31'
              AND r."kind" = OLD."kind" AND r."topic" = OLD."topic" AND r."deletedAt" IS NULL), '')
        WHERE "unitId" = OLD."unitId" AND "month" = substr(OLD."day", 1, 7) AND "kind" = OLD."kind" AND "field" = 'topic' AND "name" = OLD."topic";
        DELETE FROM "RecordName" WHERE "unitId" = OLD."unitId" AND "month" = substr(OLD."day", 1, 7) AND "kind" = OLD."kind" AND "field" = 'topic' AND "name" = OLD."topic" AND "records" <= 0;
        UPDATE "RecordName" SET "records" = "records" - 1, "first" = COALESCE((
            SELECT MIN(r."day") FROM "Record" r
            WHERE r."unitId" = OLD."unitId" AND r."day" >= substr(OLD."day", 1, 7) || '-01' AND r."day" <= substr(OLD."day", 1, 7) || '-31'
              AND r."kind" = OLD."kind" AND r."title" = OLD."title" AND r."deletedAt" IS NULL), '')
        WHERE "unitId" = OLD."unitId" AND "month" = substr(OLD."day", 1, 7) AND "kind" = OLD."kind" AND "field" = 'title' AND "name" = OLD."title";
        DELETE FROM "RecordName" WHERE "unitId" = OLD."unitId" AND "month" = substr(OLD."day", 1, 7) AND "kind" = OLD."kind" AND "field" = 'title' AND "name" = OLD."title" AND "records" <= 0;
    END IF;
    IF TG_OP IN ('INSERT', 'UPDATE') AND NEW."deletedAt" IS NULL THEN
        INSERT INTO "RecordMonth" ("unitId", "kind", "month", "subtype", "item", "records", "sessions", "participants", "participantsApprox", "quantity", "quantityApprox", "sessionsApprox")
        VALUES (NEW."unitId", NEW."kind", substr(NEW."day", 1, 7), COALESCE(NEW."subtype", ''), COALESCE(NEW."item", ''), 1, NEW."sessions", COALESCE(NEW."participants", 0), CASE WHEN NEW."participantsApprox" AND NEW."participants" IS NOT NULL THEN 1 ELSE 0 END, COALESCE(NEW."quantity", 0), CASE WHEN NEW."quantityApprox" AND NEW."quantity" IS NOT NULL THEN 1 ELSE 0 END, CASE WHEN NEW."sessionsApprox" THEN 1 ELSE 0 END)
        ON CONFLICT ("unitId", "kind", "month", "subtype", "item") DO UPDATE SET "records" = "RecordMonth"."records" + EXCLUDED."records", "sessions" = "RecordMonth"."sessions" + EXCLUDED."sessions", "participants" = "RecordMonth"."participants" + EXCLUDED."participants", "participantsApprox" = "RecordMonth"."participantsApprox" + EXCLUDED."participantsApprox", "quantity" = "RecordMonth"."quantity" + EXCLUDED."quantity", "quantityApprox" = "RecordMonth"."quantityApprox" + EXCLUDED."quantityApprox", "sessionsApprox" = "RecordMonth"."sessionsApprox" + EXCLUDED."sessionsApprox";
        INSERT INTO "FigureRollup" ("ancestorId", "month", "kind", "subtype", "item", "records", "sessions", "participants", "participantsApprox", "quantity", "quantityApprox", "sessionsApprox")
        SELECT a."ancestorId", substr(NEW."day", 1, 7), NEW."kind", COALESCE(NEW."subtype", ''), COALESCE(NEW."item", ''), 1, NEW."sessions", COALESCE(NEW."participants", 0), CASE WHEN NEW."participantsApprox" AND NEW."participants" IS NOT NULL THEN 1 ELSE 0 END, COALESCE(NEW."quantity", 0), CASE WHEN NEW."quantityApprox" AND NEW."quantity" IS NOT NULL THEN 1 ELSE 0 END, CASE WHEN NEW."sessionsApprox" THEN 1 ELSE 0 END
        FROM "UnitAncestor" a WHERE a."unitId" = NEW."unitId" AND a."depth" > 0
        ON CONFLICT ("ancestorId", "month", "kind", "subtype", "item") DO UPDATE SET "records" = "FigureRollup"."records" + EXCLUDED."records", "sessions" = "FigureRollup"."sessions" + EXCLUDED."sessions", "participants" = "FigureRollup"."participants" + EXCLUDED."participants", "participantsApprox" = "FigureRollup"."participantsApprox" + EXCLUDED."participantsApprox", "quantity" = "FigureRollup"."quantity" + EXCLUDED."quantity", "quantityApprox" = "FigureRollup"."quantityApprox" + EXCLUDED."quantityApprox", "sessionsApprox" = "FigureRollup"."sessionsApprox" + EXCLUDED."sessionsApprox";
        INSERT INTO "RecordName" ("unitId", "month", "kind", "field", "name", "records", "first")
        SELECT NEW."unitId", substr(NEW."day", 1, 7), NEW."kind", 'topic', NEW."topic", 1, NEW."day"
        WHERE NEW."topic" IS NOT NULL AND NEW."topic" <> ''
        ON CONFLICT ("unitId", "month", "kind", "field", "name") DO UPDATE SET "records" = "RecordName"."records" + 1, "first" = LEAST("RecordName"."first", EXCLUDED."first");
        INSERT INTO "RecordName" ("unitId", "month", "kind", "field", "name", "records", "first")
        SELECT NEW."unitId", substr(NEW."day", 1, 7), NEW."kind", 'title', NEW."title", 1, NEW."day"
        WHERE NEW."title" IS NOT NULL AND NEW."title" <> ''
        ON CONFLICT ("unitId", "month", "kind", "field", "name") DO UPDATE SET "records" = "RecordName"."records" + 1, "first" = LEAST("RecordName"."first", EXCLUDED."first");
    END IF;
    RETURN NULL;
END;
$$ LANGUAGE plpgsql;

CREATE TRIGGER "Record_figures_insert_delete" AFTER INSERT OR DELETE ON "Record"
    FOR EACH ROW EXECUTE FUNCTION "record_figures_sync"();
CREATE TRIGGER "Record_figures_update" AFTER UPDATE OF "unitId", "kind", "day", "subtype", "item", "sessions", "participants", "participantsApprox", "quantity", "quantityApprox", "sessionsApprox", "topic", "title", "deletedAt" ON "Record"
    FOR EACH ROW EXECUTE FUNCTION "record_figures_sync"();

-- The tree and the ledger as they stand. A cycle a hand edit made before this migration is walked
-- 32 levels at most (the bound the tree's recursive reads had); its pairs (kept once each, at the
-- shortest depth) are what the figures of those units are summed by from now on.
INSERT INTO "UnitAncestor" ("unitId", "ancestorId", "depth")
WITH RECURSIVE c("unitId", "ancestorId", "depth") AS (
    SELECT "id", "id", 0 FROM "Unit"
    UNION ALL
    SELECT c."unitId", u."parentId", c."depth" + 1 FROM c JOIN "Unit" u ON u."id" = c."ancestorId"
    WHERE u."parentId" IS NOT NULL AND c."depth" < 32)
SELECT "unitId", "ancestorId", MIN("depth") FROM c GROUP BY "unitId", "ancestorId";

INSERT INTO "RecordMonth" ("unitId", "kind", "month", "subtype", "item", "records", "sessions", "participants", "participantsApprox", "quantity", "quantityApprox", "sessionsApprox")
SELECT r."unitId", r."kind", substr(r."day", 1, 7), COALESCE(r."subtype", ''), COALESCE(r."item", ''), SUM(1), SUM(r."sessions"), SUM(COALESCE(r."participants", 0)), SUM(CASE WHEN r."participantsApprox" AND r."participants" IS NOT NULL THEN 1 ELSE 0 END), SUM(COALESCE(r."quantity", 0)), SUM(CASE WHEN r."quantityApprox" AND r."quantity" IS NOT NULL THEN 1 ELSE 0 END), SUM(CASE WHEN r."sessionsApprox" THEN 1 ELSE 0 END)
FROM "Record" r WHERE r."deletedAt" IS NULL
GROUP BY r."unitId", r."kind", substr(r."day", 1, 7), COALESCE(r."subtype", ''), COALESCE(r."item", '');

INSERT INTO "FigureRollup" ("ancestorId", "month", "kind", "subtype", "item", "records", "sessions", "participants", "participantsApprox", "quantity", "quantityApprox", "sessionsApprox")
SELECT a."ancestorId", m."month", m."kind", m."subtype", m."item", SUM(m."records"), SUM(m."sessions"), SUM(m."participants"), SUM(m."participantsApprox"), SUM(m."quantity"), SUM(m."quantityApprox"), SUM(m."sessionsApprox")
FROM "RecordMonth" m JOIN "UnitAncestor" a ON a."unitId" = m."unitId" AND a."depth" > 0
GROUP BY a."ancestorId", m."month", m."kind", m."subtype", m."item";

INSERT INTO "RecordName" ("unitId", "month", "kind", "field", "name", "records", "first")
SELECT r."unitId", substr(r."day", 1, 7), r."kind", 'topic', r."topic", COUNT(*), MIN(r."day")
FROM "Record" r WHERE r."deletedAt" IS NULL AND r."topic" IS NOT NULL AND r."topic" <> ''
GROUP BY r."unitId", substr(r."day", 1, 7), r."kind", r."topic"
UNION ALL
SELECT r."unitId", substr(r."day", 1, 7), r."kind", 'title', r."title", COUNT(*), MIN(r."day")
FROM "Record" r WHERE r."deletedAt" IS NULL AND r."title" IS NOT NULL AND r."title" <> ''
GROUP BY r."unitId", substr(r."day", 1, 7), r."kind", r."title";
