// Per-user and per-chat command budgets (token buckets, per process). A burst of commands from
// one person or one chat gets one polite reply and is then ignored until the budget refills, so a
// script or a stuck client cannot flood a group or the database.

export interface AbuseLimits {
  /** Commands per minute per user (per platform identity), with bursts up to `userBurst`. */
  userPerMinute: number;
  userBurst: number;
  /** Commands per minute per chat. */
  chatPerMinute: number;
  chatBurst: number;
}

export const DEFAULT_LIMITS: AbuseLimits = { userPerMinute: 20, userBurst: 10, chatPerMinute: 60, chatBurst: 30 };

class Bucket {
  tokens: number;
  at: number;
  warned = false;
  constructor(
    readonly capacity: number,
    now: number,
  ) {
    this.tokens = capacity;
    this.at = now;
  }
}

export type Verdict = "ok" | "warn" | "drop";

export class CommandLimiter {
  private readonly users = new Map<string, Bucket>();
  private readonly chats = new Map<string, Bucket>();

  constructor(private readonly limits: AbuseLimits = DEFAULT_LIMITS) {}

  private take(map: Map<string, Bucket>, key: string, perMinute: number, burst: number, now: number): Verdict {
    let b = map.get(key);
    if (!b) {
      if (map.size > 100_000) map.clear();
      b = new Bucket(burst, now);
      map.set(key, b);
    }
    b.tokens = Math.min(burst, b.tokens + ((now - b.at) / 60_000) * perMinute);
    b.at = now;
    if (b.tokens >= 1) {
      b.tokens -= 1;
      b.warned = false;
      return "ok";
    }
    if (b.warned) return "drop";
    b.warned = true;
    return "warn";
  }

  /** Whether a command from this user in this chat may run now. */
  check(user: string, chat: string, now: number): Verdict {
    const u = this.take(this.users, user, this.limits.userPerMinute, this.limits.userBurst, now);
    if (u !== "ok") return u;
    return this.take(this.chats, chat, this.limits.chatPerMinute, this.limits.chatBurst, now);
  }
}
