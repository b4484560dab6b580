import { describe, it, expect } from "vitest";
import fc from "fast-check";
import { readPlainReport } from "../src/domain/plain.js";
import { parseRecord, RecordDraftSchema, type RecordDraft } from "../src/domain/parser.js";
import { implausibleFigures, DEFAULT_PLAUSIBLE_LIMITS } from "../src/domain/plausible.js";
import { blankDraft } from "./fixtures/drafts.js";

// 2026-11-22 is a Sunday.
const today = "2026-11-22";
const base: RecordDraft = { ...blankDraft(today), kind: "study" };

describe("plain-language reports", () => {
  it.each<[string, Partial<RecordDraft>]>([
    ["今天组织了中心组学习，12人参加", { kind: "study", subtype: "党委理论学习中心组学习", participants: 12 }],
    [
      "上午在小区广场发放反诈宣传单300余份",
      { kind: "distribution", item: "宣传单", quantity: 300, quantityApprox: true, place: "小区广场", timeOfDay: "上午" },
    ],
    ["昨天召开了支委会，研究意识形态工作", { kind: "study", subtype: "三会一课", day: "2026-11-21", topic: "研究意识形态工作" }],
    [
      "11月20日开展最美家庭故事分享会活动，60人参加",
      { kind: "activity", title: "最美家庭故事分享会", day: "2026-11-20", participants: 60 },
    ],
    [
      "今天在社区开展重阳节敬老活动，50余人参加",
      { kind: "activity", subtype: "我们的节日", title: "重阳节敬老", place: "社区", participants: 50, participantsApprox: true },
    ],
    ["昨天张贴海报30张", { kind: "distribution", item: "海报", quantity: 30, day: "2026-11-21" }],
    ["上周五在村委会议室组织党员学习二十大精神，到会23人", { kind: "study", place: "村委会议室", participants: 23, day: "2026-11-13" }],
    ["今天参加了区里组织的宣讲，大概200人", { kind: "lecture", participants: 200, participantsApprox: true }],
    ["前天上报网评文章3篇", { kind: "publication", subtype: "网评文章", sessions: 3, day: "2026-11-20" }],
  ])("%s", (text, expected) => {
    expect(readPlainReport(text, today)).toEqual({ ...base, ...expected });
  });

  it.each([
    "大家好",
    "明天开会吗？",
    "收到",
    "好的谢谢",
    "已收到，谢谢",
    "明天下午开会",
    "请各支部明天上午9点参加学习",
    "下周一组织中心组学习",
    "计划12月开展宣讲3场",
    "今天的学习大家都参加了吗",
    "学习强国今天的题好难",
    "今天天气不错",
    "我们今天开了个会",
    // What the command parser refuses is not read from a sentence either.
    "12月25日组织了学习，10人参加",
    "昨天发放宣传资料",
    "今天组织学习，发放宣传单300份",
    "",
    "   ",
    "/记录 学习 12人",
  ])("%s is not a report", (text) => {
    expect(readPlainReport(text, today)).toBeNull();
  });

  it("never throws, and what it reads is a valid draft of a past day", () => {
    const words = fc.constantFrom(
      "今天",
      "昨天",
      "组织",
      "召开了",
      "学习",
      "支委会",
      "12人",
      "，",
      "发放",
      "宣传单",
      "300份",
      "吗",
      "？",
      "在",
      "会议室",
      "明天",
      "𠀀",
      "\u0000",
      "👍",
    );
    fc.assert(
      fc.property(fc.array(fc.oneof(words, fc.string({ maxLength: 6 })), { maxLength: 12 }), (parts) => {
        const d = readPlainReport(parts.join(""), today);
        if (d !== null) {
          expect(RecordDraftSchema.safeParse(d).success).toBe(true);
          expect(d.day <= today).toBe(true);
        }
      }),
      { numRuns: 2000, seed: 42 },
    );
    expect(readPlainReport(undefined as unknown as string, today)).toBeNull();
  });
});

describe("implausible figures", () => {
  it.each([
    ["学习 中心组学习 100000人", "「100000人」对一次中心组学习来说太多了，确认无误请回复 确认"],
    ["宣讲 3场 5000000人次", "「5000000人次」对3场宣讲来说太多了，确认无误请回复 确认"],
    ["发放 宣传单 600000份", "「600000份」对一次宣传单发放来说太多了，确认无误请回复 确认"],
    ["学习 300次", "「300次」对一条学习记录来说太多了，确认无误请回复 确认"],
    ["会议 专题会议 800人", "「800人」对一次专题会议来说太多了，确认无误请回复 确认"],
  ])("%s", (line, question) => {
    expect(implausibleFigures(parseRecord(line, today), DEFAULT_PLAUSIBLE_LIMITS)).toBe(question);
  });

  it.each([
    "学习 中心组学习 30人",
    "宣讲 3场 约5000人次",
    "发放 宣传资料 1.2万份",
    "活动 重阳节 3000人",
    "发布 公众号 5篇",
    "学习 集中学习20余次 500人",
  ])("%s is plausible", (line) => {
    expect(implausibleFigures(parseRecord(line, today), DEFAULT_PLAUSIBLE_LIMITS)).toBeNull();
  });

  it("uses the limits it is given", () => {
    const draft = parseRecord("学习 50人", today);
    expect(implausibleFigures(draft, { study: { participantsPerSession: 40, sessions: 10, quantity: 0 } })).toBe(
      "「50人」对一次学习来说太多了，确认无误请回复 确认",
    );
    expect(implausibleFigures(draft, {})).toBeNull();
  });
});
