import { z } from "zod";
import { defineCommand } from "../src/core/command.js";
import { text, errorReply } from "../src/core/types.js";
import { resolveMember } from "../src/core/args.js";

export default defineCommand({
  name: "forget",
  zhName: "删除个人信息",
  aliases: ["forgetme", "删除成员信息"],
  permission: "admin",
  summary: "删除某位成员的个人信息（姓名、平台账号），其登记的记录和数字保留（重名时请用平台 ID）",
  summaryEn: "Delete a member's personal data, keep the figures (admins)",
  usage: ["/删除个人信息 张三 — 先确认", "/删除个人信息 telegram:123456 确认"],
  args: z
    .string()
    .trim()
    .transform((s, issue) => {
      const words = s.split(/\s+/).filter(Boolean);
      const confirmed = words.length > 1 && /^(确认|confirm)$/i.test(words[words.length - 1]);
      if (confirmed) words.pop();
      if (words.length === 0) {
        issue.addIssue({ code: "custom", message: "用法：/删除个人信息 名字或平台ID [确认]，例如：/删除个人信息 张三" });
        return z.NEVER;
      }
      return { who: words.join(" "), confirmed };
    }),
  async run(ctx, args) {
    const member = await resolveMember(ctx, args.who, (id) => `/删除个人信息 ${id}`);
    if (typeof member === "string") return [errorReply(member)];
    const id = `${member.platform}:${member.externalId}`;
    if (ctx.configuredAdmins.has(id)) return [errorReply(`「${member.name}」是配置（ADMINS）指定的管理员，请先从配置中移除。`)];
    if (!args.confirmed) {
      return [
        errorReply(
          `将删除「${member.name}」（${id}）的姓名和平台账号（审计日志中也会匿名），其登记的记录保留、数字不变。确认请发送：/删除个人信息 ${id} 确认`,
        ),
      ];
    }
    const { records, alias } = await ctx.ledger.forgetMember(member, ctx.actor);
    return [text(`已删除「${member.name}」的个人信息。其登记的 ${records} 条记录保留在台账中，登记人显示为「${alias}」。`)];
  },
});
