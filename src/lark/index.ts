// The Lark / Feishu adapter, through the official Node SDK (@larksuiteoapi/node-sdk).
//
//   event (long connection or /lark/events) ─▶ EventDispatcher ─▶ handler: answers at once,
//   starts the work ─▶ handleInbound (claims event_id and message_id, routes, sends, marks done)
//   ─▶ replies as text / interactive card / file, in reply to the command's message.
//
// Handlers never wait for the work (Lark wants an answer within 3 s and redelivers otherwise);
// the work is kept in a set so that stop() can finish it. A card button press carries the
// command it runs ("/undo 128") and is run as the person who pressed it.
import * as lark from "@larksuiteoapi/node-sdk";
import type { PlatformAdapter } from "../platform.js";
import type { Router } from "../core/router.js";
import type { EventGate } from "../core/events.js";
import type { Ledger } from "../store/ledger.js";
import type { InboundMessage, Reply } from "../core/types.js";
import { handleInbound } from "../core/inbound.js";
import { JOIN_GREETING } from "../core/greetings.js";
import { SendError, type Sender } from "../outbox/outbox.js";
import { LARK_LIMITS } from "../outbox/rate-limit.js";
import {
  PLATFORM, parseMessageEvent, cardCommand,
  type BotIdentity, type LarkMessageEvent, type LarkCardActionEvent, type LarkBotMembershipEvent,
} from "./inbound.js";
import { renderReply, textContent } from "./render.js";
import { LarkMessenger, sendUuid, withRetries, toSendError, type Target } from "./send.js";
import { createWebhookHandler } from "./webhook.js";
import type { Clock } from "../time.js";

export { PLATFORM } from "./inbound.js";
export type { BotIdentity } from "./inbound.js";

export type LogFn = (event: string, detail: Record<string, unknown>) => void;

export interface LarkAdapterOptions {
  router: Router;
  gate: EventGate;
  ledger: Ledger;
  log: LogFn;
  appId: string;
  appSecret: string;
  /** "feishu", "lark", or the base URL of a private deployment (or a test's fake). */
  domain: string;
  /** "ws": the long connection (no public address needed); "webhook": POST /lark/events. */
  mode: "ws" | "webhook";
  encryptKey?: string;
  verificationToken?: string;
  /** Look senders' names up through the contact API (needs contact:user.base:readonly). Default true. */
  lookupNames?: boolean;
  /** Timeout of every Open API call. Default 15 s. */
  httpTimeoutMs?: number;
  /** How often a reply is tried when Lark throttles or fails (the outbox retries on its own). Default 4. */
  replyAttempts?: number;
  /** The bot's one clock (App.clock): the name cache's expiry reads it. */
  clock: Clock;
  /** How a reply waits before it is retried; injected by tests. */
  sleep?: (ms: number) => Promise<void>;
}

export interface LarkAdapter extends PlatformAdapter {
  readonly client: lark.Client;
  readonly dispatcher: lark.EventDispatcher;
  /** The bot's own open_id and name (GET /open-apis/bot/v3/info), fetched once. */
  botIdentity(): Promise<BotIdentity | null>;
  /** Resolves when every piece of event work started so far has finished. */
  idle(): Promise<void>;
}

/** LARK_DOMAIN → what the SDK takes: its Feishu/Lark constants, or a base URL without a trailing slash. */
export function larkDomain(value: string | undefined): lark.Domain | string {
  const v = (value ?? "").trim();
  if (!v || v.toLowerCase() === "feishu") return lark.Domain.Feishu;
  if (v.toLowerCase() === "lark") return lark.Domain.Lark;
  return v.replace(/\/+$/, "");
}

/**
 * One SDK log argument, reduced to what is safe to keep: the SDK logs whole axios errors, whose
 * request config holds message bodies, headers with the token, and on the token call the app
 * secret. Only status, Lark's code and msg, and the path survive.
 */
function summarise(x: unknown, depth = 0): unknown {
  if (typeof x === "string") return x.slice(0, 500);
  if (typeof x === "number" || typeof x === "boolean" || x === null || x === undefined) return x;
  if (Array.isArray(x)) return depth > 2 ? "[…]" : x.map((y) => summarise(y, depth + 1));
  if (typeof x !== "object") return typeof x;
  const o = x as Record<string, any>;
  const out: Record<string, unknown> = {};
  if (typeof o.message === "string") out.message = o.message.slice(0, 300);
  if (typeof o.code === "number" || typeof o.code === "string") out.code = o.code;
  if (typeof o.msg === "string") out.msg = o.msg.slice(0, 300);
  const response = o.response;
  if (response && typeof response === "object") {
    out.status = response.status;
    if (response.data && typeof response.data === "object") {
      out.code = response.data.code;
      out.msg = typeof response.data.msg === "string" ? response.data.msg.slice(0, 300) : undefined;
    }
  }
  const url = o.config?.url;
  if (typeof url === "string") out.path = url.replace(/^https?:\/\/[^/]+/, "").split("?")[0];
  return out;
}

/** Routes the SDK's own log lines into the bot's structured log, without bodies or secrets. */
function sdkLogger(log: LogFn): lark.Logger {
  const line = (level: string) => (...msg: unknown[]) => {
    log("lark.sdk", { level, args: msg.map((m) => summarise(m)) });
  };
  return { error: line("error"), warn: line("warn"), info: line("info"), debug: line("debug"), trace: line("trace") };
}

/** The SDK's HTTP instance with a timeout on every call (axios has none by default). */
function withTimeout(base: lark.HttpInstance, ms: number): lark.HttpInstance {
  const t = <D>(o?: lark.HttpRequestOptions<D>): lark.HttpRequestOptions<D> => ({ timeout: ms, ...(o ?? {}) });
  return {
    request: (o) => base.request(t(o)),
    get: (url, o) => base.get(url, t(o)),
    delete: (url, o) => base.delete(url, t(o)),
    head: (url, o) => base.head(url, t(o)),
    options: (url, o) => base.options(url, t(o)),
    post: (url, data, o) => base.post(url, data, t(o)),
    put: (url, data, o) => base.put(url, data, t(o)),
    patch: (url, data, o) => base.patch(url, data, t(o)),
  };
}

const NON_TEXT_HINT = "目前只能识别文字命令，例如：/记录 学习 12人。发送 /帮助 查看全部命令。";
const NAME_TTL_MS = 24 * 3600_000;
const NAME_FAIL_TTL_MS = 10 * 60_000;
/** How long a card callback waits for the command's result to choose its toast (Lark allows 3 s). */
const TOAST_WAIT_MS = 2000;

export function createLarkAdapter(o: LarkAdapterOptions): LarkAdapter {
  const log = o.log;
  const delay = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));
  const sleep = o.sleep ?? delay;
  const domain = larkDomain(o.domain);
  const logger = sdkLogger(log);
  const httpInstance = withTimeout(lark.defaultHttpInstance as unknown as lark.HttpInstance, o.httpTimeoutMs ?? 15_000);
  // Each client gets its own token cache: the SDK's default one is shared by the whole process.
  const cache = new lark.DefaultCache();
  const client = new lark.Client({
    appId: o.appId, appSecret: o.appSecret, domain, cache, httpInstance, logger, loggerLevel: lark.LoggerLevel.error,
  });
  const messenger = new LarkMessenger(client, cache);
  const dispatcher = new lark.EventDispatcher({
    encryptKey: o.encryptKey, verificationToken: o.verificationToken, cache: new lark.DefaultCache(), logger, loggerLevel: lark.LoggerLevel.error,
  });
  let wsClient: lark.WSClient | null = null;
  let stopped = false;
  const inflight = new Set<Promise<void>>();

  // --- identity and names ------------------------------------------------------------------
  let identity: BotIdentity | null = null;
  let identityPending: Promise<BotIdentity | null> | null = null;
  async function fetchIdentity(): Promise<BotIdentity> {
    const res = await client.request<{ code?: number; msg?: string; bot?: { open_id?: string; app_name?: string } }>({ method: "GET", url: "/open-apis/bot/v3/info" });
    if (res?.code !== 0 || !res.bot?.open_id) throw new Error(`bot/v3/info: code ${res?.code} ${res?.msg ?? ""}`);
    return { openId: res.bot.open_id, name: res.bot.app_name || undefined };
  }
  function botIdentity(): Promise<BotIdentity | null> {
    if (identity) return Promise.resolve(identity);
    identityPending ??= fetchIdentity().then(
      (id) => (identity = id),
      (e) => {
        log("lark.identity.failed", { error: toSendError(e).message });
        return null;
      },
    ).finally(() => {
      identityPending = null;
    });
    return identityPending;
  }

  const names = new Map<string, { name: string | null; until: number }>();
  async function userName(openId: string): Promise<string | undefined> {
    if (o.lookupNames === false) return undefined;
    const hit = names.get(openId);
    if (hit && hit.until > o.clock().getTime()) return hit.name ?? undefined;
    let name: string | null = null;
    try {
      const res = await client.contact.v3.user.get({ path: { user_id: openId }, params: { user_id_type: "open_id" } });
      name = res?.code === 0 ? res.data?.user?.name || null : null;
    } catch {
      name = null; // no contact permission, or the user is outside the app's scope: use the open_id
    }
    if (names.size > 10_000) names.clear();
    names.set(openId, { name, until: o.clock().getTime() + (name ? NAME_TTL_MS : NAME_FAIL_TTL_MS) });
    return name ?? undefined;
  }

  // --- sending -----------------------------------------------------------------------------
  const retry = <T>(fn: () => Promise<T>, what: Record<string, unknown>) => withRetries(fn, {
    attempts: o.replyAttempts ?? 4, maxWaitSec: 10, sleep,
    onRetry: (err, attempt) => log("lark.send.retry", { ...what, attempt, error: err.message }),
  });

  /** Sends the replies to one event; each message's uuid derives from the event, so a retry is idempotent. */
  async function sendReplies(target: Target, replies: Reply[], seed: string): Promise<void> {
    for (const [i, reply] of replies.entries()) {
      for (const [j, part] of renderReply(reply).entries()) {
        await retry(() => messenger.sendPart(target, part, sendUuid(seed, i, j)), { chat: target.chatId, seed });
      }
    }
  }

  const sender: Sender = {
    platform: PLATFORM,
    limits: LARK_LIMITS,
    async send(chatExternalId: string, reply: Reply): Promise<void> {
      // No retries here: the outbox reschedules on SendError (retry-after for throttling).
      // The outbox row's key when there is one: two different rows with the same text are two
      // messages, while a retry of one row is de-duplicated by Lark.
      const seed = reply.deliveryId ?? `outbox:${chatExternalId}:${reply.kind ?? ""}:${reply.text}`;
      try {
        for (const [j, part] of renderReply(reply).entries()) {
          await messenger.sendPart({ chatId: chatExternalId }, part, sendUuid(seed, j));
        }
      } catch (e) {
        throw toSendError(e);
      }
    },
  };

  // --- work --------------------------------------------------------------------------------
  function track(work: Promise<unknown>, what: Record<string, unknown>): void {
    const p: Promise<void> = work.then(
      () => undefined,
      (e) => log("lark.event.failed", { ...what, error: e instanceof SendError ? e.message : String((e as Error)?.stack ?? e) }),
    ).finally(() => inflight.delete(p));
    inflight.add(p);
  }

  function refuseWhenStopped(): void {
    // Thrown back to Lark (HTTP 500 / a failed WS answer): it delivers the event again later.
    if (stopped) throw new Error("lark adapter is stopping");
  }

  async function botNames(): Promise<string[]> {
    const id = await botIdentity();
    return id?.name ? [id.name] : [];
  }

  /** Runs a one-off task (greeting, hint) at most once per event. */
  async function once(keys: string[], fn: () => Promise<unknown>): Promise<void> {
    for (const key of keys) if (!(await o.gate.claim(PLATFORM, key))) return;
    await fn();
    await o.gate.done(PLATFORM, keys);
  }

  async function onMessage(ev: LarkMessageEvent): Promise<void> {
    const bot = await botIdentity();
    let parsed = parseMessageEvent(ev, bot);
    if (parsed.kind === "ignore") return;
    if (parsed.kind === "unsupported") {
      if (!parsed.direct) return;
      const { chatId, messageId } = parsed;
      await once([`event:${ev.event_id ?? messageId}`, `msg:${messageId}`], () =>
        retry(() => messenger.post({ chatId, replyTo: messageId }, "text", textContent(NON_TEXT_HINT), sendUuid("hint", messageId)), { chat: chatId }));
      return;
    }
    const name = await userName(parsed.msg.userId);
    if (name) parsed = parseMessageEvent(ev, bot, { userName: name });
    if (parsed.kind !== "message") return;
    const { msg, keys } = parsed;
    await handleInbound(o, msg, keys, await botNames(), (replies) => sendReplies({ chatId: msg.chatId, replyTo: msg.messageId }, replies, `msg:${msg.messageId}`));
  }

  function toast(replies: Reply[] | null | undefined | "timeout"): Record<string, unknown> {
    if (replies === "timeout") return { toast: { type: "info", content: "正在处理…" } };
    if (replies === null) return { toast: { type: "info", content: "已处理过" } };
    if (!replies) return { toast: { type: "error", content: "处理失败，请稍后再试" } };
    const first = replies[0];
    if (!first) return {};
    const line = first.text.split("\n")[0].slice(0, 60);
    return { toast: { type: first.kind === "error" ? "error" : "success", content: line } };
  }

  async function onCardAction(ev: LarkCardActionEvent): Promise<Record<string, unknown>> {
    const command = cardCommand(ev);
    const chatId = ev.context?.open_chat_id;
    const userId = ev.operator?.open_id;
    const eventId = ev.event_id;
    if (!command || !chatId || !userId || !eventId) return { toast: { type: "error", content: "这个按钮已失效" } };
    let routed!: (r: Reply[] | null | undefined) => void;
    const result = new Promise<Reply[] | null | undefined>((r) => (routed = r));
    const work = (async () => {
      const name = await userName(userId);
      const msg: InboundMessage = {
        platform: PLATFORM, chatId, messageId: `card:${eventId}`, userId, userName: name || userId,
        text: command, addressedToBot: true, direct: false,
      };
      const target: Target = { chatId, replyTo: ev.context?.open_message_id };
      const replies = await handleInbound(o, msg, [`event:${eventId}`], await botNames(), async (r) => {
        routed(r);
        await sendReplies(target, r, `event:${eventId}`);
      });
      routed(replies);
    })();
    track(work.catch((e) => {
      routed(undefined);
      throw e;
    }), { event: "card.action.trigger", eventId, chat: chatId });
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<"timeout">((r) => (timer = setTimeout(() => r("timeout"), TOAST_WAIT_MS)));
    try {
      return toast(await Promise.race([result, timeout]));
    } finally {
      clearTimeout(timer);
    }
  }

  async function onBotAdded(ev: LarkBotMembershipEvent): Promise<void> {
    const chatId = ev.chat_id;
    if (!chatId) return;
    const key = `event:${ev.event_id ?? `added:${chatId}`}`;
    await once([key], async () => {
      log("lark.bot.added", { chat: chatId, operator: ev.operator_id?.open_id });
      await o.ledger.chat(PLATFORM, chatId, ev.name || undefined);
      await retry(() => messenger.post({ chatId }, "text", textContent(JOIN_GREETING), sendUuid(key, "greeting")), { chat: chatId });
    });
  }

  dispatcher.register<{ "card.action.trigger": (data: LarkCardActionEvent) => Promise<Record<string, unknown>> }>({
    "im.message.receive_v1": (data) => {
      refuseWhenStopped();
      const ev = data as LarkMessageEvent;
      track(onMessage(ev), { event: "im.message.receive_v1", eventId: ev.event_id, message: ev.message?.message_id });
      return {};
    },
    "card.action.trigger": (data) => {
      refuseWhenStopped();
      return onCardAction(data);
    },
    "im.chat.member.bot.added_v1": (data) => {
      refuseWhenStopped();
      track(onBotAdded(data), { event: "im.chat.member.bot.added_v1", eventId: data.event_id, chat: data.chat_id });
      return {};
    },
    "im.chat.member.bot.deleted_v1": (data) => {
      log("lark.bot.removed", { chat: data.chat_id, operator: data.operator_id?.open_id, eventId: data.event_id });
      return {};
    },
  });

  const adapter: LarkAdapter = {
    platform: PLATFORM,
    sender,
    client,
    dispatcher,
    botIdentity,
    routes: o.mode === "webhook"
      ? { "/lark/events": createWebhookHandler({ dispatcher, encryptKey: o.encryptKey, verificationToken: o.verificationToken, log, accepting: () => !stopped }) }
      : undefined,
    async start() {
      stopped = false;
      if (o.mode === "webhook" && !o.encryptKey && !o.verificationToken) {
        log("lark.webhook.unprotected", { hint: "set LARK_ENCRYPT_KEY (and LARK_VERIFICATION_TOKEN): without them anyone can post events" });
      }
      const id = await botIdentity();
      log("lark.started", { mode: o.mode, bot: id?.openId ?? null, name: id?.name ?? null });
      if (o.mode === "ws") {
        if (!/^cli_[0-9a-fA-F]{16}$/.test(o.appId)) log("lark.ws.app_id", { hint: "the long connection needs an App ID like cli_ followed by 16 hex digits" });
        wsClient?.close({ force: true });
        wsClient = new lark.WSClient({
          appId: o.appId, appSecret: o.appSecret, domain, logger, loggerLevel: lark.LoggerLevel.error, httpInstance,
          onReady: () => log("lark.ws.connected", {}),
          onReconnecting: () => log("lark.ws.reconnecting", {}),
          onReconnected: () => log("lark.ws.reconnected", {}),
          onError: (e) => log("lark.ws.failed", { error: e.message }),
        });
        await wsClient.start({ eventDispatcher: dispatcher });
      }
    },
    async stop() {
      stopped = true;
      wsClient?.close({ force: true });
      wsClient = null;
      await adapter.idle();
    },
    async idle() {
      while (inflight.size) await Promise.allSettled([...inflight]);
    },
  };
  return adapter;
}
