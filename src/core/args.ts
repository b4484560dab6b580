// Argument schemas several commands share.
import { z } from "zod";
import { parsePeriod, PERIOD_EXAMPLES, type Period } from "../domain/periods.js";
import type { CommandContext } from "./command.js";

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
