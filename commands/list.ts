import { defineCommand } from "../src/core/command.js";
import { text } from "../src/core/types.js";
import { periodArg } from "../src/core/args.js";
import { periodLabel } from "../src/domain/periods.js";
import { recordLine } from "../src/core/summaries.js";

const MAX_LINES = 50;

export default defineCommand({
  name: "list",
  zhName: "明细",
  aliases: ["列表", "台账", "ls", "records"],
  permission: "member",
  summary: "列出某个时间段的记录和编号（默认本季度）",
  summaryEn: "List this period's records with ids",
  usage: ["/明细 — 本季度", "/明细 上季度", "/明细 2026年11月"],
  args: periodArg,
  async run(ctx, period) {
    const unit = ctx.unit!;
    const ids = await ctx.ledger.subtreeIds(unit.id);
    const total = await ctx.ledger.countRecords(ids, period);
    const head = `${unit.name} ${periodLabel(period)}记录`;
    if (total === 0) return [text(`${head}：暂无。用 /记录 登记，例如：/记录 学习 12人`)];
    const rows = await ctx.ledger.listRecords(ids, period, MAX_LINES);
    const lines = rows.map((r) =>
      recordLine(r, `${r.unit.name !== unit.name ? ` [${r.unit.name}]` : ""}${r.member ? `（${r.member.name}）` : ""}`),
    );
    const more = total > rows.length ? `\n……共 ${total} 条，这里只列出前 ${rows.length} 条；完整台账请用 /导出台账。` : "";
    return [text(`${head}（共 ${total} 条）：\n${lines.join("\n")}${more}`)];
  },
});
