// The one way out (src/core/outbound.ts): replies, reminders and files through the same sender,
// the same limiter and the same retry policy; a reply that cannot be sent is queued whole in the
// outbox (text, buttons, the file by reference, the message it answers) and shown in /发送记录.
import { describe, it, expect, beforeEach, afterEach } from "vitest";
import { makeHarness, type Harness } from "./harness.js";
import { SendError, retryDelaySec, DEFAULT_RETRY } from "../src/core/outbound.js";
import type { Reply } from "../src/core/types.js";

describe("the retry policy", () => {
  it("honours a retry-after, never retries a permanent refusal, backs off exponentially up to the cap", () => {
    expect(retryDelaySec(new SendError("429", 7), 1, DEFAULT_RETRY)).toBe(7);
    expect(retryDelaySec(new SendError("chat not found", undefined, true), 1, DEFAULT_RETRY)).toBeNull();
    expect([1, 2, 3, 4].map((n) => retryDelaySec(new SendError("502"), n, DEFAULT_RETRY))).toEqual([30, 60, 120, 240]);
    const patient = { ...DEFAULT_RETRY, maxAttempts: 20 };
    expect(retryDelaySec(new SendError("502"), 7, patient)).toBe(1920);
    expect(retryDelaySec(new SendError("502"), 8, patient)).toBe(3600);
    expect(retryDelaySec(new SendError("502"), DEFAULT_RETRY.maxAttempts, DEFAULT_RETRY)).toBeNull();
  });
});

describe("a reply the platform will not take", () => {
  let h: Harness;
  /** What the test platform does with the next sends: throw this error, or deliver. */
  let failWith: (() => SendError) | null;
  let delivered: { chat: string; reply: Reply; replyTo?: string }[];
  let attempts: number;
  /** The outbound path's waits, in ms: they move the harness's clock instead of sleeping. */
  let sleeps: number[];

  beforeEach(async () => {
    sleeps = [];
    h = await makeHarness({
      now: "2026-11-22T10:00:00+08:00",
      core: {
        outbound: {
          sleep: async (ms) => {
            sleeps.push(ms);
            h.now = new Date(h.now.getTime() + ms);
          },
        },
      },
    });
    delivered = [];
    attempts = 0;
    failWith = null;
    h.core.attach("test", {
      names: () => ["LedgerBot"],
      sender: {
        platform: "test",
        async send(chat, reply, opts) {
          attempts++;
          if (failWith && chat === "坏群") throw failWith();
          delivered.push({ chat, reply, replyTo: opts?.replyTo });
        },
      },
    });
    await h.ask("/bind 金桥社区", { chat: "坏群" });
    await h.ask("/bind 金桥镇", { chat: "镇群" });
    attempts = 0;
    delivered = [];
  });
  afterEach(async () => {
    await h.close();
  });

  const record = (eventKey: string) =>
    h.core.handle({
      type: "message",
      msg: {
        platform: "test",
        chatId: "坏群",
        chatTitle: "坏群",
        messageId: eventKey,
        userId: "admin",
        userName: "admin",
        text: "/记录 学习 12人",
        sentAt: h.now,
      },
      keys: [`msg:坏群:${eventKey}`],
      replyTo: eventKey,
    });

  it("is kept as failed when refused for good, and /发送记录 shows it; the record stays", async () => {
    failWith = () => new SendError("Forbidden: bot was kicked from the group chat", undefined, true);
    const replies = await record("k1");
    expect(replies?.[0].text).toMatch(/^已记录 #1：/);
    expect(attempts).toBe(1);
    const rows = await h.app.store.db.outbox.findMany({ where: { kind: "reply" } });
    expect(rows).toMatchObject([
      {
        status: "failed",
        attempts: 1,
        chatExternalId: "坏群",
        body: replies![0].text,
        lastError: "Forbidden: bot was kicked from the group chat",
      },
    ]);
    expect(JSON.parse(rows[0].payload!)).toEqual({
      kind: "record",
      title: "已记录",
      actions: [{ label: "撤销", command: "/undo 1" }],
      recordId: 1,
      replyTo: "k1",
    });
    expect(await h.app.store.db.record.count()).toBe(1);
    const listing = await h.ask("/发送记录", { chat: "镇群" });
    expect(listing).toContain(
      `发送失败 1 条：\n  #${rows[0].id} 命令回复 → 「金桥社区」（test:坏群），尝试 1 次，11月22日 10:00；错误：Forbidden: bot was kicked from the group chat；内容：已记录 #1：理论学习 1 次`,
    );
  });

  it("is retried at once a few times, then queued whole and sent later by the outbox with its buttons", async () => {
    // A platform that keeps answering 502: the inline attempts (1 s, 2 s apart) all fail.
    failWith = () => new SendError("HTTP 502 Bad Gateway");
    const replies = await record("k2");
    expect(attempts).toBe(DEFAULT_RETRY.inlineAttempts);
    expect(sleeps).toEqual([1000, 2000]);
    const [row] = await h.app.store.db.outbox.findMany({ where: { kind: "reply" } });
    expect(row).toMatchObject({ status: "pending", attempts: 3, lastError: "HTTP 502 Bad Gateway" });
    // The outbox's own schedule goes on from the third attempt: 30 s doubling.
    expect(row.nextAttemptAt.getTime() - h.now.getTime()).toBe(120_000);

    failWith = null;
    h.now = new Date(h.now.getTime() + 120_000);
    expect(await h.core.outbound.deliverDue()).toMatchObject({ sent: 1 });
    expect(delivered.filter((d) => d.chat === "坏群")).toEqual([
      {
        chat: "坏群",
        replyTo: "k2",
        reply: {
          text: replies![0].text,
          kind: "record",
          title: "已记录",
          recordId: 1,
          actions: [{ label: "撤销", command: "/undo 1" }],
          deliveryId: `outbox:${row.id}`,
        },
      },
    ]);
    expect((await h.app.store.db.outbox.findUniqueOrThrow({ where: { id: row.id } })).status).toBe("sent");
  });

  it("keeps a file by reference and sends the same bytes later", async () => {
    failWith = () => new SendError("HTTP 500");
    await h.ask("/记录 学习 12人", { chat: "镇群" });
    const result = await h.core.outbound.reply(
      "test",
      { chatId: "坏群" },
      {
        text: "草稿",
        kind: "draft",
        file: {
          name: "草稿.docx",
          mime: "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
          data: Buffer.from("PK-draft"),
        },
      },
      "reply:file-1",
    );
    expect(result).toBe("queued");
    const [row] = await h.app.store.db.outbox.findMany({ where: { dedupeKey: "reply:file-1" } });
    const payload = JSON.parse(row.payload!);
    expect(payload.file).toMatchObject({ name: "草稿.docx" });
    expect(payload.file.sha256).toMatch(/^[0-9a-f]{64}$/);
    expect(row.payload).not.toContain("PK-draft");
    failWith = null;
    h.now = new Date(h.now.getTime() + 3600_000);
    expect(await h.core.outbound.deliverDue()).toMatchObject({ sent: 1 });
    const sent = delivered.find((d) => d.chat === "坏群");
    expect(sent?.reply.file?.data.toString()).toBe("PK-draft");
    expect(sent?.reply.file?.name).toBe("草稿.docx");
  });
});

describe("people's replies before the outbox's messages", () => {
  let h: Harness;
  afterEach(async () => {
    await h.close();
  });

  it("a reminder waits until the command in flight has been answered, and goes when it has", async () => {
    // The longest wait is far off: the order below is the core's doing, not a timer's.
    h = await makeHarness({ now: "2026-11-22T10:00:00+08:00", core: { quietMaxWaitMs: 600_000 } });
    const order: string[] = [];
    let replyCalled!: () => void;
    const replyReached = new Promise<void>((r) => (replyCalled = r));
    let releaseReply!: () => void;
    const replyGate = new Promise<void>((r) => (releaseReply = r));
    h.core.attach("test", {
      names: () => ["LedgerBot"],
      sender: {
        platform: "test",
        async send(chat, reply) {
          if (reply.text.startsWith("已记录")) {
            order.push("reply:start");
            replyCalled();
            await replyGate;
            order.push("reply:sent");
          } else if (reply.text.startsWith("【提醒】")) order.push(`outbox:${chat}`);
        },
      },
    });
    await h.ask("/bind 金桥社区", { chat: "社区群" });
    await h.app.store.db.outbox.create({
      data: {
        dedupeKey: "reminder-1",
        kind: "reminder",
        platform: "test",
        chatExternalId: "其他群",
        body: "【提醒】测试",
        nextAttemptAt: h.now,
      },
    });
    const command = h.say("/记录 学习 12人", { chat: "社区群" });
    await replyReached;
    // The command is being answered: the delivery round asks for quiet and waits for it.
    const quietAsked = new Promise<void>((resolve) => {
      const whenQuiet = h.core.whenQuiet.bind(h.core);
      h.core.whenQuiet = () => {
        resolve();
        return whenQuiet();
      };
    });
    const delivery = h.core.outbound.deliverDue();
    await quietAsked;
    expect(order).toEqual(["reply:start"]);
    releaseReply();
    await command;
    expect(await delivery).toMatchObject({ sent: 1 });
    expect(order).toEqual(["reply:start", "reply:sent", "outbox:其他群"]);
  });

  it("with no command in flight, the outbox does not wait", async () => {
    h = await makeHarness({ now: "2026-11-22T10:00:00+08:00", core: { quietMaxWaitMs: 600_000 } });
    await h.app.store.db.outbox.create({
      data: {
        dedupeKey: "reminder-2",
        kind: "reminder",
        platform: "test",
        chatExternalId: "其他群",
        body: "【提醒】测试",
        nextAttemptAt: h.now,
      },
    });
    expect(await h.core.outbound.deliverDue()).toMatchObject({ sent: 1 });
    expect(h.sent.map((s) => s.chat)).toEqual(["其他群"]);
  });

  /** A harness whose outbound waits move its clock, and a sender with a budget of 10 a second that notes when each message went. */
  async function budgeted() {
    h = await makeHarness({
      now: "2026-11-22T10:00:00+08:00",
      core: { outbound: { sleep: async (ms) => void (h.now = new Date(h.now.getTime() + ms)) } },
    });
    const sentAt: { chat: string; at: number }[] = [];
    h.core.attach("test", {
      names: () => ["LedgerBot"],
      sender: {
        platform: "test",
        limits: { perSecond: 10, perChatPerMinute: 600 },
        send: async (chat) => void sentAt.push({ chat, at: h.now.getTime() }),
      },
    });
    for (let i = 0; i < 4; i++)
      await h.app.store.db.outbox.create({
        data: {
          dedupeKey: `reminder-${i}`,
          kind: "reminder",
          platform: "test",
          chatExternalId: `群${i}`,
          body: "【提醒】测试",
          nextAttemptAt: h.now,
        },
      });
    const outboxGaps = () => {
      const at = sentAt.filter((s) => s.chat.startsWith("群")).map((s) => s.at);
      return at.slice(1).map((t, i) => t - at[i]);
    };
    return { sentAt, outboxGaps };
  }

  it("while replies are going out, the outbox keeps to what they leave of the platform's budget", async () => {
    const { sentAt, outboxGaps } = await budgeted();
    for (let i = 0; i < 4; i++)
      await h.core.outbound.reply("test", { chatId: `回复群${i}` }, { text: "已记录 #1", kind: "record" }, `reply:${i}`);
    expect(await h.core.outbound.deliverDue()).toMatchObject({ sent: 4 });
    expect(sentAt).toHaveLength(8);
    // 10 a second less one and a half times the 4 replies of the last second: 4 a second.
    expect(outboxGaps()).toHaveLength(3);
    for (const gap of outboxGaps()) expect(gap).toBeGreaterThanOrEqual(250);
  });

  it("with no reply in the last second, the outbox has the whole budget", async () => {
    const { outboxGaps } = await budgeted();
    expect(await h.core.outbound.deliverDue()).toMatchObject({ sent: 4 });
    expect(outboxGaps()).toEqual([100, 100, 100]);
  });
});
