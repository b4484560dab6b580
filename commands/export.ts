import { defineCommand } from "../src/core/command.js";
import { errorReply, text } from "../src/core/types.js";
import { expandUnitWords } from "../src/core/args.js";
import { reportArgs, resolveReportArgs, periodWord, isReportOption } from "../src/report/args.js";
import { periodLabel } from "../src/domain/periods.js";

export const XLSX_MIME = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet";

export default defineCommand({
  name: "export",
  zhName: "导出台账",
  aliases: ["导出", "台账表", "xlsx", "excel"],
  permission: "member",
  summary: "导出某个时间段的台账 Excel 表（每类一页，含合计行）",
  summaryEn: "Export the period's ledger as .xlsx",
  usage: [
    "/导出台账 — 本季度",
    "/导出台账 2026年",
    "/导出台账 上季度 金桥社区",
    "/导出台账 金桥 — 单位名写其中独有的一部分也可以",
    "/导出台账 「12栋」 — 名字像时间或选项的下级单位加引号",
  ],
  args: reportArgs,
  async run(ctx, words) {
    // A unique part of a unit's name stands for the unit (/导出台账 碧云 → 碧云社区); the reader below takes full names.
    const expanded = await expandUnitWords(ctx, words, isReportOption);
    if (typeof expanded === "string") return [errorReply(expanded)];
    const args = await resolveReportArgs(ctx, expanded, "导出台账", { options: false });
    if (typeof args === "string") return [errorReply(args)];
    const target = args.unit;
    const ids = await ctx.ledger.subtreeIds(target.id);
    const records = await ctx.ledger.exportRecords(ids, args.period);
    const title = `${target.name} ${periodLabel(args.period)} 意识形态工作台账`;
    // exceljs is loaded on first use (≈ 18 MB): most processes never export a workbook.
    const { ledgerToXlsx } = await import("../src/report/xlsx.js");
    const data = await ledgerToXlsx({
      title,
      rows: records.map((r) => ({
        id: r.id,
        unit: r.unit.name,
        day: r.day,
        kind: r.kind,
        subtype: r.subtype,
        sessions: r.sessions,
        participants: r.participants,
        participantsApprox: r.participantsApprox,
        quantity: r.quantity,
        quantityApprox: r.quantityApprox,
        item: r.item,
        topic: r.topic,
        note: r.note,
        sessionsApprox: r.sessionsApprox,
        title: r.title,
        timeOfDay: r.timeOfDay,
        place: r.place,
        host: r.host,
        attendees: r.attendees,
        recorder: r.recorder,
        recordedBy: r.member?.name ?? null,
        createdAt: r.createdAt,
      })),
    });
    return [
      ...args.notes.map((n) => text(n)),
      {
        kind: "info",
        title,
        text: `${title}：共 ${records.length} 条记录，已导出为 Excel。`,
        file: { name: `${target.name}-${periodWord(args.period)}-台账.xlsx`, data, mime: XLSX_MIME },
      },
    ];
  },
});
