// Text that is safe to keep and to show (src/domain/text.ts): command lines keep emoji sequences
// whole and lose invisible, direction-changing and control characters; names are stored and shown
// without them; every document the bot writes is well-formed XML whatever the ledger holds.
import { describe, it, expect, beforeAll, afterAll } from "vitest";
import fc from "fast-check";
import JSZip from "jszip";
import { SaxesParser } from "saxes";
import { normaliseText, safeName, displaySafe, xmlSafe, cutChars } from "../src/domain/text.js";
import { normaliseText as parserNormalise, parseRecord } from "../src/domain/parser.js";
import { makeHarness, type Harness } from "./harness.js";

const FAMILY = "👨\u200D👩\u200D👧\u200D👦";
const EMOJI_SEQUENCES = [
  FAMILY,
  "👩🏽\u200D💻", // skin tone, then a joiner
  "🏳\uFE0F\u200D🌈", // variation selector, then a joiner
  "❤\uFE0F\u200D🔥",
  "1\uFE0F\u20E3", // keycap
  "🏴\u{E0067}\u{E0062}\u{E0073}\u{E0063}\u{E0074}\u{E007F}", // tag sequence (Scotland)
  "☺\uFE0E", // text presentation
];
const BIDI = ["\u202A", "\u202B", "\u202C", "\u202D", "\u202E", "\u2066", "\u2067", "\u2068", "\u2069", "\u200E", "\u200F", "\u061C"];

describe("normaliseText (the parser's and the router's)", () => {
  it("is the one in src/domain/text.ts", () => {
    expect(parserNormalise).toBe(normaliseText);
  });

  it.each(EMOJI_SEQUENCES)("keeps the emoji sequence %s whole", (seq) => {
    expect(normaliseText(`主题 ${seq}亲子共读`)).toBe(`主题 ${seq}亲子共读`);
  });

  it("drops a zero-width joiner that joins no emoji, and the other zero-width characters", () => {
    expect(normaliseText("学\u200D习 12\u200D人")).toBe("学习 12人");
    expect(normaliseText("👨\u200D学习")).toBe("👨学习");
    expect(normaliseText("学习\u200D👨")).toBe("学习👨");
    expect(normaliseText("👨\u200D\u200D👩")).toBe("👨👩");
    expect(normaliseText("学\u200B习\u200C\u2060\uFEFF")).toBe("学习");
  });

  it.each(BIDI.map((c) => [c.codePointAt(0)!.toString(16), c]))("drops the bidi control U+%s", (_, c) => {
    expect(normaliseText(`金桥${c}社区 学习${c} 12人`)).toBe("金桥社区 学习 12人");
  });

  it("drops control characters and noncharacters; line breaks and tabs become spaces", () => {
    expect(normaliseText("学习\u0001\u0007\u001B\u007F\u0090 12人")).toBe("学习 12人");
    expect(normaliseText("学习\r\n12人\t主题\u2028x\u0085y")).toBe("学习 12人 主题 x y");
    expect(normaliseText("学习\uFFFF\uFFFE\uFDD0 12人")).toBe("学习 12人");
    expect(normaliseText("半个\uD83D表情")).toBe("半个\uFFFD表情");
  });

  it("still reads full-width forms (NFKC)", () => {
    expect(normaliseText("ＳＴＵＤＹ　１２人")).toBe("STUDY 12人");
  });

  it("is idempotent (the router and then the parser both apply it)", () => {
    const interesting = fc.constantFrom(
      ..."a学1 ：".split(""),
      "\u200D",
      "\u200B",
      "\uFE0F",
      "\u0301",
      "™",
      "👨",
      "🏽",
      "\u202E",
      "\u0001",
      "\uD83D",
      "\uDC68",
      "\uFFFF",
      "\u0085",
      "ｅ",
    );
    fc.assert(
      fc.property(fc.oneof(fc.string({ unit: interesting, maxLength: 12 }), fc.string({ unit: "binary", maxLength: 12 })), (s) => {
        const once = normaliseText(s);
        expect(normaliseText(once)).toBe(once);
      }),
      { numRuns: 3000, seed: 20261122 },
    );
  });

  it("a record line: an emoji family in the topic stays one family; a joiner inside a figure is dropped", () => {
    expect(parseRecord(`学习 12人 主题：${FAMILY}亲子共读`, "2026-11-22").topic).toBe(`${FAMILY}亲子共读`);
    expect(parseRecord("学习\u200B12\u200D人", "2026-11-22").participants).toBe(12);
    expect(parseRecord("学习 12人\u200E 主题：\u202E二十大", "2026-11-22")).toMatchObject({ participants: 12, topic: "二十大" });
  });
});

describe("safeName (for unit and display names; the router's cut() can call it)", () => {
  it.each([
    ["张\u202E三", "张三"],
    ["\u2067王五\u2069", "王五"],
    ["\u0001李\u0007四\n", "李四"],
    ["  金桥\t社区 \u3000 党支部  ", "金桥 社区 党支部"],
    ["\u200B\u200E", ""],
    [`${FAMILY}之家`, `${FAMILY}之家`],
    ["ＡＢＣ社区", "ABC社区"],
  ])("%j → %j", (raw, name) => {
    expect(safeName(raw)).toBe(name);
  });

  it("cuts to a number of code points without splitting an emoji sequence", () => {
    expect(safeName(`张三${FAMILY}`, 4)).toBe("张三");
    expect(safeName(`张三${FAMILY}`, 9)).toBe(`张三${FAMILY}`);
    expect(safeName("张三 李四", 3)).toBe("张三");
    expect(cutChars("😀😀😀", 2)).toBe("😀😀");
  });

  it("displaySafe shows a stored name without what cannot be seen; xmlSafe keeps all XML can carry", () => {
    expect(displaySafe("金桥\u202E社区\uFFFF\u0001")).toBe("金桥社区");
    expect(displaySafe(`${FAMILY}ＡＢ`)).toBe(`${FAMILY}ＡＢ`); // nothing rewritten
    expect(xmlSafe("a\u202Eb\tc\nd\uFFFF\u0001\uD800")).toBe("a\u202Eb\tc\nd\uFFFD");
  });
});

/** Every XML part of an Office file parsed strictly: the errors by part (empty when well-formed). */
async function xmlErrors(buffer: Buffer): Promise<Record<string, string[]>> {
  const zip = await JSZip.loadAsync(buffer);
  const out: Record<string, string[]> = {};
  for (const name of Object.keys(zip.files).filter((n) => /\.(xml|rels)$/.test(n))) {
    const errors: string[] = [];
    const parser = new SaxesParser();
    parser.on("error", (e) => errors.push(e.message));
    parser.write(await zip.file(name)!.async("string")).close();
    if (errors.length) out[name] = errors;
  }
  return out;
}

describe("through the bot", () => {
  let h: Harness;
  beforeAll(async () => {
    h = await makeHarness();
  });
  afterAll(async () => {
    await h?.close();
  });

  it("a display name is stored without bidi or control characters", async () => {
    await h.say("/帮助", { user: "u-bidi", userName: "张\u202E三\u0007" });
    const member = await h.app.store.db.member.findFirstOrThrow({ where: { externalId: "u-bidi" } });
    expect(member.name).toBe("张三");
  });

  it("a unit bound with a bidi override in its name is stored without it", async () => {
    const reply = await h.ask("/绑定 金桥\u202E社区 金桥\u2066镇", { chat: "金桥社区群" });
    expect(reply).toContain("已将本群绑定到「金桥社区」");
    const names = (await h.app.store.db.unit.findMany({ orderBy: { id: "asc" } })).map((u) => u.name);
    expect(names).toEqual(["金桥镇", "金桥社区"]);
  });

  it("a topic keeps its emoji family", async () => {
    const reply = await h.ask(`/记录 学习 12人 主题：${FAMILY}亲子共读`, { chat: "金桥社区群" });
    const id = Number(/^已记录 #(\d+)/.exec(reply)?.[1]);
    expect((await h.app.store.db.record.findUniqueOrThrow({ where: { id } })).topic).toBe(`${FAMILY}亲子共读`);
  });

  it("/导出台账 and /报告 文档 give well-formed files from records holding U+FFFF, for the unit and its parent", async () => {
    const db = h.app.store.db;
    // 金桥镇 exists (created as the parent): joining it is confirmed.
    expect(await h.ask("/绑定 金桥镇 确认", { chat: "金桥镇群" })).toMatch(/^已将本群绑定到「金桥镇」/);
    const unit = await db.unit.findUniqueOrThrow({ where: { name: "金桥社区" } });
    // Written as an older version (or a hand edit) could have: past every input filter.
    const member = await db.member.create({ data: { platform: "test", externalId: "old", name: "李\uFFFE四\u202E" } });
    await db.record.create({
      data: {
        unitId: unit.id,
        memberId: member.id,
        kind: "study",
        participants: 9,
        day: "2026-11-20",
        topic: "学习\uFFFF二十大\u0001精神",
        note: "\uFFFE备注",
        sourcePlatform: "test",
        sourceChat: "x",
        sourceMessageId: "old-1",
      },
    });
    for (const chat of ["金桥社区群", "金桥镇群"]) {
      const xlsx = (await h.say("/导出台账", { chat })).find((r) => r.file);
      expect(xlsx?.file, chat).toBeDefined();
      expect(await xmlErrors(xlsx!.file!.data), chat).toEqual({});
      const docx = (await h.say("/报告 文档", { chat })).find((r) => r.file);
      expect(docx?.file, chat).toBeDefined();
      expect(await xmlErrors(docx!.file!.data), chat).toEqual({});
    }
  });

  it("a draft shows a stored unit name without its direction override", async () => {
    const db = h.app.store.db;
    // A name stored before names were cleaned: shown cleaned, wherever the draft names it.
    await db.unit.update({ where: { name: "金桥社区" }, data: { name: "金桥\u202E社区" } });
    h.app.ledger.invalidate();
    const text = await h.ask("/报告", { chat: "金桥社区群" });
    expect(text).toContain("金桥社区2026年第四季度意识形态工作分析研判报告");
    expect(text).not.toContain("\u202E");
    const town = await h.ask("/报告", { chat: "金桥镇群" });
    expect(town).toContain("金桥社区：");
    expect(town).not.toContain("\u202E");
  });
});
