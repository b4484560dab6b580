// End to end through the real Lark SDK: signed, encrypted events are posted to /lark/events on the
// bot's HTTP server; the adapter answers through the SDK client, which talks to a local fake of
// the Open API (test/fixtures/lark-fake.ts). Checked: the replies the fake received (text, card
// JSON, file message) and the database rows.
import fs from "node:fs";
import type http from "node:http";
import { describe, it, expect, beforeAll, afterAll } from "vitest";
import { freshDatabaseUrl, dropDatabase } from "./db.js";
import JSZip from "jszip";
import { createApp, type App } from "../src/app.js";
import { BotCore } from "../src/core/bot.js";
import { UNBOUND_HINT } from "../src/core/router.js";
import { JOIN_GREETING } from "../src/core/greetings.js";
import { createHttpServer, listen } from "../src/http/server.js";
import { Outbox, SendError } from "../src/outbox/outbox.js";
import { createLarkAdapter, type LarkAdapter } from "../src/lark/index.js";
import { tempDir } from "./harness.js";
import { runPass } from "../src/scheduler/scheduler.js";
import { WorkCalendar } from "../src/scheduler/calendar.js";
import { chinaInstant } from "../src/time.js";
import { LarkFake, type FakeMessage } from "./fixtures/lark-fake.js";
import {
  ENCRYPT_KEY,
  VERIFICATION_TOKEN,
  postEvent,
  messageEvent,
  cardActionEvent,
  recalledEvent,
  botAddedEvent,
  botDeletedEvent,
  challengeEvent,
  waitFor,
  type MessageOptions,
  type Mention,
} from "./fixtures/lark-events.js";

const BOT: Mention = { key: "@_user_1", openId: "ou_bot", name: "台账机器人" };
const GROUP = "oc_group_1";

let fake: LarkFake;
let databaseUrl = "";
let app: App;
let adapter: LarkAdapter;
let core: BotCore;
let server: http.Server;
let endpoint: string;
let dir: string;
const logs: { event: string; detail: Record<string, unknown> }[] = [];
const sleeps: number[] = [];

beforeAll(async () => {
  fake = await new LarkFake().start();
  fake.users.set("ou_admin", "王书记");
  fake.users.set("ou_user", "李宣传");
  dir = tempDir("lark-test-");
  databaseUrl = await freshDatabaseUrl(dir);
  // The bot's clock moves only when its outbound path waits, so the waits it computes are exact.
  let nowMs = Date.now();
  app = await createApp({ databaseUrl, admins: ["lark:ou_admin"], limits: false, clock: () => new Date(nowMs) });
  const log = (event: string, detail: Record<string, unknown>) => void logs.push({ event, detail });
  // The core's outbound path waits through this: a retry-after is recorded, not slept.
  core = new BotCore(app, {
    log,
    outbound: {
      sleep: async (ms) => {
        sleeps.push(ms);
        nowMs += ms;
      },
    },
  });
  adapter = createLarkAdapter({
    core,
    log,
    appId: fake.appId,
    appSecret: fake.appSecret,
    domain: `${fake.url}/`,
    mode: "webhook",
    encryptKey: ENCRYPT_KEY,
    verificationToken: VERIFICATION_TOKEN,
  });
  server = createHttpServer({ routes: adapter.routes ?? {}, health: async () => true });
  const port = await listen(server, 0, "127.0.0.1");
  endpoint = `http://127.0.0.1:${port}/lark/events`;
  await adapter.start();
  await core.start();
});

afterAll(async () => {
  await adapter?.stop();
  await core?.drain();
  server?.closeAllConnections();
  await new Promise((r) => server?.close(r));
  await fake?.close();
  await app?.close();
  if (databaseUrl) await dropDatabase(databaseUrl);
  if (dir) fs.rmSync(dir, { recursive: true, force: true });
});

type SayOptions = Partial<MessageOptions> & { post?: Parameters<typeof postEvent>[2] };

/** Posts a message event, waits until the adapter has finished with it, returns the bot's replies to it. */
async function say(text: string, o: SayOptions = {}): Promise<{ replies: FakeMessage[]; messageId: string; status: number }> {
  const ev = messageEvent({ chatId: GROUP, openId: "ou_admin", text, ...o });
  const messageId = ev.event.message.message_id;
  fake.chatOfMessage.set(messageId, ev.event.message.chat_id);
  const res = await postEvent(endpoint, ev, o.post);
  await adapter.idle();
  return { replies: fake.repliesTo(messageId), messageId, status: res.status };
}

const textOf = (m: FakeMessage | undefined) => (m?.msgType === "text" ? String(m.content.text) : "");
const recordsOf = (messageId: string) => app.store.db.record.findMany({ where: { sourcePlatform: "lark", sourceMessageId: messageId } });

describe("Lark webhook (/lark/events) through the real SDK", () => {
  it("answers the URL-verification challenge, encrypted or plain, and refuses a wrong token", async () => {
    const ch = challengeEvent();
    const res = await postEvent(endpoint, ch, { sign: "none" });
    expect(res.status).toBe(200);
    expect(res.json).toEqual({ challenge: ch.challenge });
    const plain = await postEvent(endpoint, challengeEvent(VERIFICATION_TOKEN, "plain-1"), { encrypted: false, sign: "none" });
    expect(plain.json).toEqual({ challenge: "plain-1" });
    const wrong = await postEvent(endpoint, challengeEvent("someone-else"), { sign: "none" });
    expect(wrong.status).toBe(403);
    expect(wrong.text).not.toContain("challenge");
  });

  it("refuses a body over 1 MB with 413 before parsing it", async () => {
    const res = await fetch(endpoint, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: "x".repeat(2 * 1024 * 1024),
    });
    expect(res.status).toBe(413);
  });

  it("starts even when Lark refuses the credentials, and never logs the secret", async () => {
    const seen: unknown[] = [];
    const wrong = createLarkAdapter({
      core: new BotCore(app),
      log: (event, detail) => seen.push({ event, detail }),
      appId: fake.appId,
      appSecret: "wrong-secret-4711",
      domain: fake.url,
      mode: "webhook",
      encryptKey: ENCRYPT_KEY,
    });
    await wrong.start();
    expect(await wrong.botIdentity()).toBeNull();
    await wrong.stop();
    const text = JSON.stringify(seen);
    expect(text).toContain("lark.identity.failed");
    expect(text).toContain("lark.sdk");
    expect(text).not.toContain("wrong-secret-4711");
  });

  it("fetched the bot's identity through the SDK with a tenant token", async () => {
    expect(await adapter.botIdentity()).toEqual({ openId: "ou_bot", name: "台账机器人" });
    const info = fake.callsTo("GET", "/open-apis/bot/v3/info");
    expect(info.length).toBe(1);
    expect(info[0].auth).toBe("Bearer t-fake-1");
    expect(fake.callsTo("POST", "/open-apis/auth/v3/tenant_access_token/internal")[0].body).toEqual({
      app_id: fake.appId,
      app_secret: fake.appSecret,
    });
  });

  it("greets a chat it joins, once, and logs being removed", async () => {
    const ev = botAddedEvent({ chatId: GROUP, name: "金桥社区工作群" });
    const res = await postEvent(endpoint, ev);
    expect(res.status).toBe(200);
    await waitFor(() => fake.inChat(GROUP).length > 0, 5000, "greeting");
    const [greeting] = fake.inChat(GROUP);
    expect(greeting.via).toBe("create");
    expect(greeting.msgType).toBe("text");
    expect(greeting.content.text).toBe(JOIN_GREETING);
    const chat = await app.store.db.chat.findUnique({ where: { platform_externalId: { platform: "lark", externalId: GROUP } } });
    expect(chat?.title).toBe("金桥社区工作群");
    await postEvent(endpoint, ev); // redelivered
    await adapter.idle();
    expect(fake.inChat(GROUP).length).toBe(1);
    // Removed and added back while the chat is bound: a welcome back naming the unit, not /bind.
    const bound = "oc_bound_again";
    fake.chatOfMessage.set("om_bind_again", bound);
    await say("/bind 回归社区", { chatId: bound, messageId: "om_bind_again" });
    await postEvent(endpoint, botAddedEvent({ chatId: bound, name: "回归群" }));
    await adapter.idle();
    const back = fake.inChat(bound).find((m) => m.via === "create");
    expect(String(back?.content.text)).toContain("本群已绑定到「回归社区」");
    expect(String(back?.content.text)).not.toContain("/bind 单位名");

    await postEvent(endpoint, botDeletedEvent({ chatId: "oc_left" }));
    await adapter.idle();
    expect(logs.some((l) => l.event === "bot.removed" && l.detail.platform === "lark" && l.detail.chat === "oc_left")).toBe(true);
  });

  it("tells a chat that is not bound how to bind it", async () => {
    const { replies, messageId } = await say("@_user_1 /记录 学习 5人", { chatId: "oc_unbound", openId: "ou_user", mentions: [BOT] });
    expect(replies.length).toBe(1);
    expect(replies[0].via).toBe("reply");
    expect(textOf(replies[0])).toBe(UNBOUND_HINT);
    expect(await recordsOf(messageId)).toEqual([]);
  });

  it("binds the chat for an administrator named in ADMINS", async () => {
    const { replies } = await say("/bind 测试社区", { openId: "ou_admin" });
    expect(textOf(replies[0])).toContain("已将本群绑定到「测试社区」");
    const chat = await app.store.db.chat.findUnique({
      where: { platform_externalId: { platform: "lark", externalId: GROUP } },
      include: { unit: true },
    });
    expect(chat?.unit?.name).toBe("测试社区");
  });

  it("refuses /bind from someone who is not an administrator", async () => {
    const { replies } = await say("/bind 别的社区", { chatId: "oc_other", openId: "ou_user" });
    expect(textOf(replies[0])).toContain("只有管理员");
  });

  let undoId = 0;
  let cardMessageId = "";

  it("records '@Bot /record study 12 people' and confirms with a card that has an undo button", async () => {
    const { replies, messageId } = await say("@_user_1 /record study 12 people", { openId: "ou_admin", mentions: [BOT] });
    const rows = await recordsOf(messageId);
    expect(rows.length).toBe(1);
    expect(rows[0]).toMatchObject({ kind: "study", participants: 12, sessions: 1, deletedAt: null });
    expect(replies.length).toBe(1);
    const card = replies[0];
    expect(card.msgType).toBe("interactive");
    expect(card.content.schema).toBe("2.0");
    expect(card.content.header.title).toEqual({ tag: "plain_text", content: "已记录" });
    const [div, button] = card.content.body.elements;
    expect(div.tag).toBe("div");
    expect(div.text.tag).toBe("plain_text");
    expect(div.text.content).toContain(`已记录 #${rows[0].id}：`);
    expect(div.text.content).toContain("12 人");
    expect(button).toMatchObject({
      tag: "button",
      text: { tag: "plain_text", content: "撤销" },
      behaviors: [{ type: "callback", value: { command: `/undo ${rows[0].id}` } }],
    });
    expect(card.uuid).toMatch(/^[0-9a-f]{32}$/);
    // The member's name came from the contact API.
    const member = await app.store.db.member.findUnique({ where: { platform_externalId: { platform: "lark", externalId: "ou_admin" } } });
    expect(member?.name).toBe("王书记");
    const sent = fake.calls.filter((c) => c.path === `/open-apis/im/v1/messages/${messageId}/reply`);
    expect(sent[0].auth).toBe("Bearer t-fake-1");
    undoId = rows[0].id;
    cardMessageId = card.id;
  });

  it("takes '@Bot 记录 …' without a slash and keeps other mentions as names", async () => {
    const { replies, messageId } = await say("@_user_1 记录 学习 8人 主题：@_user_2 领学", {
      openId: "ou_user",
      mentions: [BOT, { key: "@_user_2", openId: "ou_lead", name: "张主任" }],
    });
    const rows = await recordsOf(messageId);
    expect(rows.length).toBe(1);
    expect(rows[0].participants).toBe(8);
    expect(rows[0].topic).toContain("@张主任");
    expect(replies[0].msgType).toBe("interactive");
  });

  it("answers a line it cannot read with a Chinese error as plain text", async () => {
    const { replies, messageId } = await say("/record unknownkind 3");
    expect(replies.length).toBe(1);
    expect(replies[0].msgType).toBe("text");
    expect(textOf(replies[0])).toContain("没看懂「unknownkind」");
    expect(await recordsOf(messageId)).toEqual([]);
  });

  it("never records or answers a redelivered event twice (same event_id, or same message_id)", async () => {
    const ev = messageEvent({ chatId: GROUP, openId: "ou_admin", text: "/记录 会议 意识形态工作专题会议" });
    const messageId = ev.event.message.message_id;
    fake.chatOfMessage.set(messageId, GROUP);
    const [a, b] = await Promise.all([postEvent(endpoint, ev), postEvent(endpoint, ev)]);
    expect([a.status, b.status]).toEqual([200, 200]);
    await adapter.idle();
    await postEvent(endpoint, ev);
    await adapter.idle();
    // Lark can also resend the message under a new event id.
    const again = messageEvent({ chatId: GROUP, openId: "ou_admin", text: "/记录 会议 意识形态工作专题会议", messageId });
    await postEvent(endpoint, again);
    await adapter.idle();
    expect((await recordsOf(messageId)).length).toBe(1);
    expect(fake.repliesTo(messageId).length).toBe(1);
  });

  it("runs the undo button as the person who pressed it and answers with a toast", async () => {
    const press = cardActionEvent({ chatId: GROUP, openId: "ou_admin", command: `/undo ${undoId}`, cardMessageId });
    const res = await postEvent(endpoint, press);
    expect(res.status).toBe(200);
    expect(res.json.toast.type).toBe("success");
    expect(res.json.toast.content).toContain(`已撤销 #${undoId}`);
    await adapter.idle();
    const row = await app.store.db.record.findUnique({ where: { id: undoId } });
    expect(row?.deletedAt).toBeInstanceOf(Date);
    const replies = fake.repliesTo(cardMessageId);
    expect(replies.length).toBe(1);
    expect(textOf(replies[0])).toContain(`已撤销 #${undoId}`);

    // The same press delivered again: nothing happens a second time.
    const redelivered = await postEvent(endpoint, press);
    expect(redelivered.json.toast.type).toBe("info");
    await adapter.idle();
    expect(fake.repliesTo(cardMessageId).length).toBe(1);

    // A second press of the button: the record is already gone.
    const second = await postEvent(
      endpoint,
      cardActionEvent({ chatId: GROUP, openId: "ou_admin", command: `/undo ${undoId}`, cardMessageId }),
    );
    expect(second.json.toast.type).toBe("error");
    expect(second.json.toast.content).toContain("已经撤销过了");
    await adapter.idle();
  });

  it("sends a draft as a card with a Word button, and the Word file through the file API", async () => {
    const { replies } = await say("/报告");
    const card = replies[0];
    expect(card.msgType).toBe("interactive");
    expect(card.content.header.title.content).toContain("测试社区");
    const elements = card.content.body.elements;
    expect(elements[0].text.content).toContain("一、意识形态工作开展情况");
    const button = elements.find((e: { tag: string }) => e.tag === "button");
    expect(button.text.content).toBe("下载 Word");
    const command = button.behaviors[0].value.command as string;
    expect(command).toMatch(/docx$/);

    const res = await postEvent(endpoint, cardActionEvent({ chatId: GROUP, openId: "ou_user", command, cardMessageId: card.id }));
    expect(res.json.toast.type).toBe("success");
    await adapter.idle();
    expect(fake.files.length).toBe(1);
    const file = fake.files[0];
    expect(file.name).toMatch(/\.docx$/);
    expect(file.type).toBe("doc");
    expect(file.data.subarray(0, 2).toString("latin1")).toBe("PK");
    const docx = await JSZip.loadAsync(file.data);
    expect(await docx.file("word/document.xml")?.async("string")).toContain("意识形态工作开展情况");
    const fileMessage = fake.repliesTo(card.id).find((m) => m.msgType === "file");
    expect(fileMessage?.content).toEqual({ file_key: file.key });
    expect(fake.callsTo("POST", "/open-apis/im/v1/files")[0].body).toMatchObject({ file_type: "doc", file_name: file.name });
  });

  it("answers '/报告 文档' with the file message (a throttled file message is retried without a second upload)", async () => {
    const uploadsBefore = fake.files.length;
    fake.failNextSends(1, "server", "file");
    const { replies } = await say("/报告 文档", { openId: "ou_user" });
    expect(fake.files.length).toBe(uploadsBefore + 1);
    expect(replies.filter((m) => m.msgType === "file")).toHaveLength(1);
    const file = replies.find((m) => m.msgType === "file");
    const uploaded = fake.files.find((f) => f.key === file?.content.file_key);
    expect(uploaded?.name).toMatch(/\.docx$/);
    expect(uploaded?.data.subarray(0, 2).toString("latin1")).toBe("PK");
    expect(textOf(replies[0])).toContain("Word 草稿已生成");
  });

  it("delivers an outbox reminder through the sender", async () => {
    const db = app.store.db;
    const row = await db.outbox.create({
      data: {
        dedupeKey: "lark-reminder-1",
        kind: "reminder",
        platform: "lark",
        chatExternalId: GROUP,
        body: "提醒：本季度还没有召开意识形态工作专题会议。",
        // Due by the bot's clock (which moves only with the outbound path's waits here).
        nextAttemptAt: app.clock(),
      },
    });
    const result = await new Outbox(db, [adapter.sender], { clock: app.clock }).deliverDue();
    expect(result.sent).toBe(1);
    const sent = fake.messages.filter((m) => m.content.text === row.body);
    expect(sent.length).toBe(1);
    expect(sent[0]).toMatchObject({ via: "create", chatId: GROUP, msgType: "text" });
    const call = fake.calls.filter((c) => c.path === "/open-apis/im/v1/messages").at(-1);
    expect(call?.query).toEqual({ receive_id_type: "chat_id" });
    expect(call?.auth).toMatch(/^Bearer t-fake-/);
    expect((await db.outbox.findUnique({ where: { id: row.id } }))?.status).toBe("sent");
  });

  it("sends one merged reminder card mentioning the 宣传员, with 生成草稿; a restart sends it once; pressing it drafts the quarter", async () => {
    await say("/记录 学习 中心组学习 12人 2026-11-20", { openId: "ou_user" });
    expect(textOf((await say("/角色 lark:ou_user 宣传员")).replies[0])).toContain("宣传员");
    // One day before the quarter's deadlines (2026-12-31), at the send time: the pass claims the
    // chat's reminders as one message; a second pass (a restart, another process) claims nothing.
    const at = chinaInstant("2026-12-30", "09:30");
    const calendar = new WorkCalendar(app.config.calendar);
    const first = await runPass(app.store, app.config, calendar, at);
    expect(first.enqueued.filter((m) => m.chatExternalId === GROUP)).toHaveLength(1);
    expect((await runPass(app.store, app.config, calendar, at)).enqueued).toEqual([]);
    const before = fake.messages.length;
    // Delivered by a fresh outbox, as a restarted process would.
    await new Outbox(app.store.db, [adapter.sender], { clock: () => at, sleep: async () => {} }).deliverDue();
    await new Outbox(app.store.db, [adapter.sender], { clock: () => at, sleep: async () => {} }).deliverDue();
    const cards = fake.messages.slice(before).filter((m) => m.chatId === GROUP);
    expect(cards).toHaveLength(1);
    const reminder = cards[0];
    expect(reminder.msgType).toBe("interactive");
    const elements = reminder.content.body.elements as { tag: string; content?: string; text?: { content: string } }[];
    expect(elements[0]).toEqual({ tag: "markdown", content: "<at id=ou_user></at>" });
    const body = elements.find((e) => e.tag === "div")!.text!.content;
    // The quarter's, the half-year's and the year's reports in one message, each with its command,
    // after the meeting and study rules when the records earlier tests made (dated by the clock,
    // which may run a year ahead) do not count for this quarter.
    const lines = body.split("\n");
    expect(lines[0]).toMatch(/^【提醒】测试社区（12月30日）尚有[35]项要求未完成：$/);
    const reports = [
      "「季度意识形态工作分析研判报告」：2026年第四季度尚未报送，截止12月31日（还有1天）。生成草稿：/报告 2026年第四季度；报送后发送：/记录 报送 季度分析研判报告",
      "「向上级报告意识形态工作」：2026年下半年尚未报送，截止12月31日（还有1天）。生成草稿：/报告 2026年下半年；报送后发送：/记录 报送 半年报告",
      "「年度意识形态工作责任制落实情况报告」：2026年尚未报送，截止12月31日（还有1天）。生成草稿：/报告 2026年；报送后发送：/记录 报送 年度报告",
    ];
    const numbered = lines.filter((l) => /^\d+\. /.test(l)).map((l) => l.replace(/^\d+\. /, ""));
    expect(numbered.slice(-3)).toEqual(reports);
    expect(lines.slice(-2)).toEqual([
      "发送 /截止 查看全部进度。",
      "【系统通知】节假日日历中还没有 2027 年的官方放假和调休安排，2027 年的提醒暂按周末计算工作日。国务院公布安排后，请管理员在部署配置（BOT_CONFIG）的 calendar 中补充，或升级 chinese-days。",
    ]);
    const buttons = elements.filter((e) => e.tag === "button") as unknown as {
      text: { content: string };
      behaviors: { value: { command: string } }[];
    }[];
    expect(buttons.map((b) => [b.text.content, b.behaviors[0].value.command])).toEqual([
      ["生成草稿（2026年第四季度）", "/报告 2026年第四季度"],
      ["生成草稿（2026年下半年）", "/报告 2026年下半年"],
      ["生成草稿（2026年）", "/报告 2026年"],
      ["查看截止", "/截止"],
    ]);

    const res = await postEvent(
      endpoint,
      cardActionEvent({ chatId: GROUP, openId: "ou_user", command: "/报告 2026年第四季度", cardMessageId: reminder.id }),
    );
    expect(res.json.toast.type).toBe("success");
    await adapter.idle();
    const draft = fake.repliesTo(reminder.id).find((m) => m.msgType === "interactive");
    expect(JSON.stringify(draft?.content)).toContain("一、意识形态工作开展情况");
    expect(draft?.content.header.title.content).toContain("2026年第四季度");
  });

  it("retries a throttled outbox send later (230020) and delivers it once", async () => {
    const db = app.store.db;
    let now = Date.now();
    const outbox = new Outbox(db, [adapter.sender], { clock: () => new Date(now) });
    const row = await db.outbox.create({
      data: {
        dedupeKey: "lark-reminder-2",
        kind: "reminder",
        platform: "lark",
        chatExternalId: GROUP,
        body: "提醒：12月31日前报送季度分析研判报告。",
        nextAttemptAt: new Date(now),
      },
    });
    fake.failNextSends(1, "throttle");
    const first = await outbox.deliverDue();
    expect(first).toMatchObject({ sent: 0, retried: 1 });
    const pending = await db.outbox.findUniqueOrThrow({ where: { id: row.id } });
    expect(pending.status).toBe("pending");
    expect(pending.lastError).toContain("230020");
    expect(pending.nextAttemptAt.getTime() - now).toBe(1000);
    expect(fake.messages.filter((m) => m.content.text === row.body).length).toBe(0);
    now += 1500;
    const second = await outbox.deliverDue();
    expect(second.sent).toBe(1);
    expect(fake.messages.filter((m) => m.content.text === row.body).length).toBe(1);
    expect((await db.outbox.findUniqueOrThrow({ where: { id: row.id } })).status).toBe("sent");
  });

  it("surfaces Lark's throttling, server errors and a chat it left as SendError", async () => {
    const send = (chat = GROUP) =>
      adapter.sender.send(chat, { text: `探测 ${Math.random()}`, kind: "info" }).then(
        () => null,
        (e: unknown) => e,
      );
    fake.failNextSends(1, "gateway");
    const gateway = await send();
    expect(gateway).toBeInstanceOf(SendError);
    expect(gateway).toMatchObject({ retryAfterSec: 1, permanent: false });
    fake.failNextSends(1, "server");
    const server500 = (await send()) as SendError;
    expect(server500).toBeInstanceOf(SendError);
    expect(server500.retryAfterSec).toBeUndefined();
    expect(server500.permanent).toBe(false);
    fake.goneChats.add("oc_gone");
    const gone = (await send("oc_gone")) as SendError;
    expect(gone.permanent).toBe(true);
    expect(gone.message).toContain("230002");
    expect(adapter.sender.limits).toBeDefined();
  });

  it("retries a throttled reply after the time Lark asks for", async () => {
    sleeps.length = 0;
    fake.failNextSends(1, "throttle");
    const { replies } = await say("/stats", { openId: "ou_user" });
    expect(replies.length).toBe(1);
    // One wait of the second Lark asked for (besides, perhaps, the group's 200 ms spacing): the
    // retry-after pauses the platform's limiter once; it is not waited for twice.
    expect(sleeps.filter((ms) => ms > 200)).toEqual([1000]);
  });

  it("rejects a request with a bad or missing signature: nothing recorded, nothing sent", async () => {
    const before = fake.messages.length;
    const bad = await say("/记录 学习 30人", { post: { sign: "bad" } });
    expect(bad.status).toBe(401);
    expect(await recordsOf(bad.messageId)).toEqual([]);
    const unsigned = await say("/记录 学习 31人", { post: { sign: "none" } });
    expect(unsigned.status).toBe(401);
    expect(await recordsOf(unsigned.messageId)).toEqual([]);
    const forgedPress = await postEvent(endpoint, cardActionEvent({ chatId: GROUP, openId: "ou_admin", command: "/undo 1" }), {
      sign: "bad",
    });
    expect(forgedPress.status).toBe(401);
    await adapter.idle();
    expect(fake.messages.length).toBe(before);
    expect(logs.some((l) => l.event === "lark.webhook.bad_signature")).toBe(true);
  });

  it("ignores its own messages and group chatter without touching the database", async () => {
    const eventsBefore = await app.store.db.inboundEvent.count();
    const before = fake.messages.length;
    await say("/记录 学习 40人", { senderType: "app", openId: "ou_bot" });
    await say("今天的学习大家都到了吗？", { openId: "ou_user" });
    expect(fake.messages.length).toBe(before);
    expect(await app.store.db.inboundEvent.count()).toBe(eventsBefore);
  });

  it("in a private chat takes commands without a slash and hints at text for other message types", async () => {
    const help = await say("帮助", { chatId: "oc_p2p_1", chatType: "p2p", openId: "ou_user" });
    expect(textOf(help.replies[0])).toContain("/记录");
    const image = await say("", {
      chatId: "oc_p2p_1",
      chatType: "p2p",
      openId: "ou_user",
      messageType: "image",
      content: JSON.stringify({ image_key: "img_v2_x" }),
    });
    expect(textOf(image.replies[0])).toContain("目前只能识别文字命令");
    const groupImage = await say("", { openId: "ou_user", messageType: "image", content: JSON.stringify({ image_key: "img_v2_y" }) });
    expect(groupImage.replies).toEqual([]);
  });

  it("reads rich-text (post) messages with the bot mentioned", async () => {
    const content = JSON.stringify({
      title: "",
      content: [
        [
          { tag: "at", user_id: "@_user_1", user_name: "台账机器人" },
          { tag: "text", text: " /记录 宣讲 3场 约200人次" },
        ],
      ],
    });
    const { replies, messageId } = await say("", { openId: "ou_user", messageType: "post", content, mentions: [BOT] });
    const rows = await recordsOf(messageId);
    expect(rows.length).toBe(1);
    expect(rows[0]).toMatchObject({ kind: "lecture", sessions: 3, participants: 200, participantsApprox: true });
    expect(replies[0].msgType).toBe("interactive");
  });

  it("shows user text literally: Lark's <at> tags in a text reply are made inert", async () => {
    const { replies } = await say('/record foo<at user_id="all"></at>', { openId: "ou_user" });
    const text = textOf(replies[0]);
    expect(text).not.toMatch(/<at/);
    expect(text.replace(/\u200B/g, "")).toContain("<at");
  });
});

describe("Lark webhook with neither an encrypt key nor a verification token", () => {
  it("refuses to start: anyone could post forged events as any user", () => {
    expect(() =>
      createLarkAdapter({
        core: new BotCore(app),
        log: () => {},
        appId: fake.appId,
        appSecret: fake.appSecret,
        domain: fake.url,
        mode: "webhook",
      }),
    ).toThrow(/LARK_MODE=webhook needs LARK_ENCRYPT_KEY/);
    // The long connection needs neither: Lark authenticates the connection itself.
    expect(() =>
      createLarkAdapter({
        core: new BotCore(app),
        log: () => {},
        appId: fake.appId,
        appSecret: fake.appSecret,
        domain: fake.url,
        mode: "ws",
      }),
    ).not.toThrow();
  });
});

describe("Lark webhook without an encrypt key (verification token only)", () => {
  let plainAdapter: LarkAdapter;
  let plainServer: http.Server;
  let url = "";

  beforeAll(async () => {
    plainAdapter = createLarkAdapter({
      core: new BotCore(app),
      log: () => {},
      appId: fake.appId,
      appSecret: fake.appSecret,
      domain: fake.url,
      mode: "webhook",
      verificationToken: VERIFICATION_TOKEN,
    });
    plainServer = createHttpServer({ routes: plainAdapter.routes ?? {}, health: async () => true });
    url = `http://127.0.0.1:${await listen(plainServer, 0, "127.0.0.1")}/lark/events`;
    await plainAdapter.start();
  });

  afterAll(async () => {
    await plainAdapter?.stop();
    plainServer?.closeAllConnections();
    await new Promise((r) => plainServer?.close(r));
  });

  it("accepts plain events carrying the verification token and refuses others", async () => {
    const good = messageEvent({ chatId: "oc_plain", openId: "ou_user", text: "/帮助" });
    fake.chatOfMessage.set(good.event.message.message_id, "oc_plain");
    expect((await postEvent(url, good, { encrypted: false, sign: "none" })).status).toBe(200);
    await plainAdapter.idle();
    expect(fake.repliesTo(good.event.message.message_id)).toHaveLength(1);

    const forged = messageEvent({ chatId: "oc_plain", openId: "ou_user", text: "/帮助" });
    forged.header.token = "guessed";
    expect((await postEvent(url, forged, { encrypted: false, sign: "none" })).status).toBe(401);
    // Encrypted bodies need the key this adapter does not have.
    expect((await postEvent(url, good, { sign: "none" })).status).toBe(400);
    await plainAdapter.idle();
    expect(fake.repliesTo(forged.event.message.message_id)).toHaveLength(0);
  });

  it("tells Lark to come back later once stopped (503), so no event is acknowledged and lost", async () => {
    await plainAdapter.stop();
    const late = messageEvent({ chatId: "oc_plain", openId: "ou_user", text: "/帮助" });
    expect((await postEvent(url, late, { encrypted: false, sign: "none" })).status).toBe(503);
  });
});

describe("Lark: recalls and plain language", () => {
  const CHAT = "oc_recall_1";
  it("a recalled record message voids its record (audited) and says so in the chat", async () => {
    await say("/bind 撤回社区", { chatId: CHAT });
    const { messageId } = await say("/记录 学习 中心组学习 12人", { chatId: CHAT });
    const [row] = await recordsOf(messageId);
    expect(row.deletedAt).toBeNull();
    const before = fake.inChat(CHAT).length;
    const recall = recalledEvent({ chatId: CHAT, messageId });
    expect((await postEvent(endpoint, recall)).status).toBe(200);
    await adapter.idle();
    await core.idle();
    const [after] = await recordsOf(messageId);
    expect(after.deletedAt).toBeInstanceOf(Date);
    const notice = fake.inChat(CHAT).slice(before);
    expect(notice.map(textOf)).toEqual([
      `登记这条记录的消息已撤回，记录 #${row.id} 已作废，不再计入统计：党委理论学习中心组学习 1 次，12 人参加（${row.day.slice(5, 7).replace(/^0/, "")}月${row.day.slice(8).replace(/^0/, "")}日）。`,
    ]);
    const audit = await app.store.db.auditLog.findMany({ where: { action: "record.recall", entityId: String(row.id) } });
    expect(audit).toHaveLength(1);
    // Delivered again: nothing more.
    expect((await postEvent(endpoint, recall)).status).toBe(200);
    await adapter.idle();
    await core.idle();
    expect(fake.inChat(CHAT).length).toBe(before + 1);
  });

  it("a plain-language report addressed to the bot is read back on a card; its 确认 button records it", async () => {
    const { replies, messageId } = await say("@_user_1 上午在小区广场发放反诈宣传单300余份", { chatId: CHAT, mentions: [BOT] });
    expect(await recordsOf(messageId)).toEqual([]);
    expect(replies).toHaveLength(1);
    const card = replies[0];
    expect(card.msgType).toBe("interactive");
    expect(card.content.header.title).toEqual({ tag: "plain_text", content: "请确认" });
    const buttons = card.content.body.elements.filter((e: { tag: string }) => e.tag === "button");
    expect(buttons.map((b: { text: { content: string } }) => b.text.content)).toEqual(["确认", "修改", "取消"]);
    const command = buttons[0].behaviors[0].value.command as string;
    const res = await postEvent(endpoint, cardActionEvent({ chatId: CHAT, openId: "ou_admin", command, cardMessageId: card.id }));
    expect(res.status).toBe(200);
    expect(res.json.toast.content).toContain("已记录");
    await adapter.idle();
    const rows = await recordsOf(messageId);
    expect(rows.map((r) => [r.kind, r.item, r.quantity, r.quantityApprox])).toEqual([["distribution", "宣传单", 300, true]]);
  });
});
