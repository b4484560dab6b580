// Every statement of a draft is true of the ledger: a parent's own figures apart from its
// subtree's, every shortfall named, a running period never called missed, nothing before the
// ledger's start judged, sections one and two from the same facts, next steps of the next
// period, figures and measure words as recorded, the ledger's topics and names woven in.
import { describe, it, expect, beforeEach, afterEach } from "vitest";
import { makeHarness, type Harness } from "./harness.js";

let h: Harness;
beforeEach(async () => {
  h = await makeHarness({ now: "2026-12-02T10:00:00+08:00" });
});
afterEach(async () => {
  await h.close();
});

async function record(lines: string[], chat = "测试群") {
  for (const l of lines) expect(await h.ask(`/记录 ${l}`, { chat }), l).toMatch(/^已记录 #\d+/);
}

/** Moves a unit's ledger start (its binding) to a day. */
async function startOn(name: string, day: string) {
  await h.app.store.db.unit.update({ where: { name }, data: { createdAt: new Date(`${day}T09:00:00+08:00`) } });
}

const SPACED = /[\u4e00-\u9fff（）“”、，；。] ?\d+ [\u4e00-\u9fff]|[\u4e00-\u9fff] \d/;

describe("a parent's own figures and its subtree's", () => {
  beforeEach(async () => {
    await h.ask("/bind 金桥镇", { chat: "镇群" });
    await h.ask("/bind 东村 金桥镇", { chat: "东" });
    await h.ask("/bind 西村 金桥镇", { chat: "西" });
    for (const u of ["金桥镇", "东村", "西村"]) await startOn(u, "2026-01-01");
    await record(["会议 专题会议 1月10日", "会议 专题会议 7月10日"], "镇群");
    await record(["会议 专题会议 1月11日", "会议 专题会议 4月11日", "会议 专题会议 7月11日", "会议 专题会议 10月11日"], "东");
    await record(["会议 专题会议 1月12日", "会议 专题会议 4月12日", "会议 专题会议 10月12日"], "西");
  });

  it("says the town committee's meetings and the villages' apart, and names whose every shortfall is", async () => {
    h.now = new Date("2027-01-10T10:00:00+08:00");
    const text = await h.ask("/报告 2026年", { chat: "镇群" });
    expect(text).toContain("镇党委召开意识形态工作专题会议2次，研究部署意识形态工作；各村召开意识形态工作专题会议7次");
    expect(text).not.toContain("专题会议9次");
    expect(text).toContain("1.镇党委第二季度、第四季度，西村第三季度未召开意识形态工作专题会议");
  });

  it("never calls a running quarter missed", async () => {
    const text = await h.ask("/报告 2026年", { chat: "镇群" });
    expect(text).not.toContain("第四季度未召开");
    expect(text).toContain("1.镇党委第二季度，西村第三季度未召开意识形态工作专题会议");
    expect(text).toContain("镇党委在12月31日前召开意识形态工作专题会议");
  });
});

describe("running periods and the ledger's start", () => {
  it("on 12月2日 the year's draft judges only ended months since the binding, and says what is still due", async () => {
    h.now = new Date("2026-10-10T10:00:00+08:00");
    await h.ask("/bind 某社区");
    await record(["学习 12人 10月10日", "会议 专题会议 10月10日"]);
    h.now = new Date("2026-12-02T10:00:00+08:00");
    const text = await h.ask("/报告 2026年");
    // January to September are before the unit's ledger began; December is still running.
    expect(text).not.toContain("1月、2月");
    expect(text).not.toContain("9月未开展");
    expect(text).toContain("1.11月未开展理论学习，未达到每月不少于1次的要求。");
    expect(text).not.toContain("12月未开展");
    expect(text).toContain(
      "一要抓紧完成今年以来尚未完成的工作，在12月31日前开展理论学习，报送季度意识形态工作分析研判报告、向上级报告意识形态工作，确保按期达到要求。",
    );
    // The annual report never asks for itself; its next steps are next year's.
    expect(text).not.toContain("报送年度意识形态工作责任制落实情况报告");
    expect(text).toContain("明年每月按时开展理论学习");
  });

  it("a past half year counts its ended periods and plans for next year", async () => {
    await h.ask("/bind 某社区");
    await startOn("某社区", "2026-01-01");
    await record([
      "学习 12人 7月3日",
      "学习 12人 8月3日",
      "学习 12人 9月3日",
      "学习 10人 10月3日",
      "学习 10人 11月3日",
      "会议 专题会议 8月1日",
    ]);
    await record(["报送 季度分析研判报告 9月20日"]);
    h.now = new Date("2027-01-05T10:00:00+08:00");
    const text = await h.ask("/报告 2026H2");
    // Section one and section two from the same rule results.
    expect(text).toContain("按要求报送第三季度的季度意识形态工作分析研判报告");
    expect(text).toContain("第四季度的季度意识形态工作分析研判报告未按时报送");
    expect(text).not.toContain("按要求报送季度意识形态工作分析研判报告；");
    expect(text).toContain("12月未开展理论学习");
    expect(text).not.toContain("下半年按时");
    expect(text).toContain("二要确保明年每月开展理论学习不少于1次");
    expect(text).toContain("明年按时报送季度意识形态工作分析研判报告");
  });

  it("a month's draft reviews the month and plans the next one", async () => {
    await h.ask("/bind 某社区");
    await startOn("某社区", "2026-01-01");
    await record(["学习 12人 10月3日"]);
    const text = await h.ask("/报告 2026年10月");
    expect(text).toContain("对照台账梳理本月各项工作");
    expect(text).not.toContain("本季度");
    expect(text).toContain("下月继续做到每月开展理论学习不少于1次");
  });

  it("a running quarter's decline against the last one is not a problem yet", async () => {
    await h.ask("/bind 某社区");
    await startOn("某社区", "2026-01-01");
    await record(["学习 5人 7月3日", "学习 5人 8月3日", "学习 5人 9月3日", "学习 5人 10月3日", "会议 专题会议 10月3日"]);
    const text = await h.ask("/报告");
    expect(text).not.toContain("较上季度减少2次，工作的连续性");
    h.now = new Date("2027-01-05T10:00:00+08:00");
    const later = await h.ask("/报告 2026Q4");
    expect(later).toContain("理论学习次数较上季度减少2次，工作的连续性需要加强。");
  });
});

describe("the 专题研究 rule counts every ideology-work meeting", () => {
  it("a 部署会 or four 联席会议 meet it", async () => {
    await h.ask("/bind 某社区");
    await startOn("某社区", "2026-01-01");
    await record(["会议 部署会 4月8日", ...[1, 2, 3, 4].map((d) => `会议 联席会议 7月${d}日`), "学习 5人 4月1日", "学习 5人 10月1日"]);
    h.now = new Date("2027-01-05T10:00:00+08:00");
    expect(await h.ask("/报告 2026Q2")).not.toContain("未召开");
    const q3 = await h.ask("/报告 2026Q3");
    expect(q3).toContain("召开意识形态领域情况分析研判联席会议4次");
    expect(q3).not.toContain("未召开");
    expect(await h.ask("/报告 2026Q4")).toContain("本季度未召开意识形态工作专题会议、部署会、分析研判会或分析研判联席会议");
  });
});

describe("figures and words as recorded", () => {
  it("keeps measure words and labels, writes 约/余 only for approximate figures, 万 from ten thousand, and no spaces", async () => {
    await h.ask("/bind 某镇", { chat: "镇群" });
    await h.ask("/bind 某村 某镇", { chat: "村群" });
    await record(
      [
        "舆情 研判 2次 10月5日",
        "发布 微信群 50条 10月6日",
        "发布 简报 3期 10月7日",
        "学习 约260人 10月8日",
        "宣讲 148人 10月9日",
        "发放 宣传单 20000份 10月10日",
        "发放 宣传册 20000余份 10月10日",
        "发放 宣传资料 23500份 10月10日",
      ],
      "村群",
    );
    const text = await h.ask("/报告", { chat: "镇群" });
    expect(text).toContain("开展舆情分析研判2次");
    expect(text).not.toContain("舆情处置");
    expect(text).toContain("在居民微信群发布正能量内容50条");
    expect(text).toContain("编发工作简报3期");
    expect(text).not.toContain("媒体录用");
    expect(text).toContain("参学260余人次");
    expect(text).toContain("受众148人次");
    expect(text).not.toContain("148余");
    expect(text).toContain("发放宣传资料2.3万余份、宣传单2万份、宣传册2万余份");
    // The one village is named once per paragraph.
    expect(text).toContain("理论武装方面，本季度某村开展理论学习1次，参学260余人次；开展宣讲1场，受众148人次。");
    expect(text).toContain(
      "分单位情况。某村：理论学习1次（参学260余人次），发放宣传资料2.3万余份、宣传单2万份、宣传册2万余份，宣讲1场（受众148人次），微信群发布50条、简报3期，舆情研判2次。",
    );
    expect(text).not.toMatch(SPACED);
    // The same records' confirmations keep the label of what was recorded.
    expect(await h.ask("/记录 舆情 研判 1次 10月11日", { chat: "村群" })).toContain("舆情研判 3 次");
  });

  it("an approximate count of sessions keeps its 余, in the sum it goes into too; an exact one never gets it", async () => {
    await h.ask("/bind 某街道", { chat: "街道群" });
    await record(["学习 周一夜读 20余次 10月12日", "学习 中心组学习 10月13日", "宣讲 理论宣讲 3场 10月14日"], "街道群");
    const text = await h.ask("/报告", { chat: "街道群" });
    expect(text).toContain("开展理论学习21余次，其中党委理论学习中心组学习1次、周一夜读20余次");
    expect(text).toContain("开展宣讲3场");
    expect(text).not.toContain("3余场");
    expect(await h.ask("/报告 述职", { chat: "街道群" })).toContain("开展理论学习21余次");
  });
});

describe("substance from the ledger", () => {
  it("weaves in recorded topics, activity names, reach, coverage and staffing, capped per sentence", async () => {
    await h.ask("/bind 金桥镇", { chat: "镇群" });
    for (const v of ["东村", "西村", "南村"]) await h.ask(`/bind ${v} 金桥镇`, { chat: v });
    await record(
      [
        "学习 中心组学习 15人 主题：《习近平谈治国理政》第四卷 10月8日",
        "学习 中心组学习 15人 主题：党的二十大精神 10月9日",
        "学习 中心组学习 15人 主题：习近平总书记关于社会主义精神文明建设论述摘编 10月10日",
        "学习 中心组学习 15人 主题：聚焦“三提三效” 10月11日",
        "活动 观看红色电影 140人 10月12日",
      ],
      "镇群",
    );
    for (const v of ["东村", "西村", "南村"])
      await record(["宣讲 二十大宣讲 2场 60人 10月20日", "活动 最美家庭故事分享会 30人 10月21日"], v);
    const db = h.app.store.db;
    const units = await db.unit.findMany();
    for (const [i, u] of units.entries()) {
      if (u.name === "金桥镇") continue;
      await db.member.create({ data: { platform: "test", externalId: `o${i}`, name: `宣传员${i}`, role: "officer", unitId: u.id } });
    }
    const text = await h.ask("/报告", { chat: "镇群" });
    expect(text).toContain(
      "镇党委围绕《习近平谈治国理政》第四卷、党的二十大精神、习近平总书记关于社会主义精神文明建设论述摘编等内容，开展理论学习4次，参学60人次，其中党委理论学习中心组学习4次",
    );
    expect(text).not.toContain("三提三效");
    expect(text).toContain("深入全镇3个村开展宣讲6场，受众180人次，其中党的二十大精神宣讲6场");
    expect(text).toContain("开展了“最美家庭故事分享会”等主题活动，以及观看红色电影1场（140人次），共4场");
    expect(text).toContain("各村均配备宣传员1名");
    // One village loses its officer: the sentence is no longer true and goes.
    const first = await db.member.findFirstOrThrow({ where: { role: "officer" } });
    await db.member.update({ where: { id: first.id }, data: { role: "member" } });
    h.app.ledger.invalidate();
    expect(await h.ask("/报告", { chat: "镇群" })).not.toContain("宣传员");
    expect(text).not.toMatch(SPACED);
  });

  it("loads the names with one bounded query: a few per kind, most recorded first", async () => {
    await h.ask("/bind 某社区");
    await record(Array.from({ length: 8 }, (_, i) => `学习 5人 主题：专题${i % 4} 10月${i + 1}日`));
    const unit = await h.app.store.db.unit.findUniqueOrThrow({ where: { name: "某社区" } });
    const names = await h.app.ledger.draftNames(unit.id, { start: "2026-10-01", end: "2026-12-31" }, 3);
    expect(names.map((n) => n.name)).toEqual(["专题0", "专题1", "专题2"]);
    expect(names.every((n) => n.own && n.kind === "study" && n.field === "topic" && n.records === 2)).toBe(true);
  });
});

describe("a fully compliant quarter", () => {
  it("says nothing about the bot's own records in its problems", async () => {
    await h.ask("/bind 某社区");
    await startOn("某社区", "2026-01-01");
    await record([
      "会议 专题会议 7月2日",
      "学习 5人 7月3日",
      "学习 5人 8月3日",
      "学习 5人 9月3日",
      "宣讲 1场 30人 8月1日",
      "发布 网评文章 2篇 8月2日",
      "活动 志愿服务 1场 20人 8月3日",
    ]);
    const text = await h.ask("/报告 2026Q3");
    const problems = text.slice(text.indexOf("三、存在的问题"), text.indexOf("四、下一步打算"));
    expect(problems).not.toMatch(/台账|记录/);
    expect(problems).toContain("1.对意识形态领域新情况、新问题的分析研判还不够深入");
    expect(text).toContain("下季度继续做到");
  });

  it("the 分析研判报告's 存在的风险和隐患 comes from /研判, area by area, with whose each observation is", async () => {
    await h.ask("/bind 风险镇");
    await h.ask("/bind 风险村 风险镇", { chat: "风险村群" });
    await startOn("风险镇", "2026-01-01");
    await record(["学习 5人 11月3日"]);
    expect(await h.ask("/研判 网络舆情 表现：小区加装电梯问题在业主群引发争论 措施：约谈群主，召开协调会")).toMatch(
      /^已记录 #\d+：网络舆情 1 条/,
    );
    expect(await h.ask("/研判 社会问题 表现：个别居民因拆违多次到社区反映。", { chat: "风险村群" })).toMatch(/^已记录 #\d+：社会问题 1 条/);
    const text = await h.ask("/报告");
    const risks = text.slice(text.indexOf("二、存在的风险和隐患"), text.indexOf("三、存在的问题"));
    expect(risks.split("\n").filter(Boolean)).toEqual([
      "二、存在的风险和隐患",
      "　　（一）网络舆情方面",
      "　　主要表现为小区加装电梯问题在业主群引发争论。采取的措施：约谈群主，召开协调会。",
      "　　（二）社会问题方面",
      "　　风险村：主要表现为个别居民因拆违多次到社区反映。",
    ]);
    // A half year's report has the 责任制 structure, without this section.
    expect(await h.ask("/报告 下半年")).not.toContain("存在的风险和隐患");
  });
});
