// Every command through the router, with the exact replies users see and the rows it leaves.
import { describe, it, expect, beforeEach, afterEach } from "vitest";
import { makeHarness, type Harness } from "./harness.js";
import { TEST_STORE } from "./db.js";

let h: Harness;
beforeEach(async () => {
  h = await makeHarness();
});
afterEach(async () => {
  await h.close();
});

const UNBOUND = "本群还没有绑定单位。请管理员发送：/bind 单位名 [上级单位名]\n例如：/bind 金桥社区 金桥镇";

async function liveRecords() {
  return h.app.store.db.record.findMany({ where: { deletedAt: null }, orderBy: { id: "asc" } });
}

it("runs on the store the suite was asked for", () => {
  expect(h.app.store.provider).toBe(TEST_STORE === "postgres" ? "postgresql" : "sqlite");
});

describe("/bind", () => {
  it("binds the chat, creating the unit and its parent, and audits it", async () => {
    expect(await h.ask("/bind 金桥社区 金桥镇")).toBe(
      "已将本群绑定到「金桥社区」（上级：金桥镇）。已新建上级单位「金桥镇」。已新建单位「金桥社区」。\n现在可以登记工作了，例如：/record 学习 12人；发送 /help 查看全部命令。",
    );
    const units = await h.app.store.db.unit.findMany({ orderBy: { id: "asc" } });
    expect(units.map((u) => [u.name, u.parentId])).toEqual([
      ["金桥镇", null],
      ["金桥社区", units[0].id],
    ]);
    const chat = await h.app.store.db.chat.findFirstOrThrow({ where: { externalId: "测试群" } });
    expect(chat.unitId).toBe(units[1].id);
    const audit = await h.app.store.db.auditLog.findMany({ orderBy: { id: "asc" } });
    expect(audit.map((a) => [a.actor, a.action])).toEqual([
      ["test:admin", "unit.create"],
      ["test:admin", "unit.create"],
      ["test:admin", "chat.bind"],
    ]);
  });

  it("says so when the chat is already bound to that unit", async () => {
    await h.ask("/绑定 金桥社区");
    expect(await h.ask("/绑定 金桥社区")).toBe("本群已经绑定到「金桥社区」，无需重复绑定。");
  });

  it("asks for confirmation before rebinding, then rebinds and audits", async () => {
    await h.ask("/bind 金桥社区");
    expect(await h.ask("/bind 浦东社区")).toBe(
      "本群现在绑定的是「金桥社区」，改绑后新记录将记入「浦东社区」（已有记录不变）。\n确认请发送：/bind 浦东社区 确认",
    );
    const chat = await h.app.store.db.chat.findFirstOrThrow({ include: { unit: true } });
    expect(chat.unit?.name).toBe("金桥社区");
    expect(await h.ask("/bind 浦东社区 确认")).toBe(
      "已将本群改绑到「浦东社区」。已新建单位「浦东社区」。\n现在可以登记工作了，例如：/record 学习 12人；发送 /help 查看全部命令。",
    );
    const after = await h.app.store.db.chat.findFirstOrThrow({ include: { unit: true } });
    expect(after.unit?.name).toBe("浦东社区");
    expect(await h.app.store.db.auditLog.count({ where: { action: "chat.rebind" } })).toBe(1);
  });

  it("refuses a unit under its own descendant", async () => {
    await h.ask("/bind 金桥社区 金桥镇");
    expect(await h.ask("/bind 金桥镇 金桥社区 确认", { chat: "镇群" })).toBe(
      "「金桥社区」是「金桥镇」的下级单位，不能反过来作为它的上级。",
    );
    expect((await h.app.store.db.unit.findUniqueOrThrow({ where: { name: "金桥镇" } })).parentId).toBeNull();
  });

  it("validates the names", async () => {
    expect(await h.ask("/bind")).toBe("用法：/bind 单位名 [上级单位名]\n例如：/bind 金桥社区 金桥镇（把本群绑定到金桥社区，上级是金桥镇）");
    expect(await h.ask("/bind <b>x</b>")).toBe("单位名「<b>x</b>」不合适：请用 1–40 个字，不要含空格和 / @ # < > 等符号。");
    expect(await h.ask("/bind 甲 甲")).toBe("单位不能是自己的上级。");
  });

  it("six chats binding under the same new parent at once all end bound under one parent", async () => {
    const replies = await Promise.all(Array.from({ length: 6 }, (_, i) => h.ask(`/bind 村${i + 1} 新镇`, { chat: `村群${i + 1}` })));
    for (const r of replies) expect(r).toMatch(/^已将本群绑定到「村\d」（上级：新镇）/);
    const town = await h.app.store.db.unit.findUniqueOrThrow({ where: { name: "新镇" } });
    expect(await h.app.store.db.unit.count({ where: { parentId: town.id } })).toBe(6);
    expect(await h.app.store.db.chat.count({ where: { unitId: { not: null } } })).toBe(6);
  });

  it("is for administrators only", async () => {
    // Named as they typed it: /bind after /bind, /绑定 after /绑定.
    expect(await h.ask("/bind 金桥社区", { user: "bob" })).toBe("只有管理员可以使用 /bind。你的身份是成员。");
    expect(await h.ask("/绑定 金桥社区", { user: "bob" })).toBe("只有管理员可以使用 /绑定。你的身份是成员。");
    expect(await h.app.store.db.unit.count()).toBe(0);
  });
});

describe("/record", () => {
  beforeEach(async () => {
    await h.ask("/bind 金桥社区 金桥镇");
  });

  it("confirms with the id and the quarter's running total, and stores every field", async () => {
    const replies = await h.say("/record study 12 people", { user: "alice" });
    expect(replies).toEqual([
      {
        kind: "record",
        title: "已记录",
        text: "已记录 #1：理论学习 1 次，12 人参加（11月22日）。本季度累计理论学习 1 次、参学 12 人次。发送 /undo 撤销，/edit 1 更正。",
        actions: [{ label: "撤销", command: "/undo 1" }],
        recordId: 1,
      },
    ]);
    expect(await h.ask("/记录 学习 中心组学习 8人 主题：二十大精神", { user: "alice" })).toBe(
      "已记录 #2：党委理论学习中心组学习 1 次，8 人参加，主题「二十大精神」（11月22日）。本季度累计理论学习 2 次、参学 20 人次。发送 /撤销 撤销，/修改 2 更正。",
    );
    const [r] = await liveRecords();
    const member = await h.app.store.db.member.findFirstOrThrow({ where: { externalId: "alice" } });
    expect(r).toMatchObject({
      kind: "study",
      sessions: 1,
      participants: 12,
      day: "2026-11-22",
      memberId: member.id,
      sourcePlatform: "test",
      sourceChat: "测试群",
    });
    expect(await h.app.store.db.auditLog.count({ where: { action: "record.create" } })).toBe(2);
  });

  it("words distributions, lectures and approximate figures", async () => {
    expect(await h.ask("/记录 发放 宣传册 3000余份 11月20日")).toBe(
      "已记录 #1：发放宣传册 约 3000 份（11月20日）。本季度累计宣传发放 1 次：发放宣传册 3000 份。发送 /撤销 撤销，/修改 1 更正。",
    );
    expect(await h.ask("/记录 宣讲 3场 约200人次")).toBe(
      "已记录 #2：宣讲 3 场，约 200 人参加（11月22日）。本季度累计宣讲 3 场、受众 200 人次。发送 /撤销 撤销，/修改 2 更正。",
    );
    expect(await h.ask("/record distribution banners 12")).toBe(
      "已记录 #3：悬挂横幅 12 条（11月22日）。本季度累计宣传发放 2 次：发放宣传册 3000 份，悬挂横幅 12 条。发送 /undo 撤销，/edit 3 更正。",
    );
  });

  it("flags a date in a closed quarter, with the year when it is last year's", async () => {
    expect(await h.ask("/记录 会议 专题会议 2026-09-30")).toBe(
      "已记录 #1：意识形态工作专题会议 1 次（9月30日）。2026年第三季度累计会议 1 次。注意：9月30日属于已结束的2026年第三季度，已计入该季度。发送 /撤销 撤销，/修改 1 更正。",
    );
    // A month and day without a year is the nearest such day: on 11月22日, 12月1日 is still ahead
    // (refused, never moved to last year), 12月20日 typed in January is last December's.
    expect(await h.ask("/记录 学习 5人 12月1日")).toBe(
      "日期「12月1日」（2026年12月1日）还没到，不能记录尚未发生的事。\n正确示例：/记录 学习 中心组学习 12人 主题：二十大精神",
    );
    h.now = new Date("2027-01-05T10:00:00+08:00");
    expect(await h.ask("/记录 学习 5人 12月20日")).toBe(
      "已记录 #2：理论学习 1 次，5 人参加（2026年12月20日）。2026年第四季度累计理论学习 1 次、参学 5 人次。注意：2026年12月20日属于已结束的2026年第四季度，已计入该季度。发送 /撤销 撤销，/修改 2 更正。",
    );
  });

  it("answers /record@BotName, /记录学习 without a space, and a mention without a slash", async () => {
    expect(await h.ask("/record@LedgerBot 会议 部署会")).toContain("已记录 #1：意识形态工作部署会 1 次");
    expect(await h.ask("/记录学习 8人")).toContain("已记录 #2：理论学习 1 次，8 人参加");
    expect(await h.ask("记录 学习 5人", { addressedToBot: true })).toContain("已记录 #3：理论学习 1 次，5 人参加");
    expect(await h.say("/record@OtherBot 会议 部署会")).toEqual([]);
    expect(await h.say("记录 学习 5人")).toEqual([]);
    expect(await liveRecords()).toHaveLength(3);
  });

  it("creates one record when the same message id is processed twice, and replies again", async () => {
    const first = await h.ask("/record study 12 people", { messageId: "same-1" });
    // The same delivery again is dropped by the core's event claim: no reply, nothing recorded.
    expect(await h.ask("/record study 12 people", { messageId: "same-1" })).toBe("");
    // Another delivery of the same message (a new update id, a claim taken over from a dead
    // process) reaches the record command, whose unique source key keeps the ledger at one row.
    const second = await h.ask("/record study 12 people", { messageId: "same-1", eventKey: "update:2" });
    expect(first).toContain("已记录 #1");
    expect(second).toBe(
      "这条消息已经记录过了（#1），没有重复登记。已记录 #1：理论学习 1 次，12 人参加（11月22日）。本季度累计理论学习 1 次、参学 12 人次。发送 /undo 撤销，/edit 1 更正。",
    );
    expect(await h.app.store.db.record.count()).toBe(1);
    // The same id in another chat is another message.
    await h.ask("/bind 浦东社区", { chat: "另一群" });
    expect(await h.ask("/record study 3 people", { messageId: "same-1", chat: "另一群" })).toContain("已记录 #2");
  });

  it("refuses bad input with an exact reply and writes nothing", async () => {
    const cases: [string, string][] = [
      [
        "/record 飞机 12人",
        "没看懂「飞机」是哪一类工作。请先写类别（会议、学习、宣传发放、宣讲、活动、信息发布、舆情、报送）。如需写明主题，请用「主题：…」。\n正确示例：/record 学习 中心组学习 12人 主题：二十大精神",
      ],
      ["/record 学习", "已记录"],
      ["/record 学习 12", "「12」是人数还是次数？请写成 12人 或 12次。\n正确示例：/record 学习 中心组学习 12人 主题：二十大精神"],
      ["/record 发放 宣传册", "请写明宣传发放的数量，例如 3000份、12条。\n正确示例：/record 发放 宣传册 3000份 11月20日"],
      ["/record 学习 -3人", "「-3人」是负数，人数和数量都必须大于 0。\n正确示例：/record 学习 中心组学习 12人 主题：二十大精神"],
      ["/record 发放 宣传单 20000001份", "「20000001份」超过 1000 万，数字不合理，请检查。\n正确示例：/record 发放 宣传册 3000份 11月20日"],
      [
        "/record 学习 12人 明天",
        "日期「明天」（2026年11月23日）还没到，不能记录尚未发生的事。\n正确示例：/record 学习 中心组学习 12人 主题：二十大精神",
      ],
      [
        "/record 学习 12人 2026-11-23",
        "日期「2026-11-23」（2026年11月23日）还没到，不能记录尚未发生的事。\n正确示例：/record 学习 中心组学习 12人 主题：二十大精神",
      ],
      [`/record 学习 ${"一".repeat(5000)}`, "消息太长（5011 字）。一条命令请不超过 1000 字，主题和备注可以写简短些。"],
      ["/record 学习 12人\u0000", "消息里有无法显示的控制字符，可能是复制粘贴带进来的。请重新输入这条命令。"],
      ["/record 学习 12人\u001b[31m", "消息里有无法显示的控制字符，可能是复制粘贴带进来的。请重新输入这条命令。"],
    ];
    let expectedRecords = 0;
    for (const [line, reply] of cases) {
      const got = await h.ask(line);
      if (reply === "已记录") {
        expect(got).toContain(reply);
        expectedRecords++;
        continue;
      }
      expect(got, line).toBe(reply);
      expect(await h.app.store.db.record.count()).toBe(expectedRecords);
    }
  });

  it("needs a bound chat", async () => {
    expect(await h.ask("/record study 12 people", { chat: "未绑定群" })).toBe(UNBOUND);
    expect(await h.app.store.db.record.count()).toBe(0);
  });

  it("in a private chat a line without a slash is a command", async () => {
    await h.ask("/bind 私聊单位", { chat: "dm" });
    expect(await h.ask("记录 学习 3人", { chat: "dm", direct: true })).toContain("已记录 #1");
    expect(await h.ask("学习 3人", { chat: "dm", direct: true })).toBe("要记录「学习」吗？请这样写：/记录 学习 3人");
  });
});

describe("/undo and /delete", () => {
  beforeEach(async () => {
    await h.ask("/bind 金桥社区 金桥镇");
    await h.ask("/record study 12 people", { user: "alice" });
    await h.ask("/record 会议 部署会", { user: "alice" });
    await h.ask("/record study 5 people", { user: "bob" });
  });

  it("/undo takes back the sender's own last record and keeps the row", async () => {
    expect(await h.ask("/undo", { user: "alice" })).toBe("已撤销 #2：意识形态工作部署会 1 次（11月22日）。本季度会议暂无记录。");
    expect(await h.ask("/撤销", { user: "alice" })).toBe(
      "已撤销 #1：理论学习 1 次，12 人参加（11月22日）。本季度累计理论学习 1 次、参学 5 人次。",
    );
    expect(await h.ask("/undo", { user: "alice" })).toBe("你在 24 小时内没有可撤销的记录。更早的记录请用 /delete 编号。");
    const rows = await h.app.store.db.record.findMany({ orderBy: { id: "asc" } });
    expect(rows.map((r) => r.deletedAt !== null)).toEqual([true, true, false]);
    expect(await h.app.store.db.auditLog.count({ where: { action: "record.undo" } })).toBe(2);
  });

  it("/undo ID refuses another person's record and old records", async () => {
    expect(await h.ask("/undo 3", { user: "alice" })).toBe("#3 不是你登记的，只能撤销自己的记录。管理员可以用 /delete 3。");
    h.now = new Date("2026-11-24T10:00:00+08:00");
    expect(await h.ask("/undo 1", { user: "alice" })).toBe("#1 登记已超过 24 小时，请用 /delete 1。");
    expect(await h.ask("/撤销 1", { user: "alice" })).toBe("#1 登记已超过 24 小时，请用 /删除 1。");
    expect(await h.ask("/undo 99", { user: "alice" })).toBe("本单位没有记录 #99。发送 /list 查看记录编号。");
    expect(await h.ask("/undo x", { user: "alice" })).toBe("用法：/undo 或 /undo 记录编号，例如 /undo 128");
    expect(await h.ask("/撤销 x", { user: "alice" })).toBe("用法：/撤销 或 /撤销 记录编号，例如 /撤销 128");
    expect(await liveRecords()).toHaveLength(3);
  });

  it("/delete: the author or an administrator, never another unit's record", async () => {
    expect(await h.ask("/delete 1", { user: "bob" })).toBe(
      "只有管理员、本单位宣传员或记录人本人可以删除 #1。如需删除，请联系记录人、本单位宣传员或管理员。",
    );
    expect(await h.ask("/delete 3", { user: "bob" })).toBe(
      "已删除 #3：理论学习 1 次，5 人参加（11月22日）。本季度累计理论学习 1 次、参学 12 人次。",
    );
    expect(await h.ask("/删除 #1")).toBe("已删除 #1：理论学习 1 次，12 人参加（11月22日）。本季度理论学习暂无记录。");
    expect(await h.ask("/delete 1")).toBe("记录 #1 已经删除过了。");
    expect(await h.ask("/delete")).toBe("请写要删除的记录编号，例如：/delete 128（编号见 /list）");
    expect(await h.ask("/删除")).toBe("请写要删除的记录编号，例如：/删除 128（编号见 /明细）");
    // Another branch's chat cannot see or delete this unit's records.
    await h.ask("/bind 浦东社区 金桥镇", { chat: "浦东群" });
    expect(await h.ask("/delete 2", { chat: "浦东群" })).toBe("本单位没有记录 #2。发送 /list 查看记录编号。");
    expect((await h.app.store.db.record.findUniqueOrThrow({ where: { id: 2 } })).deletedAt).toBeNull();
  });
});

describe("/list and /stats", () => {
  beforeEach(async () => {
    await h.ask("/bind 金桥镇", { chat: "镇群" });
    await h.ask("/bind 金桥社区 金桥镇");
    await h.ask("/record study 12 people", { user: "alice" });
    await h.ask("/record 会议 专题会议 11月3日", { user: "alice" });
    await h.ask("/record 发放 宣传单 6123份 10月15日", { user: "alice" });
    await h.ask("/record 学习 4人", { user: "carol", chat: "镇群" });
  });

  it("/list shows the period's records with ids, a parent's with the child's name", async () => {
    expect(await h.ask("/list")).toBe(
      [
        "金桥社区 2026年第四季度记录（共 3 条）：",
        "#3 10月15日 发放宣传单 6123 份（alice）",
        "#2 11月3日 意识形态工作专题会议 1 次（alice）",
        "#1 11月22日 理论学习 1 次，12 人参加（alice）",
      ].join("\n"),
    );
    expect(await h.ask("/明细", { chat: "镇群" })).toBe(
      [
        "金桥镇 2026年第四季度记录（共 4 条）：",
        "#3 10月15日 发放宣传单 6123 份 [金桥社区]（alice）",
        "#2 11月3日 意识形态工作专题会议 1 次 [金桥社区]（alice）",
        "#1 11月22日 理论学习 1 次，12 人参加 [金桥社区]（alice）",
        "#4 11月22日 理论学习 1 次，4 人参加（carol）",
      ].join("\n"),
    );
    expect(await h.ask("/list 上季度")).toBe("金桥社区 2026年第三季度记录：暂无。用 /record 登记，例如：/record 学习 12人");
  });

  it("/stats shows the figures (12 participants) and the requirements' progress", async () => {
    expect(await h.ask("/stats")).toBe(
      [
        "金桥社区 2026年第四季度（10月1日—12月31日）统计：",
        "· 会议 1 次（其中意识形态工作专题会议 1 次）",
        "· 理论学习 1 次、参学 12 人次",
        "· 宣传发放 1 次：发放宣传单 6123 份",
        "",
        "要求完成情况（✅ 已完成 ⏳ 进行中 ❌ 未完成 · 未开始或在绑定前）：",
        "专题研究意识形态工作（每季度不少于 1 次）：✅ 1/1",
        "理论学习（每月不少于 1 次）：· 10月 0/1，✅ 11月 1/1，· 12月 0/1",
        "季度意识形态工作分析研判报告（每季度）：⏳ 未报送（截止 12月31日）",
        "向上级报告意识形态工作（每半年）：⏳ 下半年 未报送（截止 12月31日）",
        "年度意识形态工作责任制落实情况报告（每年）：⏳ 未报送（截止 12月31日）",
        "",
        "佐证材料（本季度，按部署要求）：",
        "· 1 条学习记录缺少照片",
        "· 1 条会议记录缺少照片",
        "· 1 条会议记录缺少参加人员或签到表",
        "· 1 条会议记录缺少纪要",
        "补充方法：回复记录的确认消息发送照片或签到表；/edit 编号 参加人员：… 或 纪要：…；/list #编号 查看一条记录的材料。",
      ].join("\n"),
    );
  });

  it("/stats in the parent's chat sums the children", async () => {
    const text = await h.ask("/统计 本季度", { chat: "镇群" });
    expect(text.split("\n").slice(0, 4)).toEqual([
      "金桥镇（含下级单位 1 个） 2026年第四季度（10月1日—12月31日）统计：",
      "· 会议 1 次（其中意识形态工作专题会议 1 次）",
      "· 理论学习 2 次、参学 16 人次",
      "· 宣传发放 1 次：发放宣传单 6123 份",
    ]);
  });

  it("/stats understands every period form and refuses others", async () => {
    for (const p of ["上季度", "2026Q3", "2026年第三季度", "2026年11月", "本月", "上半年", "2026H2", "今年", "2025年"]) {
      expect(await h.ask(`/stats ${p}`), p).toMatch(/统计：/);
    }
    expect((await h.ask("/stats 2026年11月")).split("\n")[0]).toBe("金桥社区 2026年11月（11月1日—11月30日）统计：");
    expect((await h.ask("/stats 上半年")).split("\n")[0]).toBe("金桥社区 2026年上半年（1月1日—6月30日）统计：");
    expect(await h.ask("/stats 明年")).toBe(
      "没看懂时间段「明年」。可以写：本季度、上季度、2026Q3、2026年第三季度、本月、2026年11月、上半年、2026H2、今年、2025年。",
    );
  });
});

describe("/help and unknown commands", () => {
  it("is generated from the command modules and works in an unbound chat", async () => {
    const help = await h.ask("/help");
    for (const c of h.app.router.table.values()) expect(help).toContain(`/${c.zhName}（/${c.name}）— ${c.summary}`);
    expect(await h.ask("/帮助 记录")).toContain("命令名：/记录、/record、/记、/登记、/rec、/add");
    expect(await h.ask("/help 飞机")).toMatch(/^没有「飞机」这个命令。/);
  });

  it("suggests the closest command", async () => {
    expect(await h.ask("/recrod study 1人")).toBe("没有「/recrod」这个命令。你是不是想用 /record？发送 /help 查看全部命令。");
    expect(await h.ask("/foo")).toBe("没有「/foo」这个命令。发送 /help 查看全部命令。");
    expect(await h.ask("/学习 12人")).toBe("要记录「学习」吗？请这样写：/记录 学习 12人");
    // Chinese names too: one character wrong, missing or extra, answered in Chinese.
    expect(await h.ask("/统记")).toBe("没有「/统记」这个命令。你是不是想用 /统计？发送 /帮助 查看全部命令。");
    expect(await h.ask("/截至")).toBe("没有「/截至」这个命令。你是不是想用 /截止？发送 /帮助 查看全部命令。");
    expect(await h.ask("/发送纪录")).toBe("没有「/发送纪录」这个命令。你是不是想用 /发送记录？发送 /帮助 查看全部命令。");
    expect(await h.ask("/天气")).toBe("没有「/天气」这个命令。发送 /帮助 查看全部命令。");
  });

  it("names commands in replies the way the person typed theirs, never inside what they wrote", async () => {
    await h.ask("/bind 金桥社区");
    expect(await h.ask("/记录 学习 5人")).toMatch(/发送 \/撤销 撤销，\/修改 1 更正。$/);
    expect(await h.ask("/record study 5 people")).toMatch(/发送 \/undo 撤销，\/edit 2 更正。$/);
    // In a Telegram group with other bots a command is /cmd@Bot: the reply's commands are too.
    expect(await h.ask("/record@LedgerBot study 5 people", { botUsernames: ["LedgerBot"] })).toMatch(
      /发送 \/undo@LedgerBot 撤销，\/edit@LedgerBot 3 更正。$/,
    );
    // A topic that holds a command word is the person's text: quoted as written.
    expect(await h.ask("/record study 5 people 主题：如何使用 /记录")).toContain("主题「如何使用 /记录」");
    // The help lists both names on purpose.
    expect(await h.ask("/help")).toContain("例如 /记录 = /record");
  });

  it("ignores ordinary group chatter", async () => {
    expect(await h.say("大家好，今天开会")).toEqual([]);
  });
});
