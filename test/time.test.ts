import { describe, expect, it } from "vitest";
import fc from "fast-check";
import { CHINA_TZ, chinaDay, chinaInstant, dayjs } from "../src/time.js";

// The fixed-offset arithmetic must give the time-zone database's answer everywhere it is used.
describe("China time without the time-zone database", () => {
  it("chinaDay agrees with Asia/Shanghai for any instant from 1992 to 2100", () => {
    fc.assert(
      fc.property(fc.integer({ min: Date.UTC(1992, 0, 1), max: Date.UTC(2100, 0, 1) }), (t) => {
        expect(chinaDay(new Date(t))).toBe(dayjs(t).tz(CHINA_TZ).format("YYYY-MM-DD"));
      }),
      { numRuns: 2000 },
    );
  });

  it("chinaDay turns at China midnight, not UTC midnight", () => {
    expect(chinaDay(new Date("2026-12-31T15:59:59.999Z"))).toBe("2026-12-31");
    expect(chinaDay(new Date("2026-12-31T16:00:00Z"))).toBe("2027-01-01");
  });

  it("chinaInstant agrees with Asia/Shanghai for any day and minute from 1992 to 2100", () => {
    fc.assert(
      fc.property(
        fc.integer({ min: Date.UTC(1992, 0, 1), max: Date.UTC(2100, 0, 1) }),
        fc.integer({ min: 0, max: 23 }),
        fc.integer({ min: 0, max: 59 }),
        (t, h, m) => {
          const day = new Date(t).toISOString().slice(0, 10);
          const hhmm = `${String(h).padStart(2, "0")}:${String(m).padStart(2, "0")}`;
          expect(chinaInstant(day, hhmm).getTime()).toBe(dayjs.tz(`${day}T${hhmm}:00`, CHINA_TZ).valueOf());
        },
      ),
      { numRuns: 2000 },
    );
  });

  it("keeps the database's answer before 1992, when China still had daylight saving", () => {
    const summer1990 = new Date("1990-07-01T16:30:00Z");
    expect(chinaDay(summer1990)).toBe(dayjs(summer1990).tz(CHINA_TZ).format("YYYY-MM-DD"));
    expect(chinaInstant("1990-07-01", "09:00").getTime()).toBe(dayjs.tz("1990-07-01T09:00:00", CHINA_TZ).valueOf());
  });
});
