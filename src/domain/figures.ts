// Figures as these reports write them: exact small counts, "6100余份" / "11万余份" for large
// approximate quantities, 人次 for summed participants. Pure functions over aggregated rows.
import { kindByCode, KINDS, type Kind } from "./catalog.js";

/** One aggregated row: the records of one (kind, subtype, item) in a period. */
export interface FigureRow {
  kind: string;
  subtype: string | null;
  item: string | null;
  records: number;
  sessions: number;
  participants: number;
  participantsApprox: boolean;
  quantity: number;
  quantityApprox: boolean;
  /** A session count typed as approximate (20余次) went into it. */
  sessionsApprox?: boolean;
}

export interface KindTotals {
  kind: Kind;
  records: number;
  sessions: number;
  sessionsApprox?: boolean;
  /** The records without a subtype had an approximate count among them. */
  restApprox?: boolean;
  participants: number;
  participantsApprox: boolean;
  bySubtype: { subtype: string; sessions: number; sessionsApprox?: boolean; participants: number; participantsApprox: boolean }[];
  byItem: { item: string; quantity: number; approx: boolean }[];
}

/** Folds rows into one total per kind, in catalog order, leaving out kinds with no records. */
export function totalsByKind(rows: FigureRow[]): KindTotals[] {
  const out: KindTotals[] = [];
  // Bucketed once: a city's draft folds thousands of rows, once per part of the draft.
  const byKind = new Map<string, FigureRow[]>();
  for (const r of rows) {
    const list = byKind.get(r.kind);
    if (list) list.push(r);
    else byKind.set(r.kind, [r]);
  }
  for (const kind of KINDS) {
    const mine = byKind.get(kind.code);
    if (!mine) continue;
    const t: KindTotals = { kind, records: 0, sessions: 0, participants: 0, participantsApprox: false, bySubtype: [], byItem: [] };
    for (const r of mine) {
      t.records += r.records;
      t.sessions += r.sessions;
      t.sessionsApprox ||= r.sessionsApprox ?? false;
      if (!r.subtype) t.restApprox ||= r.sessionsApprox ?? false;
      t.participants += r.participants;
      t.participantsApprox ||= r.participantsApprox;
      if (r.subtype) {
        const s = t.bySubtype.find((x) => x.subtype === r.subtype);
        if (s) {
          s.sessions += r.sessions;
          s.sessionsApprox ||= r.sessionsApprox ?? false;
          s.participants += r.participants;
          s.participantsApprox ||= r.participantsApprox;
        } else
          t.bySubtype.push({
            subtype: r.subtype,
            sessions: r.sessions,
            sessionsApprox: r.sessionsApprox ?? false,
            participants: r.participants,
            participantsApprox: r.participantsApprox,
          });
      }
      if (r.item && r.quantity > 0) {
        const it = t.byItem.find((x) => x.item === r.item);
        if (it) {
          it.quantity += r.quantity;
          it.approx ||= r.quantityApprox;
        } else t.byItem.push({ item: r.item, quantity: r.quantity, approx: r.quantityApprox });
      }
    }
    // Subtypes and items in catalog order, so drafts read the same way every time.
    const subtypeOrder = kind.subtypes.map((s) => s.name);
    t.bySubtype.sort((a, b) => subtypeOrder.indexOf(a.subtype) - subtypeOrder.indexOf(b.subtype));
    const itemOrder = kind.items.map((s) => s.name);
    t.byItem.sort((a, b) => itemOrder.indexOf(a.item) - itemOrder.indexOf(b.item));
    out.push(t);
  }
  return out;
}

/**
 * Adds up rows of the same (kind, subtype, item): a subtree's figures from its units' or months'
 * rows. The result is in key order, so the same records always read the same way.
 */
export function sumFigures(rows: Iterable<FigureRow>): FigureRow[] {
  const byKey = new Map<string, FigureRow>();
  for (const r of rows) {
    const key = `${r.kind}\u0000${r.subtype ?? ""}\u0000${r.item ?? ""}`;
    const t = byKey.get(key);
    if (!t) {
      byKey.set(key, {
        kind: r.kind,
        subtype: r.subtype,
        item: r.item,
        records: r.records,
        sessions: r.sessions,
        participants: r.participants,
        participantsApprox: r.participantsApprox,
        quantity: r.quantity,
        quantityApprox: r.quantityApprox,
        sessionsApprox: r.sessionsApprox ?? false,
      });
      continue;
    }
    t.sessionsApprox ||= r.sessionsApprox ?? false;
    t.records += r.records;
    t.sessions += r.sessions;
    t.participants += r.participants;
    t.participantsApprox ||= r.participantsApprox;
    t.quantity += r.quantity;
    t.quantityApprox ||= r.quantityApprox;
  }
  return [...byKey.entries()].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)).map(([, r]) => r);
}

export interface FigureStyle {
  /** Exact figures even when large or approximate (the draft's "精确" option). */
  exact?: boolean;
}

/**
 * A quantity the way the seeds write it, with no space (drafts put none between Chinese and
 * figures): 3000 → "3000", 6123 → "6100余", 20000 → "2万", 23500 → "2.3万余", 112000 → "11万余",
 * an approximate 260 → "260余". 余 only for an approximate figure or one rounded down here:
 * an exact small count stays exact.
 */
export function formatQuantity(n: number, approx: boolean, style: FigureStyle = {}): string {
  if (style.exact) return String(n);
  if (n >= 100_000) {
    const wan = Math.floor(n / 10_000);
    return wan * 10_000 === n && !approx ? `${wan}万` : `${wan}万余`;
  }
  if (n >= 10_000) {
    // One decimal of 万, as 1.2万余份; 20000 → 2万.
    const tenths = Math.floor(n / 1000);
    const wan = tenths % 10 === 0 ? String(tenths / 10) : (tenths / 10).toFixed(1);
    return tenths * 1000 === n && !approx ? `${wan}万` : `${wan}万余`;
  }
  if (n >= 1000) {
    const hundreds = Math.floor(n / 100) * 100;
    return hundreds === n && !approx ? String(n) : `${hundreds}余`;
  }
  return approx ? `${n}余` : String(n);
}

/** "12人次" or "200余人次": no space, as the drafts write figures. */
export function formatPeople(n: number, approx: boolean, style: FigureStyle = {}, unit = "人次"): string {
  return `${formatQuantity(n, approx, style)}${unit}`;
}

/** "3000份" / "6100余份" / "11万余份". */
export function formatAmount(n: number, approx: boolean, unit: string, style: FigureStyle = {}): string {
  return `${formatQuantity(n, approx, style)}${unit}`;
}

export function itemUnit(kind: Kind, item: string): string {
  return kind.items.find((i) => i.name === item)?.unit ?? "份";
}

export function itemVerb(kind: Kind, item: string): string {
  return kind.items.find((i) => i.name === item)?.verb ?? "发放";
}

/**
 * The measure word a subtype's events are counted in, as its draft phrase writes it (舆情研判 →
 * 次 in "开展舆情分析研判 {n} 次", 微信群发布 → 条, 简报 → 期); the kind's otherwise.
 */
export function subtypeUnit(kind: Kind, subtype: string | null | undefined): string {
  const phrase = subtype ? kind.subtypes.find((s) => s.name === subtype)?.phrase : undefined;
  const m = phrase ? /\{n\}\s*([^\s，。、；]+)/.exec(phrase) : null;
  return m ? m[1] : kind.countUnit;
}

/** Whether a kind's label is also one of its subtypes' names (舆情处置): then it cannot stand for the others. */
function labelIsSubtype(kind: Kind): boolean {
  return kind.subtypes.some((s) => s.name === kind.label);
}

/**
 * One kind's figures in a short clause, for confirmations and /stats (spaced, as those replies
 * are): "理论学习 7 次、参学 85 人次" · "宣传发放 2 次：发放宣传册 3000 份，悬挂横幅 12 条".
 * A kind whose label names one of its subtypes (舆情处置) is written per subtype instead, so a
 * 舆情研判 is never called 舆情处置: "舆情研判 2 次".
 */
export function kindClause(t: KindTotals, style: FigureStyle = { exact: true }): string {
  const k = t.kind;
  const spaced = (q: string, unit: string) => (/[余万]$/.test(q) ? `${q}${unit}` : `${q} ${unit}`);
  let s: string;
  if (labelIsSubtype(k) && t.bySubtype.length) {
    const parts = t.bySubtype.map((b) => `${b.subtype} ${b.sessions} ${subtypeUnit(k, b.subtype)}`);
    const rest = t.sessions - t.bySubtype.reduce((a, b) => a + b.sessions, 0);
    if (rest > 0) parts.push(`其他 ${rest} ${k.countUnit}`);
    s = parts.join("、");
  } else s = `${k.label} ${t.sessions} ${k.countUnit}`;
  if (t.participants > 0) s += `、${k.participantsLabel} ${spaced(formatQuantity(t.participants, t.participantsApprox, style), "人次")}`;
  if (t.byItem.length) {
    s +=
      "：" +
      t.byItem
        .map((i) => `${itemVerb(k, i.item)}${i.item} ${spaced(formatQuantity(i.quantity, i.approx, style), itemUnit(k, i.item))}`)
        .join("，");
  }
  return s;
}

/** What one record says, for its confirmation and the /list line. */
export function recordSummary(r: {
  kind: string;
  subtype: string | null;
  sessions: number;
  sessionsApprox?: boolean;
  participants: number | null;
  participantsApprox: boolean;
  quantity: number | null;
  quantityApprox: boolean;
  item: string | null;
  topic: string | null;
  title?: string | null;
}): string {
  const k = kindByCode(r.kind);
  const parts: string[] = [];
  const what = r.subtype ?? k.label;
  const name = r.title ? `「${r.title}」` : "";
  if (k.hasQuantity && r.item && r.quantity) {
    parts.push(`${name}${itemVerb(k, r.item)}${r.item} ${r.quantityApprox ? "约 " : ""}${r.quantity} ${itemUnit(k, r.item)}`);
  } else {
    parts.push(`${what}${name} ${r.sessions}${r.sessionsApprox ? " 余" : " "}${subtypeUnit(k, r.subtype)}`);
  }
  if (r.participants) parts.push(`${r.participantsApprox ? "约 " : ""}${r.participants} 人参加`);
  let s = parts.join("，");
  if (r.topic) s += `，主题「${r.topic}」`;
  return s;
}
