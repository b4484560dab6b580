// The matrix's counts (Ledger.unitsWindowCounts, read by /统计 and the web page) against a plain
// count of the records made, over random ledgers and windows of every span: short windows share
// one statement, long ones (a year's report) have their own, and each answer lands in its place.
import { describe, it, expect, afterAll, beforeAll } from "vitest";
import fc from "fast-check";
import { makeHarness, type Harness } from "./harness.js";
import { addDays } from "../src/time.js";
import { makePeriod } from "../src/domain/periods.js";
import { loadCounts } from "../src/store/reminders.js";

const KINDS = [
  { word: "学习 集中学习", kind: "study", subtype: "集中学习" },
  { word: "学习 主题党日", kind: "study", subtype: "主题党日" },
  { word: "会议 意识形态工作专题会议", kind: "meeting", subtype: "意识形态工作专题会议" },
  { word: "宣讲", kind: "lecture", subtype: null },
];

describe("units × windows counts", () => {
  let h: Harness;
  let run = 0;
  beforeAll(async () => {
    h = await makeHarness({ now: "2026-12-20T10:00:00+08:00" });
  });
  afterAll(() => h.close());

  it("the triggers that keep the monthly counts exist after every migration", async () => {
    // A later migration that rebuilds "Record" (SQLite's table redefinition) would drop them.
    const sql = h.app.store.sql;
    const names =
      sql.provider === "sqlite"
        ? (await sql.all<{ name: string }>(`SELECT "name" FROM "sqlite_master" WHERE "type" = 'trigger' AND "tbl_name" = 'Record'`)).map(
            (r) => r.name,
          )
        : (
            await sql.all<{ name: string }>(
              `SELECT tgname AS "name" FROM pg_trigger WHERE tgrelid = '"Record"'::regclass AND NOT tgisinternal`,
            )
          ).map((r) => r.name);
    expect(names.sort()).toEqual(
      sql.provider === "sqlite"
        ? ["Record_figures_delete", "Record_figures_insert", "Record_figures_update_new", "Record_figures_update_old"]
        : ["Record_figures_insert_delete", "Record_figures_update"],
    );
  });

  it("equal a plain count of the records, for any windows", async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.array(
          fc.record({ unit: fc.nat(2), kind: fc.nat(KINDS.length - 1), day: fc.nat(340), sessions: fc.integer({ min: 1, max: 3 }) }),
          {
            maxLength: 12,
          },
        ),
        fc.array(
          fc.record({
            kind: fc.nat(KINDS.length - 1),
            from: fc.nat(340),
            span: fc.oneof(fc.nat(40), fc.integer({ min: 93, max: 360 })),
            sub: fc.boolean(),
          }),
          { minLength: 1, maxLength: 6 },
        ),
        async (records, ws) => {
          run += 1;
          const ids: number[] = [];
          for (let u = 0; u < 3; u++) {
            const chat = `群${run}-${u}`;
            await h.say(`/绑定 单位${run}-${u}`, { chat });
            ids.push((await h.app.ledger.chat("test", chat)).unitId!);
          }
          for (const r of records) {
            const day = addDays("2026-01-01", r.day);
            const [, m, d] = day.split("-").map(Number);
            const reply = await h.ask(`/记录 ${KINDS[r.kind].word} ${r.sessions}次 ${m}月${d}日`, { chat: `群${run}-${r.unit}` });
            expect(reply).toContain("已记录");
          }
          const windows = ws.map((w) => {
            const k = KINDS[w.kind];
            const start = addDays("2026-01-01", w.from);
            return { kind: k.kind, subtypes: w.sub && k.subtype ? [k.subtype] : undefined, start, end: addDays(start, w.span) };
          });
          const counts = await h.app.ledger.unitsWindowCounts(ids, windows);
          for (let u = 0; u < 3; u++) {
            const expected = windows.map((w) =>
              records
                .filter((r) => r.unit === u)
                .filter((r) => {
                  const day = addDays("2026-01-01", r.day);
                  const k = KINDS[r.kind];
                  return k.kind === w.kind && day >= w.start && day <= w.end && (!w.subtypes || w.subtypes.includes(k.subtype!));
                })
                .reduce((a, r) => a + r.sessions, 0),
            );
            expect(counts.get(ids[u])).toEqual(expected);
          }
        },
      ),
      { numRuns: 25 },
    );
  }, 120_000);

  it("kept by the triggers through records made, edited, deleted and undone: equal to the raw aggregate, and the reminder pass's counts up to its day", async () => {
    const periods = [
      ...Array.from({ length: 12 }, (_, i) => makePeriod("month", 2026, i + 1)),
      ...[1, 2, 3, 4].map((q) => makePeriod("quarter", 2026, q)),
      makePeriod("half", 2026, 1),
      makePeriod("half", 2026, 2),
      makePeriod("year", 2026, 1),
    ];
    const op = fc.oneof(
      fc.record({
        op: fc.constant("make" as const),
        unit: fc.nat(1),
        kind: fc.nat(KINDS.length - 1),
        day: fc.nat(340),
        sessions: fc.integer({ min: 1, max: 3 }),
      }),
      fc.record({ op: fc.constant("redate" as const), pick: fc.nat(), day: fc.nat(340) }),
      fc.record({ op: fc.constant("delete" as const), pick: fc.nat() }),
      fc.record({ op: fc.constant("undo" as const), unit: fc.nat(1) }),
    );
    await fc.assert(
      fc.asyncProperty(
        fc.array(op, { minLength: 1, maxLength: 14 }),
        fc.array(fc.record({ kind: fc.nat(KINDS.length - 1), period: fc.nat(periods.length - 1), sub: fc.boolean() }), {
          minLength: 1,
          maxLength: 6,
        }),
        fc.record({ near: fc.boolean(), pick: fc.nat(), shift: fc.integer({ min: -4, max: 4 }), any: fc.nat(353) }),
        async (ops, ws, day) => {
          run += 1;
          const ids: number[] = [];
          for (let u = 0; u < 2; u++) {
            await h.say(`/绑定 单位${run}-${u}`, { chat: `群${run}-${u}` });
            ids.push((await h.app.ledger.chat("test", `群${run}-${u}`)).unitId!);
          }
          const made: { id: number; unit: number }[] = [];
          const label = (n: number) => {
            const [, m, d] = addDays("2026-01-01", n).split("-").map(Number);
            return `${m}月${d}日`;
          };
          for (const o of ops) {
            if (o.op === "make") {
              const reply = await h.ask(`/记录 ${KINDS[o.kind].word} ${o.sessions}次 ${label(o.day)}`, { chat: `群${run}-${o.unit}` });
              const id = /已记录 #(\d+)/.exec(reply);
              if (id) made.push({ id: Number(id[1]), unit: o.unit });
            } else if (o.op === "undo") {
              await h.say("/撤销", { chat: `群${run}-${o.unit}` });
            } else if (made.length) {
              const r = made[o.pick % made.length];
              await h.say(o.op === "delete" ? `/删除 ${r.id}` : `/修改 ${r.id} ${label(o.day)}`, { chat: `群${run}-${r.unit}` });
            }
          }
          const windows = ws.map((w) => {
            const k = KINDS[w.kind];
            const p = periods[w.period];
            return { kind: k.kind, subtypes: w.sub && k.subtype ? [k.subtype] : undefined, start: p.start, end: p.end };
          });
          // The raw aggregate: the live records as they are now.
          const live = await h.app.store.sql.all<{ unitId: number; kind: string; subtype: string | null; day: string; sessions: number }>(
            `SELECT "unitId", "kind", "subtype", "day", "sessions" FROM "Record" WHERE "deletedAt" IS NULL AND "unitId" IN (?, ?)`,
            ids,
          );
          const counts = await h.app.ledger.unitsWindowCounts(ids, windows);
          for (const id of ids) {
            const expected = windows.map((w) =>
              live
                .filter((r) => Number(r.unitId) === id && r.kind === w.kind && r.day >= w.start && r.day <= w.end)
                .filter((r) => !w.subtypes || w.subtypes.includes(r.subtype ?? ""))
                .reduce((a, r) => a + Number(r.sessions), 0),
            );
            expect(counts.get(id)).toEqual(expected);
            expect(await h.app.ledger.unitWindowCounts(id, windows)).toEqual(expected);
          }
          // The pass's counts stop at its day: past months from the monthly counts, its own month from
          // the records. Its day is often a few days from a record's, and a year's window of every
          // kind is among the windows, so that the records of its own month are counted.
          const made0 = ops.filter((o) => o.op === "make");
          const toDay = day.near && made0.length ? Math.max(0, made0[day.pick % made0.length].day + day.shift) : day.any;
          const to = addDays("2026-01-01", toDay);
          const passWindows = [
            ...windows,
            ...KINDS.map((k) => ({ kind: k.kind, subtypes: undefined, start: "2026-01-01", end: "2026-12-31" })),
          ];
          const pass = await loadCounts(h.app.store.sql, to, passWindows);
          for (const id of ids) {
            const expected = passWindows.map((w) =>
              live
                .filter((r) => Number(r.unitId) === id && r.kind === w.kind && r.day >= w.start && r.day <= w.end && r.day <= to)
                .filter((r) => !w.subtypes || w.subtypes.includes(r.subtype ?? ""))
                .reduce((a, r) => a + Number(r.sessions), 0),
            );
            expect(pass.byUnit.get(id) ?? passWindows.map(() => 0)).toEqual(expected);
          }
        },
      ),
      { numRuns: 25 },
    );
  }, 180_000);
});
