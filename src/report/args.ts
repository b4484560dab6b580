// Arguments of /report and /export: a period, a unit of the chat's subtree, and options, in any
// order. The words are split here (zod, no store); which word is a unit is decided against the
// chat's subtree (resolveReportArgs), so that no option or period word can shadow a child unit's
// name: a child called 文档, 本月, 2026年 or 12栋 can always be asked for.
import { z } from "zod";
import { parsePeriod, periodLabel, periodWord, PERIOD_EXAMPLES, type Period } from "../domain/periods.js";
import type { CommandContext } from "../core/command.js";
import type { DocumentType } from "./documents.js";
import { looksLikeUnitName } from "../core/args.js";
import { parseDay } from "../domain/dates.js";

export interface ReportArgs {
  period: Period;
  /** The unit the document covers: the chat's own, or one of its descendants. */
  unit: { id: number; name: string };
  /** A unit was named (the buttons repeat it). */
  unitNamed: boolean;
  docx: boolean;
  exact: boolean;
  /** One of the year's other documents (述职, 总结, 要点), instead of the period's report. */
  document: DocumentType | null;
  /** A period was written (a document's year; the report's period). */
  periodNamed: boolean;
  /** The 成文日期 written (日期:12月25日), YYYY-MM-DD; null: the day the draft is made. */
  dated: string | null;
  /** When a word could be read two ways: which reading was taken, and how to ask for the other. */
  notes: string[];
}

/** One word of the line; `forced`: written as a unit name (「文档」, "文档", 单位:文档). */
export interface ReportWord {
  text: string;
  forced: boolean;
}

/** 日期:12月25日, 成文日期 2026年12月25日, 落款 12月25日: the date under the signature. */
const DATED = /^(成文日期|落款日期|落款|日期|date)(?::(.*))?$/i;
const DOCX = /^(docx|word|文档|word文档|文件)$/i;
const EXACT = /^(精确|exact|准确|精确数字)$/i;
/** The words that ask for the year's other documents. */
const DOCUMENT_WORDS: [RegExp, DocumentType, string][] = [
  [/^(述职|述职报告|书记述职|duty)$/i, "duty", "述职报告"],
  [/^(总结|工作总结|年度总结|总结计划|summary)$/i, "summary", "工作总结及下一年工作计划"],
  [/^(要点|工作要点|计划|工作计划|plan)$/i, "plan", "下一年工作要点"],
];
const documentOf = (word: string) => DOCUMENT_WORDS.find(([re]) => re.test(word));

/** Whether a word is one of /报告's options (文档, 精确, 述职…): never read as part of a unit's name. */
export function isReportOption(word: string): boolean {
  return DOCX.test(word) || EXACT.test(word) || documentOf(word) !== undefined || DATED.test(word);
}
/** Every document the command writes, for its replies. */
export const DOCUMENT_LIST =
  "季度意识形态工作分析研判报告（/报告 本季度）、半年或年度落实意识形态工作责任制情况的报告（/报告 上半年、/报告 2026年）、述职报告（/报告 述职）、工作总结及下一年工作计划（/报告 总结）、下一年工作要点（/报告 要点）";
// 「…」, 『…』, “…”, "…" and 单位:… (NFKC has already made ： a colon) mark a unit name.
const WORD = /「([^」]*)」|『([^』]*)』|“([^”]*)”|"([^"]*)"|单位:(\S*)|(\S+)/g;
const OPEN_QUOTE = /^[「『“"]/;

/** Splits the line into words; a quoted word or 单位:… is a unit name whatever it looks like. */
export function reportArgs(): z.ZodType<ReportWord[], string> {
  return z.string().transform((s, issue) => {
    const out: ReportWord[] = [];
    for (const m of s.trim().matchAll(WORD)) {
      const quoted = m.slice(1, 6).find((g) => g !== undefined);
      if (quoted !== undefined) {
        const name = quoted.trim();
        if (!name) {
          issue.addIssue({ code: "custom", message: `「${m[0]}」里没有单位名。请写成「单位名」，例如：/报告 「文档」` });
          return z.NEVER;
        }
        out.push({ text: name, forced: true });
        continue;
      }
      const word = m[6];
      if (OPEN_QUOTE.test(word)) {
        issue.addIssue({ code: "custom", message: `「${word}」的引号没有配对。下级单位名请写成「单位名」，例如：/报告 「文档」` });
        return z.NEVER;
      }
      out.push({ text: word, forced: false });
    }
    return out;
  });
}

const usage = (word: string) =>
  `没看懂「${word}」。可以生成：${DOCUMENT_LIST}。时间段可以写：${PERIOD_EXAMPLES}；加「文档」返回 Word 文件，加「精确」写精确数字；上级单位可加下级单位名，名字像时间或选项时加引号，例如「文档」或 单位:12栋。`;

/**
 * Reads the words against the chat's unit and its descendants. A word that is exactly a
 * descendant's name is that unit (the first such word; a later one is read as an option again),
 * even when it is also an option or a period word — and the reply then says so (notes) and how
 * to ask for the other reading. `options`: whether 文档/精确 change anything for this command
 * (/导出台账 accepts and ignores them, so a child named 文档 needs no note there). Returns the
 * Chinese reply when the line cannot be read.
 */
export async function resolveReportArgs(
  ctx: CommandContext,
  words: ReportWord[],
  command: string,
  opts: { options: boolean } = { options: true },
): Promise<ReportArgs | string> {
  const own = ctx.unit!;
  const out: ReportArgs = {
    period: parsePeriod("", ctx.today)!,
    unit: own,
    unitNamed: false,
    docx: false,
    exact: false,
    document: null,
    periodNamed: false,
    dated: null,
    notes: [],
  };
  // 日期 alone: the next word is the date.
  let dateNext = false;
  const readDate = (word: string): string | null => {
    const d = parseDay(word, ctx.today);
    if (!d || !d.ok) return `没看懂成文日期「${word}」。请写成 日期:12月25日 或 日期:2026-12-25。`;
    out.dated = d.day;
    return null;
  };
  const subtree = words.length ? await ctx.ledger.subtree(own.id) : [];
  const below = new Map(subtree.filter((u) => u.id !== own.id).map((u) => [u.name, u]));
  let periodSeen = false;
  let named: string | null = null;
  const name = (text: string): string | null => {
    if (named !== null) return `一次只能写一个单位：已经写了「${named}」，又写了「${text}」。请分两次发送。`;
    named = text;
    return null;
  };
  for (const { text: word, forced } of words) {
    if (dateNext) {
      dateNext = false;
      const err = readDate(word);
      if (err) return err;
      continue;
    }
    const dated = forced ? null : DATED.exec(word);
    if (dated && opts.options && !(named === null && below.has(word))) {
      if (dated[2]) {
        const err = readDate(dated[2]);
        if (err) return err;
      } else dateNext = true;
      continue;
    }
    if (forced) {
      const err = name(word);
      if (err) return err;
      continue;
    }
    const p = parsePeriod(word, ctx.today);
    if (named === null && below.has(word)) {
      named = word;
      const doc = documentOf(word);
      const other = DOCX.test(word)
        ? opts.options && { meaning: "Word 文件", alt: "docx" }
        : doc && opts.options
          ? { meaning: doc[2], alt: doc[1] }
          : EXACT.test(word)
            ? opts.options && { meaning: "精确数字", alt: "exact" }
            : p && !periodSeen
              ? { meaning: `时间段${periodLabel(p)}`, alt: periodWord(p) }
              : null;
      if (other) {
        out.notes.push(
          `说明：「${word}」既是「${own.name}」的下级单位，也可以理解为${other.meaning}；这里按下级单位「${word}」理解。如果要的是${other.meaning}，请写「${other.alt}」，例如：/${command} ${other.alt}`,
        );
      }
      continue;
    }
    if (DOCX.test(word)) {
      out.docx = true;
      continue;
    }
    if (EXACT.test(word)) {
      out.exact = true;
      continue;
    }
    const doc = opts.options ? documentOf(word) : undefined;
    if (doc && out.document === null) {
      out.document = doc[1];
      continue;
    }
    if (p && !periodSeen) {
      out.period = p;
      periodSeen = true;
      out.periodNamed = true;
      continue;
    }
    // Any other word is taken for a unit's name (and refused below when it is not in the subtree);
    // one that starts with a digit, unless it is a descendant's name, was meant as a period.
    // In a unit without units below it, no word can be a unit: say what can be asked for.
    if ((!/^\d/.test(word) && (below.size > 0 || looksLikeUnitName(word))) || below.has(word)) {
      const err = name(word);
      if (err) return err;
      continue;
    }
    return usage(word);
  }
  if (dateNext) return `「日期」后面要写成文日期，例如：/${command} 日期:12月25日`;
  if (named !== null && named !== own.name) {
    const unit = below.get(named);
    // Another branch's unit is reported exactly like a missing one: a unit never learns of it.
    if (!unit) return `「${own.name}」下没有名为「${named}」的单位。`;
    out.unit = { id: unit.id, name: unit.name };
  }
  out.unitNamed = named !== null;
  return out;
}

/** A unit name as a word the argument reader always takes for that unit, for buttons: 「文档」. */
export function unitWord(name: string): string {
  return `「${name}」`;
}

export { periodWord } from "../domain/periods.js";
