// Posting core replies to Telegram through a given grammY Api. The adapter makes two senders:
// one on bot.api for command replies (throttled and auto-retried a few times), and the outbox's
// one on its own Api that shares the throttler but has NO auto-retry — the outbox does its own
// spacing and retries, so a 429 must come back at once as SendError(retryAfterSec) rather than be
// slept through while the outbox holds the row's lock; a 5xx or a network failure comes back as a
// plain SendError, and "chat not found" / "bot was kicked" as a permanent one.
import type { Api } from "grammy";
import type { Reply } from "../core/types.js";
import type { Sender } from "../outbox/outbox.js";
import { TELEGRAM_LIMITS, type RateLimits } from "../outbox/rate-limit.js";
import type { Ledger } from "../store/ledger.js";
import { sendReply, type SendOptions } from "./render.js";
import { migratedTo, toSendError } from "./errors.js";
import { PLATFORM } from "./inbound.js";

export type LogFn = (event: string, detail: Record<string, unknown>) => void;

export class TelegramSender implements Sender {
  readonly platform = PLATFORM;
  readonly limits: RateLimits = TELEGRAM_LIMITS;

  constructor(private readonly api: Api, private readonly opts: { ledger?: Ledger; log?: LogFn } = {}) {}

  /** The outbox's send: every failure comes back as a SendError the outbox can schedule. */
  async send(chatExternalId: string, reply: Reply): Promise<void> {
    try {
      await this.deliver(chatExternalId, reply);
    } catch (e) {
      throw toSendError(e);
    }
  }

  /**
   * Posts one reply; throws grammY's own errors. When the group has become a supergroup and the
   * id is the old one, the binding is moved and the reply delivered to the new chat instead.
   */
  async deliver(chatExternalId: string, reply: Reply, opts: SendOptions = {}): Promise<void> {
    let plan;
    try {
      plan = await sendReply(this.api, chatExternalId, reply, opts);
    } catch (e) {
      const to = migratedTo(e);
      if (!to || to === chatExternalId) throw e;
      this.opts.log?.("telegram.chat.migrated", { from: chatExternalId, to, via: "send" });
      if (this.opts.ledger) await this.opts.ledger.migrateChat(PLATFORM, chatExternalId, to, "telegram:system");
      plan = await sendReply(this.api, to, reply, opts);
    }
    if (plan.dropped.length) {
      this.opts.log?.("telegram.buttons.dropped", { chat: chatExternalId, commands: plan.dropped.map((a) => a.command.split(/\s/)[0]), reason: "callback_data over 64 bytes" });
    }
  }
}
