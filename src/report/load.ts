// Gathers what a draft needs from the ledger: the period's figures for the unit's subtree, the
// previous period's, each child's, and every rule's result per unit — a handful of GROUP BY
// queries whatever the number of records.
import type { Ledger } from "../store/ledger.js";
import type { Deployment } from "../config/deployment.js";
import type { FigureRow, FigureStyle } from "../domain/figures.js";
import { previousPeriod, type Period, type PeriodType } from "../domain/periods.js";
import { rulesOf, ruleApplies, rulePeriodsWithin, progressOf, countInMonths, countsByUnit } from "../domain/requirements.js";
import type { DraftInput, RuleResult } from "./draft.js";

const ORDER: Record<PeriodType, number> = { month: 1, quarter: 2, half: 3, year: 4 };

export async function loadDraftInput(ledger: Ledger, config: Deployment, unitId: number, period: Period, today: string, style: FigureStyle): Promise<DraftInput> {
  const tree = await ledger.subtree(unitId);
  const ids = tree.map((u) => u.id);
  const self = tree.find((u) => u.id === unitId)!;
  const leaf = tree.length === 1;
  const [rows, previous, byUnit, counts] = await Promise.all([
    ledger.figures(ids, period),
    ledger.figures(ids, previousPeriod(period)),
    // A unit without children has no per-child table to fill.
    leaf ? Promise.resolve([]) : ledger.figuresByUnit(ids, period),
    ledger.monthlyCounts(ids, period),
  ]);

  // Each record's unit folded up to the direct child it sits under.
  const parentOf = new Map(tree.map((u) => [u.id, u.parentId]));
  const topChild = (id: number): number | null => {
    let cur: number | null = id;
    while (cur !== null && parentOf.get(cur) !== unitId) cur = parentOf.get(cur) ?? null;
    return cur;
  };
  const directChildren = tree.filter((u) => u.parentId === unitId);
  const children = directChildren.map((c) => ({ name: c.name, rows: [] as FigureRow[] }));
  for (const r of byUnit) {
    const child = r.unitId === unitId ? null : topChild(r.unitId);
    const slot = children[directChildren.findIndex((c) => c.id === child)];
    if (slot) slot.rows.push(r);
  }

  // Rules no coarser than the view (a quarter's draft judges monthly and quarterly rules).
  const hasChildren = new Set(tree.filter((u) => u.parentId !== null).map((u) => u.parentId));
  const byUnitCounts = countsByUnit(counts);
  const rules: RuleResult[] = [];
  for (const rule of rulesOf(config)) {
    if (ORDER[rule.per] > ORDER[period.type]) continue;
    for (const u of tree) {
      if (!ruleApplies(rule, u, hasChildren.has(u.id))) continue;
      for (const p of rulePeriodsWithin(rule, period)) {
        const count = countInMonths(rule, byUnitCounts.get(u.id), p);
        rules.push({ rule, unit: u.name, period: p, count, progress: progressOf(count, rule, p, today) });
      }
    }
  }
  return { unit: self.name, period, today, rows, previous, children, rules, style };
}
