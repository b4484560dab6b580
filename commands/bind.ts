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

/** "台账里有 3 条记录" / "台账里有本级 0 条、下级单位 5 条记录". */
function recordsPhrase(f: { records: number; subtreeRecords: number }): string {
  const below = f.subtreeRecords - f.records;
  return below > 0 ? `台账里有本级 ${f.records} 条、下级单位 ${below} 条记录` : `台账里有 ${f.records} 条记录`;
}

export default defineCommand({
  name: "bind",
  zhName: "绑定",
  permission: "admin",
  summary: "把本群绑定到一个单位（单位不存在时自动创建），可指定上级单位；加入已有单位或改绑要确认",
  summaryEn: "Bind this chat to a unit (admins)",
  usage: [
    "/绑定 金桥社区 金桥镇 — 本群是金桥社区，上级是金桥镇",
    "/绑定 金桥镇 — 本群是金桥镇（宣传办）",
    "/绑定 新单位 确认 — 改绑已绑定的群，或加入一个已存在的单位（写出它现在的上级则不必确认）",
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
    // Joining a unit that exists (names are unique across the deployment): the chat then sees and
    // adds to that unit's ledger. Naming its present parent shows which unit is meant; otherwise
    // the admin is told where it sits and what it holds, and asked.
    const joining = Boolean(target && target.id !== current?.id);
    const rebinding = Boolean(current && current.id !== target?.id);
    const knowsParent = Boolean(args.parent && !parentChange);
    if (!args.confirmed && (rebinding || parentChange || (joining && !knowsParent))) {
      const parts: string[] = [];
      if (rebinding) parts.push(`本群现在绑定的是「${current!.name}」，改绑后新记录将记入「${args.unit}」（已有记录不变）。`);
      if (target && (joining || parentChange)) {
        const upper = target.parentId === null ? null : await ctx.ledger.unit(target.parentId);
        const f = await ctx.ledger.unitFootprint(target.id);
        const where = upper ? `隶属「${upper.name}」` : "是顶级单位（没有上级）";
        parts.push(`「${target.name}」已存在，${where}，已有 ${f.chats} 个群绑定，${recordsPhrase(f)}。`);
        if (parentChange) {
          const from = upper ? `从「${upper.name}」` : "从顶级";
          const to = parent ? `「${args.parent}」` : `新建的上级单位「${args.parent}」`;
          parts.push(`确认后「${target.name}」将连同它的全部记录${from}移到${to}之下${joining ? "，本群也将绑定到它" : ""}。`);
        } else {
          parts.push(`本群绑定后将看到并登记「${target.name}」的台账。`);
        }
      } else if (parentChange) {
        parts.push(`「${args.unit}」的上级将改为「${args.parent}」。`);
      }
      const again = `/bind ${args.unit}${args.parent ? ` ${args.parent}` : ""} 确认`;
      const lines = [parts.join(""), `确认${joining && !parentChange ? "是同一个单位" : ""}请发送：${again}`];
      if (joining) {
        const example = args.parent ? `：/bind ${args.parent}${args.unit} ${args.parent}` : `加上所属镇街：/bind 某镇${args.unit} 某镇`;
        lines.push(`如果是另一个同名单位，请换一个能区分的名字，例如${example}`);
      }
      return [errorReply(lines.join("\n"))];
    }
    const r = await ctx.ledger.bind(ctx.chat, args.unit, args.parent, ctx.actor);
    const notes: string[] = [];
    if (r.parentCreated) notes.push(`已新建上级单位「${args.parent}」。`);
    if (r.unitCreated) notes.push(`已新建单位「${args.unit}」。`);
    if (r.parentChanged) notes.push(`「${args.unit}」的上级已改为「${args.parent}」。`);
    const above = r.parent ?? (r.unit.parentId === null ? null : await ctx.ledger.unit(r.unit.parentId));
    const upper = above ? `（上级：${above.name}）` : "";
    const verb = r.previousUnitId && r.previousUnitId !== r.unit.id ? "改绑" : "绑定";
    return [
      text(
        `已将本群${verb}到「${r.unit.name}」${upper}。${notes.join("")}\n现在可以登记工作了，例如：/记录 学习 12人；发送 /帮助 查看全部命令。`,
      ),
    ];
  },
});
