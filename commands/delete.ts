import { z } from "zod";
import { defineCommand } from "../src/core/command.js";
import { text, errorReply } from "../src/core/types.js";
import { recordSummary } from "../src/domain/figures.js";
import { runningTotal } from "../src/core/summaries.js";
import { dayLabel } from "../src/time.js";

export default defineCommand({
  name: "delete",
  zhName: "删除",
  aliases: ["del", "rm", "删"],
  permission: "member",
  summary: "删除一条记录（管理员、本单位宣传员或记录人本人）",
  summaryEn: "Delete a record by id",
  usage: ["/删除 128 — 删除 #128（编号见 /明细）"],
  args: z
    .string()
    .trim()
    .regex(/^#?\d{1,9}$/, "请写要删除的记录编号，例如：/删除 128（编号见 /明细）")
    .transform((s) => Number(s.replace("#", ""))),
  async run(ctx, id) {
    const record = await ctx.ledger.record(id);
    // Records of other units are reported as missing: a unit never learns another's ledger.
    const allowedUnits = record ? await ctx.ledger.subtreeIds(ctx.unit!.id) : [];
    if (!record || !allowedUnits.includes(record.unitId)) return [errorReply(`本单位没有记录 #${id}。发送 /明细 查看记录编号。`)];
    if (record.deletedAt) return [errorReply(`记录 #${id} 已经删除过了。`)];
    const isAuthor = record.memberId === ctx.member.id;
    if (!isAuthor && ctx.role === "member") return [errorReply(`只有管理员、本单位宣传员或记录人本人可以删除 #${id}。`)];
    const done = await ctx.ledger.deleteRecord(id, ctx.actor, "record.delete");
    const total = await runningTotal(ctx.ledger, done.unitId, done.kind, done.day, ctx.today);
    return [text(`已删除 #${done.id}：${recordSummary(done)}（${dayLabel(done.day)}）。${total}。`)];
  },
});
