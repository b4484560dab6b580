// Gathers what a draft needs from the ledger: the period's figures for the unit's subtree, the
// previous period's, each child's, and every rule's result per unit — a handful of GROUP BY
// queries whatever the number of records or units, aggregated in SQL rather than in JavaScript.
import type { Ledger } from "../store/ledger.js";
import type { Deployment } from "../config/deployment.js";
import type { FigureRow, FigureStyle } from "../domain/figures.js";
import { previousPeriod, type Period, type PeriodType } from "../domain/periods.js";
import { rulesOf, ruleApplies, rulePeriodsWithin, progressOf } from "../domain/requirements.js";
import type { DraftInput, RuleResult } from "./draft.js";

const ORDER: Record<PeriodType, number> = { month: 1, quarter: 2, half: 3, year: 4 };

export async function loadDraftInput(ledger: Ledger, config: Deployment, unitId: number, period: Period, today: string, style: FigureStyle): Promise<DraftInput> {
  const tree = await ledger.subtree(unitId);
  const ids = tree.map((u) => u.id);
  const self = tree.find((u) => u.id === unitId)!;
  const directChildren = tree.filter((u) => u.parentId === unitId);
  const [rows, previous, childRows] = await Promise.all([
    ledger.subtreeFigures(unitId, ids, period),
    ledger.subtreeFigures(unitId, ids, previousPeriod(period)),
    // A unit without children has no per-child table to fill.
    directChildren.length ? ledger.childFigures(unitId, period) : Promise.resolve([]),
  ]);
  const byChild = new Map<number, FigureRow[]>();
  for (const r of childRows) byChild.set(r.unitId, [...(byChild.get(r.unitId) ?? []), r]);
  const children = directChildren.map((c) => ({ name: c.name, rows: byChild.get(c.id) ?? [] }));

  // Rules no coarser than the view (a quarter's draft judges monthly and quarterly rules): one
  // aggregate per rule and period, each unit's count looked up, absent units counting 0.
  const hasChildren = new Set(tree.filter((u) => u.parentId !== null).map((u) => u.parentId));
  const rules: RuleResult[] = [];
  for (const rule of rulesOf(config)) {
    if (ORDER[rule.per] > ORDER[period.type]) continue;
    const units = tree.filter((u) => ruleApplies(rule, u, hasChildren.has(u.id)));
    if (!units.length) continue;
    for (const p of rulePeriodsWithin(rule, period)) {
      if (p.start > today) continue;
      const counts = await ledger.ruleCounts(rule.kind, rule.subtypes, p, ids);
      for (const u of units) {
        const count = counts.get(u.id) ?? 0;
        rules.push({ rule, unit: u.name, period: p, count, progress: progressOf(count, rule, p, today) });
      }
    }
  }
  return { unit: self.name, period, today, rows, previous, children, rules, style };
}
