// Gathers what a draft needs from the ledger: the period's figures for the unit's subtree (the
// unit's own apart from each child's), the previous period's, every rule's result per unit, the
// recorded topics and activity names, and each unit's ledger start and officers. The store
// aggregates them in SQL (Ledger.draftFigures, draftNames, draftUnits); only the few resulting
// rows are folded here.
import type { Ledger } from "../store/ledger.js";
import type { Deployment } from "../config/deployment.js";
import { sumFigures, type FigureRow, type FigureStyle } from "../domain/figures.js";
import { previousPeriod, type Period } from "../domain/periods.js";
import { rulesOf, ruleApplies, rulePeriodsWithin, progressOf, judgedWithin } from "../domain/requirements.js";
import { chinaDay } from "../time.js";
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

  // The 分析研判报告's 存在的风险和隐患 comes from the period's observations (/研判).
  const analysis = period.type === "quarter" || period.type === "month";
  const [{ current, previous, counts }, names, unitRows, situations] = await Promise.all([
    ledger.draftFigures(
      unitId,
      period,
      previousPeriod(period),
      judged.map((j) => ({ kind: j.rule.kind, subtypes: j.rule.subtypes, start: j.period.start, end: j.period.end })),
    ),
    ledger.draftNames(unitId, period),
    ledger.draftUnits(unitId),
    analysis ? ledger.situationNotes(unitId, period) : Promise.resolve(undefined),
  ]);
  const info = new Map(unitRows.map((u) => [u.id, u]));
  // A unit's ledger starts when it was bound (the Unit row's createdAt): a rule period that
  // ended before that is not judged, unless the unit met it all the same.
  // Each unit's start day is computed once (a time-zone conversion per unit, not per result).
  const starts = new Map<number, string>();
  const startOf = (id: number) => {
    let day = starts.get(id);
    if (day === undefined) {
      const at = info.get(id)?.createdAt;
      day = at ? chinaDay(at) : "0000-00-00";
      starts.set(id, day);
    }
    return day;
  };

  const byChild = new Map<number, FigureRow[]>();
  for (const r of current) {
    const list = byChild.get(r.topId);
    if (list) list.push(r);
    else byChild.set(r.topId, [r]);
  }
  const children = directChildren.map((c) => ({ name: c.name, rows: byChild.get(c.id) ?? [], officers: info.get(c.id)?.officers ?? 0 }));

  const rules: RuleResult[] = [];
  judged.forEach((j, i) => {
    for (const u of j.units) {
      const count = counts.get(u.id)?.[i] ?? 0;
      const progress = progressOf(count, j.rule, j.period, today);
      // Only a result that is not met needs the start: most units' met results never convert a date.
      if (progress !== "met" && j.period.end < startOf(u.id)) continue;
      rules.push({ rule: j.rule, unit: u.name, own: u.id === unitId, period: j.period, count, progress });
    }
  });
  return {
    situations,
    unit: self.name,
    period,
    today,
    rows: sumFigures(current),
    own: directChildren.length ? sumFigures(byChild.get(unitId) ?? []) : undefined,
    previous,
    children,
    rules,
    style,
    names,
    officers: info.get(unitId)?.officers ?? 0,
    start: startOf(unitId),
  };
}
