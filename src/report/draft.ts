// Composes a report draft from the ledger's figures, in the register of the seed reports: the
// quarterly 分析研判 structure, or for a half year or a year the 责任制落实情况 structure. Every
// figure comes from the rows passed in; problems and next steps come from the deployment's rules
// and the shortfalls. Pure: the loader (load.ts) does the queries.
import { kindByCode } from "../domain/catalog.js";
import {
  totalsByKind,
  formatPeople,
  formatAmount,
  itemUnit,
  itemVerb,
  type FigureRow,
  type KindTotals,
  type FigureStyle,
} from "../domain/figures.js";
import { periodLabel, periodWord, previousPeriodNoun, type Period, type PeriodType } from "../domain/periods.js";
import { perLabel, type Rule, type Progress } from "../domain/requirements.js";
import { dayLabel } from "../time.js";
import { displaySafe } from "../domain/text.js";
import type { Draft, DraftParagraph, DraftSection, DraftSubsection } from "./draft-types.js";

export interface RuleResult {
  rule: Rule;
  unit: string;
  period: Period;
  count: number;
  progress: Progress;
}

export interface DraftInput {
  unit: string;
  period: Period;
  today: string;
  rows: FigureRow[];
  /** The previous period's rows (same units), for 较上季度增加 N 次; null when not compared. */
  previous: FigureRow[] | null;
  /** Direct children with their subtrees' rows, for a parent unit's roll-up; empty otherwise. */
  children: { name: string; rows: FigureRow[] }[];
  /** Every applicable rule's result for every unit covered, for its periods within the view. */
  rules: RuleResult[];
  style: FigureStyle;
}

const CN_NUM = ["一", "二", "三", "四", "五", "六", "七", "八", "九", "十"];

/** How the period is named inside running text: 本季度, 上半年, 2026年. */
function periodInText(p: Period): string {
  return { month: "本月", quarter: "本季度", half: p.index === 1 ? "上半年" : "下半年", year: "全年" }[p.type];
}

function nextPeriodNoun(type: PeriodType): string {
  return { month: "下月", quarter: "下季度", half: "下半年", year: "明年" }[type];
}

/** "较上季度增加 3 次" / "与上季度持平"; empty when there is nothing to compare. */
function comparison(now: number, before: number | undefined, unit: string, type: PeriodType): string {
  if (before === undefined || before === 0) return "";
  const noun = previousPeriodNoun(type);
  if (now === before) return `，与${noun}持平`;
  return now > before ? `，较${noun}增加 ${now - before} ${unit}` : `，较${noun}减少 ${before - now} ${unit}`;
}

/** The named subtypes' counts, plus an unnamed remainder ("" = records without a subtype). */
function subtypeCounts(t: KindTotals): { name: string; n: number }[] {
  const list = t.bySubtype.map((s) => ({ name: s.subtype, n: s.sessions }));
  const rest = t.sessions - list.reduce((a, b) => a + b.n, 0);
  return rest > 0 && list.length ? [...list, { name: "", n: rest }] : list;
}

/** The natural-language clause for one kind's figures, as in 召开意识形态工作专题会议 1 次. */
export function kindSentence(t: KindTotals, style: FigureStyle, prev?: KindTotals, periodType: PeriodType = "quarter"): string {
  const k = t.kind;
  const cmp = comparison(t.sessions, prev?.sessions, k.countUnit, periodType);
  const people = t.participants > 0 ? `，${k.participantsLabel} ${formatPeople(t.participants, t.participantsApprox, style)}` : "";
  const subs = subtypeCounts(t);
  const named = subs.filter((s) => s.name);
  switch (k.code) {
    case "meeting": {
      const list = named.length ? subs.map((s) => `${s.name || "其他会议"} ${s.n} 次`).join("、") : `意识形态工作相关会议 ${t.sessions} 次`;
      return `召开${list}${cmp}，研究部署意识形态工作${people}`;
    }
    case "study": {
      const among = named.length ? `，其中${named.map((s) => `${s.name} ${s.n} 次`).join("、")}` : "";
      return `开展理论学习 ${t.sessions} 次${cmp}${people}${among}`;
    }
    case "lecture": {
      const among = named.length ? `，其中${named.map((s) => `${s.name} ${s.n} 场`).join("、")}` : "";
      return `开展宣讲 ${t.sessions} 场${cmp}${people}${among}`;
    }
    case "activity": {
      const what = named.length ? `${named.map((s) => `${s.name} ${s.n} 场`).join("、")}等主题活动` : "主题活动";
      const total = named.length ? `共 ${t.sessions} 场` : `${t.sessions} 场`;
      const reach = t.participants > 0 ? `，惠及群众 ${formatPeople(t.participants, t.participantsApprox, style)}` : "";
      return `开展${what}${named.length ? "，" : " "}${total}${cmp}${reach}`;
    }
    case "distribution": {
      // Group items by verb, keeping catalog order: 发放宣传单 6000 余份、宣传册 3000 余份，悬挂横幅 12 条.
      const groups: { verb: string; parts: string[] }[] = [];
      for (const i of t.byItem) {
        const verb = itemVerb(k, i.item);
        const part = `${i.item} ${formatAmount(i.quantity, i.approx, itemUnit(k, i.item), style)}`;
        const g = groups.find((x) => x.verb === verb);
        if (g) g.parts.push(part);
        else groups.push({ verb, parts: [part] });
      }
      return groups.map((g) => `${g.verb}${g.parts.join("、")}`).join("，");
    }
    default: {
      const parts = subs.map((s) => {
        const sub = k.subtypes.find((x) => x.name === s.name);
        if (sub?.phrase) return sub.phrase.replace("{n}", String(s.n));
        return `${s.name || k.label} ${s.n} ${k.countUnit}`;
      });
      if (!named.length) return `${k.label} ${t.sessions} ${k.countUnit}${cmp}`;
      return parts.join("，") + cmp;
    }
  }
}

/** Which kinds feed which part of the seeds' structure. */
const GROUPS: { heading: string; kinds: string[]; lead: string }[] = [
  { heading: "加强组织领导，压实主体责任", kinds: ["meeting", "report"], lead: "责任落实方面" },
  { heading: "加强理论武装，筑牢思想根基", kinds: ["study", "lecture"], lead: "理论武装方面" },
  { heading: "加强舆论引导，守好宣传阵地", kinds: ["distribution", "publication", "opinion"], lead: "宣传阵地方面" },
  { heading: "深化文明实践，丰富群众文化生活", kinds: ["activity"], lead: "文明实践方面" },
];

function reportSentence(t: KindTotals): string {
  return `按要求报送${t.bySubtype.map((s) => s.subtype).join("、") || "工作报告"}`;
}

function groupText(kinds: string[], totals: KindTotals[], prevTotals: KindTotals[] | null, input: DraftInput): string | null {
  const clauses = kinds
    .map((code) => totals.find((t) => t.kind.code === code))
    .filter((t): t is KindTotals => Boolean(t))
    .map((t) =>
      t.kind.code === "report"
        ? reportSentence(t)
        : kindSentence(
            t,
            input.style,
            prevTotals?.find((p) => p.kind.code === t.kind.code),
            input.period.type,
          ),
    );
  return clauses.length ? clauses.join("；") : null;
}

/** "金桥社区：理论学习 5 次、参学 60 人次，宣传发放 3000 份" — one child per line. */
function childLine(name: string, rows: FigureRow[], style: FigureStyle): string {
  const totals = totalsByKind(rows).filter((t) => t.kind.code !== "report");
  if (!totals.length) return `${name}：暂无记录`;
  const parts = totals.map((t) => {
    if (t.kind.hasQuantity) {
      const q = t.byItem.reduce((a, b) => a + b.quantity, 0);
      const approx = t.byItem.some((b) => b.approx);
      return `${t.kind.label} ${formatAmount(q, approx, "份", style)}`.replace(/\s+份$/, " 份");
    }
    const people = t.participants > 0 ? `（${t.kind.participantsLabel} ${formatPeople(t.participants, t.participantsApprox, style)}）` : "";
    return `${t.kind.label} ${t.sessions} ${t.kind.countUnit}${people}`;
  });
  return `${name}：${parts.join("，")}`;
}

/** Events recorded (sessions of every kind but report sending), to rank children. */
function activity(rows: FigureRow[]): number {
  return rows.filter((r) => r.kind !== "report").reduce((a, r) => a + r.sessions, 0);
}

function leaders(children: { name: string; rows: FigureRow[] }[]): string | null {
  const lines: string[] = [];
  for (const code of ["study", "lecture", "activity"]) {
    const ranked = children
      .map((c) => ({ name: c.name, n: c.rows.filter((r) => r.kind === code).reduce((a, r) => a + r.sessions, 0) }))
      .filter((c) => c.n > 0)
      .sort((a, b) => b.n - a.n);
    if (ranked.length >= 2 && ranked[0].n > ranked[1].n) {
      const k = kindByCode(code);
      lines.push(`${ranked[0].name}${k.label}开展最多（${ranked[0].n} ${k.countUnit}）`);
    }
  }
  return lines.length ? `其中，${lines.join("，")}。` : null;
}

function periodShort(p: Period, view: Period): string {
  if (p.type === view.type) return periodInText(view);
  return periodLabel(p).replace(`${view.year}年`, "");
}

/** A list of unit names short enough for a paragraph: a city's draft names eight, then counts. */
function unitList(units: string[], most = 8): string {
  return units.length <= most ? units.join("、") : `${units.slice(0, most).join("、")}等 ${units.length} 个单位`;
}

/** The problems the rules reveal: one sentence per unmet rule (per unit for a roll-up). */
function problems(input: DraftInput): string[] {
  const out: string[] = [];
  const unmet = input.rules.filter((r) => r.progress === "missed" || (r.progress === "open" && r.rule.type === "requirement"));
  // Group by rule so a town's draft reads "金桥社区、浦东社区…未…" instead of one line per unit.
  const byRule = new Map<string, RuleResult[]>();
  for (const r of unmet) byRule.set(r.rule.id, [...(byRule.get(r.rule.id) ?? []), r]);
  for (const results of byRule.values()) {
    const rule = results[0].rule;
    const k = kindByCode(rule.kind);
    const what = rule.subtypes?.length ? rule.subtypes.join("或") : k.label;
    // Units that missed the same periods are named together: "金桥社区、浦东社区5月、6月".
    const periodsOf = new Map<string, string[]>();
    for (const r of results) periodsOf.set(r.unit, [...(periodsOf.get(r.unit) ?? []), periodShort(r.period, input.period)]);
    const groups = new Map<string, string[]>();
    for (const [unit, periods] of periodsOf) {
      const when = periods.join("、");
      groups.set(when, [...(groups.get(when) ?? []), unit]);
    }
    const who = [...groups]
      .map(([when, units]) => `${units.length === 1 && units[0] === input.unit ? "" : unitList(units)}${when}`)
      .join("，");
    if (rule.type === "report") {
      out.push(`${who}的${rule.name}未按时报送，报告报送的及时性有待加强。`);
    } else {
      const still = results.every((r) => r.progress === "open") ? "截至目前尚未" : "未";
      const verb = k.code === "meeting" ? "召开" : "开展";
      const progress = results.length === 1 && results[0].count > 0 ? `（仅 ${results[0].count} ${k.countUnit}）` : "";
      out.push(`${who}${still}${verb}${what}${progress}，未达到${perLabel(rule.per)}不少于 ${rule.min} ${k.countUnit}的要求。`);
    }
  }
  // Declines against the previous period, for the kinds the seeds count.
  if (input.previous) {
    const now = totalsByKind(input.rows);
    for (const p of totalsByKind(input.previous)) {
      if (!["study", "lecture", "activity", "meeting"].includes(p.kind.code)) continue;
      const n = now.find((t) => t.kind.code === p.kind.code)?.sessions ?? 0;
      if (n < p.sessions)
        out.push(
          `${p.kind.label}${n === 0 ? "本期没有开展" : `次数较${previousPeriodNoun(input.period.type)}减少 ${p.sessions - n} ${p.kind.countUnit}`}，工作的连续性需要加强。`,
        );
    }
  }
  return out;
}

/** Next steps: what to put right first, then what the rules ask of the next period. */
function nextSteps(input: DraftInput): string[] {
  const out: string[] = [];
  const next = nextPeriodNoun(input.period.type);
  const unmet = new Map<string, RuleResult[]>();
  for (const r of input.rules.filter((x) => x.progress === "missed" || (x.progress === "open" && x.rule.type === "requirement"))) {
    unmet.set(r.rule.id, [...(unmet.get(r.rule.id) ?? []), r]);
  }
  for (const results of unmet.values()) {
    const rule = results[0].rule;
    const k = kindByCode(rule.kind);
    const what = rule.subtypes?.length ? rule.subtypes.join("或") : k.label;
    const units = [...new Set(results.map((r) => r.unit))].filter((u) => u !== input.unit);
    const urge = units.length ? `，督促${unitList(units)}补齐短板` : "";
    const verb = k.code === "meeting" ? "召开" : "开展";
    // Still open: do it before this period's deadline; already missed: do it from the next period on.
    const when = results.every((r) => r.progress === "open") ? `在${dayLabel(results[0].period.end)}前抓紧${verb}` : `${next}按时${verb}`;
    if (rule.type === "report") out.push(`严格落实报告制度，按时报送${rule.name}${urge}。`);
    else out.push(`对照${perLabel(rule.per)}不少于 ${rule.min} ${k.countUnit}的要求，${when}${what}${urge}，确保不漏项、不断档。`);
  }
  // The rules that bind every period, as the plan for the next one.
  const seen = new Set(unmet.keys());
  const ongoing = [...new Map(input.rules.map((r) => [r.rule.id, r.rule])).values()].filter((r) => !seen.has(r.id));
  const plans = ongoing
    .filter((r) => r.type === "requirement")
    .map((r) => {
      const k = kindByCode(r.kind);
      const what = r.subtypes?.length ? r.subtypes.join("或") : k.label;
      return `${perLabel(r.per)}${k.code === "meeting" ? "召开" : "开展"}${what}不少于 ${r.min} ${k.countUnit}`;
    });
  if (plans.length) out.push(`保持已有工作节奏，继续做到${plans.join("、")}，把各项制度要求落实到位。`);
  const reports = ongoing.filter((r) => r.type === "report").map((r) => r.name);
  if (reports.length) out.push(`按时报送${reports.join("、")}，及时向上级反映意识形态工作情况。`);
  // Kinds with nothing recorded that the seeds expect of every unit.
  const have = new Set(input.rows.map((r) => r.kind));
  const missing = ["lecture", "publication"].filter((c) => !have.has(c)).map((c) => kindByCode(c).label);
  if (missing.length) out.push(`拓展${missing.join("、")}等工作载体，用好新时代文明实践站、微信公众号等阵地，扩大正面宣传覆盖面。`);
  return out;
}

function paragraphsOf(lines: string[], numbered: "arabic" | "yiyao"): DraftParagraph[] {
  return lines.map((text, i) => {
    if (numbered === "arabic") return { text: `${i + 1}.${text}` };
    return { lead: `${["一", "二", "三", "四", "五", "六", "七", "八", "九", "十"][i] ?? i + 1}要`, text };
  });
}

function preface(input: DraftInput, structure: "analysis" | "responsibility"): DraftParagraph {
  const when = periodLabel(input.period);
  if (structure === "analysis") {
    return {
      text: `${when}，${input.unit}坚持以习近平新时代中国特色社会主义思想为指导，认真落实意识形态工作责任制，对照台账梳理本季度各项工作。现将意识形态工作开展情况及分析研判报告如下。`,
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
    rules: input.rules.map((r) => ({ ...r, unit: displaySafe(r.unit) })),
  };
}

/** The whole draft; null when the period has no records (the caller says so plainly). */
export function composeDraft(unsafe: DraftInput): Draft | null {
  const input = safeNames(unsafe);
  const totals = totalsByKind(input.rows);
  if (totals.length === 0) return null;
  const prevTotals = input.previous ? totalsByKind(input.previous) : null;
  const structure = input.period.type === "quarter" || input.period.type === "month" ? "analysis" : "responsibility";
  const when = periodLabel(input.period);
  const sections: DraftSection[] = [];
  const rollup: DraftParagraph[] = [];
  if (input.children.length) {
    // A town lists every village; a city lists its ten most active towns and counts the rest.
    const MOST = 12;
    const shown =
      input.children.length <= MOST ? input.children : [...input.children].sort((a, b) => activity(b.rows) - activity(a.rows)).slice(0, 10);
    const rest = input.children.length - shown.length;
    const tail = rest > 0 ? `；另有 ${rest} 个单位（从略）` : "";
    rollup.push({ lead: "分单位情况。", text: shown.map((c) => childLine(c.name, c.rows, input.style)).join("；") + tail + "。" });
    const lead = leaders(input.children);
    if (lead) rollup.push({ text: lead });
  }

  if (structure === "analysis") {
    const paras: DraftParagraph[] = [];
    for (const g of GROUPS) {
      const t = groupText(g.kinds, totals, prevTotals, input);
      if (t) paras.push({ lead: `${g.lead}，`, text: `${periodInText(input.period)}${t}。` });
    }
    sections.push({ heading: "一、意识形态工作开展情况", paragraphs: [...paras, ...rollup], subsections: [] });
  } else {
    const subs: DraftSubsection[] = [];
    for (const g of GROUPS) {
      const t = groupText(g.kinds, totals, prevTotals, input);
      if (t)
        subs.push({ heading: `（${CN_NUM[subs.length]}）${g.heading}`, paragraphs: [{ text: `${periodInText(input.period)}，${t}。` }] });
    }
    if (rollup.length) subs.push({ heading: `（${CN_NUM[subs.length]}）统筹指导下级单位`, paragraphs: rollup });
    sections.push({ heading: "一、主要做法及成效", paragraphs: [], subsections: subs });
  }

  const issues = problems(input);
  sections.push({
    heading: structure === "analysis" ? "二、存在的问题" : "二、存在问题",
    paragraphs: issues.length
      ? paragraphsOf(issues, "arabic")
      : [
          {
            text: `对照台账，${periodInText(input.period)}各项考核要求均已按期完成。但工作记录以次数、人数为主，对学习和宣传效果的跟踪评估还不够，基层宣传阵地的作用有待进一步发挥。`,
          },
        ],
    subsections: [],
  });
  sections.push({
    heading: "三、下一步打算",
    paragraphs: paragraphsOf(nextSteps(input), "yiyao"),
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
