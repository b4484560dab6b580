// A chat command as data: its names in both languages, its argument schema, its permission, its
// help and its handler. The router, /help and the platform command menus are built from these.
import type { Evidence } from "./evidence.js";
import type { z } from "zod";
import type { InboundMessage, Reply } from "./types.js";
import type { Ledger, ChatRow, UnitRow, MemberRow, Role, DashboardPerson } from "../store/ledger.js";
import type { Deployment } from "../config/deployment.js";
import type { Clock } from "../time.js";

/**
 * Who may run a command. "anyone": even in an unbound chat. "member": anyone in a bound chat.
 * "officer": the unit's officers and administrators. "admin": administrators only.
 */
export type Permission = "anyone" | "member" | "officer" | "admin";

export interface CommandContext {
  msg: InboundMessage;
  /** The message's instant and China day. */
  now: Date;
  today: string;
  ledger: Ledger;
  config: Deployment;
  chat: ChatRow;
  /** The unit this chat is bound to (null only for "anyone" and "admin" commands). */
  unit: UnitRow | null;
  member: MemberRow;
  role: Role;
  /** Every command, for /help. */
  commands: readonly AnyCommand[];
  clock: Clock;
  /** The audit log's name for the sender: "console:alice". */
  actor: string;
  /** Administrators named in the configuration (ADMINS), "platform:userId": not removable by command. */
  configuredAdmins: ReadonlySet<string>;
  /**
   * The line was not a command but read as a report of work in plain language ("今天组织了中心组
   * 学习，12人参加"): /记录 reads it leniently and asks its author to confirm before it counts.
   */
  plain?: boolean;
  /**
   * The photos and files that came with the message, when it has any: fetched from the platform
   * and stored on the first call (see core/evidence.ts), so only a command that keeps them pays.
   */
  evidence?: () => Promise<Evidence>;
  /** The web page (/看板), when this deployment serves one (PUBLIC_URL is set). */
  dashboard?: DashboardLinks;
}

export interface DashboardLinks {
  /** A signed single-use link that logs this person in; with when it stops working. */
  link(person: DashboardPerson): Promise<{ url: string; expiresAt: Date; sessionHours: number }>;
}

export interface Command<Args> {
  /** The English name: /record. Lower-case ASCII (Telegram's menu requires [a-z0-9_]). */
  name: string;
  /** The Chinese name shown first in help: 记录. */
  zhName: string;
  /** Further names in either language: 记, rec. */
  aliases?: string[];
  permission: Permission;
  /** One-line Chinese description for /help and the platform menus. */
  summary: string;
  /** The English menu description (Telegram's default-language menu). */
  summaryEn: string;
  /** Usage lines with examples, for /help NAME. */
  usage: string[];
  /**
   * Turns the text after the command into typed arguments; a failed parse's first issue message
   * is the reply (so messages are Chinese and name the bad word). A function when parsing needs
   * the context (the record parser needs the message's day).
   */
  args: z.ZodType<Args, string> | ((ctx: CommandContext) => z.ZodType<Args, string>);
  run(ctx: CommandContext, args: Args): Promise<Reply[]>;
}

// eslint-disable-next-line @typescript-eslint/no-explicit-any
export type AnyCommand = Command<any>;

export function defineCommand<Args>(c: Command<Args>): Command<Args> {
  return c;
}
