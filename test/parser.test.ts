import { describe, it, expect } from "vitest";
import { parseRecord, parseChanges, nearestNames, ParseError, RecordDraftSchema } from "../src/domain/parser.js";
import { KINDS } from "../src/domain/catalog.js";
import { loadCorpus, checkLine } from "../scripts/parse-share.js";
import { blankDraft } from "./fixtures/drafts.js";

const today = "2026-11-22";
const base = blankDraft(today);

function error(line: string): string {
  try {
    parseRecord(line, today);
  } catch (e) {
    expect(e).toBeInstanceOf(ParseError);
    return (e as Error).message;
  }
  throw new Error(`expected a parse error for ${line}`);
}

describe("the record language (DESIGN.md examples)", () => {
  it.each([
    ["study 12 people", { kind: "study", participants: 12 }],
    ["学习 中心组学习 12人 主题：二十大精神", { kind: "study", subtype: "党委理论学习中心组学习", participants: 12, topic: "二十大精神" }],
    ["meeting 意识形态工作专题会议 yesterday", { kind: "meeting", subtype: "意识形态工作专题会议", day: "2026-11-21" }],
    ["发放 宣传册 3000份 11月20日", { kind: "distribution", item: "宣传册", quantity: 3000, day: "2026-11-20" }],
    ["宣讲 3场 约200人次", { kind: "lecture", sessions: 3, participants: 200, participantsApprox: true }],
    ["distribution banners 12", { kind: "distribution", item: "横幅", quantity: 12 }],
  ])("%s", (line, expected) => {
    expect(parseRecord(line, today)).toEqual({ ...base, ...expected });
  });
});

describe("free order, shapes and aliases", () => {
  it.each([
    ["12人 学习 前天", { kind: "study", participants: 12, day: "2026-11-20" }],
    ["学习 十二人", { kind: "study", participants: 12 }],
    ["学习 两百多人", { kind: "study", participants: 200, participantsApprox: true }],
    ["学习 12 人次 11.20", { kind: "study", participants: 12, day: "2026-11-20" }],
    ["中心组学习 12人", { kind: "study", subtype: "党委理论学习中心组学习", participants: 12 }],
    ["宣传册3000份", { kind: "distribution", item: "宣传册", quantity: 3000 }],
    ["发放 宣传单 6000余份", { kind: "distribution", item: "宣传单", quantity: 6000, quantityApprox: true }],
    ["发放 宣传资料 1.2万份", { kind: "distribution", item: "宣传资料", quantity: 12000 }],
    ["发放 11万份", { kind: "distribution", item: "宣传资料", quantity: 110000 }],
    ["发放 海报 三千张", { kind: "distribution", item: "海报", quantity: 3000 }],
    ["发布 网评文章 6篇", { kind: "publication", subtype: "网评文章", sessions: 6 }],
    ["publication wechat 3", { kind: "publication", subtype: "公众号推送", sessions: 3 }],
    ["舆情 舆情处置 1起", { kind: "opinion", subtype: "舆情处置", sessions: 1 }],
    ["活动 志愿服务 2场 80人 备注：敬老院", { kind: "activity", subtype: "志愿服务", sessions: 2, participants: 80, note: "敬老院" }],
    ["学习 12人 主题：党的二十大精神 备注：线上", { kind: "study", participants: 12, topic: "党的二十大精神", note: "线上" }],
    ["学习《习近平谈治国理政》第四卷 12人", { kind: "study", participants: 12, topic: "《习近平谈治国理政》第四卷" }],
    ["ＳＴＵＤＹ １２人", { kind: "study", participants: 12 }],
    ["学习\u200b 12人", { kind: "study", participants: 12 }],
    ["学习\u200d12人", { kind: "study", participants: 12 }],
    ["学习 12人\u200e \u202e昨天", { kind: "study", participants: 12, day: "2026-11-21" }],
    [
      "学习 12人 主题：👨\u200d👩\u200d👧\u200d👦亲子共读",
      { kind: "study", participants: 12, topic: "👨\u200d👩\u200d👧\u200d👦亲子共读" },
    ],
    ["学习 12人 主题：🏳\ufe0f\u200d🌈", { kind: "study", participants: 12, topic: "🏳\ufe0f\u200d🌈" }],
    ["报送 季度分析研判报告", { kind: "report", subtype: "季度意识形态工作分析研判报告" }],
    ["学习 12人 上周五", { kind: "study", participants: 12, day: "2026-11-13" }],
  ])("%s", (line, expected) => {
    expect(parseRecord(line, today)).toEqual({ ...base, ...expected });
  });
});

describe("errors name the word and show an example", () => {
  it.each([
    [
      "飞机 12人",
      "没看懂「飞机」是哪一类工作。请先写类别（会议、学习、宣传发放、宣讲、活动、信息发布、舆情、报送）。如需写明主题，请用「主题：…」。\n正确示例：/记录 学习 中心组学习 12人 主题：二十大精神",
    ],
    [
      "学些 12人",
      "没看懂「学些」是哪一类工作。是不是想写：学习？请先写类别（会议、学习、宣传发放、宣讲、活动、信息发布、舆情、报送）。如需写明主题，请用「主题：…」。\n正确示例：/记录 学习 中心组学习 12人 主题：二十大精神",
    ],
    [
      "study 12 people xi",
      "没看懂「xi」。如需写明名称或主题，请用「名称：…」或「主题：…」。\n正确示例：/记录 学习 中心组学习 12人 主题：二十大精神",
    ],
    [
      "12人",
      "没写类别。请写：会议、学习、宣传发放、宣讲、活动、信息发布、舆情、报送。\n正确示例：/记录 学习 中心组学习 12人 主题：二十大精神",
    ],
    ["", "请写明记录的内容：类别、人数或数量、日期。\n正确示例：/记录 学习 中心组学习 12人 主题：二十大精神"],
    ["学习 12", "「12」是人数还是次数？请写成 12人 或 12次。\n正确示例：/记录 学习 中心组学习 12人 主题：二十大精神"],
    ["发放 宣传册", "请写明宣传发放的数量，例如 3000份、12条。\n正确示例：/记录 发放 宣传册 3000份 11月20日"],
    ["学习 -5人", "「-5人」是负数，人数和数量都必须大于 0。\n正确示例：/记录 学习 中心组学习 12人 主题：二十大精神"],
    ["学习 0人", "「0人」是 0，人数和数量都必须大于 0。\n正确示例：/记录 学习 中心组学习 12人 主题：二十大精神"],
    ["学习 20000000人", "「20000000人」超过 1000 万，数字不合理，请检查。\n正确示例：/记录 学习 中心组学习 12人 主题：二十大精神"],
    ["发放 宣传册 两千万份", "「两千万份」超过 1000 万，数字不合理，请检查。\n正确示例：/记录 发放 宣传册 3000份 11月20日"],
    ["学习 12.5人", "「12.5人」不是整数，人数、次数和数量请写整数。\n正确示例：/记录 学习 中心组学习 12人 主题：二十大精神"],
    [
      "学习 12人 2026-12-01",
      "日期「2026-12-01」（2026年12月1日）还没到，不能记录尚未发生的事。\n正确示例：/记录 学习 中心组学习 12人 主题：二十大精神",
    ],
    [
      "学习 12人 12月1日",
      "日期「12月1日」（2026年12月1日）还没到，不能记录尚未发生的事。\n正确示例：/记录 学习 中心组学习 12人 主题：二十大精神",
    ],
    [
      "学习 12人 明天",
      "日期「明天」（2026年11月23日）还没到，不能记录尚未发生的事。\n正确示例：/记录 学习 中心组学习 12人 主题：二十大精神",
    ],
    [
      "study 12 people next monday",
      "日期「next-monday」（2026年11月23日）还没到，不能记录尚未发生的事。\n正确示例：/记录 学习 中心组学习 12人 主题：二十大精神",
    ],
    ["学习 2026-02-30", "日期「2026-02-30」不存在，请检查月份和日子。\n正确示例：/记录 学习 中心组学习 12人 主题：二十大精神"],
    ["会议 学习", "「学习」属于学习，但这条记录已经是会议。一条记录只能有一个类别。\n正确示例：/记录 会议 意识形态工作专题会议 昨天"],
    [
      "学习 中心组学习 部署会",
      "「部署会」属于会议，但这条记录已经是学习。一条记录只能有一个类别。\n正确示例：/记录 学习 中心组学习 12人 主题：二十大精神",
    ],
    ["学习 12份", "学习记录不记数量（「12份」）。人数请写 12人，次数请写 1次。\n正确示例：/记录 学习 中心组学习 12人 主题：二十大精神"],
    ["学习 12人 15人", "人数写了两次：「12人」和「15人」。\n正确示例：/记录 学习 中心组学习 12人 主题：二十大精神"],
    ["学习 12人 昨天 前天", "写了两个日期：「昨天」和「前天」。\n正确示例：/记录 学习 中心组学习 12人 主题：二十大精神"],
    ["学习 12公斤", "没看懂「12公斤」：数字后面请写量词，例如 12人、3次、3000份。\n正确示例：/记录 学习 中心组学习 12人 主题：二十大精神"],
  ])("%s", (line, message) => {
    expect(error(line)).toBe(message);
  });

  it("refuses over-long topics", () => {
    expect(error(`学习 12人 主题：${"很".repeat(201)}`)).toBe("主题太长（201 字），请不超过 200 字。");
  });

  it("the word not understood is carried on the error", () => {
    expect.assertions(1);
    try {
      parseRecord("飞机 12人", today);
    } catch (e) {
      expect((e as ParseError).word).toBe("飞机");
    }
  });

  it("refuses over-long names and places", () => {
    expect(error(`活动 ${"很".repeat(101)}`)).toBe("名称太长（101 字），请不超过 100 字。");
    expect(error(`学习 12人 地点：${"很".repeat(101)}`)).toBe("地点太长（101 字），请不超过 100 字。");
  });
});

describe("what a person meant (the issue)", () => {
  it.each([
    ["学习 飞机", { kind: "study", title: "飞机" }],
    ["学习 约3次", { kind: "study", sessions: 3, sessionsApprox: true }],
    ["活动 最美家庭故事分享会 11月20日 60人", { kind: "activity", title: "最美家庭故事分享会", day: "2026-11-20", participants: 60 }],
    ["活动 主题：最美家庭故事分享会 11月20日 60人", { kind: "activity", topic: "最美家庭故事分享会", day: "2026-11-20", participants: 60 }],
    ["发放 扫黄打非宣传资料 200份", { kind: "distribution", item: "宣传资料", title: "扫黄打非宣传资料", quantity: 200 }],
    ["会议 应到28人实到25人", { kind: "meeting", participants: 25 }],
    ["学习 集中学习20余次", { kind: "study", subtype: "集中学习", sessions: 20, sessionsApprox: true }],
    ["学习 11月3日上午 12人", { kind: "study", day: "2026-11-03", timeOfDay: "上午", participants: 12 }],
    ["学习 12人 单位：永业村", { kind: "study", participants: 12, unitName: "永业村" }],
    ["学习 12人 记录人：王芳 备注：线上", { kind: "study", participants: 12, recorder: "王芳", note: "线上" }],
    [
      "会议 主持人:张书记 参加人员:张三,李四 时间:昨天 14:30",
      { kind: "meeting", host: "张书记", attendees: "张三、李四", participants: 2, day: "2026-11-21", timeOfDay: "14:30" },
    ],
    ["支委会 5人", { kind: "study", subtype: "三会一课", participants: 5 }],
  ])("%s", (line, expected) => {
    expect(parseRecord(line, today)).toEqual({ ...base, ...expected });
  });

  it("a month and day without a year is the nearest such day, refused if that is still ahead", () => {
    expect(() => parseRecord("学习 12月5日 12人", "2026-12-02")).toThrow("还没到");
    expect(parseRecord("学习 12月20日 12人", "2027-01-05").day).toBe("2026-12-20");
    expect(parseRecord("学习 26号 12人", "2026-12-02").day).toBe("2026-11-26");
  });

  it("every draft satisfies the exported schema", () => {
    const d = parseRecord("学习 中心组学习 12人 地点：会议室 主持人：张书记 时间：上午", today);
    expect(RecordDraftSchema.parse(d)).toEqual(d);
  });
});

describe("the nearest names for an unknown kind", () => {
  it("by edit distance and shared characters", () => {
    expect(nearestNames("学些")).toEqual(["学习"]);
    expect(nearestNames("组织生活")).toContain("组织生活会");
    expect(nearestNames("支委")).toContain("支委会");
    expect(nearestNames("飞机")).toEqual([]);
  });
});

describe("corrections (/修改) read only what they say", () => {
  it("for the record's kind", () => {
    expect(parseChanges("15人", today, { kind: "study" })).toEqual({ participants: 15, participantsApprox: false });
    expect(parseChanges("地点：社区会议室 主持人：张书记", today, { kind: "study" })).toEqual({ place: "社区会议室", host: "张书记" });
    expect(parseChanges("11月20日", today, { kind: "study" })).toEqual({ day: "2026-11-20" });
    expect(parseChanges("3000份", today, { kind: "distribution" })).toEqual({ quantity: 3000, quantityApprox: false });
    expect(() => parseChanges("发放", today, { kind: "study" })).toThrow("一条记录只能有一个类别");
  });
});

describe("the catalog", () => {
  it("has each seed word where a report counts it", () => {
    const where = (word: string) => {
      const d = parseRecord(word.includes(" ") ? word : `${word} 1人`, today);
      return [d.kind, d.subtype ?? d.item];
    };
    expect(where("党员大会")).toEqual(["study", "三会一课"]);
    expect(where("党小组会")).toEqual(["study", "三会一课"]);
    expect(where("组织生活会")).toEqual(["meeting", "组织生活会"]);
    expect(where("民主评议")).toEqual(["meeting", "民主评议党员"]);
    expect(where("中秋节")).toEqual(["activity", "我们的节日"]);
    expect(where("冬训")).toEqual(["study", "党员冬训"]);
    expect(where("走访入户")).toEqual(["activity", "走访入户"]);
    expect(where("春联 20副")).toEqual(["distribution", "春联"]);
    expect(where("简报 2期")).toEqual(["publication", "简报"]);
    expect(where("县融媒体 2篇")).toEqual(["publication", "区级媒体录用"]);
    expect(where("签订责任书 3份")).toEqual(["report", "签订意识形态工作责任书"]);
  });

  it("keeps every name unique", () => {
    const names = KINDS.flatMap((k) => [
      k.name,
      ...k.aliases,
      ...k.subtypes.flatMap((s) => [s.name, ...s.aliases]),
      ...k.items.flatMap((i) => [i.name, ...i.aliases]),
    ]);
    const lower = names.map((n) => n.toLowerCase());
    // A kind's name may be one of its own aliases; nothing else repeats.
    const repeated = lower.filter((n, i) => lower.indexOf(n) !== i);
    expect(repeated.every((n) => KINDS.some((k) => k.name.toLowerCase() === n))).toBe(true);
  });
});

describe("the corpus of real lines (test/corpus/record-lines.tsv)", () => {
  const corpus = loadCorpus();
  it("holds at least 150 lines", () => {
    expect(corpus.length).toBeGreaterThanOrEqual(150);
  });
  it.each(corpus.map((c) => [c.n, c.line, c] as const))("line %i: %s", (_n, _line, c) => {
    expect(checkLine(c)).toBeNull();
  });
});
