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
}

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
  /** A stable id for this delivery (the outbox row), so platforms can de-duplicate retried sends. */
  deliveryId?: string;
}

export const text = (t: string, extra: Partial<Reply> = {}): Reply => ({ text: t, kind: "info", ...extra });
export const errorReply = (t: string): Reply => ({ text: t, kind: "error" });
