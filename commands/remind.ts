import { z } from "zod";
import { defineCommand } from "../src/core/command.js";
import { errorReply, text } from "../src/core/types.js";
import { quietRuleIds } from "../src/store/ledger.js";
import { rulesOf, type Rule } from "../src/domain/requirements.js";
import { kindByCode } from "../src/domain/catalog.js";

const ON = /^(on|开|打开|开启|启用|恢复)$/i;
const OFF = /^(off|关|关闭|停止|静音)$/i;
const USAGE = "用法：/提醒 开、/提醒 关，或只管一项要求：/提醒 关 理论学习、/提醒 开 理论学习";

/** The rule a person names: its id, its name or a part of it only one rule has, or its kind's word. */
function findRule(rules: Rule[], word: string): Rule[] {
  const w = word.replace(/^[「『“"]|[」』”"]$/g, "").trim();
  const exact = rules.filter((r) => r.id === w || r.name === w);
  if (exact.length) return exact;
  const part = rules.filter((r) => r.name.includes(w));
  if (part.length) return part;
  return rules.filter((r) => {
    const k = kindByCode(r.kind);
    return [k.label, ...k.aliases].includes(w) || (r.subtypes ?? []).some((s) => s.includes(w));
  });
}

export default defineCommand({
  name: "remind",
  zhName: "提醒",
  aliases: ["mute", "reminders"],
  permission: "admin",
  summary: "打开或关闭本单位的截止提醒，或只静音其中一项要求",
  summaryEn: "Turn this unit's reminders on or off, or quiet one requirement (admins)",
  usage: [
    "/提醒 关 — 不再给本单位发提醒",
    "/提醒 开 — 恢复提醒",
    "/提醒 关 理论学习 — 只静音这一项要求的提醒（上级的进度汇总仍会列出）",
    "/提醒 — 查看当前状态",
  ],
  args: z
    .string()
    .trim()
    .transform((s, issue) => {
      if (s === "") return null;
      const [first, ...rest] = s.split(/\s+/);
      if (!ON.test(first) && !OFF.test(first)) {
        issue.addIssue({ code: "custom", message: USAGE });
        return z.NEVER;
      }
      return { on: ON.test(first), rule: rest.join(" ") || null };
    }),
  async run(ctx, args) {
    const unit = ctx.unit;
    if (!unit) return [text("本群还没有绑定单位。请先发送：/绑定 单位名 [上级单位名]")];
    const rules = rulesOf(ctx.config);
    const quiet = quietRuleIds(unit);
    const quietNames = rules.filter((r) => quiet.includes(r.id)).map((r) => `「${r.name}」`);
    if (args === null) {
      const state = `「${unit.name}」的截止提醒目前${unit.remindersMuted ? "已关闭" : "已打开"}`;
      return [text(`${state}${quietNames.length && !unit.remindersMuted ? `，其中${quietNames.join("、")}已静音` : ""}。`)];
    }
    if (args.rule !== null) {
      const found = findRule(rules, args.rule);
      if (!found.length) return [errorReply(`没有名为「${args.rule}」的要求。本部署的要求有：${rules.map((r) => r.name).join("、")}。`)];
      if (found.length > 1) return [errorReply(`「${args.rule}」对应多项要求：${found.map((r) => r.name).join("、")}。请写出完整名称。`)];
      const rule = found[0];
      if (quiet.includes(rule.id) === !args.on)
        return [text(`「${unit.name}」的「${rule.name}」提醒本来就${args.on ? "是打开的" : "已静音"}。`)];
      await ctx.ledger.setRuleQuiet(unit.id, rule.id, !args.on, ctx.actor);
      return [
        text(
          args.on
            ? `已恢复「${unit.name}」的「${rule.name}」提醒。`
            : `已静音「${unit.name}」的「${rule.name}」提醒；上级单位的进度汇总仍会列出本单位，/截止 中会注明。发送 /提醒 开 ${rule.name} 可恢复。`,
        ),
      ];
    }
    if (unit.remindersMuted === !args.on) return [text(`「${unit.name}」的截止提醒本来就${args.on ? "是打开的" : "是关闭的"}。`)];
    await ctx.ledger.setRemindersMuted(unit.id, !args.on, ctx.actor);
    return [
      text(
        args.on
          ? `已打开「${unit.name}」的截止提醒。`
          : `已关闭「${unit.name}」的截止提醒；上级单位的进度汇总仍会列出本单位。发送 /提醒 开 可恢复。`,
      ),
    ];
  },
});
