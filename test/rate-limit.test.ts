// The send budgets (src/core/rate-limit.ts) over random bursts: never more than the platform
// allows overall or to one chat, and a chat that must wait for its own turn holds up nobody else.
import { describe, it, expect } from "vitest";
import fc from "fast-check";
import { RateLimiter, type RateLimits } from "../src/core/rate-limit.js";

const TELEGRAM: RateLimits = { perSecond: 30, perChatPerMinute: 20, chatGapMs: 1000 };

describe("send budgets", () => {
  it("a message booked for its chat's next turn leaves the overall budget's earlier slots to the other chats", () => {
    const limiter = new RateLimiter(TELEGRAM);
    expect(limiter.reserve("group-a", 0)).toBe(0);
    // A reminder to the same group waits for the group's one-a-second turn …
    expect(limiter.reserve("group-a", 10)).toBe(990);
    // … and the replies to other groups take the overall budget's next slots (30 a second), not
    // slots after it.
    expect(limiter.reserve("group-b", 20)).toBeCloseTo(1000 / 30 - 20, 6);
    expect(limiter.reserve("group-c", 20)).toBeCloseTo(2000 / 30 - 20, 6);
    expect(limiter.reserve("group-d", 1000 / 30 + 2000 / 30)).toBe(0);
  });

  it("background sends leave the replies of the last second their share, and have the whole budget without them", () => {
    const limits: RateLimits = { perSecond: 10, perChatPerMinute: 600 };
    const quiet = new RateLimiter(limits);
    expect([0, 1, 2].map((i) => quiet.reserve(`outbox-${i}`, 0, { background: true }))).toEqual([0, 100, 200]);
    const busy = new RateLimiter(limits);
    for (let i = 0; i < 4; i++) busy.reserve(`reply-${i}`, 0);
    // 10 a second less 1.5 × 4 replies: 4 a second for the outbox, 250 ms apart.
    const first = busy.reserve("outbox-0", 0, { background: true });
    expect(first).toBe(400);
    expect(busy.reserve("outbox-1", 0, { background: true })).toBe(650);
    // A reply is not held back by the outbox's spacing.
    expect(busy.reserve("reply-9", 0)).toBe(500);
  });

  it("a retry-after pauses every chat", () => {
    const limiter = new RateLimiter(TELEGRAM);
    limiter.pause(5_000, 100);
    expect(limiter.reserve("group-a", 200)).toBe(4_900);
  });

  it("never sends more than the overall or a chat's budget, and never before asked", () => {
    fc.assert(
      fc.property(
        fc.array(fc.record({ chat: fc.nat(5), after: fc.integer({ min: 0, max: 120 }) }), { minLength: 1, maxLength: 300 }),
        fc.constantFrom(TELEGRAM, { perSecond: 50, perChatPerMinute: 300, chatGapMs: 200 }),
        (asks, limits) => {
          const limiter = new RateLimiter(limits);
          let now = 0;
          const sends: { chat: number; at: number }[] = [];
          for (const a of asks) {
            now += a.after;
            const wait = limiter.reserve(`chat-${a.chat}`, now);
            expect(wait).toBeGreaterThanOrEqual(0);
            sends.push({ chat: a.chat, at: now + wait });
          }
          const times = sends.map((s) => s.at).sort((x, y) => x - y);
          for (let i = 0; i < times.length; i++) {
            const inSecond = times.filter((t) => t >= times[i] && t < times[i] + 1000).length;
            expect(inSecond).toBeLessThanOrEqual(limits.perSecond + 1);
          }
          for (let c = 0; c <= 5; c++) {
            const own = sends.filter((s) => s.chat === c).map((s) => s.at);
            for (let i = 1; i < own.length; i++) expect(own[i] - own[i - 1]).toBeGreaterThanOrEqual((limits.chatGapMs ?? 0) - 1e-9);
            for (const t of own) expect(own.filter((x) => x >= t && x < t + 60_000).length).toBeLessThanOrEqual(limits.perChatPerMinute);
          }
        },
      ),
      { numRuns: 200 },
    );
  });
});
