import { z } from "zod";
import { defineCommand } from "../src/core/command.js";
import { text, errorReply } from "../src/core/types.js";

const UNIT_NAME = /^[^\s/@#<>{}"'`\\]{1,40}$/u;
const CONFIRM = /^(确认|确定|confirm|yes)$/i;

const BindArgs = z.string().transform((s, ctx) => {
  const words = s.trim().split(/\s+/).filter(Boolean);
  const confirmed = words.length > 0 && CONFIRM.test(words[words.length - 1]);
  if (confirmed) words.pop();
  if (words.length === 0 || words.length > 2) {
    ctx.addIssue({
      code: "custom",
      message: "用法：/bind 单位名 [上级单位名]\n例如：/bind 金桥社区 金桥镇（把本群绑定到金桥社区，上级是金桥镇）",
    });
    return z.NEVER;
  }
  const bad = words.find((w) => !UNIT_NAME.test(w));
  if (bad) {
    ctx.addIssue({ code: "custom", message: `单位名「${bad.slice(0, 40)}」不合适：请用 1–40 个字，不要含空格和 / @ # < > 等符号。` });
    return z.NEVER;
  }
  if (words[1] && words[0] === words[1]) {
    ctx.addIssue({ code: "custom", message: "单位不能是自己的上级。" });
    return z.NEVER;
  }
  return { unit: words[0], parent: words[1] ?? null, confirmed };
});

export default defineCommand({
  name: "bind",
  zhName: "绑定",
  permission: "admin",
  summary: "把本群绑定到一个单位（单位不存在时自动创建），可指定上级单位",
  summaryEn: "Bind this chat to a unit (admins)",
  usage: [
    "/绑定 金桥社区 金桥镇 — 本群是金桥社区，上级是金桥镇",
    "/绑定 金桥镇 — 本群是金桥镇（宣传办）",
    "/绑定 新单位 确认 — 改绑已绑定的群",
  ],
  args: BindArgs,
  async run(ctx, args) {
    const current = ctx.chat.unitId === null ? null : await ctx.ledger.unit(ctx.chat.unitId);
    const target = await ctx.ledger.unitByName(args.unit);
    const parent = args.parent ? await ctx.ledger.unitByName(args.parent) : null;
    const parentChange = Boolean(target && args.parent && target.parentId !== (parent?.id ?? -1));
    if (current && current.id === target?.id && !parentChange) {
      return [text(`本群已经绑定到「${current.name}」，无需重复绑定。`)];
    }
    if ((current && current.id !== target?.id) || parentChange) {
      if (!args.confirmed) {
        const what =
          current && current.id !== target?.id
            ? `本群现在绑定的是「${current.name}」，改绑后新记录将记入「${args.unit}」（已有记录不变）。`
            : `「${args.unit}」的上级将改为「${args.parent}」。`;
        return [errorReply(`${what}\n确认请发送：/bind ${args.unit}${args.parent ? ` ${args.parent}` : ""} 确认`)];
      }
    }
    const r = await ctx.ledger.bind(ctx.chat, args.unit, args.parent, ctx.actor);
    const notes: string[] = [];
    if (r.parentCreated) notes.push(`已新建上级单位「${args.parent}」。`);
    if (r.unitCreated) notes.push(`已新建单位「${args.unit}」。`);
    if (r.parentChanged) notes.push(`「${args.unit}」的上级已改为「${args.parent}」。`);
    const upper = r.parent ? `（上级：${r.parent.name}）` : "";
    const verb = r.previousUnitId ? "改绑" : "绑定";
    return [
      text(
        `已将本群${verb}到「${r.unit.name}」${upper}。${notes.join("")}\n现在可以登记工作了，例如：/记录 学习 12人；发送 /帮助 查看全部命令。`,
      ),
    ];
  },
});
