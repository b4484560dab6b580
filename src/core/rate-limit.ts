// Send budgets per platform: an overall rate, and per chat a sliding window (Telegram: 30/s
// overall and 20 a minute per group, at most one a second; Lark: 50/s per app and 5/s per group).
// reserve() books the next free slot and says how long to wait for it, so a burst of replies or
// reminders is spread instead of answered with 429s, while a person's few quick commands in a
// group are answered at once (a window, not an even spacing of three seconds).

export interface RateLimits {
  perSecond: number;
  perChatPerMinute: number;
  /** The shortest gap between two messages to one chat (default: none). */
  chatGapMs?: number;
  /** Private chats have a budget of their own (Telegram: about one a second). */
  isDirectChat?: (chat: string) => boolean;
  perDirectChatPerMinute?: number;
}

const WINDOW_MS = 60_000;

export class RateLimiter {
  /**
   * The overall budget's slots that are booked: slot i is the interval [i, i + 1) × 1000/perSecond
   * ms, one send each. A set of slots, not one cursor: a message booked for later (its chat's turn
   * comes in a second) takes a slot then, and leaves the slots before it to the other chats.
   */
  private readonly booked = new Set<number>();
  /** Each chat's booked send times within the last minute, oldest first. */
  private readonly byChat = new Map<string, number[]>();
  private pausedUntil = 0;
  /** The foreground sends (replies) booked within the last second, oldest first. */
  private readonly foreground: number[] = [];
  /** The earliest the next background send (the outbox) may go while replies are going out. */
  private backgroundNext = 0;

  constructor(private readonly limits: RateLimits) {}

  private budget(chat: string): number {
    const direct = this.limits.isDirectChat?.(chat) && this.limits.perDirectChatPerMinute;
    return direct || this.limits.perChatPerMinute;
  }

  /** When the chat may next receive a message (its own budget only). */
  chatFreeAt(chat: string, now = 0): number {
    const times = this.byChat.get(chat);
    if (!times?.length) return 0;
    const full = times.length >= this.budget(chat) ? times[times.length - this.budget(chat)] + WINDOW_MS : 0;
    return Math.max(full, times[times.length - 1] + (this.limits.chatGapMs ?? 0), now);
  }

  /**
   * Books a send for the chat; returns the milliseconds to wait before making it. A `background`
   * send (the outbox's) keeps, while replies are going out, to what they leave of the budget: at
   * most the budget less one and a half times the replies of the last second, never under a tenth
   * of it. Otherwise a morning's reminders took the next slot between two commands and each reply
   * waited for a free one (Lark: 50 a second, a slot every 20 ms). With no reply in the last
   * second the background has the whole budget.
   */
  reserve(chat: string, now: number, opts: { background?: boolean } = {}): number {
    const gap = 1000 / this.limits.perSecond;
    while (this.foreground.length && this.foreground[0] <= now - 1000) this.foreground.shift();
    const replying = opts.background && this.foreground.length > 0;
    const earliest = Math.max(now, this.chatFreeAt(chat), this.pausedUntil, replying ? this.backgroundNext : 0);
    let slot = Math.floor(earliest / gap);
    while (this.booked.has(slot)) slot++;
    this.booked.add(slot);
    const at = Math.max(earliest, slot * gap);
    if (!opts.background) this.foreground.push(at);
    else if (replying)
      this.backgroundNext = at + 1000 / Math.max(this.limits.perSecond / 10, this.limits.perSecond - 1.5 * this.foreground.length);
    // The slots already past are of no more use: dropped once there are a few seconds' worth.
    if (this.booked.size > 4 * this.limits.perSecond + 64) {
      const past = Math.floor(now / gap);
      for (const s of this.booked) if (s < past) this.booked.delete(s);
    }
    let times = this.byChat.get(chat);
    if (!times) {
      if (this.byChat.size > 100_000) this.byChat.clear();
      times = [];
      this.byChat.set(chat, times);
    }
    times.push(at);
    while (times.length && times[0] <= at - WINDOW_MS) times.shift();
    return at - now;
  }

  /** The platform asked us to wait (retry-after): nobody sends before then. */
  pause(ms: number, now: number): void {
    this.pausedUntil = Math.max(this.pausedUntil, now + ms);
  }
}
