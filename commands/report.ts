import { defineCommand } from "../src/core/command.js";
import { errorReply, text, type Reply } from "../src/core/types.js";
import { expandUnitWords } from "../src/core/args.js";
import { reportArgs, resolveReportArgs, periodWord, unitWord, isReportOption } from "../src/report/args.js";
import { loadDraftInput } from "../src/report/load.js";
import { composeDraft, draftToText } from "../src/report/draft.js";
import { composeDocument, documentYear, DOCUMENT_NAMES } from "../src/report/documents.js";
import { periodLabel, periodNoun, makePeriod } from "../src/domain/periods.js";
import type { DocxDraft } from "../src/report/docx.js";
import { dayLabel } from "../src/time.js";

export const DOCX_MIME = "application/vnd.openxmlformats-officedocument.wordprocessingml.document";

export default defineCommand({
  name: "report",
  zhName: "报告",
  aliases: ["草稿", "draft", "写报告"],
  permission: "member",
  summary: "按台账数字生成报告草稿：季度分析研判报告，半年/年度责任制落实情况报告，述职报告、工作总结及计划、工作要点；加「文档」返回 Word",
  summaryEn: "Draft the period's report from the ledger",
  usage: [
    "/报告 — 本季度分析研判报告草稿",
    "/报告 上季度 文档 — 上季度草稿的 Word 文件",
    "/报告 2026年 — 年度落实意识形态工作责任制情况的报告",
    "/报告 上半年 精确 — 半年报告，写精确数字（默认大数写成 6100 余份）",
    "/报告 述职 — 本年度书记落实意识形态工作责任制述职报告（1、2月默认上一年）",
    "/报告 总结 — 本年度意识形态工作总结及下一年工作计划",
    "/报告 要点 — 下一年意识形态工作要点（以本年度完成情况为基数）；/报告 要点 2027年",
    "/报告 金桥社区 — 上级单位只看某个下级单位（写名称中独有的一部分也可以：/报告 金桥）",
    "/报告 上季度 金桥 — 时间段、单位、选项的先后不限",
    "/报告 2026年 日期:12月25日 — 落款写成文日期（默认为生成当天）",
    "/报告 「文档」 — 下级单位的名字像选项或时间（文档、本月、2026年、12栋）时，加引号或写 单位:文档 就一定按单位理解",
  ],
  args: reportArgs,
  async run(ctx, words) {
    // A unique part of a unit's name stands for the unit (/报告 碧云 → 碧云社区); the reader below takes full names.
    const expanded = await expandUnitWords(ctx, words, isReportOption);
    if (typeof expanded === "string") return [errorReply(expanded)];
    const args = await resolveReportArgs(ctx, expanded, "报告");
    if (typeof args === "string") return [errorReply(args)];
    const target = args.unit;
    // Which reading a word that is both a unit and an option got: said before the draft, apart
    // from it, so that the draft can be pasted as it is.
    const notes = args.notes.map((n) => text(n));
    // The year's other documents are about a year: the one written (for 要点, the year planned),
    // else this year (last year in January and February, when such documents are written).
    let period = args.period;
    if (args.document) {
      if (args.periodNamed && period.type !== "year") {
        return [
          ...notes,
          errorReply(
            `${DOCUMENT_NAMES[args.document]}按年度写，请写年份，例如：/报告 ${args.document === "plan" ? "要点 2027年" : "述职 2026年"}`,
          ),
        ];
      }
      period = args.periodNamed ? (args.document === "plan" ? makePeriod("year", period.year - 1, 1) : period) : documentYear(ctx.today);
    }
    const input = await loadDraftInput(ctx.ledger, ctx.config, target.id, period, ctx.today, { exact: args.exact });
    const composed = args.document ? composeDocument(args.document, input) : composeDraft(input);
    if (composed && args.dated && args.dated < period.start) {
      return [
        ...notes,
        errorReply(`成文日期${dayLabel(args.dated, true)}早于${periodLabel(period)}的开始，请写${periodLabel(period)}开始以后的日期。`),
      ];
    }
    const draft = composed && args.dated ? { ...composed, date: dayLabel(args.dated, true) } : composed;
    if (!draft) {
      const noun = period.start <= ctx.today && ctx.today <= period.end ? periodNoun(period.type) : periodLabel(period);
      return [
        ...notes,
        errorReply(
          `「${target.name}」${periodLabel(period)}的台账里还没有任何记录，无法生成报告草稿。请先用 /记录 登记${noun}开展的会议、学习、宣传等工作，例如：/记录 学习 12人`,
        ),
      ];
    }
    const kindWord = args.document ? ` ${{ duty: "述职", summary: "总结", plan: "要点" }[args.document]}` : "";
    const again = `/report${kindWord} ${periodWord(args.document === "plan" ? makePeriod("year", period.year + 1, 1) : period)}${args.unitNamed ? ` ${unitWord(target.name)}` : ""}${args.exact ? " 精确" : ""}${args.dated ? ` 日期:${args.dated}` : ""}`;
    if (args.docx) {
      // docx is loaded on first use: most processes never write a Word file.
      const { draftToDocx } = await import("../src/report/docx.js");
      const addressed: DocxDraft = { ...draft, addressee: ctx.config.report.addressee ?? undefined };
      const data = await draftToDocx(addressed);
      return [
        ...notes,
        {
          kind: "draft",
          title: draft.title,
          text: `《${draft.title}》Word 草稿已生成。`,
          file: { name: `${draft.fileStem}.docx`, data, mime: DOCX_MIME },
        },
      ];
    }
    const reply: Reply = {
      kind: "draft",
      title: draft.title,
      text: draftToText(draft),
      actions: [{ label: "下载 Word", command: `${again} docx` }],
    };
    return [...notes, reply];
  },
});
