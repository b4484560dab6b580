// Wording as data: a kind added to the catalog (here a test catalog: the real kinds plus one) is
// recorded, counted in /统计, worded in every draft type and exported to the xlsx, with no other
// change than its entry and a requirement in the deployment config.
import fs from "node:fs";
import { describe, it, expect, beforeAll, afterAll, vi } from "vitest";
import ExcelJS from "exceljs";
import { makeHarness, type Harness } from "./harness.js";

vi.mock("../src/domain/kinds.js", async (importOriginal) => {
  const real = await importOriginal<typeof import("../src/domain/kinds.js")>();
  return {
    RAW_KINDS: [
      ...real.RAW_KINDS,
      {
        code: "training",
        name: "培训",
        label: "业务培训",
        aliases: ["培训", "业务培训", "training"],
        countUnit: "期",
        participantsLabel: "参训",
        subtypes: [{ name: "网评员培训", aliases: ["网评员"] }],
        example: "/记录 培训 网评员培训 30人",
        draft: { area: "duty", verb: "举办", topicsNoun: "内容" },
      },
    ],
  };
});

const CONFIG = fs
  .readFileSync(new URL("../config/bot.config.yaml", import.meta.url), "utf8")
  .replace(
    /^requirements:\n/m,
    "requirements:\n  - id: training\n    name: 业务培训\n    kind: training\n    min: 1\n    per: half\n    units: all\n",
  );

let h: Harness;
beforeAll(async () => {
  h = await makeHarness({ now: "2026-01-05T10:00:00+08:00", config: CONFIG });
  await h.ask("/bind 金桥社区");
  h.now = new Date("2026-12-02T10:00:00+08:00");
  for (const line of [
    "/记录 培训 网评员培训 30人 2026-05-10 主题：网络评论写作",
    "/记录 培训 12人 2026-05-20",
    "/记录 学习 中心组学习 15人 2026-05-12",
  ])
    expect(await h.ask(line), line).toMatch(/^已记录 #/);
});
afterAll(async () => {
  await h.close();
});

describe("a kind added to the catalog", () => {
  it("is recorded and confirmed in its own words", async () => {
    expect(await h.ask("/记录 培训 8人 2026-11-03")).toMatch(/^已记录 #\d+[^\n]*业务培训/);
  });

  it("is counted in /统计 in its own measure word and judged by its requirement", async () => {
    const text = await h.ask("/统计 2026Q2");
    expect(text).toContain("· 业务培训 2 期、参训 42 人次（其中网评员培训 1 期）");
    expect(text).toContain("业务培训（每半年不少于 1 期）：✅ 上半年 2/1");
  });

  it("is worded in every draft type, under the area its entry names", async () => {
    const quarter = await h.ask("/报告 2026Q2");
    expect(quarter).toContain("责任落实方面，本季度围绕网络评论写作等内容，举办业务培训2期，参训42人次，其中网评员培训1期。");
    const half = await h.ask("/报告 上半年");
    expect(half).toContain(
      "（一）加强组织领导，压实主体责任\n　　上半年，围绕网络评论写作等内容，举办业务培训2期，参训42人次，其中网评员培训1期。",
    );
    expect(half).toContain("下半年继续做到每半年举办业务培训不少于1期");
    const duty = await h.ask("/报告 述职");
    expect(duty).toContain("2026年，本人督促金桥社区围绕网络评论写作等内容，举办业务培训3期，参训50人次，其中网评员培训1期。");
    expect(duty).toContain("1.2027年每半年业务培训不少于1期（2026年本单位3期）。");
    const summary = await h.ask("/报告 总结");
    expect(summary).toContain(
      "（二）压实主体责任，健全工作机制\n　　全年金桥社区围绕网络评论写作等内容，举办业务培训3期，参训50人次，其中网评员培训1期。",
    );
    const plan = await h.ask("/报告 要点");
    expect(plan).toContain("二、压紧压实工作责任，守好意识形态阵地\n　　（二）每半年业务培训不少于1期（2026年本单位3期）。");
  });

  it("has its own sheet in the xlsx, with its measure word and totals", async () => {
    const [reply] = await h.say("/导出台账 2026Q2");
    const wb = new ExcelJS.Workbook();
    await wb.xlsx.load(reply.file!.data as unknown as ArrayBuffer);
    expect(wb.worksheets.map((w) => w.name)).toEqual(["学习", "培训"]);
    const sheet = wb.getWorksheet("培训")!;
    const header = (sheet.getRow(2).values as unknown[]).slice(1);
    expect(header).toContain("次数（期）");
    const total = (sheet.lastRow!.values as unknown[]).map((v) => (v && typeof v === "object" && "result" in v ? v.result : v));
    expect(total[1]).toBe("合计");
    expect(total).toContain(42);
  });
});
