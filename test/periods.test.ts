import { describe, it, expect } from "vitest";
import fc from "fast-check";
import dayjs from "dayjs";
import { parsePeriod, periodLabel, previousPeriod, periodKey, makePeriod, type PeriodType } from "../src/domain/periods.js";
import { addDays } from "../src/time.js";

const today = "2026-11-22";

describe("periods", () => {
  it.each([
    ["", "2026年第四季度", "2026-10-01", "2026-12-31"],
    ["本季度", "2026年第四季度", "2026-10-01", "2026-12-31"],
    ["上季度", "2026年第三季度", "2026-07-01", "2026-09-30"],
    ["2026Q3", "2026年第三季度", "2026-07-01", "2026-09-30"],
    ["2026-q1", "2026年第一季度", "2026-01-01", "2026-03-31"],
    ["2026年第三季度", "2026年第三季度", "2026-07-01", "2026-09-30"],
    ["第二季度", "2026年第二季度", "2026-04-01", "2026-06-30"],
    ["去年第四季度", "2025年第四季度", "2025-10-01", "2025-12-31"],
    ["本月", "2026年11月", "2026-11-01", "2026-11-30"],
    ["上月", "2026年10月", "2026-10-01", "2026-10-31"],
    ["2026年2月", "2026年2月", "2026-02-01", "2026-02-28"],
    ["2024-02", "2024年2月", "2024-02-01", "2024-02-29"],
    ["十一月", "2026年11月", "2026-11-01", "2026-11-30"],
    ["上半年", "2026年上半年", "2026-01-01", "2026-06-30"],
    ["2026年下半年", "2026年下半年", "2026-07-01", "2026-12-31"],
    ["2025H2", "2025年下半年", "2025-07-01", "2025-12-31"],
    ["今年", "2026年", "2026-01-01", "2026-12-31"],
    ["去年", "2025年", "2025-01-01", "2025-12-31"],
    ["2025年", "2025年", "2025-01-01", "2025-12-31"],
    ["2025", "2025年", "2025-01-01", "2025-12-31"],
    ["last quarter", "2026年第三季度", "2026-07-01", "2026-09-30"],
  ])("%s → %s", (text, label, start, end) => {
    const p = parsePeriod(text, today)!;
    expect([periodLabel(p), p.start, p.end]).toEqual([label, start, end]);
  });

  it.each(["明年", "第五季度", "13月", "2026Q5", "abc", "1999年"])("%s is refused", (text) => {
    expect(parsePeriod(text, today)).toBeNull();
  });

  it("steps back across a year and keys periods stably", () => {
    const q1 = parsePeriod("2026Q1", today)!;
    expect(periodLabel(previousPeriod(q1))).toBe("2025年第四季度");
    expect([
      periodKey(q1),
      periodKey(parsePeriod("2026年11月", today)!),
      periodKey(parsePeriod("2026H2", today)!),
      periodKey(parsePeriod("2026", today)!),
    ]).toEqual(["2026-Q1", "2026-M11", "2026-H2", "2026"]);
  });
});

describe("calendar arithmetic", () => {
  // addDays and makePeriod compute on UTC dates instead of dayjs (ten times cheaper); dayjs is
  // the reference, across leap years, month ends and year ends.
  const dayArb = fc
    .date({ min: new Date("1990-01-01T00:00:00Z"), max: new Date("2099-12-31T00:00:00Z"), noInvalidDate: true })
    .map((d) => d.toISOString().slice(0, 10));
  it("adds days as dayjs does", () => {
    fc.assert(
      fc.property(dayArb, fc.integer({ min: -800, max: 800 }), (day, n) => {
        expect(addDays(day, n)).toBe(dayjs(day).add(n, "day").format("YYYY-MM-DD"));
      }),
      { numRuns: 2000 },
    );
  });
  it("ends every month, quarter, half and year on its last day", () => {
    const counts: Record<PeriodType, number> = { month: 12, quarter: 4, half: 2, year: 1 };
    fc.assert(
      fc.property(
        fc.integer({ min: 1990, max: 2099 }),
        fc.constantFrom<PeriodType>("month", "quarter", "half", "year"),
        fc.nat(11),
        (year, type, i) => {
          const p = makePeriod(type, year, (i % counts[type]) + 1);
          expect(p.end).toBe(
            dayjs(p.start).add({ month: 1, quarter: 3, half: 6, year: 12 }[type], "month").subtract(1, "day").format("YYYY-MM-DD"),
          );
        },
      ),
      { numRuns: 2000 },
    );
    expect(makePeriod("month", 2028, 2).end).toBe("2028-02-29");
    expect(makePeriod("month", 2100, 2).end).toBe("2100-02-28");
  });
});
