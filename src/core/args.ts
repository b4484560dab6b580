// Argument schemas several commands share.
import { z } from "zod";
import { parsePeriod, PERIOD_EXAMPLES, type Period } from "../domain/periods.js";
import type { CommandContext } from "./command.js";
import type { MemberRow } from "../store/ledger.js";

/** A period word (default: this quarter), e.g. 本季度, 2026Q3, 2026年第三季度, 上半年. */
export function periodArg(ctx: CommandContext): z.ZodType<Period, string> {
  return z.string().transform((s, issue) => {
    const p = parsePeriod(s, ctx.today);
    if (!p) {
      issue.addIssue({ code: "custom", message: `没看懂时间段「${s.trim()}」。可以写：${PERIOD_EXAMPLES}。` });
      return z.NEVER;
    }
    return p;
  });
}

/** The shape of a bare user id on a platform: an argument of that shape is an id, never a name. */
const BARE_ID: Record<string, RegExp> = {
  telegram: /^\d{1,20}$/,
  lark: /^ou_[0-9a-z]{1,64}$/i,
};
/** "telegram:123456", "lark:ou_xxx", "console:张三": a platform, a colon, the platform's user id. */
const QUALIFIED_ID = /^([a-z][a-z0-9_-]{0,19})[:：](\S{1,128})$/i;

/** An example id for replies, in the shape of the chat's platform. */
export function exampleId(platform: string): string {
  return platform === "telegram" ? "telegram:123456" : platform === "lark" ? "lark:ou_xxx" : `${platform}:用户ID`;
}

/**
 * What an argument naming a person refers to. `telegram:123` (any platform), or a bare id of the
 * chat's platform's shape (digits on Telegram, ou_… on Lark), is an identity and matches ids
 * only; anything else is a display name.
 */
export function personRef(platform: string, who: string): { platform: string; externalId: string } | { name: string } {
  const w = who.trim();
  const q = QUALIFIED_ID.exec(w);
  if (q) return { platform: q[1].toLowerCase(), externalId: q[2] };
  if (BARE_ID[platform]?.test(w)) return { platform, externalId: w };
  return { name: w.replace(/^@/, "") };
}

const ROLE_LABEL: Record<string, string> = { admin: "管理员", officer: "宣传员" };

/**
 * Finds the one person an administrator means, or the Chinese reply saying why not. An id finds
 * that identity only. A display name — which anyone can set to anything — finds only people who
 * have made a record in a bound chat or already hold a role, and only when exactly one person of
 * this platform has that name: otherwise every person of that name is listed with their id, and
 * nothing is done. `retry(id)` is the command to send again with an id.
 */
export async function resolveMember(ctx: CommandContext, who: string, retry: (id: string) => string): Promise<MemberRow | string> {
  const ref = personRef(ctx.msg.platform, who);
  if ("externalId" in ref) {
    const found = await ctx.ledger.memberById(ref.platform, ref.externalId);
    if (found) return found;
    return `没有找到 ID 为 ${ref.platform}:${ref.externalId} 的人：对方还没有和机器人说过话。请对方先在本单位的群里发送 /帮助，然后再发一次这条命令。`;
  }
  const LIMIT = 10;
  const named = await ctx.ledger.membersNamed(ctx.msg.platform, ref.name, LIMIT);
  const known = (m: MemberRow & { records: number }) => m.records > 0 || m.role !== "member";
  const id = (m: MemberRow) => `${m.platform}:${m.externalId}`;
  if (named.length === 0) {
    return (
      `没有找到名叫「${ref.name}」的人。按名字只能找到在已绑定单位的群里登记过记录、或已是管理员或宣传员的人。` +
      `请对方先在本单位的群里发送 /帮助，再发一次这条命令，会列出对方的平台 ID；也可以直接写 ID，例如：${retry(exampleId(ctx.msg.platform))}`
    );
  }
  if (named.length === 1 && known(named[0])) return named[0];
  if (named.length === 1) {
    const m = named[0];
    return (
      `「${m.name}」（${id(m)}）还没有在已绑定单位的群里登记过记录，也没有角色：显示名谁都可以改，按名字无法确认就是这个人。` +
      `如果确认是他/她，请用平台 ID 发送：${retry(id(m))}`
    );
  }
  const lines = named.map((m) => {
    const what = [ROLE_LABEL[m.role], m.records > 0 ? `登记过 ${m.records} 条记录` : "尚未登记记录"].filter(Boolean).join("，");
    return `${id(m)} ${m.name}（${what}）`;
  });
  const more = named.length >= LIMIT ? `\n（只列出前 ${LIMIT} 位）` : "";
  return `有 ${named.length} 位成员叫「${ref.name}」，无法确定是哪一位，本次没有改动。请改用平台 ID，例如：${retry(id(named[0]))}\n${lines.join("\n")}${more}`;
}
