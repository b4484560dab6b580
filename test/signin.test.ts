// Sign-in (签到) as a unit uses it, on a clock the test moves: who may open one, what a line may
// say, a bare /签到 signing in, the closing time closing it once (two bot processes on one store
// included), a process that died between closing and recording completed by the next round, and
// nobody signed meaning no record.
import { describe, it, expect, beforeEach, afterEach } from "vitest";
import { makeHarness, type Harness } from "./harness.js";
import JSZip from "jszip";
import { readClosingTime } from "../src/domain/signin.js";
import { Scheduler } from "../src/scheduler/runtime.js";

let h: Harness;

beforeEach(async () => {
  h = await makeHarness({ now: "2026-12-02T10:00:00+08:00" });
  await h.say("/绑定 永业村");
  await h.say("/角色 admin 宣传员");
});

afterEach(async () => {
  await h.close();
});

const openId = (text: string) => Number(/签到 #(\d+)/.exec(text)?.[1]);

describe("opening a sign-in", () => {
  it("reads the closing time in the ways people write it", () => {
    expect(readClosingTime("学习 中心组学习 截止10:30")).toEqual({ rest: "学习 中心组学习", closing: { at: { hour: 10, minute: 30 } } });
    expect(readClosingTime("学习 10：30结束 主题：x")).toEqual({ rest: "学习 主题：x", closing: { at: { hour: 10, minute: 30 } } });
    expect(readClosingTime("会议 截止下午3点半")).toMatchObject({ closing: { at: { hour: 15, minute: 30 } } });
    expect(readClosingTime("会议 截止时间：晚上8点")).toMatchObject({ closing: { at: { hour: 20, minute: 0 } } });
    expect(readClosingTime("学习 30分钟")).toEqual({ rest: "学习", closing: { afterMinutes: 30 } });
    expect(readClosingTime("学习 签到两小时")).toMatchObject({ closing: { afterMinutes: 120 } });
    expect(readClosingTime("学习 主题：二十大精神")).toEqual({ rest: "学习 主题：二十大精神", closing: null });
    expect(readClosingTime("学习 截止25:00")).toMatchObject({ error: expect.stringContaining("没看懂结束时间") });
    expect(readClosingTime("学习 30小时")).toMatchObject({ error: expect.stringContaining("最长 24 小时") });
  });

  it("is for officers, for sessions people attend, today, without a head count", async () => {
    expect(await h.ask("/签到 学习 中心组学习", { user: "zhang" })).toContain("只有本单位宣传员或管理员可以发起签到");
    expect(await h.ask("/签到 发放 宣传册 300份")).toContain("不用签到；请直接 /记录");
    expect(await h.ask("/签到 学习 中心组学习 12人")).toContain("按签到名单计，不用写人数");
    expect(await h.ask("/签到 学习 中心组学习 昨天")).toContain("只能为今天的会议或学习发起");
    expect(await h.ask("/签到 学习 中心组学习 截止9:30")).toContain("截止时间 09:30 已经过了");
    expect(await h.ask("/签到 吃饭 截止11:00")).toContain("发起签到的写法");
    expect(await h.app.store.db.signIn.count()).toBe(0);
  });

  it("without a closing time closes by itself four hours later, and says when", async () => {
    const card = await h.ask("/签到 会议 意识形态工作专题会议");
    expect(card).toContain("14:00 自动结束");
    const [row] = await h.app.store.db.signIn.findMany();
    expect(row.closesAt?.toISOString()).toBe("2026-12-02T06:00:00.000Z");
  });

  it("a redelivered /签到 opens one sign-in, not two", async () => {
    await h.say("/签到 学习 中心组学习", { messageId: "same", eventKey: "k1" });
    await h.say("/签到 学习 中心组学习", { messageId: "same", eventKey: "k2" });
    expect(await h.app.store.db.signIn.count()).toBe(1);
  });
});

describe("signing in and closing", () => {
  it("a bare /签到 signs in to the chat's one open sign-in; with two open it asks which", async () => {
    const id = openId(await h.ask("/签到 学习 中心组学习 截止10:30"));
    expect(await h.ask("/签到", { user: "zhang" })).toContain(`zhang，已签到（签到 #${id}）`);
    expect(await h.ask("/签到", { user: "zhang" })).toContain("你已经签过到了");
    const second = openId(await h.ask("/签到 会议 意识形态工作专题会议 截止11:00"));
    expect(await h.ask("/签到", { user: "li" })).toContain(`本群有 2 个签到在进行：#${second}、#${id}`);
    expect(await h.ask(`/签到 签 ${id}`, { user: "li" })).toContain("li，已签到");
    const entries = await h.app.store.db.signInEntry.findMany({ where: { signInId: id }, orderBy: { id: "asc" } });
    expect(entries.map((e) => e.name)).toEqual(["zhang", "li"]);
  });

  it("the closing time closes it once and records it; two processes on the store announce it once", async () => {
    const id = openId(await h.ask("/签到 学习 中心组学习 主题：学习贯彻四中全会精神 截止10:30"));
    await h.say("/签到", { user: "zhang" });
    await h.say("/签到", { user: "li" });
    const other = await makeHarness({ now: "2026-12-02T10:00:00+08:00", sharedUrl: h.url });
    try {
      h.now = other.now = new Date("2026-12-02T10:29:00+08:00");
      expect(await h.core.closeDueSignIns()).toBe(0);
      h.now = other.now = new Date("2026-12-02T10:31:00+08:00");
      h.sent.length = 0;
      // At the same moment on PostgreSQL; one after the other on a SQLite file, which one process
      // holds (two connections in one process would wait on each other's synchronous lock).
      const closed =
        h.app.store.provider === "postgresql"
          ? await Promise.all([h.core.closeDueSignIns(), other.core.closeDueSignIns()])
          : [await h.core.closeDueSignIns(), await other.core.closeDueSignIns()];
      expect(closed[0] + closed[1]).toBe(1);
      const records = await h.app.store.db.record.findMany({ where: { sourceMessageId: `signin:${id}` } });
      expect(records).toHaveLength(1);
      expect(records[0]).toMatchObject({ participants: 2, attendees: "zhang、li", topic: "学习贯彻四中全会精神", day: "2026-12-02" });
      const said = [...h.sent, ...other.sent].map((s) => s.reply.text);
      expect(said.filter((t) => t.includes(`已按签到名单登记为记录 #${records[0].id}`))).toHaveLength(1);
      expect(said.filter((t) => t.includes(`签到 #${id} 已结束，已记录 #${records[0].id}`))).toHaveLength(1);
      // Later rounds find nothing to do.
      expect(await h.core.closeDueSignIns()).toBe(0);
      expect(await h.ask("/签到", { user: "wang" })).toContain("本群现在没有进行中的签到");
    } finally {
      await other.close();
    }
  });

  it("the scheduler's round closes a sign-in whose time has come and sends the card and the confirmation", async () => {
    const id = openId(await h.ask("/签到 会议 意识形态工作专题会议 截止10:30"));
    await h.say("/签到", { user: "zhang" });
    const { store, config } = h.app;
    const scheduler = new Scheduler({
      db: store.db,
      sql: store.sql,
      config,
      outbound: h.core.outbound,
      clock: () => h.now,
      beforeDelivery: () => h.core.closeDueSignIns(),
    });
    h.now = new Date("2026-12-02T10:30:00+08:00");
    h.sent.length = 0;
    await scheduler.tick();
    const record = await h.app.store.db.record.findFirstOrThrow({ where: { sourceMessageId: `signin:${id}` } });
    expect(record).toMatchObject({ kind: "meeting", participants: 1, attendees: "zhang" });
    const said = h.sent.filter((s) => s.chat === "测试群").map((s) => s.reply.text);
    expect(said.some((t) => t.includes(`已按签到名单登记为记录 #${record.id}`))).toBe(true);
    expect(said.some((t) => t.includes(`签到 #${id} 已结束，已记录 #${record.id}`))).toBe(true);
  });

  it("a sign-in a dead process closed without recording is recorded by the next round", async () => {
    const id = openId(await h.ask("/签到 学习 中心组学习 截止11:00"));
    await h.say("/签到", { user: "zhang" });
    // The process closed it and died before making the record.
    expect(await h.app.ledger.signIns.close(id, "closed", "test:dead")).toBe(true);
    expect(await h.app.store.db.record.count()).toBe(0);
    h.now = new Date("2026-12-02T10:02:00+08:00");
    h.sent.length = 0;
    await h.core.closeDueSignIns();
    const record = await h.app.store.db.record.findFirstOrThrow({ where: { sourceMessageId: `signin:${id}` } });
    expect(record.participants).toBe(1);
    expect(h.sent.map((s) => s.reply.text).join("\n")).toContain(`已记录 #${record.id}`);
    await h.core.closeDueSignIns();
    expect(await h.app.store.db.record.count()).toBe(1);
  });

  it("closed with nobody signed: no record; cancelled: no record", async () => {
    const a = openId(await h.ask("/签到 学习 中心组学习 截止10:30"));
    expect(await h.ask(`/签到 结束 ${a}`)).toContain("无人签到，没有登记记录");
    const b = openId(await h.ask("/签到 学习 中心组学习 截止10:30"));
    await h.say("/签到", { user: "zhang" });
    expect(await h.ask(`/签到 结束 ${b}`, { user: "zhang" })).toContain("只有本单位宣传员或管理员可以结束签到");
    expect(await h.ask(`/签到 取消 ${b}`)).toContain("已取消，没有登记记录");
    expect(await h.ask(`/签到 签 ${b}`, { user: "li" })).toContain("已结束，不能再签到");
    expect(await h.app.store.db.record.count()).toBe(0);
    expect((await h.app.store.db.signIn.findMany({ orderBy: { id: "asc" } })).map((s) => s.outcome)).toEqual(["empty", "cancelled"]);
  });

  it("the quarter's Word 台账 gives the record's attendance as its sign-in list", async () => {
    const id = openId(await h.ask("/签到 学习 中心组学习 截止10:30"));
    await h.say("/签到", { user: "zhang" });
    await h.say(`/签到 补签 ${id} 王五`);
    await h.say(`/签到 结束 ${id}`);
    const [reply] = (await h.say("/导出台账 2026Q4 文档")).filter((r) => r.file);
    const xml = await (await JSZip.loadAsync(reply.file!.data)).file("word/document.xml")!.async("string");
    const cells = [...xml.matchAll(/<w:t(?: [^>]*)?>([^<]*)<\/w:t>/g)].map((m) => m[1]).join("|");
    expect(cells).toContain("签到名单|zhang、王五（2人）");
  });

  it("a forgotten member's press keeps counting under the anonymous name", async () => {
    const id = openId(await h.ask("/签到 学习 中心组学习 截止10:30"));
    await h.say("/签到", { user: "zhang" });
    await h.say("/删除个人信息 test:zhang 确认");
    const [entry] = await h.app.store.db.signInEntry.findMany({ where: { signInId: id } });
    expect(entry.name).toMatch(/^已删除成员\d+$/);
    expect(entry.key).not.toContain("zhang");
  });
});
