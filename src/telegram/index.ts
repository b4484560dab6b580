// The Telegram adapter (grammY). Updates arrive by long polling (@grammyjs/runner, one chat at a
// time, chats in parallel) or by webhook (POST /telegram/webhook, checked against the secret
// token); each message that is meant for the bot goes through handleInbound — claim the update
// and message ids, route, reply, mark done — so a redelivered update never records twice.
//
// Outgoing calls: command replies use bot.api (throttled, and auto-retried a few times on 429 and
// 5xx); the outbox uses a second Api with the same throttler and no auto-retry, so a 429 goes back
// to the outbox as SendError(retryAfterSec) instead of being slept through here.
import { Api, Bot, GrammyError, webhookCallback, type Transformer } from "grammy";
import type { Update, UserFromGetMe } from "grammy/types";
import { autoRetry } from "@grammyjs/auto-retry";
import { apiThrottler, type APIThrottlerOptions } from "@grammyjs/transformer-throttler";
import { run, sequentialize, type RunnerHandle } from "@grammyjs/runner";
import type { Router } from "../core/router.js";
import { splitCommand } from "../core/router.js";
import type { EventGate } from "../core/events.js";
import { handleInbound } from "../core/inbound.js";
import { JOIN_GREETING } from "../core/greetings.js";
import { errorReply, text, type Reply } from "../core/types.js";
import type { AnyCommand } from "../core/command.js";
import type { Ledger } from "../store/ledger.js";
import type { PlatformAdapter } from "../platform.js";
import type { Handler } from "../http/server.js";
import { lookupWord } from "../domain/catalog.js";
import { normaliseText } from "../domain/parser.js";
import { TelegramSender, type LogFn } from "./sender.js";
import { describe, isPermanent } from "./errors.js";
import { commandsOf, menuCommands } from "./menu.js";
import {
  ANONYMOUS_HINT, PLATFORM, callbackToInbound, chatTitle, isAnonymousCommand, joinKeys, membershipChange, messageKeys, messageToInbound,
  type BotIdentity, type Converted,
} from "./inbound.js";

export { TelegramSender } from "./sender.js";
export { planReply, splitText, keyboard, sendReply, TEXT_LIMIT, CAPTION_LIMIT, CALLBACK_DATA_LIMIT } from "./render.js";
export { messageToInbound, callbackToInbound, stripMention, displayName, membershipChange, joinKeys } from "./inbound.js";
export { menuCommands } from "./menu.js";
export { toSendError } from "./errors.js";

export const WEBHOOK_PATH = "/telegram/webhook";
/** The update types the bot asks for (edits, reactions, channel posts are not used). */
export const ALLOWED_UPDATES = ["message", "callback_query", "my_chat_member"] as const;
const SECRET_SHAPE = /^[A-Za-z0-9_-]{1,256}$/;

export interface TelegramAdapterOptions {
  router: Router;
  gate: EventGate;
  ledger: Ledger;
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
  /** The menu's commands; default: every command the router knows. */
  commands?: readonly AnyCommand[];
  /** Skips getMe (tests, or a bot whose identity is known). */
  botInfo?: UserFromGetMe;
  /** The throttler's Bottleneck settings; default: 30/s overall, 20/min and 1/s per group, 1/s per private chat. */
  throttle?: APIThrottlerOptions;
  /** Auto-retry for command replies; default 3 attempts, waits of at most 60 s. */
  retry?: { maxRetryAttempts?: number; maxDelaySeconds?: number };
  /** getUpdates long-poll timeout in seconds (default 30). */
  pollTimeoutSec?: number;
  /** How long a webhook request waits for the update's handling before answering 200 anyway (default 8000 ms). */
  webhookTimeoutMs?: number;
  /** start() returns after this long even if Telegram is unreachable; setup then goes on in the background (default 20000 ms). */
  startTimeoutMs?: number;
  /** Delay before polling restarts after the runner stopped on an error (default 10000 ms). */
  restartDelayMs?: number;
  /** stop() waits at most this long for updates being handled (default 15000 ms). */
  stopTimeoutMs?: number;
}

export interface TelegramAdapter extends PlatformAdapter {
  /** The grammY bot (for tests and advanced wiring). */
  bot: Bot;
  /** The outbox's sender (no auto-retry: 429 → SendError with retryAfterSec). */
  sender: TelegramSender;
}

export function createTelegramAdapter(o: TelegramAdapterOptions): TelegramAdapter {
  if (!o.token) throw new Error("TELEGRAM_BOT_TOKEN is empty.");
  const log = o.log;
  const apiRoot = o.apiRoot?.replace(/\/+$/, "") || undefined;
  if (o.mode === "webhook") {
    if (!o.webhookSecret) throw new Error("TELEGRAM_MODE=webhook needs TELEGRAM_WEBHOOK_SECRET (1–256 characters of A-Z a-z 0-9 _ -): every update is checked against it.");
    if (!SECRET_SHAPE.test(o.webhookSecret)) throw new Error("TELEGRAM_WEBHOOK_SECRET may only use A-Z a-z 0-9 _ - and be 1–256 characters long.");
  }

  const bot = new Bot(o.token, { client: { apiRoot }, botInfo: o.botInfo });
  // One throttler for both Api instances, so replies and reminders share Telegram's budget.
  const throttle = apiThrottler(o.throttle);
  bot.api.config.use(throttle);
  bot.api.config.use(autoRetry({
    maxRetryAttempts: o.retry?.maxRetryAttempts ?? 3,
    maxDelaySeconds: o.retry?.maxDelaySeconds ?? 60,
    rethrowHttpErrors: true,
  }));
  bot.api.config.use(logPollFailures(log));
  const outboxApi = new Api(o.token, { apiRoot });
  outboxApi.config.use(throttle);

  const sender = new TelegramSender(outboxApi, { ledger: o.ledger, log });
  const replies = new TelegramSender(bot.api, { ledger: o.ledger, log });
  const commands = o.commands ?? commandsOf(o.router.table);
  const hasStart = o.router.table.has("start");
  const me = (): BotIdentity => ({ id: bot.botInfo.id, username: bot.botInfo.username });

  /** Is the line's first word a command or a record word? (For slash-less replies to the bot.) */
  const knows = (line: string): boolean => {
    const parsed = splitCommand(normaliseText(line), o.router.table, { slashless: true, botUsernames: [] });
    return Boolean(parsed?.name && (o.router.table.has(parsed.name) || lookupWord(parsed.name)));
  };

  // ── in-flight work, so stop() can wait for it ──
  const inflight = new Set<Promise<unknown>>();
  bot.catch((err) => log("telegram.update.failed", { update: err.ctx.update.update_id, error: describe(err.error) }));
  bot.use(async (_ctx, next) => {
    const p = next();
    inflight.add(p);
    try {
      await p;
    } finally {
      inflight.delete(p);
    }
  });
  // One update at a time per chat (the runner is concurrent across chats; webhooks may be too).
  // A migration notice holds both chats, so the supergroup's first commands wait for the binding.
  bot.use(sequentialize((ctx) => {
    if (!ctx.chat) return ctx.from ? `u${ctx.from.id}` : undefined;
    const m = ctx.message;
    const other = m?.migrate_to_chat_id ?? m?.migrate_from_chat_id;
    return other === undefined ? String(ctx.chat.id) : [String(ctx.chat.id), String(other)];
  }));

  /** Sends a command's replies; a permanent refusal (bot kicked, chat gone) is logged, not retried. */
  const deliver = async (chatId: string, reply: Reply, replyTo?: number): Promise<void> => {
    try {
      await replies.deliver(chatId, reply, { replyTo });
    } catch (e) {
      if (!isPermanent(e)) throw e;
      log("telegram.reply.refused", { chat: chatId, error: describe(e) });
    }
  };

  const route = async (c: Converted, botUsernames = [me().username]): Promise<void> => {
    await handleInbound({ router: o.router, gate: o.gate }, c.msg, c.eventKeys, botUsernames, async (out) => {
      for (const r of out) await deliver(c.msg.chatId, r, c.replyTo);
    });
  };

  const greet = async (chat: { id: number; title?: string }, date: number, updateId: number): Promise<void> => {
    const keys = [`update:${updateId}`, ...joinKeys(chat.id, date)];
    const claimed: boolean[] = [];
    for (const k of keys) claimed.push(await o.gate.claim(PLATFORM, k));
    if (claimed.every(Boolean)) {
      // Re-added to a chat that is still bound: say so instead of asking for /bind again.
      const row = await o.ledger.chat(PLATFORM, String(chat.id), chat.title);
      const unit = row.unitId === null ? null : await o.ledger.unit(row.unitId);
      log("telegram.bot.added", { chat: chat.id, bound: Boolean(unit) });
      await deliver(String(chat.id), text(greeting(me().username, unit?.name)));
    }
    await o.gate.done(PLATFORM, keys);
  };

  const migrate = async (from: number, to: number): Promise<void> => {
    const moved = await o.ledger.migrateChat(PLATFORM, String(from), String(to), "telegram:system");
    log("telegram.chat.migrated", { from, to, moved: Boolean(moved) });
  };

  /** Handlers never throw: a webhook must still be answered, and polling must go on. */
  const safely = async (what: string, update: Update, fn: () => Promise<void>): Promise<void> => {
    try {
      await fn();
    } catch (e) {
      log("telegram.update.failed", { what, update: update.update_id, error: describe(e) });
    }
  };

  bot.on("message", (ctx) => safely("message", ctx.update, async () => {
    const m = ctx.message;
    const self = me();
    const updateId = ctx.update.update_id;
    if (m.migrate_to_chat_id) return migrate(m.chat.id, m.migrate_to_chat_id);
    if (m.migrate_from_chat_id) return migrate(m.migrate_from_chat_id, m.chat.id);
    if (m.new_chat_members?.some((x) => x.id === self.id)) return greet({ id: m.chat.id, title: chatTitle(m.chat) }, m.date, updateId);
    if (m.left_chat_member?.id === self.id) {
      log("telegram.bot.removed", { chat: m.chat.id, via: "left_chat_member" });
      return;
    }
    if (isAnonymousCommand(m, self)) {
      const keys = messageKeys(updateId, m.chat.id, m.message_id);
      let fresh = true;
      for (const k of keys) fresh = (await o.gate.claim(PLATFORM, k)) && fresh;
      if (fresh) await deliver(String(m.chat.id), errorReply(ANONYMOUS_HINT), m.message_id);
      await o.gate.done(PLATFORM, keys);
      return;
    }
    const c = messageToInbound(m, self, { knows, hasStart }, updateId);
    if (c) await route(c);
  }));

  bot.on("callback_query", (ctx) => safely("callback_query", ctx.update, async () => {
    // Answer first: the button stops spinning even if the command takes a moment.
    await ctx.answerCallbackQuery().catch((e) => log("telegram.callback.answer_failed", { error: describe(e) }));
    const c = callbackToInbound(ctx.callbackQuery, ctx.update.update_id);
    if (c) await route(c);
  }));

  bot.on("my_chat_member", (ctx) => safely("my_chat_member", ctx.update, async () => {
    const change = membershipChange(ctx.myChatMember);
    const chat = ctx.myChatMember.chat.id;
    if (change === "joined") await greet({ id: chat, title: chatTitle(ctx.myChatMember.chat) }, ctx.myChatMember.date, ctx.update.update_id);
    else if (change === "left") log("telegram.bot.removed", { chat, status: ctx.myChatMember.new_chat_member.status });
  }));

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
        if (stopping) {
          res.writeHead(503, { "retry-after": "5", "content-type": "text/plain" });
          res.end("stopping");
          return;
        }
        // Counted from the first byte, not only once grammY has the update: stop() waits for
        // requests whose body is still being read too.
        const p = callback(req, res);
        requests.add(p);
        try {
          await p;
        } finally {
          requests.delete(p);
        }
      },
    };
  }

  let runner: RunnerHandle | undefined;
  let abort: AbortController | undefined;
  const requests = new Set<Promise<unknown>>();
  let started = false;
  let restartTimer: NodeJS.Timeout | undefined;

  const registerMenu = async (signal: AbortSignal): Promise<void> => {
    try {
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
      const slow = new Promise<"slow">((resolve) => { timer = setTimeout(resolve, o.startTimeoutMs ?? 20_000, "slow"); });
      try {
        const outcome = await Promise.race([work.then(() => "done" as const), slow]);
        if (outcome === "slow") {
          log("telegram.start.slow", { mode: o.mode, note: "Telegram did not answer yet; still trying in the background" });
          work.catch((e) => { if (!signal.aborted) log("telegram.start.failed", { error: describe(e) }); });
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

    async stop() {
      stopping = true;
      started = false;
      abort?.abort();
      clearTimeout(restartTimer);
      const r = runner;
      runner = undefined;
      let timer: NodeJS.Timeout | undefined;
      const late = new Promise<"late">((resolve) => { timer = setTimeout(resolve, o.stopTimeoutMs ?? 15_000, "late"); });
      const drained = (async () => {
        if (r) await r.stop().catch(() => undefined);
        // Until nothing is left: an update that was still arriving adds work after the first wait.
        while (requests.size || inflight.size) await Promise.allSettled([...requests, ...inflight]);
        return "drained" as const;
      })();
      const outcome = await Promise.race([drained, late]);
      clearTimeout(timer);
      if (outcome === "late") log("telegram.stop.late", { inflight: inflight.size, requests: requests.size });
    },
  };
}

/** The greeting (or, for a chat that is still bound, a welcome back), with how commands are written in a Telegram group. */
export function greeting(username: string, boundUnit?: string | null): string {
  const head = boundUnit
    ? `大家好，我是意识形态工作台账机器人。本群已绑定到「${boundUnit}」，可以继续登记工作，例如：/记录 学习 12人；发送 /帮助 查看全部命令。`
    : JOIN_GREETING;
  return `${head}
在 Telegram 群里，英文命令后请加 @${username}，例如 /bind@${username} 金桥社区、/record@${username} study 12 people；中文命令可以直接回复机器人的任意一条消息发送，例如回复：记录 学习 12人。`;
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
