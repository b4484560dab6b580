// Core replies → Telegram messages. Text goes out as plain text (no parse_mode), so whatever a
// user typed — "<b>", "*", "_" — is shown literally and can never break a send. Long text is split
// at line breaks into messages of at most 4096 characters, a file becomes a sendDocument with the
// text as its caption (or, when the text is over 1024 characters, a separate message first), and a
// reply's actions become an inline keyboard whose callback_data is the command line itself.
import { InputFile, type Api } from "grammy";
import type { InlineKeyboardButton, InlineKeyboardMarkup, MessageEntity } from "grammy/types";
import { mentionLine, type Mention, type Reply, type ReplyAction } from "../core/types.js";

/** Telegram's limits, counted (like Telegram does) in UTF-16 code units / bytes. */
export const TEXT_LIMIT = 4096;
export const CAPTION_LIMIT = 1024;
export const CALLBACK_DATA_LIMIT = 64;
const BUTTONS_PER_ROW = 2;

export type TelegramOp =
  | { method: "sendMessage"; text: string; reply_markup?: InlineKeyboardMarkup; entities?: MessageEntity[] }
  | { method: "sendDocument"; file: { name: string; data: Buffer }; caption?: string; reply_markup?: InlineKeyboardMarkup };

export interface Plan {
  ops: TelegramOp[];
  /** Actions left off because their command does not fit in callback_data. */
  dropped: ReplyAction[];
}

const isHighSurrogate = (code: number) => code >= 0xd800 && code <= 0xdbff;

/**
 * Splits text into pieces of at most `limit` UTF-16 units: at a blank line if one is in the
 * second half of the piece, else at the last line break, else (one enormous line) at the limit,
 * never inside a surrogate pair. The line break a piece ends at is dropped.
 */
export function splitText(text: string, limit = TEXT_LIMIT): string[] {
  const out: string[] = [];
  let rest = text;
  while (rest.length > limit) {
    let cut = rest.lastIndexOf("\n\n", limit - 1);
    let skip = 2;
    if (cut < limit / 2) {
      cut = rest.lastIndexOf("\n", limit);
      skip = 1;
    }
    if (cut <= 0) {
      cut = isHighSurrogate(rest.charCodeAt(limit - 1)) ? limit - 1 : limit;
      skip = 0;
    }
    const piece = rest.slice(0, cut);
    if (piece.trim()) out.push(piece);
    rest = rest.slice(cut + skip);
  }
  if (rest.trim()) out.push(rest);
  return out;
}

/**
 * grammY writes the multipart file name unquoted (`filename=…` up to the line end), so characters
 * that end or quote a header parameter are replaced; Chinese names are kept as they are.
 */
export function safeFileName(name: string): string {
  const cleaned = name.replace(/[\u0000-\u001f\u007f"';\\/]/g, "_").trim();
  return cleaned || "file";
}

/** The inline keyboard for a reply's actions; commands over 64 bytes cannot be buttons. */
export function keyboard(actions: ReplyAction[] | undefined): { markup?: InlineKeyboardMarkup; dropped: ReplyAction[] } {
  const dropped: ReplyAction[] = [];
  const buttons: InlineKeyboardButton[] = [];
  for (const a of actions ?? []) {
    const label = a.label.trim();
    if (!label || !a.command || Buffer.byteLength(a.command, "utf8") > CALLBACK_DATA_LIMIT) {
      dropped.push(a);
      continue;
    }
    buttons.push({ text: label, callback_data: a.command });
  }
  if (!buttons.length) return { dropped };
  const rows: InlineKeyboardButton[][] = [];
  for (let i = 0; i < buttons.length; i += BUTTONS_PER_ROW) rows.push(buttons.slice(i, i + BUTTONS_PER_ROW));
  return { markup: { inline_keyboard: rows }, dropped };
}

/**
 * The mention line a reply opens with, and its text mentions: Telegram links each name to the
 * person by user id (offsets in UTF-16 units, as JavaScript strings count), so it works for
 * people without a username and never depends on parse_mode.
 */
export function mentionEntities(mentions: Mention[]): { line: string; entities: MessageEntity[] } {
  const entities: MessageEntity[] = [];
  let line = "";
  for (const m of mentions) {
    if (!/^\d+$/.test(m.userId)) continue;
    if (line) line += " ";
    const name = `@${m.name}`;
    entities.push({
      type: "text_mention",
      offset: line.length,
      length: name.length,
      user: { id: Number(m.userId), is_bot: false, first_name: m.name },
    });
    line += name;
  }
  return { line, entities };
}

/** What to send for one reply, in order. The keyboard rides on the last message. */
export function planReply(reply: Reply): Plan {
  const { markup, dropped } = keyboard(reply.actions);
  const mentions = reply.mentions?.length && !reply.file ? mentionEntities(reply.mentions) : null;
  const plainMentions = reply.file ? mentionLine(reply.mentions) : "";
  const opening = mentions?.line || plainMentions;
  const text = opening ? `${opening}\n${reply.text ?? ""}` : (reply.text ?? "");
  const ops: TelegramOp[] = [];
  if (reply.file) {
    const file = { name: safeFileName(reply.file.name), data: reply.file.data };
    if (text.trim() && text.length <= CAPTION_LIMIT) {
      ops.push({ method: "sendDocument", file, caption: text, reply_markup: markup });
    } else {
      for (const piece of splitText(text)) ops.push({ method: "sendMessage", text: piece });
      ops.push({ method: "sendDocument", file, reply_markup: markup });
    }
    return { ops, dropped };
  }
  const pieces = splitText(text);
  pieces.forEach((piece, i) => {
    const op: TelegramOp = { method: "sendMessage", text: piece, reply_markup: i === pieces.length - 1 ? markup : undefined };
    if (i === 0 && mentions?.entities.length) op.entities = mentions.entities;
    ops.push(op);
  });
  return { ops, dropped };
}

/** Telegram takes numeric chat ids as numbers and @channel names as strings. */
export function chatIdParam(chatId: string): number | string {
  return /^-?\d+$/.test(chatId) ? Number(chatId) : chatId;
}

export interface SendOptions {
  /** In groups: the message the reply answers (only the first message of the reply quotes it). */
  replyTo?: number;
  /** Messages of the plan already sent by an earlier attempt: skipped, so none goes out twice. */
  skip?: number;
  /** Called after each message of the plan is sent, with how many have gone out and the message's id. */
  onSent?: (count: number, messageId: number) => void;
}

/** Sends one reply; throws grammY's GrammyError/HttpError on the first failed message. */
export async function sendReply(api: Api, chatId: string, reply: Reply, opts: SendOptions = {}): Promise<Plan> {
  const plan = planReply(reply);
  const chat = chatIdParam(chatId);
  const skip = opts.skip ?? 0;
  for (const [i, op] of plan.ops.entries()) {
    if (i < skip) continue;
    const reply_parameters =
      i === 0 && opts.replyTo !== undefined ? { message_id: opts.replyTo, allow_sending_without_reply: true } : undefined;
    let sent: { message_id: number };
    if (op.method === "sendMessage") {
      sent = await api.sendMessage(chat, op.text, {
        ...(op.entities ? { entities: op.entities } : {}),
        reply_parameters,
        reply_markup: op.reply_markup,
        link_preview_options: { is_disabled: true },
      });
    } else {
      sent = await api.sendDocument(chat, new InputFile(op.file.data, op.file.name), {
        caption: op.caption,
        reply_parameters,
        reply_markup: op.reply_markup,
      });
    }
    opts.onSent?.(i + 1, sent.message_id);
  }
  return plan;
}

/**
 * Updates one of the bot's messages in place (a sign-in card): its text and keyboard. Returns
 * false when Telegram cannot edit it (too old, deleted, not the bot's), so the caller posts a new
 * one; an edit that changes nothing counts as done. Throws on any other failure.
 */
export async function editReply(api: Api, chatId: string, messageId: number, reply: Reply): Promise<boolean> {
  const { markup } = keyboard(reply.actions);
  try {
    await api.editMessageText(chatIdParam(chatId), messageId, splitText(reply.text)[0] ?? "…", {
      reply_markup: markup ?? { inline_keyboard: [] },
      link_preview_options: { is_disabled: true },
    });
    return true;
  } catch (e) {
    const description = String((e as { description?: string }).description ?? "");
    const code = (e as { error_code?: number }).error_code;
    if (code === 400 && /message is not modified/i.test(description)) return true;
    if (code === 400 && /message to edit not found|message can't be edited|message_id_invalid/i.test(description)) return false;
    throw e;
  }
}
