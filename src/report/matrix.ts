// The units × requirements matrix: where each unit stands on each rule over a period, judged from
// its own records. /统计 writes it as lines and the web page (/看板) as a table; both read it from
// here, so a cell on the page and a line in the chat cannot disagree.
import type { Ledger } from "../store/ledger.js";
import type { Rules } from "../domain/rules.js";
import { periodLabel, type Period } from "../domain/periods.js";
import { kindByCode } from "../domain/catalog.js";
import {
  rulesOf,
  ruleApplies,
  rulePeriodsWithin,
  progressOf,
  PROGRESS_MARK,
  perLabel,
  deadlineOf,
  type Progress,
  type Rule,
} from "../domain/requirements.js";
import { chinaDay, dayLabel } from "../time.js";

/** Short names of the default rules for the matrix's columns; any other rule keeps its name. */
const SHORT_NAME: Record<string, string> = {
  "special-meeting": "专题会议",
  "monthly-study": "理论学习",
  "quarterly-analysis": "研判报告",
  "half-year-report": "半年报告",
  "annual-report": "年度报告",
};

export const shortRuleName = (rule: Rule) => SHORT_NAME[rule.id] ?? rule.name;

/** One unit on one rule over the view. */
export interface Judgement {
  rule: Rule;
  /** The worst of the rule's periods within the view. */
  progress: Progress;
  /** "2/3" (sessions that count against the minimums), "" for a report. */
  figure: string;
  /** The matrix's cell as /统计 writes it: "⏳ 理论学习 2/3". */
  cell: string;
  /** The cell explained period by period: "理论学习（每月不少于 1 次）：✅ 10月 1/1，❌ 11月 0/1，⏳ 12月 0/1". */
  explain: string;
}

/**
 * A rule's judgement for one unit over the view: the worst of its periods (❌ if any was missed, ⏳
 * if any is running or still to come after a met one, ✅ when all are met), and the count — the
 * sessions against the minimum for one period, the sessions that count (at most the minimum in
 * each period) against the periods' minimums for several (理论学习 2/3 in a quarter).
 */
export function judge(rule: Rule, periods: Period[], counts: number[], view: Period, today: string, start?: string): Judgement {
  const each = periods.map((p, i) => progressOf(counts[i], rule, p, today, start));
  const progress: Progress = each.includes("missed")
    ? "missed"
    : each.includes("open")
      ? "open"
      : each.every((e) => e === "future")
        ? "future"
        : each.every((e) => e === "met")
          ? "met"
          : "open";
  const figure =
    rule.type === "report"
      ? ""
      : periods.length === 1
        ? `${counts[0]}/${rule.min}`
        : `${counts.reduce((a, n) => a + Math.min(n, rule.min), 0)}/${rule.min * periods.length}`;
  const parts = periods.map((p, i) => {
    const n = counts[i];
    const mark = PROGRESS_MARK[each[i]];
    const short = periodLabel(p).replace(/^\d{4}年/, "");
    const label = p.type === view.type || !short ? "" : `${short} `;
    return rule.type === "report"
      ? `${mark} ${label}${n >= 1 ? "已报送" : `未报送（截止 ${dayLabel(deadlineOf(rule, p))}）`}`
      : `${mark} ${label}${n}/${rule.min}`;
  });
  const what =
    rule.type === "report"
      ? `${rule.name}（${perLabel(rule.per)}）`
      : `${rule.name}（${perLabel(rule.per)}不少于 ${rule.min} ${kindByCode(rule.kind).countUnit}）`;
  return {
    rule,
    progress,
    figure,
    cell: `${PROGRESS_MARK[progress]} ${shortRuleName(rule)}${figure ? ` ${figure}` : ""}`,
    explain: `${what}：${parts.join("，")}`,
  };
}

export interface MatrixUnit {
  id: number;
  name: string;
  parentId: number | null;
  hasChildren: boolean;
}

/** A unit's row: a judgement per rule of the matrix (null where the rule does not apply to it). */
export interface MatrixRow {
  unit: MatrixUnit;
  cells: (Judgement | null)[];
  missed: number;
  open: number;
}

export interface Matrix {
  rules: Rule[];
  rows: MatrixRow[];
}

/** The most behind first: most rules missed, then most still open, then in the order units were bound. */
export const behindFirst = (a: MatrixRow, b: MatrixRow) => b.missed - a.missed || b.open - a.open || a.unit.id - b.unit.id;

/**
 * The matrix of `units` (all within `rootId`'s subtree) over a period: every rule period's count
 * for every unit in one aggregate per 500 units, each unit's ledger start (its binding day, before
 * which nothing counts as missed) in one statement. Rows in the order given.
 */
export async function requirementMatrix(
  ledger: Ledger,
  config: Rules,
  today: string,
  rootId: number,
  units: MatrixUnit[],
  view: Period,
): Promise<Matrix> {
  const rules = rulesOf(config);
  const judged = rules.map((rule) => ({ rule, periods: rulePeriodsWithin(rule, view) }));
  const windows = judged.flatMap(({ rule, periods }) =>
    periods.map((p) => ({ kind: rule.kind, subtypes: rule.subtypes, start: p.start, end: p.end })),
  );
  const [counts, starts] = await Promise.all([
    ledger.unitsWindowCounts(
      units.map((u) => u.id),
      windows,
    ),
    ledger.draftUnits(rootId).then((all) => new Map(all.map((u) => [u.id, u.createdAt]))),
  ]);
  const rows = units.map((unit): MatrixRow => {
    const all = counts.get(unit.id)!;
    const start = starts.get(unit.id);
    const day = start ? chinaDay(start) : undefined;
    let i = 0;
    const cells = judged.map(({ rule, periods }) => {
      const mine = all.slice(i, (i += periods.length));
      return ruleApplies(rule, unit, unit.hasChildren) ? judge(rule, periods, mine, view, today, day) : null;
    });
    return {
      unit,
      cells,
      missed: cells.filter((c) => c?.progress === "missed").length,
      open: cells.filter((c) => c?.progress === "open").length,
    };
  });
  return { rules, rows };
}

/** A subtree as matrix units: each with whether it has children of its own. */
export function matrixUnits(subtree: { id: number; name: string; parentId: number | null }[]): MatrixUnit[] {
  const parents = new Set(subtree.map((u) => u.parentId));
  return subtree.map((u) => ({ ...u, hasChildren: parents.has(u.id) }));
}
