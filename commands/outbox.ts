import { z } from "zod";
import { defineCommand } from "../src/core/command.js";
import { text, errorReply } from "../src/core/types.js";
import { chinaTime } from "../src/time.js";

/** What each outbox row is, in the listing's words. */
const KIND_LABELS: Record<string, string> = { reminder: "提醒", digest: "汇总", checklist: "工作清单", notice: "通知", reply: "命令回复" };
const kindLabel = (kind: string) => KIND_LABELS[kind] ?? kind;
const when = (d: Date) => chinaTime(d).format("M月D日 HH:mm");
/** How many pending and failed messages the listing shows. */
const LISTED = 20;
/** The first line of a message, short enough for a list. */
const gist = (body: string) => {
  const line = body.split("\n")[0];
  return [...line].length > 40 ? `${[...line].slice(0, 40).join("")}…` : line;
};

export default defineCommand({
  name: "outbox",
  zhName: "发送记录",
  aliases: ["failed", "发送失败"],
  permission: "admin",
  summary: "查看待发送和发送失败的提醒与回复，并可重发",
  summaryEn: "Pending and failed reminders and replies (admins)",
  usage: ["/发送记录 — 接下来要发送的和发送失败的消息", "/发送记录 重发 12 — 重新发送第 12 条"],
  args: z
    .string()
    .trim()
    .transform((s, issue) => {
      if (!s) return { retry: null as number | null };
      const m = /^(重发|retry)\s+#?(\d{1,9})$/i.exec(s);
      if (!m) {
        issue.addIssue({ code: "custom", message: "用法：/发送记录 或 /发送记录 重发 编号" });
        return z.NEVER;
      }
      return { retry: Number(m[2]) };
    }),
  async run(ctx, args) {
    if (args.retry !== null) {
      if (!(await ctx.ledger.outbox.requeue(args.retry, ctx.actor))) return [errorReply(`没有发送失败的第 ${args.retry} 条。`)];
      return [text(`第 ${args.retry} 条已重新排队发送。`)];
    }
    const { failed, pending, pendingCount, chatUnits } = await ctx.ledger.outbox.listing(LISTED);
    const chatLabel = (platform: string, chat: string) => {
      const unit = chatUnits.get(`${platform}:${chat}`);
      return unit ? `「${unit}」（${platform}:${chat}）` : `${platform}:${chat}`;
    };
    const parts: string[] = [];
    if (!pending.length) parts.push("待发送 0 条。");
    else {
      // Per chat, in the order they go out: when, what, and its first line.
      const byChat = new Map<string, typeof pending>();
      for (const r of pending) {
        const key = `${r.platform}\u0000${r.chatExternalId}`;
        byChat.set(key, [...(byChat.get(key) ?? []), r]);
      }
      parts.push(`待发送 ${pendingCount} 条${pendingCount > pending.length ? `（以下是最先发送的 ${pending.length} 条）` : ""}：`);
      for (const rows of byChat.values()) {
        parts.push(`发往${chatLabel(rows[0].platform, rows[0].chatExternalId)}：`);
        for (const r of rows) {
          const retry = r.lastError ? `（上次失败：${r.lastError}）` : "";
          parts.push(`  #${r.id} ${when(r.nextAttemptAt)} ${kindLabel(r.kind)}${retry}：${gist(r.body)}`);
        }
      }
    }
    if (!failed.length) parts.push("发送失败 0 条。");
    else {
      parts.push(`发送失败 ${failed.length} 条：`);
      for (const r of failed) {
        parts.push(
          `  #${r.id} ${kindLabel(r.kind)} → ${chatLabel(r.platform, r.chatExternalId)}，尝试 ${r.attempts} 次，${when(r.createdAt)}；错误：${r.lastError ?? "未知"}；内容：${gist(r.body)}`,
        );
      }
      parts.push("发送 /发送记录 重发 编号 可重发。");
    }
    return [text(parts.join("\n"))];
  },
});
