// Reminders over a whole year with a controlled clock, against the real store and outbox:
// working days from the official calendar (with a 调休 Saturday), no reminder for units that
// complied, digests to the parent, catch-up after downtime, exactly-once claims, and retries.
import { describe, it, expect, beforeEach, afterEach } from "vitest";
import { makeHarness, type Harness } from "./harness.js";
import { runPass } from "../src/scheduler/scheduler.js";
import { WorkCalendar } from "../src/scheduler/calendar.js";
import { PassThread } from "../src/scheduler/pass-thread.js";
import { Outbox, SendError, type Sender } from "../src/outbox/outbox.js";
import type { RateLimits } from "../src/core/rate-limit.js";
import { openStore, openSql } from "../src/store/connect.js";
import type { Sql } from "../src/store/sql.js";
import { parseDeployment } from "../src/config/deployment.js";
import { addDays, chinaDay, chinaInstant, isoWeekday } from "../src/time.js";
import type { Reply } from "../src/core/types.js";

const CONFIG = parseDeployment(`
requirements:
  - { id: special-meeting, name: 专题研究意识形态工作, kind: meeting, subtypes: [意识形态工作专题会议], min: 1, per: quarter, units: leaf }
  - { id: monthly-study, name: 理论学习, kind: study, min: 1, per: month, units: leaf }
reports: []
reminders: { offsets_days: [14, 7, 1], send_at: "09:00", quarter_start_checklist: false }
`);

class CapturingSender implements Sender {
  platform = "test";
  limits?: RateLimits;
  sent: { chat: string; text: string; at: string }[] = [];
  constructor(
    private readonly now: () => Date,
    private readonly fail?: (n: number) => Error | null,
  ) {}
  async send(chat: string, reply: Reply) {
    const err = this.fail?.(this.sent.length + this.failures);
    if (err) {
      this.failures++;
      throw err;
    }
    this.sent.push({ chat, text: reply.text, at: chinaDay(this.now()) });
  }
  failures = 0;
}

let h: Harness;
const calendar = new WorkCalendar(CONFIG.calendar);
beforeEach(async () => {
  h = await makeHarness({ now: "2026-01-01T08:00:00+08:00", config: CONFIG });
  await h.ask("/bind 金桥镇", { chat: "镇群" });
  await h.ask("/bind 守规社区 金桥镇", { chat: "守规群" });
  await h.ask("/bind 落后社区 金桥镇", { chat: "落后群" });
});
afterEach(async () => {
  await h.close();
});

/** Runs one pass and one delivery a day at 09:30 China time from `from` to `to`, skipping `down`. */
async function simulate(
  from: string,
  to: string,
  sender: CapturingSender,
  opts: { down?: [string, string]; beforeDay?: (day: string) => Promise<void> } = {},
) {
  const outbox = new Outbox(h.app.store.db, [sender], { clock: () => h.now, sleep: async () => {} });
  for (let day = from; day <= to; day = addDays(day, 1)) {
    h.now = chinaInstant(day, "09:30");
    await opts.beforeDay?.(day);
    if (opts.down && day >= opts.down[0] && day <= opts.down[1]) continue;
    await runPass(h.app.store, CONFIG, calendar, h.now);
    await outbox.deliverDue();
  }
}

describe("a year of reminders", () => {
  it("reminds only the unit that is behind, on working days, and digests to the parent", async () => {
    const sender = new CapturingSender(() => h.now);
    // The compliant unit studies on the 2nd of every month and meets on the first day of each quarter.
    await simulate("2026-01-01", "2026-12-31", sender, {
      beforeDay: async (day) => {
        if (day.endsWith("-02")) await h.ask("/记录 学习 8人", { chat: "守规群" });
        if (/-(01|04|07|10)-02$/.test(day)) await h.ask("/记录 会议 专题会议", { chat: "守规群" });
      },
    });
    const toCompliant = sender.sent.filter((s) => s.chat === "守规群");
    const toBehind = sender.sent.filter((s) => s.chat === "落后群");
    const toParent = sender.sent.filter((s) => s.chat === "镇群");
    expect(toCompliant).toEqual([]);
    // Every send happened on an official working day.
    for (const s of sender.sent) expect(calendar.isWorkday(s.at), s.at).toBe(true);

    const studyDays = toBehind.filter((s) => s.text.includes("理论学习")).map((s) => s.at);
    // January: the 31st is a Saturday; 14 and 7 days before fall on Saturdays too → the Fridays before.
    expect(studyDays.filter((d) => d.startsWith("2026-01"))).toEqual(["2026-01-16", "2026-01-23", "2026-01-30"]);
    // February: 14 days before the 28th is Saturday the 14th, a 调休 working day; 7 days before is the
    // Spring Festival holiday, which moves back to the same Saturday: one reminder that day, not two.
    expect(isoWeekday("2026-02-14")).toBe(6);
    expect(studyDays.filter((d) => d.startsWith("2026-02"))).toEqual(["2026-02-14", "2026-02-27"]);
    // May: Labour Day week does not matter; Sundays 17 and 24 and Saturday 30 move to Fridays.
    expect(studyDays.filter((d) => d.startsWith("2026-05"))).toEqual(["2026-05-15", "2026-05-22", "2026-05-29"]);
    expect(studyDays).toHaveLength(12 * 3 - 1);
    const meetingDays = toBehind.filter((s) => s.text.includes("专题研究意识形态工作")).map((s) => s.at);
    expect(meetingDays).toEqual([
      "2026-03-17",
      "2026-03-24",
      "2026-03-30",
      "2026-06-16",
      "2026-06-23",
      "2026-06-29",
      "2026-09-16",
      "2026-09-23",
      "2026-09-29",
      "2026-12-17",
      "2026-12-24",
      "2026-12-30",
    ]);
    // One message a day per chat, whatever is due: the quarter's meeting and December's study
    // together, each with its deadline, its days left and the exact command that meets it.
    expect(toBehind.map((s) => s.at)).toEqual([...new Set(toBehind.map((s) => s.at))]);
    expect(toBehind.find((s) => s.at === "2026-12-24")!.text).toBe(
      [
        "【提醒】落后社区（12月24日）尚有2项要求未完成：",
        "1. 「专题研究意识形态工作」：2026年第四季度至少1次意识形态工作专题会议，已记录0次，截止12月31日（还有7天）。完成后发送：/记录 会议 专题会议",
        "2. 「理论学习」：2026年12月至少1次理论学习，已记录0次，截止12月31日（还有7天）。完成后发送：/记录 学习",
        "发送 /截止 查看全部进度。",
        "本单位还没有指定宣传员：管理员发送 /角色 名字 宣传员 后，提醒会直接@到人。",
      ].join("\n"),
    );
    // The calendar does not know 2027 yet: the top unit's chat is told once, when reminders first
    // look into 2027 (14 days ahead of December 18).
    const notices = toParent.filter((s) => s.text.startsWith("【系统通知】"));
    expect(notices).toEqual([
      {
        chat: "镇群",
        at: "2026-12-18",
        text: "【系统通知】节假日日历中还没有 2027 年的官方放假和调休安排，2027 年的提醒暂按周末计算工作日。国务院公布安排后，请管理员在部署配置（BOT_CONFIG）的 calendar 中补充，或升级 chinese-days。",
      },
    ]);
    // The parent gets one digest on each day its unit is reminded, naming only the unit behind,
    // with everything it lacks on one line; the last reminder before a deadline says so.
    const digests = toParent.filter((s) => s.text.includes("【下级单位进度】"));
    expect(digests.map((s) => s.at)).toEqual(toBehind.map((s) => s.at));
    expect(digests.every((s) => s.text.includes("落后社区") && !s.text.includes("守规社区"))).toBe(true);
    expect(toParent.find((s) => s.at === "2026-12-24")!.text).toBe(
      [
        "【下级单位进度】1个单位尚未完成（截止12月31日，还有7天），差距大的在前：",
        "· 落后社区：尚缺意识形态工作专题会议1次、理论学习1次",
        "发送 /截止 查看全部进度。",
      ].join("\n"),
    );
    expect(toParent.find((s) => s.at === "2026-12-30")!.text).toContain("· 落后社区（即将逾期）：尚缺意识形态工作专题会议1次、理论学习1次");
    // Nothing was left pending or failed.
    expect(await h.app.store.db.outbox.count({ where: { status: { in: ["pending", "failed"] } } })).toBe(0);
  });

  it("catches up after a week of downtime, once, unless the unit met the rule meanwhile", async () => {
    await h.ask("/bind 补做社区 金桥镇", { chat: "补做群" });
    const sender = new CapturingSender(() => h.now);
    await simulate("2026-03-01", "2026-03-31", sender, {
      down: ["2026-03-12", "2026-03-18"],
      beforeDay: async (day) => {
        if (day === "2026-03-02") for (const chat of ["守规群", "补做群"]) await h.ask("/记录 学习 5人", { chat });
        if (day === "2026-03-02") await h.ask("/记录 会议 专题会议", { chat: "守规群" });
        if (day === "2026-03-13") await h.ask("/记录 会议 专题会议", { chat: "补做群" });
      },
    });
    const meetings = (chat: string) => sender.sent.filter((s) => s.chat === chat && s.text.includes("专题研究")).map((s) => s.at);
    // Due on the 17th while down: sent once on the 19th, the first pass after the outage.
    expect(meetings("落后群")).toEqual(["2026-03-19", "2026-03-24", "2026-03-30"]);
    // Met the rule during the outage: never reminded.
    expect(meetings("补做群")).toEqual([]);
    expect(meetings("守规群")).toEqual([]);
  });
});

describe("exactly once", () => {
  it("the same pass twice enqueues nothing the second time", async () => {
    const at = chinaInstant("2026-03-17", "09:30");
    const first = await runPass(h.app.store, CONFIG, calendar, at);
    const second = await runPass(h.app.store, CONFIG, calendar, at);
    expect(first.enqueued.length).toBeGreaterThan(0);
    expect(second.enqueued).toEqual([]);
    // One message per chat, each part claimed once underneath (a row per part, a row per message).
    expect(await h.app.store.db.outbox.count({ where: { status: "pending" } })).toBe(first.enqueued.length);
    const parts = first.enqueued.reduce((n, m) => n + m.lines.length, 0);
    expect(await h.app.store.db.outbox.count({ where: { status: "line" } })).toBe(parts);
    expect(new Set(first.enqueued.map((m) => m.chatExternalId)).size).toBe(first.enqueued.length);
  });

  it("the running bot's pass, planned in its own thread, claims on the bot's connection what a pass here would, once", async () => {
    const at = chinaInstant("2026-03-17", "09:30");
    const dry = await runPass(h.app.store, CONFIG, calendar, at, { dryRun: true });
    expect(dry.plannedCount).toBeGreaterThan(0);
    const writer = h.app.store.sql;
    const claims: number[] = [];
    const counting: Sql = Object.create(writer);
    counting.insertManyClaimed = (table, cols, rows, returning, then) => {
      claims.push(rows.length);
      return writer.insertManyClaimed(table, cols, rows, returning, then);
    };
    const thread = new PassThread(h.app.store.sqlSpec, CONFIG, counting);
    try {
      expect(await thread.run(at)).toEqual({ plannedCount: dry.plannedCount, enqueuedCount: dry.plannedCount });
      // Every claim went through the bot's connection, none larger than a step of 25 messages' parts.
      expect(claims.length).toBeGreaterThanOrEqual(Math.ceil(dry.plannedCount / 25));
      expect(await h.app.store.db.outbox.count({ where: { status: { in: ["line", "superseded"] } } })).toBe(
        claims.reduce((a, b) => a + b, 0),
      );
      const queued = await h.app.store.db.outbox.findMany({ where: { status: "pending" }, orderBy: { chatExternalId: "asc" } });
      expect(queued.map((r) => [r.chatExternalId, r.body])).toEqual(
        [...dry.enqueued].sort((a, b) => (a.chatExternalId < b.chatExternalId ? -1 : 1)).map((m) => [m.chatExternalId, m.body]),
      );
      // Again, at the same instant: planned as before, nothing claimed twice.
      expect(await thread.run(at)).toEqual({ plannedCount: dry.plannedCount, enqueuedCount: 0 });
    } finally {
      await thread.close();
    }
  });

  it("a pass thread that cannot open its store fails each pass with the reason, starting anew for the next", async () => {
    const thread = new PassThread({ provider: "sqlite", file: "/nonexistent/dir/bot.db", cacheKib: -2000 }, CONFIG, h.app.store.sql);
    await expect(thread.run(chinaInstant("2026-03-17", "09:30"))).rejects.toThrow(/unable to open|exited|directory/i);
    await expect(thread.run(chinaInstant("2026-03-17", "09:30"))).rejects.toThrow();
    await thread.close();
  });

  it("a claim the bot's connection refuses fails that pass with the reason, and the next pass claims", async () => {
    const at = chinaInstant("2026-03-17", "09:30");
    const writer = h.app.store.sql;
    let refuse = true;
    const failing: Sql = Object.create(writer);
    failing.insertManyClaimed = (...args) =>
      refuse ? Promise.reject(new Error("database or disk is full")) : writer.insertManyClaimed(...args);
    const thread = new PassThread(h.app.store.sqlSpec, CONFIG, failing);
    try {
      await expect(thread.run(at)).rejects.toThrow(/disk is full/);
      refuse = false;
      const dry = await runPass(h.app.store, CONFIG, calendar, at, { dryRun: true });
      expect(await thread.run(at)).toEqual({ plannedCount: dry.plannedCount, enqueuedCount: dry.plannedCount });
    } finally {
      await thread.close();
    }
  });

  it("the pass thread's own connection cannot write", async () => {
    const ro = await openSql({ ...h.app.store.sqlSpec, readonly: true });
    try {
      expect((await ro.all<{ n: number }>(`SELECT COUNT(*) AS n FROM "Unit"`))[0]).toBeDefined();
      await expect(ro.insertManyClaimed("Setting", ["key", "value"], [["probe", "x"]], "key")).rejects.toThrow(/read.?only/i);
    } finally {
      await ro.close();
    }
    expect(await h.app.store.db.setting.count({ where: { key: "probe" } })).toBe(0);
  });

  it("claims a city's pass in batches: every message once, counted without keeping them", async () => {
    // 1,300 units under the town, one chat each, none with a record: two reminders each on
    // 2026-03-17 (March study, Q1 special meeting) — several claim batches.
    const db = h.app.store.db;
    const town = await db.unit.findUniqueOrThrow({ where: { name: "金桥镇" } });
    await db.unit.createMany({ data: Array.from({ length: 1300 }, (_, i) => ({ name: `村${i}`, parentId: town.id })) });
    const villages = await db.unit.findMany({ where: { name: { startsWith: "村" } } });
    await db.chat.createMany({ data: villages.map((v) => ({ platform: "test", externalId: `村群${v.id}`, unitId: v.id })) });
    const at = chinaInstant("2026-03-17", "09:30");
    const dry = await runPass(h.app.store, CONFIG, calendar, at, { dryRun: true });
    // One message per village chat, carrying both of its reminders.
    const toVillages = dry.planned.filter((m) => m.chatExternalId.startsWith("村群"));
    expect(toVillages).toHaveLength(1300);
    expect(toVillages.every((m) => m.kind === "reminder" && m.lines.length === 2)).toBe(true);
    expect(await db.outbox.count()).toBe(0);
    const first = await runPass(h.app.store, CONFIG, calendar, at, { keep: false });
    expect(first.planned).toEqual([]);
    expect(first.enqueued).toEqual([]);
    expect(first.plannedCount).toBe(dry.planned.length);
    expect(first.enqueuedCount).toBe(dry.planned.length);
    const parts = dry.planned.flatMap((m) => m.lines);
    expect(await db.outbox.count({ where: { status: "pending" } })).toBe(dry.planned.length);
    expect(new Set((await db.outbox.findMany({ where: { status: "line" }, select: { dedupeKey: true } })).map((r) => r.dedupeKey))).toEqual(
      new Set(parts),
    );
    const again = await runPass(h.app.store, CONFIG, calendar, at, { dryRun: true });
    expect([again.plannedCount, again.enqueuedCount]).toEqual([dry.planned.length, 0]);
    // The town's digest: one message, forty names (most behind first), the rest counted, short
    // enough for one Telegram message.
    const digests = dry.planned.filter((m) => m.chatExternalId === "镇群");
    expect(digests).toHaveLength(1);
    const body = digests[0].body;
    expect(body).toContain(
      "【下级单位进度】1302个单位尚未完成（截止3月31日，还有14天），差距大的在前：\n· 守规社区：尚缺意识形态工作专题会议1次、理论学习1次\n· 落后社区：",
    );
    expect(body).toContain("\n· 村37：尚缺意识形态工作专题会议1次、理论学习1次\n· 其余1262个单位从略，发送 /统计 查看全部。");
    expect(body).not.toContain("村38：");
    expect(body.length).toBeLessThan(4096);
  });

  it("two processes' passes and deliveries at once send every reminder exactly once", async () => {
    const other = await openStore(h.url);
    try {
      const at = chinaInstant("2026-03-17", "09:30");
      const [a, b] = await Promise.all([runPass(h.app.store, CONFIG, calendar, at), runPass(other, CONFIG, calendar, at)]);
      expect(a.enqueued.length + b.enqueued.length).toBe(a.planned.length);
      const s1 = new CapturingSender(() => at);
      const s2 = new CapturingSender(() => at);
      await Promise.all([
        new Outbox(h.app.store.db, [s1], { clock: () => at, batch: 1, sleep: async () => {} }).deliverDue(),
        new Outbox(other.db, [s2], { clock: () => at, batch: 1, sleep: async () => {} }).deliverDue(),
      ]);
      const all = [...s1.sent, ...s2.sent].map((s) => `${s.chat}|${s.text}`);
      expect(all).toHaveLength(a.planned.length);
      expect(new Set(all).size).toBe(all.length);
      expect(await h.app.store.db.outbox.count({ where: { status: "sent" } })).toBe(a.planned.length);
    } finally {
      await other.close();
    }
  });
});

describe("delivery failures", () => {
  it("retries a 500 and then a 429 with retry-after, and delivers once", async () => {
    const at0 = chinaInstant("2026-03-17", "09:30");
    h.now = at0;
    await runPass(h.app.store, CONFIG, calendar, at0);
    await h.app.store.db.outbox.updateMany({ where: { status: "pending", NOT: { chatExternalId: "落后群" } }, data: { status: "sent" } });
    const row = await h.app.store.db.outbox.findFirstOrThrow({ where: { chatExternalId: "落后群", status: "pending" } });
    const errors = [new SendError("HTTP 500 Internal Server Error"), new SendError("429 Too Many Requests: retry after 7", 7)];
    const sender = new CapturingSender(
      () => h.now,
      (n) => errors[n] ?? null,
    );
    const outbox = new Outbox(h.app.store.db, [sender], { clock: () => h.now, baseDelaySec: 30, sleep: async () => {} });

    expect(await outbox.deliverDue()).toEqual({ sent: 0, retried: 1, failed: 0, deferred: 0 });
    let r = await h.app.store.db.outbox.findUniqueOrThrow({ where: { id: row.id } });
    expect([r.status, r.attempts, r.lastError, r.nextAttemptAt.getTime() - at0.getTime()]).toEqual([
      "pending",
      1,
      "HTTP 500 Internal Server Error",
      30_000,
    ]);
    // Not due yet: nothing happens.
    h.now = new Date(at0.getTime() + 29_000);
    expect(await outbox.deliverDue()).toEqual({ sent: 0, retried: 0, failed: 0, deferred: 0 });
    h.now = new Date(at0.getTime() + 30_000);
    expect(await outbox.deliverDue()).toEqual({ sent: 0, retried: 1, failed: 0, deferred: 0 });
    r = await h.app.store.db.outbox.findUniqueOrThrow({ where: { id: row.id } });
    // The platform's retry-after decides the next attempt, not the backoff.
    expect([r.attempts, r.nextAttemptAt.getTime() - h.now.getTime()]).toEqual([2, 7_000]);
    h.now = new Date(h.now.getTime() + 7_000);
    expect(await outbox.deliverDue()).toEqual({ sent: 1, retried: 0, failed: 0, deferred: 0 });
    r = await h.app.store.db.outbox.findUniqueOrThrow({ where: { id: row.id } });
    expect([r.status, r.attempts, r.lastError]).toEqual(["sent", 3, null]);
    expect(sender.sent).toHaveLength(1);
    expect(await outbox.deliverDue()).toEqual({ sent: 0, retried: 0, failed: 0, deferred: 0 });
  });

  it("marks a message that always fails as failed, with its error, visible to admins", async () => {
    const at0 = chinaInstant("2026-03-17", "09:30");
    h.now = at0;
    await runPass(h.app.store, CONFIG, calendar, at0);
    const pending = await h.app.store.db.outbox.count({ where: { status: "pending" } });
    const sender = new CapturingSender(
      () => h.now,
      () => new SendError("HTTP 502 Bad Gateway"),
    );
    const outbox = new Outbox(h.app.store.db, [sender], { clock: () => h.now, maxAttempts: 3, baseDelaySec: 10, sleep: async () => {} });
    for (let i = 0; i < 5; i++) {
      await outbox.deliverDue();
      h.now = new Date(h.now.getTime() + 3600_000);
    }
    const rows = await h.app.store.db.outbox.findMany();
    expect(rows.filter((r) => r.status === "failed")).toHaveLength(pending);
    expect(rows.every((r) => r.status !== "failed" || (r.attempts === 3 && r.lastError === "HTTP 502 Bad Gateway"))).toBe(true);
    const report = await h.ask("/发送记录", { chat: "镇群" });
    expect(report).toMatch(
      new RegExp(`^待发送 0 条。\\n发送失败 ${pending} 条：\\n  #\\d+ (提醒|汇总) → 「(金桥镇|守规社区|落后社区)」（test:`),
    );
    expect(report).toContain("尝试 3 次");
    expect(report).toContain("错误：HTTP 502 Bad Gateway");
    const id = rows.find((r) => r.status === "failed")!.id;
    expect(await h.ask(`/发送记录 重发 ${id}`, { chat: "镇群" })).toBe(`第 ${id} 条已重新排队发送。`);
    // The re-queued row is listed with when it goes out, and the change is in the audit log.
    expect(await h.ask("/发送记录", { chat: "镇群" })).toMatch(
      new RegExp(
        `^待发送 1 条：\\n发往「\\S+」（test:\\S+）：\\n  #${id} 3月1\\d日 \\d\\d:\\d\\d (提醒|汇总)（上次失败：HTTP 502 Bad Gateway）：【`,
      ),
    );
    expect(await h.app.store.db.auditLog.count({ where: { action: "outbox.retry", entityId: String(id) } })).toBe(1);
    expect(await h.ask("/发送记录", { user: "bob" })).toBe("只有管理员可以使用 /发送记录。你的身份是成员。");
  });

  it("spreads a burst over the platform's per-chat limit instead of provoking 429s", async () => {
    const at0 = chinaInstant("2026-03-17", "09:30");
    h.now = at0;
    const db = h.app.store.db;
    await db.outbox.createMany({
      data: Array.from({ length: 25 }, (_, i) => ({
        dedupeKey: `burst-${i}`,
        kind: "notice",
        platform: "test",
        chatExternalId: "镇群",
        body: `n${i}`,
        nextAttemptAt: at0,
      })),
    });
    const sender = new CapturingSender(() => h.now);
    sender.limits = { perSecond: 30, perChatPerMinute: 20 };
    const slept: number[] = [];
    const outbox = new Outbox(db, [sender], {
      clock: () => h.now,
      sleep: async (ms) => {
        slept.push(ms);
        h.now = new Date(h.now.getTime() + ms);
      },
    });
    const first = await outbox.deliverDue();
    // 20 a minute in one group: the first few go with 3 s spacing (slept), the rest are deferred.
    expect(first.sent + first.deferred).toBe(25);
    expect(slept.every((ms) => ms <= 3000)).toBe(true);
    h.now = new Date(at0.getTime() + 2 * 3600_000);
    for (let i = 0; i < 30 && (await db.outbox.count({ where: { status: "pending" } })) > 0; i++) {
      await outbox.deliverDue();
      h.now = new Date(h.now.getTime() + 60_000);
    }
    expect(sender.sent).toHaveLength(25);
  });
});

describe("the quarter's checklist", () => {
  it("comes on the quarter's first working day, once, listing the rules that apply", async () => {
    const config = parseDeployment(`
requirements:
  - { id: special-meeting, name: 专题研究意识形态工作, kind: meeting, subtypes: [意识形态工作专题会议], min: 1, per: quarter, units: leaf }
reports:
  - { id: quarterly-analysis, name: 季度意识形态工作分析研判报告, subtype: 季度意识形态工作分析研判报告, per: quarter }
reminders: { offsets_days: [7], quarter_start_checklist: true }
`);
    // 2026-10-01 to 10-07 is the National Day holiday: the checklist waits for Thursday the 8th.
    expect(
      (await runPass(h.app.store, config, calendar, chinaInstant("2026-10-07", "09:30"))).enqueued.filter((m) => m.kind === "checklist"),
    ).toEqual([]);
    const { enqueued } = await runPass(h.app.store, config, calendar, chinaInstant("2026-10-08", "09:30"));
    const lists = enqueued.filter((m) => m.body.includes("工作清单】"));
    expect(lists.map((m) => m.chatExternalId).sort()).toEqual(["守规群", "落后群", "镇群"].sort());
    // The town's checklist comes in the same message as the third quarter's overdue list, whose
    // deadline (September 30) was followed by the National Day holiday.
    expect(lists.find((m) => m.chatExternalId === "镇群")!.body).toMatch(
      /^【已逾期】以下单位未在截止前完成：\n· 2026年第三季度「专题研究意识形态工作」（截止9月30日）：守规社区、落后社区\n· 2026年第三季度「季度意识形态工作分析研判报告」（截止9月30日）：守规社区、落后社区\n【2026年第四季度工作清单】金桥镇本季度需完成/,
    );
    expect(lists.find((m) => m.chatExternalId === "落后群")!.body).toBe(
      "【2026年第四季度工作清单】落后社区本季度需完成：\n· 专题研究意识形态工作：每季度不少于1次意识形态工作专题会议\n· 季度意识形态工作分析研判报告：截止12月31日\n发送 /截止 随时查看进度。",
    );
    // The town has children, so the leaf-only requirement is not on its list.
    expect(lists.find((m) => m.chatExternalId === "镇群")!.body.split("工作清单】")[1]).not.toContain("专题研究");
    expect(
      (await runPass(h.app.store, config, calendar, chinaInstant("2026-10-09", "09:30"))).enqueued.filter((m) => m.kind === "checklist"),
    ).toEqual([]);
  });
});

describe("the console", () => {
  it("prints a reminder addressed to a console chat", async () => {
    const { ConsoleSender } = await import("../src/console/console.js");
    const { PassThrough } = await import("node:stream");
    const out = new PassThrough();
    let printed = "";
    out.on("data", (d) => {
      printed += d;
    });
    const at = chinaInstant("2026-12-17", "09:30");
    await h.app.store.db.outbox.create({
      data: {
        dedupeKey: "console-1",
        kind: "reminder",
        platform: "console",
        chatExternalId: "社区群",
        body: "【提醒】测试",
        nextAttemptAt: at,
      },
    });
    expect(await new Outbox(h.app.store.db, [new ConsoleSender(out)], { clock: () => at }).deliverDue()).toEqual({
      sent: 1,
      retried: 0,
      failed: 0,
      deferred: 0,
    });
    expect(printed).toBe("\n[发往「社区群」] 【提醒】测试\n");
    // A merged reminder names its 宣传员 and shows its buttons, as the outbox row keeps them.
    printed = "";
    await h.app.store.db.outbox.create({
      data: {
        dedupeKey: "console-2",
        kind: "reminder",
        platform: "console",
        chatExternalId: "社区群",
        body: "【提醒】测试社区（12月17日）尚有1项要求未完成：",
        payload: JSON.stringify({ mentions: [{ userId: "张三", name: "张三" }], actions: [{ label: "查看截止", command: "/截止" }] }),
        nextAttemptAt: at,
      },
    });
    await new Outbox(h.app.store.db, [new ConsoleSender(out)], { clock: () => at }).deliverDue();
    expect(printed).toBe("\n[发往「社区群」] @张三\n【提醒】测试社区（12月17日）尚有1项要求未完成：\n[查看截止: /截止]\n");
  });
});

describe("commands", () => {
  it("/截止 shows this unit's deadlines and progress; /提醒 mutes and unmutes, audited", async () => {
    h.now = chinaInstant("2026-11-22", "10:00");
    await h.ask("/记录 学习 5人", { chat: "落后群" });
    expect(await h.ask("/截止", { chat: "落后群" })).toBe(
      [
        "「落后社区」近期要求（✅ 已完成 ⏳ 进行中 ❌ 未完成）：",
        "⏳ 专题研究意识形态工作（每季度）：2026年第四季度，截止 12月31日（还有 39 天），已记录 0/1 次",
        "✅ 理论学习（每月）：2026年11月，截止 11月30日（还有 8 天），已记录 1/1 次",
      ].join("\n"),
    );
    expect(await h.ask("/提醒 关", { chat: "落后群" })).toBe(
      "已关闭「落后社区」的截止提醒；上级单位的进度汇总仍会列出本单位。发送 /提醒 开 可恢复。",
    );
    const planned = await runPass(h.app.store, CONFIG, calendar, chinaInstant("2026-12-17", "09:30"), { dryRun: true });
    expect(planned.enqueued.some((m) => m.chatExternalId === "落后群")).toBe(false);
    expect(planned.enqueued.some((m) => m.chatExternalId === "镇群" && m.body.includes("落后社区"))).toBe(true);
    expect(await h.ask("/提醒", { chat: "落后群" })).toBe("「落后社区」的截止提醒目前已关闭。");
    expect(await h.ask("/提醒 开", { chat: "落后群" })).toBe("已打开「落后社区」的截止提醒。");
    expect(await h.ask("/提醒 关", { chat: "落后群", user: "bob" })).toBe("只有管理员可以使用 /提醒。你的身份是成员。");
    expect(await h.app.store.db.auditLog.count({ where: { action: { startsWith: "unit.reminders" } } })).toBe(2);
  });
});

describe("escalation without spam", () => {
  it("an administrator quiets one rule for a unit: no reminder for it, still in the parent's digest, shown in /截止", async () => {
    h.now = chinaInstant("2026-12-16", "10:00");
    expect(await h.ask("/提醒 关 学习", { chat: "落后群" })).toBe(
      "已静音「落后社区」的「理论学习」提醒；上级单位的进度汇总仍会列出本单位，/截止 中会注明。发送 /提醒 开 理论学习 可恢复。",
    );
    expect(await h.ask("/提醒 关 宣传", { chat: "落后群" })).toBe(
      "没有名为「宣传」的要求。本部署的要求有：专题研究意识形态工作、理论学习。",
    );
    expect(await h.ask("/截止", { chat: "落后群" })).toContain(
      "⏳ 理论学习（每月）：2026年12月，截止 12月31日（还有 15 天），已记录 0/1 次（提醒已静音）",
    );
    expect(await h.ask("/提醒", { chat: "落后群" })).toBe("「落后社区」的截止提醒目前已打开，其中「理论学习」已静音。");
    const { enqueued } = await runPass(h.app.store, CONFIG, calendar, chinaInstant("2026-12-17", "09:30"), { dryRun: true });
    const own = enqueued.find((m) => m.chatExternalId === "落后群")!;
    expect(own.body).toContain("「专题研究意识形态工作」");
    expect(own.body).not.toContain("理论学习");
    expect(enqueued.find((m) => m.chatExternalId === "镇群")!.body).toContain("· 落后社区：尚缺意识形态工作专题会议1次、理论学习1次");
    expect(await h.ask("/提醒 开 理论学习", { chat: "落后群" })).toBe("已恢复「落后社区」的「理论学习」提醒。");
    expect(await h.app.store.db.auditLog.count({ where: { action: { in: ["unit.reminders.quiet", "unit.reminders.unquiet"] } } })).toBe(2);
  });

  it("a deadline missed is listed once, in the parent's next digest only, never in the unit's own chat", async () => {
    const sender = new CapturingSender(() => h.now);
    await simulate("2026-12-28", "2027-01-12", sender, {
      beforeDay: async (day) => {
        if (day === "2026-12-28") {
          await h.ask("/记录 学习 8人", { chat: "守规群" });
          await h.ask("/记录 会议 专题会议", { chat: "守规群" });
        }
      },
    });
    const overdue = sender.sent.filter((s) => s.text.includes("【已逾期】"));
    // The first working day after the deadline (the calendar does not know 2027's holidays yet,
    // so Friday January 1 counts as one).
    expect(overdue.map((s) => [s.chat, s.at])).toEqual([["镇群", "2027-01-01"]]);
    expect(overdue[0].text).toContain(
      "【已逾期】以下单位未在截止前完成：\n· 2026年第四季度「专题研究意识形态工作」（截止12月31日）：落后社区\n· 2026年12月「理论学习」（截止12月31日）：落后社区",
    );
    expect(sender.sent.filter((s) => s.chat === "落后群" && s.at > "2026-12-31")).toEqual([]);
  });
});

describe("evidence in reminders", () => {
  it("the quarter's missing photos, attendance and minutes are named in the unit's reminder and its parent's digest", async () => {
    const { jpegBytes } = await import("./fixtures/images.js");
    h.files.set("photo", jpegBytes(5));
    h.now = chinaInstant("2026-12-16", "10:00");
    const id = Number(/^已记录 #(\d+)/.exec(await h.ask("/记录 会议 专题会议", { chat: "落后群" }))?.[1]);
    const at = chinaInstant("2026-12-17", "09:30");
    const messages = async () => (await runPass(h.app.store, CONFIG, calendar, at, { dryRun: true })).enqueued;
    let [own, town] = ["落后群", "镇群"].map(async (chat) => (await messages()).find((m) => m.chatExternalId === chat)!.body);
    expect(await own).toContain(
      "佐证材料（本季度）：1条会议记录缺少照片、1条会议记录缺少参加人员或签到表、1条会议记录缺少纪要。回复那条记录的确认消息发送照片或签到表即可补上；发送 /明细 查看各条记录的材料。",
    );
    expect(await town).toContain(
      "· 落后社区：尚缺理论学习1次；佐证材料：1条会议记录缺少照片、1条会议记录缺少参加人员或签到表、1条会议记录缺少纪要",
    );
    // A photo and the minutes added: only the attendance is still missing.
    expect(await h.ask(`/附件 ${id}`, { chat: "落后群", attachments: [{ kind: "photo", ref: "photo" }] })).toContain("已附照片 1 张");
    expect(await h.ask(`/修改 ${id} 纪要：传达上级部署，研究本季度意识形态工作`, { chat: "落后群" })).toMatch(/^已修改/);
    [own, town] = ["落后群", "镇群"].map(async (chat) => (await messages()).find((m) => m.chatExternalId === chat)!.body);
    expect(await own).toContain("佐证材料（本季度）：1条会议记录缺少参加人员或签到表。");
    expect(await town).toContain("· 落后社区：尚缺理论学习1次；佐证材料：1条会议记录缺少参加人员或签到表");
  });
});
