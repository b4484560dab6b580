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

export default defineCommand({
  name: "role",
  zhName: "角色",
  aliases: ["权限", "roles", "admin"],
  permission: "admin",
  summary: "查看或设置管理员、本单位宣传员",
  summaryEn: "List or set administrators and officers (admins)",
  usage: [
    "/角色 — 列出管理员和本单位宣传员",
    "/角色 张三 宣传员 — 张三成为本群单位的宣传员",
    "/角色 telegram:123456 管理员",
    "/角色 张三 成员 — 撤销其角色",
  ],
  args: z
    .string()
    .trim()
    .transform((s, issue) => {
      if (!s) return null;
      const words = s.split(/\s+/);
      const role = ROLE_WORDS[words[words.length - 1]?.toLowerCase()];
      if (words.length < 2 || !role) {
        issue.addIssue({ code: "custom", message: "用法：/角色 名字或平台ID 管理员|宣传员|成员，例如：/角色 张三 宣传员" });
        return z.NEVER;
      }
      return { who: words.slice(0, -1).join(" "), role };
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
    const member = await resolveMember(ctx, args.who);
    if (typeof member === "string") return [errorReply(member)];
    if (ctx.configuredAdmins.has(`${member.platform}:${member.externalId}`))
      return [errorReply(`「${member.name}」是配置（ADMINS）指定的管理员，要改请修改配置。`)];
    if (member.id === ctx.member.id && args.role !== "admin") return [errorReply("不能撤销自己的管理员身份，请另一位管理员操作。")];
    if (args.role === "officer" && !ctx.unit) return [errorReply("宣传员属于一个单位：请在已绑定单位的群里设置。")];
    await ctx.ledger.setRole(member, args.role, args.role === "officer" ? ctx.unit!.id : null, ctx.actor);
    const where = args.role === "officer" ? `「${ctx.unit!.name}」的` : "";
    return [text(`已将「${member.name}」设为${where}${ROLE_NAMES[args.role]}。`)];
  },
});
