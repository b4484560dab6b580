// Gathers what a draft needs from the ledger: the period's figures for the unit's subtree, the
// previous period's, each child's, and every rule's result per unit. The store aggregates them in
// SQL (Ledger.draftFigures); only the few resulting rows are folded here.
import type { Ledger } from "../store/ledger.js";
import type { Deployment } from "../config/deployment.js";
import { sumFigures, type FigureRow, type FigureStyle } from "../domain/figures.js";
import { previousPeriod, type Period } from "../domain/periods.js";
import { rulesOf, ruleApplies, rulePeriodsWithin, progressOf, judgedWithin } from "../domain/requirements.js";
import type { DraftInput, RuleResult } from "./draft.js";

export async function loadDraftInput(
  ledger: Ledger,
  config: Deployment,
  unitId: number,
  period: Period,
  today: string,
  style: FigureStyle,
): Promise<DraftInput> {
  const tree = await ledger.subtree(unitId);
  const self = tree.find((u) => u.id === unitId)!;
  const directChildren = tree.filter((u) => u.parentId === unitId);
  const hasChildren = new Set(tree.map((u) => u.parentId));

  // Rules no coarser than the view (a quarter's draft judges monthly and quarterly rules), in
  // their periods that have begun: one counting window each.
  const judged = rulesOf(config)
    .filter((rule) => judgedWithin(rule, period))
    .flatMap((rule) => {
      const units = tree.filter((u) => ruleApplies(rule, u, hasChildren.has(u.id)));
      return units.length
        ? rulePeriodsWithin(rule, period)
            .filter((p) => p.start <= today)
            .map((p) => ({ rule, units, period: p }))
        : [];
    });

  const { current, previous, counts } = await ledger.draftFigures(
    unitId,
    period,
    previousPeriod(period),
    judged.map((j) => ({ kind: j.rule.kind, subtypes: j.rule.subtypes, start: j.period.start, end: j.period.end })),
  );

  const byChild = new Map<number, FigureRow[]>();
  for (const r of current) {
    const list = byChild.get(r.topId);
    if (list) list.push(r);
    else byChild.set(r.topId, [r]);
  }
  const children = directChildren.map((c) => ({ name: c.name, rows: byChild.get(c.id) ?? [] }));

  const rules: RuleResult[] = [];
  judged.forEach((j, i) => {
    for (const u of j.units) {
      const count = counts.get(u.id)?.[i] ?? 0;
      rules.push({ rule: j.rule, unit: u.name, period: j.period, count, progress: progressOf(count, j.rule, j.period, today) });
    }
  });
  return { unit: self.name, period, today, rows: sumFigures(current), previous, children, rules, style };
}
