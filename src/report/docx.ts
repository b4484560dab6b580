// A report draft as a Word file, laid out the way Party offices expect an official document
// (GB/T 9704): A4, fixed 28 pt lines, 方正小标宋 title, 仿宋 body, 黑体/楷体 headings.
// Pure: the same draft gives the same document, apart from the created/modified timestamps.
import { AlignmentType, Document, Footer, LineRuleType, Packer, PageNumber, Paragraph, TextRun, type IParagraphOptions } from "docx";
import type { Draft, DraftParagraph } from "./draft-types.js";
import { xmlSafe } from "../domain/text.js";

export const DOCX_CREATOR = "意识形态工作台账机器人";

/** The brief's conversion (1 mm = 56.7 twips), so margins match what offices type into Word. */
const mm = (v: number) => Math.round(v * 56.7);

const A4 = { width: 11906, height: 16838 };
const MARGIN = { top: mm(37), bottom: mm(35), left: mm(28), right: mm(26) };

const FONT = {
  title: "方正小标宋简体",
  body: "仿宋_GB2312",
  section: "黑体",
  subsection: "楷体_GB2312",
  pageNumber: "宋体",
} as const;

/** Half-points: 二号 22 pt, 三号 16 pt, 四号 14 pt. */
const SIZE = { title: 44, body: 32, pageNumber: 28 } as const;

/** 2 characters of 三号; firstLineChars too, so Word keeps 2 characters if someone changes the size. */
const INDENT_2_CHARS = { firstLine: 640, firstLineChars: 200 };
/** GB/T 9704 puts the signature and date 2 characters in from the right margin, not flush. */
const RIGHT_2_CHARS = { right: 640 };
/** Fixed 28 pt: 22 lines to the page, as the standard's type area expects. */
const LINE = { line: 560, lineRule: LineRuleType.EXACT, before: 0, after: 0 };

/**
 * The font for every character set: Word picks the run's font per character range, so a name set
 * only as ascii would leave the Chinese text in the theme font. hint=eastAsia makes Word draw the
 * ambiguous punctuation (“” —) from the Chinese font, full width.
 */
function fonts(name: string) {
  return { ascii: name, hAnsi: name, eastAsia: name, cs: name, hint: "eastAsia" };
}

/**
 * Every run's text passes through xmlSafe (src/domain/text.ts): one control character or U+FFFF
 * pasted into a topic or a name would otherwise make Word refuse the whole file.
 */
function run(text: string, font: string, size: number, bold = false): TextRun {
  return new TextRun({ text: xmlSafe(text), font: fonts(font), size, sizeComplexScript: size, bold, boldComplexScript: bold });
}

function paragraph(children: TextRun[], options: Omit<IParagraphOptions, "children"> = {}): Paragraph {
  return new Paragraph({ spacing: LINE, ...options, children });
}

const emptyLine = () => paragraph([]);

function bodyParagraph(p: DraftParagraph): Paragraph {
  const runs = [run(p.text, FONT.body, SIZE.body)];
  if (p.lead) runs.unshift(run(p.lead, FONT.body, SIZE.body, true));
  return paragraph(runs, { indent: INDENT_2_CHARS, alignment: AlignmentType.BOTH });
}

function heading(text: string, font: string, level: number): Paragraph {
  // keepNext: a heading stranded at the foot of a page is the first thing a reviewer marks.
  return paragraph([run(text, font, SIZE.body)], { indent: INDENT_2_CHARS, keepNext: true, outlineLevel: level });
}

function pageNumberFooter(): Footer {
  const opts = { font: fonts(FONT.pageNumber), size: SIZE.pageNumber };
  return new Footer({
    children: [
      new Paragraph({
        alignment: AlignmentType.CENTER,
        children: [new TextRun({ ...opts, children: ["— ", PageNumber.CURRENT, " —"] })],
      }),
    ],
  });
}

export async function draftToDocx(draft: Draft): Promise<Buffer> {
  const children: Paragraph[] = [
    paragraph([run(draft.title, FONT.title, SIZE.title)], { alignment: AlignmentType.CENTER }),
    emptyLine(),
    ...draft.preface.map(bodyParagraph),
  ];
  for (const section of draft.sections) {
    children.push(heading(section.heading, FONT.section, 0), ...section.paragraphs.map(bodyParagraph));
    for (const sub of section.subsections) {
      children.push(heading(sub.heading, FONT.subsection, 1), ...sub.paragraphs.map(bodyParagraph));
    }
  }
  children.push(
    emptyLine(),
    paragraph([run(draft.signature, FONT.body, SIZE.body)], { alignment: AlignmentType.RIGHT, indent: RIGHT_2_CHARS }),
    paragraph([run(draft.date, FONT.body, SIZE.body)], { alignment: AlignmentType.RIGHT, indent: RIGHT_2_CHARS }),
  );

  const doc = new Document({
    title: xmlSafe(draft.title),
    creator: DOCX_CREATOR,
    lastModifiedBy: DOCX_CREATOR,
    styles: {
      default: {
        // Empty lines and anything Word adds later inherit the body font rather than Calibri.
        document: {
          run: { font: fonts(FONT.body), size: SIZE.body, language: { value: "zh-CN", eastAsia: "zh-CN" } },
          paragraph: { spacing: LINE },
        },
      },
    },
    sections: [
      {
        properties: { page: { size: A4, margin: MARGIN } },
        footers: { default: pageNumberFooter() },
        children,
      },
    ],
  });
  return Packer.toBuffer(doc);
}
