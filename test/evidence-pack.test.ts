// The inspection pack and the xlsx's evidence, through the core port: a town and two communities
// record activities with photos and files; /导出台账 … 文档 binds the quarter as a Word file (cover,
// contents, a page per activity with its fields and its photos), a parent's with a part per unit;
// the photos' bytes in the file are the bytes sent; the xlsx names each record's files. A second
// bot on the same store (another process's view of SQLite or PostgreSQL) makes the same pack.
import { describe, it, expect, beforeAll, afterAll } from "vitest";
import JSZip from "jszip";
import ExcelJS from "exceljs";
import { makeHarness, type Harness } from "./harness.js";
import { pngBytes, jpegBytes } from "./fixtures/images.js";
import { imageSize } from "../src/report/pack.js";

let h: Harness;
const photoA = pngBytes(800, 600, [40, 90, 160]);
const photoB = jpegBytes(7);
const sheet = Buffer.from("%PDF-1.4\n签到表\n");

beforeAll(async () => {
  h = await makeHarness({ now: "2026-10-08T10:00:00+08:00" });
  h.files.set("a", photoA).set("b", photoB).set("sheet", sheet);
  await h.ask("/bind 金桥镇", { chat: "镇群" });
  await h.ask("/bind 金桥社区 金桥镇", { chat: "社区群" });
  await h.ask("/bind 浦东社区 金桥镇", { chat: "浦东群" });
  h.now = new Date("2026-12-02T10:00:00+08:00");
  const reply = await h.ask("/记录 学习 中心组学习 12人 11月20日 地点：党群服务中心 主持人：张书记 主题：学习贯彻党的二十届四中全会精神", {
    chat: "社区群",
    attachments: [
      { kind: "photo", ref: "a" },
      { kind: "photo", ref: "b" },
      { kind: "file", ref: "sheet", name: "签到表.pdf" },
    ],
  });
  expect(reply).toContain("已附照片 2 张、文件 1 个。");
  expect(await h.ask("/记录 宣讲 理论宣讲 60人 11月25日", { chat: "浦东群" })).toMatch(/^已记录 #2/);
  expect(await h.ask("/记录 会议 专题会议 10月15日", { chat: "镇群" })).toMatch(/^已记录 #3/);
});

afterAll(async () => {
  await h.close();
});

async function docxOf(text: string, chat: string, who: Harness = h) {
  const [reply] = await who.say(text, { chat });
  const zip = await JSZip.loadAsync(reply.file!.data);
  const xml = await zip.file("word/document.xml")!.async("string");
  const media = await Promise.all(
    Object.values(zip.files)
      .filter((f) => f.name.startsWith("word/media/"))
      .map((f) => f.async("nodebuffer")),
  );
  const paragraphs = [...xml.matchAll(/<w:p[ >][\s\S]*?<\/w:p>/g)].map((m) =>
    [...m[0].matchAll(/<w:t[^>]*>([^<]*)<\/w:t>/g)].map((t) => t[1]).join(""),
  );
  return { reply, xml, media, paragraphs };
}

describe("the Word inspection pack", () => {
  it("a unit's quarter: cover, contents, then a page per activity with its fields and its photos", async () => {
    const { reply, xml, media, paragraphs } = await docxOf("/导出台账 2026Q4 文档", "社区群");
    expect(reply.text).toBe(
      "金桥社区2026年第四季度意识形态工作台账：共 1 项活动、照片 2 张，已装订为 Word 文档（封面、目录、每项活动一页）。",
    );
    expect(reply.file?.name).toBe("金桥社区-2026Q4-台账.docx");
    expect(paragraphs).toContain("金桥社区2026年第四季度意识形态工作台账");
    expect(paragraphs).toContain("目录");
    expect(paragraphs).toContain("1. 11月20日 党委理论学习中心组学习（照片2张）");
    for (const cell of [
      "时间",
      "2026年11月20日",
      "地点",
      "党群服务中心",
      "主持人",
      "张书记",
      "参加人员",
      "12人",
      "主题",
      "学习贯彻党的二十届四中全会精神",
    ])
      expect(paragraphs).toContain(cell);
    expect(paragraphs).toContain("内容");
    expect(paragraphs).toContain("党委理论学习中心组学习 1 次，12 人参加");
    expect(paragraphs).toContain("附件：签到表.pdf（原件随台账保存）");
    // The bytes that went in come out, scaled to the type area (156 mm ≈ 589 px wide at most).
    expect(media.map((m) => m.length).sort()).toEqual([photoA.length, photoB.length].sort());
    expect(media.some((m) => m.equals(photoA))).toBe(true);
    const extents = [...xml.matchAll(/<wp:extent cx="(\d+)" cy="(\d+)"/g)].map((m) => [Number(m[1]), Number(m[2])]);
    expect(extents).toHaveLength(2);
    for (const [cx] of extents) expect(cx).toBeLessThanOrEqual(Math.ceil((589 / 96) * 914400));
    // 4:3 kept.
    expect(extents[0][0] / extents[0][1]).toBeCloseTo(800 / 600, 2);
    // A page break before the contents and before the activity: three pages at least.
    expect((xml.match(/<w:br w:type="page"\/>/g) ?? []).length).toBe(2);
  });

  it("a parent's pack has a part per unit of its subtree, its own first", async () => {
    const { reply, paragraphs } = await docxOf("/导出台账 2026Q4 文档", "镇群");
    expect(reply.text).toContain("共 3 项活动、照片 2 张");
    const contents = paragraphs.slice(paragraphs.indexOf("目录"));
    expect(contents.filter((p) => /^(金桥镇|金桥社区|浦东社区)$/.test(p)).slice(0, 3)).toEqual(["金桥镇", "金桥社区", "浦东社区"]);
    expect(paragraphs).toContain("1. 金桥镇 意识形态工作专题会议（#3）");
    expect(paragraphs).toContain("（本条记录未附照片或材料）");
  });

  it("a period without records says so instead of an empty file", async () => {
    expect(await h.ask("/导出台账 2026Q1 文档", { chat: "社区群" })).toBe(
      "金桥社区 2026年第一季度 意识形态工作台账：这个时间段还没有记录，没有可装订的台账。",
    );
  });

  it("the xlsx names each record's photos and files", async () => {
    const [reply] = await h.say("/导出台账 2026Q4", { chat: "镇群" });
    const wb = new ExcelJS.Workbook();
    await wb.xlsx.load(reply.file!.data as unknown as ArrayBuffer);
    const study = wb.getWorksheet("学习")!;
    const header = (study.getRow(2).values as unknown[]).slice(1);
    const col = header.indexOf("附件") + 1;
    expect(col).toBeGreaterThan(0);
    expect(study.getRow(3).getCell(col).value).toBe("照片1.png、照片2.jpg、签到表.pdf");
  });

  it("another bot on the same store binds the same photos into its pack", async () => {
    const other = await makeHarness({ now: "2026-12-02T11:00:00+08:00", sharedUrl: h.url });
    try {
      const { media } = await docxOf("/导出台账 2026Q4 文档", "社区群", other);
      expect(media.some((m) => m.equals(photoA))).toBe(true);
      expect(media.some((m) => m.equals(photoB))).toBe(true);
    } finally {
      await other.close();
    }
  });
});

describe("minutes and completeness", () => {
  it("纪要 typed with the line is part of the record: shown whole in /明细 #编号, in the pack and the xlsx", async () => {
    const line =
      "/记录 会议 部署会 11月26日 主持人：张书记 参加人员：张三、李四、王五 记录人：王五 纪要：一、传达区委宣传部会议精神。二、部署第四季度意识形态工作";
    expect(await h.ask(line, { chat: "社区群" })).toContain("记录人：王五；纪要：已记录（");
    const id = Number(/#(\d+)/.exec(h.sent.at(-1)!.reply.text)![1]);
    expect(await h.ask(`/明细 #${id}`, { chat: "社区群" })).toBe(
      [
        `#${id} 2026年11月26日 意识形态工作部署会 1 次，3 人参加（金桥社区）`,
        "主持人：张书记",
        "参加人员：张三、李四、王五",
        "记录人：王五",
        "纪要：",
        "一、传达区委宣传部会议精神。二、部署第四季度意识形态工作",
        "附件：无（回复这条记录的确认消息发送照片，或照片说明写 /附件 编号）",
      ].join("\n"),
    );
    expect(await h.ask(`/明细 #${id}`, { chat: "浦东群" })).toBe(`本单位没有记录 #${id}。发送 /明细 查看记录编号。`);
    const { paragraphs } = await docxOf("/导出台账 2026Q4 文档", "社区群");
    expect(paragraphs).toContain("一、传达区委宣传部会议精神。二、部署第四季度意识形态工作");
  });

  it("/统计 names the records that lack what the deployment asks, and whose", async () => {
    const town = await h.ask("/统计", { chat: "镇群" });
    expect(town.slice(town.indexOf("佐证材料"))).toBe(
      [
        "佐证材料（本季度，按部署要求）：",
        "· 1 条宣讲记录缺少照片（浦东社区1条）",
        // The study record has its photos and head count; the town's meeting has nothing but its line.
        "· 2 条会议记录缺少照片（金桥镇1条、金桥社区1条）",
        "· 1 条会议记录缺少参加人员或签到表（金桥镇1条）",
        "· 1 条会议记录缺少纪要（金桥镇1条）",
        "补充方法：回复记录的确认消息发送照片或签到表；/修改 编号 参加人员：… 或 纪要：…；/明细 #编号 查看一条记录的材料。",
      ].join("\n"),
    );
  });
});

describe("image sizes from the bytes", () => {
  it("reads PNG and JPEG headers, and refuses what it cannot place", () => {
    expect(imageSize(pngBytes(800, 600))).toEqual({ width: 800, height: 600, type: "png" });
    expect(imageSize(jpegBytes(1))).toEqual({ width: 1, height: 1, type: "jpg" });
    expect(imageSize(Buffer.from("RIFF0000WEBPVP8 "))).toBeNull();
  });
});
