import { z } from "zod";
import { defineCommand } from "../src/core/command.js";
import { text, errorReply } from "../src/core/types.js";
import { recordSummary } from "../src/domain/figures.js";
import { runningTotal } from "../src/core/summaries.js";
import { dayLabel } from "../src/time.js";

/** How long after recording the author can take a record back with /undo (then: /delete). */
export const UNDO_WINDOW_HOURS = 24;

export default defineCommand({
  name: "undo",
  zhName: "撤销",
  aliases: ["撤回", "cancel"],
  permission: "member",
  summary: `撤销自己最近一条记录（${UNDO_WINDOW_HOURS} 小时内）`,
  summaryEn: "Undo your last record",
  usage: ["/撤销 — 撤销自己最近一条记录", "/撤销 128 — 撤销自己的 #128 记录"],
  args: z
    .string()
    .trim()
    .regex(/^(#?\d{1,9})?$/, "用法：/撤销 或 /撤销 记录编号，例如 /撤销 128")
    .transform((s) => (s ? Number(s.replace("#", "")) : null)),
  async run(ctx, id) {
    const since = new Date(ctx.now.getTime() - UNDO_WINDOW_HOURS * 3600_000);
    let record;
    if (id === null) {
      record = await ctx.ledger.lastRecordBy(ctx.member.id, ctx.unit!.id, since);
      if (!record) return [errorReply(`你在 ${UNDO_WINDOW_HOURS} 小时内没有可撤销的记录。更早的记录请用 /删除 编号。`)];
    } else {
      record = await ctx.ledger.record(id);
      if (!record || record.unitId !== ctx.unit!.id) return [errorReply(`本单位没有记录 #${id}。发送 /明细 查看记录编号。`)];
      if (record.deletedAt) return [errorReply(`记录 #${id} 已经撤销过了。`)];
      if (record.memberId !== ctx.member.id) return [errorReply(`#${id} 不是你登记的，只能撤销自己的记录。管理员可以用 /删除 ${id}。`)];
      if (record.createdAt < since) return [errorReply(`#${id} 登记已超过 ${UNDO_WINDOW_HOURS} 小时，请用 /删除 ${id}。`)];
    }
    const done = await ctx.ledger.deleteRecord(record.id, ctx.actor, "record.undo");
    const total = await runningTotal(ctx.ledger, done.unitId, done.kind, done.day, ctx.today);
    const evidence = done.attachmentsRemoved ? `附件 ${done.attachmentsRemoved} 个一并删除。` : "";
    return [text(`已撤销 #${done.id}：${recordSummary(done)}（${dayLabel(done.day)}）。${total}。${evidence}`)];
  },
});
