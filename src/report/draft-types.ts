// The shape of a report draft, independent of how it is shown: chat text, a Word file.

/** One paragraph: plain running text, optionally opened by a bold lead-in ("1.加强组织领导。"). */
export interface DraftParagraph {
  lead?: string;
  text: string;
}

export interface DraftSubsection {
  /** "（一）加强组织领导，压实主体责任" — the numbering is included in the text. */
  heading: string;
  paragraphs: DraftParagraph[];
}

export interface DraftSection {
  /** "一、意识形态工作开展情况" — the numbering is included in the text. */
  heading: string;
  /** Paragraphs directly under the heading, before any subsection. */
  paragraphs: DraftParagraph[];
  subsections: DraftSubsection[];
}

export interface Draft {
  /** "金桥社区2026年第四季度意识形态工作分析研判报告" */
  title: string;
  /** The issuing unit, printed above the date at the end: "中共金桥社区委员会" or just the unit name. */
  signature: string;
  /** The date line at the end, "2026年11月22日". */
  date: string;
  /** The opening paragraph before section one. */
  preface: DraftParagraph[];
  sections: DraftSection[];
  /** A short line for the chat caption / file name stem: "金桥社区-2026Q4-分析研判报告". */
  fileStem: string;
}
