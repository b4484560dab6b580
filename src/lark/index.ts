// The Lark / Feishu adapter, through the official Node SDK (@larksuiteoapi/node-sdk).
//
//   event (long connection or /lark/events) ─▶ EventDispatcher ─▶ handler: answers at once,
//   hands a core event to the core (src/core/bot.ts), which claims it (event_id and message_id),
//   routes it and sends the replies through this adapter's sender, in reply to the command.
//
// Handlers never wait for the work (Lark wants an answer within 3 s and redelivers otherwise);
// the core keeps the work in its drain. A card button press carries the command it runs
// ("/undo 128") and is run as the person who pressed it.
import * as lark from "@larksuiteoapi/node-sdk";
import type { PlatformAdapter } from "../platform.js";
import type { BotCore, Receipt } from "../core/bot.js";
import type { CoreEvent, InboundMessage, Reply } from "../core/types.js";
import { SendError, type Sender, type Sent } from "../core/outbound.js";
import { EvidenceRefused } from "../core/evidence.js";
import {
  PLATFORM,
  parseMessageEvent,
  cardCommand,
  type BotIdentity,
  type LarkMessageEvent,
  type LarkCardActionEvent,
  type LarkBotMembershipEvent,
} from "./inbound.js";
import { renderReply, toast, buildCard } from "./render.js";
import { LARK_LIMITS, LarkMessenger, sendUuid, toSendError } from "./send.js";
import { createWebhookHandler } from "./webhook.js";
import { larkDomain, sdkLogger, withTimeout } from "./sdk.js";

export { larkDomain } from "./sdk.js";

export { PLATFORM } from "./inbound.js";
export type { BotIdentity } from "./inbound.js";

export type LogFn = (event: string, detail: Record<string, unknown>) => void;

export interface LarkAdapterOptions {
  core: BotCore;
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
}

export interface LarkAdapter extends PlatformAdapter {
  readonly client: lark.Client;
  readonly dispatcher: lark.EventDispatcher;
  /** The bot's own open_id and name (GET /open-apis/bot/v3/info), fetched once. */
  botIdentity(): Promise<BotIdentity | null>;
  /** Resolves when every piece of event work started so far has finished. */
  idle(): Promise<void>;
}

const NAME_TTL_MS = 24 * 3600_000;
const NAME_FAIL_TTL_MS = 10 * 60_000;
/** How long the name look-up may hold an event before it is stored under the open_id (Lark allows 3 s in all). */
const NAME_WAIT_MS = 1000;
/** How long a card callback waits for the command's result to choose its toast (Lark allows 3 s). */
const TOAST_WAIT_MS = 2000;

export function createLarkAdapter(o: LarkAdapterOptions): LarkAdapter {
  // Without either, anyone who finds the URL can post events as any user, administrators included.
  if (o.mode === "webhook" && !o.encryptKey && !o.verificationToken) {
    throw new Error(
      "LARK_MODE=webhook needs LARK_ENCRYPT_KEY (and LARK_VERIFICATION_TOKEN) from the console's 加密策略: without them anyone can post forged events. " +
        "Webhook 模式必须配置 LARK_ENCRYPT_KEY（及 LARK_VERIFICATION_TOKEN），否则任何人都能伪造事件。",
    );
  }
  const { core, log } = o;
  const domain = larkDomain(o.domain);
  const logger = sdkLogger(log);
  const httpInstance = withTimeout(lark.defaultHttpInstance as unknown as lark.HttpInstance, o.httpTimeoutMs ?? 15_000);
  // Each client gets its own token cache: the SDK's default one is shared by the whole process.
  const cache = new lark.DefaultCache();
  const client = new lark.Client({
    appId: o.appId,
    appSecret: o.appSecret,
    domain,
    cache,
    httpInstance,
    logger,
    loggerLevel: lark.LoggerLevel.error,
  });
  const messenger = new LarkMessenger(client, cache);
  const dispatcher = new lark.EventDispatcher({
    encryptKey: o.encryptKey,
    verificationToken: o.verificationToken,
    cache: new lark.DefaultCache(),
    logger,
    loggerLevel: lark.LoggerLevel.error,
  });
  let wsClient: lark.WSClient | null = null;
  let stopped = false;

  // --- identity and names ------------------------------------------------------------------
  let identity: BotIdentity | null = null;
  let identityPending: Promise<BotIdentity | null> | null = null;
  async function fetchIdentity(): Promise<BotIdentity> {
    const res = await client.request<{ code?: number; msg?: string; bot?: { open_id?: string; app_name?: string } }>({
      method: "GET",
      url: "/open-apis/bot/v3/info",
    });
    if (res?.code !== 0 || !res.bot?.open_id) throw new Error(`bot/v3/info: code ${res?.code} ${res?.msg ?? ""}`);
    return { openId: res.bot.open_id, name: res.bot.app_name || undefined };
  }
  function botIdentity(): Promise<BotIdentity | null> {
    if (identity) return Promise.resolve(identity);
    identityPending ??= fetchIdentity()
      .then(
        (id) => (identity = id),
        (e) => {
          log("lark.identity.failed", { error: toSendError(e).message });
          return null;
        },
      )
      .finally(() => {
        identityPending = null;
      });
    return identityPending;
  }

  const names = new Map<string, { name: string | null; until: number }>();
  async function userName(openId: string): Promise<string | undefined> {
    if (o.lookupNames === false) return undefined;
    const hit = names.get(openId);
    if (hit && hit.until > core.clock().getTime()) return hit.name ?? undefined;
    let name: string | null = null;
    try {
      const res = await client.contact.v3.user.get({ path: { user_id: openId }, params: { user_id_type: "open_id" } });
      name = res?.code === 0 ? res.data?.user?.name || null : null;
    } catch {
      name = null; // no contact permission, or the user is outside the app's scope: use the open_id
    }
    if (names.size > 10_000) names.clear();
    names.set(openId, { name, until: core.clock().getTime() + (name ? NAME_TTL_MS : NAME_FAIL_TTL_MS) });
    return name ?? undefined;
  }

  // --- sending: one attempt per call; the core's outbound path throttles and retries ---------
  const sender: Sender = {
    platform: PLATFORM,
    limits: LARK_LIMITS,
    async send(chatId: string, reply: Reply, opts: { replyTo?: string } = {}): Promise<Sent> {
      const messageIds: string[] = [];
      // Each part's uuid derives from the delivery, so a retried send is de-duplicated by Lark
      // while two different messages with the same text are two messages.
      const seed = reply.deliveryId ?? `${chatId}:${reply.kind ?? ""}:${reply.text}`;
      try {
        // A card updated in place; one Lark will not update is posted anew.
        if (reply.replaces && !reply.file && (await messenger.patchCard(reply.replaces, JSON.stringify(buildCard(reply))))) {
          return { messageIds: [reply.replaces] };
        }
        for (const [j, part] of renderReply(reply).entries()) {
          const id = await messenger.sendPart({ chatId, replyTo: opts.replyTo }, part, sendUuid(seed, j));
          if (id) messageIds.push(id);
        }
      } catch (e) {
        throw toSendError(e);
      }
      return { messageIds };
    },
  };
  core.attach(PLATFORM, {
    sender,
    names: async () => {
      const id = await botIdentity();
      return id?.name ? [id.name] : [];
    },
    download: async (att, msg) => {
      try {
        return await messenger.resource(msg.messageId, att.ref);
      } catch (e) {
        // Lark refused for good (too big, not this bot's chat): said to the person, not retried.
        if (e instanceof SendError && e.permanent) throw new EvidenceRefused(`飞书不提供这个文件的下载（${e.message.slice(0, 80)}）。`);
        throw e;
      }
    },
  });

  // --- events ------------------------------------------------------------------------------
  const inflight = new Set<Promise<void>>();
  function track(work: Promise<unknown>, what: Record<string, unknown>): void {
    const p: Promise<void> = core
      .track(work)
      .then(
        () => undefined,
        (e) => log("lark.event.failed", { ...what, error: e instanceof SendError ? e.message : String((e as Error)?.stack ?? e) }),
      )
      .finally(() => inflight.delete(p));
    inflight.add(p);
  }

  function refuseWhenStopped(): void {
    // Thrown back to Lark (HTTP 500 / a failed WS answer): it delivers the event again later.
    if (stopped || core.isStopping) throw new Error("lark adapter is stopping");
  }

  /**
   * Stores the event in the core's inbox and only then lets the handler return, so Lark is
   * answered for what is saved; while the store cannot take it the handler throws, Lark gets a 500 (a failed answer on the long connection) and delivers
   * it again on its schedule. Handling goes on in the background, in the core's drain.
   */
  async function take(ev: CoreEvent, what: Record<string, unknown>, opts: { onReplies?: (r: Reply[]) => void } = {}): Promise<Receipt> {
    const receipt = await core.receive(ev, opts);
    track(receipt.done, what);
    if (receipt.status === "failed") throw new Error("lark event not stored: Lark delivers it again");
    return receipt;
  }

  /** A person's name within a second, else their open_id: Lark wants its answer within 3 s. */
  const quickName = (openId: string) => Promise.race([userName(openId), new Promise<undefined>((r) => setTimeout(r, NAME_WAIT_MS))]);

  async function onMessage(ev: LarkMessageEvent): Promise<void> {
    const what = { event: "im.message.receive_v1", eventId: ev.event_id, message: ev.message?.message_id };
    const bot = await botIdentity();
    let parsed = parseMessageEvent(ev, bot);
    if (parsed.kind === "ignore") return;
    if (parsed.kind === "unsupported") {
      const { chatId, messageId, direct } = parsed;
      const keys = [`event:${ev.event_id ?? messageId}`, `msg:${messageId}`];
      await take({ type: "unsupported", platform: PLATFORM, chatId, direct, keys, replyTo: messageId }, what);
      return;
    }
    const name = await quickName(parsed.msg.userId);
    if (name) parsed = parseMessageEvent(ev, bot, { userName: name });
    if (parsed.kind !== "message") return;
    await take({ type: "message", msg: parsed.msg, keys: parsed.keys, replyTo: parsed.msg.messageId }, what);
  }

  async function onCardAction(ev: LarkCardActionEvent): Promise<Record<string, unknown>> {
    const command = cardCommand(ev);
    const chatId = ev.context?.open_chat_id;
    const userId = ev.operator?.open_id;
    const eventId = ev.event_id;
    if (!command || !chatId || !userId || !eventId) return { toast: { type: "error", content: "这个按钮已失效" } };
    const name = await quickName(userId);
    const msg: InboundMessage = {
      platform: PLATFORM,
      chatId,
      messageId: `card:${eventId}`,
      userId,
      userName: name || userId,
      text: command,
      addressedToBot: true,
      direct: false,
    };
    const event: CoreEvent = { type: "button", msg, keys: [`event:${eventId}`], replyTo: ev.context?.open_message_id };
    let routed!: (r: Reply[] | null | undefined) => void;
    const result = new Promise<Reply[] | null | undefined>((r) => (routed = r));
    let receipt: Receipt;
    try {
      receipt = await core.receive(event, { onReplies: routed });
    } catch (e) {
      log("lark.event.failed", { event: "card.action.trigger", eventId, chat: chatId, error: String((e as Error)?.message ?? e) });
      return toast(undefined);
    }
    if (receipt.status === "failed") return toast(undefined);
    track(
      receipt.done.then(routed, (e) => {
        routed(undefined);
        throw e;
      }),
      { event: "card.action.trigger", eventId, chat: chatId },
    );
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<"timeout">((r) => (timer = setTimeout(() => r("timeout"), TOAST_WAIT_MS)));
    try {
      return toast(await Promise.race([result, timeout]));
    } finally {
      clearTimeout(timer);
    }
  }

  const membership = async (type: "joined" | "left", ev: LarkBotMembershipEvent): Promise<void> => {
    const chatId = ev.chat_id;
    if (!chatId) return;
    const keys = [`event:${ev.event_id ?? `${type}:${chatId}`}`];
    const event: CoreEvent =
      type === "joined"
        ? { type, platform: PLATFORM, chatId, chatTitle: ev.name || undefined, keys }
        : { type, platform: PLATFORM, chatId, keys };
    await take(event, { event: `im.chat.member.bot.${type === "joined" ? "added" : "deleted"}_v1`, eventId: ev.event_id, chat: chatId });
  };

  dispatcher.register<{ "card.action.trigger": (data: LarkCardActionEvent) => Promise<Record<string, unknown>> }>({
    "im.message.receive_v1": async (data) => {
      refuseWhenStopped();
      await onMessage(data as LarkMessageEvent);
      return {};
    },
    "card.action.trigger": (data) => {
      refuseWhenStopped();
      return onCardAction(data);
    },
    // A recalled message's record is voided (its chat is told); a message that made none is a no-op.
    "im.message.recalled_v1": async (data) => {
      refuseWhenStopped();
      if (!data.message_id || !data.chat_id) return {};
      const keys = [...(data.event_id ? [`event:${data.event_id}`] : []), `recall:${data.message_id}`];
      await take(
        { type: "recalled", platform: PLATFORM, chatId: data.chat_id, messageId: data.message_id, keys },
        { event: "im.message.recalled_v1", eventId: data.event_id, message: data.message_id },
      );
      return {};
    },
    "im.chat.member.bot.added_v1": async (data) => {
      refuseWhenStopped();
      await membership("joined", data);
      return {};
    },
    "im.chat.member.bot.deleted_v1": async (data) => {
      refuseWhenStopped();
      await membership("left", data);
      return {};
    },
  });

  const adapter: LarkAdapter = {
    platform: PLATFORM,
    sender,
    client,
    dispatcher,
    botIdentity,
    routes:
      o.mode === "webhook"
        ? {
            "/lark/events": createWebhookHandler({
              dispatcher,
              encryptKey: o.encryptKey,
              verificationToken: o.verificationToken,
              log,
              accepting: () => !stopped,
            }),
          }
        : undefined,
    async start() {
      stopped = false;
      const id = await botIdentity();
      log("lark.started", { mode: o.mode, bot: id?.openId ?? null, name: id?.name ?? null });
      if (o.mode === "ws") {
        if (!/^cli_[0-9a-fA-F]{16}$/.test(o.appId))
          log("lark.ws.app_id", { hint: "the long connection needs an App ID like cli_ followed by 16 hex digits" });
        wsClient?.close({ force: true });
        wsClient = new lark.WSClient({
          appId: o.appId,
          appSecret: o.appSecret,
          domain,
          logger,
          loggerLevel: lark.LoggerLevel.error,
          httpInstance,
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
