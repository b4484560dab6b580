import { defineCommand } from "../src/core/command.js";
import { errorReply, type Reply } from "../src/core/types.js";
import { reportArgs, periodWord, targetUnit } from "../src/report/args.js";
import { loadDraftInput } from "../src/report/load.js";
import { composeDraft, draftToText } from "../src/report/draft.js";
import { periodLabel, periodNoun } from "../src/domain/periods.js";

export const DOCX_MIME = "application/vnd.openxmlformats-officedocument.wordprocessingml.document";

export default defineCommand({
  name: "report",
  zhName: "报告",
  aliases: ["草稿", "draft", "写报告"],
  permission: "member",
  summary: "按台账数字生成报告草稿：季度分析研判报告，半年/年度责任制落实情况报告；加「文档」返回 Word",
  summaryEn: "Draft the period's report from the ledger",
  usage: [
    "/报告 — 本季度分析研判报告草稿",
    "/报告 上季度 文档 — 上季度草稿的 Word 文件",
    "/报告 2026年 — 年度落实意识形态工作责任制情况的报告",
    "/报告 上半年 精确 — 半年报告，写精确数字（默认大数写成 6100 余份）",
    "/报告 金桥社区 — 上级单位只看某个下级单位",
  ],
  args: reportArgs,
  async run(ctx, args) {
    const target = await targetUnit(ctx, args.unitName);
    if (typeof target === "string") return [errorReply(target)];
    const input = await loadDraftInput(ctx.ledger, ctx.config, target.id, args.period, ctx.today, { exact: args.exact });
    const draft = composeDraft(input);
    if (!draft) {
      const noun = args.period.start <= ctx.today && ctx.today <= args.period.end ? periodNoun(args.period.type) : periodLabel(args.period);
      return [
        errorReply(
          `「${target.name}」${periodLabel(args.period)}的台账里还没有任何记录，无法生成报告草稿。请先用 /记录 登记${noun}开展的会议、学习、宣传等工作，例如：/记录 学习 12人`,
        ),
      ];
    }
    const again = `/report ${periodWord(args.period)}${args.unitName ? ` ${target.name}` : ""}${args.exact ? " 精确" : ""}`;
    if (args.docx) {
      // docx is loaded on first use: most processes never write a Word file.
      const { draftToDocx } = await import("../src/report/docx.js");
      const data = await draftToDocx(draft);
      return [
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
    return [reply];
  },
});
