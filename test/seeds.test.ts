// The four seed reports, one console scenario each: the seed's own facts (its figures, topics,
// activity names and placements) typed as a unit's staff would type them, then the draft asked
// for with its own word. Each draft must have the seed's structure as the bot writes it, the
// seed's figures in the seeds' register (6000余份, 11万余份, no spaces around figures), the
// recorded names where they belong, and no figure the ledger does not hold.
//   000 金桥镇2022年意识形态工作要点                              → /报告 要点 (asked in December 2021)
//   001 关于某镇2022年落实意识形态工作责任制情况的报告            → /报告 上半年, /报告 2022年 (a town and its villages)
//   002 社区季度意识形态工作分析研判报告; 2024…述职报告           → /报告 2026Q2, /报告 述职
//   003 镇关于宣传思想文化2022年工作总结及2023年工作计划          → /报告 总结
import { describe, it, expect, beforeAll, afterAll } from "vitest";
import { makeHarness, type Harness } from "./harness.js";

/** The draft's numbered section headings (一、…). */
const headings = (text: string) => text.split("\n").filter((l) => /^[一二三四五六七八九十]+、/.test(l));
/** The draft's sub-headings （一）…, in order. */
const subheadings = (text: string) =>
  text
    .split("\n")
    .map((l) => l.trim())
    .filter((l) => /^（[一二三四五六七八九十]+）/.test(l));

/** The text between one heading and the next (or the end). */
function section(text: string, heading: string): string {
  const start = text.indexOf(`\n${heading}\n`);
  if (start < 0) throw new Error(`no section ${heading}`);
  const rest = text.slice(start + heading.length + 2);
  const next = rest.search(/\n[一二三四五六七八九十]+、/);
  return next < 0 ? rest : rest.slice(0, next);
}

/** No ASCII space between Chinese text and a figure, either side. */
const SPACED = /[\u4e00-\u9fff（）“”、，；。] ?\d+ [\u4e00-\u9fff]|[\u4e00-\u9fff] \d/;

/**
 * Every figure the text states, with the first character of its measure word ("6000余份", "120人"):
 * dates, years, months and list numbers are left out. Each must be one the ledger holds.
 */
function figures(text: string): string[] {
  const bare = text
    .replace(/\d{4}年(\d{1,2}月(\d{1,2}日)?)?/g, "")
    .replace(/\d{1,2}月(\d{1,2}日)?/g, "")
    .replace(/(^|\n)[\s　]*\d+\./g, "$1");
  return [...bare.matchAll(/(\d+(?:\.\d+)?万?余?)([^\d\s，。；、（）：]?)/g)].map((m) => `${m[1]}${m[2]}`);
}

function expectOnlyFigures(text: string, allowed: string[]) {
  const extra = figures(text).filter((f) => !allowed.includes(f));
  expect(extra, "figures the ledger does not hold").toEqual([]);
}

async function record(h: Harness, lines: string[], chat?: string, user?: string) {
  for (const line of lines) {
    expect(await h.ask(line, { ...(chat ? { chat } : {}), ...(user ? { user } : {}) }), line).toMatch(/^已记录 #\d+/);
  }
}

describe("seed 002: a community's quarterly 意识形态工作分析研判报告", () => {
  let h: Harness;
  let text: string;
  beforeAll(async () => {
    h = await makeHarness({ now: "2026-04-01T09:00:00+08:00" });
    await h.ask("/bind 某社区");
    // The quarter's work, typed on its last day (the seed: 部署会议1次、理论学习12次、网评文章6篇, two
    // named 主题实践活动, 宣传单6000余份、宣传册3000余份, the 炭疽病和非洲猪瘟 door-to-door check).
    h.now = new Date("2026-06-30T10:00:00+08:00");
    const studies = [
      "4月3日",
      "4月10日",
      "4月17日",
      "4月24日",
      "5月8日",
      "5月15日",
      "5月22日",
      "5月29日",
      "6月5日",
      "6月12日",
      "6月19日",
      "6月26日",
    ];
    await record(h, [
      "/记录 会议 部署会 4月8日",
      ...studies.map((d) => `/记录 学习 ${d}`),
      "/记录 活动 六联三动环境整治工作 5月10日",
      "/记录 活动 最美家庭故事分享会 5月20日",
      "/记录 发放 文明礼仪宣传单 6000余份 5月20日",
      "/记录 发放 宣传册 3000余份 5月20日",
      "/记录 活动 走访入户 主题：炭疽病和非洲猪瘟排查 6月5日",
      "/记录 发布 公众号 1篇 6月6日",
      "/记录 发布 网评文章 6篇 6月10日",
      "/记录 报送 季度分析研判报告 6月30日",
    ]);
    // The seed's 存在的风险和隐患, area by area.
    expect(
      await h.ask(
        "/研判 网络舆情 表现：传播渠道多样、传播速度快、影响范围广、控制难度大，网络舆情极易带来社会安全隐患 措施：做到第一时间发现、第一时间应对、第一时间处置",
      ),
    ).toMatch(/^已记录 #\d+：网络舆情 1 条/);
    expect(await h.ask("/研判 阵地管理 表现：社区工作人员引导舆论的意识淡薄，主观能动性发挥不够")).toMatch(/^已记录 #\d+：阵地管理 1 条/);
    expect(await h.ask("/研判 社会问题 表现：社会矛盾多发易发，社区现有信访人员170余人，其中重点人员5人，目前都比较稳定")).toMatch(
      /^已记录 #\d+：社会问题 1 条/,
    );
    h.now = new Date("2026-07-03T10:00:00+08:00");
    text = await h.ask("/报告 2026Q2");
  });
  afterAll(async () => {
    await h.close();
  });

  it("has the seed's title and four sections, and is the same draft as /报告 上季度", async () => {
    expect(text.split("\n")[0]).toBe("某社区2026年第二季度意识形态工作分析研判报告");
    expect(headings(text)).toEqual(["一、意识形态工作开展情况", "二、存在的风险和隐患", "三、存在的问题", "四、下一步打算"]);
    expect(await h.ask("/报告 上季度")).toBe(text);
  });

  it("states the seed's figures and names in section one, in the seeds' register", () => {
    const one = section(text, "一、意识形态工作开展情况");
    expect(one).toContain("责任落实方面，本季度召开意识形态工作部署会1次，研究部署意识形态工作；按要求报送季度意识形态工作分析研判报告。");
    // Twelve sessions with no head count typed: no 参学 figure is made up.
    expect(one).toContain("理论武装方面，本季度开展理论学习12次。");
    expect(text).not.toContain("参学");
    expect(one).toContain("发放宣传单6000余份、宣传册3000余份");
    expect(one).toContain("上报网评文章6篇");
    expect(one).toContain("通过微信公众号推送信息1篇");
    expect(one).toContain(
      "文明实践方面，本季度围绕炭疽病和非洲猪瘟排查等主题，开展了“六联三动环境整治工作”“最美家庭故事分享会”等主题活动，以及走访入户1场，共3场。",
    );
    expect(text).not.toMatch(SPACED);
  });

  it("keeps the /研判 notes out of section one's figures", () => {
    const one = section(text, "一、意识形态工作开展情况");
    expect(one).toContain("宣传阵地方面，本季度发放宣传单6000余份、宣传册3000余份；通过微信公众号推送信息1篇，上报网评文章6篇。");
    expect(one).not.toMatch(/网络舆情1条|阵地管理1条|社会问题1条/);
  });

  it("writes 存在的风险和隐患 from the /研判 notes, area by area, with the seed's figures kept as typed", () => {
    expect(section(text, "二、存在的风险和隐患").split("\n").filter(Boolean)).toEqual([
      "　　（一）网络舆情方面",
      "　　主要表现为传播渠道多样、传播速度快、影响范围广、控制难度大，网络舆情极易带来社会安全隐患。采取的措施：做到第一时间发现、第一时间应对、第一时间处置。",
      "　　（二）阵地管理方面",
      "　　主要表现为社区工作人员引导舆论的意识淡薄，主观能动性发挥不够。",
      "　　（三）社会问题方面",
      "　　主要表现为社会矛盾多发易发，社区现有信访人员170余人，其中重点人员5人，目前都比较稳定。",
    ]);
  });

  it("finds no missed requirement in a compliant quarter and states no figure the ledger lacks", () => {
    const problems = section(text, "三、存在的问题");
    expect(problems).not.toMatch(/未召开|未开展理论学习|未按时报送/);
    expect(problems).toContain("1.本季度未开展宣讲等工作，宣传阵地和文明实践载体的作用发挥还不够充分。");
    expect(section(text, "四、下一步打算")).toContain(
      "下季度继续做到每季度召开意识形态工作专题会议、部署会、分析研判会或分析研判联席会议不少于1次、每月开展理论学习不少于1次",
    );
    // The ledger's figures (and the rules' 不少于1次); the /研判 notes' 170余人 and 5人 as typed.
    expectOnlyFigures(text.replace(section(text, "二、存在的风险和隐患"), ""), [
      "1次",
      "12次",
      "6000余份",
      "3000余份",
      "1篇",
      "6篇",
      "1场",
      "3场",
    ]);
  });
});

describe("seed 002: the town secretary's 述职报告", () => {
  let h: Harness;
  let text: string;
  beforeAll(async () => {
    h = await makeHarness({ now: "2024-01-02T09:00:00+08:00" });
    await h.ask("/bind 平安镇");
    // The seed: 专题会议2次, 中心组专题学习4次, 传达学习宣传思想工作会议精神3次, a 网络安全工作会议,
    // 宣传资料11万余份, 文艺晚会46场, 观看红色电影140人次, the 微信公众号.
    h.now = new Date("2024-12-31T16:00:00+08:00");
    await record(h, [
      "/记录 会议 专题会议 2024-03-12",
      "/记录 会议 专题会议 2024-09-10",
      "/记录 会议 网络安全工作会议 2024-05-20",
      "/记录 学习 中心组学习 18人 2024-02-27 主题：中国共产党宣传工作条例",
      "/记录 学习 中心组学习 18人 2024-05-28 主题：党的十九届六中全会精神",
      "/记录 学习 中心组学习 18人 2024-08-27 主题：党的二十大精神",
      "/记录 学习 中心组学习 18人 2024-11-26 主题：党的二十大精神",
      "/记录 学习 集中学习 2024-01-16 主题：全国宣传思想工作会议精神",
      "/记录 学习 集中学习 2024-04-16 主题：宣传部长会议精神",
      "/记录 学习 集中学习 2024-07-16 主题：全市宣传思想工作会议精神",
      "/记录 发放 宣传资料 11万余份 2024-06-15",
      "/记录 活动 喜迎党的二十大文艺晚会 46场 2024-10-20",
      "/记录 活动 红色电影 140人 2024-07-01",
      "/记录 发布 公众号 12篇 2024-12-30",
    ]);
    text = await h.ask("/报告 述职");
  });
  afterAll(async () => {
    await h.close();
  });

  it("is the secretary's first-person report of the year under the seed's headings", () => {
    expect(text.split("\n")[0]).toBe("平安镇2024年落实意识形态工作责任制述职报告");
    expect(headings(text)).toEqual(["一、履职情况", "二、特色亮点", "三、存在的主要问题及原因", "四、下一步工作思路"]);
    expect(text).toContain("2024年以来，本人认真履行意识形态工作第一责任人职责");
  });

  it("states the seed's figures: meetings, study, 11万余份, the 公众号", () => {
    const duty = section(text, "一、履职情况");
    expect(duty).toContain(
      "2024年，本人督促平安镇围绕党的二十大精神、全国宣传思想工作会议精神、中国共产党宣传工作条例等内容，开展理论学习7次，参学72人次，其中党委理论学习中心组学习4次、集中学习3次。",
    );
    expect(duty).toContain("2024年，本人督促平安镇召开意识形态工作专题会议2次、网络安全工作会议1次，研究部署意识形态工作。");
    expect(duty).toContain("2024年，本人督促平安镇发放宣传资料11万余份；通过微信公众号推送信息12篇。");
    expect(duty).toContain(
      "2024年，本人督促平安镇开展了“喜迎党的二十大文艺晚会”等主题活动，以及文化惠民46场、观看红色电影1场（140人次），共47场",
    );
    expect(text).not.toMatch(SPACED);
  });

  it("names the topics studied and the named evening gala among its highlights", () => {
    const bright = section(text, "二、特色亮点");
    expect(bright).toMatch(/围绕.*“党的二十大精神”.*等内容组织学习研讨/);
    expect(bright).toContain("“喜迎党的二十大文艺晚会”");
  });

  it("lists only the ended periods' shortfalls, true of the ledger, and plans next year from this year's figures", () => {
    const problems = section(text, "三、存在的主要问题及原因");
    // Meetings in the first and third quarters; the fourth quarter is still running on 12月31日.
    expect(problems).toContain("1.本单位第二季度专题研究意识形态工作未达到每季度不少于1次的要求。");
    expect(problems).not.toContain("第四季度专题研究");
    // Study in January, February, April, May, July, August and November; December is still running.
    expect(problems).toContain("2.本单位3月、6月、9月、10月理论学习未达到每月不少于1次的要求。");
    expect(problems).not.toContain("12月");
    const next = section(text, "四、下一步工作思路");
    expect(next).toContain("1.2025年每季度专题研究意识形态工作不少于1次（2024年本单位2次）。");
    expect(next).toContain("2.2025年每月理论学习不少于1次（2024年本单位7次）。");
    expectOnlyFigures(text, ["1次", "2次", "4次", "3次", "7次", "72人", "11万余份", "12篇", "47场", "46场", "140人", "1场"]);
  });
});

describe("seed 001: a town's 落实意识形态工作责任制情况的报告, half year and year", () => {
  let h: Harness;
  let half: string;
  let year: string;
  const town = { chat: "镇群" };
  beforeAll(async () => {
    h = await makeHarness({ now: "2022-01-04T09:00:00+08:00" });
    await h.ask("/bind 某镇", town);
    await h.ask("/bind 东村 某镇", { chat: "东村群" });
    await h.ask("/bind 西村 某镇", { chat: "西村群" });
    await h.ask("/bind 南湖社区 某镇", { chat: "南湖社区群" });
    // First half: the 责任书 signed with the branches, a special meeting, the 中心组 on 《习近平在福建》,
    // banners, 宣传挂图 and the 翰墨书春 couplets.
    h.now = new Date("2022-07-05T10:00:00+08:00");
    await record(
      h,
      [
        "/记录 会议 专题会议 2022-03-15",
        "/记录 报送 签订责任书 3份 2022-02-18",
        "/记录 学习 中心组学习 20人 2022-04-12 主题：《习近平在福建》",
        "/记录 发放 横幅 40条 2022-06-01",
        "/记录 发放 挂图 120幅 2022-06-01",
        "/记录 发放 春联 500副 2022-01-20",
      ],
      town.chat,
    );
    half = await h.ask("/报告 上半年", town);
    // Second half: the second special meeting, more study, the villages' 二十大 lectures (each
    // village's officer records its own), 政府信息公开, 舆情处置, volunteering, 重阳节, the tour.
    h.now = new Date("2023-01-10T10:00:00+08:00");
    await record(
      h,
      [
        "/记录 会议 专题会议 2022-09-20",
        "/记录 学习 中心组学习 20人 2022-07-12 主题：《习近平谈治国理政》第四卷",
        "/记录 学习 中心组学习 20人 2022-11-08 主题：学习宣传贯彻党的二十大精神",
        "/记录 学习 干部大会 60人 2022-10-31 主题：《闽山闽水物华新——习近平福建足迹》",
        "/记录 发布 政府信息公开 126条 2022-12-20",
        "/记录 舆情 处置 3起 2022-12-20",
        "/记录 活动 志愿服务 36场 1200余人 2022-12-25",
        "/记录 活动 重阳节 150人 2022-10-04",
        "/记录 活动 喜迎二十大我们的美好生活乡村巡回演出 12场 2022-09-30",
      ],
      town.chat,
    );
    for (const [chat, user, people, day] of [
      ["东村群", "李明", 80, 15],
      ["西村群", "张华", 60, 16],
      ["南湖社区群", "陈静", 70, 17],
    ] as const) {
      await record(h, [`/记录 宣讲 二十大宣讲 1场 ${people}人 2022-11-${day}`], chat, user);
      expect(await h.ask(`/角色 ${user} 宣传员`, { chat })).toMatch(/^已将「/);
    }
    year = await h.ask("/报告 2022年", town);
  });
  afterAll(async () => {
    await h.close();
  });

  it("the half year's report has the seed's structure and only the first half's figures", () => {
    expect(half.split("\n")[0]).toBe("关于某镇2022年上半年落实意识形态工作责任制情况的报告");
    expect(headings(half)).toEqual(["一、主要做法及成效", "二、存在问题", "三、下一步打算"]);
    expect(subheadings(half).slice(0, 3)).toEqual([
      "（一）加强组织领导，压实主体责任",
      "（二）加强理论武装，筑牢思想根基",
      "（三）加强舆论引导，守好宣传阵地",
    ]);
    expect(half).toContain("上半年，镇党委召开意识形态工作专题会议1次，研究部署意识形态工作；签订意识形态工作责任书3份。");
    expect(half).toContain("上半年，镇党委围绕《习近平在福建》等内容，开展理论学习1次，参学20人次，其中党委理论学习中心组学习1次。");
    expect(half).toContain("上半年，镇党委悬挂横幅40条，张贴宣传挂图120幅，赠送春联500副。");
    // The half year's own report is never asked of itself.
    expect(half).not.toContain("向上级报告意识形态工作未按时报送");
    expect(half).toContain("下半年按时报送季度意识形态工作分析研判报告");
    expect(half).not.toMatch(SPACED);
    expectOnlyFigures(half, ["1次", "3份", "20人", "40条", "120幅", "500副"]);
  });

  it("the year's report has the seed's title, sections and sub-headings in order", () => {
    expect(year.split("\n")[0]).toBe("关于某镇2022年落实意识形态工作责任制情况的报告");
    expect(headings(year)).toEqual(["一、主要做法及成效", "二、存在问题", "三、下一步打算"]);
    expect(subheadings(year).slice(0, 4)).toEqual([
      "（一）加强组织领导，压实主体责任",
      "（二）加强理论武装，筑牢思想根基",
      "（三）加强舆论引导，守好宣传阵地",
      "（四）深化文明实践，丰富群众文化生活",
    ]);
  });

  it("says the town committee's own work and the villages' lectures apart, with the staffing from the roles", () => {
    expect(year).toContain(
      "全年，镇党委召开意识形态工作专题会议2次，研究部署意识形态工作；签订意识形态工作责任书3份；各村（居）均配备宣传员1名。",
    );
    expect(year).toContain(
      "全年，镇党委围绕《习近平在福建》、《习近平谈治国理政》第四卷、《闽山闽水物华新——习近平福建足迹》等内容，开展理论学习4次，参学120人次，其中党委理论学习中心组学习3次、干部大会学习1次",
    );
    expect(year).toContain("深入全镇3个村（居）开展宣讲3场，受众210人次，其中党的二十大精神宣讲3场。");
    expect(year).toContain("分单位情况。东村：宣讲1场（受众80人次）；西村：宣讲1场（受众60人次）；南湖社区：宣讲1场（受众70人次）。");
  });

  it("states the publicity, disclosure, 舆情 and civility figures in the seeds' words and measure words", () => {
    expect(year).toContain("全年，镇党委悬挂横幅40条，张贴宣传挂图120幅，赠送春联500副；主动公开政府信息126条；妥善处置网络舆情3起。");
    expect(year).toContain(
      "全年，镇党委开展了“喜迎二十大我们的美好生活乡村巡回演出”等主题活动，以及志愿服务36场（1200余人次）、文化惠民12场、我们的节日1场（150人次），共49场，惠及群众1300余人次。",
    );
    expect(year).not.toMatch(SPACED);
  });

  it("names whose every shortfall is, and holds no figure the ledger lacks", () => {
    const problems = section(year, "二、存在问题");
    expect(problems).toContain(
      "1.东村、西村、南湖社区第一季度、第二季度、第三季度、第四季度，镇党委第二季度、第四季度未召开意识形态工作专题会议、部署会、分析研判会或分析研判联席会议",
    );
    expect(problems).toContain("2.镇党委1月、2月、3月、5月、6月、8月、9月、12月，东村、西村、南湖社区");
    // The annual report never asks for itself; its next steps are next year's.
    expect(year).not.toContain("年度意识形态工作责任制落实情况报告未按时报送");
    expect(section(year, "三、下一步打算")).toContain("明年每月开展理论学习不少于1次");
    expectOnlyFigures(year, [
      "1次",
      "2次",
      "3份",
      "1名",
      "4次",
      "120人",
      "3次",
      "3个",
      "3场",
      "210人",
      "1场",
      "80人",
      "60人",
      "70人",
      "40条",
      "120幅",
      "500副",
      "126条",
      "3起",
      "36场",
      "1200余人",
      "12场",
      "150人",
      "49场",
      "1300余人",
    ]);
  });
});

describe("seed 003: a town's 工作总结及下一年工作计划", () => {
  let h: Harness;
  let text: string;
  beforeAll(async () => {
    h = await makeHarness({ now: "2022-01-04T09:00:00+08:00" });
    await h.ask("/bind 新城镇");
    h.now = new Date("2022-12-28T10:00:00+08:00");
    // The “周一夜读” brand: the first and third Monday of every month (24 sessions, the seed's 20余次).
    const mondays: string[] = [];
    for (let m = 1; m <= 12; m++) {
      const first = new Date(Date.UTC(2022, m - 1, 1));
      const offset = (8 - first.getUTCDay()) % 7;
      for (const d of [1 + offset, 15 + offset]) mondays.push(`2022-${String(m).padStart(2, "0")}-${String(d).padStart(2, "0")}`);
    }
    await record(h, [
      // The seed's placements: 省级媒体15篇, 学习强国8篇, 市级简报4篇, 区级简报17篇.
      "/记录 发布 省级媒体录用 15篇 2022-12-20",
      "/记录 发布 学习强国录用 8篇 2022-12-20",
      "/记录 发布 市级简报 4篇 2022-12-20",
      "/记录 发布 区级简报 17篇 2022-12-20",
      ...mondays.map((d) => `/记录 学习 周一夜读 ${d}`),
      "/记录 学习 冬训 2022-01-18",
      // 定期召开意识形态领域情况分析研判联席会议: one each quarter.
      "/记录 会议 联席会议 2022-03-28",
      "/记录 会议 联席会议 2022-06-27",
      "/记录 会议 联席会议 2022-09-26",
      "/记录 会议 联席会议 2022-12-26",
      "/记录 宣讲 道德讲堂 3场 2022-08-15",
      "/记录 活动 知识竞赛 2022-05-20",
      "/记录 活动 红色电影 2022-07-01",
      "/记录 活动 送戏下乡 2022-10-15",
    ]);
    text = await h.ask("/报告 总结");
  });
  afterAll(async () => {
    await h.close();
  });

  it("has the summary's title and sections: this year's work, its shortfalls, next year's plan", () => {
    expect(text.split("\n")[0]).toBe("新城镇2022年意识形态工作总结及2023年工作计划");
    expect(headings(text)).toEqual(["一、2022年工作总结", "二、存在的不足", "三、2023年工作计划"]);
    expect(subheadings(text)).toEqual([
      "（一）加强理论武装，抓实思想引领",
      "（二）压实主体责任，健全工作机制",
      "（三）守好宣传阵地，唱响主旋律",
      "（四）开展主题活动，培育文明风尚",
    ]);
  });

  it("states the seed's placements, the 周一夜读, the joint meetings and the activities in the seeds' register", () => {
    const work = section(text, "一、2022年工作总结");
    expect(work).toContain("全年新城镇开展理论学习25次，其中周一夜读24次、党员冬训1次；开展宣讲3场，其中道德讲堂3场。");
    expect(work).toContain("全年新城镇召开意识形态领域情况分析研判联席会议4次，研究部署意识形态工作。");
    expect(work).toContain("全年新城镇获省级媒体录用信息15篇，获市级简报录用信息4篇，获区级简报录用信息17篇，获“学习强国”平台录用8篇。");
    expect(work).toContain("全年新城镇开展文化惠民1场、观看红色电影1场、知识竞赛1场等主题活动，共3场。");
    expect(text).not.toMatch(SPACED);
  });

  it("finds no missed month or quarter, and plans 2023 from the rules with 2022 as the baseline", () => {
    const short = section(text, "二、存在的不足");
    expect(short).not.toMatch(/理论学习未达到|专题研究意识形态工作未达到/);
    expect(short).toContain("本单位第一季度、第二季度、第三季度未按时报送季度意识形态工作分析研判报告。");
    const plan = section(text, "三、2023年工作计划");
    expect(plan).toContain("1.每季度专题研究意识形态工作不少于1次（2022年本单位4次）。");
    expect(plan).toContain("2.每月理论学习不少于1次（2022年本单位25次）。");
    expect(plan).toContain("3.每季度按时报送季度意识形态工作分析研判报告，首期截止2023年3月31日。");
    expectOnlyFigures(text, ["25次", "24次", "1次", "3场", "4次", "15篇", "4篇", "17篇", "8篇", "44篇", "1场"]);
  });
});

describe("seed 000: next year's 意识形态工作要点", () => {
  let h: Harness;
  let text: string;
  beforeAll(async () => {
    h = await makeHarness({ now: "2021-01-04T09:00:00+08:00" });
    await h.ask("/bind 金桥镇");
    // 2021, the baseline: a special meeting every quarter, the 中心组 on the seed's study themes
    // (浦东引领区建设、疫情防控、法治建设), two quarterly reports sent.
    h.now = new Date("2021-12-20T10:00:00+08:00");
    await record(h, [
      "/记录 会议 专题会议 2021-03-16",
      "/记录 会议 专题会议 2021-06-15",
      "/记录 会议 专题会议 2021-09-14",
      "/记录 会议 专题会议 2021-12-14",
      "/记录 学习 中心组学习 16人 2021-01-26 主题：浦东引领区建设",
      "/记录 学习 中心组学习 16人 2021-04-27 主题：疫情防控",
      "/记录 学习 中心组学习 16人 2021-07-27 主题：法治建设",
      "/记录 报送 季度分析研判报告 2021-03-31",
      "/记录 报送 季度分析研判报告 2021-06-30",
      // What no rule asks for, carried on in the seed: 道德讲堂, 我们的节日, the 书画展, the 公众号.
      "/记录 宣讲 道德讲堂 4场 300人 2021-05-20",
      "/记录 活动 金桥之春书画展 200人 2021-04-18",
      "/记录 活动 我们的节日 2场 400人 2021-06-14",
      "/记录 发布 公众号 120篇 2021-12-10",
    ]);
    text = await h.ask("/报告 要点");
  });
  afterAll(async () => {
    await h.close();
  });

  it("is 2022's 工作要点, asked in December 2021, the same as /报告 要点 2022年", async () => {
    expect(text.split("\n")[0]).toBe("金桥镇2022年意识形态工作要点");
    expect(await h.ask("/报告 要点 2022年")).toBe(text);
  });

  it("numbers the tasks across the seed's headings, with 2021's figures as their baselines", () => {
    // Seed 000's order: theory, then 精神文明, then responsibility with the 阵地.
    expect(headings(text)).toEqual([
      "一、突出思想政治引领，抓好理论学习",
      "二、深化精神文明建设，培育文明风尚",
      "三、压紧压实工作责任，守好意识形态阵地",
    ]);
    const theory = section(text, "一、突出思想政治引领，抓好理论学习");
    expect(theory).toContain("（一）每月理论学习不少于1次（2021年本单位3次）。");
    // What no rule asks for is carried on, with 2021's figures.
    expect(theory).toContain("（二）继续开展道德讲堂等宣讲（2021年开展宣讲4场，受众300人次）。");
    expect(section(text, "二、深化精神文明建设，培育文明风尚")).toContain(
      "（三）继续办好“金桥之春书画展”等主题活动（2021年开展主题活动3场，惠及群众600人次）。",
    );
    const duty = section(text, "三、压紧压实工作责任，守好意识形态阵地");
    expect(duty).toContain("（四）每季度专题研究意识形态工作不少于1次（2021年本单位4次）。");
    expect(duty).toContain("（五）每季度按时报送季度意识形态工作分析研判报告，首期截止2022年3月31日。");
    expect(duty).toContain("（八）继续做好信息发布工作（2021年通过微信公众号推送信息120篇）。");
    expect(text).not.toMatch(SPACED);
    expectOnlyFigures(text, ["1次", "3次", "4次", "4场", "300人", "3场", "600人", "120篇"]);
  });
});
