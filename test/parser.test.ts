import { describe, it, expect } from "vitest";
import { parseRecord, ParseError } from "../src/domain/parser.js";

const today = "2026-11-22";
const base = {
  subtype: null,
  sessions: 1,
  participants: null,
  participantsApprox: false,
  quantity: null,
  quantityApprox: false,
  item: null,
  day: today,
  topic: null,
  note: null,
};

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
      "没看懂「飞机」。请先写类别（会议、学习、宣传发放、宣讲、活动、信息发布、舆情、报送）。如需写明主题，请用「主题：…」。\n正确示例：/记录 学习 中心组学习 12人 主题：二十大精神",
    ],
    ["学习 飞机", "没看懂「飞机」。如需写明主题，请用「主题：…」。\n正确示例：/记录 学习 中心组学习 12人 主题：二十大精神"],
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
    ["学习 2026-02-30", "日期「2026-02-30」不存在，请检查月份和日子。\n正确示例：/记录 学习 中心组学习 12人 主题：二十大精神"],
    ["会议 学习", "「学习」属于学习，但这条记录已经是会议。一条记录只能有一个类别。\n正确示例：/记录 会议 意识形态工作专题会议 昨天"],
    [
      "学习 中心组学习 部署会",
      "「部署会」属于会议，但这条记录已经是学习。一条记录只能有一个类别。\n正确示例：/记录 学习 中心组学习 12人 主题：二十大精神",
    ],
    ["学习 12份", "学习记录不记数量（「12份」）。人数请写 12人，次数请写 1次。\n正确示例：/记录 学习 中心组学习 12人 主题：二十大精神"],
    ["学习 12人 15人", "人数写了两次：「12人」和「15人」。\n正确示例：/记录 学习 中心组学习 12人 主题：二十大精神"],
    ["学习 约3次", "次数请写准确的数字（「约3次」）；约数只用于人数和数量。\n正确示例：/记录 学习 中心组学习 12人 主题：二十大精神"],
    ["学习 12人 昨天 前天", "写了两个日期：「昨天」和「前天」。\n正确示例：/记录 学习 中心组学习 12人 主题：二十大精神"],
    ["学习 12公斤", "没看懂「12公斤」：数字后面请写量词，例如 12人、3次、3000份。\n正确示例：/记录 学习 中心组学习 12人 主题：二十大精神"],
  ])("%s", (line, message) => {
    expect(error(line)).toBe(message);
  });

  it("refuses over-long topics", () => {
    expect(error(`学习 12人 主题：${"很".repeat(201)}`)).toBe("主题太长（201 字），请不超过 200 字。");
  });

  it("the word not understood is carried on the error", () => {
    try {
      parseRecord("学习 飞机", today);
    } catch (e) {
      expect((e as ParseError).word).toBe("飞机");
    }
  });
});
