import { describe, it, expect } from "vitest";
import { parseDay, parseTimeOfDay, matchDayAt, matchTimeAt } from "../src/domain/dates.js";

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
    ["26号", "2026-10-26"],
    ["22号", "2026-11-22"],
    ["上个月25号", "2026-10-25"],
    ["上月5日", "2026-10-05"],
    ["本月10号", "2026-11-10"],
    ["20-nov", "2026-11-20"],
    ["nov-20", "2026-11-20"],
    ["20-november-2025", "2025-11-20"],
    ["3-days-ago", "2026-11-19"],
    ["last-friday", "2026-11-13"],
    ["on-friday", "2026-11-20"],
    ["上上周五", "2026-11-06"],
    // Days still ahead are returned as such: the parser refuses them and says why.
    ["明天", "2026-11-23"],
    ["后天", "2026-11-24"],
    ["tomorrow", "2026-11-23"],
    ["下周一", "2026-11-23"],
    ["next-monday", "2026-11-23"],
    ["下个月5号", "2026-12-05"],
    ["3天后", "2026-11-25"],
    // A month and day without a year: the nearer of this year's and last year's, even if ahead.
    ["12月1日", "2026-12-01"],
    ["1月5日", "2026-01-05"],
  ])("%s → %s", (word, day) => {
    expect(parseDay(word, today)).toEqual({ ok: true, day });
  });

  it("a date in January about December is last year's", () => {
    expect(parseDay("12.30", "2027-01-05")).toEqual({ ok: true, day: "2026-12-30" });
    expect(parseDay("12月20日", "2027-01-05")).toEqual({ ok: true, day: "2026-12-20" });
  });

  it("a day never moves to another year to be in the past", () => {
    // 12月5日 typed on 12月2日 is this year's, three days ahead (the parser refuses it).
    expect(parseDay("12月5日", "2026-12-02")).toEqual({ ok: true, day: "2026-12-05" });
    // In June, December is nearer last year.
    expect(parseDay("12月25日", "2026-06-10")).toEqual({ ok: true, day: "2025-12-25" });
  });

  it("N号 is the nearest past such day, skipping months without it", () => {
    expect(parseDay("26号", "2026-12-02")).toEqual({ ok: true, day: "2026-11-26" });
    expect(parseDay("2号", "2026-12-02")).toEqual({ ok: true, day: "2026-12-02" });
    expect(parseDay("31号", "2026-12-02")).toEqual({ ok: true, day: "2026-10-31" });
    expect(parseDay("32号", "2026-12-02")).toEqual({ ok: false, reason: "invalid" });
  });

  it.each(["2026-02-30", "2月30日", "13.01", "2026年13月1日"])("%s does not exist", (word) => {
    expect(parseDay(word, today)).toEqual({ ok: false, reason: "invalid" });
  });

  it.each(["学习", "12人", "3000份", "abc", "constructor", "__proto__", "toString"])("%s is not a date", (word) => {
    expect(parseDay(word, today)).toBeNull();
  });

  it("returns future days so that the parser can explain why it refuses them", () => {
    expect(parseDay("2026-12-01", today)).toEqual({ ok: true, day: "2026-12-01" });
  });
});

describe("times of day", () => {
  it.each([
    ["上午", "上午"],
    ["下午3点", "下午3点"],
    ["下午3点半", "下午3点半"],
    ["14:30", "14:30"],
    ["上午9:30", "上午9:30"],
    ["晚上", "晚上"],
    ["afternoon", "下午"],
    ["3pm", "下午3点"],
    ["9:30am", "上午9:30"],
  ])("%s → %s", (word, value) => {
    expect(parseTimeOfDay(word)).toBe(value);
  });

  it.each(["25:00", "14:75", "学习", "12人", "13pm"])("%s is not a time of day", (word) => {
    expect(parseTimeOfDay(word)).toBeNull();
  });

  it("finds a day and a time inside a longer word", () => {
    expect(matchDayAt("11月3日上午", 0, today)).toEqual({ word: "11月3日", result: { ok: true, day: "2026-11-03" } });
    expect(matchTimeAt("11月3日上午", 5)).toBe("上午");
    expect(matchDayAt("前天晚上", 0, today)).toEqual({ word: "前天", result: { ok: true, day: "2026-11-20" } });
    expect(matchDayAt("今天组织了中心组学习", 0, today)?.word).toBe("今天");
    expect(matchDayAt("组织了", 0, today)).toBeNull();
  });
});
