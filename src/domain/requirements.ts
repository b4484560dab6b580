// Requirements and report deadlines from the deployment config, evaluated against figures.
// Pure: the caller fetches the figures for the periods this module names.
import type { RequirementRule, ReportRule } from "../config/deployment.js";
import { periodOf, type Period, type PeriodType } from "./periods.js";
import { addDays } from "../time.js";

export type Rule =
  | { type: "requirement"; id: string; name: string; per: PeriodType; min: number; kind: string; subtypes?: string[]; units: RequirementRule["units"] }
  | { type: "report"; id: string; name: string; per: PeriodType; min: 1; kind: "report"; subtypes: string[]; units: ReportRule["units"]; dueDaysAfterEnd: number };

export function rulesOf(config: { requirements: RequirementRule[]; reports: ReportRule[] }): Rule[] {
  return [
    ...config.requirements.map((r): Rule => ({ type: "requirement", id: r.id, name: r.name, per: r.per, min: r.min, kind: r.kind, subtypes: r.subtypes, units: r.units })),
    ...config.reports.map((r): Rule => ({ type: "report", id: r.id, name: r.name, per: r.per, min: 1, kind: "report", subtypes: [r.subtype], units: r.units, dueDaysAfterEnd: r.due_days_after_end })),
  ];
}

/** Whether a rule applies to a unit: all, leaf (no child units), parent (has child units), or by name. */
export function ruleApplies(rule: Rule, unit: { name: string }, hasChildren: boolean): boolean {
  if (rule.units === "all") return true;
  if (rule.units === "leaf") return !hasChildren;
  if (rule.units === "parent") return hasChildren;
  return rule.units.includes(unit.name);
}

/** Sessions per (unit, month 'YYYY-MM', kind, subtype), as the store aggregates them. */
export interface MonthlyCount { unitId: number; month: string; kind: string; subtype: string | null; sessions: number }

/** Monthly counts grouped by unit, so that evaluating every unit costs one pass over the counts. */
export function countsByUnit(counts: MonthlyCount[]): Map<number, MonthlyCount[]> {
  const out = new Map<number, MonthlyCount[]>();
  for (const c of counts) {
    const list = out.get(c.unitId);
    if (list) list.push(c); else out.set(c.unitId, [c]);
  }
  return out;
}

/** How many events count towards the rule within a period, from one unit's monthly counts. */
export function countInMonths(rule: Rule, unitCounts: MonthlyCount[] | undefined, p: Period): number {
  if (!unitCounts) return 0;
  const first = p.start.slice(0, 7);
  const last = p.end.slice(0, 7);
  let n = 0;
  for (const c of unitCounts) {
    if (c.month >= first && c.month <= last && c.kind === rule.kind
      && (!rule.subtypes?.length || (c.subtype !== null && rule.subtypes.includes(c.subtype)))) n += c.sessions;
  }
  return n;
}

/** The deadline of a rule's period: the last day plus the configured offset. */
export function deadlineOf(rule: Rule, period: Period): string {
  return addDays(period.end, rule.type === "report" ? rule.dueDaysAfterEnd : 0);
}

const ORDER: Record<PeriodType, number> = { month: 1, quarter: 2, half: 3, year: 4 };

/**
 * The rule's periods to show for a view period: the months of a quarter for a monthly rule, or
 * the half year containing a quarter for a half-yearly rule.
 */
export function rulePeriodsWithin(rule: Rule, view: Period): Period[] {
  if (ORDER[rule.per] >= ORDER[view.type]) return [periodOf(rule.per, view.start)];
  const out: Period[] = [];
  let p = periodOf(rule.per, view.start);
  while (p.start <= view.end) {
    out.push(p);
    p = periodOf(rule.per, addDays(p.end, 1));
  }
  return out;
}

export type Progress = "met" | "open" | "missed" | "future";

export function progressOf(count: number, rule: Rule, period: Period, today: string): Progress {
  if (count >= rule.min) return "met";
  if (today < period.start) return "future";
  return today > deadlineOf(rule, period) ? "missed" : "open";
}

export const PROGRESS_MARK: Record<Progress, string> = { met: "✅", open: "⏳", missed: "❌", future: "·" };

export function perLabel(per: PeriodType): string {
  return { month: "每月", quarter: "每季度", half: "每半年", year: "每年" }[per];
}

