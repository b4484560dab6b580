import { z } from "zod";
import { defineCommand } from "../src/core/command.js";
import { parseRecord, ParseError } from "../src/domain/parser.js";
import { recordSummary } from "../src/domain/figures.js";
import { periodOf, periodLabel } from "../src/domain/periods.js";
import { runningTotal } from "../src/core/summaries.js";
import { dayLabel } from "../src/time.js";
import type { Reply } from "../src/core/types.js";

export default defineCommand({
  name: "record",
  zhName: "记录",
  aliases: ["记", "登记", "rec", "add"],
  permission: "member",
  summary: "登记一次会议、学习、宣传发放、宣讲、活动、信息发布、舆情处置或报告报送",
  summaryEn: "Record a meeting, study session, distribution…",
  usage: [
    "/记录 学习 中心组学习 12人 主题：二十大精神",
    "/记录 会议 意识形态工作专题会议 昨天",
    "/记录 发放 宣传册 3000份 11月20日",
    "/记录 宣讲 3场 约200人次",
    "/记录 发布 网评文章 6篇",
    "/record study 12 people",
    "/record distribution banners 12",
    "日期可写：今天、昨天、前天、11月20日、11.20、2026-11-20、上周五；数字可写：12、十二、两百、1.2万、3000余",
  ],
  // The parser needs the message's China day (relative dates, no future dates).
  args: (ctx) =>
    z.string().transform((s, issue) => {
      try {
        return parseRecord(s, ctx.today);
      } catch (e) {
        if (!(e instanceof ParseError)) throw e;
        issue.addIssue({ code: "custom", message: e.message });
        return z.NEVER;
      }
    }),
  async run(ctx, draft) {
    const unit = ctx.unit!;
    const { record, duplicate } = await ctx.ledger.createRecord(draft, {
      unitId: unit.id,
      chatId: ctx.chat.id,
      memberId: ctx.member.id,
      platform: ctx.msg.platform,
      sourceChat: ctx.msg.chatId,
      messageId: ctx.msg.messageId,
      actor: ctx.actor,
    });
    // The record is committed: from here on a failure must not turn into "not saved" (the user
    // would type it again under a new message id). Without its running total the reply still confirms.
    const total = await runningTotal(ctx.ledger, record.unitId, record.kind, record.day, ctx.today).catch(
      () => "本季度累计暂时无法统计，可稍后发送 /统计 查看",
    );
    const when = dayLabel(record.day, record.day.slice(0, 4) !== ctx.today.slice(0, 4));
    const notes: string[] = [];
    const quarter = periodOf("quarter", record.day);
    if (quarter.end < ctx.today) notes.push(`注意：${when}属于已结束的${periodLabel(quarter)}，已计入该季度。`);
    const head = duplicate ? `这条消息已经记录过了（#${record.id}），没有重复登记。` : "";
    const reply: Reply = {
      kind: "record",
      title: duplicate ? "已记录过" : "已记录",
      text: `${head}已记录 #${record.id}：${recordSummary(record)}（${when}）。${total}。${notes.join("")}发送 /undo 撤销。`,
      actions: record.deletedAt ? [] : [{ label: "撤销", command: `/undo ${record.id}` }],
    };
    return [reply];
  },
});
