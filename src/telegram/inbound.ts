// Telegram updates → the core's InboundMessage. Pure functions: no API calls, no database.
//
// What counts as meant for the bot: a line starting with "/" (the router then drops
// "/cmd@OtherBot"), a line starting with "@BotUsername" (stripped), a reply to one of the bot's
// messages that starts with a command or record word, and anything in a private chat. Everything
// else — ordinary group chatter the bot sees when privacy mode is off — is ignored before it
// touches the database.
import type { CallbackQuery, Chat, Message, Update, User } from "grammy/types";
import type { Attachment, CoreEvent, InboundMessage } from "../core/types.js";
import type { BotCore } from "../core/bot.js";

export const PLATFORM = "telegram";

export interface BotIdentity {
  id: number;
  username: string;
}

export interface Converted {
  msg: InboundMessage;
  /** The message a group reply should quote (the command, or the message with the button). */
  replyTo?: number;
  eventKeys: string[];
}

export interface ConvertOptions {
  /** True when the line's first word is a command name or a record word ("记录", "学习 12人"). */
  knows: (text: string) => boolean;
  /** The router has its own /start: leave it alone instead of answering it with /help. */
  hasStart?: boolean;
}

const CJK = /[\u3400-\u9fff\uf900-\ufaff]/;

/** "张" + "三" → "张三"; "Anna" + "Li" → "Anna Li"; else the @username, else the id. */
export function displayName(user: Pick<User, "id" | "first_name" | "last_name" | "username">): string {
  const first = user.first_name?.trim() ?? "";
  const last = user.last_name?.trim() ?? "";
  const joined = first && last ? (CJK.test(first.slice(-1)) && CJK.test(last[0]) ? `${first}${last}` : `${first} ${last}`) : first || last;
  return joined || (user.username ? `@${user.username}` : String(user.id));
}

export function chatTitle(chat: Chat, from?: User): string | undefined {
  if ("title" in chat && chat.title) return chat.title;
  if (chat.type === "private") return from ? displayName(from) : undefined;
  return undefined;
}

const escapeRe = (s: string) => s.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");

/** "@LedgerBot 记录 学习 12人" → "记录 学习 12人" (case-insensitive; "@LedgerBotX" is someone else). */
export function stripMention(text: string, username: string): { text: string; mentioned: boolean } {
  if (!username) return { text, mentioned: false };
  const re = new RegExp(`^\\s*@${escapeRe(username)}(?![A-Za-z0-9_])[\\s,，:：]*`, "i");
  const m = re.exec(text);
  return m ? { text: text.slice(m[0].length), mentioned: true } : { text, mentioned: false };
}

const START = /^\s*\/start(?:@([A-Za-z0-9_]+))?(?:\s[\s\S]*)?$/i;

/** Telegram opens every private chat with "/start": answer it with the help. */
function rewriteStart(text: string, me: BotIdentity): string {
  const m = START.exec(text);
  if (!m || (m[1] && m[1].toLowerCase() !== me.username.toLowerCase())) return text;
  return "/help";
}

export const looksLikeSlash = (text: string) => /^\s*[/／]/.test(text);

export function messageKeys(updateId: number | undefined, chatId: number, messageId: number): string[] {
  return [...(updateId === undefined ? [] : [`update:${updateId}`]), `msg:${chatId}:${messageId}`];
}

/** A text (or captioned) message → an InboundMessage, or null when it is not for the bot. */
export function messageToInbound(m: Message, me: BotIdentity, opts: ConvertOptions, updateId?: number): Converted | null {
  if (m.chat.type === "channel") return null;
  const from = m.from;
  // Other bots (and the anonymous-admin / channel stand-ins, handled by the caller) are not people.
  if (!from || from.is_bot || m.sender_chat) return null;
  const direct = m.chat.type === "private";
  const attachments = attachmentsOf(m);
  // A photo without a caption is for the bot when it answers a message (a record's line or its
  // confirmation) or belongs to an album; the core decides whether it finds a record there.
  if (!(m.text ?? m.caption) && !(attachments && (m.reply_to_message || m.media_group_id))) return null;
  const raw = m.text ?? m.caption ?? "";
  const { text: stripped, mentioned } = stripMention(raw, me.username);
  const slash = looksLikeSlash(stripped);
  const replyToBot = m.reply_to_message?.from?.id === me.id;
  // "谢谢" in reply to the bot's confirmation is chatter, not an unknown command.
  const addressed = mentioned || (replyToBot && (slash || opts.knows(stripped)));
  if (!slash && !addressed && !direct && !(attachments && !raw)) return null;
  const text = opts.hasStart ? stripped : rewriteStart(stripped, me);
  return {
    msg: {
      platform: PLATFORM,
      chatId: String(m.chat.id),
      chatTitle: chatTitle(m.chat, from),
      messageId: String(m.message_id),
      userId: String(from.id),
      userName: displayName(from),
      text,
      sentAt: new Date(m.date * 1000),
      addressedToBot: addressed,
      direct,
      attachments,
      album: m.media_group_id,
      replyToMessageId: m.reply_to_message ? String(m.reply_to_message.message_id) : undefined,
    },
    replyTo: direct ? undefined : m.message_id,
    eventKeys: messageKeys(updateId, m.chat.id, m.message_id),
  };
}

/** The photo (its largest size) or document a message carries, by the file_id getFile takes. */
export function attachmentsOf(m: Message): Attachment[] | undefined {
  if (m.photo?.length) {
    const largest = m.photo.reduce((a, b) => (b.width * b.height > a.width * a.height ? b : a));
    return [{ kind: "photo", ref: largest.file_id, size: largest.file_size, mime: "image/jpeg" }];
  }
  if (m.document)
    return [{ kind: "file", ref: m.document.file_id, name: m.document.file_name, mime: m.document.mime_type, size: m.document.file_size }];
  return undefined;
}

/** A message sent as the group (anonymous admin) or as a channel that is trying to use the bot. */
export function isAnonymousCommand(m: Message, me: BotIdentity): boolean {
  if (!m.sender_chat || m.chat.type === "channel") return false;
  const raw = m.text ?? m.caption ?? "";
  const { text, mentioned } = stripMention(raw, me.username);
  if (mentioned) return true;
  const cmd = /^\s*\/[A-Za-z0-9_]+(?:@([A-Za-z0-9_]+))?/.exec(text);
  return Boolean(cmd && (!cmd[1] || cmd[1].toLowerCase() === me.username.toLowerCase()));
}

/** A press on one of the bot's buttons: run the button's command as the person who pressed it. */
export function callbackToInbound(q: CallbackQuery, updateId?: number): Converted | null {
  const message = q.message;
  if (!message || !q.data || q.from.is_bot) return null;
  const chat = message.chat;
  const direct = chat.type === "private";
  return {
    msg: {
      platform: PLATFORM,
      chatId: String(chat.id),
      chatTitle: chatTitle(chat, q.from),
      messageId: `cb:${q.id}`,
      userId: String(q.from.id),
      userName: displayName(q.from),
      text: q.data,
      addressedToBot: true,
      direct,
    },
    replyTo: direct ? undefined : message.message_id,
    eventKeys: [...(updateId === undefined ? [] : [`update:${updateId}`]), `cb:${q.id}`],
  };
}

export type Membership = "joined" | "left" | null;

const IN = new Set(["member", "administrator", "creator"]);

/** my_chat_member: did the bot just join or leave a group? (Promotions are neither.) */
export function membershipChange(u: NonNullable<Update["my_chat_member"]>): Membership {
  if (u.chat.type !== "group" && u.chat.type !== "supergroup") return null;
  const isIn = (m: typeof u.new_chat_member) => IN.has(m.status) || (m.status === "restricted" && m.is_member);
  const was = isIn(u.old_chat_member);
  const now = isIn(u.new_chat_member);
  if (!was && now) return "joined";
  if (was && !now) return "left";
  return null;
}

/**
 * Keys that make the join greeting happen once although Telegram reports a join twice (the
 * my_chat_member update and the new_chat_members service message, seconds apart): two adjacent
 * two-minute buckets, so two reports less than two minutes apart always share a key.
 */
export function joinKeys(chatId: number, date: number): string[] {
  const b = Math.floor(date / 120);
  return [`join:${chatId}:${b}`, `join:${chatId}:${b + 1}`];
}

/** A group line in the Telegram manner: English commands need @BotName, Chinese ones a reply. */
export function groupNote(username: string): string {
  return `在 Telegram 群里，英文命令后请加 @${username}，例如 /bind@${username} 金桥社区、/record@${username} study 12 people；中文命令可以直接回复机器人的任意一条消息发送，例如回复：记录 学习 12人。`;
}

/** One Telegram message → the core event it is (null: nothing for the bot). */
export function messageEvent(
  m: Message,
  me: BotIdentity,
  updateId: number,
  core: Pick<BotCore, "addresses" | "hasCommand">,
): CoreEvent | null {
  const update = [`update:${updateId}`];
  if (m.migrate_to_chat_id)
    return { type: "moved", platform: PLATFORM, from: String(m.chat.id), to: String(m.migrate_to_chat_id), keys: update };
  if (m.migrate_from_chat_id)
    return { type: "moved", platform: PLATFORM, from: String(m.migrate_from_chat_id), to: String(m.chat.id), keys: update };
  if (m.new_chat_members?.some((x) => x.id === me.id)) {
    return {
      type: "joined",
      platform: PLATFORM,
      chatId: String(m.chat.id),
      chatTitle: chatTitle(m.chat),
      keys: [...update, ...joinKeys(m.chat.id, m.date)],
    };
  }
  if (m.left_chat_member?.id === me.id) return { type: "left", platform: PLATFORM, chatId: String(m.chat.id), keys: update };
  const keys = messageKeys(updateId, m.chat.id, m.message_id);
  if (isAnonymousCommand(m, me))
    return { type: "anonymous", platform: PLATFORM, chatId: String(m.chat.id), keys, replyTo: String(m.message_id) };
  const c = messageToInbound(m, me, { knows: (line) => core.addresses(line), hasStart: core.hasCommand("start") }, updateId);
  if (c) return { type: "message", msg: c.msg, keys: c.eventKeys, replyTo: c.replyTo === undefined ? undefined : String(c.replyTo) };
  // A sticker or a photo without a caption in a private chat: say what the bot can read.
  if (m.chat.type === "private" && m.from && !m.from.is_bot && !m.text && !m.caption) {
    return { type: "unsupported", platform: PLATFORM, chatId: String(m.chat.id), direct: true, keys };
  }
  return null;
}

/**
 * An edited message → the same message with its new text, marked edited: a record line amends
 * the record that message made. Keyed by the edit (its edit_date), so each edit is taken once.
 */
export function editedEvent(
  m: Message,
  me: BotIdentity,
  updateId: number,
  core: Pick<BotCore, "addresses" | "hasCommand">,
): CoreEvent | null {
  const c = messageToInbound(m, me, { knows: (line) => core.addresses(line), hasStart: true }, updateId);
  if (!c) return null;
  return {
    type: "message",
    msg: { ...c.msg, edited: true },
    keys: [`update:${updateId}`, `edit:${m.chat.id}:${m.message_id}:${m.edit_date ?? m.date}`],
    replyTo: String(m.message_id),
  };
}
