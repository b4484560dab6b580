// Reporting periods: a month, a quarter, a half year or a year, as China calendar days.
// Pure functions: "today" is always passed in.
import { addDays, formatDay } from "../time.js";
import { parseChineseNumeral } from "./numbers.js";

export type PeriodType = "month" | "quarter" | "half" | "year";

export interface Period {
  type: PeriodType;
  year: number;
  /** month 1–12, quarter 1–4, half 1–2; 1 for a year. */
  index: number;
  /** First and last day, inclusive, YYYY-MM-DD. */
  start: string;
  end: string;
}

const MONTHS_PER: Record<PeriodType, number> = { month: 1, quarter: 3, half: 6, year: 12 };

export function makePeriod(type: PeriodType, year: number, index: number): Period {
  const months = MONTHS_PER[type];
  const firstMonth = (index - 1) * months + 1;
  const lastMonth = firstMonth + months - 1;
  // Day 0 of the following month is the last day of lastMonth (months are 0-based here).
  const lastDay = new Date(Date.UTC(year, lastMonth, 0)).getUTCDate();
  return { type, year, index, start: formatDay(year, firstMonth, 1), end: formatDay(year, lastMonth, lastDay) };
}

export function periodOf(type: PeriodType, day: string): Period {
  const [y, m] = day.split("-").map(Number);
  return makePeriod(type, y, Math.floor((m - 1) / MONTHS_PER[type]) + 1);
}

export function previousPeriod(p: Period): Period {
  return periodOf(p.type, addDays(p.start, -1));
}

export function nextPeriod(p: Period): Period {
  return periodOf(p.type, addDays(p.end, 1));
}

export function containsDay(p: Period, day: string): boolean {
  return day >= p.start && day <= p.end;
}

/** A stable key for storage and reminder claims: 2026-M11, 2026-Q4, 2026-H2, 2026. */
export function periodKey(p: Period): string {
  switch (p.type) {
    case "month":
      return `${p.year}-M${String(p.index).padStart(2, "0")}`;
    case "quarter":
      return `${p.year}-Q${p.index}`;
    case "half":
      return `${p.year}-H${p.index}`;
    case "year":
      return `${p.year}`;
  }
}

const QUARTER_NAMES = ["一", "二", "三", "四"];

/** How replies and drafts name a period: 2026年第四季度, 2026年11月, 2026年上半年, 2026年. */
export function periodLabel(p: Period): string {
  switch (p.type) {
    case "month":
      return `${p.year}年${p.index}月`;
    case "quarter":
      return `${p.year}年第${QUARTER_NAMES[p.index - 1]}季度`;
    case "half":
      return `${p.year}年${p.index === 1 ? "上" : "下"}半年`;
    case "year":
      return `${p.year}年`;
  }
}

/** The word for "this period" in running prose: 本季度, 本月, 上半年, 本年度. */
export function periodNoun(type: PeriodType): string {
  return { month: "本月", quarter: "本季度", half: "半年", year: "本年度" }[type];
}

export function previousPeriodNoun(type: PeriodType): string {
  return { month: "上月", quarter: "上季度", half: "上一个半年", year: "上年度" }[type];
}

function yearOf(text: string, today: string): number | null {
  if (/^\d{4}$/.test(text)) return Number(text);
  const thisYear = Number(today.slice(0, 4));
  if (text === "今年" || text === "本年" || text === "本年度") return thisYear;
  if (text === "去年" || text === "上年" || text === "上年度") return thisYear - 1;
  return null;
}

function smallNumber(text: string): number | null {
  if (/^\d{1,2}$/.test(text)) return Number(text);
  return parseChineseNumeral(text);
}

/**
 * Parses a period as users write it. Empty text means the current quarter.
 * 本季度 上季度 本月 上月 今年 去年 上半年 下半年 2026Q3 2026-Q3 2026年第三季度 第三季度 三季度
 * 2026-11 2026年11月 11月 2026H1 2026年上半年 2026 2026年, and English this-quarter/last-quarter/…
 */
export function parsePeriod(raw: string, today: string): Period | null {
  const text = raw.trim().replace(/\s+/g, "").toLowerCase();
  const thisYear = Number(today.slice(0, 4));
  if (
    text === "" ||
    text === "本季度" ||
    text === "本季" ||
    text === "这季度" ||
    text === "quarter" ||
    text === "thisquarter" ||
    text === "this-quarter"
  ) {
    return periodOf("quarter", today);
  }
  const relative: Record<string, () => Period> = {
    上季度: () => previousPeriod(periodOf("quarter", today)),
    上季: () => previousPeriod(periodOf("quarter", today)),
    lastquarter: () => previousPeriod(periodOf("quarter", today)),
    "last-quarter": () => previousPeriod(periodOf("quarter", today)),
    本月: () => periodOf("month", today),
    这个月: () => periodOf("month", today),
    month: () => periodOf("month", today),
    thismonth: () => periodOf("month", today),
    "this-month": () => periodOf("month", today),
    上月: () => previousPeriod(periodOf("month", today)),
    上个月: () => previousPeriod(periodOf("month", today)),
    lastmonth: () => previousPeriod(periodOf("month", today)),
    "last-month": () => previousPeriod(periodOf("month", today)),
    半年: () => periodOf("half", today),
    本半年: () => periodOf("half", today),
    half: () => periodOf("half", today),
    thishalf: () => periodOf("half", today),
    year: () => periodOf("year", today),
    thisyear: () => periodOf("year", today),
    "this-year": () => periodOf("year", today),
    lastyear: () => makePeriod("year", thisYear - 1, 1),
    "last-year": () => makePeriod("year", thisYear - 1, 1),
  };
  if (relative[text]) return relative[text]();

  let m: RegExpExecArray | null;
  if ((m = /^(\d{4})-?q([1-4])$/.exec(text))) return makePeriod("quarter", Number(m[1]), Number(m[2]));
  if ((m = /^(\d{4})-?h([12])$/.exec(text))) return makePeriod("half", Number(m[1]), Number(m[2]));
  if ((m = /^(\d{4})[-/.](\d{1,2})$/.exec(text))) {
    const month = Number(m[2]);
    return month >= 1 && month <= 12 ? makePeriod("month", Number(m[1]), month) : null;
  }
  // Chinese forms, with an optional year in front: 2026年 / 今年 / 去年.
  m = /^(\d{4}年?|今年|本年度|本年|去年|上年度|上年)?(.*)$/.exec(text);
  if (!m) return null;
  const yearText = m[1] ?? "";
  const year = yearText ? yearOf(yearText.replace(/^(\d{4})年$/, "$1"), today) : thisYear;
  if (year === null || year < 2000 || year > 2100) return null;
  const rest = m[2];
  if (rest === "" || rest === "年" || rest === "年度" || rest === "全年") return m[1] ? makePeriod("year", year, 1) : null;
  if (rest === "上半年" || rest === "上半年度") return makePeriod("half", year, 1);
  if (rest === "下半年" || rest === "下半年度") return makePeriod("half", year, 2);
  if ((m = /^第?(.{1,2})季度?$/.exec(rest))) {
    const q = smallNumber(m[1]);
    return q && q >= 1 && q <= 4 ? makePeriod("quarter", year, q) : null;
  }
  if ((m = /^(.{1,3})月份?$/.exec(rest))) {
    const month = smallNumber(m[1]);
    return month && month >= 1 && month <= 12 ? makePeriod("month", year, month) : null;
  }
  return null;
}

/** Examples shown when a period is not understood. */
export const PERIOD_EXAMPLES = "本季度、上季度、2026Q3、2026年第三季度、本月、2026年11月、上半年、2026H2、今年、2025年";

/** The period as a word the period parser reads back (buttons, file names): 2026Q4, 2026H1, 2026-11, 2026. */
export function periodWord(p: Period): string {
  switch (p.type) {
    case "month":
      return `${p.year}-${String(p.index).padStart(2, "0")}`;
    case "quarter":
      return `${p.year}Q${p.index}`;
    case "half":
      return `${p.year}H${p.index}`;
    case "year":
      return `${p.year}`;
  }
}
