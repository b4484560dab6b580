import { z } from "zod";
import { defineCommand } from "../src/core/command.js";
import { text, errorReply } from "../src/core/types.js";
import { chinaTime } from "../src/time.js";

export default defineCommand({
  name: "outbox",
  zhName: "发送记录",
  aliases: ["failed", "发送失败"],
  permission: "admin",
  summary: "查看发送失败或待发送的提醒，并可重发",
  summaryEn: "Failed and pending reminders (admins)",
  usage: ["/发送记录 — 失败和待发送的提醒", "/发送记录 重发 12 — 重新发送第 12 条"],
  args: z.string().trim().transform((s, issue) => {
    if (!s) return { retry: null as number | null };
    const m = /^(重发|retry)\s+#?(\d{1,9})$/i.exec(s);
    if (!m) { issue.addIssue({ code: "custom", message: "用法：/发送记录 或 /发送记录 重发 编号" }); return z.NEVER; }
    return { retry: Number(m[2]) };
  }),
  async run(ctx, args) {
    const db = ctx.ledger.db;
    if (args.retry !== null) {
      const { count } = await db.outbox.updateMany({ where: { id: args.retry, status: "failed" }, data: { status: "pending", attempts: 0, nextAttemptAt: ctx.now, lockedUntil: null } });
      if (!count) return [errorReply(`没有发送失败的第 ${args.retry} 条。`)];
      await ctx.ledger.audit(db, ctx.actor, "outbox.retry", "Outbox", args.retry);
      return [text(`第 ${args.retry} 条已重新排队发送。`)];
    }
    const failed = await db.outbox.findMany({ where: { status: "failed" }, orderBy: { id: "desc" }, take: 20 });
    const pending = await db.outbox.count({ where: { status: "pending" } });
    const lines = failed.map((r) => `#${r.id} ${r.platform}:${r.chatExternalId} 尝试 ${r.attempts} 次，${chinaTime(r.createdAt).format("M月D日 HH:mm")}；错误：${r.lastError ?? "未知"}`);
    return [text(`待发送 ${pending} 条；发送失败 ${failed.length} 条${failed.length ? "：\n" + lines.join("\n") + "\n发送 /发送记录 重发 编号 可重发。" : "。"}`)];
  },
});
