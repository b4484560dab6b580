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

/** Finds one member of this platform by name or id, or the Chinese reply saying why not. */
export async function resolveMember(ctx: CommandContext, who: string): Promise<MemberRow | string> {
  const found = await ctx.ledger.findMembers(ctx.msg.platform, who);
  if (found.length === 0)
    return `没有找到「${who}」。请对方先在群里发一条命令（例如 /帮助），或写平台 ID，例如 ${ctx.msg.platform}:123456。`;
  if (found.length > 1)
    return `有 ${found.length} 位成员叫「${who}」，请用平台 ID：${found.map((m) => `${m.platform}:${m.externalId}`).join("、")}`;
  return found[0];
}
