// Working days in mainland China: weekends, official holidays and 调休 make-up working days.
// chinese-days holds the State Council's calendar (up to 2026 in 1.5.7) and silently calls every
// weekday of an unknown year a working day, so for such a year we fall back to weekends plus the
// deployment's overrides, and say so (missingYears) so that administrators can be told once.
import { createRequire } from "node:module";
import { isoWeekday, addDays } from "../time.js";

const require = createRequire(import.meta.url);
// The package's own data: read directly so that the answer never depends on the process time zone.
const DATA = require("chinese-days/dist/chinese-days.json") as { holidays: Record<string, string>; workdays: Record<string, string> };
const KNOWN_YEARS = new Set(Object.keys(DATA.holidays).map((d) => Number(d.slice(0, 4))));

export interface CalendarOverrides {
  holidays: string[];
  workdays: string[];
}

export class WorkCalendar {
  private readonly extraHolidays: Set<string>;
  private readonly extraWorkdays: Set<string>;

  constructor(overrides: CalendarOverrides = { holidays: [], workdays: [] }) {
    this.extraHolidays = new Set(overrides.holidays);
    this.extraWorkdays = new Set(overrides.workdays);
  }

  /** Whether the official calendar for the year is known (not only the overrides). */
  knowsYear(year: number): boolean {
    return KNOWN_YEARS.has(year);
  }

  isWorkday(day: string): boolean {
    if (this.extraWorkdays.has(day)) return true;
    if (this.extraHolidays.has(day)) return false;
    if (this.knowsYear(Number(day.slice(0, 4)))) {
      if (day in DATA.workdays) return true;
      if (day in DATA.holidays) return false;
    }
    return isoWeekday(day) <= 5;
  }

  /** The day itself if it is a working day, else the closest working day before it. */
  onOrBeforeWorkday(day: string): string {
    let d = day;
    for (let i = 0; i < 40 && !this.isWorkday(d); i++) d = addDays(d, -1);
    return d;
  }

  /** The first working day on or after the day. */
  onOrAfterWorkday(day: string): string {
    let d = day;
    for (let i = 0; i < 40 && !this.isWorkday(d); i++) d = addDays(d, 1);
    return d;
  }
}
