// The console adapter: a local chat in a terminal against the same core port as the platforms.
// Each line is one message from the current user in the current chat; the bot's replies (and, with
// the scheduler running, reminders addressed to console chats) are printed; files are written
// under data/files and their path printed. Lines ":user NAME" and ":chat NAME" switch who is typing
// where, ":member" and ":admin" whether the console user acts as an ordinary member or as the
// administrator, so several units and roles can be scripted against one database. ":attach PATH"
// sends a local photo or file (with the rest of the line as its caption, or else in reply to the
// last record confirmed in the chat), as a photo sent on a platform would be.
import fs from "node:fs";
import path from "node:path";
import readline from "node:readline";
import { randomUUID } from "node:crypto";
import type { BotCore } from "../core/bot.js";
import { mentionLine, type Attachment, type Reply } from "../core/types.js";
import type { Sender, Sent } from "../core/outbound.js";

export const PLATFORM = "console";

export interface ConsoleOptions {
  chat: string;
  user: string;
  /** Start as an ordinary member (--member) instead of the administrator. */
  member?: boolean;
  input: NodeJS.ReadableStream;
  output: NodeJS.WritableStream;
  filesDir: string;
  prompt: boolean;
}

export function renderReply(reply: Reply, filesDir: string): string {
  const mentions = mentionLine(reply.mentions);
  let out = mentions ? `${mentions}\n${reply.text}` : reply.text;
  if (reply.file) {
    fs.mkdirSync(filesDir, { recursive: true });
    const file = path.resolve(filesDir, reply.file.name);
    fs.writeFileSync(file, reply.file.data);
    out += `\n[文件已保存] ${file}`;
  }
  if (reply.actions?.length) out += `\n${reply.actions.map((a) => `[${a.label}: ${a.command}]`).join(" ")}`;
  return out;
}

/** Prints what the core sends to console chats: replies as they are, outbox messages with their chat. */
export class ConsoleSender implements Sender {
  readonly platform = PLATFORM;
  private sent = 0;
  /** Per chat, the id of the last message that confirmed a record: ":attach PATH" answers it. */
  readonly lastRecordMessage = new Map<string, string>();
  constructor(
    private readonly out: NodeJS.WritableStream = process.stdout,
    private readonly filesDir = path.resolve("data/files"),
  ) {}
  async send(chat: string, reply: Reply): Promise<Sent> {
    // A card updated in place (a sign-in's list): printed again, marked as the same message.
    if (reply.replaces) {
      this.out.write(`[卡片已更新] ${renderReply(reply, this.filesDir)}\n`);
      return { messageIds: [reply.replaces] };
    }
    const text = renderReply(reply, this.filesDir);
    if (reply.deliveryId?.startsWith("outbox:")) this.out.write(`\n[发往「${chat}」] ${text}\n`);
    else this.out.write(text.endsWith("\n") ? text : `${text}\n`);
    const id = `bot-${++this.sent}`;
    if (reply.recordId !== undefined) this.lastRecordMessage.set(chat, id);
    return { messageIds: [id] };
  }
}

const PHOTO_EXT = /\.(jpe?g|png|gif|webp)$/i;

/** A local file as the console's attachment; its bytes are read when the core fetches it. */
export function consoleAttachment(file: string): Attachment {
  const full = path.resolve(file);
  return { kind: PHOTO_EXT.test(full) ? "photo" : "file", ref: full, name: path.basename(full) };
}

/** The console's download hook: the attachment's ref is a local path. */
export async function readConsoleFile(att: Attachment): Promise<Buffer> {
  return fs.promises.readFile(att.ref);
}

export async function runConsole(core: BotCore, opts: ConsoleOptions & { sender?: ConsoleSender }): Promise<void> {
  let { chat, user } = opts;
  let asMember = Boolean(opts.member);
  const rl = readline.createInterface({ input: opts.input, terminal: false });
  const say = (s: string) => opts.output.write(s.endsWith("\n") ? s : `${s}\n`);
  const prompt = () => {
    if (opts.prompt) opts.output.write(`${user}@${chat}> `);
  };
  const who = async () =>
    `「${user}」在「${chat}」群里，身份：${await core.roleName({ platform: PLATFORM, chatId: chat, userId: user, userName: user, asMember })}`;
  if (opts.prompt)
    say(
      `本地控制台：你是${await who()}。发送 /帮助 查看命令；:user 名字、:chat 群名 切换人和群，:member / :admin 切换成员或管理员身份；Ctrl+D 退出。`,
    );
  prompt();
  let n = 0;
  // Unique per session without reading the clock: the message ids are de-duplication keys.
  const session = randomUUID();
  for await (const rawLine of rl) {
    const line = rawLine.trim();
    if (!line || line.startsWith("#")) {
      prompt();
      continue;
    }
    const sw = /^:(user|chat)\s+(\S.*)$/.exec(line);
    if (sw || line === ":member" || line === ":admin") {
      if (sw?.[1] === "user") user = sw[2].trim();
      else if (sw) chat = sw[2].trim();
      else asMember = line === ":member";
      say(`（现在是${await who()}）`);
      prompt();
      continue;
    }
    n += 1;
    const messageId = `${session}-${n}`;
    let text = line;
    let attachments: Attachment[] | undefined;
    let replyToMessageId: string | undefined;
    const attach = /^:attach\s+(\S+)\s*(.*)$/.exec(line);
    if (attach) {
      const files = attach[1].split(",").filter(Boolean);
      const missing = files.find((f) => !fs.existsSync(f) || !fs.statSync(f).isFile());
      if (missing) {
        say(`找不到文件「${missing}」。用法：:attach 照片路径 [说明，例如 /记录 学习 12人]；多个文件用逗号隔开。`);
        prompt();
        continue;
      }
      attachments = files.map(consoleAttachment);
      text = attach[2];
      if (!text) replyToMessageId = opts.sender?.lastRecordMessage.get(chat);
    } else if (line.startsWith(":attach")) {
      say("用法：:attach 照片路径 [说明，例如 /记录 学习 12人]；不写说明时附到本群最近确认的一条记录。");
      prompt();
      continue;
    }
    await core.handle({
      type: "message",
      msg: {
        platform: PLATFORM,
        chatId: chat,
        chatTitle: chat,
        userId: user,
        userName: user,
        messageId,
        text,
        direct: true,
        asMember,
        attachments,
        replyToMessageId,
      },
      keys: [`msg:${messageId}`],
    });
    prompt();
  }
}
