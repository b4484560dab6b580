// The monthly figure rows the triggers keep ("RecordMonth", "FigureRollup", "RecordName", and the
// tree's pairs in "UnitAncestor") against the ledger itself, over random ledgers: records made with
// every kind of figure, edited, deleted and undone, and units moved under other parents. The
// drafts', the page's and /统计's reads from those rows must equal the statements that aggregated
// the live records before them (kept here as the reference).
import { describe, it, expect, afterAll, beforeAll } from "vitest";
import fc from "fast-check";
import { makeHarness, type Harness } from "./harness.js";
import { addDays } from "../src/time.js";
import { makePeriod, previousPeriod } from "../src/domain/periods.js";
import { subtreeCte } from "../src/store/figures.js";
import { toFigureRow } from "../src/store/shared.js";
import { loadEvidenceCounts } from "../src/store/reminders.js";
import { SIGN_IN_FILE, MINUTES_FILE } from "../src/store/attachments.js";
import { SIGN_IN_NAME_WORDS, MINUTES_NAME_WORDS } from "../src/domain/evidence.js";

const LINES = [
  "学习 集中学习 12人 主题：学习二十大精神",
  "学习 主题党日 约30人 主题：学习二十大精神",
  "学习 20人 主题：党章",
  "会议 意识形态工作专题会议",
  "会议 专题会议 12人 主题：党章",
  "宣讲 3场 约200人次",
  "宣讲 理论宣讲 60人",
  "活动 最美家庭故事分享会 60人",
  "活动 志愿服务 36场 1200余人",
  "活动 红色电影 140人",
  "发放 宣传册 3000余份",
  "发放 宣传单 600份",
  "发布 公众号 12篇",
];

// City ← towns A, B ← villages a1 (under A), b1 (under B); the moves shuffle villages and a town.
const UNITS = ["城", "甲镇", "乙镇", "甲村", "乙村"];
const PARENTS: (number | null)[] = [null, 0, 0, 1, 2];

// The reference: the statements over the live records that the monthly rows replaced.
const refSums = (r = "") => `COUNT(*) AS "records", SUM(${r}"sessions") AS "sessions",
  SUM(COALESCE(${r}"participants", 0)) AS "participants",
  MAX(CASE WHEN ${r}"participantsApprox" AND ${r}"participants" IS NOT NULL THEN 1 ELSE 0 END) AS "participantsApprox",
  SUM(COALESCE(${r}"quantity", 0)) AS "quantity",
  MAX(CASE WHEN ${r}"quantityApprox" AND ${r}"quantity" IS NOT NULL THEN 1 ELSE 0 END) AS "quantityApprox",
  MAX(CASE WHEN ${r}"sessionsApprox" THEN 1 ELSE 0 END) AS "sessionsApprox"`;
const REF_SUMS = refSums();

const sorted = <T>(rows: T[]) => rows.map((r) => JSON.stringify(r)).sort();

describe("the monthly figure rows", () => {
  let h: Harness;
  let run = 0;
  beforeAll(async () => {
    h = await makeHarness({ now: "2026-12-20T10:00:00+08:00" });
  });
  afterAll(() => h.close());

  it("equal the live records' aggregates through records made, edited, deleted, undone and units moved", async () => {
    const periods = [
      ...[1, 2, 3, 4].map((q) => makePeriod("quarter", 2026, q)),
      makePeriod("month", 2026, 3),
      makePeriod("half", 2026, 2),
      makePeriod("year", 2026, 1),
    ];
    const op = fc.oneof(
      {
        weight: 4,
        arbitrary: fc.record({ op: fc.constant("make" as const), unit: fc.nat(4), line: fc.nat(LINES.length - 1), day: fc.nat(350) }),
      },
      fc.record({ op: fc.constant("redate" as const), pick: fc.nat(), day: fc.nat(350) }),
      fc.record({ op: fc.constant("people" as const), pick: fc.nat(), n: fc.integer({ min: 1, max: 90 }) }),
      fc.record({ op: fc.constant("delete" as const), pick: fc.nat() }),
      fc.record({ op: fc.constant("undo" as const), unit: fc.nat(4) }),
      // Move a village under the other town, or a town under the other town (with its village).
      { weight: 2, arbitrary: fc.record({ op: fc.constant("move" as const), unit: fc.integer({ min: 1, max: 4 }) }) },
    );
    await fc.assert(
      fc.asyncProperty(
        fc.array(op, { minLength: 1, maxLength: 20 }),
        fc.nat(UNITS.length - 1),
        fc.nat(periods.length - 1),
        async (ops, rootPick, periodPick) => {
          run += 1;
          const name = (u: number) => `${UNITS[u]}${run}`;
          const chat = (u: number) => `图${run}-${u}`;
          const parent = [...PARENTS];
          for (let u = 0; u < UNITS.length; u++) {
            const reply = await h.ask(`/绑定 ${name(u)}${parent[u] === null ? "" : ` ${name(parent[u]!)}`}`, { chat: chat(u) });
            expect(reply).toContain(name(u));
          }
          const ids: number[] = [];
          for (let u = 0; u < UNITS.length; u++) ids.push((await h.app.ledger.chat("test", chat(u))).unitId!);
          const made: { id: number; unit: number }[] = [];
          const label = (n: number) => {
            const [, m, d] = addDays("2026-01-01", n).split("-").map(Number);
            return `${m}月${d}日`;
          };
          for (const o of ops) {
            if (o.op === "make") {
              const reply = await h.ask(`/记录 ${LINES[o.line]} ${label(o.day)}`, { chat: chat(o.unit) });
              const id = /已记录 #(\d+)/.exec(reply);
              expect(id, reply).not.toBeNull();
              made.push({ id: Number(id![1]), unit: o.unit });
            } else if (o.op === "undo") {
              await h.say("/撤销", { chat: chat(o.unit) });
            } else if (o.op === "move") {
              // A village goes to the town it is not under; a town goes under the other town
              // (unless that town is below it now).
              const u = o.unit;
              const to = u >= 3 ? (parent[u] === 1 ? 2 : 1) : u === 1 ? 2 : 1;
              if (parent[to] === u) continue;
              await h.say(`/绑定 ${name(u)} ${name(to)} 确认`, { chat: chat(u) });
              parent[u] = to;
            } else if (made.length) {
              const r = made[o.pick % made.length];
              const text =
                o.op === "delete" ? `/删除 ${r.id}` : o.op === "redate" ? `/修改 ${r.id} ${label(o.day)}` : `/修改 ${r.id} ${o.n}人`;
              await h.say(text, { chat: chat(r.unit) });
            }
          }
          const sql = h.app.store.sql;
          // The tree the bot holds now, and its pairs.
          const units = await sql.all<{ id: number; parentId: number | null }>(
            `SELECT "id", "parentId" FROM "Unit" WHERE "id" IN (${ids.map(() => "?").join(", ")})`,
            ids,
          );
          const parentOf = new Map(units.map((u) => [Number(u.id), u.parentId === null ? null : Number(u.parentId)]));
          expect(ids.map((id) => parentOf.get(id))).toEqual(parent.map((p) => (p === null ? null : ids[p])));
          const pairs: string[] = [];
          for (const id of ids) {
            for (let a: number | null = id, depth = 0; a !== null; a = parentOf.get(a) ?? null, depth++) pairs.push(`${id}>${a}@${depth}`);
          }
          const heldPairs = await sql.all<{ unitId: number; ancestorId: number; depth: number }>(
            `SELECT "unitId", "ancestorId", "depth" FROM "UnitAncestor" WHERE "unitId" IN (${ids.map(() => "?").join(", ")})`,
            ids,
          );
          expect(heldPairs.map((p) => `${p.unitId}>${p.ancestorId}@${p.depth}`).sort()).toEqual(pairs.sort());

          // Every unit's own rows, and every ancestor's rows of what lies below it, against the records.
          const norm = (r: Record<string, unknown>) => {
            const f = toFigureRow(r);
            return { ...f, key: String(r.key) };
          };
          const marks = ids.map(() => "?").join(", ");
          const ownRef = await sql.all(
            `SELECT "unitId" || '/' || substr("day", 1, 7) AS "key", "kind", "subtype", "item", ${REF_SUMS}
             FROM "Record" WHERE "deletedAt" IS NULL AND "unitId" IN (${marks})
             GROUP BY "unitId", substr("day", 1, 7), "kind", "subtype", "item"`,
            ids,
          );
          const ownHeld = await sql.all(
            `SELECT "unitId" || '/' || "month" AS "key", "kind", NULLIF("subtype", '') AS "subtype", NULLIF("item", '') AS "item",
               "records", "sessions", "participants", "participantsApprox", "quantity", "quantityApprox", "sessionsApprox"
             FROM "RecordMonth" WHERE "unitId" IN (${marks}) AND "records" > 0`,
            ids,
          );
          expect(sorted(ownHeld.map(norm))).toEqual(sorted(ownRef.map(norm)));
          const belowRef = await sql.all(
            `SELECT a."ancestorId" || '/' || substr(r."day", 1, 7) AS "key", r."kind", r."subtype", r."item", ${refSums("r.")}
             FROM "Record" r JOIN "UnitAncestor" a ON a."unitId" = r."unitId" AND a."depth" > 0
             WHERE r."deletedAt" IS NULL AND r."unitId" IN (${marks})
             GROUP BY a."ancestorId", substr(r."day", 1, 7), r."kind", r."subtype", r."item"`,
            ids,
          );
          const belowHeld = await sql.all(
            `SELECT "ancestorId" || '/' || "month" AS "key", "kind", NULLIF("subtype", '') AS "subtype", NULLIF("item", '') AS "item",
               "records", "sessions", "participants", "participantsApprox", "quantity", "quantityApprox", "sessionsApprox"
             FROM "FigureRollup" WHERE "ancestorId" IN (${marks}) AND "records" > 0`,
            ids,
          );
          expect(sorted(belowHeld.map(norm))).toEqual(sorted(belowRef.map(norm)));
          // No row is left holding figures without records (a deletion takes off all it added).
          const stale = await sql.all(
            `SELECT 1 FROM "RecordMonth" WHERE "unitId" IN (${marks}) AND "records" = 0 AND ("sessions" <> 0 OR "participants" <> 0 OR "quantity" <> 0 OR "participantsApprox" <> 0 OR "quantityApprox" <> 0 OR "sessionsApprox" <> 0)
             UNION ALL SELECT 1 FROM "FigureRollup" WHERE "ancestorId" IN (${marks}) AND "records" = 0 AND ("sessions" <> 0 OR "participants" <> 0 OR "quantity" <> 0)`,
            [...ids, ...ids],
          );
          expect(stale).toEqual([]);

          // What a draft of a random unit of the tree reads, against the statements it replaced.
          const root = ids[rootPick];
          const period = periods[periodPick];
          const prev = previousPeriod(period);
          const r4 = [root, root, root, root];
          const refFigures = (perChild: boolean, p: { start: string; end: string }) =>
            sql.all(
              `${subtreeCte()}
               SELECT ${perChild ? `t.top AS "topId", ` : ""}r."kind", r."subtype", r."item", ${REF_SUMS}
               FROM t CROSS JOIN "Record" r
               WHERE r."unitId" = t.id AND r."deletedAt" IS NULL AND r."day" >= ? AND r."day" <= ?
               GROUP BY ${perChild ? "t.top, " : ""}r."kind", r."subtype", r."item"`,
              [...r4, p.start, p.end],
            );
          const draft = await h.app.ledger.draftFigures(root, period, prev, []);
          const refCurrent = (await refFigures(true, period)).map((r) => ({ ...toFigureRow(r), topId: Number(r.topId) }));
          expect(sorted(draft.current)).toEqual(sorted(refCurrent));
          expect(sorted(draft.previous)).toEqual(sorted((await refFigures(false, prev)).map(toFigureRow)));
          expect(sorted(await h.app.ledger.subtreeFigures(root, period))).toEqual(
            sorted((await refFigures(false, period)).map(toFigureRow)),
          );
          expect(sorted(await h.app.ledger.figures([root], period))).toEqual(
            sorted(
              (
                await sql.all(
                  `SELECT "kind", "subtype", "item", ${REF_SUMS} FROM "Record"
                   WHERE "unitId" = ? AND "deletedAt" IS NULL AND "day" >= ? AND "day" <= ? GROUP BY "kind", "subtype", "item"`,
                  [root, period.start, period.end],
                )
              ).map(toFigureRow),
            ),
          );
          // The page's months per top.
          const monthlyRef = await sql.all<Record<string, unknown>>(
            `${subtreeCte()}
             SELECT t.top AS "topId", substr(r."day", 1, 7) AS "month", r."kind", SUM(r."sessions") AS "sessions"
             FROM t CROSS JOIN "Record" r
             WHERE r."unitId" = t.id AND r."deletedAt" IS NULL AND r."day" >= ? AND r."day" <= ?
             GROUP BY t.top, substr(r."day", 1, 7), r."kind"`,
            [...r4, "2026-01-01", "2026-12-31"],
          );
          expect(sorted(await h.app.ledger.dashboard.monthly(root, "2026-01-01", "2026-12-31"))).toEqual(
            sorted(
              monthlyRef.map((r) => ({
                topId: Number(r.topId),
                month: String(r.month),
                kind: String(r.kind),
                sessions: Number(r.sessions),
              })),
            ),
          );
          // The ranked names: the whole ranking, ties included, as the records' statement ranked them.
          const namesRef = await sql.all<Record<string, unknown>>(
            `${subtreeCte()},
             b AS MATERIALIZED (
               SELECT CASE WHEN t.id = CAST(? AS INTEGER) THEN 1 ELSE 0 END AS "own", r."kind", r."topic", r."title", r."day"
               FROM t CROSS JOIN "Record" r
               WHERE r."unitId" = t.id AND r."deletedAt" IS NULL AND r."day" >= ? AND r."day" <= ?
                 AND ((r."topic" IS NOT NULL AND r."topic" <> '') OR (r."title" IS NOT NULL AND r."title" <> ''))),
             n AS (
               SELECT "own", "kind", 'topic' AS "field", "topic" AS "name", COUNT(*) AS "records", MIN("day") AS "first"
               FROM b WHERE "topic" IS NOT NULL AND "topic" <> '' GROUP BY "own", "kind", "topic"
               UNION ALL
               SELECT "own", "kind", 'title', "title", COUNT(*), MIN("day")
               FROM b WHERE "title" IS NOT NULL AND "title" <> '' GROUP BY "own", "kind", "title"),
             ranked AS (
               SELECT n.*, ROW_NUMBER() OVER (PARTITION BY n."own", n."kind", n."field" ORDER BY n."records" DESC, n."first", n."name") AS "rank"
               FROM n)
             SELECT "own", "kind", "field", "name", "records" FROM ranked WHERE "rank" <= 10
             ORDER BY "own" DESC, "kind", "field", "rank"`,
            [...r4, root, period.start, period.end],
          );
          expect(await h.app.ledger.draftNames(root, period, 10)).toEqual(
            namesRef.map((r) => ({
              own: Number(r.own) === 1,
              kind: String(r.kind),
              field: r.field === "title" ? "title" : "topic",
              name: String(r.name),
              records: Number(r.records),
            })),
          );
        },
      ),
      { numRuns: 40 },
    );
  }, 300_000);

  it("count each unit's records with a photo, an attendance and minutes through files added, removed and moved and records edited", async () => {
    const lines = [
      "会议 部署会 参加人员：张三、李四",
      "会议 部署会 纪要：传达会议精神",
      "会议 专题会议",
      "学习 集中学习 12人",
      "学习 集中学习",
    ];
    const names = ["现场.jpg", "签到表.pdf", "Sign-in.xlsx", "会议纪要.docx", "学习记录.pdf", "通知.pdf", "minutes.TXT"];
    const op = fc.oneof(
      {
        weight: 3,
        arbitrary: fc.record({ op: fc.constant("make" as const), unit: fc.nat(1), line: fc.nat(lines.length - 1), day: fc.nat(80) }),
      },
      {
        weight: 4,
        arbitrary: fc.record({ op: fc.constant("attach" as const), pick: fc.nat(), photo: fc.boolean(), name: fc.nat(names.length - 1) }),
      },
      fc.record({ op: fc.constant("unattach" as const), pick: fc.nat(), hard: fc.boolean() }),
      fc.record({ op: fc.constant("move" as const), pick: fc.nat(), to: fc.nat() }),
      fc.record({ op: fc.constant("rename" as const), pick: fc.nat(), name: fc.nat(names.length - 1) }),
      fc.record({ op: fc.constant("delete" as const), pick: fc.nat() }),
      fc.record({ op: fc.constant("people" as const), pick: fc.nat(), n: fc.integer({ min: 1, max: 40 }) }),
      fc.record({ op: fc.constant("redate" as const), pick: fc.nat(), day: fc.nat(200) }),
    );
    await fc.assert(
      fc.asyncProperty(fc.array(op, { minLength: 1, maxLength: 24 }), async (ops) => {
        run += 1;
        const chat = (u: number) => `证${run}-${u}`;
        const ids: number[] = [];
        for (let u = 0; u < 2; u++) {
          await h.say(`/绑定 证单位${run}-${u}`, { chat: chat(u) });
          ids.push((await h.app.ledger.chat("test", chat(u))).unitId!);
        }
        const made: { id: number; unit: number }[] = [];
        const files: number[] = [];
        const db = h.app.store.db;
        const label = (n: number) => {
          const [, m, d] = addDays("2026-01-01", n).split("-").map(Number);
          return `${m}月${d}日`;
        };
        for (const o of ops) {
          if (o.op === "make") {
            const reply = await h.ask(`/记录 ${lines[o.line]} ${label(o.day)}`, { chat: chat(o.unit) });
            const id = /已记录 #(\d+)/.exec(reply);
            expect(id, reply).not.toBeNull();
            made.push({ id: Number(id![1]), unit: o.unit });
          } else if (!made.length) continue;
          else if (o.op === "attach") {
            const r = made[o.pick % made.length];
            const a = await db.attachment.create({
              data: {
                recordId: r.id,
                unitId: ids[r.unit],
                sha256: `s${run}-${files.length}`,
                kind: o.photo ? "photo" : "file",
                name: names[o.name],
                mime: "application/octet-stream",
                size: 1,
                actor: "test",
                createdAt: h.now,
              },
            });
            files.push(a.id);
          } else if (o.op === "delete") {
            const r = made[o.pick % made.length];
            await h.say(`/删除 ${r.id}`, { chat: chat(r.unit) });
          } else if (o.op === "people" || o.op === "redate") {
            const r = made[o.pick % made.length];
            await h.say(`/修改 ${r.id} ${o.op === "people" ? `${o.n}人` : label(o.day)}`, { chat: chat(r.unit) });
          } else if (files.length) {
            const f = files[o.pick % files.length];
            const live = await db.attachment.findUnique({ where: { id: f } });
            if (!live) continue;
            if (o.op === "unattach") {
              if (o.hard) await db.attachment.delete({ where: { id: f } });
              else await db.attachment.update({ where: { id: f }, data: { deletedAt: h.now } });
            } else if (o.op === "move") {
              const to = made[o.to % made.length].id;
              if (!(await db.attachment.findFirst({ where: { recordId: to, sha256: live.sha256 } })))
                await db.attachment.update({ where: { id: f }, data: { recordId: to } });
            } else await db.attachment.update({ where: { id: f }, data: { name: names[o.name] } });
          }
        }
        // The reference: the quarter's records, each tested against its files (the statement the counts replaced).
        for (const period of [makePeriod("quarter", 2026, 1), makePeriod("quarter", 2026, 2), makePeriod("quarter", 2026, 3)]) {
          const has = (where: string) =>
            `EXISTS (SELECT 1 FROM "Attachment" a WHERE a."recordId" = r."id" AND a."deletedAt" IS NULL AND ${where})`;
          const ref = await h.app.store.sql.all<Record<string, unknown>>(
            `SELECT r."unitId", r."kind", COUNT(*) AS "records",
               SUM(CASE WHEN ${has(`a."kind" = 'photo'`)} THEN 0 ELSE 1 END) AS "noPhoto",
               SUM(CASE WHEN r."attendees" IS NOT NULL OR r."participants" IS NOT NULL OR ${has(`a."kind" <> 'photo' AND (${SIGN_IN_FILE})`)} THEN 0 ELSE 1 END) AS "noAttendance",
               SUM(CASE WHEN r."minutes" IS NOT NULL OR ${has(`a."kind" <> 'photo' AND (${MINUTES_FILE})`)} THEN 0 ELSE 1 END) AS "noMinutes"
             FROM "Record" r
             WHERE r."deletedAt" IS NULL AND r."day" >= ? AND r."day" <= ? AND r."kind" IN ('meeting', 'study') AND r."unitId" IN (?, ?)
             GROUP BY r."unitId", r."kind"`,
            [period.start, period.end, ...ids],
          );
          const held = (await loadEvidenceCounts(h.app.store.sql, period, ["meeting", "study"])).filter((r) => ids.includes(r.unitId));
          const norm = (r: { [k: string]: unknown }) =>
            [r.unitId, r.kind, r.records, r.noPhoto, r.noAttendance, r.noMinutes]
              .map((x) => (typeof x === "string" ? x : Number(x)))
              .join("/");
          expect(held.map((r) => norm({ ...r })).sort()).toEqual(ref.map(norm).sort());
        }
      }),
      { numRuns: 30 },
    );
  }, 300_000);

  it("the evidence triggers test files by the same words as the bot", async () => {
    // The triggers spell the file-name words out; a word added to src/domain/evidence.ts needs a
    // migration that writes the triggers again.
    const sql = h.app.store.sql;
    const bodies =
      sql.provider === "sqlite"
        ? (
            await sql.all<{ sql: string }>(
              `SELECT "sql" FROM "sqlite_master" WHERE "type" = 'trigger' AND "name" = 'Record_figures_insert'`,
            )
          ).map((r) => r.sql)
        : (await sql.all<{ sql: string }>(`SELECT prosrc AS "sql" FROM pg_proc WHERE proname = 'record_figures_sync'`)).map((r) => r.sql);
    expect(bodies.length).toBe(1);
    const found = [...bodies[0].matchAll(/LIKE '%([^%]+)%'/g)].map((m) => m[1]);
    expect([...new Set(found)].sort()).toEqual([...SIGN_IN_NAME_WORDS, ...MINUTES_NAME_WORDS].sort());
  });
});
