// Composes a report draft from the ledger's figures, in the register of the seed reports: the
// quarterly 分析研判 structure, or for a half year or a year the 责任制落实情况 structure. Every
// figure and name comes from the input (the ledger); problems and next steps come from the
// deployment's rules, judged once per unit and period (RuleResult), so that section one, section
// two, section three and /截止 are written from the same facts. A parent unit's own figures (本级)
// are kept apart from its subtree's; a period still running is never called missed. Figures are
// written without spaces (参学186人次, 6000余份). Pure: the loader (load.ts) does the queries.
import { kindByCode, KINDS, type Kind, type Area } from "../domain/catalog.js";
import { AREA_WORDING, AREA_ORDER } from "../domain/wording.js";
import {
  totalsByKind,
  formatPeople,
  formatAmount,
  itemUnit,
  itemVerb,
  subtypeUnit,
  type FigureRow,
  type KindTotals,
  type FigureStyle,
} from "../domain/figures.js";
import { periodLabel, periodWord, previousPeriodNoun, type Period, type PeriodType } from "../domain/periods.js";
import { perLabel, deadlineOf, type Rule, type Progress } from "../domain/requirements.js";
import { dayLabel } from "../time.js";
import { displaySafe, chinesePunctuation } from "../domain/text.js";
import type { Draft, DraftParagraph, DraftSection, DraftSubsection } from "./draft-types.js";

export interface RuleResult {
  rule: Rule;
  unit: string;
  /** The result is the draft's own unit's (not a unit below it). Unset: compared by name. */
  own?: boolean;
  period: Period;
  count: number;
  progress: Progress;
}

/** A recorded topic or activity name (see Ledger.draftNames). */
export interface DraftNameRow {
  own: boolean;
  kind: string;
  field: "topic" | "title";
  name: string;
  records: number;
}

export interface DraftInput {
  unit: string;
  period: Period;
  today: string;
  /** The whole subtree's rows of the period. */
  rows: FigureRow[];
  /** The unit's own rows (本级) when it has children; unset for a unit without children (= rows). */
  own?: FigureRow[];
  /** The previous period's rows (same units), for 较上季度增加1次; null when not compared. */
  previous: FigureRow[] | null;
  /** Direct children with their subtrees' rows (and their own officers), for a parent's roll-up; empty otherwise. */
  children: { name: string; rows: FigureRow[]; officers?: number }[];
  /** Every applicable rule's result for every unit covered, for its periods within the view. */
  rules: RuleResult[];
  style: FigureStyle;
  /** Recorded topics and activity names of the period, a few per kind. */
  names?: DraftNameRow[];
  /** Members with the officer role (宣传员) in the unit itself. */
  officers?: number;
  /** The unit's ledger start (its binding day), YYYY-MM-DD. */
  start?: string;
  /** The period's observations of the 意识形态领域 (/研判), for the 分析研判报告; unset for other drafts. */
  situations?: { unit: string; area: string | null; shows: string | null; measures: string | null; day: string }[];
}

/** Appends to a map of lists (in place: a city's thousands of results stay linear). */
function pushTo<K, V>(m: Map<K, V[]>, key: K, value: V): void {
  const list = m.get(key);
  if (list) list.push(value);
  else m.set(key, [value]);
}

const CN_NUM = ["一", "二", "三", "四", "五", "六", "七", "八", "九", "十"];
/** Names per sentence: the seeds list a handful, then 等. */
const MOST_NAMES = 3;

function running(input: DraftInput): boolean {
  return input.today >= input.period.start && input.today <= input.period.end;
}

/** How the period is named inside running text: 本季度, 上半年, 全年 (今年以来 while the year runs). */
function periodInText(p: Period, today?: string): string {
  const now = today !== undefined && today >= p.start && today <= p.end;
  if (p.type === "year") return now ? "今年以来" : "全年";
  return { month: "本月", quarter: "本季度", half: p.index === 1 ? "上半年" : "下半年" }[p.type];
}

/** The period after the view, in next steps: 下月, 下季度, 下半年 (after H1), 明年 (after H2 or a year). */
function nextPeriodNoun(p: Period): string {
  if (p.type === "month") return "下月";
  if (p.type === "quarter") return "下季度";
  if (p.type === "half" && p.index === 1) return "下半年";
  return "明年";
}

/** "，较上季度增加3次" / "，与上季度持平"; empty when there is nothing to compare. */
function comparison(now: number, before: number | undefined, unit: string, type: PeriodType): string {
  if (before === undefined || before === 0) return "";
  const noun = previousPeriodNoun(type);
  if (now === before) return `，与${noun}持平`;
  return now > before ? `，较${noun}增加${now - before}${unit}` : `，较${noun}减少${before - now}${unit}`;
}

/** The named subtypes' counts, plus an unnamed remainder ("" = records without a subtype). */
function subtypeCounts(t: KindTotals): { name: string; n: number; shown: string; people: number; approx: boolean }[] {
  const list = t.bySubtype.map((s) => ({
    name: s.subtype,
    n: s.sessions,
    shown: countText(s.sessions, s.sessionsApprox),
    people: s.participants,
    approx: s.participantsApprox,
  }));
  const rest = t.sessions - list.reduce((a, b) => a + b.n, 0);
  return rest > 0 && list.length ? [...list, { name: "", n: rest, shown: countText(rest, t.restApprox), people: 0, approx: false }] : list;
}

/** A count as typed: 20余 when an approximate count (20余次) went into it, else the number. */
function countText(n: number, approx?: boolean): string {
  return approx ? `${n}余` : String(n);
}

/** A recorded activity name in the seeds' quotes (“最美家庭故事分享会”), unless typed quoted or as a 《title》. */
function quoted(name: string): string {
  return /^[“"「『《]/.test(name) ? name : `“${name}”`;
}

/** What a sentence may carry besides the figures: recorded topics and names, the units it covers. */
export interface SentenceExtras {
  topics?: string[];
  titles?: string[];
  /** "深入全镇8个村（居）": where lectures went, from the units that recorded them. */
  coverage?: string;
}

/** A phrase from the catalog ("上报网评文章 {n} 篇") with the count in place and no spaces. */
function phrased(phrase: string, n: number | string): string {
  return phrase.replace(/\s*\{n\}\s*/, String(n));
}

/** The natural-language clause for one kind's figures, as in 召开意识形态工作专题会议1次. */
export function kindSentence(
  t: KindTotals,
  style: FigureStyle,
  prev?: KindTotals,
  periodType: PeriodType = "quarter",
  extras: SentenceExtras = {},
): string {
  const k = t.kind;
  const N = countText(t.sessions, t.sessionsApprox);
  const cmp = comparison(t.sessions, prev?.sessions, k.countUnit, periodType);
  const people = t.participants > 0 ? `，${k.participantsLabel}${formatPeople(t.participants, t.participantsApprox, style)}` : "";
  const subs = subtypeCounts(t);
  const named = subs.filter((s) => s.name);
  const topics = extras.topics?.length ? extras.topics.join("、") : "";
  const titles = extras.titles?.length ? extras.titles.map(quoted).join("") : "";
  const d = k.draft;
  const about = topics ? `围绕${topics}等${d.topicsNoun}，` : "";
  switch (d.form) {
    case "listed": {
      const list = named.length ? subs.map((s) => `${s.name || `其他${k.label}`}${s.shown}${k.countUnit}`).join("、") : "";
      const head = list ? `${d.verb}${list}` : wholeClause(k, N);
      const purpose = d.purpose
        ? `，${topics ? `围绕${topics}等${d.topicsNoun}` : ""}${d.purpose}`
        : topics
          ? `，围绕${topics}等${d.topicsNoun}`
          : "";
      return `${head}${cmp}${purpose}${people}`;
    }
    case "activities": {
      // Each named activity with its own reach when there are several: 观看红色电影2场（140人次）.
      const several = named.length > 1 || Boolean(titles);
      const unit = k.countUnit;
      const parts = named.map(
        (s) => `${s.name}${s.shown}${unit}${several && s.people > 0 ? `（${formatPeople(s.people, s.approx, style)}）` : ""}`,
      );
      const reach =
        t.participants > 0 ? `，${d.reach ?? k.participantsLabel}${formatPeople(t.participants, t.participantsApprox, style)}` : "";
      if (titles && !parts.length) return `${about}${d.verb}了${titles}等${k.label}${N}${unit}${cmp}${reach}`;
      if (titles) return `${about}${d.verb}了${titles}等${k.label}，以及${parts.join("、")}，共${N}${unit}${cmp}${reach}`;
      if (parts.length) return `${about}${d.verb}${parts.join("、")}等${k.label}，共${N}${unit}${cmp}${reach}`;
      return `${about}${d.verb}${k.label}${N}${unit}${cmp}${reach}`;
    }
    case "items": {
      // Group items by verb, keeping catalog order: 发放宣传单6000余份、宣传册3000余份，悬挂横幅12条.
      const groups: { verb: string; parts: string[] }[] = [];
      for (const i of t.byItem) {
        const verb = itemVerb(k, i.item);
        const part = `${i.item}${formatAmount(i.quantity, i.approx, itemUnit(k, i.item), style)}`;
        const g = groups.find((x) => x.verb === verb);
        if (g) g.parts.push(part);
        else groups.push({ verb, parts: [part] });
      }
      return about + groups.map((g) => `${g.verb}${g.parts.join("、")}`).join("，");
    }
    case "phrases":
    case "reports":
    case "notes": {
      // Each subtype in its own words and measure (网评文章 篇, 微信群发布 条, 简报 期, 舆情研判 次).
      const parts = subs.map((s) => {
        const sub = k.subtypes.find((x) => x.name === s.name);
        if (sub?.phrase) return phrased(sub.phrase, s.shown);
        if (s.name && d.form === "reports") return `${d.verb}${s.name}${s.shown}${subtypeUnit(k, s.name)}`;
        if (s.name) return `${s.name}${s.shown}${subtypeUnit(k, s.name)}`;
        return wholeClause(k, s.shown);
      });
      if (!named.length) return `${wholeClause(k, N)}${cmp}`;
      return parts.join("，") + cmp;
    }
    default: {
      // 围绕…等内容，开展理论学习5次，参学60人次，其中中心组学习2次; 开展“…”等宣讲3场.
      const among = named.length ? `，其中${named.map((s) => `${s.name}${s.shown}${k.countUnit}`).join("、")}` : "";
      const what = titles ? `${titles}等${k.label}` : k.label;
      return `${about}${extras.coverage ?? ""}${d.verb}${what}${N}${k.countUnit}${cmp}${people}${among}`;
    }
  }
}

/** N records of a kind as a whole, in words that claim no subtype: 发布信息3篇, 开展理论学习5次. */
export function wholeClause(k: Kind, n: number | string): string {
  return k.draft.whole ? phrased(k.draft.whole, n) : `${k.draft.verb}${k.label}${n}${k.countUnit}`;
}

/** Kinds whose records are reports sent or observations, not events: never counted as activity. */
const REPORT_KINDS = new Set(KINDS.filter((k) => k.draft.form === "reports" || k.draft.form === "notes").map((k) => k.code));

/** Whether a kind's figures are work done, said in the documents' account of the work. */
export function isWork(k: Kind): boolean {
  return k.draft.form !== "notes";
}

/** The kinds of an area, in catalog order. */
function kindsOf(area: Area): string[] {
  return KINDS.filter((k) => k.draft.area === area && isWork(k)).map((k) => k.code);
}

/** How a unit's scope is named: 金桥镇 → 全镇, 某街道 → 全街道, 某市 → 全市. */
function scopeOf(unit: string): string {
  for (const [end, word] of [
    ["街道", "全街道"],
    ["镇", "全镇"],
    ["乡", "全乡"],
    ["市", "全市"],
    ["区", "全区"],
    ["县", "全县"],
    ["社区", "全社区"],
    ["村", "全村"],
  ] as const)
    if (unit.endsWith(end)) return word;
  return "全辖区";
}

/** How a parent's own level is named, as the seeds write it: 镇党委, 街道党工委; otherwise 金桥社区本级. */
function ownLabelOf(unit: string): string {
  if (unit.endsWith("街道")) return "街道党工委";
  if (unit.endsWith("镇")) return "镇党委";
  if (unit.endsWith("乡")) return "乡党委";
  return `${unit}本级`;
}

/** What the children are called together: 村, 社区, 村（居）, 镇（街道）, or 下级单位. */
function childNounOf(names: string[]): string {
  const village = (n: string) => n.endsWith("村");
  const community = (n: string) => n.endsWith("社区") || n.endsWith("居委会");
  const town = (n: string) => n.endsWith("镇") || n.endsWith("乡");
  const street = (n: string) => n.endsWith("街道");
  if (!names.length) return "下级单位";
  if (names.every(village)) return "村";
  if (names.every(community)) return "社区";
  if (names.every((n) => village(n) || community(n))) return "村（居）";
  if (names.every(town)) return "镇";
  if (names.every((n) => town(n) || street(n))) return "镇（街道）";
  return "下级单位";
}

/** The facts section one is written from, per kind: the whole subtree, the unit's own, the units below. */
interface Facts {
  input: DraftInput;
  parent: boolean;
  all: KindTotals[];
  own: KindTotals[];
  below: KindTotals[];
  prev: KindTotals[] | null;
  ownLabel: string;
  scope: string;
  childNoun: string;
}

function factsOf(input: DraftInput): Facts {
  const parent = input.children.length > 0;
  const ownRows = input.own ?? input.rows;
  const belowRows = parent ? input.children.flatMap((c) => c.rows) : [];
  return {
    input,
    parent,
    all: totalsByKind(input.rows),
    own: totalsByKind(ownRows),
    below: totalsByKind(belowRows),
    prev: input.previous ? totalsByKind(input.previous) : null,
    ownLabel: ownLabelOf(input.unit),
    scope: scopeOf(input.unit),
    childNoun: childNounOf(input.children.map((c) => c.name)),
  };
}

/** The children that recorded a kind, named as a subject: 各村（居）, 金桥社区、浦东社区, 5个村（居）. */
function belowSubject(f: Facts, code: string): { text: string; count: number } {
  const did = f.input.children.filter((c) => c.rows.some((r) => r.kind === code));
  if (did.length === f.input.children.length && did.length > 1) return { text: `各${f.childNoun}`, count: did.length };
  if (did.length <= 3) return { text: did.map((c) => c.name).join("、"), count: did.length };
  return { text: `${did.length}个${f.childNoun}`, count: did.length };
}

function namesFor(input: DraftInput, code: string, field: "topic" | "title", own: boolean | null): string[] {
  const seen = new Set<string>();
  for (const n of input.names ?? []) {
    if (n.kind !== code || n.field !== field || (own !== null && n.own !== own)) continue;
    seen.add(displaySafe(n.name));
    if (seen.size >= MOST_NAMES) break;
  }
  return [...seen];
}

export function extrasFor(input: DraftInput, code: string, own: boolean | null): SentenceExtras {
  return { topics: namesFor(input, code, "topic", own), titles: namesFor(input, code, "title", own) };
}

/** One kind's statement: a unit's own figures, or for a parent its own and its subtree's, each named. */
function kindStatement(f: Facts, code: string): { who: string; text: string } | null {
  const { input } = f;
  const all = f.all.find((t) => t.kind.code === code);
  if (!all) return null;
  const prev = f.prev?.find((t) => t.kind.code === code);
  const type = input.period.type;
  if (!f.parent) return { who: "", text: kindSentence(all, input.style, prev, type, extrasFor(input, code, null)) };
  const own = f.own.find((t) => t.kind.code === code);
  const below = f.below.find((t) => t.kind.code === code);
  const who = belowSubject(f, code);
  // Lectures held by several units below: where they went, as 深入全镇8个村（居）.
  const coverage = all.kind.draft.coverage && who.count > 1 ? `深入${f.scope}${who.count}个${f.childNoun}` : undefined;
  if (!below) return { who: f.ownLabel, text: kindSentence(all, input.style, undefined, type, extrasFor(input, code, true)) };
  if (!own) {
    const extras = { ...extrasFor(input, code, false), coverage };
    return { who: coverage ? "" : who.text, text: kindSentence(all, input.style, prev, type, extras) };
  }
  if (all.kind.draft.ownApart) {
    return {
      who: f.ownLabel,
      text: `${kindSentence(own, input.style, undefined, type, extrasFor(input, code, true))}；${who.text}${kindSentence(below, input.style, undefined, type, extrasFor(input, code, false))}`,
    };
  }
  const total = kindSentence(all, input.style, prev, type, { ...extrasFor(input, code, null), coverage });
  if (all.kind.draft.form === "items") return { who: f.scope, text: `共${total}` };
  const unit = all.kind.countUnit;
  return {
    who: coverage ? "" : f.scope,
    text: `${total}（${f.ownLabel}${countText(own.sessions, own.sessionsApprox)}${unit}，${who.text}${countText(below.sessions, below.sessionsApprox)}${unit}）`,
  };
}

function isOwn(input: DraftInput, r: RuleResult): boolean {
  return r.own ?? r.unit === input.unit;
}

/** The report this draft is (a quarter's 分析研判报告, a year's 年度报告): never asked of itself. */
function isSelfReport(rule: Rule, view: Period): boolean {
  return rule.type === "report" && rule.per === view.type;
}

/** A rule period as the view names it: 本季度 for the view's own period, else 第二季度 / 5月. */
function periodShort(p: Period, view: Period, today?: string): string {
  if (p.type === view.type) return periodInText(view, today);
  return periodLabel(p).replace(`${view.year}年`, "");
}

/**
 * Section one's 报告 clause, from the rules' results (so that it agrees with section two and
 * /截止): the reports sent as a rule asks, and any other report records (a 责任书) from the rows.
 */
function reportStatement(f: Facts): string | null {
  const { input } = f;
  const parts: string[] = [];
  const judgedSubtypes = new Set(input.rules.filter((r) => r.rule.type === "report").flatMap((r) => r.rule.subtypes ?? []));
  const byRule = new Map<string, RuleResult[]>();
  for (const r of input.rules) if (r.rule.type === "report" && r.progress === "met") pushTo(byRule, r.rule.id, r);
  for (const results of byRule.values()) {
    const rule = results[0].rule;
    const mine = results.filter((r) => isOwn(input, r));
    const others = results.filter((r) => !isOwn(input, r));
    if (mine.length) {
      const when = mine.every((r) => r.period.type === input.period.type)
        ? ""
        : `${[...new Set(mine.map((r) => periodShort(r.period, input.period)))].join("、")}的`;
      parts.push(`${f.parent ? f.ownLabel : ""}按要求报送${when}${rule.name}`);
    }
    if (others.length) {
      const units = new Set(others.map((r) => r.unit)).size;
      parts.push(`${units}个${f.childNoun}按要求报送${rule.name}${others.length}份`);
    }
  }
  const report = f.all.find((t) => t.kind.draft.form === "reports");
  if (report) {
    const k = report.kind;
    for (const s of report.bySubtype) {
      if (judgedSubtypes.has(s.subtype) || rulesNamed(input).has(s.subtype)) continue;
      const sub = k.subtypes.find((x) => x.name === s.subtype);
      parts.push(
        sub?.phrase
          ? phrased(sub.phrase, s.sessions)
          : s.subtype.endsWith("报告")
            ? `报送${s.subtype}${s.sessions}份`
            : `${s.subtype}${s.sessions}次`,
      );
    }
  }
  return parts.length ? parts.join("，") : null;
}

/** Report subtypes some judged rule counts: written from that rule's results only. */
function rulesNamed(input: DraftInput): Set<string> {
  return new Set(input.rules.filter((r) => r.rule.type === "report").flatMap((r) => r.rule.subtypes ?? []));
}

/** 宣传员 from the members' roles, only as far as the ledger shows it: 各村（居）均配备宣传员1名. */
function staffing(f: Facts): string | null {
  const { input } = f;
  const parts: string[] = [];
  const mine = input.officers ?? 0;
  if (mine > 0) parts.push(`${f.parent ? f.ownLabel : ""}配备宣传员${mine}名`);
  if (f.parent) {
    const counts = input.children.map((c) => c.officers ?? 0);
    if (counts.length > 1 && counts.every((n) => n > 0)) {
      parts.push(counts.every((n) => n === counts[0]) ? `各${f.childNoun}均配备宣传员${counts[0]}名` : `各${f.childNoun}均配备了宣传员`);
    }
  }
  return parts.length ? parts.join("，") : null;
}

function groupText(f: Facts, area: Area): string | null {
  const kinds = kindsOf(area);
  // A subject said once for consecutive clauses of the same units: "某村开展理论学习…；开展宣讲…".
  const clauses: string[] = [];
  let last = "";
  for (const code of kinds) {
    const s = kindByCode(code).draft.form === "reports" ? { who: "", text: reportStatement(f) } : kindStatement(f, code);
    if (!s?.text) continue;
    clauses.push(s.who && s.who === last ? s.text : `${s.who}${s.text}`);
    last = s.who;
  }
  // Staffing is part of the leadership's responsibility, as the seeds say it.
  if (area === "duty") {
    const staff = staffing(f);
    if (staff) clauses.push(staff);
  }
  return clauses.length ? clauses.join("；") : null;
}

/** "金桥社区：理论学习5次（参学60人次），发放宣传册3000份" — each subtype and item in its own measure word. */
function childLine(name: string, rows: FigureRow[], style: FigureStyle): string {
  const totals = totalsByKind(rows).filter((t) => t.kind.draft.form !== "reports" && isWork(t.kind));
  if (!totals.length) return `${name}：暂无记录`;
  const parts = totals.map((t) => {
    const k = t.kind;
    if (k.hasQuantity && t.byItem.length) return kindSentence(t, style).replace(/，/g, "、");
    if (k.subtypes.some((s) => s.phrase) && t.bySubtype.length) {
      const subs = subtypeCounts(t).map((s) => (s.name ? `${s.name}${s.shown}${subtypeUnit(k, s.name)}` : wholeClause(k, s.shown)));
      return subs.join("、");
    }
    const people = t.participants > 0 ? `（${k.participantsLabel}${formatPeople(t.participants, t.participantsApprox, style)}）` : "";
    const n = countText(t.sessions, t.sessionsApprox);
    return `${k.draft.form === "phrases" ? wholeClause(k, n) : `${k.label}${n}${k.countUnit}`}${people}`;
  });
  return `${name}：${parts.join("，")}`;
}

/** Events recorded (sessions of every kind but report sending), to rank children. */
function activity(rows: FigureRow[]): number {
  return rows.filter((r) => !REPORT_KINDS.has(r.kind)).reduce((a, r) => a + r.sessions, 0);
}

function leaders(children: { name: string; rows: FigureRow[] }[]): string | null {
  const lines: string[] = [];
  for (const code of KINDS.filter((k) => k.draft.ranked).map((k) => k.code)) {
    const ranked = children
      .map((c) => ({ name: c.name, n: c.rows.filter((r) => r.kind === code).reduce((a, r) => a + r.sessions, 0) }))
      .filter((c) => c.n > 0)
      .sort((a, b) => b.n - a.n);
    if (ranked.length >= 2 && ranked[0].n > ranked[1].n) {
      const k = kindByCode(code);
      lines.push(`${ranked[0].name}${k.label}开展最多（${ranked[0].n}${k.countUnit}）`);
    }
  }
  return lines.length ? `其中，${lines.join("，")}。` : null;
}

/** A list of unit names short enough for a paragraph: a city's draft names eight, then counts. */
function unitList(units: string[], most = 8): string {
  return units.length <= most ? units.join("、") : `${units.slice(0, most).join("、")}等${units.length}个单位`;
}

/** What a requirement asks to be done: 召开意识形态工作专题会议、部署会、分析研判会或分析研判联席会议. */
function ruleWhat(rule: Rule): { verb: string; what: string } {
  const k = kindByCode(rule.kind);
  const verb = k.draft.verb;
  const subs = rule.subtypes ?? [];
  if (!subs.length) return { verb, what: k.label };
  if (subs.length === 1) return { verb, what: subs[0] };
  const short = subs.map((s, i) => (i === 0 ? s : s.replace(/^意识形态(工作|领域情况)/, "")));
  return { verb, what: `${short.slice(0, -1).join("、")}或${short[short.length - 1]}` };
}

/** Who a group of results is: the unit itself (unnamed in its own draft, 镇党委 in a parent's) or the units below. */
function whoOf(input: DraftInput, f: Facts, results: RuleResult[], today?: string): string {
  const periodsOf = new Map<string, string[]>();
  for (const r of results) {
    const name = isOwn(input, r) ? (f.parent ? f.ownLabel : "") : r.unit;
    pushTo(periodsOf, name, periodShort(r.period, input.period, today));
  }
  // Units that share the same periods are named together: "金桥社区、浦东社区5月、6月".
  const groups = new Map<string, string[]>();
  for (const [unit, periods] of periodsOf) {
    const when = [...new Set(periods)].join("、");
    pushTo(groups, when, unit);
  }
  return [...groups].map(([when, units]) => `${unitList(units.filter(Boolean))}${when}`).join("，");
}

const REQUIREMENT_ENDINGS = [
  (req: string) => `，未达到${req}的要求`,
  (req: string) => `，没有做到${req}`,
  (req: string) => `，与${req}的要求还有差距`,
];

function requirementText(rule: Rule): string {
  return `${perLabel(rule.per)}不少于${rule.min}${kindByCode(rule.kind).countUnit}`;
}

/** The problems the rules reveal: one sentence per rule missed in an ended period, naming whose. */
function problems(f: Facts): string[] {
  const { input } = f;
  const out: string[] = [];
  const missed = input.rules.filter((r) => r.progress === "missed" && !isSelfReport(r.rule, input.period));
  const byRule = new Map<string, RuleResult[]>();
  for (const r of missed) pushTo(byRule, r.rule.id, r);
  let n = 0;
  for (const results of byRule.values()) {
    const rule = results[0].rule;
    const who = whoOf(input, f, results);
    if (rule.type === "report") {
      out.push(`${who}的${rule.name}未按时报送，报告报送的及时性有待加强。`);
    } else {
      const { verb, what } = ruleWhat(rule);
      const k = kindByCode(rule.kind);
      const only = results.length === 1 && results[0].count > 0 ? `（仅${results[0].count}${k.countUnit}）` : "";
      out.push(`${who}未${verb}${what}${only}${REQUIREMENT_ENDINGS[n++ % REQUIREMENT_ENDINGS.length](requirementText(rule))}。`);
    }
  }
  // Declines against the previous period, for the kinds the seeds count: only once the period has ended.
  if (f.prev && !running(input)) {
    const fell: { label: string; by: string }[] = [];
    for (const p of f.prev) {
      if (!p.kind.draft.declineMatters) continue;
      const now = f.all.find((t) => t.kind.code === p.kind.code)?.sessions ?? 0;
      if (now < p.sessions) fell.push({ label: p.kind.label, by: now === 0 ? "" : `${p.sessions - now}${p.kind.countUnit}` });
    }
    const subject = f.parent ? f.scope : "";
    const none = fell.filter((x) => !x.by).map((x) => x.label);
    const fewer = fell.filter((x) => x.by);
    const parts: string[] = [];
    if (fewer.length === 1) parts.push(`${fewer[0].label}次数较${previousPeriodNoun(input.period.type)}减少${fewer[0].by}`);
    else if (fewer.length > 1)
      parts.push(
        `${fewer.map((x) => x.label).join("、")}次数较${previousPeriodNoun(input.period.type)}分别减少${fewer.map((x) => x.by).join("、")}`,
      );
    if (none.length) parts.push(`${none.join("、")}本期没有开展`);
    if (parts.length) out.push(`${subject}${parts.join("，")}，工作的连续性需要加强。`);
  }
  return out;
}

/** The labels of the kinds the seeds expect of every unit that the period's rows lack. */
function expectedMissing(input: DraftInput): string[] {
  const have = new Set(input.rows.map((r) => r.kind));
  return KINDS.filter((k) => k.draft.expected && !have.has(k.code)).map((k) => k.label);
}

/** When nothing was missed: what the ledger shows is thin, in the seeds' register, never a figure it lacks. */
function fallbackProblems(f: Facts): string[] {
  const { input } = f;
  const missing = expectedMissing(input);
  const out: string[] = [];
  const when = running(input) ? `${periodInText(input.period, input.today)}截至目前` : periodInText(input.period, input.today);
  if (missing.length)
    out.push(`${when}${f.parent ? `，${f.scope}` : ""}未开展${missing.join("、")}等工作，宣传阵地和文明实践载体的作用发挥还不够充分。`);
  out.push("对意识形态领域新情况、新问题的分析研判还不够深入，运用新媒体开展正面宣传、引导群众的本领有待进一步提高。");
  return out;
}

/** Next steps: what is still due in a running period and by when, what to put right, then the next period's rules. */
function nextSteps(f: Facts): string[] {
  const { input } = f;
  const out: string[] = [];
  const next = nextPeriodNoun(input.period);
  const relevant = input.rules.filter((r) => !isSelfReport(r.rule, input.period));
  // Still open (the period or its deadline has not passed): what is due, by when, and by whom.
  const open = new Map<string, RuleResult[]>();
  for (const r of relevant.filter((x) => x.progress === "open")) {
    const key = `${r.rule.id}\u0000${deadlineOf(r.rule, r.period)}`;
    pushTo(open, key, r);
  }
  // Grouped by who and by when: "在12月31日前开展理论学习，报送季度…报告、向上级报告…".
  const due = new Map<string, { acts: string[]; reports: string[] }>();
  for (const results of open.values()) {
    const rule = results[0].rule;
    const who = f.parent ? unitList([...new Set(results.map((r) => (isOwn(input, r) ? f.ownLabel : r.unit)))]) : "";
    const key = `${who}在${dayLabel(deadlineOf(rule, results[0].period))}前`;
    const d = due.get(key) ?? due.set(key, { acts: [], reports: [] }).get(key)!;
    if (rule.type === "report") d.reports.push(rule.name);
    else {
      const { verb, what } = ruleWhat(rule);
      d.acts.push(`${verb}${what}`);
    }
  }
  const dueText = [...due].map(
    ([key, d]) => `${key}${[...d.acts, ...(d.reports.length ? [`报送${d.reports.join("、")}`] : [])].join("，")}`,
  );
  if (dueText.length)
    out.push(`抓紧完成${periodInText(input.period, input.today)}尚未完成的工作，${dueText.join("；")}，确保按期达到要求。`);

  // Missed in an ended period: do it from the next period on.
  const missed = new Map<string, RuleResult[]>();
  for (const r of relevant.filter((x) => x.progress === "missed")) pushTo(missed, r.rule.id, r);
  let i = 0;
  for (const results of missed.values()) {
    const rule = results[0].rule;
    const units = [...new Set(results.filter((r) => !isOwn(input, r)).map((r) => r.unit))];
    const urge = units.length ? `，督促${unitList(units)}补齐短板` : "";
    if (rule.type === "report") {
      out.push(`严格落实报告制度，${next}按时报送${rule.name}${urge}。`);
      continue;
    }
    const { verb, what } = ruleWhat(rule);
    const every = rule.per !== input.period.type ? perLabel(rule.per) : "";
    out.push(
      i++ % 2 === 0
        ? `对照${requirementText(rule)}的要求，${next}${every}按时${verb}${what}${urge}，确保不漏项、不断档。`
        : `确保${next}${every}${verb}${what}不少于${rule.min}${kindByCode(rule.kind).countUnit}${urge}，做到按期落实、有据可查。`,
    );
  }
  // The rules that bind every period, as the plan for the next one.
  const seen = new Set([...missed.keys(), ...[...open.values()].map((r) => r[0].rule.id)]);
  const ongoing = [...new Map(relevant.map((r) => [r.rule.id, r.rule])).values()].filter((r) => !seen.has(r.id));
  const plans = ongoing
    .filter((r) => r.type === "requirement")
    .map((r) => {
      const { verb, what } = ruleWhat(r);
      return `${perLabel(r.per)}${verb}${what}不少于${r.min}${kindByCode(r.kind).countUnit}`;
    });
  if (plans.length) out.push(`保持已有工作节奏，${next}继续做到${plans.join("、")}，把各项制度要求落实到位。`);
  const reports = ongoing.filter((r) => r.type === "report").map((r) => r.name);
  if (reports.length) out.push(`按时报送${reports.join("、")}，及时向上级反映意识形态工作情况。`);
  // Kinds with nothing recorded that the seeds expect of every unit.
  const missing = expectedMissing(input);
  if (missing.length) out.push(`拓展${missing.join("、")}等工作载体，用好新时代文明实践站、微信公众号等阵地，扩大正面宣传覆盖面。`);
  return out;
}

function paragraphsOf(lines: string[], numbered: "arabic" | "yiyao"): DraftParagraph[] {
  return lines.map((text, i) => {
    if (numbered === "arabic") return { text: `${i + 1}.${text}` };
    return { lead: `${CN_NUM[i] ?? i + 1}要`, text };
  });
}

function preface(input: DraftInput, structure: "analysis" | "responsibility"): DraftParagraph {
  const when = periodLabel(input.period);
  if (structure === "analysis") {
    return {
      text: `${when}，${input.unit}坚持以习近平新时代中国特色社会主义思想为指导，认真落实意识形态工作责任制，对照台账梳理${periodInText(input.period, input.today)}各项工作。现将意识形态工作开展情况及分析研判报告如下。`,
    };
  }
  return {
    text: `${when}，${input.unit}坚持以习近平新时代中国特色社会主义思想为指导，认真履行意识形态工作主体责任，抓学习、强阵地、重引导。根据工作台账，现将落实意识形态工作责任制情况报告如下。`,
  };
}

/**
 * The names a draft prints come from the ledger (and so, once, from a chat): shown without the
 * control, invisible and direction-changing characters a name could carry (a right-to-left
 * override would turn the rest of the title around), the same way wherever they appear.
 */
function safeNames(input: DraftInput): DraftInput {
  return {
    ...input,
    unit: displaySafe(input.unit),
    children: input.children.map((c) => ({ ...c, name: displaySafe(c.name) })),
    rules: input.rules.map((r) => ({ ...r, own: r.own ?? r.unit === input.unit, unit: displaySafe(r.unit) })),
  };
}

/** The whole draft; null when the period has no records (the caller says so plainly). */
export function composeDraft(unsafe: DraftInput): Draft | null {
  const input = safeNames(unsafe);
  const f = factsOf(input);
  if (f.all.length === 0) return null;
  const structure = input.period.type === "quarter" || input.period.type === "month" ? "analysis" : "responsibility";
  const when = periodLabel(input.period);
  const inText = periodInText(input.period, input.today);
  const sections: DraftSection[] = [];
  const rollup: DraftParagraph[] = [];
  if (input.children.length) {
    // A town lists every village; a city lists its ten most active towns and counts the rest.
    const MOST = 12;
    const shown =
      input.children.length <= MOST ? input.children : [...input.children].sort((a, b) => activity(b.rows) - activity(a.rows)).slice(0, 10);
    const rest = input.children.length - shown.length;
    const tail = rest > 0 ? `；另有${rest}个单位（从略）` : "";
    rollup.push({ lead: "分单位情况。", text: shown.map((c) => childLine(c.name, c.rows, input.style)).join("；") + tail + "。" });
    const lead = leaders(input.children);
    if (lead) rollup.push({ text: lead });
  }

  if (structure === "analysis") {
    const paras: DraftParagraph[] = [];
    for (const area of AREA_ORDER.report) {
      const t = groupText(f, area);
      if (t) paras.push({ lead: `${AREA_WORDING[area].lead}，`, text: `${inText}${t}。` });
    }
    sections.push({ heading: "一、意识形态工作开展情况", paragraphs: [...paras, ...rollup], subsections: [] });
  } else {
    const subs: DraftSubsection[] = [];
    for (const area of AREA_ORDER.report) {
      const t = groupText(f, area);
      if (t) subs.push({ heading: `（${CN_NUM[subs.length]}）${AREA_WORDING[area].report}`, paragraphs: [{ text: `${inText}，${t}。` }] });
    }
    if (rollup.length) subs.push({ heading: `（${CN_NUM[subs.length]}）统筹指导下级单位`, paragraphs: rollup });
    sections.push({ heading: "一、主要做法及成效", paragraphs: [], subsections: subs });
  }

  if (structure === "analysis" && input.situations) sections.push(risksSection(input));
  const issues = problems(f);
  const n = sections.length;
  sections.push({
    heading: structure === "analysis" ? `${CN_NUM[n]}、存在的问题` : "二、存在问题",
    paragraphs: paragraphsOf(issues.length ? issues : fallbackProblems(f), "arabic"),
    subsections: [],
  });
  sections.push({
    heading: `${CN_NUM[n + 1]}、下一步打算`,
    paragraphs: paragraphsOf(nextSteps(f), "yiyao"),
    subsections: [],
  });

  const kindWord = structure === "analysis" ? "意识形态工作分析研判报告" : "落实意识形态工作责任制情况的报告";
  const title = structure === "analysis" ? `${input.unit}${when}${kindWord}` : `关于${input.unit}${when}${kindWord}`;
  const stem = `${input.unit}-${periodWord(input.period)}-${structure === "analysis" ? "分析研判报告" : "责任制落实情况报告"}`;
  return {
    title,
    signature: input.unit,
    date: dayLabel(input.today, true),
    preface: [preface(input, structure)],
    sections,
    fileStem: stem,
  };
}

/**
 * 存在的风险和隐患 (seed 002), area by area, from what the units observed and recorded: each
 * observation's 主要表现 and the measures taken, with whose it is. Says so when none were recorded.
 */
function risksSection(input: DraftInput): DraftSection {
  const notes = (input.situations ?? []).filter((o) => o.shows || o.measures);
  const heading = "二、存在的风险和隐患";
  const when = periodInText(input.period, input.today);
  if (!notes.length) {
    return { heading, paragraphs: [{ text: `${when}未登记意识形态领域风险隐患的具体研判情况。` }], subsections: [] };
  }
  const byArea = new Map<string, typeof notes>();
  for (const o of notes) pushTo(byArea, o.area ?? "其他方面", o);
  const subsections: DraftSubsection[] = [...byArea.entries()].map(([area, list], i) => ({
    heading: `（${CN_NUM[i]}）${area}${area.endsWith("方面") ? "" : "方面"}`,
    paragraphs: list.map((o) => {
      const whose = o.unit !== input.unit ? `${displaySafe(o.unit)}：` : "";
      const said = (t: string) => chinesePunctuation(displaySafe(t)).replace(/[。；;]+$/, "");
      const shows = o.shows ? `主要表现为${said(o.shows)}。` : "";
      const measures = o.measures ? `采取的措施：${said(o.measures)}。` : "";
      return { text: `${whose}${shows}${measures}` };
    }),
  }));
  return { heading, paragraphs: [], subsections };
}

/** The draft as chat text: title, preface, numbered headings, paragraphs. */
export function draftToText(d: Draft): string {
  const lines: string[] = [d.title, ""];
  const para = (p: DraftParagraph) => `　　${p.lead ?? ""}${p.text}`;
  lines.push(...d.preface.map(para));
  for (const s of d.sections) {
    lines.push(s.heading, ...s.paragraphs.map(para));
    for (const sub of s.subsections) lines.push(`　　${sub.heading}`, ...sub.paragraphs.map(para));
  }
  lines.push("", `${d.signature}`, d.date);
  return lines.join("\n");
}
