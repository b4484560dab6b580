import { z } from "zod";
import { defineCommand } from "../src/core/command.js";
import { errorReply, text } from "../src/core/types.js";
import { chinaTime, dayLabel } from "../src/time.js";

const LOGOUT = /^(退出|注销|登出|logout|exit)$/i;

export default defineCommand({
  name: "dashboard",
  zhName: "看板",
  aliases: ["网页看板", "kanban", "web"],
  permission: "member",
  summary: "发送网页看板的一次性登录链接：本单位及下级单位的要求完成情况、记录、照片和图表，可下载草稿和台账",
  summaryEn: "A one-time link to the web dashboard",
  usage: ["/看板 — 发一个只能打开一次、10 分钟内有效的登录链接（用手机或电脑浏览器打开）", "/看板 退出 — 结束你在所有设备上的看板登录"],
  args: z
    .string()
    .trim()
    .transform((s, issue) => {
      if (!s) return "open" as const;
      if (LOGOUT.test(s)) return "logout" as const;
      issue.addIssue({ code: "custom", message: `看不懂「${s}」。发送 /看板 获取登录链接，或 /看板 退出 结束登录。` });
      return z.NEVER;
    }),
  async run(ctx, action) {
    const unit = ctx.unit!;
    if (action === "logout") {
      const ended = await ctx.ledger.dashboard.revokePerson(ctx.msg.platform, ctx.msg.userId);
      return [
        text(ended ? `已退出看板：结束了你的 ${ended} 个登录，未使用的链接也已作废。` : "你现在没有登录看板，未使用的链接（如有）已作废。"),
      ];
    }
    if (!ctx.dashboard) {
      return [errorReply("本部署没有开启网页看板。请管理员设置 PUBLIC_URL（大家能打开的网址，例如 https://bot.example.cn）后重启机器人。")];
    }
    const { url, expiresAt, sessionHours } = await ctx.dashboard.link({
      unitId: unit.id,
      platform: ctx.msg.platform,
      chatId: ctx.msg.chatId,
      userId: ctx.msg.userId,
      userName: ctx.member.name,
    });
    const at = chinaTime(expiresAt);
    const until = `${at.format("YYYY-MM-DD") === ctx.today ? "" : dayLabel(at.format("YYYY-MM-DD"))}${at.format("H:mm")}`;
    return [
      {
        ...text(
          [
            `「${unit.name}」看板登录链接（${ctx.member.name}专用，只能打开一次，${until}前有效，请勿转发）：`,
            url,
            `打开后 ${sessionHours} 小时内可查看本单位及下级单位的要求完成情况、记录、照片和图表，下载报告草稿和台账。发送 /看板 退出 可随时结束登录。`,
          ].join("\n"),
        ),
        // The link is written as it is: the command words in it are not the person's to translate.
        verbatim: true,
      },
    ];
  },
});
