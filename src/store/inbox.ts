// The inbox. Platforms deliver at least once and never again once answered (Lark never resends
// an answered event; Telegram forgets an update once a later getUpdates confirms it or its webhook
// got a 2xx), so every event the bot takes is stored here before the platform is answered, and
// processed from here: a process that dies leaves its events pending, and another process — or the
// same one restarted — takes them over.
//
// Each event is claimed by its de-duplication keys (update id, event id, message id: rows of
// "InboundEvent", unique per platform), which point to the stored event ("InboxEvent": the
// normalised event as JSON, its status and the process that owns it). Liveness is a heartbeat
// ("BotProcess"): a process whose heartbeat is older than `deadAfterMs` is dead.
import type { Db } from "./connect.js";
import type { Sql } from "./sql.js";
import type { Clock } from "../time.js";

export type Acceptance =
  /** Stored under this id, owned by this process: process it. */
  | { status: "stored"; id: number }
  /** A redelivery of an event a dead process left pending: taken over, process it (its stored payload). */
  | { status: "takenOver"; id: number; payload: string }
  /**
   * Already taken: handled, or stored and being handled by a live process — the stored copy is
   * durable (if that process dies, another takes it over), so the platform is answered and this
   * copy dropped.
   */
  | { status: "duplicate" };

export interface PendingEvent {
  id: number;
  platform: string;
  payload: string;
}

export interface InboxOptions {
  clock: Clock;
  /** A process whose heartbeat is older than this is dead (default 15 s). */
  deadAfterMs?: number;
}

export class Inbox {
  private readonly deadAfterMs: number;

  constructor(
    private readonly db: Db,
    private readonly sql: Sql,
    private readonly opts: InboxOptions,
  ) {
    this.deadAfterMs = opts.deadAfterMs ?? 15_000;
  }

  private now(): Date {
    return this.opts.clock();
  }

  /** Registers this process, or renews its sign of life. */
  async heartbeat(owner: string): Promise<void> {
    const now = this.now();
    await this.db.$queryRaw`
      INSERT INTO "BotProcess" ("id", "startedAt", "heartbeatAt") VALUES (${owner}, ${now}, ${now})
      ON CONFLICT ("id") DO UPDATE SET "heartbeatAt" = ${now}`;
  }

  /** This process is stopping cleanly: its pending events (none, after a drain) are anyone's at once. */
  async leave(owner: string): Promise<void> {
    await this.db.botProcess.deleteMany({ where: { id: owner } });
  }

  private async alive(owner: string): Promise<boolean> {
    const p = await this.db.botProcess.findUnique({ where: { id: owner } });
    return Boolean(p && p.heartbeatAt.getTime() >= this.now().getTime() - this.deadAfterMs);
  }

  /**
   * Stores an event under its keys, claimed in order: the first key already taken ends it (two
   * deliveries racing for the same keys always meet at the same key first, so exactly one stores).
   * What the taken key belongs to decides the answer: handled, or pending with a live owner →
   * duplicate; pending with a dead owner → taken over by `owner` at once (no waiting for a sweep).
   */
  async accept(platform: string, keys: string[], chatId: string, payload: string, owner: string): Promise<Acceptance> {
    // The raw driver, one transaction (PostgreSQL: one statement): this runs for every update.
    const got = await this.sql.storeEvent({ platform, chatId, payload, owner, at: this.now() }, keys);
    if ("id" in got) return { status: "stored", id: got.id };
    // A delivery of something already taken: this copy was not stored after all.
    return this.existing(platform, got.taken, owner);
  }

  private async existing(platform: string, key: string, owner: string): Promise<Acceptance> {
    const claim = await this.db.inboundEvent.findUnique({ where: { platform_eventKey: { platform, eventKey: key } } });
    if (!claim || claim.status === "done") return { status: "duplicate" };
    if (claim.inboxId === null) {
      // A claim from before the inbox existed, still "processing": its process is long gone.
      return { status: "duplicate" };
    }
    const held = await this.db.inboxEvent.findUnique({ where: { id: claim.inboxId } });
    if (!held || held.status !== "pending") return { status: "duplicate" };
    if (held.owner === owner || (await this.alive(held.owner))) return { status: "duplicate" };
    const taken = await this.db.inboxEvent.updateMany({
      where: { id: held.id, status: "pending", owner: held.owner },
      data: { owner, updatedAt: this.now() },
    });
    return taken.count === 1 ? { status: "takenOver", id: held.id, payload: held.payload } : { status: "duplicate" };
  }

  /**
   * Takes over the pending events of processes that are dead (all other owners with `everyone`:
   * a SQLite file has one bot process, so at its start every other owner is gone). Returns them
   * oldest first, to be processed in the order they arrived.
   */
  async takeOver(owner: string, opts: { everyone?: boolean } = {}): Promise<PendingEvent[]> {
    const deadBefore = new Date(this.now().getTime() - this.deadAfterMs);
    const candidates = await this.db.inboxEvent.findMany({
      where: { status: "pending", owner: { not: owner } },
      orderBy: { id: "asc" },
      take: 500,
    });
    if (!candidates.length) return [];
    const owners = [...new Set(candidates.map((c) => c.owner))];
    const living = opts.everyone
      ? new Set<string>()
      : new Set((await this.db.botProcess.findMany({ where: { id: { in: owners }, heartbeatAt: { gte: deadBefore } } })).map((p) => p.id));
    const out: PendingEvent[] = [];
    for (const c of candidates) {
      if (living.has(c.owner)) continue;
      const taken = await this.db.inboxEvent.updateMany({
        where: { id: c.id, status: "pending", owner: c.owner },
        data: { owner, updatedAt: this.now() },
      });
      if (taken.count === 1) out.push({ id: c.id, platform: c.platform, payload: c.payload });
    }
    return out;
  }

  /** The event was handled: it and its keys are closed for good. */
  async done(id: number): Promise<void> {
    await this.sql.settleEvent(id, "done", this.now());
  }

  /**
   * The event could not be handled (the store kept the command from running) and the person was
   * told to send it again: it is closed, and its keys given back, so a redelivery is handled.
   */
  async drop(id: number): Promise<void> {
    await this.sql.settleEvent(id, "dropped", this.now());
  }

  /** Counts a failed attempt at processing (the event stays pending). */
  async failed(id: number): Promise<number> {
    const row = await this.db.inboxEvent.update({ where: { id }, data: { attempts: { increment: 1 }, updatedAt: this.now() } });
    return row.attempts;
  }

  /** Forgets what is older than the longest redelivery window (Lark: about 7 hours; kept 7 days). */
  async prune(olderThanMs = 7 * 86_400_000): Promise<number> {
    const before = new Date(this.now().getTime() - olderThanMs);
    const keys = await this.db.inboundEvent.deleteMany({ where: { createdAt: { lt: before } } });
    const events = await this.db.inboxEvent.deleteMany({ where: { status: { not: "pending" }, updatedAt: { lt: before } } });
    const processes = await this.db.botProcess.deleteMany({ where: { heartbeatAt: { lt: before } } });
    return keys.count + events.count + processes.count;
  }
}
