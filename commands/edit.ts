import { z } from "zod";
import { defineCommand } from "../src/core/command.js";
import { errorReply } from "../src/core/types.js";
import { parseChanges, ParseError } from "../src/domain/parser.js";
import { recordSummary } from "../src/domain/figures.js";
import { recordDetails } from "../src/core/summaries.js";
import { recordReply, recordInReach } from "../src/core/recording.js";
import { dayLabel } from "../src/time.js";
import type { RecordRow } from "../src/store/ledger.js";

const USAGE = "用法：/修改 编号 要改的内容，例如：/修改 128 15人、/修改 128 11月20日、/修改 128 地点：社区会议室（编号见 /明细）";

/** A field named with what it becomes (人数改为18, 把日期改成昨天): the label form the parser reads (人数：18). */
const CHANGE_TO =
  /(?:把|将)?(参加人数|参与人数|人数|人次|次数|场次|数量|份数|日期|时间|地点|主持人|主题|记录人|参加人员|名称|备注)\s*(?:改为|改成|更正为|更改为|修改为|调整为|应为|应该是|换成|为)\s*[:：]?\s*/g;
/** What only says "change it to": 改为18人 → 18人. */
const TO_ONLY = /(?:^|\s)(?:改为|改成|更正为|修改为|应为|换成)\s*/g;

export function changeWords(rest: string): string {
  return rest
    .replace(CHANGE_TO, (_m, label: string) => ` ${label === "人次" ? "人数" : label}：`)
    .replace(TO_ONLY, " ")
    .trim();
}

/** "党委理论学习中心组学习 1 次，12 人参加（11月20日）。地点：…" — what a record says, for before and after. */
function describe(r: RecordRow): string {
  const details = recordDetails(r);
  return `${recordSummary(r)}（${dayLabel(r.day)}）${details ? `，${details}` : ""}`;
}

export default defineCommand({
  name: "edit",
  zhName: "修改",
  aliases: ["更正", "改", "amend"],
  permission: "member",
  summary: "更正一条记录的人数、数量、日期、主题、地点等（记录人本人；宣传员改本单位的，管理员还可改下级单位的）",
  summaryEn: "Correct a record by id",
  usage: [
    "/修改 128 15人 — 把 #128 的人数改为 15",
    "/修改 128 11月20日 — 改日期",
    "/修改 128 主题：学习贯彻党的二十届三中全会精神",
    "/修改 128 地点：社区会议室 主持人：张书记",
    "只写要改的部分，其余不变；编号见 /明细",
  ],
  args: z
    .string()
    .trim()
    .transform((s, issue) => {
      const m = /^#?(\d{1,9})\s*([\s\S]*)$/.exec(s);
      if (!m || !m[2].trim()) {
        issue.addIssue({ code: "custom", message: USAGE });
        return z.NEVER;
      }
      return { id: Number(m[1]), rest: m[2].trim() };
    }),
  async run(ctx, { id, rest }) {
    const found = await recordInReach(ctx, id);
    if ("refusal" in found) return [found.refusal];
    const { record } = found;
    if (record.deletedAt) return [errorReply(`记录 #${id} 已经撤销或删除，不能修改。`)];
    const isAuthor = record.memberId === ctx.member.id;
    // The same rights as /删除: the author; an officer, their own unit's; an administrator, the subtree's.
    if (!isAuthor && ctx.role === "member") {
      return [errorReply(`#${id} 不是你登记的。只有记录人本人、本单位宣传员或管理员可以修改。`)];
    }
    if (!isAuthor && ctx.role === "officer" && record.unitId !== ctx.unit!.id) {
      return [errorReply(`#${id} 是下级单位的记录：宣传员只能修改本单位的记录，请由该单位的宣传员在其群里修改，或请管理员修改。`)];
    }
    let changes;
    try {
      changes = parseChanges(changeWords(rest), ctx.today, record);
    } catch (e) {
      if (e instanceof ParseError) return [errorReply(`${e.message.split("\n")[0]}\n${USAGE}`)];
      throw e;
    }
    if (Object.keys(changes).length === 0) return [errorReply(`没看出要改什么。${USAGE}`)];
    const { before, after } = await ctx.ledger.updateRecord(id, changes, ctx.actor, "record.edit");
    if (describe(before) === describe(after)) return [errorReply(`#${id} 本来就是这样，没有改动：${describe(after)}。`)];
    const reply = await recordReply(ctx, after, false);
    return [
      {
        ...reply,
        title: "已修改",
        text: `已修改 #${id}。\n原为：${describe(before)}\n现为：${describe(after)}\n${reply.text.replace(/^已记录 #\d+：[^。]*。/, "")}`.trim(),
      },
    ];
  },
});
