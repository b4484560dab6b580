// Core replies → Telegram, one attempt each (the core's outbound path throttles and retries).
// Every failure comes back as a SendError: 429 with Telegram's retry_after, 5xx and network errors
// as retryable, "chat not found" / "bot was kicked" as permanent. A long reply is several messages:
// those an earlier attempt already sent are remembered by the reply's delivery id and skipped.
// When a group has become a supergroup, the core moves the binding and the reply goes to the new id.
import type { Api } from "grammy";
import type { Reply } from "../core/types.js";
import type { Sender, Sent } from "../core/outbound.js";
import type { RateLimits } from "../core/rate-limit.js";
import { sendReply, editReply } from "./render.js";
import { migratedTo, toSendError } from "./errors.js";
import { PLATFORM } from "./inbound.js";

/** Telegram's published limits: 30 messages a second overall, 20 a minute (one a second) per group. */
export const TELEGRAM_LIMITS: RateLimits = {
  perSecond: 30,
  perChatPerMinute: 20,
  chatGapMs: 1000,
  // Telegram's private chats have positive ids, groups negative ones.
  isDirectChat: (chat) => !chat.startsWith("-"),
  perDirectChatPerMinute: 60,
};

export type LogFn = (event: string, detail: Record<string, unknown>) => void;

export interface TelegramSenderOptions {
  /** The chat got a new id: the core moves its binding. */
  onMoved?: (from: string, to: string) => Promise<void>;
  log?: LogFn;
  limits?: RateLimits;
}

export class TelegramSender implements Sender {
  readonly platform = PLATFORM;
  readonly limits: RateLimits;
  /** Messages already sent of a reply whose later message failed, by delivery id. */
  private readonly progress = new Map<string, number>();

  constructor(
    private readonly api: Api,
    private readonly opts: TelegramSenderOptions = {},
  ) {
    this.limits = opts.limits ?? TELEGRAM_LIMITS;
  }

  async send(chatId: string, reply: Reply, opts: { replyTo?: string } = {}): Promise<Sent> {
    try {
      return await this.post(chatId, reply, opts.replyTo);
    } catch (e) {
      const to = migratedTo(e);
      if (!to || to === chatId) throw toSendError(e);
      this.opts.log?.("telegram.chat.migrated", { from: chatId, to, via: "send" });
      try {
        await this.opts.onMoved?.(chatId, to);
        return await this.post(to, reply, opts.replyTo);
      } catch (e2) {
        throw toSendError(e2);
      }
    }
  }

  private async post(chatId: string, reply: Reply, replyTo?: string): Promise<Sent> {
    // A card updated in place; one Telegram can no longer edit is posted anew.
    if (reply.replaces && /^\d+$/.test(reply.replaces) && !reply.file) {
      if (await editReply(this.api, chatId, Number(reply.replaces), reply)) return { messageIds: [reply.replaces] };
      reply = { ...reply, replaces: undefined };
    }
    const messageIds: string[] = [];
    const key = reply.deliveryId;
    const replyToId = replyTo !== undefined && /^\d+$/.test(replyTo) ? Number(replyTo) : undefined;
    const plan = await sendReply(this.api, chatId, reply, {
      replyTo: replyToId,
      skip: key ? this.progress.get(key) : 0,
      onSent: (n, id) => {
        messageIds.push(String(id));
        if (key) this.progress.set(key, n);
      },
    });
    if (key) this.progress.delete(key);
    if (this.progress.size > 10_000) this.progress.clear();
    if (plan.dropped.length) {
      this.opts.log?.("telegram.buttons.dropped", {
        chat: chatId,
        commands: plan.dropped.map((a) => a.command.split(/\s/)[0]),
        reason: "callback_data over 64 bytes",
      });
    }
    return { messageIds };
  }
}
