import { z } from "zod";
import type { Evidence } from "../src/core/evidence.js";
import { defineCommand } from "../src/core/command.js";
import { errorReply } from "../src/core/types.js";
import { saveDraft, recordReply, findPending } from "../src/core/recording.js";
import { PENDING_HOURS } from "../src/store/pending.js";

export default defineCommand({
  name: "confirm",
  zhName: "确认",
  aliases: ["确定"],
  permission: "member",
  summary: "确认机器人读出的记录（直接说的话、数字异常的记录），确认后才登记",
  summaryEn: "Confirm a record the bot read back to you",
  usage: ["/确认 — 确认自己最近一条待确认的记录", "/确认 12 — 确认 #待确认12"],
  args: z
    .string()
    .trim()
    .regex(/^(#?(待确认)?\d{1,9})?$/, "用法：/确认 或 /确认 编号，例如 /确认 12")
    .transform((s) => (s ? Number(s.replace(/\D/g, "")) : null)),
  async run(ctx, id) {
    const pending = await findPending(ctx, id, "确认");
    if (!("draft" in pending)) return [pending];
    const unit = await ctx.ledger.unit(pending.unitId);
    if (!unit) return [errorReply(`#待确认${pending.id} 的单位已不存在，请重新登记。`)];
    const made = await ctx.ledger.recordBySource(ctx.msg.platform, ctx.msg.chatId, pending.sourceMessageId);
    if (made) return [await recordReply(ctx, made, true, unit.id !== ctx.unit?.id ? unit : undefined)];
    if (pending.status === "cancelled") return [errorReply(`#待确认${pending.id} 已经取消了，没有登记。需要时请重新发送。`)];
    if (ctx.now.getTime() - pending.createdAt.getTime() > PENDING_HOURS * 3600_000) {
      return [errorReply(`#待确认${pending.id} 已超过 ${PENDING_HOURS} 小时没有确认，没有登记。请重新发送这条记录。`)];
    }
    await ctx.ledger.pending.close(pending.id, "confirmed", ctx.actor);
    try {
      const { evidence, ...draft } = pending.draft as typeof pending.draft & { evidence?: Evidence };
      return [await saveDraft(ctx, draft, { unit, messageId: pending.sourceMessageId, evidence })];
    } catch (e) {
      // Not recorded after all (the store failed): the reading waits again for the next 确认.
      await ctx.ledger.pending.reopen(pending.id).catch(() => undefined);
      throw e;
    }
  },
});
