// A report draft as a Word file, laid out the way Party offices check an official document against
// GB/T 9704-2012 (党政机关公文格式): A4, a 156 mm × 225 mm type area holding 22 lines of 28 三号
// characters, 方正小标宋 title broken between words, 仿宋 body, 黑体/楷体 headings, “— 1 —” page
// numbers outside the type area, and the signature block of 7.3.5.2 (no seal).
// Pure: the same draft gives the same document, apart from the created/modified timestamps.
import {
  AlignmentType,
  Document,
  DocumentGridType,
  Footer,
  LineRuleType,
  Packer,
  PageNumber,
  Paragraph,
  TextRun,
  type Table,
  type IParagraphOptions,
} from "docx";
import type { Draft, DraftParagraph } from "./draft-types.js";
import { xmlSafe } from "../domain/text.js";

export const DOCX_CREATOR = "意识形态工作台账机器人";

/**
 * The draft with the fields this renderer reads beyond Draft's own: `addressee` is the optional
 * 主送机关 ("中共金桥街道工作委员会"), printed under the title when the deployment names one.
 */
export type DocxDraft = Draft & { addressee?: string };

/** The brief's conversion (1 mm = 56.7 twips), so margins match what offices type into Word. */
const mm = (v: number) => Math.round(v * 56.7);

const A4 = { width: 11906, height: 16838 };
/** GB/T 9704 5.2.1: top 37 mm, left 28 mm, type area 156 mm × 225 mm; the rest is the bottom and right. */
const MARGIN = { top: mm(37), bottom: mm(297 - 37 - 225), left: mm(28), right: mm(210 - 28 - 156) };
const TYPE_AREA = { width: A4.width - MARGIN.left - MARGIN.right, height: A4.height - MARGIN.top - MARGIN.bottom };

/** GB/T 9704 5.2.2: 22 lines to the page, 28 characters to the line. */
export const LINES_PER_PAGE = 22;
export const CHARS_PER_LINE = 28;

const FONT = {
  title: "方正小标宋简体",
  body: "仿宋_GB2312",
  section: "黑体",
  subsection: "楷体_GB2312",
  pageNumber: "宋体",
} as const;

/** Half-points: 二号 22 pt, 三号 16 pt, 四号 14 pt. */
const SIZE = { title: 44, body: 32, pageNumber: 28 } as const;

/**
 * The document grid (docGrid, type linesAndChars), what Word's 页面设置 shows as 每页 22 行、每行 28
 * 字. Line pitch: the type area's height over 22, rounded down so 22 lines always fit (12755 / 22 →
 * 579 twips, 28.95 pt). Character pitch: the width over 28 (8844 / 28 = 315.86 twips, 15.79 pt),
 * stored as the difference from the Normal style's 16 pt in 1/4096 pt, rounded down so 28 fit.
 */
const LINE_PITCH = Math.floor(TYPE_AREA.height / LINES_PER_PAGE);
const CHAR_PITCH = TYPE_AREA.width / CHARS_PER_LINE;
const CHAR_SPACE = Math.floor((CHAR_PITCH / 20 - SIZE.body / 2) * 4096);
export const GRID = { type: DocumentGridType.LINES_AND_CHARS, linePitch: LINE_PITCH, charSpace: CHAR_SPACE } as const;

/**
 * The text itself keeps to that grid without snapping to it. A 三号 character (16 pt) is wider than
 * the 15.79 pt pitch, and LibreOffice (7.4) then gives every character two grid cells — 14 to the
 * line — where Word squeezes it into one. So the body's paragraphs are off the grid (w:snapToGrid
 * 0, in their style) with exact 28.95 pt lines, and their characters are condensed by 0.3 pt
 * (w:spacing -6): 15.7 pt, 28 to the 442.2 pt line in both Word and LibreOffice (0.25 pt still
 * leaves LibreOffice at 27 after its rounding), 29 never.
 */
export const CONDENSE = Math.floor(CHAR_PITCH - SIZE.body * 10) - 1;
/** One body character's advance in twips: 314. */
const ADVANCE = SIZE.body * 10 + CONDENSE;

/** Twips for a number of body characters, as they fall on the line. */
const chars = (n: number) => Math.round(n * ADVANCE);

/** 2 characters; firstLineChars too, so Word keeps 2 characters if someone changes the size. */
const INDENT_2_CHARS = { firstLine: chars(2), firstLineChars: 200 };
/** Every line exactly one grid line, so 22 lines fill the type area and stay on the grid. */
const LINE = { line: LINE_PITCH, lineRule: LineRuleType.EXACT, before: 0, after: 0 };

/**
 * GB/T 9704 7.5: page numbers 7 mm below the type area's lower edge (the dash line, 一字线). The
 * footer line is set exactly one 四号 character high; Word and LibreOffice put its bottom at the
 * footer distance from the paper's edge, and a CJK dash sits at half the character's height, so
 * the footer distance is the margin less 7 mm less half a line.
 */
const FOOTER_LINE = 280;
const FOOTER_DISTANCE = MARGIN.bottom - mm(7) - FOOTER_LINE / 2;
/** “右空一字/左空一字”: one character of the page number's own size (四号, 14 pt). */
const PAGE_NUMBER_SPACE = SIZE.pageNumber * 10;

/** A title line holds 20 二号 characters: 156 mm is 442 pt. */
const TITLE_CHARS_PER_LINE = Math.floor(TYPE_AREA.width / (SIZE.title * 10));

/**
 * The font for every character set: Word picks the run's font per character range, so a name set
 * only as ascii would leave the Chinese text in the theme font. hint=eastAsia makes Word draw the
 * ambiguous punctuation (“” —) from the Chinese font, full width.
 */
function fonts(name: string) {
  return { ascii: name, hAnsi: name, eastAsia: name, cs: name, hint: "eastAsia" };
}

interface RunStyle {
  bold?: boolean;
  /** Keep the font's own advance instead of the 三号 grid's: the title and page numbers are other sizes. */
  offGrid?: boolean;
  /** A line break before the text (the title's lines). */
  breakBefore?: boolean;
}

/**
 * Every run's text passes through xmlSafe (src/domain/text.ts): one control character or U+FFFF
 * pasted into a topic or a name would otherwise make Word refuse the whole file.
 */
function run(text: string, font: string, size: number, style: RunStyle = {}): TextRun {
  const bold = style.bold ?? false;
  return new TextRun({
    text: xmlSafe(text),
    font: fonts(font),
    size,
    sizeComplexScript: size,
    bold,
    boldComplexScript: bold,
    ...(style.offGrid ? { snapToGrid: false } : {}),
    ...(style.breakBefore ? { break: 1 } : {}),
  });
}

/**
 * The two paragraph styles docx's typed options cannot write (w:snapToGrid is a run option there):
 * 公文正文 for everything on the body's lines (off the grid, condensed, see CONDENSE; no widow
 * control, which would end pages at 21 lines to keep two lines of a paragraph together; no extra
 * space between Chinese and Arabic numerals, so "2026年12月2日" is 6½ characters) and 公文标题
 * for the title, also off the grid — on it LibreOffice gives a 二号 line two grid lines whatever
 * its exact spacing, and Word spreads 二号 characters over two grid characters.
 */
export const STYLE = { body: "GBBody", title: "GBTitle" } as const;
const STYLES_XML = `<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<w:styles xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main">\
<w:style w:type="paragraph" w:customStyle="1" w:styleId="${STYLE.body}"><w:name w:val="公文正文"/><w:basedOn w:val="Normal"/><w:qFormat/>\
<w:pPr><w:widowControl w:val="0"/><w:autoSpaceDE w:val="0"/><w:autoSpaceDN w:val="0"/><w:snapToGrid w:val="0"/></w:pPr><w:rPr><w:spacing w:val="${CONDENSE}"/></w:rPr></w:style>\
<w:style w:type="paragraph" w:customStyle="1" w:styleId="${STYLE.title}"><w:name w:val="公文标题"/><w:basedOn w:val="Normal"/><w:next w:val="${STYLE.body}"/><w:qFormat/>\
<w:pPr><w:autoSpaceDE w:val="0"/><w:autoSpaceDN w:val="0"/><w:snapToGrid w:val="0"/><w:jc w:val="center"/></w:pPr></w:style>\
</w:styles>`;

function paragraph(children: TextRun[], options: Omit<IParagraphOptions, "children"> = {}): Paragraph {
  return new Paragraph({ style: STYLE.body, spacing: LINE, ...options, children });
}

const emptyLine = () => paragraph([]);

function bodyParagraph(p: DraftParagraph): Paragraph {
  const runs = [run(p.text, FONT.body, SIZE.body)];
  if (p.lead) runs.unshift(run(p.lead, FONT.body, SIZE.body, { bold: true }));
  return paragraph(runs, { indent: INDENT_2_CHARS, alignment: AlignmentType.BOTH });
}

function heading(text: string, font: string, level: number): Paragraph {
  // keepNext: a heading stranded at the foot of a page is the first thing a reviewer marks.
  return paragraph([run(text, font, SIZE.body)], { indent: INDENT_2_CHARS, keepNext: true, outlineLevel: level });
}

// ---- widths -------------------------------------------------------------------------------------

/** Width in characters of the text's own size: ASCII (the Arabic numerals of a date) is half width. */
export function textWidth(text: string): number {
  let w = 0;
  for (const ch of text) w += /[\u0020-\u007e]/.test(ch) ? 0.5 : 1;
  return w;
}

// ---- title --------------------------------------------------------------------------------------

/** Compounds a word segmenter splits but a title must not ("意识|形态", "委员|会", "责任|制"). */
const COMPOUNDS = ["意识形态", "责任制", "工作委员会", "委员会", "党工委", "党支部", "党总支", "分析研判", "情况的报告", "的报告"];
/** A report period: "2026年第四季度", "2026年上半年", "2026年度", "2026年11月", "2026年". */
const PERIOD = /\d{4}年(?:度|第[一二三四]季度|[上下]半年|\d{1,2}月(?:份)?)?/g;
/** Phrases a title line may well start with: the report's subject after its unit and period. */
const GOOD_STARTS = ["意识形态", "落实", "关于"];

/**
 * Where a title may break, as positions in the string: between words and never inside one (7.3.1
 * “回行时，要做到词意完整”). A break is preferred after the unit's name and after the period, and
 * before the subject (意识形态工作…, 落实…); it is never inside the unit's name, a period, a
 * compound, before a one-character word (社区|委员|会 — the 会 belongs to its word), after 关于,
 * or next to 的.
 */
function titleBreaks(title: string, unit: string): Map<number, number> {
  const chars = [...title];
  const blocked = new Set<number>();
  const preferred = new Set<number>();
  const protect = (start: number, end: number) => {
    for (let i = start + 1; i < end; i++) blocked.add(i);
  };
  const codeIndex = (utf16: number) => [...title.slice(0, utf16)].length;
  const occurrences = (needle: string) => {
    const found: number[] = [];
    if (!needle) return found;
    for (let i = title.indexOf(needle); i >= 0; i = title.indexOf(needle, i + 1)) found.push(codeIndex(i));
    return found;
  };

  const segmenter = new Intl.Segmenter("zh-CN", { granularity: "word" });
  const candidates = new Set<number>();
  let pos = 0;
  for (const { segment } of segmenter.segment(title)) {
    const len = [...segment].length;
    if (pos > 0) candidates.add(pos);
    // A one-character word joins the word before it (金|桥, 委员|会, 某某|市).
    if (len === 1 && pos > 0) blocked.add(pos);
    pos += len;
  }
  for (const c of COMPOUNDS) for (const at of occurrences(c)) protect(at, at + [...c].length);
  for (const m of title.matchAll(PERIOD)) {
    const at = codeIndex(m.index);
    const end = at + [...m[0]].length;
    protect(at, end);
    preferred.add(at);
    preferred.add(end);
  }
  const unitLength = [...unit].length;
  for (const at of occurrences(unit)) {
    if (unitLength <= TITLE_CHARS_PER_LINE) protect(at, at + unitLength);
    preferred.add(at + unitLength);
  }
  for (const s of GOOD_STARTS) for (const at of occurrences(s)) preferred.add(at);
  for (const at of occurrences("关于")) blocked.add(at + 2);
  chars.forEach((ch, i) => {
    if (ch === "的") {
      blocked.add(i);
      blocked.add(i + 1);
    }
    // Digits and letters run on: never break inside "2026" or "Q4".
    if (i > 0 && /[0-9A-Za-z]/.test(ch) && /[0-9A-Za-z]/.test(chars[i - 1])) blocked.add(i);
  });

  const breaks = new Map<number, number>();
  for (const at of new Set([...candidates, ...preferred])) {
    if (at <= 0 || at >= chars.length || blocked.has(at)) continue;
    breaks.set(at, preferred.has(at) ? 0 : 2);
  }
  return breaks;
}

/**
 * The title's lines. One line when it fits; otherwise the fewest lines that fit, broken at the
 * best places, shaped as 7.3.1 asks (“梯形或菱形”): no two lines the same length (a rectangle), no
 * middle line shorter than both neighbours (an hourglass), no stub of a last line.
 */
export function titleLines(title: string, unit: string): string[] {
  const chars = [...title];
  if (textWidth(title) <= TITLE_CHARS_PER_LINE) return [title];
  const breaks = titleBreaks(title, unit);
  const points = [...breaks.keys()].sort((a, b) => a - b);
  const widthOf = (from: number, to: number) => textWidth(chars.slice(from, to).join(""));

  let best: { cost: number; cuts: number[] } | null = null;
  const minLines = Math.ceil(textWidth(title) / TITLE_CHARS_PER_LINE);
  for (let lines = minLines; lines <= minLines + 1 && !best; lines++) {
    const search = (from: number, cuts: number[], cost: number) => {
      if (cuts.length === lines - 1) {
        if (widthOf(from, chars.length) > TITLE_CHARS_PER_LINE) return;
        const total = cost + shapeCost([...cuts, chars.length].map((end, i, all) => widthOf(i ? all[i - 1] : 0, end)));
        if (!best || total < best.cost - 1e-9) best = { cost: total, cuts };
        return;
      }
      for (const p of points) {
        if (p <= from) continue;
        if (widthOf(from, p) > TITLE_CHARS_PER_LINE) break;
        search(p, [...cuts, p], cost + breaks.get(p)!);
      }
    };
    search(0, [], 0);
  }
  // No way to break between words within the width (one enormous name): break where it must.
  const cuts = (best as { cuts: number[] } | null)?.cuts ?? greedyCuts(chars);
  return [0, ...cuts].map((start, i, all) => chars.slice(start, all[i + 1] ?? chars.length).join(""));
}

function shapeCost(widths: number[]): number {
  let cost = 0;
  const longest = Math.max(...widths);
  const mean = widths.reduce((a, b) => a + b, 0) / widths.length;
  for (let i = 1; i < widths.length; i++) if (Math.abs(widths[i] - widths[i - 1]) < 1) cost += 3;
  for (let i = 1; i < widths.length - 1; i++) if (widths[i] < widths[i - 1] && widths[i] < widths[i + 1]) cost += 4;
  if (Math.min(...widths) < 0.4 * longest) cost += 3;
  // Among equals, the more even split.
  return cost + widths.reduce((a, w) => a + Math.abs(w - mean), 0) / TITLE_CHARS_PER_LINE;
}

function greedyCuts(chars: string[]): number[] {
  const cuts: number[] = [];
  let width = 0;
  chars.forEach((ch, i) => {
    const w = textWidth(ch);
    if (width + w > TITLE_CHARS_PER_LINE) {
      cuts.push(i);
      width = 0;
    }
    width += w;
  });
  return cuts;
}

function titleParagraph(draft: Draft): Paragraph {
  const runs = titleLines(draft.title, draft.signature).map((line, i) =>
    run(line, FONT.title, SIZE.title, { offGrid: true, breakBefore: i > 0 }),
  );
  return paragraph(runs, { style: STYLE.title, alignment: AlignmentType.CENTER });
}

// ---- 主送机关, signature, date ------------------------------------------------------------------

/** 7.3.2: flush left under the title, ending in a full-width colon. */
function addresseeParagraph(addressee: string): Paragraph {
  const text = addressee.trim().replace(/[:：]$/, "") + "：";
  return paragraph([run(text, FONT.body, SIZE.body)], { alignment: AlignmentType.LEFT });
}

/**
 * 成文日期 as 7.3.5.1 writes it: Arabic numerals, the year in full, no leading zeros
 * ("2026年12月2日"), whether the draft has "2026-12-02", "2026年12月02日" or "二〇二六年十二月二日".
 */
export function officialDate(date: string): string {
  const digits = date.trim().replace(/[〇零一二三四五六七八九十]+/g, (s) => chineseNumber(s));
  const m = digits.match(/^(\d{4})\s*[-./年]\s*(\d{1,2})\s*[-./月]\s*(\d{1,2})\s*日?$/);
  return m ? `${m[1]}年${Number(m[2])}月${Number(m[3])}日` : date;
}

function chineseNumber(s: string): string {
  const digit = (c: string) => "〇一二三四五六七八九".indexOf(c === "零" ? "〇" : c);
  if (!s.includes("十")) return [...s].map(digit).join("");
  const [tens, ones] = s.split("十");
  return String((tens ? digit(tens) : 1) * 10 + (ones ? digit(ones) : 0));
}

/**
 * 7.3.5.2 (单一机关行文, no seal), in characters from the right edge of the type area: the unit's
 * name 2 characters in from the right; the date on the next line, its first character 2 characters
 * right of the name's first; when the date is longer than the name, the date goes 2 characters in
 * from the right and the name moves left to match (“相应增加发文机关署名右空字数”).
 */
export function signatureSpaces(signature: string, date: string): { signature: number; date: number } {
  const s = textWidth(signature);
  const d = textWidth(date);
  if (d > s) return { date: 2, signature: d + 2 + 2 - s };
  return { signature: 2, date: s - d };
}

/**
 * The name right-aligned with its right space. The date, when it is the shorter, starts at a left
 * indent 2 characters right of the name's first character, so the rule holds whatever width a
 * font gives the Arabic numerals; when it is the longer, it is right-aligned 2 characters in.
 */
function signatureBlock(draft: Draft): Paragraph[] {
  const date = officialDate(draft.date);
  const space = signatureSpaces(draft.signature, date);
  const body = (text: string, options: Omit<IParagraphOptions, "children">) => paragraph([run(text, FONT.body, SIZE.body)], options);
  const name = body(draft.signature, { alignment: AlignmentType.RIGHT, indent: { right: chars(space.signature) } });
  const nameStart = TYPE_AREA.width - chars(space.signature) - chars(textWidth(draft.signature));
  const dateLine =
    textWidth(date) > textWidth(draft.signature)
      ? body(date, { alignment: AlignmentType.RIGHT, indent: { right: chars(space.date) } })
      : body(date, { alignment: AlignmentType.LEFT, indent: { left: nameStart + chars(2) } });
  return [emptyLine(), name, dateLine];
}

// ---- page numbers -------------------------------------------------------------------------------

/**
 * 7.5: 4号半角宋体 Arabic numerals with a dash on each side, odd pages on the right and even pages
 * on the left, one character in from the edge of the type area.
 */
function pageNumberFooter(side: "odd" | "even"): Footer {
  const odd = side === "odd";
  return new Footer({
    children: [
      new Paragraph({
        alignment: odd ? AlignmentType.RIGHT : AlignmentType.LEFT,
        indent: odd ? { right: PAGE_NUMBER_SPACE } : { left: PAGE_NUMBER_SPACE },
        spacing: { line: FOOTER_LINE, lineRule: LineRuleType.EXACT, before: 0, after: 0 },
        children: [
          new TextRun({
            font: fonts(FONT.pageNumber),
            size: SIZE.pageNumber,
            sizeComplexScript: SIZE.pageNumber,
            snapToGrid: false,
            children: ["— ", PageNumber.CURRENT, " —"],
          }),
        ],
      }),
    ],
  });
}

// ---- the document -------------------------------------------------------------------------------

/** What other documents in this layout (the inspection pack) build from. */
export const PARTS = { run, paragraph, bodyParagraph, heading, emptyLine, FONT, SIZE, TYPE_AREA, LINE, chars } as const;

/** An official document of the given paragraphs: A4, the type area's grid, the styles, the page numbers. */
export function officialDocument(title: string, children: (Paragraph | Table)[]): Promise<Buffer> {
  const doc = new Document({
    title: xmlSafe(title),
    creator: DOCX_CREATOR,
    lastModifiedBy: DOCX_CREATOR,
    evenAndOddHeaderAndFooters: true,
    externalStyles: STYLES_XML,
    styles: {
      default: {
        // Empty lines and anything Word adds later inherit the body font rather than Calibri.
        document: {
          run: { font: fonts(FONT.body), size: SIZE.body, language: { value: "zh-CN", eastAsia: "zh-CN" } },
          paragraph: { spacing: LINE },
        },
      },
      // The grid's character pitch is reckoned from Normal's size (LibreOffice reads it there only).
      paragraphStyles: [{ id: "Normal", name: "Normal", quickFormat: true, run: { font: fonts(FONT.body), size: SIZE.body } }],
    },
    sections: [
      {
        properties: {
          page: { size: A4, margin: { ...MARGIN, footer: FOOTER_DISTANCE } },
          grid: GRID,
        },
        footers: { default: pageNumberFooter("odd"), even: pageNumberFooter("even") },
        children,
      },
    ],
  });
  return Packer.toBuffer(doc);
}

export async function draftToDocx(input: Draft): Promise<Buffer> {
  const draft = input as DocxDraft;
  const children: Paragraph[] = [titleParagraph(draft), emptyLine()];
  // 7.3.2: the 主送机关 on the line after the blank under the title; the body follows directly.
  if (draft.addressee?.trim()) children.push(addresseeParagraph(draft.addressee));
  children.push(...draft.preface.map(bodyParagraph));
  for (const section of draft.sections) {
    children.push(heading(section.heading, FONT.section, 0), ...section.paragraphs.map(bodyParagraph));
    for (const sub of section.subsections) {
      children.push(heading(sub.heading, FONT.subsection, 1), ...sub.paragraphs.map(bodyParagraph));
    }
  }
  children.push(...signatureBlock(draft));
  return officialDocument(draft.title, children);
}
