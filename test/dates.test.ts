import { describe, it, expect } from "vitest";
import { parseDay } from "../src/domain/dates.js";

// 2026-11-22 is a Sunday.
const today = "2026-11-22";

describe("day words", () => {
  it.each([
    ["今天", "2026-11-22"],
    ["today", "2026-11-22"],
    ["昨天", "2026-11-21"],
    ["yesterday", "2026-11-21"],
    ["前天", "2026-11-20"],
    ["2026-11-20", "2026-11-20"],
    ["2026/11/20", "2026-11-20"],
    ["2026.11.20", "2026-11-20"],
    ["2026年11月20日", "2026-11-20"],
    ["11月20日", "2026-11-20"],
    ["11月20号", "2026-11-20"],
    ["十一月二十日", "2026-11-20"],
    ["11.20", "2026-11-20"],
    ["11/20", "2026-11-20"],
    ["20日", "2026-11-20"],
    ["上周五", "2026-11-13"],
    ["周五", "2026-11-20"],
    ["星期一", "2026-11-16"],
    ["本周日", "2026-11-22"],
    ["last-friday", "2026-11-13"],
    ["3天前", "2026-11-19"],
    ["三天前", "2026-11-19"],
    // A month and day still ahead this year means last year's.
    ["12月1日", "2025-12-01"],
  ])("%s → %s", (word, day) => {
    expect(parseDay(word, today)).toEqual({ ok: true, day });
  });

  it("a date in January about December is last year's", () => {
    expect(parseDay("12.30", "2027-01-05")).toEqual({ ok: true, day: "2026-12-30" });
  });

  it.each(["2026-02-30", "2月30日", "13.01", "2026年13月1日"])("%s does not exist", (word) => {
    expect(parseDay(word, today)).toEqual({ ok: false, reason: "invalid" });
  });

  it.each(["学习", "12人", "3000份", "abc"])("%s is not a date", (word) => {
    expect(parseDay(word, today)).toBeNull();
  });

  it("returns future days so that the parser can explain why it refuses them", () => {
    expect(parseDay("2026-12-01", today)).toEqual({ ok: true, day: "2026-12-01" });
  });
});
