import { z } from "zod";
import { defineCommand } from "../src/core/command.js";
import { parseRecord, ParseError } from "../src/domain/parser.js";
import { saveDraft } from "../src/core/recording.js";
import { kindByCode } from "../src/domain/catalog.js";

const AREAS = kindByCode("situation")
  .subtypes.map((s) => s.name)
  .join("、");

export default defineCommand({
  name: "situation",
  zhName: "研判",
  aliases: ["风险研判", "风险隐患"],
  permission: "member",
  summary: "登记意识形态领域的研判情况（领域、主要表现、采取的措施），季度分析研判报告据此写「存在的风险和隐患」",
  summaryEn: "Record an observation of the ideological sphere",
  usage: [
    "/研判 网络舆情 表现：小区加装电梯问题在业主群引发争论 措施：社区约谈群主，召开协调会",
    "/研判 社会问题 表现：个别居民因拆违多次到社区反映 措施：包户干部上门解释政策",
    `领域可写：${AREAS}；也可以用 /记录 风险研判 … 登记`,
  ],
  args: (ctx) =>
    z.string().transform((s, issue) => {
      if (!s.trim()) {
        issue.addIssue({ code: "custom", message: `请写明领域和主要表现，例如：/研判 网络舆情 表现：… 措施：…\n领域可写：${AREAS}` });
        return z.NEVER;
      }
      try {
        return parseRecord(`风险研判 ${s}`, ctx.today);
      } catch (e) {
        if (!(e instanceof ParseError)) throw e;
        issue.addIssue({ code: "custom", message: e.message.replace(/正确示例：.*$/s, `正确示例：${kindByCode("situation").example}`) });
        return z.NEVER;
      }
    }),
  async run(ctx, draft) {
    return [await saveDraft(ctx, draft, { unit: ctx.unit!, messageId: ctx.msg.messageId })];
  },
});
