import { defineCommand } from "../src/core/command.js";
import { text } from "../src/core/types.js";
import { periodArg } from "../src/core/args.js";
import { periodLabel, type Period } from "../src/domain/periods.js";
import { totalsByKind, kindClause } from "../src/domain/figures.js";
import { rulesOf, ruleApplies, rulePeriodsWithin, progressOf, PROGRESS_MARK, perLabel, deadlineOf } from "../src/domain/requirements.js";
import { dayLabel } from "../src/time.js";
import type { CommandContext } from "../src/core/command.js";

/** The requirement lines for one unit in a period: "✅ 专题研究意识形态工作（每季度不少于 1 次）：1 次". */
export async function requirementLines(ctx: CommandContext, unitId: number, unitName: string, hasChildren: boolean, view: Period): Promise<string[]> {
  const lines: string[] = [];
  for (const rule of rulesOf(ctx.config)) {
    if (!ruleApplies(rule, { name: unitName }, hasChildren)) continue;
    const parts: string[] = [];
    for (const p of rulePeriodsWithin(rule, view)) {
      const n = (await ctx.ledger.ruleCounts(rule.kind, rule.subtypes, p, [unitId])).get(unitId) ?? 0;
      const mark = PROGRESS_MARK[progressOf(n, rule, p, ctx.today)];
      const short = periodLabel(p).replace(/^\d{4}年/, "");
      const label = p.type === view.type || !short ? "" : `${short} `;
      parts.push(rule.type === "report" ? `${mark} ${label}${n >= 1 ? "已报送" : `未报送（截止 ${dayLabel(deadlineOf(rule, p))}）`}` : `${mark} ${label}${n}/${rule.min}`);
    }
    const what = rule.type === "report" ? `${rule.name}（${perLabel(rule.per)}）` : `${rule.name}（${perLabel(rule.per)}不少于 ${rule.min} 次）`;
    lines.push(`${what}：${parts.join("，")}`);
  }
  return lines;
}

export default defineCommand({
  name: "stats",
  zhName: "统计",
  aliases: ["进度", "汇总", "summary"],
  permission: "member",
  summary: "某个时间段的各类数字和要求完成情况（默认本季度）",
  summaryEn: "This period's figures and progress",
  usage: ["/统计 — 本季度", "/统计 上季度", "/统计 2026年第三季度", "/统计 上半年", "/统计 2026年11月"],
  args: periodArg,
  async run(ctx, period) {
    const unit = ctx.unit!;
    const ids = await ctx.ledger.subtreeIds(unit.id);
    const totals = totalsByKind(await ctx.ledger.figures(ids, period));
    const scope = ids.length > 1 ? `（含下级单位 ${ids.length - 1} 个）` : "";
    const lines = [`${unit.name}${scope} ${periodLabel(period)}（${dayLabel(period.start)}—${dayLabel(period.end)}）统计：`];
    if (totals.length === 0) lines.push("暂无记录。用 /记录 登记，例如：/记录 学习 12人");
    for (const t of totals) {
      const subs = t.bySubtype.length && !t.kind.hasQuantity ? `（其中${t.bySubtype.map((s) => `${s.subtype} ${s.sessions} ${t.kind.countUnit}`).join("、")}）` : "";
      lines.push(`· ${kindClause(t)}${subs}`);
    }
    const req = await requirementLines(ctx, unit.id, unit.name, ids.length > 1, period);
    if (req.length) lines.push("", "要求完成情况（✅ 已完成 ⏳ 进行中 ❌ 未完成）：", ...req);
    return [text(lines.join("\n"))];
  },
});
