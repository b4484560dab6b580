import { SIGN_IN_SOURCE } from "../src/core/signin.js";
import { defineCommand } from "../src/core/command.js";
import { errorReply, text } from "../src/core/types.js";
import { expandUnitWords } from "../src/core/args.js";
import { reportArgs, resolveReportArgs, periodWord, isReportOption } from "../src/report/args.js";
import { periodLabel } from "../src/domain/periods.js";
import { recordSummary } from "../src/domain/figures.js";
import { kindByCode } from "../src/domain/catalog.js";
import { DOCX_MIME } from "./report.js";
import type { PackFile } from "../src/report/pack.js";

/** Bytes of photos placed in one pack: under 飞书's 30 MB file limit with the text around them. */
const PACK_BYTES = 24 * 1024 * 1024;

export const XLSX_MIME = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet";

export default defineCommand({
  name: "export",
  zhName: "导出台账",
  aliases: ["导出", "台账表", "xlsx", "excel"],
  permission: "member",
  summary: "导出某个时间段的台账 Excel 表（每类一页，含合计行）；加「文档」返回检查用的 Word 台账（含照片）",
  summaryEn: "Export the period's ledger as .xlsx",
  usage: [
    "/导出台账 — 本季度",
    "/导出台账 2026年",
    "/导出台账 2026Q4 文档 — 检查用的 Word 台账：封面、目录、每项活动一页（时间、地点、主持人、参加人员、主题、照片）",
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
    const evidence = await ctx.ledger.attachments.ofPeriod(ids, args.period);
    if (args.docx) {
      // The inspection pack: one page per activity with its photos, in the drafts' layout.
      if (!records.length) return [errorReply(`${title}：这个时间段还没有记录，没有可装订的台账。`)];
      let budget = PACK_BYTES;
      const files = new Map<number, PackFile[]>();
      const left: string[] = [];
      for (const a of evidence) {
        // Every platform caps a file the bot sends (飞书 30 MB): past the budget, photos are named, not placed.
        const data = a.size <= budget ? await ctx.ledger.attachments.bytes(a.sha256) : null;
        if (!data) {
          left.push(a.name);
          continue;
        }
        budget -= a.size;
        const list = files.get(a.recordId) ?? [];
        list.push({ name: a.name, mime: a.mime, kind: a.kind, data });
        files.set(a.recordId, list);
      }
      const { packToDocx } = await import("../src/report/pack.js");
      const packTitle = `${target.name}${periodLabel(args.period)}意识形态工作台账`;
      const data = await packToDocx({
        title: packTitle,
        unit: target.name,
        period: periodLabel(args.period),
        today: ctx.today,
        activities: [...records]
          .sort((a, b) =>
            a.unit.name === b.unit.name
              ? 0
              : a.unitId === target.id
                ? -1
                : b.unitId === target.id
                  ? 1
                  : a.unit.name.localeCompare(b.unit.name, "zh"),
          )
          .map((r) => ({
            id: r.id,
            unit: r.unit.name,
            day: r.day,
            // The topic has its own row: the content says the figures.
            summary: recordSummary({ ...r, topic: null }),
            what: r.title ?? r.subtype ?? kindByCode(r.kind).label,
            timeOfDay: r.timeOfDay,
            place: r.place,
            host: r.host,
            attendees: r.attendees,
            signedIn: r.sourceMessageId.startsWith(SIGN_IN_SOURCE),
            participants: r.participants,
            recorder: r.recorder,
            minutes: r.minutes,
            topic: r.topic,
            note: r.note,
            recordedBy: r.member?.name ?? null,
            files: files.get(r.id) ?? [],
          })),
      });
      const photos = evidence.filter((a) => a.kind === "photo").length;
      const more = left.length
        ? `另有 ${left.length} 个附件超出文件大小上限，未放入文档（${left.slice(0, 3).join("、")}${left.length > 3 ? "等" : ""}）。`
        : "";
      return [
        ...args.notes.map((n) => text(n)),
        {
          kind: "info",
          title: packTitle,
          text: `${packTitle}：共 ${records.length} 项活动、照片 ${photos} 张，已装订为 Word 文档（封面、目录、每项活动一页）。${more}`,
          file: { name: `${target.name}-${periodWord(args.period)}-台账.docx`, data, mime: DOCX_MIME },
        },
      ];
    }
    // exceljs is loaded on first use (≈ 18 MB): most processes never export a workbook.
    const { ledgerToXlsx } = await import("../src/report/xlsx.js");
    // Each record's file names, grouped once: a city's quarter has hundreds of thousands of records.
    const namesOf = new Map<number, string[]>();
    for (const a of evidence) {
      const list = namesOf.get(a.recordId);
      if (list) list.push(a.name);
      else namesOf.set(a.recordId, [a.name]);
    }
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
        minutes: r.minutes,
        createdAt: r.createdAt,
        evidence: namesOf.get(r.id) ?? [],
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
