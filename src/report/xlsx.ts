// The ledger as an Excel workbook: one sheet per record kind, ready to print and hand to an inspector.
// Pure: the same rows give the same cells (exceljs stamps its own created/modified times).
import ExcelJS from "exceljs";
import { KINDS, type Kind } from "../domain/catalog.js";
import { chinaTime } from "../time.js";
import { displaySafe, xmlSafe } from "../domain/text.js";

export interface LedgerExportRow {
  id: number;
  unit: string;
  /** YYYY-MM-DD, a China calendar day. */
  day: string;
  /** A catalog kind code. */
  kind: string;
  subtype: string | null;
  sessions: number;
  participants: number | null;
  participantsApprox: boolean;
  quantity: number | null;
  quantityApprox: boolean;
  item: string | null;
  topic: string | null;
  note: string | null;
  /** What the person recorded beyond the figures (absent in exports from before these fields). */
  sessionsApprox?: boolean;
  title?: string | null;
  timeOfDay?: string | null;
  place?: string | null;
  host?: string | null;
  attendees?: string | null;
  recorder?: string | null;
  recordedBy: string | null;
  createdAt: Date;
  minutes?: string | null;
  /** The names of the photos and files kept with the record (the Word pack holds the photos). */
  evidence?: string[];
}

export interface LedgerExport {
  /** "金桥镇 2026年第四季度 意识形态工作台账" */
  title: string;
  rows: LedgerExportRow[];
}

export const XLSX_CREATOR = "意识形态工作台账机器人";
export const EMPTY_SHEET_NAME = "台账";
export const EMPTY_MESSAGE = "本期暂无记录";

type CellValue = string | number | Date | null;

interface Column {
  header: string;
  width: number;
  value: (r: LedgerExportRow) => CellValue;
  numFmt?: string;
  wrap?: boolean;
  /** The totals row's cell: a number is summed with a formula, a string is written as is. */
  total?: (rows: LedgerExportRow[]) => number | string | null;
  /** Shown only when a row of the sheet has a value (the fields an inspection asks for, when recorded). */
  optional?: boolean;
}

const TITLE_ROW = 1;
const HEADER_ROW = 2;
const FIRST_DATA_ROW = 3;

const approx = (flag: boolean, value: number | null) => (flag && value != null ? "约" : null);
/** Blank, not 0, when no row has the figure: 0 would read as "recorded as none". */
const sum = (values: (number | null)[]) => (values.some((v) => v != null) ? values.reduce<number>((a, v) => a + (v ?? 0), 0) : null);

/**
 * Noon UTC: Excel dates have no time zone, and noon stays on the same day whichever zone reads it.
 * A malformed day stays text: an Invalid Date would be written as a NaN serial Excel cannot open.
 */
function excelDay(day: string): Date | string {
  const d = /^\d{4}-\d{2}-\d{2}$/.test(day) ? new Date(`${day}T12:00:00Z`) : new Date(NaN);
  return Number.isNaN(d.getTime()) ? day : d;
}

/** exceljs writes a Date's UTC fields, so shift the instant until its UTC fields read as China wall time. */
function chinaWallTime(at: Date): Date {
  return new Date(at.getTime() + chinaTime(at).utcOffset() * 60_000);
}

/** What a sheet needs of a kind. */
type SheetKind = Pick<Kind, "code" | "name" | "countUnit" | "hasQuantity">;

function columnsFor(kind: SheetKind, withQuantity: boolean): Column[] {
  const quantity: Column[] = withQuantity
    ? [
        { header: "物品", width: 12, value: (r) => r.item },
        { header: "数量", width: 10, value: (r) => r.quantity, total: (rows) => sum(rows.map((r) => r.quantity)) },
        {
          header: "约数",
          width: 6,
          value: (r) => approx(r.quantityApprox, r.quantity),
          total: (rows) => (rows.some((r) => approx(r.quantityApprox, r.quantity)) ? "约" : null),
        },
      ]
    : [];
  return [
    { header: "编号", width: 8, value: (r) => r.id, total: () => "合计" },
    { header: "单位", width: 16, value: (r) => displaySafe(r.unit), wrap: true },
    { header: "日期", width: 12, value: (r) => excelDay(r.day), numFmt: "yyyy-mm-dd" },
    { header: "类型", width: 24, value: (r) => r.subtype, wrap: true },
    { optional: true, header: "名称", width: 24, value: (r) => r.title ?? null, wrap: true },
    { optional: true, header: "时间", width: 10, value: (r) => r.timeOfDay ?? null },
    { optional: true, header: "地点", width: 18, value: (r) => r.place ?? null, wrap: true },
    { header: `次数（${kind.countUnit}）`, width: 10, value: (r) => r.sessions, total: (rows) => sum(rows.map((r) => r.sessions)) },
    {
      optional: true,
      header: "次数约数",
      width: 8,
      value: (r) => (r.sessionsApprox ? "余" : null),
      total: (rows) => (rows.some((r) => r.sessionsApprox) ? "余" : null),
    },
    { header: "参与人数", width: 10, value: (r) => r.participants, total: (rows) => sum(rows.map((r) => r.participants)) },
    {
      header: "约数",
      width: 6,
      value: (r) => approx(r.participantsApprox, r.participants),
      // A total with one approximate part is itself approximate.
      total: (rows) => (rows.some((r) => approx(r.participantsApprox, r.participants)) ? "约" : null),
    },
    ...quantity,
    { header: "主题", width: 32, value: (r) => r.topic, wrap: true },
    { optional: true, header: "主持人", width: 10, value: (r) => r.host ?? null, wrap: true },
    { optional: true, header: "参加人员", width: 28, value: (r) => r.attendees ?? null, wrap: true },
    { optional: true, header: "记录人", width: 10, value: (r) => r.recorder ?? null },
    { header: "备注", width: 28, value: (r) => r.note, wrap: true },
    { optional: true, header: "纪要", width: 40, value: (r) => (r.minutes ? displaySafe(r.minutes) : null), wrap: true },
    {
      optional: true,
      header: "附件",
      width: 28,
      value: (r) => (r.evidence?.length ? displaySafe(r.evidence.join("、")) : null),
      wrap: true,
    },
    { header: "登记人", width: 10, value: (r) => (r.recordedBy === null ? null : displaySafe(r.recordedBy)) },
    { header: "登记时间", width: 17, value: (r) => chinaWallTime(r.createdAt), numFmt: "yyyy-mm-dd hh:mm" },
  ];
}

const THIN = { style: "thin" as const };
const BORDER = { top: THIN, left: THIN, bottom: THIN, right: THIN };

/** At most `n` UTF-16 units (Excel's measure for sheet names), never half of a surrogate pair. */
function cutUnits(s: string, n: number): string {
  if (s.length <= n) return s;
  const cut = s.slice(0, n);
  return /[\uD800-\uDBFF]$/.test(cut) ? cut.slice(0, -1) : cut;
}

/**
 * Excel refuses []:*?/\ and control characters in sheet names, more than 31 characters, a leading
 * or trailing apostrophe, and the name History (reserved for change tracking).
 */
function sheetName(wanted: string, taken: Set<string>): string {
  const clean = (s: string) => s.replace(/^'+|'+$/g, "").trim();
  let base = clean(cutUnits(clean(displaySafe(wanted).replace(/[[\]:*?/\\]/g, "_")), 31));
  if (!base) base = "Sheet";
  if (base.toLowerCase() === "history") base = `${base}_`;
  let name = base;
  for (let n = 2; taken.has(name.toLowerCase()); n++) name = `${clean(cutUnits(base, 31 - `(${n})`.length))}(${n})`;
  taken.add(name.toLowerCase());
  return name;
}

/** Every string that goes into the workbook passes here: one U+FFFF would make Excel call the file corrupt. */
function cellValue<T extends CellValue>(v: T): T {
  return (typeof v === "string" ? xmlSafe(v) : v) as T;
}

/**
 * A kind the catalog no longer has still gets its sheet, named by its code: dropping the rows
 * silently would make the export disagree with the ledger.
 */
function sheetKind(code: string): SheetKind {
  return KINDS.find((k) => k.code === code) ?? { code, name: code, countUnit: "次", hasQuantity: false };
}

function addKindSheet(wb: ExcelJS.Workbook, name: string, title: string, kind: SheetKind, unsorted: LedgerExportRow[]): void {
  const rows = [...unsorted].sort((a, b) => (a.day < b.day ? -1 : a.day > b.day ? 1 : a.id - b.id));
  // A quantity typed against a kind that normally has none is still shown rather than lost.
  const withQuantity = kind.hasQuantity || rows.some((r) => r.quantity != null || r.item != null);
  const columns = columnsFor(kind, withQuantity).filter((c) => !c.optional || rows.some((r) => c.value(r) != null));

  const ws = wb.addWorksheet(name, {
    views: [{ state: "frozen", ySplit: HEADER_ROW, xSplit: 0 }],
    pageSetup: {
      paperSize: 9, // A4
      orientation: "landscape",
      fitToPage: true,
      fitToWidth: 1,
      fitToHeight: 0,
      printTitlesRow: `${TITLE_ROW}:${HEADER_ROW}`,
    },
  });
  columns.forEach((c, i) => {
    ws.getColumn(i + 1).width = c.width;
  });

  ws.getCell(TITLE_ROW, 1).value = cellValue(title);
  ws.mergeCells(TITLE_ROW, 1, TITLE_ROW, columns.length);
  const titleCell = ws.getCell(TITLE_ROW, 1);
  titleCell.font = { bold: true, size: 14 };
  titleCell.alignment = { horizontal: "center", vertical: "middle" };
  ws.getRow(TITLE_ROW).height = 24;

  const header = ws.getRow(HEADER_ROW);
  columns.forEach((c, i) => {
    const cell = header.getCell(i + 1);
    cell.value = cellValue(c.header);
    cell.font = { bold: true };
    cell.alignment = { horizontal: "center", vertical: "middle", wrapText: true };
    cell.fill = { type: "pattern", pattern: "solid", fgColor: { argb: "FFE7E6E6" } };
    cell.border = BORDER;
  });

  rows.forEach((r, ri) => {
    const row = ws.getRow(FIRST_DATA_ROW + ri);
    columns.forEach((c, i) => {
      const cell = row.getCell(i + 1);
      // Plain assignment: exceljs only makes a formula from { formula }, so a user's "=1+2" stays text.
      cell.value = cellValue(c.value(r));
      if (c.numFmt) cell.numFmt = c.numFmt;
      cell.alignment = { vertical: "top", wrapText: c.wrap ?? false };
      cell.border = BORDER;
    });
  });

  const lastData = FIRST_DATA_ROW + rows.length - 1;
  const totals = ws.getRow(lastData + 1);
  columns.forEach((c, i) => {
    const cell = totals.getCell(i + 1);
    const total = c.total?.(rows) ?? null;
    if (typeof total === "number") {
      const letter = ws.getColumn(i + 1).letter;
      // The cached result is what readers that never calculate (previews, parsers, WPS in protected view) show.
      cell.value = { formula: `SUM(${letter}${FIRST_DATA_ROW}:${letter}${lastData})`, result: total };
    } else {
      cell.value = cellValue(total);
    }
    cell.font = { bold: true };
    cell.border = BORDER;
  });
}

function addEmptySheet(wb: ExcelJS.Workbook, title: string): void {
  const ws = wb.addWorksheet(EMPTY_SHEET_NAME);
  ws.getColumn(1).width = 48;
  ws.getCell(1, 1).value = EMPTY_MESSAGE;
  ws.getCell(1, 1).font = { bold: true, size: 14 };
  ws.getCell(2, 1).value = cellValue(title);
}

export async function ledgerToXlsx(input: LedgerExport): Promise<Buffer> {
  const wb = new ExcelJS.Workbook();
  wb.creator = XLSX_CREATOR;
  wb.lastModifiedBy = XLSX_CREATOR;
  // The title carries the unit's name: shown as a name is (no direction controls), and XML-safe.
  const title = displaySafe(input.title);
  wb.title = title;

  const byKind = new Map<string, LedgerExportRow[]>();
  for (const r of input.rows) {
    const list = byKind.get(r.kind);
    if (list) list.push(r);
    else byKind.set(r.kind, [r]);
  }
  const known = KINDS.map((k) => k.code).filter((code) => byKind.has(code));
  const unknown = [...byKind.keys()].filter((code) => !known.includes(code)).sort();

  const taken = new Set<string>();
  for (const code of [...known, ...unknown]) {
    const kind = sheetKind(code);
    addKindSheet(wb, sheetName(kind.name, taken), title, kind, byKind.get(code)!);
  }
  if (byKind.size === 0) addEmptySheet(wb, title);

  // Typed as exceljs's own ArrayBuffer-like "Buffer"; at run time it is a Node Buffer already.
  const out: unknown = await wb.xlsx.writeBuffer();
  return Buffer.isBuffer(out) ? out : Buffer.from(out as ArrayBuffer);
}
