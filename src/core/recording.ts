// Making a record from a parsed line, and asking first when it should not count yet. /记录, /确认
// and an edited record message all end here, so the confirmation reads the same whichever way a
// record was made, and a reading that needs its author's word is kept, not recorded.
import { attachEvidence, evidenceWords, evidenceCounts, type Evidence } from "./evidence.js";
import type { CommandContext } from "./command.js";
import type { Reply } from "./types.js";
import type { RecordDraft } from "../domain/parser.js";
import type { RecordRow, UnitRow, PendingRow } from "../store/ledger.js";
import { errorReply } from "./types.js";
import { recordSummary } from "../domain/figures.js";
import { periodOf, periodLabel } from "../domain/periods.js";
import { runningTotal, recordDetails, inspectionFields } from "./summaries.js";
import { dayLabel } from "../time.js";

/** Where a record comes from: its unit and the message whose key it carries. */
export interface RecordSource {
  unit: UnitRow;
  messageId: string;
  /** Evidence kept with a reading until its 确认 (else the message's own, ctx.evidence). */
  evidence?: Evidence;
}

/** The confirmation of a record made (or found made by the same message before). */
export async function recordReply(ctx: CommandContext, record: RecordRow, duplicate: boolean, onBehalf?: UnitRow): Promise<Reply> {
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
  const whose = onBehalf ? `（代「${onBehalf.name}」登记，计入该单位）` : "";
  const details = recordDetails(record);
  return {
    kind: "record",
    title: duplicate ? "已记录过" : "已记录",
    text:
      `${head}已记录 #${record.id}${whose}：${recordSummary(record)}（${when}）。${total}。${details ? `${details}。` : ""}` +
      `${notes.join("")}发送 /撤销 撤销，/修改 ${record.id} 更正。`,
    actions: record.deletedAt ? [] : [{ label: "撤销", command: `/undo ${record.id}` }],
    recordId: record.id,
  };
}

/** Records a draft under the message's key; a redelivery finds the first record. */
export async function saveDraft(ctx: CommandContext, draft: RecordDraft, source: RecordSource): Promise<Reply> {
  const { record, duplicate } = await ctx.ledger.createRecord(draft, {
    unitId: source.unit.id,
    chatId: ctx.chat.id,
    memberId: ctx.member.id,
    platform: ctx.msg.platform,
    sourceChat: ctx.msg.chatId,
    messageId: source.messageId,
    actor: ctx.actor,
  });
  const reply = await recordReply(ctx, record, duplicate, source.unit.id !== ctx.unit?.id ? source.unit : undefined);
  // The photos and files sent with the line (already stored) join the record; a redelivery finds
  // them attached and adds nothing.
  const evidence = source.evidence ?? (await ctx.evidence?.());
  if (!evidence || (!evidence.files.length && !evidence.refused.length)) return reply;
  const said = await attachEvidence(ctx.ledger, record.id, record.unitId, evidence, ctx.actor);
  return { ...reply, text: `${reply.text}\n${said}` };
}

/** A draft as one /记录 line its author can copy, change and send again. */
export function draftLine(draft: RecordDraft, kindName: string): string {
  const parts = [`/记录 ${kindName}`];
  if (draft.subtype) parts.push(draft.subtype);
  if (draft.title) parts.push(draft.title);
  if (draft.item) parts.push(draft.item);
  if (draft.quantity) parts.push(`${draft.quantity}${draft.quantityApprox ? "余" : ""}份`);
  if (draft.sessions > 1 || draft.sessionsApprox) parts.push(`${draft.sessions}${draft.sessionsApprox ? "余" : ""}次`);
  if (draft.participants) parts.push(`${draft.participants}${draft.participantsApprox ? "余" : ""}人`);
  parts.push(draft.day);
  const labels: [string, string | null | undefined][] = [
    ...inspectionFields(draft),
    ["纪要", draft.minutes],
    ["主题", draft.topic],
    ["备注", draft.note],
  ];
  for (const [k, v] of labels) if (v) parts.push(`${k}：${v}`);
  return parts.join(" ");
}

/**
 * Keeps the reading for its author and asks: 确认 records it (under the original message's key),
 * 修改 gives the line back to edit, 取消 drops it. Nothing counts until then.
 */
export async function askFirst(ctx: CommandContext, draft: RecordDraft, source: RecordSource, question: string): Promise<Reply> {
  const evidence = await ctx.evidence?.();
  const pending = await ctx.ledger.pending.create({
    platform: ctx.msg.platform,
    chatExternalId: ctx.msg.chatId,
    userId: ctx.msg.userId,
    unitId: source.unit.id,
    sourceMessageId: source.messageId,
    // The photos sent with the line wait with the reading (their bytes are already stored).
    draft: evidence?.files.length || evidence?.refused.length ? ({ ...draft, evidence } as RecordDraft) : draft,
    reason: question,
  });
  // In a parent's chat, say whose it will be: a plain sentence may be about a child unit.
  const parent = source.unit.id === ctx.unit?.id && (await ctx.ledger.subtreeIds(source.unit.id)).length > 1;
  const whose =
    source.unit.id !== ctx.unit?.id
      ? `（代「${source.unit.name}」登记）`
      : parent
        ? `（计入本级「${source.unit.name}」；如是下级单位的，请点「修改」，在登记行末加 单位：单位名）`
        : "";
  const details = recordDetails(draft);
  const when = dayLabel(draft.day, draft.day.slice(0, 4) !== ctx.today.slice(0, 4));
  return {
    kind: "record",
    title: "请确认",
    text:
      `${question}\n#待确认${pending.id}${whose}：${recordSummary(draft)}（${when}）${details ? `。${details}` : ""}。\n` +
      `确认后才会登记：请点「确认」或回复 /确认；有误请点「修改」或「取消」。` +
      (evidence?.files.length ? `\n随附的${evidenceWords(evidenceCounts(evidence.files))}确认后一并附上。` : ""),
    actions: [
      { label: "确认", command: `/confirm ${pending.id}` },
      { label: "修改", command: `/discard ${pending.id} 修改` },
      { label: "取消", command: `/discard ${pending.id}` },
    ],
  };
}

/**
 * The reading a /确认 or /取消 is about: the one named, or the sender's latest in this chat; only
 * its author's. `verb`: 确认 or 取消, for the refusal. Returns the Chinese reply when there is none.
 */
export async function findPending(ctx: CommandContext, id: number | null, verb: string): Promise<PendingRow | Reply> {
  const { platform, chatId, userId } = ctx.msg;
  const pending = id === null ? await ctx.ledger.pending.latest(platform, chatId, userId) : await ctx.ledger.pending.get(id);
  if (pending && pending.platform === platform && pending.chatExternalId === chatId && pending.userId === userId) return pending;
  if (id !== null && pending) return errorReply(`#待确认${id} 不是你发的，只有发这句话的人可以${verb}。`);
  return errorReply(id === null ? "你在本群没有待确认的记录。" : `本群没有 #待确认${id}。`);
}

/**
 * A record by its number, if it belongs to the chat's unit or a unit below it; else the reply
 * that says it does not exist (a unit never learns of another's records, even by number).
 */
export async function recordInReach(ctx: CommandContext, id: number): Promise<{ record: RecordRow } | { refusal: Reply }> {
  const record = await ctx.ledger.record(id);
  const reach = record ? await ctx.ledger.subtreeIds(ctx.unit!.id) : [];
  if (!record || !reach.includes(record.unitId)) return { refusal: errorReply(`本单位没有记录 #${id}。发送 /明细 查看记录编号。`) };
  return { record };
}
