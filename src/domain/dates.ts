// Day words in a record line: today/yesterday/今天/昨天/前天, 2026-11-20, 2026年11月20日, 11月20日,
// 11.20, 上周五, 周三, 3天前. Always relative to a China day passed in; never reads the clock.
import { addDays, isoWeekday, isValidDay, formatDay } from "../time.js";
import { parseChineseNumeral } from "./numbers.js";

export type DateResult = { ok: true; day: string } | { ok: false; reason: "invalid" } | null;

const WEEKDAYS: Record<string, number> = { 一: 1, 二: 2, 三: 3, 四: 4, 五: 5, 六: 6, 日: 7, 天: 7, 七: 7 };
const EN_WEEKDAYS: Record<string, number> = {
  mon: 1,
  monday: 1,
  tue: 2,
  tuesday: 2,
  wed: 3,
  wednesday: 3,
  thu: 4,
  thursday: 4,
  fri: 5,
  friday: 5,
  sat: 6,
  saturday: 6,
  sun: 7,
  sunday: 7,
};

function smallNumber(text: string): number | null {
  if (/^\d{1,4}$/.test(text)) return Number(text);
  return parseChineseNumeral(text);
}

function dayOrInvalid(y: number, m: number, d: number): DateResult {
  return isValidDay(y, m, d) ? { ok: true, day: formatDay(y, m, d) } : { ok: false, reason: "invalid" };
}

/**
 * Reads one token as a day. Returns null when the token is not a date at all, {ok:false} when it
 * looks like a date but no such day exists (2月30日), and the day otherwise (possibly in the future:
 * the caller rejects those, because it can say why).
 */
export function parseDay(token: string, today: string): DateResult {
  const t = token.trim().toLowerCase();
  const year = Number(today.slice(0, 4));
  const relative: Record<string, number> = {
    今天: 0,
    今日: 0,
    当天: 0,
    today: 0,
    昨天: -1,
    昨日: -1,
    yesterday: -1,
    前天: -2,
    前日: -2,
    大前天: -3,
  };
  if (Object.hasOwn(relative, t)) return { ok: true, day: addDays(today, relative[t]) };

  let m: RegExpExecArray | null;
  if ((m = /^(\d{4})[-/.](\d{1,2})[-/.](\d{1,2})$/.exec(t))) return dayOrInvalid(+m[1], +m[2], +m[3]);
  if ((m = /^(\d{4})年(\d{1,2}|[一二三四五六七八九十]{1,3})月(\d{1,2}|[一二三四五六七八九十]{1,3})[日号]?$/.exec(t))) {
    const mm = smallNumber(m[2]);
    const dd = smallNumber(m[3]);
    return mm && dd ? dayOrInvalid(+m[1], mm, dd) : { ok: false, reason: "invalid" };
  }
  if ((m = /^(\d{1,2}|[一二三四五六七八九十]{1,3})月(\d{1,2}|[一二三四五六七八九十]{1,3})[日号]?$/.exec(t))) {
    const mm = smallNumber(m[1]);
    const dd = smallNumber(m[2]);
    if (!mm || !dd) return { ok: false, reason: "invalid" };
    return withoutYear(mm, dd, year, today);
  }
  // 11.20 and 11/20: month.day without a year. (11-20 is not accepted: it reads like a range.)
  if ((m = /^(\d{1,2})[./](\d{1,2})$/.exec(t))) return withoutYear(+m[1], +m[2], year, today);
  // 20日 / 20号: a day of the current month.
  if ((m = /^(\d{1,2})[日号]$/.exec(t))) {
    const [, mm] = today.split("-").map(Number);
    return withoutYear(mm, +m[1], year, today);
  }
  // 上周五, 本周一, 这周三, 周三, 星期三, 礼拜三, last-friday, friday.
  if ((m = /^(上上|上|本|这)?(?:周|星期|礼拜)([一二三四五六日天七])$/.exec(t))) {
    return { ok: true, day: weekday(WEEKDAYS[m[2]], m[1] ?? "", today) };
  }
  if ((m = /^(last-?)?(mon|monday|tue|tuesday|wed|wednesday|thu|thursday|fri|friday|sat|saturday|sun|sunday)$/.exec(t))) {
    return { ok: true, day: weekday(EN_WEEKDAYS[m[2]], m[1] ? "上" : "", today) };
  }
  // 3天前 / 三天前 / 3-days-ago.
  if ((m = /^(\d{1,3}|[一二三四五六七八九十两]{1,3})天前$/.exec(t)) || (m = /^(\d{1,3})-?days?-?ago$/.exec(t))) {
    const n = smallNumber(m[1]);
    return n === null ? null : { ok: true, day: addDays(today, -n) };
  }
  return null;
}

/** A month and day without a year: this year's, unless that is still ahead, then last year's. */
function withoutYear(mm: number, dd: number, year: number, today: string): DateResult {
  if (!isValidDay(year, mm, dd) && !isValidDay(year - 1, mm, dd)) return { ok: false, reason: "invalid" };
  const thisYear = isValidDay(year, mm, dd) ? formatDay(year, mm, dd) : null;
  if (thisYear && thisYear <= today) return { ok: true, day: thisYear };
  // Written in January about December: the most recent such day is last year's.
  if (isValidDay(year - 1, mm, dd)) return { ok: true, day: formatDay(year - 1, mm, dd) };
  return { ok: true, day: thisYear! };
}

/** 周三 = this week's Wednesday if not ahead, else last week's; 上周三 = last week's; 本周三 = this week's. */
function weekday(target: number, which: string, today: string): string {
  const monday = addDays(today, 1 - isoWeekday(today));
  const thisWeeks = addDays(monday, target - 1);
  if (which === "上") return addDays(thisWeeks, -7);
  if (which === "上上") return addDays(thisWeeks, -14);
  if (which === "本" || which === "这") return thisWeeks;
  return thisWeeks <= today ? thisWeeks : addDays(thisWeeks, -7);
}
