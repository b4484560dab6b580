import { defineCommand } from "../src/core/command.js";
import { z } from "zod";
import { errorReply, text } from "../src/core/types.js";
import { readUnitAndPeriod } from "../src/core/args.js";
import { periodLabel } from "../src/domain/periods.js";
import { recordLine, recordDetails } from "../src/core/summaries.js";
import type { RecordRow } from "../src/store/ledger.js";

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
  ],
  args: z.string(),
  async run(ctx, rest) {
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
