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

/**
 * One unit on one rule over the view: the worst of the rule's periods (❌ if any was missed, ⏳ if
 * any is running or still to come after a met one, ✅ when all are met), and the count — the
 * sessions against the minimum for one period, the sessions that count (at most the minimum in
 * each period) against the periods' minimums for several (理论学习 2/3 in a quarter). A class, and
 * the explanation written only when read: a city's matrix judges tens of thousands of cells and
 * shows a page of them.
 */
export class Judgement {
  /** The worst of the rule's periods within the view. */
  readonly progress: Progress;
  /** "2/3" (sessions that count against the minimums), "" for a report. */
  readonly figure: string;

  constructor(
    readonly rule: Rule,
    private readonly periods: Period[],
    /** The unit's counts of every window; this rule's periods start at `at`. */
    private readonly counts: number[],
    private readonly at: number,
    private readonly view: Period,
    private readonly today: string,
    private readonly start?: string,
  ) {
    let missed = false,
      open = false,
      future = 0,
      met = 0,
      counted = 0;
    for (let i = 0; i < periods.length; i++) {
      const n = counts[at + i];
      counted += Math.min(n, rule.min);
      const p = progressOf(n, rule, periods[i], today, start);
      if (p === "missed") missed = true;
      else if (p === "open") open = true;
      else if (p === "future") future++;
      else met++;
    }
    this.progress = missed ? "missed" : open ? "open" : future === periods.length ? "future" : met === periods.length ? "met" : "open";
    this.figure =
      rule.type === "report" ? "" : periods.length === 1 ? `${counts[at]}/${rule.min}` : `${counted}/${rule.min * periods.length}`;
  }

  /** The matrix's cell as /统计 writes it: "⏳ 理论学习 2/3". */
  get cell(): string {
    return `${PROGRESS_MARK[this.progress]} ${shortRuleName(this.rule)}${this.figure ? ` ${this.figure}` : ""}`;
  }

  /** The cell explained period by period: "理论学习（每月不少于 1 次）：✅ 10月 1/1，❌ 11月 0/1，⏳ 12月 0/1". */
  get explain(): string {
    const { rule, view } = this;
    const parts = this.periods.map((p, i) => {
      const n = this.counts[this.at + i];
      const mark = PROGRESS_MARK[progressOf(n, rule, p, this.today, this.start)];
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
    return `${what}：${parts.join("，")}`;
  }
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
    // One unit (a leaf's /统计): its cached row; a subtree: one statement for all of them.
    units.length === 1
      ? ledger.unit(units[0].id).then((u) => new Map(u ? [[u.id, u.createdAt]] : []))
      : ledger.draftUnits(rootId).then((all) => new Map(all.map((u) => [u.id, u.createdAt]))),
  ]);
  const rows = units.map((unit): MatrixRow => {
    const all = counts.get(unit.id)!;
    const start = starts.get(unit.id);
    const day = start ? chinaDay(start) : undefined;
    let at = 0,
      missed = 0,
      open = 0;
    const cells = judged.map(({ rule, periods }) => {
      const cell = ruleApplies(rule, unit, unit.hasChildren) ? new Judgement(rule, periods, all, at, view, today, day) : null;
      at += periods.length;
      if (cell?.progress === "missed") missed++;
      else if (cell?.progress === "open") open++;
      return cell;
    });
    return { unit, cells, missed, open };
  });
  return { rules, rows };
}

/** A subtree as matrix units: each with whether it has children of its own. */
export function matrixUnits(subtree: { id: number; name: string; parentId: number | null }[]): MatrixUnit[] {
  const parents = new Set(subtree.map((u) => u.parentId));
  return subtree.map((u) => ({ ...u, hasChildren: parents.has(u.id) }));
}
