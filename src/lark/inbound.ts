// Lark/Feishu events → the core's InboundMessage. Pure functions: no SDK, no I/O, so every rule
// (the bot's own @ placeholder removed and remembered as "addressed", other mentions kept as
// names, messages from apps ignored, rich-text posts flattened) is testable on its own.
import type { Attachment, InboundMessage } from "../core/types.js";

export const PLATFORM = "lark";

/** One entry of `message.mentions`: the placeholder key in the content and who it stands for. */
export interface LarkMention {
  key: string;
  id?: { open_id?: string; user_id?: string; union_id?: string };
  name?: string;
  mentioned_type?: string;
}

/** `im.message.receive_v1` as the SDK hands it over (header and event flattened together). */
export interface LarkMessageEvent {
  event_id?: string;
  create_time?: string;
  sender?: { sender_id?: { open_id?: string; user_id?: string; union_id?: string }; sender_type?: string };
  message?: {
    message_id?: string;
    chat_id?: string;
    chat_type?: string;
    message_type?: string;
    content?: string;
    create_time?: string;
    mentions?: LarkMention[];
    root_id?: string;
    parent_id?: string;
    thread_id?: string;
  };
}

/** `card.action.trigger` (card JSON 2.0 callback), flattened the same way. */
export interface LarkCardActionEvent {
  event_id?: string;
  operator?: { open_id?: string; user_id?: string; union_id?: string };
  action?: { value?: unknown; tag?: string; name?: string };
  context?: { open_message_id?: string; open_chat_id?: string };
}

/** `im.chat.member.bot.added_v1` / `deleted_v1`. */
export interface LarkBotMembershipEvent {
  event_id?: string;
  chat_id?: string;
  name?: string;
  operator_id?: { open_id?: string };
}

export interface BotIdentity {
  openId: string;
  name?: string;
}

export type ParsedMessage =
  /** Not for the bot (its own message, another app's, a group line that is no command…). */
  | { kind: "ignore"; reason: string }
  /** A message type the bot cannot read (image, file, sticker…), with where it came from. */
  | { kind: "unsupported"; chatId: string; messageId: string; userId: string; direct: boolean; messageType: string }
  | { kind: "message"; msg: InboundMessage; keys: string[] };

const PLACEHOLDER = /@_user_\d+|@_all/g;

/** Text of a `text` or `post` message's content JSON, with mention placeholders still in it. */
export function contentText(messageType: string, content: string): string | null {
  let parsed: unknown;
  try {
    parsed = JSON.parse(content);
  } catch {
    return null;
  }
  if (!parsed || typeof parsed !== "object") return null;
  const obj = parsed as Record<string, unknown>;
  if (messageType === "text") return typeof obj.text === "string" ? obj.text : null;
  if (messageType === "post") {
    // Received posts are {title, content}; sent ones are wrapped in a locale ({zh_cn: {…}}).
    const body = Array.isArray(obj.content)
      ? obj
      : Object.values(obj).find((v) => v && typeof v === "object" && Array.isArray((v as Record<string, unknown>).content));
    if (!body) return null;
    const paragraphs = (body as { content: unknown[] }).content;
    const lines = paragraphs.map((p) => (Array.isArray(p) ? p.map(postElementText).join("") : ""));
    return lines.join("\n");
  }
  return null;
}

/** The images and files a message carries: an image or file message, or the pictures of a post. */
export function contentAttachments(messageType: string, content: string): Attachment[] {
  let obj: Record<string, unknown>;
  try {
    obj = JSON.parse(content) as Record<string, unknown>;
  } catch {
    return [];
  }
  if (!obj || typeof obj !== "object") return [];
  if (messageType === "image" && typeof obj.image_key === "string") return [{ kind: "photo", ref: `image:${obj.image_key}` }];
  if (messageType === "file" && typeof obj.file_key === "string")
    return [{ kind: "file", ref: `file:${obj.file_key}`, name: typeof obj.file_name === "string" ? obj.file_name : undefined }];
  if (messageType === "post") {
    const body = Array.isArray(obj.content)
      ? obj
      : Object.values(obj).find((v) => v && typeof v === "object" && Array.isArray((v as Record<string, unknown>).content));
    const paragraphs = ((body as { content?: unknown[] } | undefined)?.content ?? []).flat();
    return paragraphs
      .filter((e): e is { tag: string; image_key: string } => Boolean(e && typeof e === "object" && (e as { tag?: unknown }).tag === "img"))
      .filter((e) => typeof e.image_key === "string")
      .map((e) => ({ kind: "photo" as const, ref: `image:${e.image_key}` }));
  }
  return [];
}

function postElementText(el: unknown): string {
  if (!el || typeof el !== "object") return "";
  const e = el as Record<string, unknown>;
  switch (e.tag) {
    case "text":
    case "a":
    case "md":
    case "code_block":
      return typeof e.text === "string" ? e.text : "";
    case "at": {
      const id = typeof e.user_id === "string" ? e.user_id : "";
      if (id.startsWith("@_")) return id;
      const name = typeof e.user_name === "string" && e.user_name ? e.user_name : id;
      return name ? `@${name}` : "";
    }
    default:
      return "";
  }
}

/**
 * Replaces the mention placeholders: the bot's own (matched by open_id; while the bot's identity
 * is unknown, a mention Lark marks as a bot) disappears and marks the line as addressed to the
 * bot; everyone else's becomes "@Name".
 */
export function resolveMentions(
  text: string,
  mentions: LarkMention[] | undefined,
  bot: BotIdentity | null,
): { text: string; addressed: boolean } {
  const byKey = new Map((mentions ?? []).map((m) => [m.key, m]));
  let addressed = false;
  const replaced = text.replace(PLACEHOLDER, (key) => {
    const m = byKey.get(key);
    if (!m) return key === "@_all" ? "@所有人" : key;
    const isBot = bot ? m.id?.open_id === bot.openId : m.mentioned_type === "bot";
    if (isBot) {
      addressed = true;
      return "";
    }
    return `@${m.name || (key === "@_all" ? "所有人" : key)}`;
  });
  // Removing "@Bot " leaves doubled or leading blanks: "@Bot /记录 …" → "/记录 …".
  const cleaned = replaced
    .split("\n")
    .map((line) => line.replace(/[ \t\u00A0\u3000]{2,}/g, " ").trim())
    .join("\n")
    .trim();
  return { text: cleaned, addressed };
}

/** Lark timestamps are milliseconds as strings. */
export function larkTime(value: string | undefined): Date | undefined {
  if (!value || !/^\d{10,16}$/.test(value)) return undefined;
  const n = Number(value);
  // Some callbacks carry microseconds.
  const ms = value.length > 13 ? Math.floor(n / 1000) : n;
  const d = new Date(ms);
  return Number.isNaN(d.getTime()) ? undefined : d;
}

/**
 * Turns one `im.message.receive_v1` event into a core message, or says why not. A group line
 * that neither mentions the bot nor starts with a slash is ignored here, before any database
 * work (with the im:message.group_msg permission every group message arrives).
 */
export function parseMessageEvent(ev: LarkMessageEvent, bot: BotIdentity | null, names: { userName?: string } = {}): ParsedMessage {
  const m = ev.message;
  if (!m || !m.message_id || !m.chat_id) return { kind: "ignore", reason: "no message" };
  if (ev.sender?.sender_type === "app") return { kind: "ignore", reason: "from an app" };
  const userId = ev.sender?.sender_id?.open_id;
  if (!userId) return { kind: "ignore", reason: "no sender open_id" };
  if (bot && userId === bot.openId) return { kind: "ignore", reason: "own message" };
  const direct = m.chat_type === "p2p";
  const type = m.message_type ?? "";
  const attachments = contentAttachments(type, m.content ?? "");
  // A picture or file on its own is evidence only in answer to a message; else the bot says what it reads.
  const raw = type === "text" || type === "post" ? contentText(type, m.content ?? "") : attachments.length && m.parent_id ? "" : null;
  if (raw === null) {
    return { kind: "unsupported", chatId: m.chat_id, messageId: m.message_id, userId, direct, messageType: type };
  }
  const { text, addressed } = resolveMentions(raw, m.mentions, bot);
  const start = text.trimStart();
  // A picture or file without a command is for the bot when it answers a message (a record's line
  // or its confirmation): the core looks for the record there.
  const evidenceOnly = attachments.length > 0 && !start && Boolean(m.parent_id);
  if (!direct && !addressed && !evidenceOnly && !start.startsWith("/") && !start.startsWith("／"))
    return { kind: "ignore", reason: "not a command" };
  const self = (m.mentions ?? []).find((x) => x.id?.open_id === userId && x.name);
  const msg: InboundMessage = {
    platform: PLATFORM,
    chatId: m.chat_id,
    messageId: m.message_id,
    userId,
    userName: names.userName || self?.name || userId,
    text,
    sentAt: larkTime(m.create_time),
    addressedToBot: addressed,
    direct,
    replyToMessageId: m.parent_id || undefined,
    attachments: attachments.length ? attachments : undefined,
  };
  const keys = [...(ev.event_id ? [`event:${ev.event_id}`] : []), `msg:${m.message_id}`];
  return { kind: "message", msg, keys };
}

/** A card button press → the command it carries (`value.command`), or null for a foreign button. */
export function cardCommand(ev: LarkCardActionEvent): string | null {
  const value = ev.action?.value;
  if (!value || typeof value !== "object") return null;
  const command = (value as Record<string, unknown>).command;
  return typeof command === "string" && command.trim() ? command.trim() : null;
}
