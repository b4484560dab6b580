import { describe, it, expect, beforeAll } from "vitest";
import ExcelJS from "exceljs";
import JSZip from "jszip";
// saxes is exceljs's own XML parser (installed with it): strict XML 1.0, character checks included.
import { SaxesParser } from "saxes";
import { ledgerToXlsx, EMPTY_MESSAGE, XLSX_CREATOR, type LedgerExport, type LedgerExportRow } from "../src/report/xlsx.js";

const TITLE = "金桥镇 2026年第四季度 意识形态工作台账";

function row(over: Partial<LedgerExportRow> & Pick<LedgerExportRow, "id" | "kind" | "day">): LedgerExportRow {
  return {
    unit: "金桥社区",
    subtype: null,
    sessions: 1,
    participants: null,
    participantsApprox: false,
    quantity: null,
    quantityApprox: false,
    item: null,
    topic: null,
    note: null,
    recordedBy: "张三",
    createdAt: new Date("2026-10-15T02:30:00Z"),
    ...over,
  };
}

// Deliberately out of order: the sheets sort by day, then id.
const ROWS: LedgerExportRow[] = [
  row({
    id: 7,
    kind: "study",
    day: "2026-11-03",
    subtype: "集中学习",
    participants: 20,
    participantsApprox: true,
    topic: "学习贯彻全会精神",
  }),
  row({
    id: 3,
    kind: "study",
    day: "2026-10-15",
    subtype: "党委理论学习中心组学习",
    participants: 12,
    topic: "二十大精神",
    note: "书记领学",
  }),
  row({ id: 2, kind: "study", day: "2026-11-03", subtype: "三会一课", participants: 30, createdAt: new Date("2026-11-03T18:05:00Z") }),
  row({ id: 5, kind: "meeting", day: "2026-10-20", subtype: "意识形态工作专题会议", sessions: 2, participants: 9 }),
  row({ id: 9, kind: "distribution", day: "2026-11-20", item: "宣传册", quantity: 3000, quantityApprox: false, participants: null }),
  row({
    id: 4,
    kind: "distribution",
    day: "2026-10-01",
    item: "宣传资料",
    quantity: 3000,
    quantityApprox: true,
    participants: 500,
    participantsApprox: true,
  }),
];

const INPUT: LedgerExport = { title: TITLE, rows: ROWS };

async function load(buffer: Buffer): Promise<ExcelJS.Workbook> {
  const wb = new ExcelJS.Workbook();
  // exceljs types its Buffer as an ArrayBuffer look-alike; a Node Buffer is what it reads at run time.
  await wb.xlsx.load(buffer as unknown as ArrayBuffer);
  return wb;
}

/** Cell by cell: Row.values leaves holes for empty cells. */
const rowValues = (ws: ExcelJS.Worksheet, n: number) => Array.from({ length: ws.columnCount }, (_, i) => ws.getCell(n, i + 1).value);
const column = (ws: ExcelJS.Worksheet, header: string) => {
  const i = rowValues(ws, 2).indexOf(header);
  if (i < 0) throw new Error(`no column ${header}`);
  return i + 1;
};

describe("ledgerToXlsx", () => {
  let buffer: Buffer;
  let wb: ExcelJS.Workbook;
  beforeAll(async () => {
    buffer = await ledgerToXlsx(INPUT);
    wb = await load(buffer);
  });
  const sheet = (name: string) => {
    const ws = wb.getWorksheet(name);
    if (!ws) throw new Error(`no sheet ${name}`);
    return ws;
  };

  it("has one sheet per kind with rows, named in Chinese, in catalog order", () => {
    expect(Buffer.isBuffer(buffer)).toBe(true);
    expect(wb.worksheets.map((w) => w.name)).toEqual(["会议", "学习", "宣传发放"]);
    expect(wb.creator).toBe(XLSX_CREATOR);
    expect(wb.title).toBe(TITLE);
  });

  it("puts the title in a merged, bold 14 pt first row", () => {
    const ws = sheet("学习");
    const a1 = ws.getCell("A1");
    expect(a1.value).toBe(TITLE);
    expect(a1.font?.bold).toBe(true);
    expect(a1.font?.size).toBe(14);
    const last = ws.getColumn(rowValues(ws, 2).length).letter;
    expect(ws.model.merges).toContain(`A1:${last}1`);
  });

  it("writes Chinese headers, with the item columns only where a kind has quantities", () => {
    const common = ["编号", "单位", "日期", "类型", "次数（次）", "参与人数", "约数"];
    const tail = ["主题", "备注", "登记人", "登记时间"];
    expect(rowValues(sheet("会议"), 2)).toEqual([...common, ...tail]);
    expect(rowValues(sheet("学习"), 2)).toEqual([...common, ...tail]);
    expect(rowValues(sheet("宣传发放"), 2)).toEqual([...common, "物品", "数量", "约数", ...tail]);
    expect(sheet("学习").getCell("A2").font?.bold).toBe(true);
  });

  it("freezes the title and header rows and sets column widths", () => {
    const ws = sheet("学习");
    expect(ws.views[0]).toMatchObject({ state: "frozen", ySplit: 2 });
    for (let i = 1; i <= rowValues(ws, 2).length; i++) expect(ws.getColumn(i).width).toBeGreaterThan(0);
  });

  it("sorts the rows by day, then id", () => {
    const ws = sheet("学习");
    expect([3, 4, 5].map((r) => ws.getCell(r, 1).value)).toEqual([3, 2, 7]);
  });

  it("writes the day as a real Excel date that does not shift", () => {
    const ws = sheet("学习");
    const cell = ws.getCell(3, column(ws, "日期"));
    expect(cell.type).toBe(ExcelJS.ValueType.Date);
    expect(cell.value).toBeInstanceOf(Date);
    expect((cell.value as Date).toISOString().slice(0, 10)).toBe("2026-10-15");
    expect(cell.numFmt).toBe("yyyy-mm-dd");
  });

  it("writes the values of a row, with 约 for approximate figures", () => {
    const ws = sheet("学习");
    const get = (r: number, header: string) => ws.getCell(r, column(ws, header)).value;
    expect(get(3, "单位")).toBe("金桥社区");
    expect(get(3, "类型")).toBe("党委理论学习中心组学习");
    expect(get(3, "次数（次）")).toBe(1);
    expect(get(3, "参与人数")).toBe(12);
    expect(get(3, "约数")).toBeNull();
    expect(get(3, "主题")).toBe("二十大精神");
    expect(get(3, "备注")).toBe("书记领学");
    expect(get(3, "登记人")).toBe("张三");
    expect(get(5, "约数")).toBe("约");

    const dist = sheet("宣传发放");
    const cols = rowValues(dist, 2);
    const quantityApprox = cols.lastIndexOf("约数") + 1;
    expect(rowValues(dist, 3).slice(0, 7)).toEqual([4, "金桥社区", new Date("2026-10-01T12:00:00Z"), null, 1, 500, "约"]);
    expect(dist.getCell(3, column(dist, "物品")).value).toBe("宣传资料");
    expect(dist.getCell(3, column(dist, "数量")).value).toBe(3000);
    expect(dist.getCell(3, quantityApprox).value).toBe("约");
    expect(dist.getCell(4, quantityApprox).value).toBeNull();
  });

  it("writes the recording time as China wall time, yyyy-mm-dd hh:mm", () => {
    const ws = sheet("学习");
    const at = column(ws, "登记时间");
    const first = ws.getCell(3, at);
    expect(first.numFmt).toBe("yyyy-mm-dd hh:mm");
    // 02:30 UTC is 10:30 in Beijing; Excel stores wall time, which exceljs reads back as UTC fields.
    expect((first.value as Date).toISOString()).toBe("2026-10-15T10:30:00.000Z");
    // 18:05 UTC on the 3rd is already the 4th in Beijing.
    expect((ws.getCell(4, at).value as Date).toISOString()).toBe("2026-11-04T02:05:00.000Z");
  });

  it("ends with a 合计 row whose sums readers can see without calculating", () => {
    const ws = sheet("学习");
    const totals = ws.getRow(6);
    expect(totals.getCell(1).value).toBe("合计");
    const sessions = totals.getCell(column(ws, "次数（次）"));
    const participants = totals.getCell(column(ws, "参与人数"));
    expect(sessions.result).toBe(3);
    expect(participants.result).toBe(62);
    expect(sessions.formula).toBe("SUM(E3:E5)");
    expect(totals.getCell(column(ws, "约数")).value).toBe("约");
    expect(ws.rowCount).toBe(6);

    const dist = sheet("宣传发放");
    const distTotals = dist.getRow(5);
    expect(distTotals.getCell(1).value).toBe("合计");
    expect(distTotals.getCell(column(dist, "数量")).result).toBe(6000);
    expect(distTotals.getCell(column(dist, "参与人数")).result).toBe(500);
    expect(distTotals.getCell(column(dist, "次数（次）")).result).toBe(2);

    expect(
      sheet("会议")
        .getRow(4)
        .getCell(column(sheet("会议"), "次数（次）")).result,
    ).toBe(2);
  });

  it("leaves a total blank, not 0, when no row has that figure", async () => {
    const ws = (await load(await ledgerToXlsx({ title: TITLE, rows: [ROWS[4]] }))).getWorksheet("宣传发放")!;
    expect(ws.getCell(4, 1).value).toBe("合计");
    expect(ws.getCell(4, column(ws, "参与人数")).value).toBeNull();
    expect(ws.getCell(4, column(ws, "数量")).result).toBe(3000);
  });

  it("keeps user text that looks like a formula as a plain string", async () => {
    const nasty = row({
      id: 1,
      kind: "meeting",
      day: "2026-10-10",
      unit: "-2+3",
      topic: "=1+2",
      note: "+SUM(A1:A2)",
      recordedBy: "@cmd",
    });
    const out = await ledgerToXlsx({ title: '=HYPERLINK("http://x")', rows: [nasty] });
    const ws = (await load(out)).getWorksheet("会议")!;
    const cells = {
      title: ws.getCell("A1"),
      unit: ws.getCell(3, column(ws, "单位")),
      topic: ws.getCell(3, column(ws, "主题")),
      note: ws.getCell(3, column(ws, "备注")),
      recordedBy: ws.getCell(3, column(ws, "登记人")),
    };
    expect(cells.topic.value).toBe("=1+2");
    expect(cells.unit.value).toBe("-2+3");
    expect(cells.note.value).toBe("+SUM(A1:A2)");
    expect(cells.recordedBy.value).toBe("@cmd");
    expect(cells.title.value).toBe('=HYPERLINK("http://x")');
    for (const cell of Object.values(cells)) {
      expect(cell.type).toBe(ExcelJS.ValueType.String);
      expect(cell.formula).toBeUndefined();
    }

    // The only formulas in the file are the totals row's own sums.
    const zip = await JSZip.loadAsync(out);
    const xml = await zip.file("xl/worksheets/sheet1.xml")!.async("string");
    expect([...xml.matchAll(/<f>(.*?)<\/f>/g)].map((m) => m[1])).toEqual(["SUM(E3:E3)"]);
  });

  it("writes one 台账 sheet saying so when there are no rows", async () => {
    const empty = await load(await ledgerToXlsx({ title: TITLE, rows: [] }));
    expect(empty.worksheets.map((w) => w.name)).toEqual(["台账"]);
    expect(empty.worksheets[0].getCell("A1").value).toBe(EMPTY_MESSAGE);
    expect(empty.worksheets[0].getCell("A1").value).toBe("本期暂无记录");
  });

  it("still exports rows of a kind the catalog no longer has, under a valid sheet name", async () => {
    const out = await load(
      await ledgerToXlsx({
        title: TITLE,
        rows: [row({ id: 1, kind: "old:kind/[x]*?\\with-a-very-long-legacy-name", day: "2026-10-01", quantity: 5 }), ROWS[0]],
      }),
    );
    const names = out.worksheets.map((w) => w.name);
    expect(names[0]).toBe("学习");
    expect(names[1]).toMatch(/^[^[\]:*?/\\]{1,31}$/);
    const legacy = out.worksheets[1];
    expect(rowValues(legacy, 2)).toContain("数量");
    expect(legacy.getCell(3, column(legacy, "数量")).value).toBe(5);
  });
});

/** Every XML part of an Office file, parsed strictly: the errors, by part (empty when well-formed). */
async function xmlErrors(buffer: Buffer): Promise<Record<string, string[]>> {
  const zip = await JSZip.loadAsync(buffer);
  const out: Record<string, string[]> = {};
  for (const name of Object.keys(zip.files).filter((n) => /\.(xml|rels)$/.test(n))) {
    const xml = await zip.file(name)!.async("string");
    const errors: string[] = [];
    const parser = new SaxesParser();
    parser.on("error", (e) => errors.push(e.message));
    parser.write(xml).close();
    // The characters themselves too, raw or as references: U+FFFE/U+FFFF, C0 controls, lone surrogates.
    const bad =
      /[\u0000-\u0008\u000B\u000C\u000E-\u001F\uFFFE\uFFFF]|[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]|&#x0*(?:[0-8bcef]|1[0-9a-f]|fff[ef]|d[89a-f][0-9a-f]{2});|&#0*(?:[0-8]|1[1-24-9]|2[0-9]|3[01]|6553[45]);/gi;
    for (const m of xml.matchAll(bad)) errors.push(`character ${JSON.stringify(m[0])} at ${m.index}`);
    if (errors.length) out[name] = errors;
  }
  return out;
}

describe("text XML cannot carry", () => {
  // What a phone, a paste or an old record can hold: noncharacters, C0 and C1 controls, a lone
  // surrogate, bidi overrides, a vertical tab — in every field that reaches the workbook.
  const NASTY = "\uFFFF\uFFFE\u0001\u0008\u000B\u001F\u007F\u0085\uDFFF\uD800\u202E";
  const rows: LedgerExportRow[] = [
    row({
      id: 1,
      kind: "study",
      day: "2026-11-03",
      unit: `金桥${NASTY}社区`,
      subtype: `集中${NASTY}学习`,
      topic: `主题${NASTY}二十大`,
      note: `备注${NASTY}线上`,
      recordedBy: `张${NASTY}三`,
      participants: 12,
    }),
    row({ id: 2, kind: "distribution", day: "2026-11-04", item: `宣传册${NASTY}`, quantity: 30, unit: "浦东社区\uFFFE" }),
    // A kind code the catalog does not know becomes a sheet name: controls, Excel's reserved name.
    row({ id: 3, kind: `old${NASTY}kind`, day: "2026-11-05" }),
    row({ id: 4, kind: "History", day: "2026-11-05" }),
    row({ id: 5, kind: "\uFFFF\u0001", day: "2026-11-05" }),
  ];

  it("a topic with U+FFFF and a name with U+FFFE: a workbook Excel opens (strict XML in every part)", async () => {
    const buffer = await ledgerToXlsx({
      title: TITLE,
      rows: [row({ id: 1, kind: "study", day: "2026-11-03", topic: "学习\uFFFF二十大精神", recordedBy: "张\uFFFE三" })],
    });
    expect(await xmlErrors(buffer)).toEqual({});
    const ws = (await load(buffer)).getWorksheet("学习")!;
    expect(ws.getCell(3, column(ws, "主题")).value).toBe("学习二十大精神");
    expect(ws.getCell(3, column(ws, "登记人")).value).toBe("张三");
  });

  it("writes a workbook whose every XML part is well-formed, for the unit and for its parents' titles", async () => {
    for (const title of [`金桥${NASTY}社区 2026年第四季度 意识形态工作台账`, `金桥镇\uFFFF 2026年第四季度 意识形态工作台账`]) {
      const buffer = await ledgerToXlsx({ title, rows });
      expect(await xmlErrors(buffer)).toEqual({});
      const wb = await load(buffer);
      expect(wb.worksheets.map((w) => w.name)).toEqual(["学习", "宣传发放", "History_", "old\uFFFD\uFFFDkind", "Sheet"]);
    }
  });

  it("drops only the characters XML cannot carry (and direction controls from names)", async () => {
    const wb = await load(await ledgerToXlsx({ title: `金桥${NASTY}社区 台账`, rows }));
    const ws = wb.getWorksheet("学习")!;
    const get = (header: string) => ws.getCell(3, column(ws, header)).value;
    expect(ws.getCell("A1").value).toBe("金桥\uFFFD\uFFFD社区 台账");
    expect(wb.title).toBe("金桥\uFFFD\uFFFD社区 台账");
    expect(get("单位")).toBe("金桥\uFFFD\uFFFD社区");
    expect(get("登记人")).toBe("张\uFFFD\uFFFD三");
    expect(get("类型")).toBe("集中\uFFFD\uFFFD\u202E学习");
    expect(get("主题")).toBe("主题\uFFFD\uFFFD\u202E二十大");
    expect(get("备注")).toBe("备注\uFFFD\uFFFD\u202E线上");
    expect(wb.getWorksheet("宣传发放")!.getCell(3, column(wb.getWorksheet("宣传发放")!, "物品")).value).toBe("宣传册\uFFFD\uFFFD\u202E");
  });

  it("an empty period's workbook too", async () => {
    expect(await xmlErrors(await ledgerToXlsx({ title: `金桥${NASTY}社区`, rows: [] }))).toEqual({});
  });

  it("a sheet name cut at 31 characters never keeps half an emoji", async () => {
    const wb = await load(await ledgerToXlsx({ title: TITLE, rows: [row({ id: 1, kind: `${"长".repeat(30)}😀😀`, day: "2026-11-05" })] }));
    expect(wb.worksheets[0].name).toBe("长".repeat(30));
  });
});

describe("the fields an inspection asks for", () => {
  it("get their columns in a sheet where a record has them, and nowhere else", async () => {
    const wb = await load(
      await ledgerToXlsx({
        title: TITLE,
        rows: [
          row({
            id: 1,
            kind: "activity",
            day: "2026-11-20",
            title: "最美家庭故事分享会",
            place: "社区广场",
            timeOfDay: "上午",
            participants: 60,
          }),
          row({
            id: 2,
            kind: "study",
            day: "2026-11-21",
            sessions: 20,
            sessionsApprox: true,
            host: "张书记",
            attendees: "王芳、李明",
            recorder: "李明",
          }),
          row({ id: 3, kind: "meeting", day: "2026-11-22" }),
        ],
      }),
    );
    const headers = (name: string) => rowValues(wb.getWorksheet(name)!, 2);
    const activity = wb.getWorksheet("活动")!;
    expect(headers("活动")).toEqual(expect.arrayContaining(["名称", "时间", "地点"]));
    expect(headers("活动")).not.toContain("主持人");
    expect(activity.getCell(3, column(activity, "名称")).value).toBe("最美家庭故事分享会");
    expect(activity.getCell(3, column(activity, "地点")).value).toBe("社区广场");
    expect(activity.getCell(3, column(activity, "时间")).value).toBe("上午");
    const study = wb.getWorksheet("学习")!;
    expect(study.getCell(3, column(study, "次数约数")).value).toBe("余");
    expect(study.getCell(3, column(study, "主持人")).value).toBe("张书记");
    expect(study.getCell(3, column(study, "参加人员")).value).toBe("王芳、李明");
    expect(study.getCell(3, column(study, "记录人")).value).toBe("李明");
    expect(headers("会议").filter((h) => ["名称", "时间", "地点", "主持人", "参加人员", "记录人", "次数约数"].includes(String(h)))).toEqual(
      [],
    );
  });
});
