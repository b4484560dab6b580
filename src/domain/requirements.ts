// Requirements and report deadlines from the deployment config, evaluated against figures.
// Pure: the caller fetches the figures for the periods this module names.
import type { Rules, UnitScope } from "./rules.js";
import { periodOf, type Period, type PeriodType } from "./periods.js";
import { addDays } from "../time.js";

export type Rule =
  | { type: "requirement"; id: string; name: string; per: PeriodType; min: number; kind: string; subtypes?: string[]; units: UnitScope }
  | {
      type: "report";
      id: string;
      name: string;
      per: PeriodType;
      min: 1;
      kind: "report";
      subtypes: string[];
      units: UnitScope;
      dueDaysAfterEnd: number;
    };

export function rulesOf(config: Rules): Rule[] {
  return [
    ...config.requirements.map((r): Rule => ({
      type: "requirement",
      id: r.id,
      name: r.name,
      per: r.per,
      min: r.min,
      kind: r.kind,
      subtypes: r.subtypes,
      units: r.units,
    })),
    ...config.reports.map((r): Rule => ({
      type: "report",
      id: r.id,
      name: r.name,
      per: r.per,
      min: 1,
      kind: "report",
      subtypes: [r.subtype],
      units: r.units,
      dueDaysAfterEnd: r.due_days_after_end,
    })),
  ];
}

/** Whether a rule applies to a unit: all, leaf (no child units), parent (has child units), or by name. */
export function ruleApplies(rule: Rule, unit: { name: string }, hasChildren: boolean): boolean {
  if (rule.units === "all") return true;
  if (rule.units === "leaf") return !hasChildren;
  if (rule.units === "parent") return hasChildren;
  return rule.units.includes(unit.name);
}

/** The deadline of a rule's period: the last day plus the configured offset. */
export function deadlineOf(rule: Rule, period: Period): string {
  return addDays(period.end, rule.type === "report" ? rule.dueDaysAfterEnd : 0);
}

const ORDER: Record<PeriodType, number> = { month: 1, quarter: 2, half: 3, year: 4 };

/** Whether a rule is judged within a view: its period is no coarser (a quarter judges months). */
export function judgedWithin(rule: Rule, view: Period): boolean {
  return ORDER[rule.per] <= ORDER[view.type];
}

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

/**
 * Where a unit stands on a rule in one period. `start`: the unit's ledger start (its binding
 * day): a period that ended before it is not judged ("future", shown ·) unless it was met.
 */
export function progressOf(count: number, rule: Rule, period: Period, today: string, start?: string): Progress {
  if (count >= rule.min) return "met";
  if (today < period.start) return "future";
  if (start && period.end < start) return "future";
  return today > deadlineOf(rule, period) ? "missed" : "open";
}

export const PROGRESS_MARK: Record<Progress, string> = { met: "✅", open: "⏳", missed: "❌", future: "·" };

export function perLabel(per: PeriodType): string {
  return { month: "每月", quarter: "每季度", half: "每半年", year: "每年" }[per];
}
