// /报告 and /导出台账 from a parent unit's chat: a child unit whose name is also an option (文档,
// 精确), a period word (本月, 2026年, 上半年) or starts with a digit (12栋, 3号楼, 1组) can always
// be asked for; when a word is both, the reply says which reading it took and how to ask for the
// other; quotes or 单位: force a unit name.
import { describe, it, expect, beforeAll, afterAll } from "vitest";
import { makeHarness, type Harness } from "./harness.js";

const CHILDREN = ["文档", "精确", "本月", "2026年", "上半年", "12栋", "3号楼", "1组"];
/** The other reading of each name that is also an option or a period, as the note words it. */
const OTHER: Record<string, { meaning: string; alt: string }> = {
  文档: { meaning: "Word 文件", alt: "docx" },
  精确: { meaning: "精确数字", alt: "exact" },
  本月: { meaning: "时间段2026年11月", alt: "2026-11" },
  "2026年": { meaning: "时间段2026年", alt: "2026" },
  上半年: { meaning: "时间段2026年上半年", alt: "2026H1" },
};
const note = (name: string, command = "报告") =>
  `说明：「${name}」既是「金桥镇」的下级单位，也可以理解为${OTHER[name].meaning}；这里按下级单位「${name}」理解。如果要的是${OTHER[name].meaning}，请写「${OTHER[name].alt}」，例如：/${command} ${OTHER[name].alt}`;

let h: Harness;
beforeAll(async () => {
  h = await makeHarness({ now: "2026-11-22T10:00:00+08:00" });
  await h.ask("/bind 金桥镇", { chat: "镇群" });
  await h.ask("/记录 学习 20人 主题：镇里的学习", { chat: "镇群" });
  for (const [i, name] of CHILDREN.entries()) {
    expect(await h.ask(`/bind ${name} 金桥镇`, { chat: `群${i}` })).toMatch(new RegExp(`^已将本群绑定到「${name}」（上级：金桥镇）`));
    expect(await h.ask(`/记录 学习 ${i + 3}人 主题：${name}的学习`, { chat: `群${i}` })).toMatch(/^已记录/);
  }
  await h.ask("/bind 别镇", { chat: "别镇群" });
  await h.ask("/bind 9号院 别镇", { chat: "别镇院群" });
  await h.ask("/记录 学习 5人", { chat: "别镇院群" });
});
afterAll(async () => {
  await h.close();
});

const town = (text: string) => h.say(text, { chat: "镇群" });
const texts = async (text: string) => (await town(text)).map((r) => r.text);

describe("a child unit named like an option, a period or a number", () => {
  it.each(CHILDREN)("/报告 %s from the parent's chat is that child's draft", async (name) => {
    const replies = await town(`/报告 ${name}`);
    const draft = replies.at(-1)!;
    expect(draft.kind).toBe("draft");
    expect(draft.title).toBe(`${name}2026年第四季度意识形态工作分析研判报告`);
    // Its own figures (child i recorded i + 3 participants; the town's draft would sum them all).
    expect(draft.text).toMatch(new RegExp(`参学\\s?${CHILDREN.indexOf(name) + 3}\\s?人次`));
    // The note, only when the word could be read the other way.
    expect(replies.slice(0, -1).map((r) => r.text)).toEqual(OTHER[name] ? [note(name)] : []);
    // The button repeats the unit so that it cannot be read as anything else.
    expect(draft.actions).toEqual([{ label: "下载 Word", command: `/report 2026Q4 「${name}」 docx` }]);
    const [file] = await town(draft.actions![0].command);
    expect(file.file?.name).toBe(`${name}-2026Q4-分析研判报告.docx`);
  });

  it.each(CHILDREN)('「%s」, "…" and 单位:… force the unit, with no note', async (name) => {
    for (const line of [`/报告 「${name}」`, `/报告 单位:${name}`, `/报告 单位：${name}`, `/报告 "${name}"`]) {
      const replies = await town(line);
      expect(replies.map((r) => r.title ?? r.text)).toEqual([`${name}2026年第四季度意识形态工作分析研判报告`]);
    }
  });

  it.each(CHILDREN)("/导出台账 %s exports that child's ledger", async (name) => {
    const replies = await town(`/导出台账 ${name}`);
    // 文档 and 精确 change nothing in an export: only a period reading is worth a note there.
    const periodLike = OTHER[name]?.meaning.startsWith("时间段");
    expect(replies.map((r) => r.text)).toEqual([
      ...(periodLike ? [note(name, "导出台账")] : []),
      `${name} 2026年第四季度 意识形态工作台账：共 1 条记录，已导出为 Excel。`,
    ]);
  });

  it("the other reading is still there: the alternative word, or the option after the unit", async () => {
    // docx / exact / 2026-11 mean the option and the period, and the draft is the town's own.
    const [docx] = await town("/报告 docx");
    expect(docx.file?.name).toBe("金桥镇-2026Q4-分析研判报告.docx");
    const [month] = await town("/报告 2026-11");
    expect(month.title).toBe("金桥镇2026年11月意识形态工作分析研判报告");
    // A unit first, then the same word again: the second is the option.
    const replies = await town("/报告 「文档」 文档");
    expect(replies.map((r) => r.file?.name)).toEqual(["文档-2026Q4-分析研判报告.docx"]);
    const both = await town("/报告 文档 文档");
    expect(both.map((r) => r.file?.name ?? r.text)).toEqual([note("文档"), "文档-2026Q4-分析研判报告.docx"]);
    // A period and a child named like a period in one line.
    const [half] = await town("/报告 2026H1 「上半年」");
    expect(half.title ?? half.text).toMatch(/^「上半年」2026年上半年的台账里还没有任何记录/);
  });

  it("in a chat with no such child the words keep their meaning", async () => {
    const [file] = await h.say("/报告 文档", { chat: "群5" });
    expect(file.file?.name).toBe("12栋-2026Q4-分析研判报告.docx");
    const [exact] = await h.say("/报告 精确 本月", { chat: "群5" });
    expect(exact.title).toMatch(/^12栋2026年11月/);
  });

  it("names outside the chat's subtree are refused as if they did not exist; bad quoting and two units are explained", async () => {
    expect(await texts("/报告 9号院")).toEqual([
      "没看懂「9号院」。可以生成：季度意识形态工作分析研判报告（/报告 本季度）、半年或年度落实意识形态工作责任制情况的报告（/报告 上半年、/报告 2026年）、述职报告（/报告 述职）、工作总结及下一年工作计划（/报告 总结）、下一年工作要点（/报告 要点）。时间段可以写：本季度、上季度、2026Q3、2026年第三季度、本月、2026年11月、上半年、2026H2、今年、2025年；加「文档」返回 Word 文件，加「精确」写精确数字；上级单位可加下级单位名，名字像时间或选项时加引号，例如「文档」或 单位:12栋。",
    ]);
    // No match: the subtree's nearest names (here the child sharing 号), never the other town's 9号院.
    expect(await texts("/报告 「9号院」")).toEqual(["「金桥镇」下没有名为「9号院」的单位。相近的有：3号楼。"]);
    expect(await texts("/导出台账 单位:别镇")).toEqual(["「金桥镇」下没有名为「别镇」的单位。"]);
    expect(await texts("/报告 「文档")).toEqual(["「「文档」的引号没有配对。下级单位名请写成「单位名」，例如：/报告 「文档」"]);
    expect(await texts("/报告 「」")).toEqual(["「「」」里没有单位名。请写成「单位名」，例如：/报告 「文档」"]);
    expect(await texts("/报告 「文档」 「精确」")).toEqual(["一次只能写一个单位：已经写了「文档」，又写了「精确」。请分两次发送。"]);
    expect(await texts("/报告 12栋 3号楼")).toEqual(["一次只能写一个单位：已经写了「12栋」，又写了「3号楼」。请分两次发送。"]);
  });
});
