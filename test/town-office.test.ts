// The town office looks at one unit: /统计, /截止, /明细, /报告 and /导出台账 take a unit of the
// chat's subtree by its full name or any unique part of it, in either order with a period; a
// parent's /统计 shows a units × requirements table, the most behind first, and its own line as 本级.
import { describe, it, expect, beforeAll, afterAll } from "vitest";
import { makeHarness, type Harness } from "./harness.js";
import { parseDeployment } from "../src/config/deployment.js";

const PERIODS = "本季度、上季度、2026Q3、2026年第三季度、本月、2026年11月、上半年、2026H2、今年、2025年";

let h: Harness;
const town = (text: string) => h.ask(text, { chat: "镇群" });

beforeAll(async () => {
  // Bound at the start of the year (nothing before a unit's binding counts as missed), asked in November.
  h = await makeHarness({ now: "2026-01-05T10:00:00+08:00" });
  await h.ask("/bind 平安镇", { chat: "镇群" });
  for (const [name, chat] of [
    ["碧云社区", "碧云群"],
    ["碧云新村", "新村群"],
    ["金桥社区", "金桥群"],
    ["东村", "东村群"],
    ["东湖社区", "东湖群"],
    ["永业村", "永业群"],
  ]) {
    expect(await h.ask(`/bind ${name} 平安镇`, { chat })).toMatch(new RegExp(`^已将本群绑定到「${name}」（上级：平安镇）`));
  }
  await h.ask("/bind 东村小学 东村", { chat: "小学群" });
  // Another town's units: never named, suggested or counted from 平安镇's chat.
  await h.ask("/bind 别镇", { chat: "别镇群" });
  await h.ask("/bind 金桥别苑 别镇", { chat: "别苑群" });
  h.now = new Date("2026-11-22T10:00:00+08:00");
  const record = async (chat: string, lines: string[]) => {
    for (const l of lines) expect(await h.ask(l, { chat })).toMatch(/^已记录 #\d+/);
  };
  // Last quarter (2026Q3, closed): 碧云社区 did everything due, 永业村 studied but held no meeting,
  // 金桥社区 held the meeting and studied once; the rest did nothing.
  await record("碧云群", [
    "/记录 会议 意识形态工作专题会议 8月3日",
    "/记录 学习 10人 7月5日",
    "/记录 学习 8人 8月5日",
    "/记录 学习 9人 9月5日",
    "/记录 报送 季度分析研判报告 9月28日",
  ]);
  await record("永业群", ["/记录 学习 10人 7月6日", "/记录 学习 8人 8月6日", "/记录 学习 9人 9月6日"]);
  await record("金桥群", ["/记录 会议 意识形态工作专题会议 8月4日", "/记录 学习 6人 7月7日"]);
  // This quarter.
  await record("新村群", ["/记录 学习 5人 11月2日"]);
  await record("镇群", ["/记录 学习 7人 11月3日"]);
  await record("别苑群", ["/记录 学习 4人 7月3日"]);
});
afterAll(async () => {
  await h.close();
});

const Q3_JINQIAO = [
  "金桥社区 2026年第三季度（7月1日—9月30日）统计：",
  "· 会议 1 次（其中意识形态工作专题会议 1 次）",
  "· 理论学习 1 次、参学 6 人次",
  "",
  "要求完成情况（✅ 已完成 ⏳ 进行中 ❌ 未完成 · 未开始或在绑定前）：",
  "专题研究意识形态工作（每季度不少于 1 次）：✅ 1/1",
  "理论学习（每月不少于 1 次）：✅ 7月 1/1，❌ 8月 0/1，❌ 9月 0/1",
  "季度意识形态工作分析研判报告（每季度）：❌ 未报送（截止 9月30日）",
  "向上级报告意识形态工作（每半年）：⏳ 下半年 未报送（截止 12月31日）",
  "年度意识形态工作责任制落实情况报告（每年）：⏳ 未报送（截止 12月31日）",
  "",
  "佐证材料（2026年第三季度，按部署要求）：",
  "· 1 条会议记录缺少照片",
  "· 1 条会议记录缺少参加人员或签到表",
  "· 1 条会议记录缺少纪要",
  "· 1 条学习记录缺少照片",
  "补充方法：回复记录的确认消息发送照片或签到表；/修改 编号 参加人员：… 或 纪要：…；/明细 #编号 查看一条记录的材料。",
].join("\n");

const Q4_LEAF = (name: string) =>
  [
    `${name} 2026年第四季度（10月1日—12月31日）统计：`,
    "暂无记录。用 /记录 登记，例如：/记录 学习 12人",
    "",
    "要求完成情况（✅ 已完成 ⏳ 进行中 ❌ 未完成 · 未开始或在绑定前）：",
    "专题研究意识形态工作（每季度不少于 1 次）：⏳ 0/1",
    "理论学习（每月不少于 1 次）：❌ 10月 0/1，⏳ 11月 0/1，· 12月 0/1",
    "季度意识形态工作分析研判报告（每季度）：⏳ 未报送（截止 12月31日）",
    "向上级报告意识形态工作（每半年）：⏳ 下半年 未报送（截止 12月31日）",
    "年度意识形态工作责任制落实情况报告（每年）：⏳ 未报送（截止 12月31日）",
  ].join("\n");

const DEADLINES = (name: string) =>
  [
    `「${name}」近期要求（✅ 已完成 ⏳ 进行中 ❌ 未完成）：`,
    "⏳ 专题研究意识形态工作（每季度）：2026年第四季度，截止 12月31日（还有 39 天），已记录 0/1 次",
    "⏳ 理论学习（每月）：2026年11月，截止 11月30日（还有 8 天），已记录 0/1 次",
    "⏳ 季度意识形态工作分析研判报告（每季度）：2026年第四季度，截止 12月31日（还有 39 天），未报送",
    "⏳ 向上级报告意识形态工作（每半年）：2026年下半年，截止 12月31日（还有 39 天），未报送",
    "⏳ 年度意识形态工作责任制落实情况报告（每年）：2026年，截止 12月31日（还有 39 天），未报送",
  ].join("\n");

describe("naming a unit of the town", () => {
  it("/统计 takes a unique part, in either order with a period", async () => {
    // 金桥 is part of 金桥社区 only in this town (金桥别苑 is another town's).
    expect(await town("/统计 上季度 金桥")).toBe(Q3_JINQIAO);
    expect(await town("/统计 金桥 上季度")).toBe(Q3_JINQIAO);
    expect(await town("/统计 金桥社区 2026Q3")).toBe(Q3_JINQIAO);
    expect(await town("/统计 「金桥」 2026年第三季度")).toBe(Q3_JINQIAO);
    expect(await town("/统计 金桥")).toBe(Q4_LEAF("金桥社区"));
    // A grandchild is in the subtree too.
    expect(await town("/统计 小学")).toBe(Q4_LEAF("东村小学"));
  });

  it("an exact full name wins over the names that contain it", async () => {
    // 东村 is also part of 东村小学.
    expect((await town("/统计 东村")).split("\n")[0]).toBe("东村（含下级单位 1 个） 2026年第四季度（10月1日—12月31日）统计：");
    expect(await town("/截止 东村")).toBe(DEADLINES("东村"));
  });

  it("an ambiguous part lists the candidates, for every command", async () => {
    const east = "「东」可能是：东村、东湖社区、东村小学，请写全名。";
    const biyun = "「碧云」可能是：碧云社区、碧云新村，请写全名。";
    for (const line of ["/统计 东", "/截止 东", "/明细 东", "/明细 上季度 东", "/报告 东", "/导出台账 东"])
      expect(await town(line), line).toBe(east);
    for (const line of ["/统计 碧云 上季度", "/截止 碧云", "/报告 碧云 文档", "/导出台账 上季度 碧云"])
      expect(await town(line), line).toBe(biyun);
  });

  it("no match gives the nearest names of the subtree; a unit of another town reads exactly like a missing one", async () => {
    // 金桥别苑 exists under 别镇, 金桥别院 nowhere: the same reply.
    expect(await town("/统计 金桥别苑")).toBe("「平安镇」下没有名为「金桥别苑」的单位。相近的有：金桥社区。");
    expect(await town("/统计 金桥别院")).toBe("「平安镇」下没有名为「金桥别院」的单位。相近的有：金桥社区。");
    for (const cmd of ["截止", "明细", "报告", "导出台账"]) {
      expect(await town(`/${cmd} 金桥别苑`)).toBe("「平安镇」下没有名为「金桥别苑」的单位。相近的有：金桥社区。");
    }
    expect(await town("/报告 「碧云花园」")).toBe("「平安镇」下没有名为「碧云花园」的单位。相近的有：碧云社区、碧云新村。");
    // Nothing near (the other town itself, or a word that is neither a unit nor a period).
    expect(await town("/截止 别镇")).toBe("「平安镇」下没有名为「别镇」的单位。");
    expect(await town("/报告 别镇")).toBe("「平安镇」下没有名为「别镇」的单位。");
    expect(await town("/统计 明年")).toBe(`「平安镇」下没有名为「明年」的单位。如果写的是时间段，可以写：${PERIODS}。`);
    expect(await town("/统计 2026Q5")).toBe(`没看懂时间段「2026Q5」。可以写：${PERIODS}。`);
    // The chat's own parent is not in its subtree.
    expect(await h.ask("/统计 平安镇", { chat: "东村群" })).toBe("「东村」下没有名为「平安镇」的单位。");
    expect(await h.ask("/截止 碧云社区", { chat: "东村群" })).toBe("「东村」下没有名为「碧云社区」的单位。");
    // LIKE wildcards typed by a user match only themselves.
    expect(await town("/统计 %")).toBe(`「平安镇」下没有名为「%」的单位。如果写的是时间段，可以写：${PERIODS}。`);
    expect(await town("/明细 _")).toBe(`「平安镇」下没有名为「_」的单位。如果写的是时间段，可以写：${PERIODS}。`);
  });

  it("/截止 takes a unit and refuses a period", async () => {
    expect(await town("/截止 金桥")).toBe(DEADLINES("金桥社区"));
    expect(await town("/截止 上季度")).toBe(
      "/截止 看的是各项要求当前的截止情况，不用写时间段「上季度」；可以写下级单位名，例如：/截止 金桥社区",
    );
    expect(await town("/截止 金桥 永业")).toBe("一次只能写一个单位：已经写了「金桥」，又写了「永业」。请分两次发送。");
  });

  it("/明细 takes a unit and a period in either order", async () => {
    const yongye = [
      "永业村 2026年第三季度记录（共 3 条）：",
      "#6 7月6日 理论学习 1 次，10 人参加（admin）",
      "#7 8月6日 理论学习 1 次，8 人参加（admin）",
      "#8 9月6日 理论学习 1 次，9 人参加（admin）",
    ].join("\n");
    expect(await town("/明细 上季度 永业")).toBe(yongye);
    expect(await town("/明细 永业 上季度")).toBe(yongye);
    expect(await town("/明细 新村")).toBe("碧云新村 2026年第四季度记录（共 1 条）：\n#11 11月2日 理论学习 1 次，5 人参加（admin）");
    expect(await town("/明细 上季度 本月")).toBe("一次只能写一个时间段：已经写了「上季度」，又写了「本月」。请分两次发送。");
  });

  it("/报告 and /导出台账 take a unique part", async () => {
    const [draft] = await h.say("/报告 新村", { chat: "镇群" });
    expect(draft.title).toBe("碧云新村2026年第四季度意识形态工作分析研判报告");
    expect(draft.text).toContain("本季度开展理论学习1次，参学5人次。");
    // The button names the unit in full.
    expect(draft.actions).toEqual([{ label: "下载 Word", command: "/report 2026Q4 「碧云新村」 docx" }]);
    const [file] = await h.say("/报告 上季度 文档 金桥", { chat: "镇群" });
    expect(file.file?.name).toBe("金桥社区-2026Q3-分析研判报告.docx");
    const [xlsx] = await h.say("/导出台账 永业 上季度", { chat: "镇群" });
    expect([xlsx.text, xlsx.file?.name]).toEqual([
      "永业村 2026年第三季度 意识形态工作台账：共 3 条记录，已导出为 Excel。",
      "永业村-2026Q3-台账.xlsx",
    ]);
  });
});

describe("the town's /统计", () => {
  it("shows a units × requirements table, the most behind first, then the town's own line as 本级", async () => {
    expect(await town("/统计 上季度")).toBe(
      [
        "平安镇（含下级单位 7 个） 2026年第三季度（7月1日—9月30日）统计：",
        "· 会议 2 次（其中意识形态工作专题会议 2 次）",
        "· 理论学习 7 次、参学 60 人次",
        "· 报告报送 1 份（其中季度意识形态工作分析研判报告 1 份）",
        "",
        "各单位要求完成情况（✅ 已完成 ⏳ 进行中 ❌ 未完成 · 未开始或在绑定前；未完成多的在前）：",
        "碧云新村：❌ 专题会议 0/1 · ❌ 理论学习 0/3 · ❌ 研判报告 · ⏳ 半年报告 · ⏳ 年度报告",
        "东村：❌ 专题会议 0/1 · ❌ 理论学习 0/3 · ❌ 研判报告 · ⏳ 半年报告 · ⏳ 年度报告",
        "东湖社区：❌ 专题会议 0/1 · ❌ 理论学习 0/3 · ❌ 研判报告 · ⏳ 半年报告 · ⏳ 年度报告",
        "金桥社区：✅ 专题会议 1/1 · ❌ 理论学习 1/3 · ❌ 研判报告 · ⏳ 半年报告 · ⏳ 年度报告",
        "永业村：❌ 专题会议 0/1 · ✅ 理论学习 3/3 · ❌ 研判报告 · ⏳ 半年报告 · ⏳ 年度报告",
        "碧云社区：✅ 专题会议 1/1 · ✅ 理论学习 3/3 · ✅ 研判报告 · ⏳ 半年报告 · ⏳ 年度报告",
        "本级（平安镇）：❌ 专题会议 0/1 · ❌ 理论学习 0/3 · ❌ 研判报告 · ⏳ 半年报告 · ⏳ 年度报告",
        "",
        "佐证材料（2026年第三季度，按部署要求）：",
        "· 2 条会议记录缺少照片（碧云社区1条、金桥社区1条）",
        "· 2 条会议记录缺少参加人员或签到表（碧云社区1条、金桥社区1条）",
        "· 2 条会议记录缺少纪要（碧云社区1条、金桥社区1条）",
        "· 7 条学习记录缺少照片（碧云社区3条、永业村3条、金桥社区1条）",
        "补充方法：回复记录的确认消息发送照片或签到表；/修改 编号 参加人员：… 或 纪要：…；/明细 #编号 查看一条记录的材料。",
      ].join("\n"),
    );
  });

  it("a unit with children named from the town gets its own table", async () => {
    expect(await town("/统计 东村")).toBe(
      [
        "东村（含下级单位 1 个） 2026年第四季度（10月1日—12月31日）统计：",
        "暂无记录。用 /记录 登记，例如：/记录 学习 12人",
        "",
        "各单位要求完成情况（✅ 已完成 ⏳ 进行中 ❌ 未完成 · 未开始或在绑定前；未完成多的在前）：",
        "东村小学：⏳ 专题会议 0/1 · ❌ 理论学习 0/3 · ⏳ 研判报告 · ⏳ 半年报告 · ⏳ 年度报告",
        "本级（东村）：⏳ 专题会议 0/1 · ❌ 理论学习 0/3 · ⏳ 研判报告 · ⏳ 半年报告 · ⏳ 年度报告",
      ].join("\n"),
    );
  });
});

describe("a leaf unit's chat behaves as before", () => {
  const leaf = (text: string) => h.ask(text, { chat: "碧云群" });
  it("/统计, /截止 and /明细 without a unit, and the old replies to words it cannot read", async () => {
    expect(await leaf("/统计")).toBe(Q4_LEAF("碧云社区"));
    expect(await leaf("/统计 明年")).toBe(`没看懂时间段「明年」。可以写：${PERIODS}。`);
    expect(await leaf("/统计 金桥社区")).toBe(`没看懂时间段「金桥社区」。可以写：${PERIODS}。`);
    expect(await leaf("/截止")).toBe(DEADLINES("碧云社区"));
    expect(await leaf("/截止 上季度")).toBe("用法：/截止（不需要参数）");
    expect(await leaf("/截止 金桥社区")).toBe("用法：/截止（不需要参数）");
    expect((await leaf("/明细 上季度")).split("\n")[0]).toBe("碧云社区 2026年第三季度记录（共 5 条）：");
    // Its own name (or a part of it) is its own unit.
    expect(await leaf("/统计 碧云")).toBe(Q4_LEAF("碧云社区"));
  });
});

describe("/明细 shows a record's inspection fields", () => {
  it("activity name, 时间, 地点, 主持人, 参加人员, 记录人 and an approximate count", async () => {
    const { id } = await h.app.store.db.record.findFirstOrThrow({ where: { day: "2026-11-02" } });
    await h.app.store.db.record.update({
      where: { id },
      data: {
        title: "最美家庭故事分享会",
        sessions: 20,
        sessionsApprox: true,
        timeOfDay: "上午9时",
        place: "新村党群服务中心",
        host: "王书记",
        attendees: "全体党员、入党积极分子",
        recorder: "李四",
      },
    });
    expect(await town("/明细 新村")).toBe(
      [
        "碧云新村 2026年第四季度记录（共 1 条）：",
        `#${id} 11月2日 理论学习「最美家庭故事分享会」 20 余次，5 人参加（admin）`,
        "  时间：上午9时；地点：新村党群服务中心；主持人：王书记；参加人员：全体党员、入党积极分子；记录人：李四",
      ].join("\n"),
    );
  });
});

describe("the store's resolver", () => {
  it("finds names containing a text in a subtree only, exact first, LIKE wildcards escaped", async () => {
    const root = (await h.app.store.db.unit.findUniqueOrThrow({ where: { name: "平安镇" } })).id;
    const names = async (text: string) => (await h.app.ledger.subtreeUnitsNamedLike(root, text)).map((u) => u.name);
    expect(await names("东村")).toEqual(["东村", "东村小学"]);
    expect(await names("社区")).toEqual(["碧云社区", "金桥社区", "东湖社区"]);
    expect(await names("金桥")).toEqual(["金桥社区"]);
    expect(await names("%")).toEqual([]);
    expect(await names("_")).toEqual([]);
    expect(await names("\\")).toEqual([]);
    await h.app.store.db.unit.create({ data: { name: "1_2%组", parentId: root, createdAt: new Date() } });
    expect(await names("_2%")).toEqual(["1_2%组"]);
    expect(await names("1%")).toEqual([]);
    await h.app.store.db.unit.delete({ where: { name: "1_2%组" } });
  });
});

describe("a town of more than 30 units", () => {
  it("lists the ones behind, then counts the complete ones", async () => {
    const config = parseDeployment(`
requirements:
  - { id: special-meeting, name: 专题研究意识形态工作, kind: meeting, subtypes: [意识形态工作专题会议], min: 1, per: quarter }
  - { id: monthly-study, name: 理论学习, kind: study, min: 1, per: month }
reports: []
`);
    const big = await makeHarness({ now: "2026-06-20T10:00:00+08:00", config });
    try {
      await big.ask("/bind 大镇", { chat: "大镇群" });
      for (let i = 1; i <= 33; i++)
        await big.ask(`/bind 村${String(i).padStart(2, "0")} 大镇`, { chat: `村${String(i).padStart(2, "0")}` });
      big.now = new Date("2026-11-22T10:00:00+08:00");
      await big.ask("/记录 会议 意识形态工作专题会议 8月1日", { chat: "大镇群" });
      for (let i = 1; i <= 33; i++) {
        const name = `村${String(i).padStart(2, "0")}`;
        if (i === 10) continue; // nothing at all
        const lines = ["/记录 学习 5人 7月2日", "/记录 学习 5人 9月2日"];
        if (i !== 20) lines.push("/记录 会议 意识形态工作专题会议 8月3日");
        if (i !== 5) lines.push("/记录 学习 5人 8月2日");
        for (const l of lines) expect(await big.ask(l, { chat: name })).toMatch(/^已记录/);
      }
      const text = await big.ask("/统计 上季度", { chat: "大镇群" });
      expect(text.split("\n")).toEqual([
        "大镇（含下级单位 33 个） 2026年第三季度（7月1日—9月30日）统计：",
        "· 会议 32 次（其中意识形态工作专题会议 32 次）",
        "· 理论学习 95 次、参学 475 人次",
        "",
        "各单位要求完成情况（✅ 已完成 ⏳ 进行中 ❌ 未完成 · 未开始或在绑定前；未完成多的在前）：",
        "村10：❌ 专题会议 0/1 · ❌ 理论学习 0/3",
        "村05：✅ 专题会议 1/1 · ❌ 理论学习 2/3",
        "村20：❌ 专题会议 0/1 · ✅ 理论学习 3/3",
        "另有 30 个单位各项要求均已完成。",
        "本级（大镇）：✅ 专题会议 1/1 · ❌ 理论学习 0/3",
        "",
        "佐证材料（2026年第三季度，按部署要求）：",
        "· 32 条会议记录缺少照片（大镇1条、村01 1条、村02 1条、村03 1条、村04 1条等）",
        "· 32 条会议记录缺少参加人员或签到表（大镇1条、村01 1条、村02 1条、村03 1条、村04 1条等）",
        "· 32 条会议记录缺少纪要（大镇1条、村01 1条、村02 1条、村03 1条、村04 1条等）",
        "· 95 条学习记录缺少照片（村01 3条、村02 3条、村03 3条、村04 3条、村06 3条等）",
        "补充方法：回复记录的确认消息发送照片或签到表；/修改 编号 参加人员：… 或 纪要：…；/明细 #编号 查看一条记录的材料。",
      ]);
      // This quarter every unit missed October: 30 lines, then how many more are behind.
      const now = (await big.ask("/统计", { chat: "大镇群" })).split("\n");
      expect(now.slice(0, 5)).toEqual([
        "大镇（含下级单位 33 个） 2026年第四季度（10月1日—12月31日）统计：",
        "暂无记录。用 /记录 登记，例如：/记录 学习 12人",
        "",
        "各单位要求完成情况（✅ 已完成 ⏳ 进行中 ❌ 未完成 · 未开始或在绑定前；未完成多的在前）：",
        "村01：⏳ 专题会议 0/1 · ❌ 理论学习 0/3",
      ]);
      expect(now.slice(4, -2)).toHaveLength(30);
      expect(now.slice(-3)).toEqual([
        "村30：⏳ 专题会议 0/1 · ❌ 理论学习 0/3",
        "……另有 3 个单位尚未全部完成，可发送 /统计 单位名 逐个查看。",
        "本级（大镇）：⏳ 专题会议 0/1 · ❌ 理论学习 0/3",
      ]);
    } finally {
      await big.close();
    }
  });
});
