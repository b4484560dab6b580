// Day words in a record line: today/yesterday/今天/昨天/前天, 2026-11-20, 2026年11月20日, 11月20日,
// 11.20, 26号, 上个月25号, 上周五, 周三, 3天前, last-friday, 20-nov, nov-20, 3-days-ago — and the
// future ones (明天, 下周一, tomorrow, next-monday), returned as days so that the parser can say
// they have not come yet. Times of day: 上午, 下午3点, 14:30, afternoon. Always relative to a China
// day passed in; never reads the clock.
import { addDays, isoWeekday, isValidDay, formatDay } from "../time.js";
import { parseChineseNumeral } from "./numbers.js";

export type DateResult = { ok: true; day: string } | { ok: false; reason: "invalid" } | null;

const WEEKDAYS: Record<string, number> = { 一: 1, 二: 2, 三: 3, 四: 4, 五: 5, 六: 6, 日: 7, 天: 7, 七: 7 };
const EN_WEEKDAYS: Record<string, number> = {
  mon: 1,
  monday: 1,
  tue: 2,
  tues: 2,
  tuesday: 2,
  wed: 3,
  wednesday: 3,
  thu: 4,
  thur: 4,
  thurs: 4,
  thursday: 4,
  fri: 5,
  friday: 5,
  sat: 6,
  saturday: 6,
  sun: 7,
  sunday: 7,
};
const EN_MONTHS: Record<string, number> = {
  jan: 1,
  january: 1,
  feb: 2,
  february: 2,
  mar: 3,
  march: 3,
  apr: 4,
  april: 4,
  may: 5,
  jun: 6,
  june: 6,
  jul: 7,
  july: 7,
  aug: 8,
  august: 8,
  sep: 9,
  sept: 9,
  september: 9,
  oct: 10,
  october: 10,
  nov: 11,
  november: 11,
  dec: 12,
  december: 12,
};
const EN_MONTH_RE = Object.keys(EN_MONTHS)
  .sort((a, b) => b.length - a.length)
  .join("|");
const EN_WEEKDAY_RE = Object.keys(EN_WEEKDAYS)
  .sort((a, b) => b.length - a.length)
  .join("|");

/** Relative day words and their offsets from today (negative = past). Own keys only. */
const RELATIVE: Readonly<Record<string, number>> = Object.freeze(
  Object.assign(Object.create(null), {
    今天: 0,
    今日: 0,
    当天: 0,
    当日: 0,
    today: 0,
    昨天: -1,
    昨日: -1,
    昨晚: -1,
    今早: 0,
    今晨: 0,
    今晚: 0,
    yesterday: -1,
    前天: -2,
    前日: -2,
    大前天: -3,
    明天: 1,
    明日: 1,
    tomorrow: 1,
    后天: 2,
    大后天: 3,
    "day-after-tomorrow": 2,
  }),
);

const CN_SMALL = "[一二三四五六七八九十两]{1,3}";

function smallNumber(text: string): number | null {
  if (/^\d{1,4}$/.test(text)) return Number(text);
  return parseChineseNumeral(text);
}

function dayOrInvalid(y: number, m: number, d: number): DateResult {
  return isValidDay(y, m, d) ? { ok: true, day: formatDay(y, m, d) } : { ok: false, reason: "invalid" };
}

function dayNumber(day: string): number {
  const [y, m, d] = day.split("-").map(Number);
  return Date.UTC(y, m - 1, d) / 86_400_000;
}

/**
 * Reads one token as a day. Returns null when the token is not a date at all, {ok:false} when it
 * looks like a date but no such day exists (2月30日), and the day otherwise — possibly in the
 * future (明天, 下周一, a month and day still ahead): the caller refuses those, because it can say why.
 */
export function parseDay(token: string, today: string): DateResult {
  const t = token.trim().toLowerCase();
  const year = Number(today.slice(0, 4));
  const [, thisMonth] = today.split("-").map(Number);
  if (Object.hasOwn(RELATIVE, t)) return { ok: true, day: addDays(today, RELATIVE[t]) };

  let m: RegExpExecArray | null;
  if ((m = /^(\d{4})[-/.](\d{1,2})[-/.](\d{1,2})$/.exec(t))) return dayOrInvalid(+m[1], +m[2], +m[3]);
  if ((m = new RegExp(`^(\\d{4})年(\\d{1,2}|${CN_SMALL})月(\\d{1,2}|${CN_SMALL})[日号]?$`).exec(t))) {
    const mm = smallNumber(m[2]);
    const dd = smallNumber(m[3]);
    return mm && dd ? dayOrInvalid(+m[1], mm, dd) : { ok: false, reason: "invalid" };
  }
  if ((m = new RegExp(`^(\\d{1,2}|${CN_SMALL})月(\\d{1,2}|${CN_SMALL})[日号]?$`).exec(t))) {
    const mm = smallNumber(m[1]);
    const dd = smallNumber(m[2]);
    if (!mm || !dd) return { ok: false, reason: "invalid" };
    return withoutYear(mm, dd, year, today);
  }
  // 11.20 and 11/20: month.day without a year. (11-20 is not accepted: it reads like a range.)
  if ((m = /^(\d{1,2})[./](\d{1,2})$/.exec(t))) return withoutYear(+m[1], +m[2], year, today);
  // 上个月25号, 上月25日, 本月10号, 这个月10号, 下个月5号.
  if ((m = new RegExp(`^(上上个?|上个?|本|这个?|当|下个?)月(\\d{1,2}|${CN_SMALL})[日号]$`).exec(t))) {
    const dd = smallNumber(m[2]);
    if (!dd) return { ok: false, reason: "invalid" };
    const shift = m[1].startsWith("上上") ? -2 : m[1].startsWith("上") ? -1 : m[1].startsWith("下") ? 1 : 0;
    const index = year * 12 + (thisMonth - 1) + shift;
    return dayOrInvalid(Math.floor(index / 12), (index % 12) + 1, dd);
  }
  // 26号 / 20日: the nearest past such day: this month's if not ahead, else last month's.
  if ((m = new RegExp(`^(\\d{1,2}|${CN_SMALL})[日号]$`).exec(t))) {
    const dd = smallNumber(m[1]);
    if (!dd || dd > 31) return { ok: false, reason: "invalid" };
    for (let back = 0; back < 12; back++) {
      const index = year * 12 + (thisMonth - 1) - back;
      const y = Math.floor(index / 12);
      const mm = (index % 12) + 1;
      if (isValidDay(y, mm, dd) && formatDay(y, mm, dd) <= today) return { ok: true, day: formatDay(y, mm, dd) };
    }
    return { ok: false, reason: "invalid" };
  }
  // 上周五, 本周一, 这周三, 下周一, 周三, 星期三, 礼拜三.
  if ((m = /^(上上个?|上个?|本|这个?|下个?)?(?:周|星期|礼拜)([一二三四五六日天七])$/.exec(t))) {
    return { ok: true, day: weekday(WEEKDAYS[m[2]], (m[1] ?? "").replace(/个$/, ""), today) };
  }
  if ((m = new RegExp(`^(?:(last|this|next|on)-?)?(${EN_WEEKDAY_RE})$`).exec(t))) {
    const which = { last: "上", this: "本", next: "下", on: "" }[m[1] ?? "on"] ?? "";
    return { ok: true, day: weekday(EN_WEEKDAYS[m[2]], which, today) };
  }
  // 20-nov, 20-november-2026, nov-20, november-20th, nov-20-2026.
  if ((m = new RegExp(`^(\\d{1,2})(?:st|nd|rd|th)?-(${EN_MONTH_RE})\\.?(?:-(\\d{4}))?$`).exec(t))) {
    return m[3] ? dayOrInvalid(+m[3], EN_MONTHS[m[2]], +m[1]) : withoutYear(EN_MONTHS[m[2]], +m[1], year, today);
  }
  if ((m = new RegExp(`^(${EN_MONTH_RE})\\.?-(\\d{1,2})(?:st|nd|rd|th)?(?:-(\\d{4}))?$`).exec(t))) {
    return m[3] ? dayOrInvalid(+m[3], EN_MONTHS[m[1]], +m[2]) : withoutYear(EN_MONTHS[m[1]], +m[2], year, today);
  }
  // 3天前 / 三天前 / 3-days-ago; 3天后 is ahead.
  if ((m = /^(\d{1,3}|[一二三四五六七八九十两]{1,3})天(前|后|之前|之后|以前|以后)$/.exec(t))) {
    const n = smallNumber(m[1]);
    return n === null ? null : { ok: true, day: addDays(today, m[2].endsWith("前") ? -n : n) };
  }
  if ((m = /^(\d{1,3}|a|one)-?days?-?(ago|later)$/.exec(t)) || (m = /^in-(\d{1,3}|a|one)-?days?$/.exec(t))) {
    const n = /^\d/.test(m[1]) ? Number(m[1]) : 1;
    return { ok: true, day: addDays(today, m[2] === "ago" ? -n : n) };
  }
  return null;
}

/**
 * A month and day without a year: the nearer of this year's and last year's such day, which may
 * still be ahead (then the caller refuses: a date is never moved to another year to make it fit).
 */
function withoutYear(mm: number, dd: number, year: number, today: string): DateResult {
  const candidates = [year, year - 1].filter((y) => isValidDay(y, mm, dd)).map((y) => formatDay(y, mm, dd));
  if (!candidates.length) return { ok: false, reason: "invalid" };
  const t = dayNumber(today);
  candidates.sort((a, b) => Math.abs(dayNumber(a) - t) - Math.abs(dayNumber(b) - t));
  return { ok: true, day: candidates[0] };
}

/** 周三 = this week's Wednesday if not ahead, else last week's; 上周三 = last week's; 本周三 = this week's; 下周三 = next week's. */
function weekday(target: number, which: string, today: string): string {
  const monday = addDays(today, 1 - isoWeekday(today));
  const thisWeeks = addDays(monday, target - 1);
  if (which === "上") return addDays(thisWeeks, -7);
  if (which === "上上") return addDays(thisWeeks, -14);
  if (which === "下") return addDays(thisWeeks, 7);
  if (which === "本" || which === "这") return thisWeeks;
  return thisWeeks <= today ? thisWeeks : addDays(thisWeeks, -7);
}

/**
 * The shapes of a Chinese day word inside a longer token (11月3日上午, 今天组织了…), longest first.
 * matchDayAt reads the one at a position with parseDay.
 */
const DAY_SHAPES = new RegExp(
  [
    `\\d{4}年(?:\\d{1,2}|${CN_SMALL})月(?:\\d{1,2}|${CN_SMALL})[日号]?`,
    `\\d{4}-\\d{1,2}-\\d{1,2}`,
    `(?:上上个?|上个?|本|这个?|当|下个?)月(?:\\d{1,2}|${CN_SMALL})[日号]`,
    `(?:\\d{1,2}|${CN_SMALL})月(?:\\d{1,2}|${CN_SMALL})[日号]?`,
    `(?:上上个?|上个?|本|这个?|下个?)?(?:周|星期|礼拜)[一二三四五六日天七]`,
    `(?:\\d{1,3}|[一二三四五六七八九十两]{1,3})天(?:之前|之后|以前|以后|前|后)`,
    `\\d{1,2}[日号](?![\\d])`,
    `大前天|大后天|今天|今日|今早|今晨|今晚|当天|当日|昨天|昨日|昨晚|前天|前日|明天|明日|后天`,
  ].join("|"),
  "y",
);

/** The day word starting at `index` of `text`, if any: its text and what it reads as. */
export function matchDayAt(text: string, index: number, today: string): { word: string; result: DateResult } | null {
  DAY_SHAPES.lastIndex = index;
  const m = DAY_SHAPES.exec(text);
  if (!m) return null;
  const result = parseDay(m[0], today);
  return result ? { word: m[0], result } : null;
}

const PERIODS = "上午|下午|中午|晚上|早上|早晨|傍晚|凌晨|夜里|夜间|晚间|白天|清晨|午后|晚";
const CLOCK = "\\d{1,2}[:：]\\d{2}(?:\\s*[-~至到]\\s*\\d{1,2}[:：]\\d{2})?";
const HOUR = `(?:\\d{1,2}|[一二三四五六七八九十]{1,3})[点时](?:半|一刻|三刻|\\d{1,2}分?|[一二三四五六七八九十]{1,3}分)?`;
const TIME_SHAPES = new RegExp(`(?:${PERIODS})(?:${CLOCK}|${HOUR})?|${CLOCK}|${HOUR}`, "y");

/** The time of day starting at `index` of `text` (上午, 下午3点, 14:30, 上午9:30), if any. */
export function matchTimeAt(text: string, index: number): string | null {
  TIME_SHAPES.lastIndex = index;
  const m = TIME_SHAPES.exec(text);
  if (!m) return null;
  // "晚" alone only as the whole piece (昨晚 is a day word); a clock must be a real time.
  if (m[0] === "晚") return null;
  for (const c of m[0].matchAll(/(\d{1,2})[:：](\d{2})/g)) if (+c[1] > 24 || +c[2] > 59) return null;
  const hour = /(\d{1,2})[点时]/.exec(m[0]);
  if (hour && +hour[1] > 24) return null;
  return m[0].replace(/：/g, ":");
}

const EN_TIMES: Readonly<Record<string, string>> = Object.freeze(
  Object.assign(Object.create(null), {
    morning: "上午",
    "this-morning": "上午",
    am: "上午",
    noon: "中午",
    afternoon: "下午",
    "this-afternoon": "下午",
    pm: "下午",
    evening: "晚上",
    "this-evening": "晚上",
    night: "晚上",
    tonight: "晚上",
  }),
);

/** One token as a time of day: 上午, 下午3点, 14:30, afternoon, 3pm (as 下午3点). Null if it is not one. */
export function parseTimeOfDay(token: string): string | null {
  const t = token.trim().toLowerCase();
  if (Object.hasOwn(EN_TIMES, t)) return EN_TIMES[t];
  const en = /^(?:at-)?(\d{1,2})(?::(\d{2}))?(am|pm)$/.exec(t);
  if (en && +en[1] >= 1 && +en[1] <= 12 && (!en[2] || +en[2] < 60)) {
    return `${en[3] === "am" ? "上午" : "下午"}${+en[1]}${en[2] ? `:${en[2]}` : "点"}`;
  }
  const zh = matchTimeAt(t, 0);
  return zh && zh.length === t.length ? zh : null;
}
