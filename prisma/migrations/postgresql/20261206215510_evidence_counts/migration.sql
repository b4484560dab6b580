-- The evidence an inspection asks for, counted with the figures (written by hand, as the triggers
-- before it): each "RecordMonth" row also counts its live records that have a photo, an attendance
-- (参加人员, a head count or a sign-in sheet) and minutes (纪要, or a minutes file), by the same tests
-- as /统计's completeness check and the reminders' 佐证材料 lines (the file-name words of
-- src/domain/evidence.ts, written out here; test/figure-summary.test.ts holds them equal). The
-- triggers on "Record" now count them too; the triggers on "Attachment" take a record's flags off
-- before a change to its files (BEFORE) and put them back after it (AFTER), so a photo, a sign-in
-- sheet or a minutes file added, removed or moved changes its record's counts exactly once.

ALTER TABLE "RecordMonth" ADD COLUMN "photoRecords" INTEGER NOT NULL DEFAULT 0;
ALTER TABLE "RecordMonth" ADD COLUMN "attendanceRecords" INTEGER NOT NULL DEFAULT 0;
ALTER TABLE "RecordMonth" ADD COLUMN "minutesRecords" INTEGER NOT NULL DEFAULT 0;

CREATE OR REPLACE FUNCTION "record_figures_sync"() RETURNS trigger AS $$
BEGIN
    IF TG_OP IN ('UPDATE', 'DELETE') AND OLD."deletedAt" IS NULL THEN
        UPDATE "RecordMonth" SET "records" = "RecordMonth"."records" - (1), "sessions" = "RecordMonth"."sessions" - (OLD."sessions"), "participants" = "RecordMonth"."participants" - (COALESCE(OLD."participants", 0)), "participantsApprox" = "RecordMonth"."participantsApprox" - (CASE WHEN OLD."participantsApprox" AND OLD."participants" IS NOT NULL THEN 1 ELSE 0 END), "quantity" = "RecordMonth"."quantity" - (COALESCE(OLD."quantity", 0)), "quantityApprox" = "RecordMonth"."quantityApprox" - (CASE WHEN OLD."quantityApprox" AND OLD."quantity" IS NOT NULL THEN 1 ELSE 0 END), "sessionsApprox" = "RecordMonth"."sessionsApprox" - (CASE WHEN OLD."sessionsApprox" THEN 1 ELSE 0 END), "photoRecords" = "RecordMonth"."photoRecords" - (CASE WHEN EXISTS (SELECT 1 FROM "Attachment" a WHERE a."recordId" = OLD."id" AND a."deletedAt" IS NULL AND a."kind" = 'photo') THEN 1 ELSE 0 END), "attendanceRecords" = "RecordMonth"."attendanceRecords" - (CASE WHEN OLD."attendees" IS NOT NULL OR OLD."participants" IS NOT NULL OR EXISTS (SELECT 1 FROM "Attachment" a WHERE a."recordId" = OLD."id" AND a."deletedAt" IS NULL AND a."kind" <> 'photo' AND (lower(a."name") LIKE '%签到%' OR lower(a."name") LIKE '%考勤%' OR lower(a."name") LIKE '%sign%' OR lower(a."name") LIKE '%attendance%')) THEN 1 ELSE 0 END), "minutesRecords" = "RecordMonth"."minutesRecords" - (CASE WHEN OLD."minutes" IS NOT NULL OR EXISTS (SELECT 1 FROM "Attachment" a WHERE a."recordId" = OLD."id" AND a."deletedAt" IS NULL AND a."kind" <> 'photo' AND (lower(a."name") LIKE '%纪要%' OR lower(a."name") LIKE '%会议记录%' OR lower(a."name") LIKE '%学习记录%' OR lower(a."name") LIKE '%minutes%')) THEN 1 ELSE 0 END)
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
        INSERT INTO "RecordMonth" ("unitId", "kind", "month", "subtype", "item", "records", "sessions", "participants", "participantsApprox", "quantity", "quantityApprox", "sessionsApprox", "photoRecords", "attendanceRecords", "minutesRecords")
        VALUES (NEW."unitId", NEW."kind", substr(NEW."day", 1, 7), COALESCE(NEW."subtype", ''), COALESCE(NEW."item", ''), 1, NEW."sessions", COALESCE(NEW."participants", 0), CASE WHEN NEW."participantsApprox" AND NEW."participants" IS NOT NULL THEN 1 ELSE 0 END, COALESCE(NEW."quantity", 0), CASE WHEN NEW."quantityApprox" AND NEW."quantity" IS NOT NULL THEN 1 ELSE 0 END, CASE WHEN NEW."sessionsApprox" THEN 1 ELSE 0 END, CASE WHEN EXISTS (SELECT 1 FROM "Attachment" a WHERE a."recordId" = NEW."id" AND a."deletedAt" IS NULL AND a."kind" = 'photo') THEN 1 ELSE 0 END, CASE WHEN NEW."attendees" IS NOT NULL OR NEW."participants" IS NOT NULL OR EXISTS (SELECT 1 FROM "Attachment" a WHERE a."recordId" = NEW."id" AND a."deletedAt" IS NULL AND a."kind" <> 'photo' AND (lower(a."name") LIKE '%签到%' OR lower(a."name") LIKE '%考勤%' OR lower(a."name") LIKE '%sign%' OR lower(a."name") LIKE '%attendance%')) THEN 1 ELSE 0 END, CASE WHEN NEW."minutes" IS NOT NULL OR EXISTS (SELECT 1 FROM "Attachment" a WHERE a."recordId" = NEW."id" AND a."deletedAt" IS NULL AND a."kind" <> 'photo' AND (lower(a."name") LIKE '%纪要%' OR lower(a."name") LIKE '%会议记录%' OR lower(a."name") LIKE '%学习记录%' OR lower(a."name") LIKE '%minutes%')) THEN 1 ELSE 0 END)
        ON CONFLICT ("unitId", "kind", "month", "subtype", "item") DO UPDATE SET "records" = "RecordMonth"."records" + EXCLUDED."records", "sessions" = "RecordMonth"."sessions" + EXCLUDED."sessions", "participants" = "RecordMonth"."participants" + EXCLUDED."participants", "participantsApprox" = "RecordMonth"."participantsApprox" + EXCLUDED."participantsApprox", "quantity" = "RecordMonth"."quantity" + EXCLUDED."quantity", "quantityApprox" = "RecordMonth"."quantityApprox" + EXCLUDED."quantityApprox", "sessionsApprox" = "RecordMonth"."sessionsApprox" + EXCLUDED."sessionsApprox", "photoRecords" = "RecordMonth"."photoRecords" + EXCLUDED."photoRecords", "attendanceRecords" = "RecordMonth"."attendanceRecords" + EXCLUDED."attendanceRecords", "minutesRecords" = "RecordMonth"."minutesRecords" + EXCLUDED."minutesRecords";
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

DROP TRIGGER "Record_figures_update" ON "Record";
CREATE TRIGGER "Record_figures_update" AFTER UPDATE OF "unitId", "kind", "day", "subtype", "item", "sessions", "participants", "participantsApprox", "quantity", "quantityApprox", "sessionsApprox", "topic", "title", "attendees", "minutes", "deletedAt" ON "Record"
    FOR EACH ROW EXECUTE FUNCTION "record_figures_sync"();

CREATE FUNCTION "attachment_evidence_sync"() RETURNS trigger AS $$
BEGIN
    IF TG_WHEN = 'BEFORE' THEN
        IF TG_OP IN ('UPDATE', 'DELETE') THEN
            UPDATE "RecordMonth" SET "photoRecords" = "RecordMonth"."photoRecords" - e."photoRecords", "attendanceRecords" = "RecordMonth"."attendanceRecords" - e."attendanceRecords", "minutesRecords" = "RecordMonth"."minutesRecords" - e."minutesRecords"
            FROM (SELECT r."unitId", r."kind", substr(r."day", 1, 7) AS "month", COALESCE(r."subtype", '') AS "subtype", COALESCE(r."item", '') AS "item", CASE WHEN EXISTS (SELECT 1 FROM "Attachment" a WHERE a."recordId" = r."id" AND a."deletedAt" IS NULL AND a."kind" = 'photo') THEN 1 ELSE 0 END AS "photoRecords", CASE WHEN r."attendees" IS NOT NULL OR r."participants" IS NOT NULL OR EXISTS (SELECT 1 FROM "Attachment" a WHERE a."recordId" = r."id" AND a."deletedAt" IS NULL AND a."kind" <> 'photo' AND (lower(a."name") LIKE '%签到%' OR lower(a."name") LIKE '%考勤%' OR lower(a."name") LIKE '%sign%' OR lower(a."name") LIKE '%attendance%')) THEN 1 ELSE 0 END AS "attendanceRecords", CASE WHEN r."minutes" IS NOT NULL OR EXISTS (SELECT 1 FROM "Attachment" a WHERE a."recordId" = r."id" AND a."deletedAt" IS NULL AND a."kind" <> 'photo' AND (lower(a."name") LIKE '%纪要%' OR lower(a."name") LIKE '%会议记录%' OR lower(a."name") LIKE '%学习记录%' OR lower(a."name") LIKE '%minutes%')) THEN 1 ELSE 0 END AS "minutesRecords"
                  FROM "Record" r WHERE r."id" = OLD."recordId" AND r."deletedAt" IS NULL) e
            WHERE "RecordMonth"."unitId" = e."unitId" AND "RecordMonth"."kind" = e."kind" AND "RecordMonth"."month" = e."month" AND "RecordMonth"."subtype" = e."subtype" AND "RecordMonth"."item" = e."item";
        END IF;
        IF TG_OP = 'INSERT' OR (TG_OP = 'UPDATE' AND NEW."recordId" <> OLD."recordId") THEN
            UPDATE "RecordMonth" SET "photoRecords" = "RecordMonth"."photoRecords" - e."photoRecords", "attendanceRecords" = "RecordMonth"."attendanceRecords" - e."attendanceRecords", "minutesRecords" = "RecordMonth"."minutesRecords" - e."minutesRecords"
            FROM (SELECT r."unitId", r."kind", substr(r."day", 1, 7) AS "month", COALESCE(r."subtype", '') AS "subtype", COALESCE(r."item", '') AS "item", CASE WHEN EXISTS (SELECT 1 FROM "Attachment" a WHERE a."recordId" = r."id" AND a."deletedAt" IS NULL AND a."kind" = 'photo') THEN 1 ELSE 0 END AS "photoRecords", CASE WHEN r."attendees" IS NOT NULL OR r."participants" IS NOT NULL OR EXISTS (SELECT 1 FROM "Attachment" a WHERE a."recordId" = r."id" AND a."deletedAt" IS NULL AND a."kind" <> 'photo' AND (lower(a."name") LIKE '%签到%' OR lower(a."name") LIKE '%考勤%' OR lower(a."name") LIKE '%sign%' OR lower(a."name") LIKE '%attendance%')) THEN 1 ELSE 0 END AS "attendanceRecords", CASE WHEN r."minutes" IS NOT NULL OR EXISTS (SELECT 1 FROM "Attachment" a WHERE a."recordId" = r."id" AND a."deletedAt" IS NULL AND a."kind" <> 'photo' AND (lower(a."name") LIKE '%纪要%' OR lower(a."name") LIKE '%会议记录%' OR lower(a."name") LIKE '%学习记录%' OR lower(a."name") LIKE '%minutes%')) THEN 1 ELSE 0 END AS "minutesRecords"
                  FROM "Record" r WHERE r."id" = NEW."recordId" AND r."deletedAt" IS NULL) e
            WHERE "RecordMonth"."unitId" = e."unitId" AND "RecordMonth"."kind" = e."kind" AND "RecordMonth"."month" = e."month" AND "RecordMonth"."subtype" = e."subtype" AND "RecordMonth"."item" = e."item";
        END IF;
        IF TG_OP = 'DELETE' THEN RETURN OLD; END IF;
        RETURN NEW;
    END IF;
    IF TG_OP IN ('UPDATE', 'DELETE') THEN
        UPDATE "RecordMonth" SET "photoRecords" = "RecordMonth"."photoRecords" + e."photoRecords", "attendanceRecords" = "RecordMonth"."attendanceRecords" + e."attendanceRecords", "minutesRecords" = "RecordMonth"."minutesRecords" + e."minutesRecords"
        FROM (SELECT r."unitId", r."kind", substr(r."day", 1, 7) AS "month", COALESCE(r."subtype", '') AS "subtype", COALESCE(r."item", '') AS "item", CASE WHEN EXISTS (SELECT 1 FROM "Attachment" a WHERE a."recordId" = r."id" AND a."deletedAt" IS NULL AND a."kind" = 'photo') THEN 1 ELSE 0 END AS "photoRecords", CASE WHEN r."attendees" IS NOT NULL OR r."participants" IS NOT NULL OR EXISTS (SELECT 1 FROM "Attachment" a WHERE a."recordId" = r."id" AND a."deletedAt" IS NULL AND a."kind" <> 'photo' AND (lower(a."name") LIKE '%签到%' OR lower(a."name") LIKE '%考勤%' OR lower(a."name") LIKE '%sign%' OR lower(a."name") LIKE '%attendance%')) THEN 1 ELSE 0 END AS "attendanceRecords", CASE WHEN r."minutes" IS NOT NULL OR EXISTS (SELECT 1 FROM "Attachment" a WHERE a."recordId" = r."id" AND a."deletedAt" IS NULL AND a."kind" <> 'photo' AND (lower(a."name") LIKE '%纪要%' OR lower(a."name") LIKE '%会议记录%' OR lower(a."name") LIKE '%学习记录%' OR lower(a."name") LIKE '%minutes%')) THEN 1 ELSE 0 END AS "minutesRecords"
              FROM "Record" r WHERE r."id" = OLD."recordId" AND r."deletedAt" IS NULL) e
        WHERE "RecordMonth"."unitId" = e."unitId" AND "RecordMonth"."kind" = e."kind" AND "RecordMonth"."month" = e."month" AND "RecordMonth"."subtype" = e."subtype" AND "RecordMonth"."item" = e."item";
    END IF;
    IF TG_OP = 'INSERT' OR (TG_OP = 'UPDATE' AND NEW."recordId" <> OLD."recordId") THEN
        UPDATE "RecordMonth" SET "photoRecords" = "RecordMonth"."photoRecords" + e."photoRecords", "attendanceRecords" = "RecordMonth"."attendanceRecords" + e."attendanceRecords", "minutesRecords" = "RecordMonth"."minutesRecords" + e."minutesRecords"
        FROM (SELECT r."unitId", r."kind", substr(r."day", 1, 7) AS "month", COALESCE(r."subtype", '') AS "subtype", COALESCE(r."item", '') AS "item", CASE WHEN EXISTS (SELECT 1 FROM "Attachment" a WHERE a."recordId" = r."id" AND a."deletedAt" IS NULL AND a."kind" = 'photo') THEN 1 ELSE 0 END AS "photoRecords", CASE WHEN r."attendees" IS NOT NULL OR r."participants" IS NOT NULL OR EXISTS (SELECT 1 FROM "Attachment" a WHERE a."recordId" = r."id" AND a."deletedAt" IS NULL AND a."kind" <> 'photo' AND (lower(a."name") LIKE '%签到%' OR lower(a."name") LIKE '%考勤%' OR lower(a."name") LIKE '%sign%' OR lower(a."name") LIKE '%attendance%')) THEN 1 ELSE 0 END AS "attendanceRecords", CASE WHEN r."minutes" IS NOT NULL OR EXISTS (SELECT 1 FROM "Attachment" a WHERE a."recordId" = r."id" AND a."deletedAt" IS NULL AND a."kind" <> 'photo' AND (lower(a."name") LIKE '%纪要%' OR lower(a."name") LIKE '%会议记录%' OR lower(a."name") LIKE '%学习记录%' OR lower(a."name") LIKE '%minutes%')) THEN 1 ELSE 0 END AS "minutesRecords"
              FROM "Record" r WHERE r."id" = NEW."recordId" AND r."deletedAt" IS NULL) e
        WHERE "RecordMonth"."unitId" = e."unitId" AND "RecordMonth"."kind" = e."kind" AND "RecordMonth"."month" = e."month" AND "RecordMonth"."subtype" = e."subtype" AND "RecordMonth"."item" = e."item";
    END IF;
    RETURN NULL;
END;
$$ LANGUAGE plpgsql;

CREATE TRIGGER "Attachment_evidence_before" BEFORE INSERT OR DELETE OR UPDATE OF "recordId", "kind", "name", "deletedAt" ON "Attachment"
    FOR EACH ROW EXECUTE FUNCTION "attachment_evidence_sync"();
CREATE TRIGGER "Attachment_evidence_after" AFTER INSERT OR DELETE OR UPDATE OF "recordId", "kind", "name", "deletedAt" ON "Attachment"
    FOR EACH ROW EXECUTE FUNCTION "attachment_evidence_sync"();

-- The ledger's evidence as it stands.
UPDATE "RecordMonth" SET "photoRecords" = e."photoRecords", "attendanceRecords" = e."attendanceRecords", "minutesRecords" = e."minutesRecords"
FROM (SELECT r."unitId", r."kind", substr(r."day", 1, 7) AS "month", COALESCE(r."subtype", '') AS "subtype", COALESCE(r."item", '') AS "item", SUM(CASE WHEN EXISTS (SELECT 1 FROM "Attachment" a WHERE a."recordId" = r."id" AND a."deletedAt" IS NULL AND a."kind" = 'photo') THEN 1 ELSE 0 END) AS "photoRecords", SUM(CASE WHEN r."attendees" IS NOT NULL OR r."participants" IS NOT NULL OR EXISTS (SELECT 1 FROM "Attachment" a WHERE a."recordId" = r."id" AND a."deletedAt" IS NULL AND a."kind" <> 'photo' AND (lower(a."name") LIKE '%签到%' OR lower(a."name") LIKE '%考勤%' OR lower(a."name") LIKE '%sign%' OR lower(a."name") LIKE '%attendance%')) THEN 1 ELSE 0 END) AS "attendanceRecords", SUM(CASE WHEN r."minutes" IS NOT NULL OR EXISTS (SELECT 1 FROM "Attachment" a WHERE a."recordId" = r."id" AND a."deletedAt" IS NULL AND a."kind" <> 'photo' AND (lower(a."name") LIKE '%纪要%' OR lower(a."name") LIKE '%会议记录%' OR lower(a."name") LIKE '%学习记录%' OR lower(a."name") LIKE '%minutes%')) THEN 1 ELSE 0 END) AS "minutesRecords"
      FROM "Record" r WHERE r."deletedAt" IS NULL
      GROUP BY r."unitId", r."kind", substr(r."day", 1, 7), COALESCE(r."subtype", ''), COALESCE(r."item", '')) e
WHERE "RecordMonth"."unitId" = e."unitId" AND "RecordMonth"."kind" = e."kind" AND "RecordMonth"."month" = e."month" AND "RecordMonth"."subtype" = e."subtype" AND "RecordMonth"."item" = e."item";
