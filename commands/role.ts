import { z } from "zod";
import { defineCommand } from "../src/core/command.js";
import { text, errorReply } from "../src/core/types.js";
import { resolveMember } from "../src/core/args.js";
import type { Role } from "../src/store/ledger.js";

const ROLE_WORDS: Record<string, Role> = {
  管理员: "admin",
  admin: "admin",
  宣传员: "officer",
  单位宣传员: "officer",
  officer: "officer",
  成员: "member",
  member: "member",
  普通成员: "member",
};
const ROLE_NAMES: Record<Role, string> = { admin: "管理员", officer: "宣传员", member: "成员" };
const CONFIRM = /^(确认|确定|confirm|yes)$/i;
const USAGE = "用法：/角色 名字或平台ID 管理员|宣传员|成员，例如：/角色 张三 宣传员 或 /角色 telegram:123456 宣传员";

export default defineCommand({
  name: "role",
  zhName: "角色",
  aliases: ["权限", "roles", "admin"],
  permission: "admin",
  summary: "查看或设置管理员、本单位宣传员（按名字只找登记过记录或已有角色的人，重名时请用平台 ID）",
  summaryEn: "List or set administrators and officers (admins)",
  usage: [
    "/角色 — 列出管理员和本单位宣传员",
    "/角色 张三 宣传员 — 张三成为本群单位的宣传员（一人只担任一个单位的宣传员，换单位要确认）",
    "/角色 telegram:123456 管理员 — 用平台 ID 指定（重名、或对方还没有登记过记录时）",
    "/角色 张三 成员 — 撤销其角色",
  ],
  args: z
    .string()
    .trim()
    .transform((s, issue) => {
      if (!s) return null;
      const words = s.split(/\s+/);
      const confirmed = words.length > 2 && CONFIRM.test(words[words.length - 1]);
      if (confirmed) words.pop();
      const word = words[words.length - 1];
      const role = ROLE_WORDS[word?.toLowerCase()];
      if (words.length < 2 || !role) {
        issue.addIssue({ code: "custom", message: USAGE });
        return z.NEVER;
      }
      return { who: words.slice(0, -1).join(" "), role, word, confirmed };
    }),
  async run(ctx, args) {
    if (!args) {
      const holders = await ctx.ledger.roleHolders(ctx.unit?.id ?? null);
      const configured = [...ctx.configuredAdmins].map((a) => `${a}（配置 ADMINS）`);
      const lines = [
        ...configured,
        ...holders.map((m) => `${m.name}（${m.platform}:${m.externalId}）：${ROLE_NAMES[m.role as Role] ?? m.role}`),
      ];
      return [text(`管理员和${ctx.unit ? `「${ctx.unit.name}」` : ""}宣传员：\n${lines.join("\n") || "（暂无）"}`)];
    }
    const member = await resolveMember(ctx, args.who, (id) => `/角色 ${id} ${args.word}`);
    if (typeof member === "string") return [errorReply(member)];
    const id = `${member.platform}:${member.externalId}`;
    const who = `「${member.name}」（${id}）`;
    if (ctx.configuredAdmins.has(id)) return [errorReply(`「${member.name}」是配置（ADMINS）指定的管理员，要改请修改配置。`)];
    if (member.id === ctx.member.id && args.role !== "admin") return [errorReply("不能撤销自己的管理员身份，请另一位管理员操作。")];
    if (args.role === "officer" && !ctx.unit) return [errorReply("宣传员属于一个单位：请在已绑定单位的群里设置。")];

    // member.unitId holds one unit: an officer named for a second unit stops being the first's.
    const was = member.role === "officer" && member.unitId !== null ? await ctx.ledger.unit(member.unitId) : null;
    const confirmLine = `确认请发送：/角色 ${id} ${args.word} 确认`;
    if (args.role === "officer") {
      const unit = ctx.unit!;
      if (member.role === "officer" && member.unitId === unit.id) return [text(`${who}已经是「${unit.name}」的宣传员，无需重复设置。`)];
      if (was && !args.confirmed) {
        return [
          errorReply(
            `${who}现在是「${was.name}」的宣传员。一个人只能担任一个单位的宣传员：设为「${unit.name}」的宣传员后，将不再是「${was.name}」的宣传员。\n${confirmLine}`,
          ),
        ];
      }
      if (member.role === "admin" && !args.confirmed) {
        return [
          errorReply(`${who}现在是管理员。设为「${unit.name}」的宣传员后将不再是管理员，只能管理「${unit.name}」的记录。\n${confirmLine}`),
        ];
      }
    }
    if (args.role === member.role && args.role !== "officer") {
      return [text(args.role === "admin" ? `${who}已经是管理员，无需重复设置。` : `${who}本来就是成员，没有角色可撤销。`)];
    }
    await ctx.ledger.setRole(member, args.role, args.role === "officer" ? ctx.unit!.id : null, ctx.actor);
    // What the person could see on the web page followed from the old role: its sessions end.
    const ended = await ctx.ledger.dashboard.revokePerson(member.platform, member.externalId);
    const where = args.role === "officer" ? `「${ctx.unit!.name}」的` : "";
    const no = was && was.id !== ctx.unit?.id ? `（不再是「${was.name}」的宣传员）` : member.role === "admin" ? "（不再是管理员）" : "";
    const web = ended ? "其看板登录已结束，需要时请重新发送 /看板。" : "";
    return [text(`已将${who}设为${where}${ROLE_NAMES[args.role]}${no}。${web}`)];
  },
});
