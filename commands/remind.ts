import { z } from "zod";
import { defineCommand } from "../src/core/command.js";
import { text } from "../src/core/types.js";

const ON = /^(on|开|打开|开启|启用)$/i;
const OFF = /^(off|关|关闭|停止|静音)$/i;

export default defineCommand({
  name: "remind",
  zhName: "提醒",
  aliases: ["mute", "reminders"],
  permission: "admin",
  summary: "打开或关闭本单位的截止提醒",
  summaryEn: "Turn this unit's reminders on or off (admins)",
  usage: ["/提醒 关 — 不再给本单位发提醒", "/提醒 开 — 恢复提醒", "/提醒 — 查看当前状态"],
  args: z
    .string()
    .trim()
    .refine((s) => s === "" || ON.test(s) || OFF.test(s), "用法：/提醒 开 或 /提醒 关")
    .transform((s) => (s === "" ? null : ON.test(s))),
  async run(ctx, on) {
    const unit = ctx.unit;
    if (!unit) return [text("本群还没有绑定单位。请先发送：/bind 单位名 [上级单位名]")];
    if (on === null) return [text(`「${unit.name}」的截止提醒目前${unit.remindersMuted ? "已关闭" : "已打开"}。`)];
    if (unit.remindersMuted === !on) return [text(`「${unit.name}」的截止提醒本来就${on ? "是打开的" : "是关闭的"}。`)];
    await ctx.ledger.setRemindersMuted(unit.id, !on, ctx.actor);
    return [
      text(
        on
          ? `已打开「${unit.name}」的截止提醒。`
          : `已关闭「${unit.name}」的截止提醒；上级单位的进度汇总仍会列出本单位。发送 /提醒 开 可恢复。`,
      ),
    ];
  },
});
