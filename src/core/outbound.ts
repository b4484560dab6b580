// The one way out. Command replies, reminders, digests and files all leave through the same
// platform senders, the same per-platform rate limiter (throttled once, here, never again in an
// SDK) and the same retry policy: a platform's retry-after is honoured, a permanent refusal is not
// retried, anything else backs off exponentially. A reply is tried at once and retried while the
// waits are short; if it still has not gone out it becomes an outbox row — text, buttons, the
// file's reference, the message it answers — and the outbox goes on with the same policy, so a
// failed reply is queued and shown in /发送记录, never only logged.
import type { Mention, Reply, ReplyAction } from "./types.js";
import { RateLimiter, type RateLimits } from "./rate-limit.js";
import type { OutboxStore, OutboxRow } from "../store/outbox.js";
import type { Clock } from "../time.js";

export interface Target {
  /** The platform's chat id. */
  chatId: string;
  /** The message this answers (quoted in groups); a send falls back to a plain message. */
  replyTo?: string;
}

/** A platform's way to post one reply: one attempt; every failure comes back as a SendError. */
export interface Sender {
  platform: string;
  /**
   * Posts the reply to the chat. `reply.deliveryId` is stable across retries of the same reply,
   * so a platform that can de-duplicate (Lark's uuid) or a sender that remembers which parts of a
   * long reply went out never posts a part twice.
   */
  send(chatId: string, reply: Reply, opts?: { replyTo?: string }): Promise<void | Sent>;
  /** The platform's limits, so bursts never trigger them. */
  limits?: RateLimits;
}

/** What a platform said it posted: its ids of the messages (a long reply can take several). */
export interface Sent {
  messageIds: string[];
}

/** A failed send. retryAfterSec: the platform said when to try again (429). permanent: never retry. */
export class SendError extends Error {
  constructor(
    message: string,
    readonly retryAfterSec?: number,
    readonly permanent = false,
  ) {
    super(message);
  }
}

export interface RetryPolicy {
  /** Attempts in all (inline and from the outbox) before a message is marked failed. */
  maxAttempts: number;
  /** The outbox's first retry delay; doubles per attempt up to maxDelaySec. */
  baseDelaySec: number;
  maxDelaySec: number;
  /** A reply's attempts made at once, while the waits (retry-after included) stay under inlineMaxWaitSec. */
  inlineAttempts: number;
  inlineMaxWaitSec: number;
}

export const DEFAULT_RETRY: RetryPolicy = { maxAttempts: 8, baseDelaySec: 30, maxDelaySec: 3600, inlineAttempts: 3, inlineMaxWaitSec: 10 };

/** Seconds until the next attempt after `attempts` failed ones, or null to give up. */
export function retryDelaySec(err: SendError, attempts: number, policy: RetryPolicy, base = policy.baseDelaySec): number | null {
  if (err.permanent || attempts >= policy.maxAttempts) return null;
  return err.retryAfterSec ?? Math.min(base * 2 ** (attempts - 1), policy.maxDelaySec);
}

export interface DeliveryResult {
  sent: number;
  retried: number;
  failed: number;
  deferred: number;
}

export interface OutboundOptions {
  clock: Clock;
  policy?: Partial<RetryPolicy>;
  /** Rows claimed at once, and how long a claim holds if the process dies mid-send. */
  batch?: number;
  lockSec?: number;
  /** Waits shorter than this are slept; longer ones defer the row (or queue the reply). */
  maxSleepMs?: number;
  sleep?: (ms: number) => Promise<void>;
  log?: (event: string, detail: Record<string, unknown>) => void;
  /**
   * Told of every reply that confirms a record or is a sign-in's card, with the ids it was posted
   * under: replies to a record's confirmation attach evidence, a card is edited as names come in.
   */
  onPosted?: (platform: string, chatId: string, messageIds: string[], reply: Reply) => Promise<void>;
  /** Awaited before each outbox message (the core's whenQuiet: people's replies go first). */
  whenQuiet?: () => Promise<void>;
}

/** The part of a reply an outbox row keeps besides its text. */
interface Payload {
  kind?: Reply["kind"];
  title?: string;
  actions?: ReplyAction[];
  file?: { sha256: string; name: string; mime: string };
  replyTo?: string;
  recordId?: number;
  replaces?: string;
  signInId?: number;
  mentions?: Mention[];
}

/**
 * What an outbox row keeps of a reply besides its text, as JSON (null for a plain text): the
 * scheduler's messages and the replies that could not go out at once are kept the same way.
 */
export function payloadJson(reply: Omit<Partial<Reply>, "file">, extra: { file?: Payload["file"]; replyTo?: string } = {}): string | null {
  const p: Payload = {};
  if (reply.kind && reply.kind !== "info") p.kind = reply.kind;
  if (reply.title) p.title = reply.title;
  if (reply.actions?.length) p.actions = reply.actions;
  if (extra.file) p.file = extra.file;
  if (extra.replyTo) p.replyTo = extra.replyTo;
  if (reply.recordId !== undefined) p.recordId = reply.recordId;
  if (reply.replaces) p.replaces = reply.replaces;
  if (reply.signInId !== undefined) p.signInId = reply.signInId;
  if (reply.mentions?.length) p.mentions = reply.mentions;
  return Object.keys(p).length ? JSON.stringify(p) : null;
}

export function asSendError(e: unknown): SendError {
  return e instanceof SendError ? e : new SendError(String((e as Error)?.message ?? e));
}

export class Outbound {
  /** What this process sent: replies at once, outbox rows, replies queued for later. */
  readonly stats = { replies: 0, outboxSent: 0, queued: 0 };
  private readonly senders = new Map<string, Sender>();
  private readonly limiters = new Map<string, RateLimiter>();
  private readonly policy: RetryPolicy;
  private readonly o: Required<Omit<OutboundOptions, "log" | "policy" | "onPosted" | "whenQuiet">> &
    Pick<OutboundOptions, "log" | "onPosted" | "whenQuiet">;

  constructor(
    private readonly store: OutboxStore,
    opts: OutboundOptions,
  ) {
    this.policy = { ...DEFAULT_RETRY, ...opts.policy };
    this.o = {
      clock: opts.clock,
      batch: opts.batch ?? 50,
      lockSec: opts.lockSec ?? 120,
      maxSleepMs: opts.maxSleepMs ?? 1500,
      sleep: opts.sleep ?? ((ms) => new Promise((r) => setTimeout(r, ms))),
      log: opts.log,
      onPosted: opts.onPosted,
      whenQuiet: opts.whenQuiet,
    };
  }

  register(sender: Sender): void {
    this.senders.set(sender.platform, sender);
    if (sender.limits) this.limiters.set(sender.platform, new RateLimiter(sender.limits));
  }

  platforms(): string[] {
    return [...this.senders.keys()];
  }

  private now(): number {
    return this.o.clock().getTime();
  }

  /**
   * One attempt through the platform's limiter; a retry-after pauses the whole platform. The
   * outbox's messages are `background`: they leave the replies their share of the budget.
   */
  private async attempt(sender: Sender, target: Target, reply: Reply, opts: { background?: boolean } = {}): Promise<void> {
    const limiter = this.limiters.get(sender.platform);
    if (limiter) {
      const wait = limiter.reserve(target.chatId, this.now(), opts);
      if (wait > 0) await this.o.sleep(wait);
    }
    let sent: void | Sent;
    try {
      sent = await sender.send(target.chatId, reply, { replyTo: target.replyTo });
    } catch (e) {
      const err = asSendError(e);
      if (err.retryAfterSec !== undefined) limiter?.pause(err.retryAfterSec * 1000, this.now());
      throw err;
    }
    // Posted: a failure to remember it only costs a reply-photo its target, never a resend.
    if ((reply.recordId !== undefined || reply.signInId !== undefined) && sent?.messageIds.length && this.o.onPosted) {
      await this.o
        .onPosted(sender.platform, target.chatId, sent.messageIds, reply)
        .catch((e) => this.o.log?.("reply.remember_failed", { error: String((e as Error)?.message ?? e) }));
    }
  }

  /**
   * Sends a command's reply now, retrying while the waits are short. What still fails is queued
   * in the outbox under `deliveryId` (as failed when the platform refused it for good), so that
   * nothing acknowledged is only logged. Returns what happened.
   */
  async reply(platform: string, target: Target, reply: Reply, deliveryId: string): Promise<"sent" | "queued" | "failed"> {
    const sender = this.senders.get(platform);
    const withId = { ...reply, deliveryId };
    let attempts = 0;
    let last: SendError = new SendError(`no sender for ${platform}`, undefined, true);
    const queue = async (status: "pending" | "failed", error: string, at: number) => {
      await this.queue(platform, target, withId, deliveryId, attempts, status, error, new Date(at));
      return status === "failed" ? ("failed" as const) : ("queued" as const);
    };
    if (sender) {
      const limiter = this.limiters.get(platform);
      for (;;) {
        // A chat whose budget is spent for long: the outbox sends it when the budget refills.
        const free = limiter ? limiter.chatFreeAt(target.chatId) - this.now() : 0;
        if (free > this.policy.inlineMaxWaitSec * 1000) return queue("pending", "waiting for the chat's send budget", this.now() + free);
        try {
          await this.attempt(sender, target, withId);
          this.stats.replies++;
          return "sent";
        } catch (e) {
          last = asSendError(e);
          attempts++;
          const delay = retryDelaySec(last, attempts, this.policy, 1);
          this.o.log?.("reply.retry", { platform, chat: target.chatId, attempts, error: last.message, give: delay === null });
          if (delay === null) break;
          if (attempts >= this.policy.inlineAttempts || delay > this.policy.inlineMaxWaitSec) {
            return queue("pending", last.message, this.now() + retryDelaySec(last, attempts, this.policy)! * 1000);
          }
          // A retry-after has paused the platform's limiter: the next attempt waits there, once.
          if (last.retryAfterSec === undefined) await this.o.sleep(delay * 1000);
        }
      }
    }
    return queue("failed", last.message, this.now());
  }

  private async queue(
    platform: string,
    target: Target,
    reply: Reply,
    deliveryId: string,
    attempts: number,
    status: "pending" | "failed",
    error: string,
    at: Date,
  ): Promise<void> {
    const id = await this.store.enqueue({
      dedupeKey: deliveryId,
      kind: "reply",
      platform,
      chatExternalId: target.chatId,
      unitId: null,
      body: reply.text,
      payload: await this.payloadOf(reply, target.replyTo),
      status,
      attempts,
      nextAttemptAt: at,
      lastError: error,
    });
    this.stats.queued++;
    this.o.log?.(status === "failed" ? "reply.failed" : "reply.queued", { platform, chat: target.chatId, outbox: id, attempts, error });
  }

  /** A reply as an outbox row keeps it (files by reference, stored once by content). */
  async payloadOf(reply: Reply, replyTo?: string): Promise<string | null> {
    const { file, ...rest } = reply;
    const stored = file && { sha256: await this.store.putFile(file), name: file.name, mime: file.mime };
    return payloadJson(rest, { file: stored, replyTo });
  }

  private async replyOf(row: OutboxRow): Promise<{ reply: Reply; replyTo?: string }> {
    const p: Payload = row.payload ? JSON.parse(row.payload) : {};
    const reply: Reply = { text: row.body, kind: p.kind ?? "info", deliveryId: `outbox:${row.id}` };
    if (p.title) reply.title = p.title;
    if (p.actions) reply.actions = p.actions;
    if (p.recordId !== undefined) reply.recordId = p.recordId;
    if (p.replaces) reply.replaces = p.replaces;
    if (p.signInId !== undefined) reply.signInId = p.signInId;
    if (p.mentions?.length) reply.mentions = p.mentions;
    if (p.file) {
      const file = await this.store.getFile(p.file.sha256);
      if (!file) throw new SendError(`file ${p.file.name} is no longer stored`, undefined, true);
      reply.file = { name: p.file.name, mime: p.file.mime, data: file.data };
    }
    return { reply, replyTo: p.replyTo };
  }

  /** Delivers every due outbox row of the registered platforms (looping over batches). */
  async deliverDue(): Promise<DeliveryResult> {
    const result: DeliveryResult = { sent: 0, retried: 0, failed: 0, deferred: 0 };
    for (;;) {
      const rows = await this.store.claimDue(this.platforms(), this.o.batch, new Date(this.now() + this.o.lockSec * 1000));
      if (!rows.length) return result;
      for (const row of rows) {
        await this.o.whenQuiet?.();
        await this.deliverRow(row, result);
      }
    }
  }

  private async deliverRow(row: OutboxRow, result: DeliveryResult): Promise<void> {
    const sender = this.senders.get(row.platform)!;
    const limiter = this.limiters.get(row.platform);
    const chatFree = limiter ? limiter.chatFreeAt(row.chatExternalId) : 0;
    if (chatFree - this.now() > this.o.maxSleepMs) {
      // This chat's own budget is spent for a while: other chats go first; not an attempt.
      await this.store.defer(row.id, new Date(chatFree));
      result.deferred++;
      return;
    }
    const attempts = row.attempts + 1;
    try {
      const { reply, replyTo } = await this.replyOf(row);
      await this.attempt(sender, { chatId: row.chatExternalId, replyTo }, reply, { background: true });
      await this.store.markSent(row.id, attempts);
      this.stats.outboxSent++;
      result.sent++;
    } catch (e) {
      const err = asSendError(e);
      const delay = retryDelaySec(err, attempts, this.policy);
      if (delay === null) await this.store.markFailed(row.id, attempts, err.message);
      else await this.store.markRetry(row.id, attempts, err.message, new Date(this.now() + delay * 1000));
      this.o.log?.(delay === null ? "outbox.failed" : "outbox.retry", { id: row.id, platform: row.platform, attempts, error: err.message });
      if (delay === null) result.failed++;
      else result.retried++;
    }
  }
}
