// China time. Every calendar day in the ledger is a China day (YYYY-MM-DD), whatever the host's
// time zone, so dates never shift by a day on a server that runs in UTC.
import dayjs, { type Dayjs } from "dayjs";
import utc from "dayjs/plugin/utc.js";
import timezone from "dayjs/plugin/timezone.js";

dayjs.extend(utc);
dayjs.extend(timezone);

export const CHINA_TZ = "Asia/Shanghai";

/** A source of the current instant; tests and `npm run remind --at` pass a fixed one. */
export type Clock = () => Date;
export const systemClock: Clock = () => new Date();

export function chinaTime(at: Date | string): Dayjs {
  return dayjs(at).tz(CHINA_TZ);
}

/**
 * Asia/Shanghai has kept UTC+8 without daylight saving since its last DST ended in September
 * 1991, so from 1992 on a China day is the UTC day of the instant eight hours later: exact, and
 * two orders of magnitude cheaper than the time-zone database (a city's draft converts a day per
 * unit, and every command converts one). Earlier instants take the database's answer.
 */
const CHINA_OFFSET_MS = 8 * 3600_000;
const FIXED_OFFSET_FROM = Date.UTC(1992, 0, 1);
/** toISOString writes a six-digit year from 10000 on: such instants (and invalid ones) take the database's path. */
const FIXED_OFFSET_UNTIL = Date.UTC(10000, 0, 1) - CHINA_OFFSET_MS;

/** The China calendar day of an instant, as YYYY-MM-DD. */
export function chinaDay(at: Date): string {
  const t = at.getTime();
  if (t >= FIXED_OFFSET_FROM && t < FIXED_OFFSET_UNTIL) return new Date(t + CHINA_OFFSET_MS).toISOString().slice(0, 10);
  return chinaTime(at).format("YYYY-MM-DD");
}

/** The instant a China wall-clock time happens, e.g. ("2026-11-20", "09:00"). */
export function chinaInstant(day: string, hhmm = "00:00"): Date {
  if (day >= "1992-01-01" && /^\d{4}-\d{2}-\d{2}$/.test(day) && /^\d{2}:\d{2}$/.test(hhmm)) {
    const at = new Date(`${day}T${hhmm}:00+08:00`);
    if (!Number.isNaN(at.getTime())) return at;
  }
  return dayjs.tz(`${day}T${hhmm}:00`, CHINA_TZ).toDate();
}

export function addDays(day: string, n: number): string {
  // Calendar arithmetic on a UTC date, where every day has 24 hours: a tenth of dayjs's cost,
  // which mattered once a draft judged every rule period with it.
  if (n === 0) return day;
  const [y, m, d] = day.split("-").map(Number);
  return new Date(Date.UTC(y, m - 1, d + n)).toISOString().slice(0, 10);
}

/** 1 = Monday … 7 = Sunday, for a YYYY-MM-DD day. */
export function isoWeekday(day: string): number {
  const d = dayjs(day, "YYYY-MM-DD").day();
  return d === 0 ? 7 : d;
}

export function isValidDay(y: number, m: number, d: number): boolean {
  if (m < 1 || m > 12 || d < 1) return false;
  return d <= dayjs(`${y}-${String(m).padStart(2, "0")}-01`).daysInMonth();
}

export function formatDay(y: number, m: number, d: number): string {
  return `${y}-${String(m).padStart(2, "0")}-${String(d).padStart(2, "0")}`;
}

/** "11月20日" — how the replies and drafts write a day. */
export function dayLabel(day: string, withYear = false): string {
  const [y, m, d] = day.split("-").map(Number);
  return `${withYear ? `${y}年` : ""}${m}月${d}日`;
}

export { dayjs };
