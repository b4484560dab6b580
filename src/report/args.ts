// Arguments of /report and /export: a period, a child unit's name, and options, in any order.
import { z } from "zod";
import { parsePeriod, PERIOD_EXAMPLES, type Period } from "../domain/periods.js";
import type { CommandContext } from "../core/command.js";

export interface ReportArgs {
  period: Period;
  unitName: string | null;
  docx: boolean;
  exact: boolean;
}

const DOCX = /^(docx|word|文档|word文档|文件)$/i;
const EXACT = /^(精确|exact|准确|精确数字)$/i;

export function reportArgs(ctx: CommandContext): z.ZodType<ReportArgs, string> {
  return z.string().transform((s, issue) => {
    const out: ReportArgs = { period: parsePeriod("", ctx.today)!, unitName: null, docx: false, exact: false };
    let periodSeen = false;
    for (const word of s.trim().split(/\s+/).filter(Boolean)) {
      if (DOCX.test(word)) {
        out.docx = true;
        continue;
      }
      if (EXACT.test(word)) {
        out.exact = true;
        continue;
      }
      const p = parsePeriod(word, ctx.today);
      if (p && !periodSeen) {
        out.period = p;
        periodSeen = true;
        continue;
      }
      if (!out.unitName && !/^\d/.test(word)) {
        out.unitName = word;
        continue;
      }
      issue.addIssue({
        code: "custom",
        message: `没看懂「${word}」。时间段可以写：${PERIOD_EXAMPLES}；加「文档」返回 Word 文件，加「精确」写精确数字；上级单位可加下级单位名。`,
      });
      return z.NEVER;
    }
    return out;
  });
}

/** The period as a word the period parser reads back, for buttons: 2026Q4, 2026H1, 2026-11, 2026. */
export function periodWord(p: Period): string {
  switch (p.type) {
    case "month":
      return `${p.year}-${String(p.index).padStart(2, "0")}`;
    case "quarter":
      return `${p.year}Q${p.index}`;
    case "half":
      return `${p.year}H${p.index}`;
    case "year":
      return `${p.year}`;
  }
}

/** Resolves the unit a draft or export covers: this chat's, or a named unit of its subtree. */
export async function targetUnit(ctx: CommandContext, unitName: string | null): Promise<{ id: number; name: string } | string> {
  const unit = ctx.unit!;
  if (!unitName || unitName === unit.name) return unit;
  const named = await ctx.ledger.unitByName(unitName);
  // Another branch's unit is reported exactly like a missing one: a unit never learns of it.
  if (!named || !(await ctx.ledger.subtreeIds(unit.id)).includes(named.id)) {
    return `「${unit.name}」下没有名为「${unitName}」的单位。`;
  }
  return named;
}
