// What the dashboard's unit page shows, read from the ledger: the same figures as /统计 (totals by
// kind over the unit's subtree), the same matrix (src/report/matrix.ts), the unit's own records
// with their photos, and the figures per month its charts draw. No HTML here: pages.ts renders it.
import type { Ledger, AttachmentRow, MonthFigures } from "../store/ledger.js";
import type { Rules } from "../domain/rules.js";
import { periodLabel, periodOf, makePeriod, parsePeriod, periodWord, type Period } from "../domain/periods.js";
import { totalsByKind, kindClause, recordSummary } from "../domain/figures.js";
import { kindByCode } from "../domain/catalog.js";
import { requirementMatrix, matrixUnits, behindFirst, shortRuleName, type MatrixRow } from "../report/matrix.js";
import { recordDetails } from "../core/summaries.js";
import { SIGN_IN_SOURCE } from "../core/signin.js";

/** Rows of the matrix per page: a phone scrolls a hundred rows; a city has thousands. */
export const MATRIX_PAGE_ROWS = 100;
/** The unit's own records listed on its page; past it the page says how many more the 台账 holds. */
export const MAX_RECORDS = 200;
/** Children drawn as their own line in a parent's trend; the rest are one line, 其他. */
const TREND_LINES = 8;

export interface UnitRef {
  id: number;
  name: string;
  parentId: number | null;
}

export interface Series {
  label: string;
  data: number[];
}

export interface Chart {
  months: string[];
  series: Series[];
}

export interface RecordView {
  id: number;
  day: string;
  summary: string;
  details: string;
  signedIn: boolean;
  photos: { id: number; name: string }[];
  files: { id: number; name: string }[];
}

export interface MatrixView {
  columns: string[];
  rows: MatrixRow[];
  total: number;
  behind: number;
  page: number;
  pages: number;
  onlyBehind: boolean;
  parents: Map<number, string>;
}

export interface UnitView {
  root: UnitRef;
  unit: UnitRef;
  /** From the session's unit down to this one. */
  trail: UnitRef[];
  period: Period;
  periods: { word: string; label: string }[];
  /** Units below this one. */
  below: number;
  own: MatrixRow;
  matrix: MatrixView | null;
  records: RecordView[];
  moreRecords: number;
}

/** The page's period from its query (2026Q4, 2026-11, 2026H2, 2026), else this quarter. */
export function readPeriod(word: string | undefined, today: string): Period {
  const p = word && /^\d{4}(Q[1-4]|H[12]|-(0[1-9]|1[0-2]))?$/.test(word) ? parsePeriod(word, today) : null;
  return p ?? periodOf("quarter", today);
}

/** The periods offered: this year's and last year's, each year, half, quarter and month that has begun. */
export function periodChoices(today: string): { word: string; label: string }[] {
  const year = Number(today.slice(0, 4));
  const out: Period[] = [];
  for (const y of [year, year - 1]) {
    out.push(makePeriod("year", y, 1), makePeriod("half", y, 1), makePeriod("half", y, 2));
    for (let q = 1; q <= 4; q++) out.push(makePeriod("quarter", y, q));
    for (let m = 1; m <= 12; m++) out.push(makePeriod("month", y, m));
  }
  return out.filter((p) => p.start <= today).map((p) => ({ word: periodWord(p), label: periodLabel(p) }));
}

/** The months a chart covers: the period's year, up to this month when the year is running. */
function monthsOf(period: Period, today: string): string[] {
  const last = period.year === Number(today.slice(0, 4)) ? Number(today.slice(5, 7)) : 12;
  return Array.from({ length: last }, (_, i) => `${period.year}-${String(i + 1).padStart(2, "0")}`);
}

const kindLabel = (code: string) => {
  const k = kindByCode(code);
  return `${k.name}（${k.countUnit}）`;
};

/** Sessions per kind and month, over the rows given (a unit's subtree). */
function kindChart(rows: MonthFigures[], months: string[]): Chart {
  const byKind = new Map<string, number[]>();
  for (const r of rows) {
    const i = months.indexOf(r.month);
    if (i < 0) continue;
    const data =
      byKind.get(r.kind) ??
      byKind
        .set(
          r.kind,
          months.map(() => 0),
        )
        .get(r.kind)!;
    data[i] += r.sessions;
  }
  return { months, series: [...byKind].map(([kind, data]) => ({ label: kindLabel(kind), data })) };
}

/** Each direct child's subtree: its sessions of every kind per month, the busiest first. */
function childTrend(rows: MonthFigures[], months: string[], children: UnitRef[]): Chart {
  const byChild = new Map<number, number[]>(children.map((c) => [c.id, months.map(() => 0)]));
  for (const r of rows) {
    const data = byChild.get(r.topId);
    const i = months.indexOf(r.month);
    if (data && i >= 0) data[i] += r.sessions;
  }
  const sum = (d: number[]) => d.reduce((a, b) => a + b, 0);
  const ranked = children.map((c) => ({ label: c.name, data: byChild.get(c.id)! })).sort((a, b) => sum(b.data) - sum(a.data));
  const series = ranked.slice(0, TREND_LINES);
  const rest = ranked.slice(TREND_LINES);
  if (rest.length)
    series.push({ label: `其他 ${rest.length} 个单位`, data: months.map((_, i) => rest.reduce((a, s) => a + s.data[i], 0)) });
  return { months, series };
}

/** The unit `unitId` within the session's scope (`rootId`'s subtree), with its own subtree; null outside it. */
async function scoped(ledger: Ledger, rootId: number, unitId: number) {
  const scope = await ledger.subtree(rootId);
  const byId = new Map(scope.map((u) => [u.id, u]));
  const unit = byId.get(unitId);
  if (!unit) return null;
  const trail: UnitRef[] = [];
  for (let u: UnitRef | undefined = unit; u; u = u.id === rootId || u.parentId === null ? undefined : byId.get(u.parentId))
    trail.unshift(u);
  // The unit's own subtree, in the scope's order (parents before their children).
  const inside = new Set([unit.id]);
  for (const u of scope) if (u.parentId !== null && inside.has(u.parentId) && u.id !== unit.id) inside.add(u.id);
  const subtree = scope.filter((u) => inside.has(u.id));
  return { root: byId.get(rootId)!, unit, trail, subtree };
}

/**
 * The unit page of `unitId` for a session whose scope is `rootId`'s subtree; null when the unit
 * is outside it (another branch, or no such unit): the caller answers that as "not found". The
 * figures and charts, which read the whole subtree's period (a city's is the costliest read of
 * the page), come separately (summaryView), so that the matrix is not kept waiting for them.
 */
export async function unitView(
  ledger: Ledger,
  config: Rules,
  today: string,
  rootId: number,
  unitId: number,
  period: Period,
  opts: { page?: number; onlyBehind?: boolean } = {},
): Promise<UnitView | null> {
  const found = await scoped(ledger, rootId, unitId);
  if (!found) return null;
  const { root, unit, trail, subtree } = found;
  const [matrix, records] = await Promise.all([
    requirementMatrix(ledger, config, today, unit.id, matrixUnits(subtree), period),
    ledger.dashboard.unitRecords(unit.id, period, MAX_RECORDS),
  ]);
  const evidence = await ledger.attachments.ofRecords(records.rows.map((r) => r.id));
  const own = matrix.rows.find((r) => r.unit.id === unit.id)!;
  let matrixView: MatrixView | null = null;
  if (subtree.length > 1) {
    const all = matrix.rows.filter((r) => r.unit.id !== unit.id).sort(behindFirst);
    const behind = all.filter((r) => r.missed + r.open > 0);
    const listed = opts.onlyBehind ? behind : all;
    const pages = Math.max(1, Math.ceil(listed.length / MATRIX_PAGE_ROWS));
    const page = Math.min(Math.max(1, opts.page ?? 1), pages);
    const applicable = matrix.rules.map((_, i) => all.some((r) => r.cells[i] !== null));
    matrixView = {
      columns: matrix.rules.filter((_, i) => applicable[i]).map(shortRuleName),
      rows: listed
        .slice((page - 1) * MATRIX_PAGE_ROWS, page * MATRIX_PAGE_ROWS)
        .map((r) => ({ ...r, cells: r.cells.filter((_, i) => applicable[i]) })),
      total: all.length,
      behind: behind.length,
      page,
      pages,
      onlyBehind: Boolean(opts.onlyBehind),
      parents: new Map(subtree.map((u) => [u.id, u.name])),
    };
  }
  const filesOf = new Map<number, AttachmentRow[]>();
  for (const a of evidence) (filesOf.get(a.recordId) ?? filesOf.set(a.recordId, []).get(a.recordId)!).push(a);
  return {
    root,
    unit,
    trail,
    period,
    periods: periodChoices(today),
    below: subtree.length - 1,
    own,
    matrix: matrixView,
    records: records.rows.map((r) => {
      const files = filesOf.get(r.id) ?? [];
      return {
        id: r.id,
        day: r.day,
        summary: recordSummary(r),
        details: recordDetails(r),
        signedIn: r.sourceMessageId.startsWith(SIGN_IN_SOURCE),
        photos: files.filter((f) => f.kind === "photo").map((f) => ({ id: f.id, name: f.name })),
        files: files.filter((f) => f.kind !== "photo").map((f) => ({ id: f.id, name: f.name })),
      };
    }),
    moreRecords: records.total - records.rows.length,
  };
}

/** The page's figures and charts (what /统计 gives for the period, and the year by month); null outside the scope. */
export interface SummaryView {
  figures: string[];
  chart: Chart;
  trend: Chart | null;
}

export async function summaryView(
  ledger: Ledger,
  today: string,
  rootId: number,
  unitId: number,
  period: Period,
): Promise<SummaryView | null> {
  const found = await scoped(ledger, rootId, unitId);
  if (!found) return null;
  const { unit, subtree } = found;
  const children = subtree.filter((u) => u.parentId === unit.id && u.id !== unit.id);
  const months = monthsOf(period, today);
  const [figureRows, monthly] = await Promise.all([
    ledger.subtreeFigures(unit.id, period),
    ledger.dashboard.monthly(unit.id, `${period.year}-01-01`, `${period.year}-12-31`),
  ]);
  return {
    figures: totalsByKind(figureRows).map((t) => kindClause(t)),
    chart: kindChart(monthly, months),
    trend: children.length ? childTrend(monthly, months, children) : null,
  };
}
