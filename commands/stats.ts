import { defineCommand } from "../src/core/command.js";
import { text } from "../src/core/types.js";
import { periodArg } from "../src/core/args.js";
import { periodLabel, type Period } from "../src/domain/periods.js";
import { totalsByKind, kindClause } from "../src/domain/figures.js";
import { rulesOf, ruleApplies, rulePeriodsWithin, progressOf, PROGRESS_MARK, perLabel, deadlineOf } from "../src/domain/requirements.js";
import { dayLabel } from "../src/time.js";
import type { CommandContext } from "../src/core/command.js";

/** The requirement lines for one unit in a period: "✅ 专题研究意识形态工作（每季度不少于 1 次）：1 次". */
export async function requirementLines(
  ctx: CommandContext,
  unitId: number,
  unitName: string,
  hasChildren: boolean,
  view: Period,
): Promise<string[]> {
  const judged = rulesOf(ctx.config)
    .filter((rule) => ruleApplies(rule, { name: unitName }, hasChildren))
    .map((rule) => ({ rule, periods: rulePeriodsWithin(rule, view) }));
  // Every rule period's count in one query, in the order the lines are written.
  const counts = await ctx.ledger.unitWindowCounts(
    unitId,
    judged.flatMap(({ rule, periods }) => periods.map((p) => ({ kind: rule.kind, subtypes: rule.subtypes, start: p.start, end: p.end }))),
  );
  let i = 0;
  return judged.map(({ rule, periods }) => {
    const parts = periods.map((p) => {
      const n = counts[i++];
      const mark = PROGRESS_MARK[progressOf(n, rule, p, ctx.today)];
      const short = periodLabel(p).replace(/^\d{4}年/, "");
      const label = p.type === view.type || !short ? "" : `${short} `;
      return rule.type === "report"
        ? `${mark} ${label}${n >= 1 ? "已报送" : `未报送（截止 ${dayLabel(deadlineOf(rule, p))}）`}`
        : `${mark} ${label}${n}/${rule.min}`;
    });
    const what =
      rule.type === "report" ? `${rule.name}（${perLabel(rule.per)}）` : `${rule.name}（${perLabel(rule.per)}不少于 ${rule.min} 次）`;
    return `${what}：${parts.join("，")}`;
  });
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
      const subs =
        t.bySubtype.length && !t.kind.hasQuantity
          ? `（其中${t.bySubtype.map((s) => `${s.subtype} ${s.sessions} ${t.kind.countUnit}`).join("、")}）`
          : "";
      lines.push(`· ${kindClause(t)}${subs}`);
    }
    const req = await requirementLines(ctx, unit.id, unit.name, ids.length > 1, period);
    if (req.length) lines.push("", "要求完成情况（✅ 已完成 ⏳ 进行中 ❌ 未完成）：", ...req);
    return [text(lines.join("\n"))];
  },
});
