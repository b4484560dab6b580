// Report drafts from the recorded figures, through the router: the seed quarterly report's
// figures, an annual draft, a town rolling up three children, Word files and the ledger export.
import { describe, it, expect, beforeEach, afterEach } from "vitest";
import JSZip from "jszip";
import ExcelJS from "exceljs";
import { makeHarness, type Harness } from "./harness.js";

let h: Harness;
beforeEach(async () => {
  h = await makeHarness({ now: "2026-06-28T10:00:00+08:00" });
});
afterEach(async () => {
  await h.close();
});

async function record(lines: string[], chat = "测试群") {
  for (const l of lines) {
    const got = await h.ask(`/记录 ${l}`, { chat });
    expect(got, l).toMatch(/^已记录 #\d+/);
  }
}

/** Seed 002's second-quarter figures: 1 deployment meeting, 12 study sessions, 6000 leaflets, 3000 brochures, 6 commentary articles. */
const SEED_002_Q2 = [
  "会议 部署会 4月8日",
  ...Array.from({ length: 12 }, (_, i) => `学习 ${10 + i}人 ${4 + Math.floor(i / 4)}月${3 + (i % 4) * 5}日`),
  "发放 宣传单 6000余份 5月20日",
  "发放 宣传册 3000余份 5月20日",
  "发布 网评文章 6篇 6月10日",
];

describe("/report for a quarter (分析研判 structure)", () => {
  it("words every figure of seed 002's quarter", async () => {
    await h.ask("/bind 某社区");
    await record(SEED_002_Q2);
    const [reply] = await h.say("/报告 2026年第二季度");
    expect(reply.kind).toBe("draft");
    const text = reply.text;
    expect(text.split("\n")[0]).toBe("某社区2026年第二季度意识形态工作分析研判报告");
    expect(text).toContain("一、意识形态工作开展情况");
    expect(text).toContain("召开意识形态工作部署会1次，研究部署意识形态工作");
    // 12 sessions; 10+11+…+21 = 186 participants; no spaces around figures.
    expect(text).toContain("开展理论学习12次，参学186人次");
    expect(text).toContain("发放宣传单6000余份、宣传册3000余份");
    expect(text).toContain("上报网评文章6篇");
    expect(text).not.toMatch(/[\u4e00-\u9fff] \d|\d [\u4e00-\u9fff]/);
    // Seed 002's 存在的风险和隐患, from the units' /研判 records: none were recorded, and it says so.
    expect(text).toContain("二、存在的风险和隐患\n　　本季度未登记意识形态领域风险隐患的具体研判情况。");
    expect(text).toContain("三、存在的问题");
    // The 部署会 is an ideology-work meeting: the 专题研究 rule is met, so no meeting is called missing.
    expect(text).not.toContain("未召开");
    // A compliant quarter's problems are about the work, never about the bot's records.
    expect(text).not.toContain("记录以");
    expect(text).toContain("1.本季度截至目前未开展宣讲、主题活动等工作，宣传阵地和文明实践载体的作用发挥还不够充分。");
    expect(text).toContain("四、下一步打算");
    expect(text).toContain(
      "下季度继续做到每季度召开意识形态工作专题会议、部署会、分析研判会或分析研判联席会议不少于1次、每月开展理论学习不少于1次",
    );
    // The button asks for the same draft as a Word file.
    expect(reply.actions).toEqual([{ label: "下载 Word", command: "/report 2026Q2 docx" }]);
  });

  it("compares with the previous quarter and writes exact figures on request", async () => {
    await h.ask("/bind 某社区");
    await record([
      "学习 10人 1月10日",
      "学习 10人 2月10日",
      "发放 宣传单 6123份 5月1日",
      "学习 8人 4月1日",
      "学习 8人 5月1日",
      "学习 8人 6月1日",
      "会议 专题会议 4月2日",
    ]);
    const text = await h.ask("/报告");
    expect(text).toContain("开展理论学习3次，较上季度增加1次，参学24人次");
    expect(text).toContain("发放宣传单6100余份");
    expect(text).not.toContain("未召开意识形态工作专题会议");
    expect(await h.ask("/报告 精确")).toContain("发放宣传单6123份");
  });

  it("says plainly that a quarter with no records has nothing to draft", async () => {
    await h.ask("/bind 某社区");
    expect(await h.ask("/报告")).toBe(
      "「某社区」2026年第二季度的台账里还没有任何记录，无法生成报告草稿。请先用 /记录 登记本季度开展的会议、学习、宣传等工作，例如：/记录 学习 12人",
    );
    expect(await h.ask("/报告 2025年第三季度")).toContain("请先用 /记录 登记2025年第三季度开展的");
  });

  it("returns the same draft as a Word file laid out as an official document", async () => {
    await h.ask("/bind 某社区");
    await record(SEED_002_Q2);
    const [reply] = await h.say("/报告 2026Q2 文档");
    expect(reply.file?.name).toBe("某社区-2026Q2-分析研判报告.docx");
    const zip = await JSZip.loadAsync(reply.file!.data);
    const xml = await zip.file("word/document.xml")!.async("string");
    const plain = xml.replace(/<[^>]+>/g, "");
    expect(plain).toContain("某社区2026年第二季度意识形态工作分析研判报告");
    expect(plain).toContain("发放宣传单6000余份、宣传册3000余份");
    expect(plain).toContain("开展理论学习12次，参学186人次");
    expect(xml).toContain("方正小标宋简体");
    expect(xml).toContain("仿宋_GB2312");
    expect(xml).toContain('w:sz w:val="32"');
  });
});

describe("/report for a year (责任制落实情况 structure)", () => {
  it("groups lectures, volunteer activities and publications under the seed's sub-headings", async () => {
    h.now = new Date("2026-12-20T10:00:00+08:00");
    await h.ask("/bind 某镇");
    // The ledger starts with the unit's binding; this unit's is moved to the start of the year.
    await h.app.store.db.unit.update({ where: { name: "某镇" }, data: { createdAt: new Date("2026-01-01T09:00:00+08:00") } });
    await record([
      "会议 专题会议 2月3日",
      "会议 专题会议 5月3日",
      "会议 专题会议 8月3日",
      "会议 专题会议 11月3日",
      "学习 中心组学习 15人 3月1日",
      "学习 中心组学习 15人 6月1日",
      "学习 中心组学习 15人 9月1日",
      "学习 中心组学习 15人 12月1日",
      "宣讲 二十大宣讲 20场 约2000人次 7月1日",
      "宣讲 道德讲堂 3场 150人 10月1日",
      "活动 志愿服务 30场 1500余人 6月1日",
      "活动 我们的节日 2场 400人 9月15日",
      "发布 省级媒体录用 15篇 8月1日",
      "发布 学习强国录用 8篇 9月1日",
      "发布 区级媒体录用 17篇 10月1日",
      "发放 宣传资料 112000份 6月5日",
      "发放 横幅 40条 6月5日",
    ]);
    const text = await h.ask("/报告 2026年");
    expect(text.split("\n")[0]).toBe("关于某镇2026年落实意识形态工作责任制情况的报告");
    expect(text).toContain("一、主要做法及成效");
    expect(text).toContain("（一）加强组织领导，压实主体责任");
    expect(text).toContain("召开意识形态工作专题会议4次");
    expect(text).toContain("（二）加强理论武装，筑牢思想根基");
    expect(text).toContain("开展理论学习4次，参学60人次，其中党委理论学习中心组学习4次");
    // About 2000 + 150 is written the way the seeds write large approximate figures.
    expect(text).toContain("开展宣讲23场，受众2100余人次，其中党的二十大精神宣讲20场、道德讲堂3场");
    expect(text).toContain("（三）加强舆论引导，守好宣传阵地");
    expect(text).toContain("发放宣传资料11万余份，悬挂横幅40条");
    expect(text).toContain("获省级媒体录用信息15篇，获区级媒体录用信息17篇，获“学习强国”平台录用8篇");
    expect(text).toContain("（四）深化文明实践，丰富群众文化生活");
    expect(text).toContain("开展志愿服务30场（1500余人次）、我们的节日2场（400人次）等主题活动，共32场，惠及群众1900余人次");
    expect(text).toContain("二、存在问题");
    // Monthly study: months without a session are named.
    expect(text).toContain("1月、2月、4月、5月、7月、8月、10月、11月未开展理论学习，未达到每月不少于1次的要求。");
    expect(text).toContain("今年以来，召开意识形态工作专题会议4次");
    // H2 and the year: next steps speak of next year; the annual report never asks for itself.
    expect(text).toContain("明年每月按时开展理论学习");
    expect(text).not.toContain("报送年度意识形态工作责任制落实情况报告");
    expect(text).toContain("三、下一步打算");
  });
});

describe("roll-up in a parent unit's chat", () => {
  beforeEach(async () => {
    await h.ask("/bind 金桥镇", { chat: "镇群" });
    await h.ask("/bind 金桥社区 金桥镇", { chat: "社区A" });
    await h.ask("/bind 浦东社区 金桥镇", { chat: "社区B" });
    await h.ask("/bind 张江村 金桥镇", { chat: "村C" });
    await h.ask("/bind 别镇", { chat: "别镇群" });
    await record(
      ["学习 20人 4月5日", "学习 20人 5月5日", "学习 20人 6月5日", "会议 专题会议 4月6日", "发放 宣传册 3000份 5月1日"],
      "社区A",
    );
    await record(["学习 10人 5月5日", "发放 横幅 5条 5月1日"], "社区B");
    await record(["宣讲 2场 100人 6月1日"], "村C");
    await record(["学习 99人 5月5日", "发放 宣传单 99999份 5月1日"], "别镇群");
  });

  it("sums the children, lists each child's figures and never another branch's", async () => {
    // Their ledgers start at the beginning of the year, so April and May are judged.
    await h.app.store.db.unit.updateMany({ data: { createdAt: new Date("2026-01-01T09:00:00+08:00") } });
    const text = await h.ask("/报告", { chat: "镇群" });
    expect(text.split("\n")[0]).toBe("金桥镇2026年第二季度意识形态工作分析研判报告");
    // The town itself recorded nothing: the figures are named as its children's.
    expect(text).toContain("理论武装方面，本季度金桥社区、浦东社区开展理论学习4次，参学70人次；张江村开展宣讲2场，受众100人次。");
    expect(text).toContain("金桥社区、浦东社区发放宣传册3000份，悬挂横幅5条");
    expect(text).toContain(
      "分单位情况。金桥社区：会议1次，理论学习3次（参学60人次），发放宣传册3000份；浦东社区：理论学习1次（参学10人次），悬挂横幅5条；张江村：宣讲2场（受众100人次）。",
    );
    expect(text).toContain("其中，金桥社区理论学习开展最多（3次）");
    // Every shortfall names whose it is; the town's own is 镇党委's. Each unit's own missing months.
    expect(text).toContain("1.镇党委、张江村4月、5月，浦东社区4月未开展理论学习，未达到每月不少于1次的要求。");
    // The running quarter and month are not failures: what is still due, by whom and by when.
    expect(text).not.toContain("尚未召开");
    expect(text).toContain(
      "一要抓紧完成本季度尚未完成的工作，镇党委、浦东社区、张江村在6月30日前召开意识形态工作专题会议、部署会、分析研判会或分析研判联席会议，开展理论学习，确保按期达到要求。",
    );
    expect(text).not.toContain("99");
  });

  it("/report 单位名 narrows to one child; a sibling or another branch is refused", async () => {
    const text = await h.ask("/报告 浦东社区", { chat: "镇群" });
    expect(text.split("\n")[0]).toBe("浦东社区2026年第二季度意识形态工作分析研判报告");
    expect(text).toContain("开展理论学习1次，参学10人次");
    expect(text).not.toContain("3000");
    expect(await h.ask("/报告 别镇", { chat: "镇群" })).toBe("「金桥镇」下没有名为「别镇」的单位。");
    expect(await h.ask("/报告 金桥社区", { chat: "社区B" })).toBe("「浦东社区」下没有名为「金桥社区」的单位。");
  });
});

describe("a large roll-up", () => {
  it("names eight units that are behind, then counts the rest", async () => {
    await h.ask("/bind 大镇", { chat: "大镇群" });
    for (let i = 1; i <= 10; i++) {
      await h.ask(`/bind 村${i} 大镇`, { chat: `村群${i}` });
      await h.ask("/记录 学习 5人 4月2日", { chat: `村群${i}` });
    }
    const text = await h.ask("/报告", { chat: "大镇群" });
    expect(text).toContain(
      "一要抓紧完成本季度尚未完成的工作，镇党委、村1、村2、村3、村4、村5、村6、村7等11个单位在6月30日前召开意识形态工作专题会议",
    );
    // Once the quarter has ended (and with ledgers started before it), the same is a named miss.
    await h.app.store.db.unit.updateMany({ data: { createdAt: new Date("2026-01-01T09:00:00+08:00") } });
    h.now = new Date("2026-07-03T10:00:00+08:00");
    expect(await h.ask("/报告 上季度", { chat: "大镇群" })).toContain(
      "1.镇党委、村1、村2、村3、村4、村5、村6、村7等11个单位本季度未召开意识形态工作专题会议、部署会、分析研判会或分析研判联席会议，未达到每季度不少于1次的要求。",
    );
  });
});

describe("a city-sized roll-up", () => {
  it("sums 205 units in SQL, lists the ten most active and counts the rest", async () => {
    await h.ask("/bind 某市", { chat: "市群" });
    const db = h.app.store.db;
    const city = await db.unit.findUniqueOrThrow({ where: { name: "某市" } });
    await db.unit.createMany({
      data: Array.from({ length: 205 }, (_, i) => ({
        name: `村${i + 1}`,
        parentId: city.id,
        createdAt: new Date("2026-01-01T09:00:00+08:00"),
      })),
    });
    const villages = await db.unit.findMany({ where: { parentId: city.id }, orderBy: { id: "asc" } });
    // Village n studies n % 7 times in the quarter with 2 people each; village 205 also meets.
    await db.record.createMany({
      data: villages
        .flatMap((v, i) =>
          Array.from({ length: (i + 1) % 7 }, (_, k) => ({
            unitId: v.id,
            kind: "study",
            subtype: null as string | null,
            sessions: 1,
            participants: 2,
            day: "2026-05-10",
            sourcePlatform: "test",
            sourceChat: "seed",
            sourceMessageId: `${v.id}-${k}`,
          })),
        )
        .concat([
          {
            unitId: villages[204].id,
            kind: "meeting",
            subtype: "意识形态工作专题会议",
            sessions: 1,
            participants: 2,
            day: "2026-05-11",
            sourcePlatform: "test",
            sourceChat: "seed",
            sourceMessageId: "m",
          },
        ]),
    });
    const expectedStudy = villages.reduce((n, _, i) => n + ((i + 1) % 7), 0);
    const text = await h.ask("/报告", { chat: "市群" });
    expect(expectedStudy * 2).toBe(1224);
    expect(text).toContain(`176个下级单位开展理论学习${expectedStudy}次，参学1200余人次`);
    expect(await h.ask("/报告 精确", { chat: "市群" })).toContain(`开展理论学习${expectedStudy}次，参学1224人次`);
    expect(text).toContain("村205召开意识形态工作专题会议1次");
    expect(text).toContain("；另有195个单位（从略）。");
    expect(text).toMatch(/分单位情况。村6：理论学习6次/);
    // Every village but 村205 still has the special meeting to hold; the paragraph names eight and counts.
    expect(text).toContain("某市本级、村1、村2、村3、村4、村5、村6、村7等205个单位在6月30日前召开意识形态工作专题会议");
  });
});

describe("/export", () => {
  it("returns an .xlsx with one sheet per kind, Chinese headers and totals", async () => {
    await h.ask("/bind 某社区");
    await record(SEED_002_Q2);
    const [reply] = await h.say("/导出台账 2026Q2");
    expect(reply.text).toBe("某社区 2026年第二季度 意识形态工作台账：共 16 条记录，已导出为 Excel。");
    expect(reply.file?.name).toBe("某社区-2026Q2-台账.xlsx");
    const wb = new ExcelJS.Workbook();
    await wb.xlsx.load(reply.file!.data as unknown as ArrayBuffer);
    expect(wb.worksheets.map((w) => w.name)).toEqual(["会议", "学习", "宣传发放", "信息发布"]);
    const study = wb.getWorksheet("学习")!;
    const values = (row: number) => (study.getRow(row).values as unknown[]).slice(1);
    expect(values(2).slice(0, 4)).toEqual(["编号", "单位", "日期", "类型"]);
    const last = study.lastRow!;
    expect(last.getCell(1).value).toBe("合计");
    const cells = (last.values as unknown[]).map((v) =>
      v && typeof v === "object" && "result" in (v as object) ? (v as { result: unknown }).result : v,
    );
    expect(cells).toContain(12);
    expect(cells).toContain(186);
    const dist = wb.getWorksheet("宣传发放")!;
    const flat = JSON.stringify(dist.getSheetValues());
    expect(flat).toContain("宣传单");
    expect(flat).toContain("6000");
  });
});
