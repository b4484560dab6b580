import { describe, it, expect, beforeAll } from "vitest";
import JSZip from "jszip";
// saxes is exceljs's own XML parser (installed with it): strict XML 1.0, character checks included.
import { SaxesParser } from "saxes";
import { patchDocument } from "docx";
import { draftToDocx, DOCX_CREATOR, officialDate, signatureSpaces, textWidth, titleLines } from "../src/report/docx.js";
import type { Draft } from "../src/report/draft-types.js";

const DRAFT: Draft = {
  title: "金桥社区2026年第四季度意识形态工作分析研判报告",
  signature: "中共金桥社区委员会",
  date: "2026年11月22日",
  fileStem: "金桥社区-2026Q4-分析研判报告",
  preface: [{ text: "根据上级要求，现将本社区2026年第四季度意识形态工作情况报告如下。" }],
  sections: [
    {
      heading: "一、意识形态工作开展情况",
      paragraphs: [{ text: "本季度召开意识形态工作专题会议2次。" }],
      subsections: [
        {
          heading: "（一）加强组织领导，压实主体责任",
          paragraphs: [
            { lead: "1.加强理论学习。", text: "开展党委理论学习中心组学习3次，参学36人次。" },
            { text: "发放宣传资料6000 余份，悬挂横幅12条。" },
          ],
        },
      ],
    },
    {
      heading: "二、存在的问题和下一步打算",
      paragraphs: [{ text: "个别党员学习主动性不强。" }],
      subsections: [],
    },
  ],
};

interface Para {
  xml: string;
  text: string;
}

const decode = (s: string) =>
  s
    .replace(/&lt;/g, "<")
    .replace(/&gt;/g, ">")
    .replace(/&quot;/g, '"')
    .replace(/&apos;/g, "'")
    .replace(/&amp;/g, "&");

function paragraphs(xml: string): Para[] {
  return [...xml.matchAll(/<w:p(?:\s[^>]*)?>(.*?)<\/w:p>/gs)].map((m) => ({
    xml: m[1],
    text: [...m[1].matchAll(/<w:t(?:\s[^>]*)?>(.*?)<\/w:t>/gs)].map((t) => decode(t[1])).join(""),
  }));
}

async function open(draft: Draft) {
  const buffer = await draftToDocx(draft);
  const zip = await JSZip.loadAsync(buffer);
  const part = async (name: string) => {
    const file = zip.file(name);
    if (!file) throw new Error(`missing ${name}`);
    return file.async("string");
  };
  const document = await part("word/document.xml");
  return { buffer, zip, part, document, paras: paragraphs(document) };
}

describe("draftToDocx", () => {
  let doc: Awaited<ReturnType<typeof open>>;
  beforeAll(async () => {
    doc = await open(DRAFT);
  });

  const para = (text: string) => {
    const p = doc.paras.find((x) => x.text === text);
    if (!p) throw new Error(`no paragraph "${text}" in ${doc.paras.map((x) => x.text).join(" | ")}`);
    return p;
  };

  it("is a zip that docx's own (strict XML) reader opens", async () => {
    expect(doc.buffer.subarray(0, 2).toString()).toBe("PK");
    await expect(patchDocument({ outputType: "nodebuffer", data: doc.buffer, patches: {} })).resolves.toBeInstanceOf(Buffer);
  });

  it("writes every part of the draft, in reading order", () => {
    const order = [
      DRAFT.title,
      DRAFT.preface[0].text,
      "一、意识形态工作开展情况",
      "本季度召开意识形态工作专题会议2次。",
      "（一）加强组织领导，压实主体责任",
      "1.加强理论学习。开展党委理论学习中心组学习3次，参学36人次。",
      "发放宣传资料6000 余份，悬挂横幅12条。",
      "二、存在的问题和下一步打算",
      "个别党员学习主动性不强。",
      DRAFT.signature,
      DRAFT.date,
    ];
    const texts = doc.paras.map((p) => p.text).filter((t) => t !== "");
    expect(texts).toEqual(order);
  });

  it("leaves an empty line after the title and before the signature", () => {
    const texts = doc.paras.map((p) => p.text);
    expect(texts[1]).toBe("");
    expect(texts[texts.indexOf(DRAFT.signature) - 1]).toBe("");
  });

  it("sets the title in 方正小标宋简体 二号, centred, off the 三号 grid", () => {
    const p = para(DRAFT.title);
    expect(p.xml).toContain('<w:pStyle w:val="GBTitle"/>');
    expect(p.xml).toContain('<w:snapToGrid w:val="false"/>');
    expect(p.xml).toContain('w:eastAsia="方正小标宋简体"');
    expect(p.xml).toContain('w:ascii="方正小标宋简体"');
    expect(p.xml).toContain('w:hAnsi="方正小标宋简体"');
    expect(p.xml).toContain('<w:sz w:val="44"/>');
    expect(p.xml).toContain('<w:jc w:val="center"/>');
  });

  it("sets the body in 仿宋_GB2312 三号 with a 2-character indent and exact one-grid-line (28.95 pt) lines", () => {
    const p = para(DRAFT.preface[0].text);
    expect(p.xml).toContain('<w:pStyle w:val="GBBody"/>');
    expect(p.xml).toContain('w:eastAsia="仿宋_GB2312"');
    expect(p.xml).toContain('<w:sz w:val="32"/>');
    // 2 characters of 314 twips (16 pt condensed by 0.3 pt), and 2 characters for Word.
    expect(p.xml).toMatch(/<w:ind [^>]*w:firstLine="628"/);
    expect(p.xml).toMatch(/<w:ind [^>]*w:firstLineChars="200"/);
    expect(p.xml).toMatch(/<w:spacing [^>]*w:line="579" w:lineRule="exact"/);
    expect(p.xml).not.toMatch(/<w:b\/>/);
  });

  it("sets section headings in 黑体 and subsection headings in 楷体_GB2312, neither bold", () => {
    for (const [text, font] of [
      ["一、意识形态工作开展情况", "黑体"],
      ["二、存在的问题和下一步打算", "黑体"],
      ["（一）加强组织领导，压实主体责任", "楷体_GB2312"],
    ]) {
      const p = para(text);
      expect(p.xml).toContain(`w:eastAsia="${font}"`);
      expect(p.xml).toContain('<w:sz w:val="32"/>');
      expect(p.xml).toMatch(/<w:ind [^>]*w:firstLine="628"/);
      expect(p.xml).not.toMatch(/<w:b\/>/);
    }
  });

  it("prints a lead in bold, then the text in the same paragraph", () => {
    const p = para("1.加强理论学习。开展党委理论学习中心组学习3次，参学36人次。");
    const runs = [...p.xml.matchAll(/<w:r>(.*?)<\/w:r>/gs)].map((m) => m[1]);
    expect(runs).toHaveLength(2);
    expect(runs[0]).toContain("1.加强理论学习。");
    expect(runs[0]).toContain("<w:b/>");
    expect(runs[0]).toContain('w:eastAsia="仿宋_GB2312"');
    expect(runs[1]).toContain("开展党委理论学习中心组学习3次");
    expect(runs[1]).not.toContain("<w:b/>");
  });

  it("sets the signature and the date in 仿宋_GB2312 三号", () => {
    for (const text of [DRAFT.signature, DRAFT.date]) {
      const p = para(text);
      expect(p.xml).toContain('w:eastAsia="仿宋_GB2312"');
      expect(p.xml).toContain('<w:sz w:val="32"/>');
    }
  });

  it("uses A4 paper with the GB/T 9704 margins: top 37 mm, left 28 mm, a 156 × 225 mm type area", () => {
    expect(doc.document).toMatch(/<w:pgSz w:w="11906" w:h="16838"/);
    const margin = doc.document.match(/<w:pgMar ([^>]*)\/>/)?.[1] ?? "";
    expect(margin).toContain('w:top="2098"');
    expect(margin).toContain('w:bottom="1985"');
    expect(margin).toContain('w:left="1588"');
    expect(margin).toContain('w:right="1474"');
    // 156 mm and 225 mm at 56.7 twips to the mm, within rounding.
    expect(Math.abs(11906 - 1588 - 1474 - 156 * 56.7)).toBeLessThan(2);
    expect(Math.abs(16838 - 2098 - 1985 - 225 * 56.7)).toBeLessThan(3);
  });

  describe("the 28 × 22 grid", () => {
    const width = 11906 - 1588 - 1474; // 8844 twips
    const height = 16838 - 2098 - 1985; // 12755 twips

    it("declares a lines-and-characters grid of 22 lines and 28 characters", () => {
      const grid = doc.document.match(/<w:docGrid ([^>]*)\/>/)?.[1] ?? "";
      expect(grid).toContain('w:type="linesAndChars"');
      const linePitch = Number(grid.match(/w:linePitch="(-?\d+)"/)?.[1]);
      const charSpace = Number(grid.match(/w:charSpace="(-?\d+)"/)?.[1]);
      expect(linePitch).toBe(579);
      expect(charSpace).toBe(-849);
      expect(Math.floor(height / linePitch)).toBe(22);
      // Character pitch: the Normal style's 16 pt plus charSpace / 4096 pt, in twips.
      const charPitch = (16 + charSpace / 4096) * 20;
      expect(Math.floor(width / charPitch)).toBe(28);
    });

    it("reckons the grid from a 三号 Normal style", async () => {
      const styles = await doc.part("word/styles.xml");
      const normal = styles.match(/<w:style [^>]*w:styleId="Normal"[^>]*>(.*?)<\/w:style>/s)?.[1] ?? "";
      expect(normal).toContain('<w:sz w:val="32"/>');
    });

    it("lays the body out 28 to the line and 22 to the page without snapping to the grid", async () => {
      const styles = await doc.part("word/styles.xml");
      const body = styles.match(/<w:style [^>]*w:styleId="GBBody"[^>]*>(.*?)<\/w:style>/s)?.[1] ?? "";
      expect(body).toContain('<w:snapToGrid w:val="0"/>');
      expect(body).toContain('<w:widowControl w:val="0"/>');
      expect(body).toContain('<w:autoSpaceDN w:val="0"/>');
      const condense = Number(body.match(/<w:spacing w:val="(-?\d+)"\/>/)?.[1]);
      expect(condense).toBe(-6);
      const advance = 320 + condense;
      expect(Math.floor(width / advance)).toBe(28);
      const title = styles.match(/<w:style [^>]*w:styleId="GBTitle"[^>]*>(.*?)<\/w:style>/s)?.[1] ?? "";
      expect(title).toContain('<w:snapToGrid w:val="0"/>');
      // Every body paragraph is exactly one grid line high.
      for (const p of doc.paras.filter((x) => x.xml.includes('w:val="GBBody"'))) {
        expect(p.xml).toMatch(/<w:spacing [^>]*w:line="579" w:lineRule="exact"/);
      }
    });
  });

  describe("page numbers", () => {
    const footerOf = async (type: "default" | "even") => {
      const id = doc.document.match(new RegExp(`<w:footerReference w:type="${type}" r:id="(rId\\d+)"/>`))?.[1];
      expect(id, type).toBeDefined();
      const rels = await doc.part("word/_rels/document.xml.rels");
      const target =
        rels.match(new RegExp(`Id="${id}"[^>]*Target="([^"]+)"`))?.[1] ?? rels.match(new RegExp(`Target="([^"]+)"[^>]*Id="${id}"`))?.[1];
      expect(target).toBeDefined();
      return doc.part(`word/${target}`);
    };

    it("turns on different odd and even footers", async () => {
      expect(await doc.part("word/settings.xml")).toMatch(/<w:evenAndOddHeaders\/>/);
    });

    it("prints “— N —” in 宋体 四号 with the PAGE field, off the grid", async () => {
      for (const type of ["default", "even"] as const) {
        const footer = await footerOf(type);
        expect(footer).toContain("PAGE");
        expect(paragraphs(footer)[0].text).toBe("—  —");
        expect(footer).toContain('w:eastAsia="宋体"');
        expect(footer).toContain('<w:sz w:val="28"/>');
        expect(footer).toContain('<w:snapToGrid w:val="false"/>');
        expect(footer).toMatch(/<w:spacing [^>]*w:line="280" w:lineRule="exact"/);
      }
    });

    it("puts odd pages' numbers on the right and even pages' on the left, one 四号 character in", async () => {
      const odd = await footerOf("default");
      expect(odd).toContain('<w:jc w:val="right"/>');
      expect(odd).toMatch(/<w:ind w:right="280"\/>/);
      const even = await footerOf("even");
      expect(even).toContain('<w:jc w:val="left"/>');
      expect(even).toMatch(/<w:ind w:left="280"\/>/);
    });

    it("sets the number 7 mm below the type area: the dash, half a 14 pt line up from the footer's foot", () => {
      const footer = Number(doc.document.match(/<w:pgMar [^>]*w:footer="(\d+)"/)?.[1]);
      expect(footer).toBe(1448);
      // From the paper's bottom edge: the type area ends at 1985; the dash sits at footer + 140.
      expect(1985 - (footer + 140)).toBe(397); // 7 mm × 56.7
    });
  });

  describe("signature and date (7.3.5.2)", () => {
    const ADVANCE = 314;
    const WIDTH = 11906 - 1588 - 1474;

    it("puts the name 2 characters in from the right and the date's first character 2 right of the name's", () => {
      // 中共金桥社区委员会 is 9 characters, 2026年11月22日 is 7: the date is the shorter.
      const name = para(DRAFT.signature);
      expect(name.xml).toContain('<w:jc w:val="right"/>');
      expect(name.xml).toMatch(/<w:ind w:right="628"\/>/);
      const date = para(DRAFT.date);
      expect(date.xml).toContain('<w:jc w:val="left"/>');
      const nameStart = WIDTH - 2 * ADVANCE - 9 * ADVANCE;
      expect(date.xml).toMatch(new RegExp(`<w:ind w:left="${nameStart + 2 * ADVANCE}"/>`));
    });

    it("when the date is the longer, puts it 2 characters in and moves the name left to match", async () => {
      const { paras } = await open({ ...DRAFT, signature: "金桥社区", date: "2026年12月2日" });
      const date = paras.find((p) => p.text === "2026年12月2日")!;
      expect(date.xml).toContain('<w:jc w:val="right"/>');
      expect(date.xml).toMatch(/<w:ind w:right="628"\/>/);
      // The date is 6½ characters (Arabic numerals are half width); its first character is 8½ in
      // from the right, so the name's first is 10½ in and, 4 characters long, it has 6½ to its right.
      const name = paras.find((p) => p.text === "金桥社区")!;
      expect(name.xml).toContain('<w:jc w:val="right"/>');
      expect(name.xml).toMatch(new RegExp(`<w:ind w:right="${Math.round(6.5 * ADVANCE)}"/>`));
    });

    it("works the spaces out in characters", () => {
      expect(signatureSpaces("中共金桥社区委员会", "2026年11月22日")).toEqual({ signature: 2, date: 2 });
      expect(signatureSpaces("中共金桥社区委员会", "2026年1月2日")).toEqual({ signature: 2, date: 3 });
      expect(signatureSpaces("金桥社区", "2026年12月2日")).toEqual({ date: 2, signature: 6.5 });
      expect(textWidth("2026年12月2日")).toBe(6.5);
    });

    it("writes the 成文日期 in Arabic numerals without leading zeros", async () => {
      expect(officialDate("2026年12月2日")).toBe("2026年12月2日");
      expect(officialDate("2026-12-02")).toBe("2026年12月2日");
      expect(officialDate("2026年12月02日")).toBe("2026年12月2日");
      expect(officialDate("二〇二六年十二月二日")).toBe("2026年12月2日");
      expect(officialDate("二〇二六年十月三十一日")).toBe("2026年10月31日");
      expect(officialDate("某日")).toBe("某日");
      const { paras } = await open({ ...DRAFT, date: "2026-12-02" });
      expect(paras.map((p) => p.text)).toContain("2026年12月2日");
    });
  });

  describe("the title's lines", () => {
    it("breaks a title too long for one line between words, with a line break in one paragraph", () => {
      const p = para(DRAFT.title);
      const runs = [...p.xml.matchAll(/<w:r>(.*?)<\/w:r>/gs)].map((m) => m[1]);
      expect(runs).toHaveLength(2);
      expect(runs[0]).toContain(">金桥社区2026年第四季度</w:t>");
      expect(runs[0]).not.toContain("<w:br/>");
      expect(runs[1]).toContain("<w:br/>");
      expect(runs[1]).toContain(">意识形态工作分析研判报告</w:t>");
    });

    it("keeps a title of up to 20 二号 characters on one line", () => {
      expect(titleLines("金桥社区2026年第四季度工作报告", "金桥社区")).toEqual(["金桥社区2026年第四季度工作报告"]);
    });

    it("breaks after the unit or the period and before the subject, never inside a word", () => {
      const cases: [string, string, string[]][] = [
        ["金桥社区2026年第四季度意识形态工作分析研判报告", "金桥社区", ["金桥社区2026年第四季度", "意识形态工作分析研判报告"]],
        [
          "关于中共金桥社区委员会2026年第四季度落实意识形态工作责任制情况的报告",
          "中共金桥社区委员会",
          ["关于中共金桥社区委员会2026年第四季度", "落实意识形态工作责任制情况的报告"],
        ],
        [
          "中共某某市某某区某某街道工作委员会2026年度意识形态工作分析研判报告",
          "中共某某市某某区某某街道工作委员会",
          ["中共某某市某某区某某街道工作委员会", "2026年度意识形态工作分析研判报告"],
        ],
      ];
      for (const [title, unit, lines] of cases) expect(titleLines(title, unit)).toEqual(lines);
    });

    it("never puts more than 20 二号 characters on a line, and avoids rectangles and hourglasses", () => {
      const unit = "中共某某省某某市某某县某某镇某某村某某组某某片区党支部委员会";
      const lines = titleLines(`${unit}2026年第四季度意识形态工作分析研判报告`, unit);
      expect(lines.join("")).toBe(`${unit}2026年第四季度意识形态工作分析研判报告`);
      expect(lines.length).toBe(3);
      const widths = lines.map(textWidth);
      for (const w of widths) expect(w).toBeLessThanOrEqual(20);
      expect(widths[1] < widths[0] && widths[1] < widths[2]).toBe(false);
      for (const line of lines) expect(line).not.toMatch(/^(会|的|年|报告)|(关于|的)$/);
    });
  });

  describe("主送机关", () => {
    it("puts it flush left on the line after the blank under the title, ending in a full-width colon", async () => {
      const { paras } = await open({ ...DRAFT, addressee: "中共金桥街道工作委员会" } as Draft);
      const texts = paras.map((p) => p.text);
      expect(texts.slice(0, 4)).toEqual([DRAFT.title, "", "中共金桥街道工作委员会：", DRAFT.preface[0].text]);
      const line = paras[2];
      expect(line.xml).toContain('<w:jc w:val="left"/>');
      expect(line.xml).not.toContain("w:firstLine");
      expect(line.xml).toContain('w:eastAsia="仿宋_GB2312"');
    });

    it("does not double a colon already given, and leaves the line out when there is none", async () => {
      const withColon = await open({ ...DRAFT, addressee: "金桥街道党工委:" } as Draft);
      expect(withColon.paras.map((p) => p.text)).toContain("金桥街道党工委：");
      expect(doc.paras.map((p) => p.text).some((t) => t.endsWith("："))).toBe(false);
      const blank = await open({ ...DRAFT, addressee: "  " } as Draft);
      expect(blank.paras.map((p) => p.text).slice(0, 3)).toEqual([DRAFT.title, "", DRAFT.preface[0].text]);
    });
  });

  it("records the title and the bot as creator in the document properties", async () => {
    const core = await doc.part("docProps/core.xml");
    expect(core).toContain(`<dc:title>${DRAFT.title}</dc:title>`);
    expect(core).toContain(`<dc:creator>${DOCX_CREATOR}</dc:creator>`);
  });

  it("shows markup-like user text literally, escaped in the XML", async () => {
    const nasty = `金桥<b>社区&"'`;
    const draft: Draft = {
      ...DRAFT,
      title: `${nasty}报告`,
      preface: [{ lead: "<i>", text: `主题：${nasty}</w:t></w:r>` }],
    };
    const { buffer, document, paras, part } = await open(draft);

    expect(document).toContain("金桥&lt;b&gt;社区&amp;");
    expect(document).not.toContain("<b>");
    expect(document).not.toContain("<i>");
    expect(paras.map((p) => p.text)).toContain(`${nasty}报告`);
    expect(paras.map((p) => p.text)).toContain(`<i>主题：${nasty}</w:t></w:r>`);
    expect(await part("docProps/core.xml")).toContain("<dc:title>金桥&lt;b&gt;社区&amp;");
    await expect(patchDocument({ outputType: "nodebuffer", data: buffer, patches: {} })).resolves.toBeInstanceOf(Buffer);
  });

  it("drops control characters XML cannot hold instead of writing a file Word refuses", async () => {
    const { buffer, paras } = await open({ ...DRAFT, preface: [{ text: "第一\u0001段\u000b落" }] });
    expect(paras.map((p) => p.text)).toContain("第一段落");
    await expect(patchDocument({ outputType: "nodebuffer", data: buffer, patches: {} })).resolves.toBeInstanceOf(Buffer);
  });

  it("every XML part is well-formed whatever the draft's text holds (U+FFFF, U+FFFE, controls, lone surrogates)", async () => {
    const bad = "\uFFFF\uFFFE\u0001\u001F\u007F\uDFFF\uD800";
    const nasty: Draft = {
      ...DRAFT,
      title: `金桥${bad}社区报告`,
      signature: `中共金桥${bad}社区委员会`,
      date: `2026年11月22日${bad}`,
      preface: [{ lead: `开头${bad}`, text: `正文${bad}` }],
      sections: [
        {
          heading: `一、${bad}情况`,
          paragraphs: [{ text: `主题：学习${bad}二十大` }],
          subsections: [{ heading: `（一）${bad}组织`, paragraphs: [{ text: `备注${bad}` }] }],
        },
      ],
    };
    const buffer = await draftToDocx(nasty);
    const zip = await JSZip.loadAsync(buffer);
    for (const name of Object.keys(zip.files).filter((n) => /\.(xml|rels)$/.test(n))) {
      const errors: string[] = [];
      const parser = new SaxesParser();
      parser.on("error", (e) => errors.push(e.message));
      const xml = await zip.file(name)!.async("string");
      parser.write(xml).close();
      expect(errors, name).toEqual([]);
      expect(xml, name).not.toMatch(/[\u0000-\u0008\u000B\u000C\u000E-\u001F\uFFFE\uFFFF]/);
    }
    const { paras } = await open(nasty);
    expect(paras.map((p) => p.text)).toContain("金桥\uFFFD\uFFFD社区报告");
    expect(paras.map((p) => p.text)).toContain("主题：学习\uFFFD\uFFFD二十大");
  });

  it("copes with a draft that has no preface and no sections", async () => {
    const { paras } = await open({ ...DRAFT, preface: [], sections: [] });
    expect(paras.map((p) => p.text).filter(Boolean)).toEqual([DRAFT.title, DRAFT.signature, DRAFT.date]);
  });
});
