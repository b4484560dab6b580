import { z } from "zod";
import { defineCommand } from "../src/core/command.js";
import { errorReply, text } from "../src/core/types.js";
import { attachEvidence, albumKey, evidenceList } from "../src/core/evidence.js";
import { recordInReach } from "../src/core/recording.js";
import { recordSummary } from "../src/domain/figures.js";
import { dayLabel } from "../src/time.js";
import type { CommandContext } from "../src/core/command.js";

const USAGE =
  "给记录附照片或文件（签到表、会议记录）：直接回复那条记录的确认消息发送照片；或发送照片时在说明里写 /附件 记录编号，例如 /附件 128。发送 /附件 128 查看 #128 的附件。";

/** The record a captionless photo answers: the record line or the bot's confirmation it replies to, or its album's. */
async function targetOf(ctx: CommandContext): Promise<number | null> {
  const { msg } = ctx;
  if (msg.replyToMessageId) {
    const line = await ctx.ledger.recordBySource(msg.platform, msg.chatId, msg.replyToMessageId);
    if (line) return line.id;
    const confirmed = await ctx.ledger.attachments.recordOfSent(msg.platform, msg.chatId, msg.replyToMessageId);
    if (confirmed !== null) return confirmed;
  }
  const album = albumKey(msg);
  return album ? ctx.ledger.attachments.recordOfGroup(album) : null;
}

export default defineCommand({
  name: "attach",
  zhName: "附件",
  aliases: ["照片", "附照片", "附图"],
  permission: "member",
  summary: "给记录附上照片、签到表或会议记录：回复记录的确认消息发送照片，或照片说明写 /附件 编号",
  summaryEn: "Attach photos or files to a record",
  usage: [
    "回复记录的确认消息发送照片或文件 — 附到那条记录",
    "发送照片，说明写 /附件 128 — 附到 #128",
    "发送照片，说明写 /记录 学习 中心组学习 12人 — 登记并附上照片（一组照片一起附上）",
    "/附件 128 — 查看 #128 的附件",
    "可附：图片、PDF、Word、Excel；单个不超过 20 MB",
  ],
  args: z
    .string()
    .trim()
    .transform((s, issue) => {
      if (!s) return null;
      const m = /^#?(\d{1,9})$/.exec(s);
      if (!m) {
        issue.addIssue({ code: "custom", message: USAGE });
        return z.NEVER;
      }
      return Number(m[1]);
    }),
  async run(ctx, id) {
    const evidence = ctx.evidence;
    const recordId = id ?? (evidence ? await targetOf(ctx) : null);
    if (recordId === null) {
      // A photo answering something that is not a record: in a group it is people's chatter.
      if (!evidence || ctx.msg.direct || ctx.msg.addressedToBot) return [errorReply(`没找到要附到哪条记录。${USAGE}`)];
      return [];
    }
    const found = await recordInReach(ctx, recordId);
    if ("refusal" in found) return [found.refusal];
    const { record } = found;
    const what = `#${record.id}（${recordSummary(record)}，${dayLabel(record.day)}）`;
    if (!evidence) {
      const rows = await ctx.ledger.attachments.ofRecords([record.id]);
      return [text(rows.length ? `${what}的附件：${evidenceList(rows)}。` : `#${record.id} 还没有附件。${USAGE}`)];
    }
    if (record.deletedAt) return [errorReply(`记录 #${record.id} 已经撤销或删除，附件没有保存。`)];
    const isAuthor = record.memberId === ctx.member.id;
    // The same rights as /修改: the author; an officer, their own unit's; an administrator, the subtree's.
    if (!isAuthor && (ctx.role === "member" || (ctx.role === "officer" && record.unitId !== ctx.unit!.id))) {
      return [errorReply(`#${record.id} 不是你登记的：附件由记录人本人、本单位宣传员或管理员添加。`)];
    }
    // Fetched only now, once the record and the right to add to it are known.
    const said = await attachEvidence(ctx.ledger, record.id, record.unitId, await evidence(), ctx.actor);
    return [{ ...text(`${what}：${said}`), kind: "record", recordId: record.id }];
  },
});
