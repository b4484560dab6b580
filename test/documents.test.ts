// The year's other documents (/报告 述职, 总结, 要点), through the console: a community records a
// year like seed 001's (meetings, study with its topics, lectures, distributions, a named
// activity), then asks for each document and gets the seeds' structure with its own figures.
import { describe, it, expect, beforeAll, afterAll } from "vitest";
import JSZip from "jszip";
import { makeHarness, type Harness } from "./harness.js";

let h: Harness;
beforeAll(async () => {
  // Bound at the start of the year, asked on 12月2日: the fourth quarter is still running.
  h = await makeHarness({ now: "2026-01-05T10:00:00+08:00" });
  await h.ask("/bind 金桥社区");
  h.now = new Date("2026-12-02T10:00:00+08:00");
  for (const line of [
    "/记录 会议 专题会议 2026-03-10",
    "/记录 会议 部署会 2026-06-10",
    "/记录 会议 分析研判会 2026-09-10",
    "/记录 学习 中心组学习 15人 2026-05-12 主题：《习近平谈治国理政》第四卷",
    "/记录 学习 中心组学习 14人 2026-09-02 主题：党的二十届三中全会精神",
    "/记录 宣讲 3场 约200人次 2026-07-01",
    "/记录 发放 宣传单 6000余份 2026-08-01",
    "/记录 活动 最美家庭故事分享会 60人 2026-10-20",
    "/记录 报送 季度分析研判报告 2026-03-31",
  ])
    expect(await h.ask(line), line).toMatch(/^已记录 #/);
});
afterAll(async () => {
  await h.close();
});

const headings = (text: string) => text.split("\n").filter((l) => /^[一二三四五六七八九十]+、/.test(l));

describe("/报告 述职", () => {
  it("is the secretary's first-person account of the year, with the ledger's figures and names", async () => {
    const text = await h.ask("/报告 述职");
    expect(text.split("\n")[0]).toBe("金桥社区2026年落实意识形态工作责任制述职报告");
    expect(headings(text)).toEqual(["一、履职情况", "二、特色亮点", "三、存在的主要问题及原因", "四、下一步工作思路"]);
    expect(text).toContain("2026年以来，本人认真履行意识形态工作第一责任人职责");
    expect(text).toContain(
      "2026年，本人督促金桥社区围绕《习近平谈治国理政》第四卷、党的二十届三中全会精神等内容，开展理论学习2次，参学29人次，其中党委理论学习中心组学习2次；开展宣讲3场，受众200余人次。",
    );
    expect(text).toContain("2026年，本人督促金桥社区发放宣传单6000余份。");
    expect(text).toContain("围绕《习近平谈治国理政》第四卷、“党的二十届三中全会精神”等内容组织学习研讨");
    expect(text).toContain("开展“最美家庭故事分享会”等特色活动");
    // Only ended periods can be missed: the fourth quarter and December are still running.
    expect(text).not.toMatch(/第四季度[^。]*未/);
    expect(text).not.toMatch(/12月[^。]*未达到/);
    expect(text).toContain("本单位第二季度、第三季度未按时报送季度意识形态工作分析研判报告");
    expect(text).toContain("1.2027年每季度专题研究意识形态工作不少于1次（2026年本单位3次）。");
    // No ASCII space between Chinese text and a figure (6000余份, not 6000 余份).
    expect(text).not.toMatch(/[\u4e00-\u9fff] \d|\d [\u4e00-\u9fff]/);
  });
});

describe("/报告 总结", () => {
  it("is the year's summary by area, its shortfalls and next year's plan from the rules", async () => {
    const text = await h.ask("/报告 总结");
    expect(text.split("\n")[0]).toBe("金桥社区2026年意识形态工作总结及2027年工作计划");
    expect(headings(text)).toEqual(["一、2026年工作总结", "二、存在的不足", "三、2027年工作计划"]);
    expect(text).toContain(
      "全年金桥社区召开意识形态工作专题会议1次、意识形态工作部署会1次、意识形态工作分析研判会1次，研究部署意识形态工作；报送季度意识形态工作分析研判报告1份。",
    );
    expect(text).toContain("每季度按时报送季度意识形态工作分析研判报告，首期截止2027年3月31日。");
  });
});

describe("/报告 要点", () => {
  it("is next year's numbered tasks, this year's figures as baselines; a year can be named", async () => {
    const text = await h.ask("/报告 要点");
    expect(text.split("\n")[0]).toBe("金桥社区2027年意识形态工作要点");
    expect(text).toContain("（一）每月理论学习不少于1次（2026年本单位2次）。");
    expect(await h.ask("/报告 要点 2027年")).toBe(text);
    expect((await h.ask("/报告 要点 上季度")).startsWith("工作要点按年度写，请写年份")).toBe(true);
  });

  it("an unknown document word is answered with the documents the command writes", async () => {
    expect(await h.ask("/报告 年终")).toMatch(
      /^没看懂「年终」。可以生成：季度意识形态工作分析研判报告（\/报告 本季度）、.*述职报告（\/报告 述职）/,
    );
  });

  it("each is a Word file too", async () => {
    const [reply] = await h.say("/报告 述职 文档");
    expect(reply.file?.name).toBe("金桥社区-2026-述职报告.docx");
    expect(reply.file?.data.subarray(0, 2).toString()).toBe("PK");
  });
});

describe("the 成文日期", () => {
  it("is the day the draft is made unless one is written, and the Word button keeps it", async () => {
    expect((await h.ask("/报告 总结")).split("\n").at(-1)).toBe("2026年12月2日");
    expect((await h.ask("/报告 总结 日期:12月25日")).split("\n").at(-1)).toBe("2026年12月25日");
    expect((await h.ask("/报告 2026年 落款 2027年1月8日")).split("\n").at(-1)).toBe("2027年1月8日");
    const [draft] = await h.say("/报告 2026Q3 成文日期：10月9日");
    expect(draft.actions?.[0].command).toBe("/report 2026Q3 日期:2026-10-09 docx");
    expect(await h.ask("/报告 总结 日期:13月40日")).toBe("没看懂成文日期「13月40日」。请写成 日期:12月25日 或 日期:2026-12-25。");
    expect(await h.ask("/报告 2026Q3 日期:2026-06-30")).toBe(
      "成文日期2026年6月30日早于2026年第三季度的开始，请写2026年第三季度开始以后的日期。",
    );
    expect(await h.ask("/报告 总结 日期")).toBe("「日期」后面要写成文日期，例如：/报告 日期:12月25日");
  });
});

describe("the 主送机关 from the config", () => {
  it("is printed under the Word file's title, and nowhere when not configured", async () => {
    const addressed = await makeHarness({ config: "report:\n  addressee: 中共金桥镇委员会\n" });
    try {
      await addressed.ask("/bind 金桥社区");
      await addressed.ask("/记录 学习 12人");
      const [reply] = await addressed.say("/报告 文档");
      const xml = await (await JSZip.loadAsync(reply.file!.data)).file("word/document.xml")!.async("string");
      expect(xml).toContain("中共金桥镇委员会：");
      const [plain] = await h.say("/报告 文档");
      const other = await (await JSZip.loadAsync(plain.file!.data)).file("word/document.xml")!.async("string");
      expect(other).not.toContain("委员会：");
    } finally {
      await addressed.close();
    }
  });
});
