import { z } from "zod";
import { defineCommand, type CommandContext } from "../src/core/command.js";
import { parseRecord, ParseError, type RecordDraft } from "../src/domain/parser.js";
import { readPlainReport } from "../src/domain/plain.js";
import { implausibleFigures } from "../src/domain/plausible.js";
import { recordSummary } from "../src/domain/figures.js";
import { saveDraft, askFirst, recordReply, type RecordSource } from "../src/core/recording.js";
import { resolveUnit } from "../src/core/args.js";
import { errorReply, type Reply } from "../src/core/types.js";

/** The record a line describes (relative dates against the message's China day), or why it cannot be read. */
function readLine(ctx: CommandContext, line: string): { draft: RecordDraft } | { refused: Reply } {
  if (ctx.plain) {
    const draft = readPlainReport(line, ctx.today);
    return draft ? { draft } : { refused: errorReply("没看懂这句话。登记请写：/记录 学习 中心组学习 12人") };
  }
  try {
    return { draft: parseRecord(line, ctx.today) };
  } catch (e) {
    if (!(e instanceof ParseError)) throw e;
    return { refused: errorReply(e.message) };
  }
}

/** The unit a line records for: the chat's, or (单位：永业村) one of its units, for its officers. */
async function sourceOf(ctx: CommandContext, draft: RecordDraft): Promise<RecordSource | Reply> {
  const unit = ctx.unit!;
  if (!draft.unitName) return { unit, messageId: ctx.msg.messageId };
  const found = await resolveUnit(ctx, draft.unitName);
  if (typeof found === "string") return errorReply(found);
  if (found.id !== unit.id && ctx.role === "member") {
    return errorReply(`只有本单位宣传员或管理员可以代下级单位登记（「单位：${draft.unitName}」）。请去掉「单位：…」登记本单位的记录。`);
  }
  return { unit: found, messageId: ctx.msg.messageId };
}

/** An edited record message: its record follows the new text (or is made now, if the first was refused). */
async function amend(ctx: CommandContext, draft: RecordDraft, source: RecordSource): Promise<Reply[]> {
  const record = await ctx.ledger.recordBySource(ctx.msg.platform, ctx.msg.chatId, ctx.msg.messageId);
  if (!record) return [await saveDraft(ctx, draft, source)];
  if (record.deletedAt) return [errorReply(`这条消息的记录 #${record.id} 已经撤销或删除，修改消息不会恢复它。需要时请重新发送 /记录。`)];
  if (record.unitId !== source.unit.id) {
    return [errorReply(`修改后的消息改了登记单位；记录 #${record.id} 的单位不能这样改。请 /撤销 ${record.id} 后重新登记。`)];
  }
  const { before, after } = await ctx.ledger.updateRecord(record.id, draft, ctx.actor, "record.amend");
  // The same edit delivered again, or an edit that changed nothing the record holds: nothing to say.
  if (JSON.stringify(before) === JSON.stringify(after)) return [];
  const reply = await recordReply(ctx, after, false);
  return [
    {
      ...reply,
      title: "已更正",
      text: `已按修改后的消息更正 #${after.id}。原为：${recordSummary(before)}（${before.day}）。\n${reply.text}`,
    },
  ];
}

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
    "/记录 活动 最美家庭故事分享会 11月20日 60人 地点：社区广场",
    "/记录 学习 支部党员大会 12人 主持人：张书记 记录人：李明",
    "/记录 发布 网评文章 6篇",
    "/record study 12 people",
    "上级单位的宣传员和管理员可以代下级单位登记：/记录 学习 12人 单位：永业村",
    "也可以直接说（@机器人、回复机器人或私聊）：今天组织了中心组学习，12人参加 —— 确认后才登记",
    "日期可写：今天、昨天、前天、11月20日、26号、上周五、上个月25号；数字可写：12、十二、两百、1.2万、3000余、20余次",
  ],
  // The line is read in run(), not by an args schema built for each message around its China
  // day: building that schema was a tenth of the record command's time through the webhook.
  args: z.string(),
  async run(ctx, line) {
    const read = readLine(ctx, line);
    if ("refused" in read) return [read.refused];
    const { draft } = read;
    const source = await sourceOf(ctx, draft);
    if (!("unit" in source)) return [source];
    if (ctx.msg.edited) return amend(ctx, draft, source);
    if (ctx.plain) {
      const prior = await ctx.ledger.recordBySource(ctx.msg.platform, ctx.msg.chatId, ctx.msg.messageId);
      if (prior) return [await recordReply(ctx, prior, true)];
      const question = implausibleFigures(draft, ctx.config.plausible_limits);
      return [await askFirst(ctx, draft, source, `我从这句话里读出了一条记录，请核对：${question ? `\n${question}` : ""}`)];
    }
    const question = implausibleFigures(draft, ctx.config.plausible_limits);
    if (question) {
      const prior = await ctx.ledger.recordBySource(ctx.msg.platform, ctx.msg.chatId, ctx.msg.messageId);
      if (prior) return [await recordReply(ctx, prior, true)];
      return [await askFirst(ctx, draft, source, question)];
    }
    return [await saveDraft(ctx, draft, source)];
  },
});
