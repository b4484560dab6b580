// Figures: the ledger's sums, aggregated in SQL on the raw driver (the hot paths of /统计, /截止,
// the drafts and the reminder pass), and the rule windows' per-unit session counts.
import type { FigureRow } from "../domain/figures.js";
import type { Period } from "../domain/periods.js";
import { asDate, marks, toFigureRow, type StoreContext } from "./shared.js";
import { addDays } from "../time.js";

/**
 * The deepest unit tree the figures walk (city → district → town → village → branch is five
 * levels): a bound, so that no recursive query can run for ever.
 */
export const MAX_TREE_DEPTH = 32;

/** Days in which a rule counts sessions of one kind (and, if given, of these subtypes). */
export interface RuleWindow {
  kind: string;
  subtypes?: string[];
  start: string;
  end: string;
}

/** A window of whole months, as every rule period is. */
export const wholeMonths = (w: RuleWindow) => w.start.endsWith("-01") && addDays(w.end, 1).endsWith("-01");

/**
 * How a set of rule windows is counted per unit: one SUM(CASE …) column per window, so that a
 * GROUP BY "unitId" returns each unit's sessions in every window as one short row. Over
 * "RecordMonth" m (the monthly counts the triggers on "Record" keep) when every window is whole
 * months, a few rows per unit and kind; over the live records "Record" r otherwise, or when
 * `records` asks for them (the reminder pass stops its counts at the day of the pass).
 * `table`, `unit` and `where`/`whereParams` are the rest of the statement: the rows of the
 * windows' kinds within their span.
 */
export function windowSums(windows: RuleWindow[], opts: { records?: boolean } = {}) {
  const months = !opts.records && windows.length > 0 && windows.every(wholeMonths);
  const [a, at, cut] = months ? ["m", "month", (d: string) => d.slice(0, 7)] : ["r", "day", (d: string) => d];
  const kinds = [...new Set(windows.map((w) => w.kind))];
  const start = windows.reduce((x, w) => (w.start < x ? w.start : x), windows[0]?.start ?? "");
  const end = windows.reduce((x, w) => (w.end > x ? w.end : x), windows[0]?.end ?? "");
  return {
    columns: windows
      .map(
        (w, i) =>
          `SUM(CASE WHEN ${a}."kind" = ? AND ${a}."${at}" >= ? AND ${a}."${at}" <= ?${w.subtypes?.length ? ` AND ${a}."subtype" IN (${marks(w.subtypes)})` : ""} THEN ${a}."sessions" ELSE 0 END) AS "c${i}"`,
      )
      .join(", "),
    params: windows.flatMap((w) => [w.kind, cut(w.start), cut(w.end), ...(w.subtypes ?? [])]),
    table: months ? `"RecordMonth" m` : `"Record" r`,
    unit: `${a}."unitId"`,
    where: `${a}."kind" IN (${marks(kinds)}) AND ${a}."${at}" >= ? AND ${a}."${at}" <= ?${months ? "" : ` AND r."deletedAt" IS NULL`}`,
    whereParams: [...kinds, cut(start), cut(end)],
    /** The table's alias, its day or month column, and a day as that column holds it. */
    alias: a,
    column: `${a}."${at}"`,
    cut,
    /** Rows with "unitId" and the columns → each unit's count per window, in the windows' order. */
    read: (rows: Record<string, unknown>[]) => new Map(rows.map((r) => [Number(r.unitId), windows.map((_, i) => Number(r[`c${i}`] ?? 0))])),
  };
}

/** A recorded topic or activity name of the period, with how many records carry it. */
/** One observation of the 意识形态领域 (kind "situation") for the 分析研判报告. */
export interface SituationNote {
  unit: string;
  /** The area: 网络舆情, 阵地管理… */
  area: string | null;
  /** 主要表现. */
  shows: string | null;
  /** The measures taken. */
  measures: string | null;
  day: string;
}

export interface DraftName {
  /** Recorded by the root unit itself (not by a unit below it). */
  own: boolean;
  kind: string;
  field: "topic" | "title";
  name: string;
  records: number;
}

/** A unit of the subtree with its ledger's start (the binding) and its officers (宣传员). */
export interface DraftUnit {
  id: number;
  createdAt: Date;
  officers: number;
}

/** The subtree walk shared by the draft's statements: (id, top, depth), bounded by MAX_TREE_DEPTH. */
export function subtreeCte(): string {
  return `WITH RECURSIVE t(id, top, depth) AS (
         SELECT CAST(? AS INTEGER), CAST(? AS INTEGER), 0
         UNION ALL SELECT u."id", CASE WHEN t.id = CAST(? AS INTEGER) THEN u."id" ELSE t.top END, t.depth + 1
         FROM "Unit" u JOIN t ON u."parentId" = t.id
         WHERE u."id" <> CAST(? AS INTEGER) AND t.depth < ${MAX_TREE_DEPTH})`;
}

/** SQLite returns a DateTime as epoch milliseconds or text, PostgreSQL as a Date. */
export function toDate(v: unknown): Date {
  if (typeof v === "number" || typeof v === "bigint" || (typeof v === "string" && /^\d+$/.test(v))) return new Date(Number(v));
  return asDate(v) ?? new Date(0);
}

/**
 * The summed figure columns of "RecordMonth" and "FigureRollup" rows (m), as a FigureRow reads
 * them. The *Approx columns count the records whose figure was approximate (a record marked 约 for
 * a figure it does not carry is not counted), so a sum is approximate when any went into it.
 */
const SUMMED = `SUM(m."records") AS "records", SUM(m."sessions") AS "sessions", SUM(m."participants") AS "participants",
  SUM(m."participantsApprox") AS "participantsApprox", SUM(m."quantity") AS "quantity",
  SUM(m."quantityApprox") AS "quantityApprox", SUM(m."sessionsApprox") AS "sessionsApprox"`;

const FIGURE_FIELDS = ["records", "sessions", "participants", "participantsApprox", "quantity", "quantityApprox", "sessionsApprox"];

/**
 * A period's first and last months. Every period the drafts, the page and the rules use is whole
 * months, which is what lets them be read from the monthly rows; a day range that is not would be
 * summed wrongly, so it is refused.
 */
export function monthRange(p: { start: string; end: string }): [string, string] {
  if (!wholeMonths({ kind: "", start: p.start, end: p.end })) throw new RangeError(`not whole months: ${p.start}..${p.end}`);
  return [p.start.slice(0, 7), p.end.slice(0, 7)];
}

/**
 * The monthly figure rows of a subtree in a period, as one UNION ALL with "topId", "month",
 * "kind", "subtype", "item" and the figure columns: the root's own rows ("RecordMonth") under the
 * root's id, and then either the rows of everything below the root ("FigureRollup" of the root)
 * under the root's id too, or (`perChild`) each direct child's own and below under the child's id.
 */
export function subtreeMonths(rootId: number, period: { start: string; end: string }, opts: { perChild: boolean }) {
  const [from, to] = monthRange(period);
  const cols = (a: string) =>
    `${a}."month", ${a}."kind", ${a}."subtype", ${a}."item", ${FIGURE_FIELDS.map((c) => `${a}."${c}"`).join(", ")}`;
  const own = `SELECT m."unitId" AS "topId", ${cols("m")} FROM "RecordMonth" m WHERE m."unitId" = ? AND m."month" >= ? AND m."month" <= ?`;
  if (!opts.perChild)
    return {
      sql: `${own}
        UNION ALL SELECT f."ancestorId", ${cols("f")} FROM "FigureRollup" f WHERE f."ancestorId" = ? AND f."month" >= ? AND f."month" <= ?`,
      params: [rootId, from, to, rootId, from, to],
    };
  return {
    sql: `${own}
      UNION ALL SELECT m."unitId", ${cols("m")} FROM "Unit" u CROSS JOIN "RecordMonth" m
        WHERE u."parentId" = ? AND u."id" <> ? AND m."unitId" = u."id" AND m."month" >= ? AND m."month" <= ?
      UNION ALL SELECT f."ancestorId", ${cols("f")} FROM "Unit" u CROSS JOIN "FigureRollup" f
        WHERE u."parentId" = ? AND u."id" <> ? AND f."ancestorId" = u."id" AND f."month" >= ? AND f."month" <= ?`,
    params: [rootId, from, to, rootId, rootId, from, to, rootId, rootId, from, to],
  };
}

export class FigureStore {
  constructor(private readonly ctx: StoreContext) {}

  /**
   * The period's figures of these units' own records per (kind, subtype, item): a sum of their
   * "RecordMonth" rows (a few per unit, month and kind), whatever the number of records.
   */
  async figures(unitIds: number[], period: Period, kind?: string): Promise<FigureRow[]> {
    if (unitIds.length === 0) return [];
    const [from, to] = monthRange(period);
    const rows = await this.ctx.sql.all(
      `SELECT m."kind", NULLIF(m."subtype", '') AS "subtype", NULLIF(m."item", '') AS "item", ${SUMMED}
       FROM "RecordMonth" m
       WHERE m."unitId" IN (${marks(unitIds)}) AND m."month" >= ? AND m."month" <= ?${kind ? ` AND m."kind" = ?` : ""}
       GROUP BY m."kind", m."subtype", m."item" HAVING SUM(m."records") > 0`,
      [...unitIds, from, to, ...(kind ? [kind] : [])],
    );
    return rows.map(toFigureRow);
  }

  /** The period's figures of a unit's whole subtree (its own and everything below it) per (kind, subtype, item). */
  async subtreeFigures(rootId: number, period: { start: string; end: string }): Promise<FigureRow[]> {
    const part = subtreeMonths(rootId, period, { perChild: false });
    const rows = await this.ctx.sql.all(
      `SELECT m."kind", NULLIF(m."subtype", '') AS "subtype", NULLIF(m."item", '') AS "item", ${SUMMED}
       FROM (${part.sql}) m GROUP BY m."kind", m."subtype", m."item" HAVING SUM(m."records") > 0`,
      part.params,
    );
    return rows.map(toFigureRow);
  }

  /**
   * What a draft reads: the period's figures per direct child's subtree (the root's own records
   * under the root's id), the previous period's figures of the whole subtree, and for each rule
   * window the sessions each unit recorded in it (units with none left out).
   *
   * The figures are sums of the monthly rows the triggers on "Record" keep: the root's own
   * ("RecordMonth") and each direct child's own and everything below it ("FigureRollup"), a few
   * rows per child, month, kind, subtype and item however many units and records lie below. The
   * rule windows are counted per unit over "RecordMonth" through "UnitAncestor" (the subtree as
   * pairs), with one CASE column each, so that a city's units come back as one short row each.
   */
  async draftFigures(
    rootId: number,
    period: { start: string; end: string },
    previous: { start: string; end: string },
    windows: RuleWindow[],
  ): Promise<{ current: (FigureRow & { topId: number })[]; previous: FigureRow[]; counts: Map<number, number[]> }> {
    const part = subtreeMonths(rootId, period, { perChild: true });
    const sums = windowSums(windows);
    const [current, before, countRows] = await Promise.all([
      this.ctx.sql.all(
        `SELECT m."topId", m."kind", NULLIF(m."subtype", '') AS "subtype", NULLIF(m."item", '') AS "item", ${SUMMED}
         FROM (${part.sql}) m GROUP BY m."topId", m."kind", m."subtype", m."item" HAVING SUM(m."records") > 0`,
        part.params,
      ),
      this.subtreeFigures(rootId, previous),
      windows.length
        ? this.ctx.sql.all(
            `SELECT ${sums.unit} AS "unitId", ${sums.columns}
             FROM "UnitAncestor" a CROSS JOIN ${sums.table}
             WHERE a."ancestorId" = ? AND ${sums.unit} = a."unitId" AND ${sums.where}
             GROUP BY ${sums.unit}`,
            [...sums.params, rootId, ...sums.whereParams],
          )
        : Promise.resolve([]),
    ]);
    return {
      current: current.map((r) => ({ ...toFigureRow(r), topId: Number(r.topId) })),
      previous: before,
      counts: sums.read(countRows),
    };
  }

  /** One unit's own sessions in each rule window, in the windows' order: one query for /统计 and /截止. */
  async unitWindowCounts(unitId: number, windows: RuleWindow[]): Promise<number[]> {
    if (!windows.length) return [];
    const sums = windowSums(windows);
    const rows = await this.ctx.sql.all(
      `SELECT ${sums.unit} AS "unitId", ${sums.columns} FROM ${sums.table}
       WHERE ${sums.unit} = ? AND ${sums.where} GROUP BY ${sums.unit}`,
      [...sums.params, unitId, ...sums.whereParams],
    );
    return sums.read(rows).get(unitId) ?? windows.map(() => 0);
  }

  /**
   * The period's recorded topics and activity names (titles) for a draft, in one bounded
   * statement: per (own or below, kind, field) the `perKind` names carried by most records
   * (ties: the earliest first), so that a city's quarter returns at most a few dozen short rows.
   * Summed from "RecordName" (each unit's names per month, kept by the triggers on "Record") over
   * the subtree's pairs in "UnitAncestor": the root itself is its pair at depth 0.
   */
  async draftNames(rootId: number, period: { start: string; end: string }, perKind = 3): Promise<DraftName[]> {
    const per = Math.max(1, Math.min(10, Math.floor(perKind)));
    const [from, to] = monthRange(period);
    const rows = await this.ctx.sql.all(
      `WITH n AS (
         SELECT CASE WHEN a."depth" = 0 THEN 1 ELSE 0 END AS "own", x."kind", x."field", x."name",
           SUM(x."records") AS "records", MIN(x."first") AS "first"
         FROM "UnitAncestor" a CROSS JOIN "RecordName" x
         WHERE a."ancestorId" = ? AND x."unitId" = a."unitId" AND x."month" >= ? AND x."month" <= ?
         GROUP BY CASE WHEN a."depth" = 0 THEN 1 ELSE 0 END, x."kind", x."field", x."name"),
       ranked AS (
         SELECT n.*, ROW_NUMBER() OVER (PARTITION BY n."own", n."kind", n."field" ORDER BY n."records" DESC, n."first", n."name") AS "rank"
         FROM n)
       SELECT "own", "kind", "field", "name", "records" FROM ranked WHERE "rank" <= ?
       ORDER BY "own" DESC, "kind", "field", "rank" LIMIT ?`,
      [rootId, from, to, per, per * 2 * 2 * 16],
    );
    return rows.map((r) => ({
      own: Number(r.own) === 1,
      kind: String(r.kind),
      field: r.field === "title" ? "title" : "topic",
      name: String(r.name),
      records: Number(r.records),
    }));
  }

  /**
   * The subtree's units with their ledger's start (the Unit row's createdAt, the binding) and
   * how many members hold the officer role (宣传员) in each: one bounded statement, counting each
   * unit's officers through the ("unitId", "role") index (a unit's draft used to group every
   * officer of the deployment).
   */
  async draftUnits(rootId: number): Promise<DraftUnit[]> {
    const root = [rootId, rootId, rootId, rootId];
    const rows = await this.ctx.sql.all(
      `${subtreeCte()}
       SELECT u."id", u."createdAt",
         (SELECT COUNT(*) FROM "Member" m WHERE m."unitId" = u."id" AND m."role" = ?) AS "officers"
       FROM t CROSS JOIN "Unit" u
       WHERE u."id" = t.id`,
      [...root, "officer"],
    );
    return rows.map((r) => ({ id: Number(r.id), createdAt: toDate(r.createdAt), officers: Number(r.officers ?? 0) }));
  }

  /**
   * The period's observations of the 意识形态领域 in the subtree (kind "situation"), oldest first, at
   * most `limit`: read through the ("kind", "day") index, the few records of that kind in the
   * period, and kept if their unit is in the subtree (the + keeps SQLite from walking the whole
   * subtree's index ranges of every kind instead).
   */
  async situationNotes(rootId: number, period: { start: string; end: string }, limit = 20): Promise<SituationNote[]> {
    const rows = await this.ctx.sql.all(
      `SELECT u."name" AS "unit", r."subtype", r."topic", r."note", r."day"
       FROM "Record" r JOIN "Unit" u ON u."id" = r."unitId"
       WHERE r."kind" = ? AND r."day" >= ? AND r."day" <= ? AND r."deletedAt" IS NULL
         AND +r."unitId" IN (SELECT a."unitId" FROM "UnitAncestor" a WHERE a."ancestorId" = ?)
       ORDER BY r."day", r."id" LIMIT ?`,
      ["situation", period.start, period.end, rootId, Math.max(1, Math.min(100, Math.floor(limit)))],
    );
    return rows.map((r) => ({
      unit: String(r.unit),
      area: (r.subtype as string | null) ?? null,
      shows: (r.topic as string | null) ?? null,
      measures: (r.note as string | null) ?? null,
      day: String(r.day),
    }));
  }
}
