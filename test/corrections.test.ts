// Correcting records the way people expect (/修改, an edited message), plain-language reports
// confirmed before they count, implausible figures asked about first, and a parent unit's officers
// recording for a child — through the console core, with the exact replies and the rows left.
import { describe, it, expect, beforeEach, afterEach } from "vitest";
import { makeHarness, type Harness } from "./harness.js";

let h: Harness;
beforeEach(async () => {
  h = await makeHarness({ admins: ["test:admin"] });
  await h.ask("/bind 金桥社区 金桥镇");
});
afterEach(async () => {
  await h.close();
});

const live = () => h.app.store.db.record.findMany({ where: { deletedAt: null }, orderBy: { id: "asc" } });

describe("/修改", () => {
  beforeEach(async () => {
    await h.ask("/记录 学习 中心组学习 12人", { user: "alice" });
    await h.ask("/role alice 宣传员");
  });

  it("changes only what is written, shows before and after, and audits each field", async () => {
    expect(await h.ask("/修改 1 15人", { user: "alice" })).toBe(
      "已修改 #1。\n原为：党委理论学习中心组学习 1 次，12 人参加（11月22日）\n现为：党委理论学习中心组学习 1 次，15 人参加（11月22日）\n" +
        "本季度累计理论学习 1 次、参学 15 人次。发送 /撤销 撤销，/修改 1 更正。",
    );
    expect(await h.ask("/修改 #1 地点：社区会议室 主持人：张书记", { user: "alice" })).toBe(
      "已修改 #1。\n原为：党委理论学习中心组学习 1 次，15 人参加（11月22日）\n" +
        "现为：党委理论学习中心组学习 1 次，15 人参加（11月22日），地点：社区会议室；主持人：张书记\n" +
        "本季度累计理论学习 1 次、参学 15 人次。地点：社区会议室；主持人：张书记。发送 /撤销 撤销，/修改 1 更正。",
    );
    expect(await h.ask("/修改 1 11月20日", { user: "alice" })).toContain("现为：党委理论学习中心组学习 1 次，15 人参加（11月20日）");
    const [row] = await live();
    expect(row).toMatchObject({
      participants: 15,
      place: "社区会议室",
      host: "张书记",
      day: "2026-11-20",
      subtype: "党委理论学习中心组学习",
    });
    const audit = await h.app.store.db.auditLog.findMany({ where: { action: "record.edit" }, orderBy: { id: "asc" } });
    expect(audit.map((a) => JSON.parse(a.detail!))).toEqual([
      { participants: { from: 12, to: 15 } },
      { place: { from: null, to: "社区会议室" }, host: { from: null, to: "张书记" } },
      { day: { from: "2026-11-22", to: "2026-11-20" } },
    ]);
    expect(await h.app.store.db.record.count()).toBe(1);
  });

  it("follows the rights of /删除: the author, the unit's officer, an administrator — nobody else", async () => {
    await h.ask("/记录 学习 8人", { user: "bob" });
    expect(await h.ask("/修改 1 20人", { user: "bob" })).toBe("#1 不是你登记的。只有记录人本人、本单位宣传员或管理员可以修改。");
    expect(await h.ask("/修改 2 9人", { user: "bob" })).toContain("现为：理论学习 1 次，9 人参加（11月22日）");
    expect(await h.ask("/修改 2 10人", { user: "alice" })).toContain("现为：理论学习 1 次，10 人参加（11月22日）");
    expect(await h.ask("/修改 1 20人")).toContain("现为：党委理论学习中心组学习 1 次，20 人参加（11月22日）");
    // Another unit's record does not exist as far as this chat is concerned.
    await h.ask("/bind 碧云社区 金桥镇", { chat: "碧云群" });
    await h.ask("/记录 学习 5人", { chat: "碧云群", user: "carol" });
    expect(await h.ask("/修改 3 6人", { user: "alice" })).toBe("本单位没有记录 #3。发送 /明细 查看记录编号。");
    expect((await live()).map((r) => r.participants)).toEqual([20, 10, 5]);
  });

  it("reads a field named with what it becomes (人数改为18, 把日期改成昨天)", async () => {
    expect(await h.ask("/修改 1 人数改为18", { user: "alice" })).toContain("现为：党委理论学习中心组学习 1 次，18 人参加（11月22日）");
    expect(await h.ask("/修改 1 把日期改成昨天", { user: "alice" })).toContain("现为：党委理论学习中心组学习 1 次，18 人参加（11月21日）");
    expect(await h.ask("/修改 1 地点改为党群服务中心", { user: "alice" })).toContain("，地点：党群服务中心");
    const [row] = await live();
    expect([row.participants, row.day, row.place, row.title]).toEqual([18, "2026-11-21", "党群服务中心", null]);
  });

  it("explains what it needs, and refuses a deleted record", async () => {
    expect(await h.ask("/修改 1", { user: "alice" })).toBe(
      "用法：/修改 编号 要改的内容，例如：/修改 128 15人、/修改 128 11月20日、/修改 128 地点：社区会议室（编号见 /明细）",
    );
    expect(await h.ask("/修改 99 15人", { user: "alice" })).toBe("本单位没有记录 #99。发送 /明细 查看记录编号。");
    expect(await h.ask("/修改 1 12人", { user: "alice" })).toBe(
      "#1 本来就是这样，没有改动：党委理论学习中心组学习 1 次，12 人参加（11月22日）。",
    );
    await h.ask("/撤销 1", { user: "alice" });
    expect(await h.ask("/修改 1 15人", { user: "alice" })).toBe("记录 #1 已经撤销或删除，不能修改。");
  });
});

describe("an edited record message", () => {
  it("amends the record that message made, and an edit of a refused line records it", async () => {
    await h.say("/记录 学习 中心组学习 12人", { user: "alice", messageId: "tg-1" });
    const fix = await h.ask("/记录 学习 中心组学习 14人", { user: "alice", messageId: "tg-1", edited: true, eventKey: "edit:tg-1:1" });
    expect(fix).toBe(
      "已按修改后的消息更正 #1。原为：党委理论学习中心组学习 1 次，12 人参加（2026-11-22）。\n" +
        "已记录 #1：党委理论学习中心组学习 1 次，14 人参加（11月22日）。本季度累计理论学习 1 次、参学 14 人次。发送 /撤销 撤销，/修改 1 更正。",
    );
    expect((await live()).map((r) => [r.id, r.participants])).toEqual([[1, 14]]);
    // An edited line that is not a record command is not answered.
    expect(await h.say("/统计", { user: "alice", messageId: "tg-2", edited: true, eventKey: "edit:tg-2:1" })).toEqual([]);
  });
});

describe("plain language", () => {
  it("is read back with 确认 / 修改 / 取消 and stored only when its author confirms", async () => {
    const [ask] = await h.say("今天组织了中心组学习，12人参加", { user: "alice", direct: true });
    expect(ask.text).toBe(
      "我从这句话里读出了一条记录，请核对：\n#待确认1：党委理论学习中心组学习 1 次，12 人参加（11月22日）。\n" +
        "确认后才会登记：请点「确认」或回复 /确认；有误请点「修改」或「取消」。",
    );
    expect(ask.actions).toEqual([
      { label: "确认", command: "/confirm 1" },
      { label: "修改", command: "/discard 1 修改" },
      { label: "取消", command: "/discard 1" },
    ]);
    expect(await live()).toEqual([]);
    expect(await h.ask("确认", { user: "bob", direct: true })).toBe("你在本群没有待确认的记录。");
    expect(await h.ask("/确认 1", { user: "bob" })).toBe("#待确认1 不是你发的，只有发这句话的人可以确认。");
    expect(await h.ask("确认", { user: "alice", direct: true })).toBe(
      "已记录 #1：党委理论学习中心组学习 1 次，12 人参加（11月22日）。本季度累计理论学习 1 次、参学 12 人次。发送 /撤销 撤销，/修改 1 更正。",
    );
    expect(await h.ask("/确认 1", { user: "alice" })).toMatch(/^这条消息已经记录过了（#1），没有重复登记。已记录 #1：/);
    // The record carries the key of the message that said it, not of the 确认.
    const pending = await h.app.store.db.pendingRecord.findFirstOrThrow();
    expect(pending.status).toBe("confirmed");
    expect((await live()).map((r) => [r.kind, r.participants, r.sourceMessageId])).toEqual([["study", 12, pending.sourceMessageId]]);
  });

  it("取消 drops the reading; 修改 gives the line back to edit", async () => {
    await h.say("今天组织了中心组学习，12人参加", { user: "alice", direct: true });
    expect(await h.ask("/取消 1 修改", { user: "alice" })).toBe(
      "好的，#待确认1 没有登记。请复制下面这行，改好后发送：\n/记录 学习 党委理论学习中心组学习 12人 2026-11-22",
    );
    expect(await h.ask("/确认 1", { user: "alice" })).toBe("#待确认1 已经取消了，没有登记。需要时请重新发送。");
    expect(await live()).toEqual([]);
  });

  it("a plain report with an implausible figure says so; in a parent's chat it says whose it will be", async () => {
    const [ask] = await h.say("今天召开了支部党员大会，1200人参加", { user: "alice", direct: true });
    expect(ask.text.split("\n").slice(0, 2)).toEqual([
      "我从这句话里读出了一条记录，请核对：",
      "「1200人」对一次三会一课来说太多了，确认无误请回复 确认",
    ]);
    await h.ask("/bind 平安镇", { chat: "镇群" });
    await h.ask("/bind 永业村 平安镇", { chat: "村群" });
    const [town] = await h.say("昨天开展了志愿服务，20人参加", { chat: "镇群", user: "alice", direct: true });
    expect(town.text).toContain(
      "#待确认2（计入本级「平安镇」；如是下级单位的，请点「修改」，在登记行末加 单位：单位名）：志愿服务 1 场，20 人参加（11月21日）",
    );
  });

  it("an acknowledgement gets no reply even in a private chat", async () => {
    for (const line of ["收到", "好的", "谢谢！", "哈哈哈", "👍", "ok"])
      expect(await h.say(line, { user: "alice", direct: true }), line).toEqual([]);
  });

  it("chatter gets no reply in a group; in a private chat a hint", async () => {
    expect(await h.say("好的谢谢", { user: "alice", addressedToBot: true })).toEqual([]);
    expect(await h.say("明天下午开会吗？", { user: "alice", addressedToBot: true })).toEqual([]);
    expect(await h.ask("你好，请问怎么用", { user: "alice", direct: true })).toBe(
      "没看懂这句话。登记工作请写明做了什么、多少人或多少份、哪天，例如：/记录 学习 中心组学习 12人 主题：二十大精神\n" +
        "也可以直接说「今天组织了中心组学习，12人参加」。发送 /帮助 查看全部命令。",
    );
  });
});

describe("a figure far beyond what a unit could do", () => {
  it("is read back and stored only after 确认; a normal figure is recorded at once", async () => {
    const [ask] = await h.say("/记录 学习 中心组学习 100000人", { user: "alice" });
    expect(ask.text).toBe(
      "「100000人」对一次中心组学习来说太多了，确认无误请回复 确认\n#待确认1：党委理论学习中心组学习 1 次，100000 人参加（11月22日）。\n" +
        "确认后才会登记：请点「确认」或回复 /确认；有误请点「修改」或「取消」。",
    );
    expect(await live()).toEqual([]);
    expect(await h.ask("/确认", { user: "alice" })).toMatch(/^已记录 #1：党委理论学习中心组学习 1 次，100000 人参加（11月22日）。/);
    expect(await h.ask("/记录 学习 中心组学习 30人", { user: "alice" })).toMatch(/^已记录 #2：/);
    expect((await live()).map((r) => r.participants)).toEqual([100000, 30]);
  });

  it("uses the deployment's own limits when it sets them", async () => {
    const strict = await makeHarness({ config: "plausible_limits:\n  study:\n    participants_per_session: 20\n" });
    try {
      await strict.ask("/bind 金桥社区");
      expect(await strict.ask("/记录 学习 30人")).toMatch(/^「30人」对一次学习来说太多了/);
      expect(await strict.ask("/记录 宣讲 1场 1500人次")).toMatch(/^已记录 #1：/);
    } finally {
      await strict.close();
    }
  });
});

describe("recording for a unit of the subtree (单位：…)", () => {
  beforeEach(async () => {
    await h.ask("/bind 平安镇", { chat: "镇群" });
    await h.ask("/bind 永业村 平安镇", { chat: "村群" });
    await h.ask("/bind 永丰村 平安镇", { chat: "丰群" });
    await h.ask("/记录 学习 1人", { chat: "镇群", user: "镇宣传员" });
    expect(await h.ask("/role 镇宣传员 宣传员", { chat: "镇群" })).toMatch(/宣传员/);
  });

  it("stores it as the child's, entered by the parent's officer, by any unique part of the name", async () => {
    expect(await h.ask("/记录 学习 中心组学习 12人 单位：永业", { chat: "镇群", user: "镇宣传员" })).toBe(
      "已记录 #2（代「永业村」登记，计入该单位）：党委理论学习中心组学习 1 次，12 人参加（11月22日）。本季度累计理论学习 1 次、参学 12 人次。发送 /撤销 撤销，/修改 2 更正。",
    );
    const row = await h.app.store.db.record.findUniqueOrThrow({ where: { id: 2 }, include: { unit: true, member: true, chat: true } });
    expect([row.unit.name, row.member?.name, row.chat?.externalId]).toEqual(["永业村", "镇宣传员", "镇群"]);
  });

  it("refuses a member, an ambiguous part and a unit outside the subtree, recording nothing", async () => {
    expect(await h.ask("/记录 学习 12人 单位：永业村", { chat: "镇群", user: "村民" })).toBe(
      "只有本单位宣传员或管理员可以代下级单位登记（「单位：永业村」）。请去掉「单位：…」登记本单位的记录。",
    );
    expect(await h.ask("/记录 学习 12人 单位：永", { chat: "镇群", user: "镇宣传员" })).toBe("「永」可能是：永业村、永丰村，请写全名。");
    expect(await h.ask("/记录 学习 12人 单位：金桥社区", { chat: "镇群", user: "镇宣传员" })).toMatch(
      /^「平安镇」下没有名为「金桥社区」的单位。/,
    );
    // In the child's own chat, its own name is simply the chat's unit.
    expect(await h.ask("/记录 学习 3人 单位：永业村", { chat: "村群", user: "村民" })).toMatch(/^已记录 #2：/);
    expect(await h.app.store.db.record.count()).toBe(2);
  });
});
