import { z } from "zod";
import { defineCommand } from "../src/core/command.js";
import { errorReply, text } from "../src/core/types.js";
import { readUnitAndPeriod } from "../src/core/args.js";
import { kindByCode } from "../src/domain/catalog.js";
import { periodOf, periodLabel, nextPeriod } from "../src/domain/periods.js";
import { rulesOf, ruleApplies, deadlineOf, perLabel, progressOf, PROGRESS_MARK } from "../src/domain/requirements.js";
import { dayLabel } from "../src/time.js";
import { quietRuleIds } from "../src/store/ledger.js";

const USAGE = "用法：/截止（不需要参数）";

export default defineCommand({
  name: "deadlines",
  zhName: "截止",
  aliases: ["任务", "要求", "todo", "due"],
  permission: "member",
  summary: "本单位近期的截止要求和完成情况；上级单位可看某个下级单位",
  summaryEn: "Upcoming deadlines and their status",
  usage: ["/截止 — 本单位", "/截止 金桥社区 — 上级单位看某个下级单位（写名称中独有的一部分也可以：/截止 金桥）"],
  args: z.string(),
  async run(ctx, rest) {
    const args = await readUnitAndPeriod(ctx, rest, { command: "截止", period: false, leafUsage: USAGE });
    if (typeof args === "string") return [errorReply(args)];
    const unit = args.unit.id === ctx.unit!.id ? ctx.unit! : await ctx.ledger.unit(args.unit.id);
    if (!unit) return [errorReply(`「${ctx.unit!.name}」下没有名为「${args.unit.name}」的单位。`)];
    const hasChildren = (await ctx.ledger.children(unit.id)).length > 0;
    const due = rulesOf(ctx.config)
      .filter((rule) => ruleApplies(rule, unit, hasChildren))
      .map((rule) => {
        let period = periodOf(rule.per, ctx.today);
        // A deadline set after the period's end may still be open for the previous period.
        if (deadlineOf(rule, period) < ctx.today) period = nextPeriod(period);
        return { rule, period };
      });
    const counts = await ctx.ledger.unitWindowCounts(
      unit.id,
      due.map(({ rule, period }) => ({ kind: rule.kind, subtypes: rule.subtypes, start: period.start, end: period.end })),
    );
    const quiet = quietRuleIds(unit);
    const lines = due.map(({ rule, period }, i) => {
      const deadline = deadlineOf(rule, period);
      const n = counts[i];
      const k = kindByCode(rule.kind);
      const days = Math.round((Date.parse(deadline) - Date.parse(ctx.today)) / 86_400_000);
      const left = days === 0 ? "今天截止" : `还有 ${days} 天`;
      const mark = PROGRESS_MARK[progressOf(n, rule, period, ctx.today)];
      const status = rule.type === "report" ? (n >= 1 ? "已报送" : "未报送") : `已记录 ${n}/${rule.min} ${k.countUnit}`;
      const quieted = quiet.includes(rule.id) && !unit.remindersMuted ? "（提醒已静音）" : "";
      return `${mark} ${rule.name}（${perLabel(rule.per)}）：${periodLabel(period)}，截止 ${dayLabel(deadline)}（${left}），${status}${quieted}`;
    });
    if (!lines.length) return [text(`「${unit.name}」目前没有适用的截止要求。`)];
    const muted = unit.remindersMuted ? "\n（本单位的提醒已关闭，管理员可发送 /提醒 开 重新打开）" : "";
    return [text(`「${unit.name}」近期要求（✅ 已完成 ⏳ 进行中 ❌ 未完成）：\n${lines.join("\n")}${muted}`)];
  },
});
