import { z } from "zod";
import { defineCommand } from "../src/core/command.js";
import { text, errorReply } from "../src/core/types.js";
import { draftLine, findPending } from "../src/core/recording.js";
import { kindByCode } from "../src/domain/catalog.js";

export default defineCommand({
  name: "discard",
  zhName: "取消",
  aliases: ["不登记"],
  permission: "member",
  summary: "不登记机器人读出的待确认记录；加「修改」会给出可改后重发的一行",
  summaryEn: "Drop a record waiting for confirmation",
  usage: ["/取消 — 取消自己最近一条待确认的记录", "/取消 12 修改 — 取消 #待确认12，并给出改好后重发的 /记录 一行"],
  args: z
    .string()
    .trim()
    .regex(/^(#?(待确认)?\d{1,9})?\s*(修改)?$/, "用法：/取消 或 /取消 编号，例如 /取消 12")
    .transform((s) => {
      const id = /\d+/.exec(s);
      return { id: id ? Number(id[0]) : null, edit: s.endsWith("修改") };
    }),
  async run(ctx, { id, edit }) {
    const pending = await findPending(ctx, id, "取消");
    if (!("draft" in pending)) return [pending];
    if (pending.status === "confirmed") return [errorReply(`#待确认${pending.id} 已经确认登记了；要去掉请用 /撤销。`)];
    await ctx.ledger.pending.close(pending.id, "cancelled", ctx.actor);
    const line = draftLine(pending.draft, kindByCode(pending.draft.kind).name);
    if (edit) return [text(`好的，#待确认${pending.id} 没有登记。请复制下面这行，改好后发送：\n${line}`)];
    return [text(`好的，#待确认${pending.id} 没有登记。`)];
  },
});
