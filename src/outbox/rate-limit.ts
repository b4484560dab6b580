// Send budgets per platform: an overall rate and a per-chat rate (Telegram: 30/s overall and
// 20/min per group; Lark: 50/s per app and 5/s per group). reserve() books the next free slot and
// says how long to wait for it, so a burst of reminders is spread instead of answered with 429s.

export interface RateLimits {
  perSecond: number;
  perChatPerMinute: number;
}

export class RateLimiter {
  private nextGlobal = 0;
  private readonly nextByChat = new Map<string, number>();
  private pausedUntil = 0;

  constructor(private readonly limits: RateLimits) {}

  /** When the chat may next receive a message (its own budget only). */
  chatFreeAt(chat: string): number {
    return this.nextByChat.get(chat) ?? 0;
  }

  /** Books a send for the chat; returns the milliseconds to wait before making it. */
  reserve(chat: string, now: number): number {
    const globalGap = 1000 / this.limits.perSecond;
    const chatGap = 60_000 / this.limits.perChatPerMinute;
    const at = Math.max(now, this.nextGlobal, this.nextByChat.get(chat) ?? 0, this.pausedUntil);
    this.nextGlobal = at + globalGap;
    this.nextByChat.set(chat, at + chatGap);
    return at - now;
  }

  /** The platform asked us to wait (retry-after): nobody sends before then. */
  pause(ms: number, now: number): void {
    this.pausedUntil = Math.max(this.pausedUntil, now + ms);
  }
}

export const TELEGRAM_LIMITS: RateLimits = { perSecond: 30, perChatPerMinute: 20 };
export const LARK_LIMITS: RateLimits = { perSecond: 50, perChatPerMinute: 300 };
