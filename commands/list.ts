import { defineCommand } from "../src/core/command.js";
import { z } from "zod";
import { errorReply, text } from "../src/core/types.js";
import { readUnitAndPeriod } from "../src/core/args.js";
import { periodLabel } from "../src/domain/periods.js";
import { recordLine, recordDetails, inspectionFields } from "../src/core/summaries.js";
import { recordInReach } from "../src/core/recording.js";
import { evidenceList } from "../src/core/evidence.js";
import type { RecordRow } from "../src/store/ledger.js";
import type { CommandContext } from "../src/core/command.js";
import type { Reply } from "../src/core/types.js";
import { recordSummary } from "../src/domain/figures.js";
import { dayLabel } from "../src/time.js";

const MAX_LINES = 50;
/** A long field (参加人员) is cut here in the chat; the export keeps it whole. */
const MAX_FIELD = 40;

/** The record's inspection fields on a second line, when it has any: "  时间：上午9时；地点：党群服务中心；…". */
function detailLine(r: RecordRow): string | null {
  const cut = (s: string | null) => (s && [...s].length > MAX_FIELD ? `${[...s].slice(0, MAX_FIELD).join("")}…` : s);
  const details = recordDetails({
    timeOfDay: cut(r.timeOfDay),
    place: cut(r.place),
    host: cut(r.host),
    attendees: cut(r.attendees),
    recorder: cut(r.recorder),
  });
  return details ? `  ${details}` : null;
}

/** One record as an inspection reads it: every field, the minutes in full, the evidence by name. */
async function recordView(ctx: CommandContext, id: number): Promise<Reply> {
  const found = await recordInReach(ctx, id);
  if ("refusal" in found) return found.refusal;
  const { record } = found;
  if (record.deletedAt) return errorReply(`本单位没有记录 #${id}。发送 /明细 查看记录编号。`);
  const unit = await ctx.ledger.unit(record.unitId);
  const files = await ctx.ledger.attachments.ofRecords([id]);
  const lines = [`#${id} ${dayLabel(record.day, true)} ${recordSummary({ ...record, topic: null })}（${unit?.name ?? ""}）`];
  const fields: [string, string | null | undefined][] = [...inspectionFields(record), ["主题", record.topic], ["备注", record.note]];
  for (const [k, v] of fields) if (v) lines.push(`${k}：${v}`);
  if (record.minutes) lines.push(`纪要：\n${record.minutes}`);
  lines.push(files.length ? `附件：${evidenceList(files)}` : "附件：无（回复这条记录的确认消息发送照片，或照片说明写 /附件 编号）");
  return text(lines.join("\n"));
}

export default defineCommand({
  name: "list",
  zhName: "明细",
  aliases: ["列表", "台账", "ls", "records"],
  permission: "member",
  summary: "列出某个时间段的记录和编号（默认本季度）；上级单位可看某个下级单位",
  summaryEn: "List this period's records with ids",
  usage: [
    "/明细 — 本季度",
    "/明细 上季度",
    "/明细 2026年11月",
    "/明细 金桥社区 — 上级单位只看某个下级单位（写名称中独有的一部分也可以：/明细 金桥）",
    "/明细 金桥社区 上季度 — 时间段和单位的先后不限",
    "/明细 #128 — 一条记录的全部内容：时间、地点、主持人、参加人员、记录人、主题、纪要和附件",
  ],
  args: z.string(),
  async run(ctx, rest) {
    const one = /^#(\d{1,9})$/.exec(rest.trim());
    if (one) return [await recordView(ctx, Number(one[1]))];
    const args = await readUnitAndPeriod(ctx, rest, { command: "明细", period: true });
    if (typeof args === "string") return [errorReply(args)];
    const { unit, period } = args;
    const notes = args.notes.map((n) => text(n));
    const ids = await ctx.ledger.subtreeIds(unit.id);
    const total = await ctx.ledger.countRecords(ids, period);
    const head = `${unit.name} ${periodLabel(period)}记录`;
    if (total === 0) return [...notes, text(`${head}：暂无。用 /记录 登记，例如：/记录 学习 12人`)];
    const rows = await ctx.ledger.listRecords(ids, period, MAX_LINES);
    const evidence = await ctx.ledger.attachments.counts(rows.map((r) => r.id));
    const lines = rows.flatMap((r) => {
      const e = evidence.get(r.id);
      // 📷 photos, 📎 other files (a sign-in sheet, the minutes): what an inspection will ask to see.
      const marks = e ? `${e.photos ? ` 📷${e.photos}` : ""}${e.files ? ` 📎${e.files}` : ""}` : "";
      // recordLine names the activity (title) and an approximate count (20 余次) itself.
      const line = recordLine(
        r,
        `${r.unit.name !== unit.name ? ` [${r.unit.name}]` : ""}${r.member ? `（${r.member.name}）` : ""}${marks}`,
      );
      const detail = detailLine(r);
      return detail ? [line, detail] : [line];
    });
    const more = total > rows.length ? `\n……共 ${total} 条，这里只列出前 ${rows.length} 条；完整台账请用 /导出台账。` : "";
    return [...notes, text(`${head}（共 ${total} 条）：\n${lines.join("\n")}${more}`)];
  },
});
