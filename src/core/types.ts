// The transport-free core's message types. An adapter turns a platform event into an
// InboundMessage and renders each Reply back (text, card with buttons, file). Kept small on
// purpose: optional abilities are optional fields, so adding one never breaks an adapter.

export interface InboundMessage {
  /** "console", "telegram", "lark" … part of every identity and de-duplication key. */
  platform: string;
  /** The platform's chat id (group or private chat). */
  chatId: string;
  chatTitle?: string;
  /** The platform's message id: a redelivered message carries the same one. */
  messageId: string;
  userId: string;
  userName: string;
  text: string;
  /** When the user sent it; defaults to now. Decides "today" for the record. */
  sentAt?: Date;
  /**
   * The adapter saw the bot addressed (an @mention it stripped, or a reply to the bot), so a
   * command without a leading slash ("@Bot 记录 …" → "记录 …") is still a command.
   */
  addressedToBot?: boolean;
  /** In a private chat with the bot, or the console: every line is meant for the bot. */
  direct?: boolean;
  /** Sent by a bot or app (the bot itself included): never handled. */
  fromBot?: boolean;
  /** Photos and files that came with the message (its caption is `text`). */
  attachments?: Attachment[];
  /** The platform's album it belongs to (Telegram media_group_id): its photos go to one record. */
  album?: string;
  /** The platform's id of the message this one replies to. */
  replyToMessageId?: string;
  /** The local console in member mode: a trusted platform's user acts as an ordinary member. */
  asMember?: boolean;
  /**
   * The person edited an earlier message (Telegram): `messageId` is that message's, `text` its new
   * text. A record command amends the record the message made; anything else is not answered.
   */
  edited?: boolean;
  /** A button press: the platform's id of the bot's message the button was on (a sign-in card). */
  pressedOn?: string;
}

/** A photo or file that came with a message, as the platform names it (downloaded on demand). */
export interface Attachment {
  kind: "photo" | "file";
  /** The platform's handle for downloading it (Telegram file_id, Lark file_key/image_key). */
  ref: string;
  name?: string;
  mime?: string;
  size?: number;
}

/**
 * A normalised platform event, the only thing an adapter hands the core. `keys` identify the
 * delivery (update id, event id, message id): a redelivery with any key already taken is dropped.
 */
export type CoreEvent =
  /** A line of text (or a caption) from a person. */
  | { type: "message"; msg: InboundMessage; keys: string[]; replyTo?: string }
  /** A press on one of the bot's buttons: its command, run as the person who pressed it. */
  | { type: "button"; msg: InboundMessage; keys: string[]; replyTo?: string }
  /** A message the bot cannot read (a sticker, a photo without a caption…). */
  | { type: "unsupported"; platform: string; chatId: string; direct: boolean; keys: string[]; replyTo?: string }
  /** A command sent as the group or a channel: nobody can be held to it. */
  | { type: "anonymous"; platform: string; chatId: string; keys: string[]; replyTo?: string }
  /** The bot was added to a chat. */
  | { type: "joined"; platform: string; chatId: string; chatTitle?: string; keys: string[] }
  /** The bot was removed from a chat. */
  | { type: "left"; platform: string; chatId: string; keys: string[] }
  /** The chat got a new id (a Telegram group upgraded to a supergroup): the binding follows. */
  | { type: "moved"; platform: string; from: string; to: string; keys: string[] }
  /** A person took back (recalled) a message they sent (Feishu): a record it made is voided. */
  | { type: "recalled"; platform: string; chatId: string; messageId: string; userId?: string; keys: string[] };

export interface ReplyAction {
  label: string;
  /** The command line the button runs as the pressing user, e.g. "/undo 128". */
  command: string;
}

export interface Reply {
  text: string;
  /** What the reply is, so adapters can choose a format (Lark shows records and drafts as cards). */
  kind?: "info" | "record" | "draft" | "error";
  title?: string;
  actions?: ReplyAction[];
  file?: { name: string; data: Buffer; mime: string };
  /** The record this reply confirms: a photo sent in reply to it attaches to that record. */
  recordId?: number;
  /**
   * The platform's id of a message the bot posted that this reply updates in place (a sign-in's
   * card as names come in): the sender edits it, and posts a new message only when it cannot.
   */
  replaces?: string;
  /** This reply is a sign-in's card: the id it is posted under is kept, so later changes edit it. */
  signInId?: number;
  /**
   * People the message is addressed to (a reminder to the unit's 宣传员): each platform mentions
   * them its own way, before the text (Telegram a text mention, Feishu an <at>, the console "@name").
   */
  mentions?: Mention[];
  /** A stable id for this delivery (the outbox row), so platforms can de-duplicate retried sends. */
  deliveryId?: string;
  /** What a platform that answers a button press with a short notice (Feishu's toast) shows. */
  toast?: string;
  /** Shown as written: its command names are not rewritten into the person's (the help text lists both). */
  verbatim?: boolean;
  /** The command did not run (the store was unavailable): the same message may be delivered again. */
  retryable?: boolean;
}

export interface Mention {
  /** The person's id on the platform the message goes to. */
  userId: string;
  name: string;
}

/** The mention line as plain text, for a platform (or a listing) with no mention of its own. */
export const mentionLine = (mentions: Mention[] | undefined): string =>
  mentions?.length ? mentions.map((m) => `@${m.name}`).join(" ") : "";

export const text = (t: string, extra: Partial<Reply> = {}): Reply => ({ text: t, kind: "info", ...extra });
export const errorReply = (t: string): Reply => ({ text: t, kind: "error" });
