// The Telegram adapter (grammY). Updates arrive by long polling (@grammyjs/runner, one chat at a
// time, chats in parallel) or by webhook (POST /telegram/webhook, checked against the secret
// token). Each update becomes a core event (src/core/bot.ts), which claims it, routes it and
// sends the replies through this adapter's sender; the core throttles and retries every send,
// so grammY's own throttler and auto-retry are not used (a message is throttled once).
import { Bot, GrammyError, webhookCallback, type Api, type Transformer } from "grammy";
import type { UserFromGetMe } from "grammy/types";
import { run, sequentialize, type RunnerHandle } from "@grammyjs/runner";
import type { BotCore } from "../core/bot.js";
import type { CoreEvent } from "../core/types.js";
import type { PlatformAdapter } from "../platform.js";
import type { Handler } from "../http/server.js";
import type { RateLimits } from "../core/rate-limit.js";
import { TelegramSender, type LogFn } from "./sender.js";
import { describe } from "./errors.js";
import { menuCommands } from "./menu.js";
import {
  PLATFORM,
  callbackToInbound,
  chatTitle,
  joinKeys,
  membershipChange,
  messageEvent,
  groupNote,
  type BotIdentity,
} from "./inbound.js";

export { TelegramSender, TELEGRAM_LIMITS } from "./sender.js";
export { planReply, splitText, keyboard, sendReply, TEXT_LIMIT, CAPTION_LIMIT, CALLBACK_DATA_LIMIT } from "./render.js";
export { messageToInbound, callbackToInbound, stripMention, displayName, membershipChange, joinKeys } from "./inbound.js";
export { menuCommands } from "./menu.js";
export { toSendError } from "./errors.js";

export const WEBHOOK_PATH = "/telegram/webhook";
/** The update types the bot asks for (edits, reactions, channel posts are not used). */
export const ALLOWED_UPDATES = ["message", "callback_query", "my_chat_member"] as const;
const SECRET_SHAPE = /^[A-Za-z0-9_-]{1,256}$/;

export interface TelegramAdapterOptions {
  core: BotCore;
  log: LogFn;
  token: string;
  /** A self-hosted Bot API server (grammY's client.apiRoot), e.g. http://127.0.0.1:8081. */
  apiRoot?: string;
  mode: "polling" | "webhook";
  /** Webhook mode: the X-Telegram-Bot-Api-Secret-Token every update must carry (required). */
  webhookSecret?: string;
  /** Webhook mode: the public HTTPS URL registered with setWebhook at start (…/telegram/webhook). */
  webhookUrl?: string;

  // Tuning; the defaults are the production values.
  /** Skips getMe (tests, or a bot whose identity is known). */
  botInfo?: UserFromGetMe;
  /** Send budgets; default Telegram's published limits. */
  limits?: RateLimits;
  /** getUpdates long-poll timeout in seconds (default 30). */
  pollTimeoutSec?: number;
  /** How long a webhook request waits for the update's handling before answering 200 anyway (default 8000 ms). */
  webhookTimeoutMs?: number;
  /** start() returns after this long even if Telegram is unreachable; setup then goes on in the background (default 20000 ms). */
  startTimeoutMs?: number;
  /** Delay before polling restarts after the runner stopped on an error (default 10000 ms). */
  restartDelayMs?: number;
  /** stop() waits at most this long for the poller to let go (default 15000 ms). */
  stopTimeoutMs?: number;
}

export interface TelegramAdapter extends PlatformAdapter {
  /** The grammY bot (for tests and advanced wiring). */
  bot: Bot;
  sender: TelegramSender;
}

export function createTelegramAdapter(o: TelegramAdapterOptions): TelegramAdapter {
  if (!o.token) throw new Error("TELEGRAM_BOT_TOKEN is empty.");
  const { core, log } = o;
  const apiRoot = o.apiRoot?.replace(/\/+$/, "") || undefined;
  if (o.mode === "webhook") {
    if (!o.webhookSecret)
      throw new Error(
        "TELEGRAM_MODE=webhook needs TELEGRAM_WEBHOOK_SECRET (1–256 characters of A-Z a-z 0-9 _ -): every update is checked against it.",
      );
    if (!SECRET_SHAPE.test(o.webhookSecret))
      throw new Error("TELEGRAM_WEBHOOK_SECRET may only use A-Z a-z 0-9 _ - and be 1–256 characters long.");
  }

  const bot = new Bot(o.token, { client: { apiRoot }, botInfo: o.botInfo });
  bot.api.config.use(logPollFailures(log));
  const me = (): BotIdentity => ({ id: bot.botInfo.id, username: bot.botInfo.username });
  const sender = new TelegramSender(bot.api, { log, limits: o.limits, onMoved: (from, to) => core.moveChat(PLATFORM, from, to) });
  core.attach(PLATFORM, { sender, names: () => [me().username], greetingNote: () => groupNote(me().username) });

  /** Handlers never throw: a webhook must still be answered, and polling must go on. */
  const handle = async (ev: CoreEvent | null, updateId: number): Promise<void> => {
    if (!ev) return;
    try {
      await core.handle(ev);
    } catch (e) {
      log("telegram.update.failed", { update: updateId, type: ev.type, error: describe(e) });
    }
  };

  bot.catch((err) => log("telegram.update.failed", { update: err.ctx.update.update_id, error: describe(err.error) }));
  // One update at a time per chat (the runner is concurrent across chats; webhooks may be too).
  // A migration notice holds both chats, so the supergroup's first commands wait for the binding.
  bot.use(
    sequentialize((ctx) => {
      if (!ctx.chat) return ctx.from ? `u${ctx.from.id}` : undefined;
      const m = ctx.message;
      const other = m?.migrate_to_chat_id ?? m?.migrate_from_chat_id;
      return other === undefined ? String(ctx.chat.id) : [String(ctx.chat.id), String(other)];
    }),
  );

  bot.on("message", (ctx) => handle(messageEvent(ctx.message, me(), ctx.update.update_id, core), ctx.update.update_id));

  bot.on("callback_query", async (ctx) => {
    // Answer first: the button stops spinning even if the command takes a moment.
    await ctx.answerCallbackQuery().catch((e) => log("telegram.callback.answer_failed", { error: describe(e) }));
    const c = callbackToInbound(ctx.callbackQuery, ctx.update.update_id);
    await handle(
      c && { type: "button", msg: c.msg, keys: c.eventKeys, replyTo: c.replyTo === undefined ? undefined : String(c.replyTo) },
      ctx.update.update_id,
    );
  });

  bot.on("my_chat_member", (ctx) => {
    const change = membershipChange(ctx.myChatMember);
    const chat = ctx.myChatMember.chat;
    const keys = [`update:${ctx.update.update_id}`];
    if (change === "joined") {
      return handle(
        {
          type: "joined",
          platform: PLATFORM,
          chatId: String(chat.id),
          chatTitle: chatTitle(chat),
          keys: [...keys, ...joinKeys(chat.id, ctx.myChatMember.date)],
        },
        ctx.update.update_id,
      );
    }
    if (change === "left") return handle({ type: "left", platform: PLATFORM, chatId: String(chat.id), keys }, ctx.update.update_id);
  });

  // ── receiving ──
  let routes: Record<string, Handler> | undefined;
  let stopping = false;
  if (o.mode === "webhook") {
    const callback = webhookCallback(bot, "http", {
      secretToken: o.webhookSecret,
      // Answer Telegram in time; the update's handling finishes afterwards (it never throws).
      onTimeout: "return",
      timeoutMilliseconds: o.webhookTimeoutMs ?? 8000,
    });
    routes = {
      [WEBHOOK_PATH]: async (req, res) => {
        if (req.method !== "POST") {
          res.writeHead(405, { allow: "POST", "content-type": "text/plain" });
          res.end("POST only");
          return;
        }
        // Stopping: a non-2xx makes Telegram deliver the update again (to another process, or
        // to this one after a restart) instead of it being half-handled by a closing store.
        if (stopping || core.isStopping) {
          res.writeHead(503, { "retry-after": "5", "content-type": "text/plain" });
          res.end("stopping");
          return;
        }
        // Kept in the core's drain from the first byte, not only once grammY has the update.
        await core.track(Promise.resolve(callback(req, res)));
      },
    };
  }

  let runner: RunnerHandle | undefined;
  let abort: AbortController | undefined;
  let started = false;
  let restartTimer: NodeJS.Timeout | undefined;

  const registerMenu = async (signal: AbortSignal): Promise<void> => {
    try {
      const commands = core.commands();
      await bot.api.setMyCommands(menuCommands(commands, "en"), {}, apiSignal(signal));
      await bot.api.setMyCommands(menuCommands(commands, "zh"), { language_code: "zh" }, apiSignal(signal));
    } catch (e) {
      if (!signal.aborted) log("telegram.menu.failed", { error: describe(e) });
    }
  };

  const startPolling = (): void => {
    if (stopping) return;
    runner = run(bot, {
      runner: {
        fetch: { timeout: o.pollTimeoutSec ?? 30, allowed_updates: ALLOWED_UPDATES },
        // Failures are logged by logPollFailures; back off by 100 ms more per failed attempt.
        silent: true,
        retryInterval: "quadratic",
        maxRetryTime: 24 * 3600_000,
      },
    });
    const handle = runner;
    handle.task()?.catch((e) => {
      if (stopping || runner !== handle) return;
      const fatal = e instanceof GrammyError && e.error_code === 401;
      log("telegram.polling.stopped", { error: describe(e), restart: !fatal });
      if (!fatal) restartTimer = setTimeout(startPolling, o.restartDelayMs ?? 10_000);
    });
  };

  const setup = async (signal: AbortSignal): Promise<void> => {
    await bot.init(apiSignal(signal));
    await registerMenu(signal);
    if (signal.aborted) return;
    if (o.mode === "polling") {
      // A webhook left from an earlier deployment would make getUpdates fail with 409.
      await bot.api.deleteWebhook({}, apiSignal(signal)).catch((e) => log("telegram.webhook.delete_failed", { error: describe(e) }));
      if (!signal.aborted) startPolling();
      return;
    }
    if (o.webhookUrl) {
      const url = webhookUrlWithPath(o.webhookUrl);
      try {
        await bot.api.setWebhook(url, { secret_token: o.webhookSecret, allowed_updates: ALLOWED_UPDATES }, apiSignal(signal));
        log("telegram.webhook.set", { url });
      } catch (e) {
        if (!signal.aborted) log("telegram.webhook.failed", { url, error: describe(e) });
      }
    }
  };

  return {
    platform: PLATFORM,
    bot,
    sender,
    routes,

    async start() {
      if (started) return;
      started = true;
      stopping = false;
      abort = new AbortController();
      const signal = abort.signal;
      const work = setup(signal);
      let timer: NodeJS.Timeout | undefined;
      const slow = new Promise<"slow">((resolve) => {
        timer = setTimeout(resolve, o.startTimeoutMs ?? 20_000, "slow");
      });
      try {
        const outcome = await Promise.race([work.then(() => "done" as const), slow]);
        if (outcome === "slow") {
          log("telegram.start.slow", { mode: o.mode, note: "Telegram did not answer yet; still trying in the background" });
          work.catch((e) => {
            if (!signal.aborted) log("telegram.start.failed", { error: describe(e) });
          });
        }
      } catch (e) {
        if (signal.aborted) return;
        started = false;
        // A wrong token (401) is a configuration error: fail loudly.
        throw new Error(`Telegram start failed: ${describe(e)}`);
      } finally {
        clearTimeout(timer);
      }
    },

    /** Stops receiving: the poller lets go (updates it fetched are finished); the core drains the rest. */
    async stop() {
      stopping = true;
      started = false;
      abort?.abort();
      clearTimeout(restartTimer);
      const r = runner;
      runner = undefined;
      if (!r) return;
      let timer: NodeJS.Timeout | undefined;
      const late = new Promise<"late">((resolve) => {
        timer = setTimeout(resolve, o.stopTimeoutMs ?? 15_000, "late");
      });
      const outcome = await Promise.race([
        r.stop().then(
          () => "stopped" as const,
          () => "stopped" as const,
        ),
        late,
      ]);
      clearTimeout(timer);
      if (outcome === "late") log("telegram.stop.late", {});
    },
  };
}

/** "https://bot.example.com" → "https://bot.example.com/telegram/webhook"; a full URL is kept. */
export function webhookUrlWithPath(url: string): string {
  const u = new URL(url);
  if (u.pathname === "/" || u.pathname === "") u.pathname = WEBHOOK_PATH;
  return u.toString();
}

/** grammY types its signals with the abort-controller shim; Node's own AbortSignal is what it gets. */
type ApiSignal = NonNullable<Parameters<Api["getMe"]>[0]>;
const apiSignal = (s: AbortSignal): ApiSignal => s as unknown as ApiSignal;

/** The runner is silenced (it prints to the console); its getUpdates failures are logged here. */
function logPollFailures(log: LogFn): Transformer {
  return async (prev, method, payload, signal) => {
    try {
      const res = await prev(method, payload, signal);
      if (method === "getUpdates" && !res.ok) log("telegram.poll.failed", { error: `${res.error_code} ${res.description}` });
      return res;
    } catch (e) {
      if (method === "getUpdates" && !signal?.aborted) log("telegram.poll.failed", { error: describe(e) });
      throw e;
    }
  };
}
