import { describe, it, expect, beforeAll } from "vitest";
import JSZip from "jszip";
// saxes is exceljs's own XML parser (installed with it): strict XML 1.0, character checks included.
import { SaxesParser } from "saxes";
import { patchDocument } from "docx";
import { draftToDocx, DOCX_CREATOR } from "../src/report/docx.js";
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

  it("sets the title in 方正小标宋简体 二号, centred", () => {
    const p = para(DRAFT.title);
    expect(p.xml).toContain('w:eastAsia="方正小标宋简体"');
    expect(p.xml).toContain('w:ascii="方正小标宋简体"');
    expect(p.xml).toContain('w:hAnsi="方正小标宋简体"');
    expect(p.xml).toContain('<w:sz w:val="44"/>');
    expect(p.xml).toContain('<w:jc w:val="center"/>');
  });

  it("sets the body in 仿宋_GB2312 三号 with a 2-character indent and fixed 28 pt lines", () => {
    const p = para(DRAFT.preface[0].text);
    expect(p.xml).toContain('w:eastAsia="仿宋_GB2312"');
    expect(p.xml).toContain('<w:sz w:val="32"/>');
    expect(p.xml).toMatch(/<w:ind [^>]*w:firstLine="640"/);
    expect(p.xml).toMatch(/<w:spacing [^>]*w:line="560" w:lineRule="exact"/);
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
      expect(p.xml).toMatch(/<w:ind [^>]*w:firstLine="640"/);
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

  it("right-aligns the signature and the date in 仿宋_GB2312 三号", () => {
    for (const text of [DRAFT.signature, DRAFT.date]) {
      const p = para(text);
      expect(p.xml).toContain('<w:jc w:val="right"/>');
      expect(p.xml).toContain('w:eastAsia="仿宋_GB2312"');
      expect(p.xml).toContain('<w:sz w:val="32"/>');
    }
  });

  it("uses A4 paper with the GB/T 9704 margins", () => {
    expect(doc.document).toMatch(/<w:pgSz w:w="11906" w:h="16838"/);
    const margin = doc.document.match(/<w:pgMar ([^>]*)\/>/)?.[1] ?? "";
    expect(margin).toContain('w:top="2098"');
    expect(margin).toContain('w:bottom="1985"');
    expect(margin).toContain('w:left="1588"');
    expect(margin).toContain('w:right="1474"');
  });

  it("numbers the pages “— N —” in 宋体 四号, centred", async () => {
    const footerName = Object.keys(doc.zip.files).find((n) => /^word\/footer\d+\.xml$/.test(n));
    expect(footerName).toBeDefined();
    const footer = await doc.part(footerName!);
    expect(footer).toContain("PAGE");
    expect(paragraphs(footer)[0].text).toBe("—  —");
    expect(footer).toContain('w:eastAsia="宋体"');
    expect(footer).toContain('<w:sz w:val="28"/>');
    expect(footer).toContain('<w:jc w:val="center"/>');
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
