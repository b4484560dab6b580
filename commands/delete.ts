import { z } from "zod";
import { defineCommand } from "../src/core/command.js";
import { text, errorReply } from "../src/core/types.js";
import { recordSummary } from "../src/domain/figures.js";
import { runningTotal } from "../src/core/summaries.js";
import { dayLabel } from "../src/time.js";
import { recordInReach } from "../src/core/recording.js";

export default defineCommand({
  name: "delete",
  zhName: "删除",
  aliases: ["del", "rm", "删"],
  permission: "member",
  summary: "删除一条记录（记录人本人、本单位宣传员删本单位的，管理员还可删下级单位的）",
  summaryEn: "Delete a record by id",
  usage: ["/删除 128 — 删除 #128（编号见 /明细）"],
  args: z
    .string()
    .trim()
    .regex(/^#?\d{1,9}$/, "请写要删除的记录编号，例如：/删除 128（编号见 /明细）")
    .transform((s) => Number(s.replace("#", ""))),
  async run(ctx, id) {
    const found = await recordInReach(ctx, id);
    if ("refusal" in found) return [found.refusal];
    const { record } = found;
    if (record.deletedAt) return [errorReply(`记录 #${id} 已经删除过了。`)];
    const isAuthor = record.memberId === ctx.member.id;
    // The author may delete their own; an officer, the records of their own unit (the chat's:
    // router.roleOf makes someone an officer only in their own unit's chats); an administrator,
    // any record of the chat's subtree.
    const own = record.unitId === ctx.unit!.id;
    if (!isAuthor && ctx.role === "member") {
      return [errorReply(`只有管理员、本单位宣传员或记录人本人可以删除 #${id}。如需删除，请联系记录人、本单位宣传员或管理员。`)];
    }
    if (!isAuthor && ctx.role === "officer" && !own) {
      const child = await ctx.ledger.unit(record.unitId);
      return [
        errorReply(
          `#${id} 是下级单位「${child?.name ?? record.unitId}」的记录：宣传员只能删除本单位的记录，下级单位的记录请由该单位的宣传员在其群里删除，或请管理员删除。`,
        ),
      ];
    }
    const done = await ctx.ledger.deleteRecord(id, ctx.actor, "record.delete");
    const total = await runningTotal(ctx.ledger, done.unitId, done.kind, done.day, ctx.today);
    const evidence = done.attachmentsRemoved ? `附件 ${done.attachmentsRemoved} 个一并删除。` : "";
    return [text(`已删除 #${done.id}：${recordSummary(done)}（${dayLabel(done.day)}）。${total}。${evidence}`)];
  },
});
