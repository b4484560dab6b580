// What a /签到 line says besides the session: when the sign-in closes (截止10:30, 10:30结束,
// 30分钟, 截止下午3点半). Pure: the caller turns the wall-clock time into an instant.
import { kindByCode } from "./catalog.js";
import { parseChineseNumeral } from "./numbers.js";

/** A sign-in closes by itself this long after it opened when the line names no time. */
export const DEFAULT_OPEN_MINUTES = 4 * 60;
/** The longest a sign-in may stay open: a session, not a standing list. */
export const MAX_OPEN_MINUTES = 24 * 60;

export type ClosingTime = { at: { hour: number; minute: number } } | { afterMinutes: number } | null;

/** 1–999 in digits or in Chinese numerals (十, 十五, 二十, 两). */
function smallNumber(s: string): number | null {
  return /^\d{1,3}$/.test(s) ? Number(s) : parseChineseNumeral(s);
}

const NUM = "\\d{1,3}|[一二两三四五六七八九十]{1,3}";
const HALF = "上午|下午|中午|晚上|早上|傍晚";
const CLOCK = `(${HALF})?\\s*(${NUM})\\s*(?:[:：]\\s*(\\d{2})|[点时]\\s*(半|一刻|三刻|(?:${NUM})分?)?)`;
const PATTERNS: RegExp[] = [
  new RegExp(`(?:截止|截至|结束)(?:时间)?\\s*[:：]?\\s*(?:${CLOCK})`, "u"),
  new RegExp(`${CLOCK}\\s*(?:截止|截至|结束)`, "u"),
];
const MINUTES = [
  new RegExp(`(?:签到|截止|截至|限时)?\\s*(${NUM})\\s*分钟(?:后?(?:截止|截至|结束))?`, "u"),
  new RegExp(`(?:签到|截止|截至|限时)?\\s*(${NUM}|半)\\s*(?:个)?小时(?:后?(?:截止|截至|结束))?`, "u"),
];

/**
 * Takes the closing time out of the line: the rest (the session, for the record parser) and
 * the time, or an error in Chinese naming what could not be read.
 */
export function readClosingTime(line: string): { rest: string; closing: ClosingTime } | { error: string } {
  for (const re of PATTERNS) {
    const m = re.exec(line);
    if (!m) continue;
    const [, half, h, mm, after] = m;
    let hour = smallNumber(h);
    let minute = mm !== undefined ? Number(mm) : 0;
    if (after === "半") minute = 30;
    else if (after === "一刻") minute = 15;
    else if (after === "三刻") minute = 45;
    else if (after) minute = smallNumber(after.replace(/分$/, "")) ?? -1;
    if (hour === null || hour > 24 || minute < 0 || minute > 59)
      return { error: `没看懂结束时间「${m[0].trim()}」。请写成 截止10:30 或 截止下午3点。` };
    if ((half === "下午" || half === "晚上" || half === "傍晚") && hour < 12) hour += 12;
    if (half === "中午" && hour < 3) hour += 12;
    if (hour === 24) hour = 0;
    return { rest: cut(line, m), closing: { at: { hour, minute } } };
  }
  for (const [i, re] of MINUTES.entries()) {
    const m = re.exec(line);
    if (!m) continue;
    const n = m[1] === "半" ? 0.5 : smallNumber(m[1]);
    const minutes = n === null ? NaN : Math.round(i === 0 ? n : n * 60);
    if (!(minutes >= 1 && minutes <= MAX_OPEN_MINUTES)) {
      return { error: `签到时长「${m[0].trim()}」不行：最短 1 分钟，最长 ${MAX_OPEN_MINUTES / 60} 小时。` };
    }
    return { rest: cut(line, m), closing: { afterMinutes: minutes } };
  }
  return { rest: line, closing: null };
}

function cut(line: string, m: RegExpExecArray): string {
  return `${line.slice(0, m.index)} ${line.slice(m.index + m[0].length)}`.replace(/\s+/g, " ").trim();
}

/** Whether a kind is a session people attend (a meeting, a study, a lecture, an activity). */
export function signsIn(kindCode: string): boolean {
  const k = kindByCode(kindCode);
  return !k.hasQuantity && ["counted", "listed", "activities"].includes(k.draft.form);
}
