// De-duplication of platform events. Platforms deliver at least once (Lark retries after 15 s,
// 5 min, 1 h, 6 h; Telegram re-sends a webhook update that got no 2xx), so each event is claimed
// in the database before it is processed: a redelivery finds the claim and is dropped. A claim
// still "processing" after `staleMs` belonged to a process that died before replying; it is taken
// over, and the record's own unique source key keeps the ledger from getting a second row.
import type { Db } from "./connect.js";
import type { Clock } from "../time.js";

export class Inbox {
  constructor(
    private readonly db: Db,
    private readonly opts: { staleMs?: number; clock: Clock },
  ) {}

  private now(): Date {
    return this.opts.clock();
  }

  /** True when this process should handle the event; false for a duplicate. */
  async claim(platform: string, eventKey: string): Promise<boolean> {
    const now = this.now();
    const inserted = await this.db.$queryRaw<{ id: number }[]>`
      INSERT INTO "InboundEvent" ("platform", "eventKey", "status", "createdAt", "updatedAt") VALUES (${platform}, ${eventKey}, 'processing', ${now}, ${now})
      ON CONFLICT ("platform", "eventKey") DO NOTHING RETURNING "id"`;
    if (inserted.length) return true;
    const staleBefore = new Date(now.getTime() - (this.opts.staleMs ?? 120_000));
    const { count } = await this.db.inboundEvent.updateMany({
      where: { platform, eventKey, status: "processing", updatedAt: { lt: staleBefore } },
      data: { updatedAt: now },
    });
    return count === 1;
  }

  /** Gives claims back (the command could not run): a redelivery of the event is handled. */
  async release(platform: string, eventKeys: string[]): Promise<void> {
    if (!eventKeys.length) return;
    await this.db.inboundEvent.deleteMany({ where: { platform, eventKey: { in: eventKeys }, status: "processing" } });
  }

  /** Marks events answered: later redeliveries are dropped for good. */
  async done(platform: string, eventKeys: string[]): Promise<void> {
    if (!eventKeys.length) return;
    await this.db.inboundEvent.updateMany({
      where: { platform, eventKey: { in: eventKeys } },
      data: { status: "done", updatedAt: this.now() },
    });
  }

  /** Forgets claims older than the longest redelivery window (Lark: about 7 hours; kept 7 days). */
  async prune(olderThanMs = 7 * 86_400_000): Promise<number> {
    const { count } = await this.db.inboundEvent.deleteMany({ where: { createdAt: { lt: new Date(this.now().getTime() - olderThanMs) } } });
    return count;
  }
}
