// The outbox: every reminder, digest and notice is a row that is claimed, sent through the
// platform's sender, and marked sent — or retried with backoff (honouring a platform's
// retry-after), and after too many failures marked failed with its last error, never dropped.
import { dbProvider, type Db } from "../store/connect.js";
import { Prisma } from "../generated/prisma/client.ts";
import type { Reply } from "../core/types.js";
import { RateLimiter, type RateLimits } from "./rate-limit.js";
import type { Clock } from "../time.js";

/** A platform's way to post a message to a chat; adapters implement it. */
export interface Sender {
  platform: string;
  send(chatExternalId: string, reply: Reply): Promise<void>;
  /** The platform's limits, so bursts of reminders never trigger them. */
  limits?: RateLimits;
}

/** A failed send. retryAfterSec: the platform said when to try again (429). permanent: never retry. */
export class SendError extends Error {
  constructor(message: string, readonly retryAfterSec?: number, readonly permanent = false) {
    super(message);
  }
}

export interface OutboxOptions {
  /** The bot's one clock (App.clock). */
  clock: Clock;
  maxAttempts?: number;
  /** First retry delay; doubles per attempt up to maxDelaySec. */
  baseDelaySec?: number;
  maxDelaySec?: number;
  batch?: number;
  /** How long a claimed row stays claimed if the process dies mid-send. */
  lockSec?: number;
  /** Waits shorter than this are slept; longer ones defer the row. Injected by tests. */
  sleep?: (ms: number) => Promise<void>;
  maxSleepMs?: number;
  log?: (event: string, detail: Record<string, unknown>) => void;
}

export interface DeliveryResult { sent: number; retried: number; failed: number; deferred: number }

type Row = { id: number; platform: string; chatExternalId: string; body: string; attempts: number; kind: string };

export class Outbox {
  private readonly limiters = new Map<string, RateLimiter>();
  private readonly senders = new Map<string, Sender>();
  private readonly o: Required<Omit<OutboxOptions, "log">> & Pick<OutboxOptions, "log">;

  constructor(private readonly db: Db, senders: Sender[], opts: OutboxOptions) {
    for (const s of senders) {
      this.senders.set(s.platform, s);
      if (s.limits) this.limiters.set(s.platform, new RateLimiter(s.limits));
    }
    this.o = {
      clock: opts.clock, maxAttempts: opts.maxAttempts ?? 8, baseDelaySec: opts.baseDelaySec ?? 30,
      maxDelaySec: opts.maxDelaySec ?? 3600, batch: opts.batch ?? 50, lockSec: opts.lockSec ?? 120,
      sleep: opts.sleep ?? ((ms) => new Promise((r) => setTimeout(r, ms))), maxSleepMs: opts.maxSleepMs ?? 1500, log: opts.log,
    };
  }

  /**
   * Claims up to `batch` due rows for the platforms this process can send to. The claim is one
   * UPDATE … RETURNING whose outer WHERE re-checks the lock, so two processes never take one row.
   */
  private async claim(now: Date): Promise<Row[]> {
    const platforms = [...this.senders.keys()];
    if (!platforms.length) return [];
    const until = new Date(now.getTime() + this.o.lockSec * 1000);
    // PostgreSQL: concurrent claimers skip each other's locked rows instead of waiting for them.
    const skipLocked = dbProvider(this.db) === "postgresql" ? Prisma.sql`FOR UPDATE SKIP LOCKED` : Prisma.empty;
    const rows = await this.db.$queryRaw<Row[]>`
      UPDATE "Outbox" SET "lockedUntil" = ${until}
      WHERE "id" IN (
        SELECT "id" FROM "Outbox"
        WHERE "status" = 'pending' AND "nextAttemptAt" <= ${now} AND ("lockedUntil" IS NULL OR "lockedUntil" < ${now}) AND "platform" IN (${Prisma.join(platforms)})
        ORDER BY "nextAttemptAt", "id" LIMIT ${this.o.batch} ${skipLocked})
        AND "status" = 'pending' AND ("lockedUntil" IS NULL OR "lockedUntil" < ${now})
      RETURNING "id", "platform", "chatExternalId", "body", "attempts", "kind"`;
    // UPDATE … RETURNING has no order on PostgreSQL: send in the order the rows were enqueued.
    return rows.sort((a, b) => Number(a.id) - Number(b.id));
  }

  /** Delivers every due row (looping over batches) and returns what happened. */
  async deliverDue(): Promise<DeliveryResult> {
    const result: DeliveryResult = { sent: 0, retried: 0, failed: 0, deferred: 0 };
    for (;;) {
      const rows = await this.claim(this.o.clock());
      if (!rows.length) return result;
      for (const row of rows) await this.deliver(row, result);
    }
  }

  private async deliver(row: Row, result: DeliveryResult): Promise<void> {
    const sender = this.senders.get(row.platform)!;
    const limiter = this.limiters.get(row.platform);
    if (limiter) {
      const now = this.o.clock().getTime();
      const chatFree = limiter.chatFreeAt(row.chatExternalId);
      if (chatFree - now > this.o.maxSleepMs) {
        // This chat's own budget is spent for a while: other chats go first; not an attempt.
        await this.db.outbox.update({ where: { id: row.id }, data: { nextAttemptAt: new Date(chatFree), lockedUntil: null } });
        result.deferred++;
        return;
      }
      // Short waits (the overall rate, a chat's next slot) are slept: the batch keeps its order.
      const wait = limiter.reserve(row.chatExternalId, now);
      if (wait > 0) await this.o.sleep(wait);
    }
    const attempts = row.attempts + 1;
    try {
      await sender.send(row.chatExternalId, { text: row.body, kind: "info", deliveryId: `outbox:${row.id}` });
      await this.db.outbox.update({ where: { id: row.id }, data: { status: "sent", attempts, sentAt: this.o.clock(), lockedUntil: null, lastError: null } });
      result.sent++;
    } catch (e) {
      const err = e instanceof SendError ? e : new SendError(String((e as Error)?.message ?? e));
      const now = this.o.clock().getTime();
      if (err.retryAfterSec !== undefined) limiter?.pause(err.retryAfterSec * 1000, now);
      const give = err.permanent || attempts >= this.o.maxAttempts;
      const delaySec = err.retryAfterSec ?? Math.min(this.o.baseDelaySec * 2 ** (attempts - 1), this.o.maxDelaySec);
      await this.db.outbox.update({
        where: { id: row.id },
        data: give
          ? { status: "failed", attempts, lastError: err.message.slice(0, 1000), lockedUntil: null }
          : { attempts, lastError: err.message.slice(0, 1000), nextAttemptAt: new Date(now + delaySec * 1000), lockedUntil: null },
      });
      this.o.log?.(give ? "outbox.failed" : "outbox.retry", { id: row.id, platform: row.platform, attempts, error: err.message });
      if (give) result.failed++; else result.retried++;
    }
  }
}
