// The Telegram adapter (grammY). Updates arrive by long polling (our own getUpdates loop, which
// confirms a batch only once every update in it is stored in the inbox) or by webhook (POST /telegram/webhook, checked against the secret
// token). Each update becomes a core event (src/core/bot.ts), which claims it, routes it and
// sends the replies through this adapter's sender; the core throttles and retries every send,
// so grammY's own throttler and auto-retry are not used (a message is throttled once).
import { Bot, GrammyError, type Api, type Transformer } from "grammy";
import type { Update, UserFromGetMe } from "grammy/types";
import { timingSafeEqual } from "node:crypto";
import type http from "node:http";
import type { BotCore } from "../core/bot.js";
import type { Attachment, CoreEvent } from "../core/types.js";
import { EvidenceRefused } from "../core/evidence.js";
import type { Receipt } from "../core/bot.js";
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
  editedEvent,
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
export const ALLOWED_UPDATES = ["message", "edited_message", "callback_query", "my_chat_member"] as const;
const SECRET_SHAPE = /^[A-Za-z0-9_-]{1,256}$/;
/** The largest update the webhook reads (Telegram's are a few kilobytes; a caption is at most 1,024 characters). */
export const MAX_UPDATE_BYTES = 1024 * 1024;

/** The request body, or null once it passes `limit` bytes (the rest is not kept). */
function readBody(req: http.IncomingMessage, limit: number): Promise<Buffer | null> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    req.on("data", (chunk: Buffer) => {
      size += chunk.length;
      if (size <= limit) chunks.push(chunk);
    });
    req.on("end", () => resolve(size > limit ? null : Buffer.concat(chunks)));
    req.on("error", reject);
  });
}

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
  /** Delay before polling restarts after getUpdates failed for good (default 10000 ms). */
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
  /** A photo's or document's bytes: getFile, then the file path under the same API root. */
  const download = async (att: Attachment): Promise<Buffer> => {
    let filePath: string | undefined;
    try {
      filePath = (await bot.api.getFile(att.ref)).file_path;
    } catch (e) {
      // 400: Telegram will not serve it (over the Bot API's 20 MB, or an unknown file id).
      if (e instanceof GrammyError && e.error_code === 400)
        throw new EvidenceRefused("Telegram 不提供这个文件的下载（机器人只能下载 20 MB 以内的文件）。");
      throw e;
    }
    if (!filePath) throw new EvidenceRefused("Telegram 没有给出这个文件的下载地址。");
    const res = await fetch(`${apiRoot ?? "https://api.telegram.org"}/file/bot${o.token}/${filePath}`);
    if (!res.ok) throw new Error(`telegram file download: HTTP ${res.status}`);
    return Buffer.from(await res.arrayBuffer());
  };
  core.attach(PLATFORM, { sender, names: () => [me().username], greetingNote: () => groupNote(me().username), download });

  // ── receiving: every update is stored in the core's inbox before Telegram is answered ──
  /** What the core made of each update being received, for the webhook's answer. */
  const outcomes = new Map<number, Receipt["status"]>();
  const take = async (ev: CoreEvent | null, updateId: number): Promise<void> => {
    if (!ev) return;
    let receipt: Receipt;
    try {
      receipt = await core.receive(ev);
      // Polling confirms an update by asking for the next ones, so the poller must not move on
      // before the update is stored: while the store cannot take it, it is tried again.
      for (let wait = 500; o.mode === "polling" && receipt.status === "failed" && !stopping; wait = Math.min(wait * 2, 30_000)) {
        await new Promise((r) => setTimeout(r, wait));
        receipt = await core.receive(ev, { quiet: true });
      }
    } catch (e) {
      log("telegram.update.failed", { update: updateId, type: ev.type, error: describe(e) });
      receipt = { status: "failed", done: Promise.resolve(null) };
    }
    outcomes.set(updateId, receipt.status);
    receipt.done.catch((e) => log("telegram.update.failed", { update: updateId, type: ev.type, error: describe(e) }));
  };

  bot.catch((err) => log("telegram.update.failed", { update: err.ctx.update.update_id, error: describe(err.error) }));

  bot.on("message", (ctx) => take(messageEvent(ctx.message, me(), ctx.update.update_id, core), ctx.update.update_id));

  bot.on("edited_message", (ctx) => take(editedEvent(ctx.editedMessage, me(), ctx.update.update_id, core), ctx.update.update_id));

  bot.on("callback_query", async (ctx) => {
    // Answer first: the button stops spinning even if the command takes a moment.
    await ctx.answerCallbackQuery().catch((e) => log("telegram.callback.answer_failed", { error: describe(e) }));
    const c = callbackToInbound(ctx.callbackQuery, ctx.update.update_id);
    await take(
      c && { type: "button", msg: c.msg, keys: c.eventKeys, replyTo: c.replyTo === undefined ? undefined : String(c.replyTo) },
      ctx.update.update_id,
    );
  });

  bot.on("my_chat_member", (ctx) => {
    const change = membershipChange(ctx.myChatMember);
    const chat = ctx.myChatMember.chat;
    const keys = [`update:${ctx.update.update_id}`];
    if (change === "joined") {
      const at = joinKeys(chat.id, ctx.myChatMember.date);
      return take(
        { type: "joined", platform: PLATFORM, chatId: String(chat.id), chatTitle: chatTitle(chat), keys: [...keys, ...at] },
        ctx.update.update_id,
      );
    }
    if (change === "left") return take({ type: "left", platform: PLATFORM, chatId: String(chat.id), keys }, ctx.update.update_id);
  });

  /** One update through the handlers: what the core made of it (undefined: nothing for the bot). */
  const receive = async (update: Update): Promise<Receipt["status"] | undefined> => {
    await bot.handleUpdate(update);
    const status = outcomes.get(update.update_id);
    outcomes.delete(update.update_id);
    return status;
  };

  let routes: Record<string, Handler> | undefined;
  let stopping = false;
  if (o.mode === "webhook") {
    const secret = Buffer.from(o.webhookSecret!, "utf8");
    routes = {
      [WEBHOOK_PATH]: async (req, res) => {
        const answer = (status: number, headers: Record<string, string> = {}) => {
          res.writeHead(status, { "content-type": "text/plain", ...headers });
          res.end();
        };
        if (req.method !== "POST") return answer(405, { allow: "POST" });
        // Stopping: a non-2xx makes Telegram deliver the update again (to another process, or
        // to this one after a restart) instead of it being half-handled by a closing store.
        if (stopping || core.isStopping) return answer(503, { "retry-after": "5" });
        const given = Buffer.from(String(req.headers["x-telegram-bot-api-secret-token"] ?? ""), "utf8");
        if (given.length !== secret.length || !timingSafeEqual(given, secret)) {
          req.resume();
          return answer(401);
        }
        const body = await readBody(req, MAX_UPDATE_BYTES);
        if (body === null) return answer(413);
        let update: Update;
        try {
          update = JSON.parse(body.toString("utf8")) as Update;
        } catch {
          return answer(400);
        }
        if (!update || typeof update.update_id !== "number") return answer(400);
        // Answered once the update is stored (or known): 500 while the store cannot take it, so
        // that Telegram delivers it again later.
        const status = await core.track(receive(update));
        answer(status === "failed" ? 500 : 200);
      },
    };
  }

  let abort: AbortController | undefined;
  let started = false;
  let polling: Promise<void> | undefined;

  const registerMenu = async (signal: AbortSignal): Promise<void> => {
    try {
      const commands = core.commands();
      await bot.api.setMyCommands(menuCommands(commands, "en"), {}, apiSignal(signal));
      await bot.api.setMyCommands(menuCommands(commands, "zh"), { language_code: "zh" }, apiSignal(signal));
    } catch (e) {
      if (!signal.aborted) log("telegram.menu.failed", { error: describe(e) });
    }
  };

  /**
   * Long polling: getUpdates, then every update stored in order, then the next getUpdates —
   * whose offset is what tells Telegram the earlier ones are taken. An update is therefore
   * confirmed only once it is in the inbox; handling goes on in the core meanwhile.
   */
  const poll = async (signal: AbortSignal): Promise<void> => {
    let offset = 0;
    let failures = 0;
    while (!signal.aborted) {
      try {
        const updates = await bot.api.getUpdates(
          { offset, timeout: o.pollTimeoutSec ?? 30, allowed_updates: ALLOWED_UPDATES },
          apiSignal(signal),
        );
        failures = 0;
        for (const u of updates) {
          await core.track(receive(u));
          offset = u.update_id + 1;
        }
      } catch (e) {
        if (signal.aborted) return;
        if (e instanceof GrammyError && e.error_code === 401) {
          log("telegram.polling.stopped", { error: describe(e), restart: false });
          return;
        }
        failures++;
        // Back off by 100 ms more per failed attempt, as Telegram's own clients do, up to the restart delay.
        const wait = Math.min(100 * failures * failures, o.restartDelayMs ?? 10_000);
        await new Promise((r) => setTimeout(r, wait));
      }
    }
  };

  const setup = async (signal: AbortSignal): Promise<void> => {
    await bot.init(apiSignal(signal));
    await registerMenu(signal);
    if (signal.aborted) return;
    if (o.mode === "polling") {
      // A webhook left from an earlier deployment would make getUpdates fail with 409.
      await bot.api.deleteWebhook({}, apiSignal(signal)).catch((e) => log("telegram.webhook.delete_failed", { error: describe(e) }));
      if (!signal.aborted) polling = poll(signal);
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

    /** Stops receiving: the poll in flight is cut off (what it fetched and did not store is not confirmed). */
    async stop() {
      stopping = true;
      started = false;
      abort?.abort();
      const p = polling;
      polling = undefined;
      if (!p) return;
      let timer: NodeJS.Timeout | undefined;
      const late = new Promise<"late">((resolve) => {
        timer = setTimeout(resolve, o.stopTimeoutMs ?? 15_000, "late");
      });
      const outcome = await Promise.race([p.then(() => "stopped" as const), late]);
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

/** getUpdates failures are logged here (the poll loop retries them). */
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
