// The matrix's counts (Ledger.unitsWindowCounts, read by /统计 and the web page) against a plain
// count of the records made, over random ledgers and windows of every span: short windows share
// one statement, long ones (a year's report) have their own, and each answer lands in its place.
import { describe, it, expect, afterAll, beforeAll } from "vitest";
import fc from "fast-check";
import { makeHarness, type Harness } from "./harness.js";
import { addDays } from "../src/time.js";

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
});
