import { describe, it, expect, beforeAll } from "vitest";
import ExcelJS from "exceljs";
import JSZip from "jszip";
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
