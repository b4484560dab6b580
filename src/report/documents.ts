// The year's other documents of the seeds, composed from the same ledger input as the drafts
// (load.ts): the secretary's 述职报告 (first person: 履职情况, 特色亮点, 存在的主要问题及原因,
// 下一步工作思路), the 工作总结及下一年工作计划, and the next year's 工作要点 (seed 000's
// numbered tasks). Every figure and name comes from the input; shortfalls only from periods that
// have ended; the plans from the deployment's rules, with this year's figures as baselines.
// Pure: no store, no clock (today is in the input).
import { totalsByKind, formatPeople, formatAmount, itemUnit, itemVerb, type KindTotals, type FigureStyle } from "../domain/figures.js";
import { makePeriod, periodLabel, type Period, type PeriodType } from "../domain/periods.js";
import { kindByCode, KINDS, type Area } from "../domain/catalog.js";
import { AREA_WORDING, AREA_ORDER } from "../domain/wording.js";
import { perLabel, deadlineOf } from "../domain/requirements.js";
import { dayLabel } from "../time.js";
import { displaySafe } from "../domain/text.js";
import { kindSentence, extrasFor, isWork, type DraftInput, type RuleResult } from "./draft.js";
import type { Draft, DraftParagraph, DraftSection, DraftSubsection } from "./draft-types.js";

/** The document types asked for by their own word (/报告 述职, /报告 总结, /报告 要点). */
export type DocumentType = "duty" | "summary" | "plan";

export const DOCUMENT_NAMES: Record<DocumentType, string> = {
  duty: "述职报告",
  summary: "工作总结及下一年工作计划",
  plan: "工作要点",
};

const CN = ["一", "二", "三", "四", "五", "六", "七", "八", "九", "十", "十一", "十二", "十三", "十四", "十五"];

/** The shortfalls of periods that have ended, each with whose it is: "第二季度（永业村）未召开…". */
function shortfalls(input: DraftInput): string[] {
  const ended = input.rules.filter((r) => r.progress === "missed" && r.period.end < input.today);
  const byRule = new Map<string, RuleResult[]>();
  for (const r of ended) {
    const key = r.rule.id;
    const list = byRule.get(key);
    if (list) list.push(r);
    else byRule.set(key, [r]);
  }
  const out: string[] = [];
  for (const list of byRule.values()) {
    const rule = list[0].rule;
    const units = [...new Set(list.map((r) => r.unit))];
    const whose =
      units.length === 1 && units[0] === input.unit
        ? `本单位`
        : units.slice(0, 6).join("、") + (units.length > 6 ? `等${units.length}个单位` : "");
    const periods = [...new Set(list.map((r) => periodShort(r.period)))];
    const what =
      rule.type === "report"
        ? `未按时报送${rule.name}`
        : `${rule.name}未达到${perLabel(rule.per)}不少于${rule.min}${kindByCode(rule.kind).countUnit}的要求`;
    out.push(`${whose}${periods.slice(0, 4).join("、")}${periods.length > 4 ? "等" : ""}${what}`);
  }
  return out;
}

/** 3月, 第二季度, 上半年 within its year; a year stays 2026年. */
function periodShort(p: Period): string {
  return periodLabel(p).replace(/^\d{4}年(?=.)/, "");
}

/** The rules as next year's tasks, each with its kind: "每季度专题研究意识形态工作不少于1次（2026年本单位3次）". */
function ruleTasks(input: DraftInput, nextYear: number): { kind: string; text: string }[] {
  const seen = new Set<string>();
  const out: { kind: string; text: string }[] = [];
  for (const { rule } of input.rules) {
    if (seen.has(rule.id)) continue;
    seen.add(rule.id);
    if (rule.type === "report") {
      const first = deadlineOf(rule, makePeriod(rule.per, nextYear, 1));
      out.push({ kind: rule.kind, text: `${perLabel(rule.per)}按时报送${rule.name}，首期截止${dayLabel(first, true)}` });
      continue;
    }
    const unit = kindByCode(rule.kind).countUnit;
    const done = input.rules.filter((x) => x.rule.id === rule.id && x.unit === input.unit).reduce((a, x) => a + x.count, 0);
    const base = done > 0 ? `（${input.period.start.slice(0, 4)}年本单位${done}${unit}）` : "";
    out.push({ kind: rule.kind, text: `${perLabel(rule.per)}${rule.name}不少于${rule.min}${unit}${base}` });
  }
  return out;
}

function codesOf(test: (k: (typeof KINDS)[number]) => boolean): string[] {
  return KINDS.filter(test).map((k) => k.code);
}

function areaOf(code: string): Area {
  return kindByCode(code).draft.area;
}

/**
 * The year's work no rule asks for, carried on as next year's tasks with this year's figures
 * (seed 000: 办好“金桥之春”书画展等群众性文化主题活动): the named activities, the subtypes, or the kind.
 */
function carryOnTasks(input: DraftInput): { kind: string; text: string }[] {
  const year = input.period.start.slice(0, 4);
  const ruled = new Set(input.rules.map((r) => r.rule.kind));
  return totalsByKind(input.rows)
    .filter((t) => isWork(t.kind) && t.kind.draft.form !== "reports" && !ruled.has(t.kind.code))
    .map((t) => {
      const k = t.kind;
      const titles = extrasFor(input, k.code, null).titles ?? [];
      const subtypes = t.bySubtype.map((s) => s.subtype);
      const quote = (n: string) => (/^[“"「《]/.test(n) ? n : `“${n}”`);
      const what = titles.length
        ? `办好${titles.slice(0, 3).map(quote).join("、")}等${k.label}`
        : subtypes.length && k.draft.form !== "phrases"
          ? `开展${subtypes.slice(0, 3).join("、")}等${k.label}`
          : `做好${k.label}工作`;
      // The baseline in a few words (no brackets inside the brackets): 2021年开展宣讲4场，受众300人次.
      const people =
        t.participants > 0
          ? `，${k.draft.reach ?? k.participantsLabel}${formatPeople(t.participants, t.participantsApprox, input.style)}`
          : "";
      const base =
        k.draft.form === "phrases" || k.draft.form === "items"
          ? kindSentence(t, input.style, undefined, "year")
          : `${k.draft.verb}${k.label}${t.sessions}${k.countUnit}${people}`;
      return { kind: k.code, text: `继续${what}（${year}年${base}）` };
    });
}

function paragraphs(lines: string[]): DraftParagraph[] {
  return lines.map((text) => ({ text }));
}

function numbered(lines: string[]): DraftParagraph[] {
  return lines.map((text, i) => ({ text: `${i + 1}.${text}${/[。；！]$/.test(text) ? "" : "。"}` }));
}

function section(i: number, heading: string, body: DraftParagraph[], subsections: DraftSubsection[] = []): DraftSection {
  return { heading: `${CN[i]}、${heading}`, paragraphs: body, subsections };
}

function sub(i: number, heading: string, body: string[]): DraftSubsection {
  return { heading: `（${CN[i]}）${heading}`, paragraphs: paragraphs(body) };
}

/** The work of the year grouped as the seeds group it: study, positions and publicity, activities, responsibility. */
function yearWork(input: DraftInput, style: FigureStyle): { heading: string; lines: string[] }[] {
  const totals = totalsByKind(input.rows);
  return AREA_ORDER.year
    .map((area) => ({
      heading: AREA_WORDING[area].year,
      // The same clause the year's report writes, with the recorded topics and names.
      lines: totals
        .filter((t) => t.kind.draft.area === area && isWork(t.kind))
        .map((t) => kindSentence(t, style, undefined, "year", extrasFor(input, t.kind.code, null))),
    }))
    .filter((g) => g.lines.length);
}

/** Who the year's figures are: the unit, or with its units below when it has them (the figures are the subtree's). */
function whole(input: DraftInput): string {
  return input.children.length ? `${input.unit}及下级单位` : input.unit;
}

function meta(input: DraftInput, type: DocumentType, title: string): Pick<Draft, "title" | "signature" | "date" | "fileStem"> {
  const year = input.period.start.slice(0, 4);
  return {
    title,
    signature: input.unit,
    date: dayLabel(input.today, true),
    fileStem: `${input.unit}-${type === "plan" ? Number(year) + 1 : year}-${DOCUMENT_NAMES[type]}`,
  };
}

/**
 * The secretary's 述职报告 for the year of `input.period`: first person, what the ledger holds
 * under 履职情况, the year's named work as 特色亮点, the ended periods' shortfalls as problems.
 */
export function composeDuty(unsafe: DraftInput): Draft | null {
  const input = { ...unsafe, unit: displaySafe(unsafe.unit) };
  if (!input.rows.length) return null;
  const year = input.period.start.slice(0, 4);
  const style = input.style;
  const work = yearWork(input, style);
  const problems = shortfalls(input);
  const next = Number(year) + 1;
  const bright = highlights(input);
  // Numbered after the fact: 特色亮点 is left out when the ledger names nothing to show.
  let n = 0;
  const sections: DraftSection[] = [
    section(
      n++,
      "履职情况",
      [],
      work.map((g, i) => sub(i, g.heading, [`${year}年，本人督促${whole(input)}${g.lines.join("；")}。`])),
    ),
    ...(bright.length ? [section(n++, "特色亮点", paragraphs(bright))] : []),
    section(
      n++,
      "存在的主要问题及原因",
      problems.length
        ? numbered([...problems, "究其原因，本人对意识形态工作的日常督促还不够经常，对照年度要求逐项抓落实的力度还需加强"])
        : paragraphs([
            `对照年度要求，${input.unit}各项规定动作均已完成，但工作的深度和成效还有提升空间：理论学习的针对性、宣传阵地的影响力还需进一步增强。`,
          ]),
    ),
    section(n++, "下一步工作思路", numbered(ruleTasks(input, next).map((t) => `${next}年${t.text}`))),
  ];
  return {
    ...meta(input, "duty", `${input.unit}${year}年落实意识形态工作责任制述职报告`),
    preface: paragraphs([
      `${year}年以来，本人认真履行意识形态工作第一责任人职责，按照上级关于落实意识形态工作责任制的工作要求，结合工作实际，抓好${input.unit}意识形态工作。现将履职情况报告如下：`,
    ]),
    sections,
  };
}

/**
 * What stands out, from what the ledger names: the topics studied, the named activities and
 * lectures, and how many child units the work reached. Empty when the ledger names nothing.
 */
function highlights(input: DraftInput): string[] {
  const out: string[] = [];
  const names = input.names ?? [];
  const pick = (kinds: string[], field: "topic" | "title") =>
    [...new Set(names.filter((n) => kinds.includes(n.kind) && n.field === field).map((n) => displaySafe(n.name)))].slice(0, 3);
  const quoted = (list: string[]) => list.map((n) => (/^[《“"]/.test(n) ? n : `“${n}”`)).join("、");
  const topics = pick(
    codesOf((k) => k.draft.area === "theory" || k.draft.area === "duty"),
    "topic",
  );
  if (topics.length) out.push(`围绕${quoted(topics)}等内容组织学习研讨，推动理论学习走深走实。`);
  const reaching = codesOf((k) => k.draft.coverage || k.draft.form === "activities");
  const events = pick(reaching, "title");
  if (events.length) out.push(`开展${quoted(events)}等特色活动，把宣传教育融入群众身边。`);
  const reached = input.children.filter((c) => c.rows.some((r) => reaching.includes(r.kind))).length;
  if (reached > 1) out.push(`宣讲和主题活动覆盖${reached}个下级单位，做到工作进村（居）、到群众身边。`);
  return out;
}

/** The 工作总结及下一年工作计划: the year's summary by area, its shortfalls, then next year's plan from the rules. */
export function composeSummary(unsafe: DraftInput): Draft | null {
  const input = { ...unsafe, unit: displaySafe(unsafe.unit) };
  if (!input.rows.length) return null;
  const year = input.period.start.slice(0, 4);
  const next = Number(year) + 1;
  const work = yearWork(input, input.style);
  const problems = shortfalls(input);
  const plan = ruleTasks(input, next).map((t) => t.text);
  return {
    ...meta(input, "summary", `${input.unit}${year}年意识形态工作总结及${next}年工作计划`),
    preface: paragraphs([
      `${year}年，${input.unit}坚持以习近平新时代中国特色社会主义思想为指导，认真落实意识形态工作责任制。现将全年工作总结及${next}年工作计划报告如下：`,
    ]),
    sections: [
      section(
        0,
        `${year}年工作总结`,
        [],
        work.map((g, i) => sub(i, g.heading, [`全年${whole(input)}${g.lines.join("；")}。`])),
      ),
      section(
        1,
        "存在的不足",
        problems.length
          ? numbered(problems)
          : paragraphs([`对照年度各项要求，${input.unit}各项规定动作均已完成；工作的针对性和实效性仍需进一步提升。`]),
      ),
      section(2, `${next}年工作计划`, numbered(plan)),
    ],
  };
}

/**
 * The next year's 工作要点 (seed 000): numbered tasks under three headings, each requirement of
 * the deployment with this year's figure as its baseline.
 */
export function composePlan(unsafe: DraftInput): Draft | null {
  const input = { ...unsafe, unit: displaySafe(unsafe.unit) };
  const year = input.period.start.slice(0, 4);
  const next = Number(year) + 1;
  const totals = totalsByKind(input.rows);
  const tasks = [...ruleTasks(input, next), ...carryOnTasks(input)];
  if (!tasks.length) return null;
  // Areas that share a heading in the 工作要点 (responsibility and the 阵地) are one section.
  const byHeading = new Map<string, string[]>();
  for (const area of AREA_ORDER.plan) {
    const lines = tasks.filter((t) => areaOf(t.kind) === area).map((t) => t.text);
    const heading = AREA_WORDING[area].plan;
    byHeading.set(heading, [...(byHeading.get(heading) ?? []), ...lines]);
  }
  let n = 0;
  const block = (lines: string[]) => lines.map((t) => `（${CN[n++]}）${t}。`);
  const sections = [...byHeading]
    .filter(([, lines]) => lines.length)
    .map(([heading, lines], i) => section(i, heading, paragraphs(block(lines))));
  return {
    ...meta(input, "plan", `${input.unit}${next}年意识形态工作要点`),
    preface: paragraphs([
      `${next}年，${input.unit}意识形态工作要坚持以习近平新时代中国特色社会主义思想为指导，落实意识形态工作责任制，对照上级各项要求逐项抓好落实。${totals.length ? `${year}年各项工作的完成情况作为基数列在各项任务之后。` : ""}`,
    ]),
    sections,
  };
}

/** The year such a document is about by default: this year, or last year in its first two months. */
export function documentYear(today: string): Period {
  const y = Number(today.slice(0, 4));
  const month = Number(today.slice(5, 7));
  return makePeriod("year" as PeriodType, month <= 2 ? y - 1 : y, 1);
}

export function composeDocument(type: DocumentType, input: DraftInput): Draft | null {
  return type === "duty" ? composeDuty(input) : type === "summary" ? composeSummary(input) : composePlan(input);
}
