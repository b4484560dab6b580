// The fixed pipeline every message goes through, whatever the platform:
// normalise → find the command (a name table, no free regexes) → who and where → permission →
// arguments (zod) → handler → error boundary. It never throws: every failure becomes a reply.
import type { Evidence } from "./evidence.js";
import type { AnyCommand, CommandContext, DashboardLinks, Permission } from "./command.js";
import type { InboundMessage, Reply } from "./types.js";
import { errorReply } from "./types.js";
import { Ledger, LedgerError, type Role, type MemberRow } from "../store/ledger.js";
import type { Deployment } from "../config/deployment.js";
import { chinaDay, type Clock } from "../time.js";
import { lookupWord, KINDS } from "../domain/catalog.js";
import { readPlainReport } from "../domain/plain.js";
import { normaliseText } from "../domain/parser.js";
import { safeName, editDistance } from "../domain/text.js";
import { CommandLimiter, DEFAULT_LIMITS, type AbuseLimits } from "./abuse.js";
import { inTheirWords, voiceOf, type Voice } from "./words.js";

export const MAX_MESSAGE_CHARS = 1000;

/** Cuts by characters (code points), never inside an emoji's surrogate pair. */
function cut(s: string, n: number): string {
  return safeName(s, n);
}

export interface RouterOptions {
  ledger: Ledger;
  config: Deployment;
  commands: readonly AnyCommand[];
  /** The first administrators, "platform:userId" (ADMINS). */
  admins?: string[];
  /** The bot's one clock (App.clock). */
  clock: Clock;
  /** Platforms whose every user is an administrator: the local console. */
  trustedPlatforms?: string[];
  log?: (event: string, detail: Record<string, unknown>) => void;
  /** Per-user and per-chat command budgets; `false` turns them off (benchmarks, imports). */
  limits?: AbuseLimits | false;
  /** The web page's links (/看板), when the deployment serves it. */
  dashboard?: DashboardLinks;
}

export interface ParsedLine {
  name: string;
  rest: string;
  /** Not a command: a plain-language report of work, to be read by /记录 and confirmed first. */
  plain?: boolean;
  /** The bot the person addressed in the command word (/record@LedgerBot): replies name commands so. */
  bot?: string;
}

/** Table of every name (English and Chinese) → command; collisions are refused at start-up. */
export function commandTable(commands: readonly AnyCommand[]): Map<string, AnyCommand> {
  const table = new Map<string, AnyCommand>();
  for (const c of commands) {
    for (const n of [c.name, c.zhName, ...(c.aliases ?? [])]) {
      const key = n.toLowerCase();
      const prev = table.get(key);
      if (prev && prev !== c) throw new Error(`command name "${n}" is claimed by both /${prev.name} and /${c.name}`);
      table.set(key, c);
    }
  }
  return table;
}

/**
 * Finds the command word in a line: "/record …", "/record@BotName …", "/记录学习 12人", or — when
 * the bot was addressed or the chat is direct — "记录 …" without a slash. Returns null when the
 * line is not meant for this bot (no slash in a group, or /cmd@OtherBot).
 */
export function splitCommand(
  text: string,
  table: Map<string, AnyCommand>,
  opts: { slashless: boolean; botUsernames: string[] },
): ParsedLine | null {
  let line = text.trim();
  const slash = line.startsWith("/");
  if (!slash && !opts.slashless) return null;
  if (slash) line = line.slice(1);
  const m = /^([^\s@]*)(?:@(\S+))?\s*([\s\S]*)$/.exec(line);
  if (!m) return null;
  let [, name, target, rest] = m;
  if (target && opts.botUsernames.length && !opts.botUsernames.some((u) => u.toLowerCase() === target.toLowerCase())) return null;
  name = name.toLowerCase();
  if (!table.has(name)) {
    // Chinese has no spaces: /记录学习 12人 is /记录 学习 12人.
    const prefix = [...table.keys()].filter((k) => /[^\x00-\x7f]/.test(k) && name.startsWith(k)).sort((a, b) => b.length - a.length)[0];
    if (prefix) return { name: prefix, rest: `${name.slice(prefix.length)} ${rest}`.trim(), bot: target };
  }
  return { name, rest, bot: target };
}

const ROLE_RANK: Record<Role, number> = { member: 1, officer: 2, admin: 3 };
const PERMISSION_RANK: Record<Permission, number> = { anyone: 0, member: 1, officer: 2, admin: 3 };
const ROLE_NAMES: Record<Role, string> = { admin: "管理员", officer: "单位宣传员", member: "成员" };

/** What screening a line decided: not for the bot, answered at once, or to be run. */
export type Screened = { kind: "ignore" } | { kind: "reply"; replies: Reply[] } | { kind: "run"; line: ParsedLine };
const IGNORE: Screened = { kind: "ignore" };
const reply = (r: Reply): Screened => ({ kind: "reply", replies: [r] });

export const STORE_BUSY = "数据库正忙或连接中断，本条没有保存，请稍后再发一次。";

/** Replies that acknowledge and ask nothing: 收到, 好的, 谢谢, 哈哈, 👍, ok. */
const ACKNOWLEDGEMENT =
  /^(收到|好的?|好滴|嗯+|哦+|噢+|谢谢(你|您|了)?|多谢|感谢|辛苦了?|明白|知道了|了解|ok|okay|thanks?|thx|[哈呵嘿]+|[\p{Extended_Pictographic}\p{Emoji_Modifier}\u200d\ufe0f\s]+)[!！。.~～]*$/iu;

/** The table's name of the record command, which also reads plain-language reports. */
const RECORD = "record";

const PLAIN_HINT = `没看懂这句话。登记工作请写明做了什么、多少人或多少份、哪天，例如：${KINDS[1]?.example ?? "/记录 学习 12人"}\n也可以直接说「今天组织了中心组学习，12人参加」。发送 /帮助 查看全部命令。`;

export const UNBOUND_HINT = "本群还没有绑定单位。请管理员发送：/绑定 单位名 [上级单位名]\n例如：/绑定 金桥社区 金桥镇";

export class Router {
  readonly table: Map<string, AnyCommand>;
  private readonly clock: Clock;
  private readonly admins: Set<string>;
  private readonly limiter: CommandLimiter | null;

  constructor(private readonly opts: RouterOptions) {
    this.table = commandTable(opts.commands);
    this.clock = opts.clock;
    this.admins = new Set((opts.admins ?? []).map((a) => a.trim()).filter(Boolean));
    this.limiter = opts.limits === false ? null : new CommandLimiter(opts.limits ?? DEFAULT_LIMITS);
  }

  /** Whether an identity is a configured administrator (ADMINS), who cannot be demoted by command. */
  isConfiguredAdmin(platform: string, userId: string): boolean {
    return this.admins.has(`${platform}:${userId}`);
  }

  /** `asMember`: the local console's member mode, where the trusted console user is not an administrator. */
  roleOf(member: MemberRow, unitId: number | null, asMember = false): Role {
    if (this.admins.has(`${member.platform}:${member.externalId}`)) return "admin";
    if (this.opts.trustedPlatforms?.includes(member.platform) && !asMember) return "admin";
    if (member.role === "admin") return "admin";
    // An officer is an officer of their own unit; elsewhere they are an ordinary member.
    if (member.role === "officer" && (member.unitId === null || member.unitId === unitId)) return "officer";
    return "member";
  }

  /** Handles one message; returns the replies (none when the message is not for the bot). */
  async handle(msg: InboundMessage, botUsernames: string[] = []): Promise<Reply[]> {
    const screened = this.screen(msg, botUsernames);
    if (screened.kind === "ignore") return [];
    if (screened.kind === "reply") return screened.replies;
    return this.run(msg, screened);
  }

  /**
   * What can be decided without the store, in memory: whether the line is for this bot at all,
   * an over-long or garbled line, a flood (each person's and chat's budget), an unknown command.
   * Only a line that passes reaches the inbox and the database, so a flood costs no database work.
   */
  screen(msg: InboundMessage, botUsernames: string[] = [], opts: { limits?: boolean } = {}): Screened {
    const raw = msg.text ?? "";
    const slashless = Boolean(msg.addressedToBot || msg.direct);
    const looksLikeCommand = raw.trimStart().startsWith("/") || raw.trimStart().startsWith("／") || slashless;
    if (!looksLikeCommand) return IGNORE;
    // Whether the line is for this bot at all (/cmd@OtherBot is not) is decided first: a message
    // for another bot gets no reply from this one, however long or odd it is.
    const text = normaliseText(raw);
    const line = splitCommand(text, this.table, { slashless, botUsernames });
    if (!line || (!line.name && !slashless)) return IGNORE;
    if ([...raw].length > MAX_MESSAGE_CHARS) {
      return reply(errorReply(`消息太长（${[...raw].length} 字）。一条命令请不超过 ${MAX_MESSAGE_CHARS} 字，主题和备注可以写简短些。`));
    }
    // Control characters (other than line breaks and tabs) never come from a keyboard.
    if (/[\u0000-\u0008\u000B\u000C\u000E-\u001F\u007F-\u009F]/.test(raw)) {
      return reply(errorReply("消息里有无法显示的控制字符，可能是复制粘贴带进来的。请重新输入这条命令。"));
    }
    const limiter = opts.limits === false ? null : this.limiter;
    const verdict = limiter?.check(`${msg.platform}:${msg.userId}`, `${msg.platform}:${msg.chatId}`, this.clock().getTime()) ?? "ok";
    if (verdict === "drop") return IGNORE;
    if (verdict === "warn") {
      const l = this.opts.limits || DEFAULT_LIMITS;
      return reply(
        errorReply(`操作太频繁了，请稍等一分钟再发。（每人每分钟最多 ${l.userPerMinute} 条命令，每个群每分钟最多 ${l.chatPerMinute} 条）`),
      );
    }
    // An edited message matters only when it is a record line: it amends that message's record.
    if (msg.edited) return this.table.get(line.name)?.name === "record" ? { kind: "run", line } : IGNORE;
    if (!this.table.has(line.name)) {
      if (slashless && !raw.trimStart().startsWith("/")) {
        // Addressed to the bot but not a command: a report of work in plain words is read and
        // offered for confirmation; anything else is chatter, answered only in a private chat.
        const today = chinaDay(msg.sentAt ?? this.clock());
        if (readPlainReport(text, today)) return { kind: "run", line: { name: RECORD, rest: text.trim(), plain: true } };
        if (!msg.direct) return IGNORE;
        // An acknowledgement (收到, 好的, 👍) needs no answer even here.
        if (ACKNOWLEDGEMENT.test(text.trim())) return IGNORE;
        // Words, not a mistyped English command name: say how to record instead of "no such command".
        if (!/^[a-z0-9_]+$/i.test(line.name) && !lookupWord(line.name)) return reply(errorReply(PLAIN_HINT));
      }
      return reply(this.inTheirWords(this.unknownCommand(line.name, line.rest), voiceOf(line.name, line.bot)));
    }
    return { kind: "run", line };
  }

  /** Runs a screened command against the store; never throws: every failure becomes a reply. */
  async run(
    msg: InboundMessage,
    screened: Extract<Screened, { kind: "run" }>,
    extra: { evidence?: () => Promise<Evidence>; pressed?: boolean } = {},
  ): Promise<Reply[]> {
    // A plain-language report and a button press are answered in Chinese; a command in its own words.
    const voice =
      screened.line.plain || msg.pressedOn || extra.pressed ? voiceOf(undefined) : voiceOf(screened.line.name, screened.line.bot);
    try {
      return (await this.dispatch(msg, screened.line, extra)).map((r) => this.inTheirWords(r, voice));
    } catch (e) {
      if (e instanceof LedgerError) return [errorReply(e.message)];
      this.opts.log?.("command.failed", {
        platform: msg.platform,
        chat: msg.chatId,
        message: msg.messageId,
        error: String((e as Error)?.stack ?? e),
      });
      if (isStoreUnavailable(e)) return [{ ...errorReply(STORE_BUSY), retryable: true }];
      return [errorReply("处理这条命令时出错了，本条没有保存，请稍后再试。如果一再出现，请联系管理员。")];
    }
  }

  private async dispatch(msg: InboundMessage, line: ParsedLine, extra: { evidence?: () => Promise<Evidence> }): Promise<Reply[]> {
    const command = this.table.get(line.name)!;

    // Names and titles come from the platform: stored cut to a sane length.
    const chat = await this.opts.ledger.chat(msg.platform, msg.chatId, msg.chatTitle === undefined ? undefined : cut(msg.chatTitle, 100));
    // A name that is nothing but invisible or control characters is shown as the person's id.
    const member = await this.opts.ledger.member(msg.platform, msg.userId, cut(msg.userName || "", 64) || cut(msg.userId, 64));
    const role = this.roleOf(member, chat.unitId, msg.asMember);
    const needed = command.permission;

    if (PERMISSION_RANK[needed] > ROLE_RANK[role]) {
      return [
        errorReply(
          `只有${ROLE_NAMES[needed === "admin" ? "admin" : "officer"]}可以使用 /${command.zhName}。你的身份是${ROLE_NAMES[role]}。`,
        ),
      ];
    }
    const unit = chat.unitId === null ? null : await this.opts.ledger.unit(chat.unitId);
    if (needed !== "anyone" && needed !== "admin" && !unit) return [errorReply(UNBOUND_HINT)];

    const now = msg.sentAt ?? this.clock();
    const ctx: CommandContext = {
      msg,
      now,
      today: chinaDay(now),
      ledger: this.opts.ledger,
      config: this.opts.config,
      chat,
      unit,
      member,
      role,
      commands: this.opts.commands,
      clock: this.clock,
      actor: `${msg.platform}:${msg.userId}`,
      configuredAdmins: this.admins,
      plain: line.plain,
      evidence: extra.evidence,
      dashboard: this.opts.dashboard,
    };
    const schema = typeof command.args === "function" ? command.args(ctx) : command.args;
    const parsed = schema.safeParse(line.rest);
    if (!parsed.success) return [errorReply(parsed.error.issues[0]?.message ?? "参数不对。")];
    return command.run(ctx, parsed.data);
  }

  /** A reply with its command words in the person's voice (the help text lists both on purpose). */
  private inTheirWords(r: Reply, voice: Voice): Reply {
    return r.verbatim ? r : { ...r, text: inTheirWords(r.text, voice, this.table) };
  }

  private unknownCommand(name: string, rest: string): Reply {
    if (lookupWord(name)) return errorReply(`要记录「${name}」吗？请这样写：/记录 ${`${name} ${rest}`.trim()}`);
    const chinese = /[\u3400-\u9fff]/.test(name);
    // Short names are close to everything at distance 2 (foo → todo): allow one typo per 4 letters.
    // A Chinese name of two or more characters: one character wrong, missing or extra (/统记 → /统计).
    const near = (n: string) =>
      chinese
        ? /^[\u3400-\u9fff]{2,}$/.test(n) && [...name].length >= 2 && editDistance(n, name) <= 1
        : /^[a-z]+$/.test(n) && editDistance(n, name) <= Math.max(1, Math.floor(name.length / 4));
    let candidates = [...this.table.entries()].filter(([n]) => near(n));
    // Two Chinese names one character away: the one that starts the same way (/统记 is /统计, not /登记).
    if (chinese && candidates.some(([n]) => n[0] === name[0])) candidates = candidates.filter(([n]) => n[0] === name[0]);
    const close = [...new Set(candidates.map(([, c]) => c))].map((c) => (chinese ? `/${c.zhName}` : `/${c.name}`));
    const hint = close.length ? `你是不是想用 ${close.join("、")}？` : "";
    return errorReply(`没有「/${name}」这个命令。${hint}发送 /help 查看全部命令。`);
  }
}

/**
 * The store could not be reached or was busy: locked SQLite, a PostgreSQL connection dropped
 * (57P0x admin shutdown/termination, 08xxx connection errors), a refused or timed-out connection.
 * The transaction did not commit, so the user is told to send it again.
 */
export function isStoreUnavailable(e: unknown): boolean {
  const err = e as { message?: string; code?: unknown; cause?: { code?: unknown; message?: string } } | undefined;
  const codes = [err?.code, err?.cause?.code].map((c) => String(c ?? ""));
  // A full disk too (SQLITE_FULL, PostgreSQL 53100, ENOSPC): nothing was written.
  if (
    codes.some((c) =>
      /^(SQLITE_BUSY|SQLITE_LOCKED|SQLITE_FULL|SQLITE_IOERR|57P0\d|08\w{3}|53100|ENOSPC|ECONNRESET|ECONNREFUSED|ETIMEDOUT|EPIPE)/.test(c),
    )
  )
    return true;
  const text = `${err?.message ?? e} ${err?.cause?.message ?? ""}`;
  return /SQLITE_BUSY|SQLITE_FULL|database is locked|disk is full|No space left|Timed out|timeout|ECONNRESET|ECONNREFUSED|Connection terminated|terminating connection|not queryable|connection.*(closed|ended)|Client has encountered a connection error/i.test(
    text,
  );
}
