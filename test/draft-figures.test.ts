// A draft's figures are aggregated in SQL: this period's per child subtree, the previous period's
// in total, and each rule window's sessions per unit (Ledger.draftFigures). Random ledgers on a
// three-level tree, with deleted records, records outside the range and a unit outside the
// subtree, must give what a plain fold of the records gives, seen from the city, a town and a
// leaf.
import { describe, it, expect, beforeAll, afterAll } from "vitest";
import fc from "fast-check";
import { makeHarness, type Harness } from "./harness.js";
import type { RuleWindow } from "../src/store/ledger.js";
import { loadDraftInput } from "../src/report/load.js";
import { parsePeriod, previousPeriod } from "../src/domain/periods.js";
import { kindByCode } from "../src/domain/catalog.js";
import { sumFigures, type FigureRow } from "../src/domain/figures.js";
import { addDays } from "../src/time.js";

let h: Harness;
let units: { id: number; name: string; parentId: number | null }[];
let root: number;
beforeAll(async () => {
  h = await makeHarness({ now: "2026-11-22T10:00:00+08:00" });
  const db = h.app.store.db;
  const make = async (name: string, parentId: number | null) => (await db.unit.create({ data: { name, parentId } })).id;
  // 市 → 甲镇 (→ 甲一村 → 甲一村支部, 甲二村), 乙镇, 丙镇; 另一市 is outside the subtree.
  root = await make("市", null);
  const jia = await make("甲镇", root);
  const jia1 = await make("甲一村", jia);
  await make("甲一村支部", jia1);
  await make("甲二村", jia);
  await make("乙镇", root);
  await make("丙镇", root);
  await make("另一市", null);
  units = (await db.unit.findMany({ orderBy: { id: "asc" } })).map((u) => ({ id: u.id, name: u.name, parentId: u.parentId }));
});
afterAll(async () => {
  await h.close();
});

const PERIOD = parsePeriod("2026Q3", "2026-11-22")!;
const PREVIOUS = previousPeriod(PERIOD);
const KINDS = ["study", "meeting", "distribution", "report"];
// Windows as a quarter's draft asks for them: a monthly rule's months, subtype-restricted ones.
const WINDOWS: RuleWindow[] = [
  { kind: "study", start: "2026-07-01", end: "2026-07-31" },
  { kind: "study", start: "2026-08-01", end: "2026-08-31" },
  { kind: "study", start: "2026-09-01", end: "2026-09-30" },
  { kind: "meeting", subtypes: ["意识形态工作专题会议"], start: PERIOD.start, end: PERIOD.end },
  { kind: "meeting", subtypes: ["意识形态工作专题会议", "意识形态工作部署会"], start: PERIOD.start, end: PERIOD.end },
  { kind: "report", subtypes: ["季度意识形态工作分析研判报告"], start: PERIOD.start, end: PERIOD.end },
];

const recordArb = fc.record({
  unit: fc.nat(7),
  kind: fc.constantFrom(...KINDS),
  subtypePick: fc.nat(5),
  itemPick: fc.nat(5),
  sessions: fc.integer({ min: 1, max: 3 }),
  participants: fc.option(fc.integer({ min: 1, max: 500 })),
  participantsApprox: fc.boolean(),
  quantity: fc.option(fc.integer({ min: 1, max: 20_000 })),
  quantityApprox: fc.boolean(),
  // From a month before the previous quarter to a month after this one.
  dayOffset: fc.integer({ min: -31, max: 213 }),
  deleted: fc.nat(5).map((n) => n === 0),
});

function plainFold(
  from: number,
  records: {
    unitId: number;
    kind: string;
    subtype: string | null;
    item: string | null;
    sessions: number;
    participants: number | null;
    participantsApprox: boolean;
    quantity: number | null;
    quantityApprox: boolean;
    day: string;
    deleted: boolean;
  }[],
) {
  // Each unit's ancestor among the viewpoint's children (or the viewpoint itself); none outside.
  const topOf = (id: number): number | null => {
    for (let u = units.find((x) => x.id === id)!; ; u = units.find((x) => x.id === u.parentId)!) {
      if (u.id === from || u.parentId === from) return u.id;
      if (u.parentId === null) return null;
    }
  };
  const inSubtree = new Set(units.filter((u) => topOf(u.id) !== null).map((u) => u.id));
  const live = records.filter((r) => !r.deleted && inSubtree.has(r.unitId));
  const row = (r: (typeof records)[number]): FigureRow => ({
    kind: r.kind,
    subtype: r.subtype,
    item: r.item,
    records: 1,
    sessions: r.sessions,
    participants: r.participants ?? 0,
    // A sum is approximate only when an approximate figure went into it.
    participantsApprox: r.participantsApprox && r.participants !== null,
    quantity: r.quantity ?? 0,
    quantityApprox: r.quantityApprox && r.quantity !== null,
  });
  const inPeriod = live.filter((r) => r.day >= PERIOD.start && r.day <= PERIOD.end);
  const tops = [...new Set(inPeriod.map((r) => topOf(r.unitId)!))];
  const counts = new Map<number, number[]>();
  for (const r of live) {
    WINDOWS.forEach((w, i) => {
      if (r.kind !== w.kind || r.day < w.start || r.day > w.end || (w.subtypes && !w.subtypes.includes(r.subtype!))) return;
      const c =
        counts.get(r.unitId) ??
        counts
          .set(
            r.unitId,
            WINDOWS.map(() => 0),
          )
          .get(r.unitId)!;
      c[i] += r.sessions;
    });
  }
  return {
    current: tops.flatMap((topId) => sumFigures(inPeriod.filter((r) => topOf(r.unitId) === topId).map(row)).map((r) => ({ ...r, topId }))),
    previous: sumFigures(live.filter((r) => r.day >= PREVIOUS.start && r.day <= PREVIOUS.end).map(row)),
    counts,
  };
}

const keyOf = (r: FigureRow & { topId?: number }) => JSON.stringify([r.topId ?? 0, r.kind, r.subtype ?? "", r.item ?? ""]);
const sorted = <R extends FigureRow>(xs: R[]) => [...xs].sort((a, b) => keyOf(a).localeCompare(keyOf(b)));
/** Units with at least one session in some window: the store leaves the others out. */
const nonZero = (m: Map<number, number[]>) => new Map([...m].filter(([, c]) => c.some((n) => n > 0)));

describe("a draft's figures, aggregated in SQL", () => {
  it("are what a plain fold of the records gives, from the city, a town and a leaf", async () => {
    const db = h.app.store.db;
    const viewpoints = ["市", "甲镇", "甲一村支部"].map((n) => units.find((u) => u.name === n)!.id);
    let seq = 0;
    await fc.assert(
      fc.asyncProperty(fc.array(recordArb, { maxLength: 60 }), async (arbs) => {
        const records = arbs.map((a) => {
          const kind = kindByCode(a.kind)!;
          const subtype = kind.subtypes.length && a.subtypePick < kind.subtypes.length ? kind.subtypes[a.subtypePick].name : null;
          const item = kind.items.length ? kind.items[a.itemPick % kind.items.length].name : null;
          return {
            unitId: units[a.unit].id,
            kind: a.kind,
            subtype,
            item,
            sessions: a.sessions,
            participants: a.participants,
            participantsApprox: a.participantsApprox,
            quantity: item ? a.quantity : null,
            quantityApprox: a.quantityApprox,
            day: addDays(PREVIOUS.start, a.dayOffset),
            deleted: a.deleted,
          };
        });
        await db.record.deleteMany({});
        await db.record.createMany({
          data: records.map(({ deleted, ...r }) => ({
            ...r,
            deletedAt: deleted ? new Date() : null,
            sourcePlatform: "test",
            sourceChat: "seed",
            sourceMessageId: `r${++seq}`,
          })),
        });

        for (const from of viewpoints) {
          const got = await h.app.ledger.draftFigures(from, PERIOD, PREVIOUS, WINDOWS);
          const expected = plainFold(from, records);
          expect(sorted(got.current)).toEqual(sorted(expected.current));
          expect(sorted(got.previous)).toEqual(sorted(expected.previous));
          expect(nonZero(got.counts)).toEqual(expected.counts);
        }
        // The draft input built on them: the leaf's rows are its own records of the quarter, the
        // city's children are its three towns.
        const leaf = viewpoints[2];
        const own = await loadDraftInput(h.app.ledger, h.app.config, leaf, PERIOD, "2026-11-22", {});
        const ownRecords = records.filter((r) => r.unitId === leaf && !r.deleted && r.day >= PERIOD.start && r.day <= PERIOD.end);
        expect(own.rows.reduce((n, r) => n + r.records, 0)).toBe(ownRecords.length);
        const city = await loadDraftInput(h.app.ledger, h.app.config, root, PERIOD, "2026-11-22", {});
        expect(city.children.map((c) => c.name)).toEqual(["甲镇", "乙镇", "丙镇"]);
        const cityRecords = records.filter(
          (r) =>
            units[units.findIndex((u) => u.id === r.unitId)].name !== "另一市" &&
            !r.deleted &&
            r.day >= PERIOD.start &&
            r.day <= PERIOD.end,
        );
        expect(city.rows.reduce((n, r) => n + r.records, 0)).toBe(cityRecords.length);
        expect(city.children.reduce((n, c) => n + c.rows.reduce((m, r) => m + r.records, 0), 0)).toBe(
          cityRecords.filter((r) => r.unitId !== root).length,
        );
      }),
      { numRuns: 25, seed: Number(process.env.FUZZ_SEED ?? 20261122) },
    );
  });
});
