// Who may do what, cell by cell (README, Permissions): administrator, unit officer, member, a
// user in an unbound chat, a user of a child unit and of a sibling unit. Refusals are exact, and
// a refused action leaves no trace in the ledger.
import { describe, it, expect, beforeEach, afterEach } from "vitest";
import { makeHarness, type Harness } from "./harness.js";

let h: Harness;
beforeEach(async () => {
  h = await makeHarness({ now: "2026-11-22T10:00:00+08:00" });
  await h.ask("/bind 金桥镇", { chat: "镇群" });
  await h.ask("/bind 金桥社区 金桥镇", { chat: "社区群" });
  await h.ask("/bind 浦东社区 金桥镇", { chat: "浦东群" });
  // 李 becomes 金桥社区's officer; 王 is an ordinary member; 张 records #1.
  await h.ask("/帮助", { chat: "社区群", user: "李" });
  await h.ask("/帮助", { chat: "社区群", user: "王" });
  expect(await h.ask("/角色 李 宣传员", { chat: "社区群" })).toBe("已将「李」设为「金桥社区」的宣传员。");
  expect(await h.ask("/记录 学习 12人", { chat: "社区群", user: "张" })).toMatch(/^已记录 #1：/);
});
afterEach(async () => {
  await h.close();
});

const ADMIN_ONLY = (cmd: string, zh: string, role = "成员") => `只有管理员可以使用 /${cmd}（${zh}）。你的身份是${role}。`;
const UNBOUND = "本群还没有绑定单位。请管理员发送：/bind 单位名 [上级单位名]\n例如：/bind 金桥社区 金桥镇";
const OK = /^(?!只有|本群还没有绑定|本单位没有|「.*」下没有)/;

type Actor = { user: string; chat: string };
const admin: Actor = { user: "admin", chat: "社区群" };
const officer: Actor = { user: "李", chat: "社区群" };
const member: Actor = { user: "王", chat: "社区群" };
const unbound: Actor = { user: "赵", chat: "未绑定群" };
const childUser: Actor = { user: "钱", chat: "社区群" };
const siblingUser: Actor = { user: "孙", chat: "浦东群" };

// [command line, actor, expected reply (exact string) or a pattern]
const CELLS: [string, Actor, string | RegExp][] = [
  // Recording and reading one's own unit: every member of a bound chat.
  ["/记录 会议 部署会", admin, /^已记录 #2/],
  ["/记录 会议 部署会", officer, /^已记录 #2/],
  ["/记录 会议 部署会", member, /^已记录 #2/],
  ["/记录 会议 部署会", unbound, UNBOUND],
  ["/统计", member, OK],
  ["/统计", unbound, UNBOUND],
  ["/明细", member, /#1 11月22日 理论学习/],
  ["/明细", unbound, UNBOUND],
  ["/截止", member, OK],
  ["/截止", unbound, UNBOUND],
  ["/报告", member, /^金桥社区2026年第四季度意识形态工作分析研判报告/],
  ["/报告", unbound, UNBOUND],
  ["/导出台账", member, /^金桥社区 2026年第四季度 意识形态工作台账：共 1 条记录/],
  ["/导出台账", unbound, UNBOUND],
  ["/帮助", unbound, OK],
  // Taking back and deleting: the author within 24 h; deleting also officers and administrators.
  ["/撤销 1", member, "#1 不是你登记的，只能撤销自己的记录。管理员可以用 /删除 1。"],
  ["/删除 1", member, "只有管理员、本单位宣传员或记录人本人可以删除 #1。"],
  ["/删除 1", officer, /^已删除 #1/],
  ["/删除 1", admin, /^已删除 #1/],
  ["/删除 1", unbound, UNBOUND],
  // Another branch: a sibling unit never sees or touches this unit's records.
  ["/删除 1", siblingUser, "本单位没有记录 #1。发送 /明细 查看记录编号。"],
  ["/撤销 1", siblingUser, "本单位没有记录 #1。发送 /明细 查看记录编号。"],
  ["/报告 金桥社区", siblingUser, "「浦东社区」下没有名为「金桥社区」的单位。"],
  ["/导出台账 金桥社区", siblingUser, "「浦东社区」下没有名为「金桥社区」的单位。"],
  ["/明细", siblingUser, "浦东社区 2026年第四季度记录：暂无。用 /记录 登记，例如：/记录 学习 12人"],
  // A child unit's user cannot read the parent's (or through it, the siblings') figures.
  ["/报告 金桥镇", childUser, "「金桥社区」下没有名为「金桥镇」的单位。"],
  ["/统计 本季度 金桥镇", childUser, /^没看懂时间段/],
  // Administration: administrators only.
  ["/绑定 新单位 确认", officer, ADMIN_ONLY("bind", "绑定", "单位宣传员")],
  ["/绑定 新单位 确认", member, ADMIN_ONLY("bind", "绑定")],
  ["/绑定 新单位", unbound, ADMIN_ONLY("bind", "绑定")],
  ["/绑定 新单位", { user: "admin", chat: "未绑定群" }, /^已将本群绑定到「新单位」/],
  ["/提醒 关", officer, ADMIN_ONLY("remind", "提醒", "单位宣传员")],
  ["/提醒 关", member, ADMIN_ONLY("remind", "提醒")],
  ["/提醒 关", admin, /^已关闭「金桥社区」的截止提醒/],
  ["/角色 王 管理员", officer, ADMIN_ONLY("role", "角色", "单位宣传员")],
  ["/角色 王 管理员", member, ADMIN_ONLY("role", "角色")],
  ["/角色 王 宣传员", admin, "已将「王」设为「金桥社区」的宣传员。"],
  ["/发送记录", officer, ADMIN_ONLY("outbox", "发送记录", "单位宣传员")],
  ["/发送记录", member, ADMIN_ONLY("outbox", "发送记录")],
  ["/发送记录", admin, /^待发送 0 条/],
  ["/删除个人信息 张 确认", officer, ADMIN_ONLY("forget", "删除个人信息", "单位宣传员")],
  ["/删除个人信息 张 确认", member, ADMIN_ONLY("forget", "删除个人信息")],
  ["/删除个人信息 张 确认", admin, "已删除「张」的个人信息。其登记的 1 条记录保留在台账中，登记人显示为「已删除成员4」。"],
];

describe("the permission table, cell by cell", () => {
  it.each(CELLS.map((c, i) => [i, ...c] as const))("#%i %s as %o", async (_i, line, actor, expected) => {
    const before = await h.app.store.db.auditLog.count();
    const reply = await h.ask(line, actor);
    if (typeof expected === "string") expect(reply).toBe(expected);
    else expect(reply).toMatch(expected);
    const refused = typeof expected === "string" ? /^(只有|本群还没有|本单位没有|「.*」下没有|#1 不是你)/.test(expected) : false;
    // A refusal changes nothing: no audit row, so no write happened.
    if (refused) expect(await h.app.store.db.auditLog.count()).toBe(before);
  });
});

describe("roles and personal data", () => {
  it("an officer is an officer of their own unit only", async () => {
    expect(await h.ask("/记录 学习 3人", { chat: "浦东群", user: "王" })).toMatch(/^已记录 #2/);
    expect(await h.ask("/删除 2", { chat: "浦东群", user: "李" })).toBe("只有管理员、本单位宣传员或记录人本人可以删除 #2。");
  });

  it("role changes are audited; configured administrators cannot be demoted by command", async () => {
    expect(await h.ask("/角色 李 成员", { chat: "社区群" })).toBe("已将「李」设为成员。");
    expect(await h.ask("/角色 admin 成员", { chat: "社区群" })).toBe("「admin」是配置（ADMINS）指定的管理员，要改请修改配置。");
    expect(await h.ask("/角色 王 管理员", { chat: "社区群" })).toBe("已将「王」设为管理员。");
    expect(await h.ask("/提醒", { chat: "社区群", user: "王" })).toBe("「金桥社区」的截止提醒目前已打开。");
    expect(await h.ask("/角色 王 成员", { chat: "社区群", user: "王" })).toBe("不能撤销自己的管理员身份，请另一位管理员操作。");
    expect(await h.ask("/角色 谁 管理员", { chat: "社区群" })).toBe(
      "没有找到「谁」。请对方先在群里发一条命令（例如 /帮助），或写平台 ID，例如 test:123456。",
    );
    const audit = await h.app.store.db.auditLog.findMany({ where: { action: "member.role" }, orderBy: { id: "asc" } });
    expect(audit.map((a) => [a.actor, JSON.parse(a.detail!).to])).toEqual([
      ["test:admin", "officer"],
      ["test:admin", "member"],
      ["test:admin", "admin"],
    ]);
    expect(await h.ask("/角色", { chat: "社区群" })).toBe("管理员和「金桥社区」宣传员：\ntest:admin（配置 ADMINS）\n王（test:王）：管理员");
  });

  it("/删除个人信息 removes the name and identity, also from the audit log, and keeps the figures", async () => {
    const statsBefore = await h.ask("/统计", { chat: "社区群" });
    expect(await h.ask("/删除个人信息 张", { chat: "社区群" })).toBe(
      "将删除「张」的姓名和平台账号（审计日志中也会匿名），其登记的记录保留、数字不变。确认请发送：/删除个人信息 张 确认",
    );
    expect(await h.ask("/删除个人信息 张 确认", { chat: "社区群" })).toMatch(/^已删除「张」的个人信息/);
    expect(await h.ask("/统计", { chat: "社区群" })).toBe(statsBefore);
    expect(await h.ask("/明细", { chat: "社区群" })).toContain("#1 11月22日 理论学习 1 次，12 人参加（已删除成员");
    const db = h.app.store.db;
    expect(await db.member.count({ where: { OR: [{ name: "张" }, { externalId: "张" }] } })).toBe(0);
    expect(await db.auditLog.count({ where: { actor: "test:张" } })).toBe(0);
    // Writing again later makes a new member; the old records stay anonymous.
    expect(await h.ask("/记录 学习 5人", { chat: "社区群", user: "张" })).toMatch(/^已记录 #2/);
    expect((await db.record.findUniqueOrThrow({ where: { id: 1 }, include: { member: true } })).member?.name).toMatch(/^已删除成员/);
  });
});

describe("abuse limits", () => {
  it("a flood from one person gets one polite reply, then silence, until the budget refills", async () => {
    const l = await makeHarness({
      now: "2026-11-22T10:00:00+08:00",
      limits: { userPerMinute: 6, userBurst: 3, chatPerMinute: 100, chatBurst: 100 },
    });
    try {
      await l.ask("/bind 测试社区");
      const replies: string[] = [];
      for (let i = 0; i < 6; i++) replies.push(await l.ask("/记录 学习 3人", { user: "刷屏者" }));
      expect(replies.slice(0, 3).every((r) => r.startsWith("已记录"))).toBe(true);
      expect(replies[3]).toBe("操作太频繁了，请稍等一分钟再发。（每人每分钟最多 6 条命令，每个群每分钟最多 100 条）");
      expect(replies.slice(4)).toEqual(["", ""]);
      expect(await l.app.store.db.record.count()).toBe(3);
      // Another person in the same chat is not affected.
      expect(await l.ask("/记录 学习 3人", { user: "别人" })).toMatch(/^已记录/);
      // Ten seconds later one command's worth has refilled.
      l.now = new Date(l.now.getTime() + 10_000);
      expect(await l.ask("/记录 学习 3人", { user: "刷屏者" })).toMatch(/^已记录/);
    } finally {
      await l.close();
    }
  });

  it("user text is never markup: a topic with <b>, * and card JSON comes back literally", async () => {
    const topic = `<b>粗体</b> *星号* "}{"tag":"markdown","content":"x"}`;
    const [reply] = await h.say(`/记录 学习 5人 主题：${topic}`, { chat: "社区群" });
    expect(reply.text).toContain(`主题「${topic}」`);
    expect((await h.app.store.db.record.findFirstOrThrow({ where: { topic: { not: null } } })).topic).toBe(topic);
  });
});
