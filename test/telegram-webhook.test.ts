// Telegram end to end in webhook mode: the real grammY bot behind the bot's own HTTP server, a
// fake Bot API on 127.0.0.1, a real SQLite file. Updates are POSTed to /telegram/webhook with the
// secret-token header; what the fake received and the database rows are checked.
import { describe, it, expect, beforeAll, afterAll } from "vitest";
import type { Chat, Update } from "grammy/types";
import { Outbox } from "../src/outbox/outbox.js";
import { runPass } from "../src/scheduler/scheduler.js";
import { WorkCalendar } from "../src/scheduler/calendar.js";
import { chinaInstant } from "../src/time.js";
import { withFullDisk } from "./fixtures/full-disk.js";
import { NON_TEXT_HINT } from "../src/core/greetings.js";
import { ADMIN_ID, SECRET, startWorld, waitFor, type World } from "./fixtures/telegram-world.js";
import { BOT_USER, group, messageUpdate, privateChat, supergroup, textMessage, user } from "./fixtures/telegram-fake.js";

const admin = user(ADMIN_ID, "王", { last_name: "书记" });
const officer = user(2002, "李", { last_name: "宣传员", username: "li_xc" });

let w: World;
let chatSeq = 0;
const newGroup = (title = "社区群") => group(-4000 - ++chatSeq, `${title}${chatSeq}`);

beforeAll(async () => {
  w = await startWorld("webhook");
});

afterAll(async () => {
  await w?.close();
});

/** Posts a text message and waits until the bot has answered it (or `quiet` ms of silence). */
async function say(chat: Chat, from: ReturnType<typeof user>, text: string, extra = {}) {
  const message = textMessage(w.fake, chat, from, text, extra);
  const update = messageUpdate(w.fake, message);
  const before = w.fake.calls.length;
  const status = await w.post(update);
  return { message, update, status, calls: () => w.fake.calls.slice(before) };
}

async function bind(chat: Chat, unit: string) {
  const r = await say(chat, admin, `/bind@LedgerBot ${unit}`);
  await waitFor(() => w.fake.texts(chat.id).some((t) => t.includes(`已将本群绑定到「${unit}」`)), 5000, "bind reply");
  return r;
}

const records = (unitName?: string) =>
  w.app.store.db.record.findMany({ where: unitName ? { unit: { name: unitName } } : {}, orderBy: { id: "asc" } });

describe("Telegram webhook", () => {
  it("registers the webhook with its secret, and the command menu in Chinese and English", async () => {
    const set = w.fake.sent("setWebhook");
    expect(set).toHaveLength(1);
    expect(set[0].payload).toMatchObject({ url: "https://bot.example.org/telegram/webhook", secret_token: SECRET });
    expect(set[0].payload.allowed_updates).toEqual(expect.arrayContaining(["message", "callback_query", "my_chat_member"]));

    const menus = w.fake.sent("setMyCommands");
    const zh = menus.find((c) => c.payload.language_code === "zh");
    const en = menus.find((c) => c.payload.language_code === undefined);
    expect(zh && en).toBeTruthy();
    expect(zh!.payload.commands).toContainEqual({ command: "record", description: expect.stringMatching(/^记录：/) });
    expect(en!.payload.commands).toContainEqual({ command: "report", description: "Draft the period's report from the ledger" });
    expect(en!.payload.commands.map((c: { command: string }) => c.command)).toEqual(
      expect.arrayContaining(["record", "undo", "stats", "bind", "help"]),
    );
    // The webhook receiver never polls.
    expect(w.fake.sent("deleteWebhook")).toHaveLength(0);
  });

  it("binds a group for an admin, quoting the command; refuses a non-admin", async () => {
    const chat = newGroup();
    const refused = await say(chat, officer, "/bind@LedgerBot 别的社区");
    expect(refused.status).toBe(200);
    await waitFor(() => w.fake.texts(chat.id).length === 1);
    expect(w.fake.texts(chat.id)[0]).toContain("只有管理员可以使用 /bind");

    const { message, status } = await bind(chat, "测试社区");
    expect(status).toBe(200);
    const reply = w.fake.sent("sendMessage", chat.id).at(-1)!;
    expect(reply.payload.reply_parameters).toEqual({ message_id: message.message_id, allow_sending_without_reply: true });
    expect(reply.payload.parse_mode).toBeUndefined();
    const row = await w.app.store.db.chat.findUnique({
      where: { platform_externalId: { platform: "telegram", externalId: String(chat.id) } },
      include: { unit: true },
    });
    expect(row?.unit?.name).toBe("测试社区");
    expect(row?.title).toBe(chat.title);
    expect(await w.app.store.db.unit.findUnique({ where: { name: "别的社区" } })).toBeNull();
  });

  it("records /record@LedgerBot with an undo button, and the button undoes it as the presser", async () => {
    const chat = newGroup();
    await bind(chat, "记录社区");
    const { message } = await say(chat, officer, "/record@LedgerBot study 12 people");
    const reply = await waitFor(() => w.fake.sent("sendMessage", chat.id).find((c) => String(c.payload.text).startsWith("已记录")));
    const [row] = await records("记录社区");
    expect(row).toMatchObject({
      kind: "study",
      participants: 12,
      sourcePlatform: "telegram",
      sourceChat: String(chat.id),
      sourceMessageId: String(message.message_id),
    });
    expect(reply.payload.text).toContain(`已记录 #${row.id}：理论学习 1 次，12 人参加`);
    expect(reply.payload.reply_markup).toEqual({ inline_keyboard: [[{ text: "撤销", callback_data: `/undo ${row.id}` }]] });
    const member = await w.app.store.db.member.findUnique({
      where: { platform_externalId: { platform: "telegram", externalId: String(officer.id) } },
    });
    expect(member?.name).toBe("李宣传员");

    // The officer presses 撤销 on the bot's reply.
    const pressed = {
      update_id: w.fake.updateId(),
      callback_query: { id: "cbq-1", from: officer, chat_instance: "ci", data: `/undo ${row.id}`, message: reply.result },
    };
    expect(await w.post(pressed)).toBe(200);
    await waitFor(() => w.fake.texts(chat.id).some((t) => t.startsWith(`已撤销 #${row.id}`)), 5000, "undo reply");
    expect(w.fake.sent("answerCallbackQuery").map((c) => c.payload.callback_query_id)).toContain("cbq-1");
    const undo = w.fake.sent("sendMessage", chat.id).at(-1)!;
    expect(undo.payload.reply_parameters.message_id).toBe(reply.result.message_id);
    expect((await w.app.store.db.record.findUnique({ where: { id: row.id } }))?.deletedAt).not.toBeNull();

    // Pressing again (Telegram redelivers the same callback) does nothing twice.
    const n = w.fake.texts(chat.id).length;
    expect(await w.post(pressed)).toBe(200);
    expect(w.fake.texts(chat.id)).toHaveLength(n);
  });

  it("answers a bad record with the Chinese error and saves nothing; shows user text literally", async () => {
    const chat = newGroup();
    await bind(chat, "错误社区");
    await say(chat, officer, "/record@LedgerBot <b>跳舞</b> 3人");
    const reply = await waitFor(() => w.fake.sent("sendMessage", chat.id).find((c) => String(c.payload.text).includes("没看懂")));
    expect(reply.payload.text).toContain("没看懂「<b>跳舞</b>」");
    // Named as typed: /record@LedgerBot, so that the example is a command in a group with other bots.
    expect(reply.payload.text).toContain("正确示例：/record@LedgerBot 学习");
    expect(reply.payload.parse_mode).toBeUndefined();
    expect(await records("错误社区")).toHaveLength(0);
  });

  it("takes @mentions and replies to the bot, ignores chatter and other bots' commands", async () => {
    const chat = newGroup();
    await bind(chat, "提及社区");
    const confirmed = () => w.fake.texts(chat.id).filter((t) => t.startsWith("已记录")).length;
    await say(chat, officer, "@LedgerBot 记录 学习 8人");
    await waitFor(() => confirmed() === 1, 5000, "mention record");
    const botMessage = w.fake.sent("sendMessage", chat.id).at(-1)!.result;

    await say(chat, officer, "记录 宣讲 3场 约200人次", { reply_to_message: botMessage });
    await waitFor(() => confirmed() === 2, 5000, "reply record");
    const before = w.fake.texts(chat.id).length;
    await say(chat, officer, "谢谢", { reply_to_message: botMessage });
    await say(chat, officer, "/record@OtherBot study 5 people");
    await say(chat, officer, "大家辛苦了 /record study");
    await say(chat, officer, "/stats@LedgerBot");
    await waitFor(() => w.fake.texts(chat.id).length === before + 1, 5000, "stats reply");
    expect(w.fake.texts(chat.id).at(-1)).toContain("理论学习 1 次");
    const rows = await records("提及社区");
    expect(rows.map((r) => [r.kind, r.participants])).toEqual([
      ["study", 8],
      ["lecture", 200],
    ]);
  });

  it("drops a duplicate update and a redelivered message: one record, one reply", async () => {
    const chat = newGroup();
    await bind(chat, "重复社区");
    const message = textMessage(w.fake, chat, officer, "/record@LedgerBot meeting 意识形态工作专题会议");
    const update = messageUpdate(w.fake, message);
    expect(await w.post(update)).toBe(200);
    expect(await w.post(update)).toBe(200);
    // The same message again under a new update id.
    expect(await w.post({ ...update, update_id: w.fake.updateId() })).toBe(200);
    await waitFor(() => w.fake.texts(chat.id).some((t) => t.startsWith("已记录")));
    expect(await records("重复社区")).toHaveLength(1);
    expect(w.fake.texts(chat.id).filter((t) => t.startsWith("已记录"))).toHaveLength(1);
    // The event is marked done after its reply went out: on a loaded machine the reply is seen first.
    const statuses = async () =>
      (
        await w.app.store.db.inboundEvent.findMany({
          where: { platform: "telegram", eventKey: { in: [`update:${update.update_id}`, `msg:${chat.id}:${message.message_id}`] } },
        })
      ).map((e) => e.status);
    await waitFor(async () => (await statuses()).every((s) => s === "done"), 5000, "the event marked done");
    expect(await statuses()).toEqual(["done", "done"]);
  });

  it("answers 500 and says nothing was saved while the store cannot write (a full disk); Telegram's redelivery is recorded once", async () => {
    if (w.app.store.provider !== "sqlite") return; // the full disk is simulated with SQLite's page limit
    const chat = newGroup();
    await bind(chat, "满盘社区");
    const update = messageUpdate(w.fake, textMessage(w.fake, chat, officer, `/record@LedgerBot study 12 people 主题：${"满".repeat(150)}`));
    const status = await withFullDisk(w.app.store, w.app.clock(), () => w.post(update));
    expect(status).toBe(500);
    await waitFor(() => w.fake.texts(chat.id).some((t) => t.includes("本条没有保存")), 5000, "the not-saved reply");
    expect(await records("满盘社区")).toHaveLength(0);
    // Telegram delivers the update again (it got no 2xx): now it is stored and recorded, once.
    expect(await w.post(update)).toBe(200);
    await waitFor(() => w.fake.texts(chat.id).some((t) => t.startsWith("已记录")), 5000, "the record reply");
    expect(await w.post(update)).toBe(200);
    expect(await records("满盘社区")).toHaveLength(1);
  });

  it("refuses a body over 1 MB with 413 before reading it, with the secret or without a length", async () => {
    const big = JSON.stringify({ update_id: 1, message: { text: "x".repeat(2 * 1024 * 1024) } });
    const sized = await fetch(`http://127.0.0.1:${w.port}/telegram/webhook`, {
      method: "POST",
      headers: { "content-type": "application/json", "x-telegram-bot-api-secret-token": SECRET },
      body: big,
    });
    expect(sized.status).toBe(413);
    const { request } = await import("node:http");
    const chunked = await new Promise<number>((resolve, reject) => {
      const req = request(
        {
          host: "127.0.0.1",
          port: w.port,
          path: "/telegram/webhook",
          method: "POST",
          headers: { "x-telegram-bot-api-secret-token": SECRET, "transfer-encoding": "chunked" },
        },
        (res) => {
          res.resume();
          resolve(res.statusCode ?? 0);
        },
      );
      req.on("error", reject);
      for (let i = 0; i < 32; i++) req.write("x".repeat(64 * 1024));
      req.end();
    });
    expect(chunked).toBe(413);
  });

  it("refuses a wrong or missing secret with 401 and records nothing", async () => {
    const chat = newGroup();
    await bind(chat, "密钥社区");
    const calls = w.fake.calls.length;
    const forged = messageUpdate(w.fake, textMessage(w.fake, chat, officer, "/record@LedgerBot study 30 people"));
    expect(await w.post(forged, "wrong-secret")).toBe(401);
    expect(await w.post(forged, null)).toBe(401);
    const res = await fetch(`http://127.0.0.1:${w.port}/telegram/webhook`);
    expect(res.status).toBe(405);
    expect(w.fake.calls.length).toBe(calls);
    expect(await records("密钥社区")).toHaveLength(0);
    expect(await w.app.store.db.inboundEvent.count({ where: { eventKey: `update:${forged.update_id}` } })).toBe(0);
  });

  it("sends the draft as a .docx document with the text as caption; the text draft has a Word button", async () => {
    const chat = newGroup();
    await bind(chat, "报告社区");
    await say(chat, officer, "/record@LedgerBot study 12 people");
    await say(chat, officer, "/record@LedgerBot 发放 宣传册 3000份");
    await waitFor(async () => (await records("报告社区")).length === 2);

    const { message } = await say(chat, officer, "/report@LedgerBot docx");
    const doc = await waitFor(() => w.fake.sent("sendDocument", chat.id)[0], 10_000, "sendDocument");
    expect(doc.files).toHaveLength(1);
    expect(doc.files[0].name).toMatch(/\.docx$/);
    expect(doc.files[0].data.subarray(0, 2).toString("latin1")).toBe("PK");
    expect(doc.payload.document).toBe(`attach://${doc.files[0].field}`);
    expect(doc.payload.caption).toMatch(/^《报告社区.*》Word 草稿已生成。$/);
    expect(doc.payload.reply_parameters).toEqual({ message_id: message.message_id, allow_sending_without_reply: true });

    await say(chat, officer, "/报告");
    const draft = await waitFor(() =>
      w.fake.sent("sendMessage", chat.id).find((c) => String(c.payload.text).includes("一、意识形态工作开展情况")),
    );
    expect(draft.payload.text).toContain("宣传册");
    const button = draft.payload.reply_markup.inline_keyboard[0][0];
    expect(button.text).toBe("下载 Word");
    expect(button.callback_data).toMatch(/^\/report \d{4}Q\d docx$/);
  });

  it("greets once when added to a group (my_chat_member + service message); logs a removal", async () => {
    const chat = newGroup("新群");
    const date = Math.floor(Date.now() / 1000);
    const botMember = (status: string) => ({ user: BOT_USER, status });
    const added: Update = {
      update_id: w.fake.updateId(),
      my_chat_member: { chat, from: admin, date, old_chat_member: botMember("left"), new_chat_member: botMember("member") },
    } as unknown as Update;
    const service = messageUpdate(w.fake, {
      message_id: w.fake.messageId(),
      date: date + 1,
      chat,
      from: admin,
      new_chat_members: [BOT_USER],
    } as never);
    expect(await w.post(added)).toBe(200);
    expect(await w.post(service)).toBe(200);
    await waitFor(() => w.fake.texts(chat.id).length === 1, 5000, "greeting");
    const greeting = w.fake.texts(chat.id)[0];
    expect(greeting).toContain("/绑定 单位名");
    expect(greeting).toContain("/bind@LedgerBot");

    // Promoted to admin: not a join, no second greeting.
    await w.post({
      update_id: w.fake.updateId(),
      my_chat_member: {
        chat,
        from: admin,
        date,
        old_chat_member: botMember("member"),
        new_chat_member: { ...botMember("administrator"), can_be_edited: false },
      },
    });
    const removed = {
      update_id: w.fake.updateId(),
      my_chat_member: { chat, from: admin, date, old_chat_member: botMember("administrator"), new_chat_member: botMember("kicked") },
    };
    expect(await w.post(removed)).toBe(200);
    expect(w.fake.texts(chat.id)).toHaveLength(1);
    expect(w.logs.some((l) => l.event === "bot.removed" && l.detail.platform === "telegram" && l.detail.chat === String(chat.id))).toBe(
      true,
    );

    // Added back later to a chat that is still bound: welcomed back, not asked to /bind.
    await bind(chat, "回归社区");
    await w.post({
      update_id: w.fake.updateId(),
      my_chat_member: { chat, from: admin, date: date + 600, old_chat_member: botMember("left"), new_chat_member: botMember("member") },
    });
    await waitFor(() => w.fake.texts(chat.id).some((t) => t.includes("本群已绑定到「回归社区」")), 5000, "welcome back");
  });

  it("follows a group's migration to a supergroup: the binding and new records go to the new chat id", async () => {
    const old = newGroup("迁移群");
    await bind(old, "迁移社区");
    const unit = await w.app.store.db.unit.findUniqueOrThrow({ where: { name: "迁移社区" } });
    const sg = supergroup(-1009000000000 - chatSeq, old.title);
    await w.post(
      messageUpdate(w.fake, {
        message_id: w.fake.messageId(),
        date: Math.floor(Date.now() / 1000),
        chat: old,
        from: admin,
        migrate_to_chat_id: sg.id,
      } as never),
    );
    await w.post(
      messageUpdate(w.fake, {
        message_id: 1,
        date: Math.floor(Date.now() / 1000),
        chat: sg,
        from: admin,
        migrate_from_chat_id: old.id,
      } as never),
    );
    // Telegram is answered once the notices are stored; the binding follows a moment later.
    const moved = () =>
      w.app.store.db.chat.findUnique({ where: { platform_externalId: { platform: "telegram", externalId: String(sg.id) } } });
    await waitFor(async () => (await moved())?.unitId === unit.id, 5000, "the binding to follow the new chat id");

    await say(sg, officer, "/record@LedgerBot study 6 people");
    await waitFor(() => w.fake.texts(sg.id).some((t) => t.startsWith("已记录")), 5000, "record in supergroup");
    const [row] = await records("迁移社区");
    expect(row).toMatchObject({ participants: 6, sourceChat: String(sg.id), unitId: unit.id });
  });

  it("retries a command reply after a 429 (the core's retry, honouring retry_after) and delivers it once", async () => {
    const chat = newGroup();
    await bind(chat, "限流社区");
    w.fake.failNext("sendMessage", 1, 429, 1);
    const started = Date.now();
    await say(chat, officer, "/record@LedgerBot study 9 people");
    await waitFor(() => w.fake.texts(chat.id).some((t) => t.startsWith("已记录")), 8000, "retried reply");
    const attempts = w.fake.calls.filter(
      (c) => c.method === "sendMessage" && String(c.payload.chat_id) === String(chat.id) && String(c.payload.text).startsWith("已记录"),
    );
    expect(attempts.map((c) => c.ok)).toEqual([false, true]);
    expect(attempts[1].at - attempts[0].at).toBeGreaterThanOrEqual(900);
    expect(Date.now() - started).toBeGreaterThanOrEqual(900);
    expect(await records("限流社区")).toHaveLength(1);
  });

  it("answers /start in a private chat with the help, and a slash-less line as a command", async () => {
    const me = user(3003, "Anna", { last_name: "Li" });
    const chat = privateChat(me);
    await w.post(messageUpdate(w.fake, textMessage(w.fake, chat, me, "/start")));
    await waitFor(() => w.fake.texts(chat.id).length === 1);
    expect(w.fake.texts(chat.id)[0]).toContain("可用命令");
    expect(w.fake.sent("sendMessage", chat.id)[0].payload.reply_parameters).toBeUndefined();
    await w.post(messageUpdate(w.fake, textMessage(w.fake, chat, me, "记录 学习 3人")));
    await waitFor(() => w.fake.texts(chat.id).length === 2);
    expect(w.fake.texts(chat.id)[1]).toContain("本群还没有绑定单位");
  });

  it("answers a sticker in a private chat with what it can read, once; ignores one in a group", async () => {
    const me = user(3004, "Bo");
    const chat = privateChat(me);
    const sticker = {
      ...textMessage(w.fake, chat, me, ""),
      text: undefined,
      sticker: { file_id: "s1", file_unique_id: "u1", type: "regular", width: 1, height: 1, is_animated: false, is_video: false },
    };
    const update = messageUpdate(w.fake, sticker as never);
    expect(await w.post(update)).toBe(200);
    await waitFor(() => w.fake.texts(chat.id).length === 1, 5000, "the hint");
    expect(w.fake.texts(chat.id)[0]).toBe(NON_TEXT_HINT);
    expect(await w.post(update)).toBe(200);
    const group = newGroup();
    const inGroup = { ...textMessage(w.fake, group, me, ""), text: undefined, sticker: sticker.sticker };
    expect(await w.post(messageUpdate(w.fake, inGroup as never))).toBe(200);
    // A group's sticker is no event at all: nothing was stored when the webhook answered.
    expect(w.fake.texts(chat.id)).toHaveLength(1);
    expect(w.fake.texts(group.id)).toHaveLength(0);
  });

  it("tells an anonymous admin that their command cannot be attributed", async () => {
    const chat = newGroup();
    await bind(chat, "匿名社区");
    const anon = user(1087968824, "Group", { is_bot: true, username: "GroupAnonymousBot" } as never);
    await w.post(
      messageUpdate(w.fake, textMessage(w.fake, chat, anon, "/record@LedgerBot study 3 people", { sender_chat: chat } as never)),
    );
    await waitFor(() => w.fake.texts(chat.id).some((t) => t.includes("匿名")), 5000, "anonymous hint");
    expect(await records("匿名社区")).toHaveLength(0);
  });
});

describe("Telegram outbox sender", () => {
  const enqueue = async (chatId: number, body: string) =>
    w.app.store.db.outbox.create({
      data: {
        dedupeKey: `t:${chatId}:${body}:${Math.random()}`,
        kind: "reminder",
        platform: "telegram",
        chatExternalId: String(chatId),
        body,
      },
    });

  it("delivers a reminder from the outbox to the group", async () => {
    const chat = newGroup();
    await bind(chat, "提醒社区");
    const row = await enqueue(chat.id, "【提醒】本季度尚未召开意识形态工作专题会议，截止 12月31日。");
    const result = await new Outbox(w.app.store.db, [w.adapter.sender], { clock: w.app.clock, sleep: async () => {} }).deliverDue();
    expect(result.sent).toBe(1);
    const sent = w.fake.sent("sendMessage", chat.id).at(-1)!;
    expect(sent.payload.text).toBe(row.body);
    expect(sent.payload.reply_parameters).toBeUndefined();
    expect((await w.app.store.db.outbox.findUniqueOrThrow({ where: { id: row.id } })).status).toBe("sent");
  });

  it("sends one merged reminder mentioning the 宣传员 with 生成草稿; a restart sends it once; pressing it drafts the quarter", async () => {
    const chat = newGroup();
    await bind(chat, "按钮社区");
    await say(chat, officer, "/record@LedgerBot study 中心组学习 12 people 2026-11-20");
    await waitFor(() => w.fake.texts(chat.id).some((t) => t.startsWith("已记录")), 5000, "record reply");
    await say(chat, admin, "/角色@LedgerBot telegram:2002 宣传员 确认");
    await waitFor(() => w.fake.texts(chat.id).some((t) => t.includes("宣传员") && t.includes("按钮社区")), 5000, "role reply");
    // One day before the quarter's deadlines (2026-12-31), at the send time; a second pass (a
    // restart, another process) claims nothing, and two delivery rounds send the one message once.
    const at = chinaInstant("2026-12-30", "09:30");
    const calendar = new WorkCalendar(w.app.config.calendar);
    await runPass(w.app.store, w.app.config, calendar, at);
    expect((await runPass(w.app.store, w.app.config, calendar, at)).enqueued.filter((m) => m.chatExternalId === String(chat.id))).toEqual(
      [],
    );
    const before = w.fake.sent("sendMessage", chat.id).length;
    for (let i = 0; i < 2; i++)
      await new Outbox(w.app.store.db, [w.adapter.sender], { clock: () => at, sleep: async () => {} }).deliverDue();
    const sent = w.fake.sent("sendMessage", chat.id).slice(before);
    expect(sent).toHaveLength(1);
    const reminder = sent[0];
    const text = String(reminder.payload.text);
    expect(text.startsWith("@李宣传员\n【提醒】按钮社区（12月30日）尚有5项要求未完成：\n1. ")).toBe(true);
    expect(text).toContain(
      "「季度意识形态工作分析研判报告」：2026年第四季度尚未报送，截止12月31日（还有1天）。生成草稿：/报告 2026年第四季度；报送后发送：/记录 报送 季度分析研判报告",
    );
    expect(reminder.payload.entities).toEqual([
      { type: "text_mention", offset: 0, length: "@李宣传员".length, user: { id: 2002, is_bot: false, first_name: "李宣传员" } },
    ]);
    expect(text).not.toContain("还没有指定宣传员");
    expect(reminder.payload.reply_markup).toEqual({
      inline_keyboard: [
        [
          { text: "生成草稿（2026年第四季度）", callback_data: "/报告 2026年第四季度" },
          { text: "生成草稿（2026年下半年）", callback_data: "/报告 2026年下半年" },
        ],
        [
          { text: "生成草稿（2026年）", callback_data: "/报告 2026年" },
          { text: "查看截止", callback_data: "/截止" },
        ],
      ],
    });

    const pressed = {
      update_id: w.fake.updateId(),
      callback_query: { id: "cbq-draft", from: officer, chat_instance: "ci", data: "/报告 2026年第四季度", message: reminder.result },
    };
    expect(await w.post(pressed)).toBe(200);
    const draft = await waitFor(
      () => w.fake.sent("sendMessage", chat.id).find((c) => String(c.payload.text).includes("一、意识形态工作开展情况")),
      5000,
      "the draft",
    );
    expect(draft.payload.text).toContain("2026年第四季度");
    expect(draft.payload.reply_parameters.message_id).toBe(reminder.result.message_id);
  });

  it("turns a 429 into a retry at retry_after (no sleeping in the sender), then delivers", async () => {
    const chat = newGroup();
    const row = await enqueue(chat.id, "【提醒】限流测试");
    let now = Date.now();
    const outbox = () => new Outbox(w.app.store.db, [w.adapter.sender], { clock: () => new Date(now), sleep: async () => {} });
    w.fake.failNext("sendMessage", 1, 429, 7);
    const started = Date.now();
    const first = await outbox().deliverDue();
    expect(Date.now() - started).toBeLessThan(3000);
    expect(first).toMatchObject({ sent: 0, retried: 1 });
    const after = await w.app.store.db.outbox.findUniqueOrThrow({ where: { id: row.id } });
    expect(after).toMatchObject({ status: "pending", attempts: 1 });
    expect(after.nextAttemptAt.getTime()).toBe(now + 7000);
    expect(after.lastError).toContain("429");
    expect(w.fake.calls.filter((c) => c.method === "sendMessage" && String(c.payload.chat_id) === String(chat.id))).toHaveLength(1);

    expect(await outbox().deliverDue()).toMatchObject({ sent: 0, retried: 0 });
    now += 7000;
    expect(await outbox().deliverDue()).toMatchObject({ sent: 1 });
    expect((await w.app.store.db.outbox.findUniqueOrThrow({ where: { id: row.id } })).status).toBe("sent");
    expect(w.fake.sent("sendMessage", chat.id).map((c) => c.payload.text)).toEqual([row.body]);
  });

  it("fails a reminder for good when the bot was kicked; retries one that hit a 500", async () => {
    const kicked = newGroup();
    const flaky = newGroup();
    // Oldest first: the 500 hits the flaky group's row, the 403 the kicked group's.
    w.fake.failNext("sendMessage", 1, 500);
    const b = await enqueue(flaky.id, "【提醒】服务器出错");
    w.fake.kicked.add(String(kicked.id));
    const a = await enqueue(kicked.id, "【提醒】被移出的群");
    const result = await new Outbox(w.app.store.db, [w.adapter.sender], { clock: w.app.clock, sleep: async () => {} }).deliverDue();
    expect(result).toMatchObject({ failed: 1, retried: 1 });
    expect(await w.app.store.db.outbox.findUniqueOrThrow({ where: { id: a.id } })).toMatchObject({ status: "failed", attempts: 1 });
    const rb = await w.app.store.db.outbox.findUniqueOrThrow({ where: { id: b.id } });
    expect(rb).toMatchObject({ status: "pending", attempts: 1 });
    expect(rb.lastError).toContain("500");
  });

  it("splits a long text into messages within 4096 characters and sends a file with a long text after it", async () => {
    const chat = newGroup();
    const lines = Array.from({ length: 300 }, (_, i) => `${i + 1}. 某村开展理论学习，参学 12 人次；发放宣传册 300 份。`);
    await w.adapter.sender.send(String(chat.id), { text: lines.join("\n"), kind: "info" });
    const parts = w.fake.texts(chat.id);
    expect(parts.length).toBeGreaterThan(1);
    expect(parts.join("\n")).toBe(lines.join("\n"));
    await w.adapter.sender.send(String(chat.id), {
      text: "说明".repeat(600),
      kind: "draft",
      file: { name: "台账.xlsx", data: Buffer.from("PK\x03\x04data"), mime: "application/octet-stream" },
    });
    const doc = w.fake.sent("sendDocument", chat.id)[0];
    expect(doc.payload.caption).toBeUndefined();
    expect(doc.files[0]).toMatchObject({ name: "台账.xlsx" });
    expect(w.fake.texts(chat.id).at(-2)).toBe("说明".repeat(600));
  });

  it("delivers to the supergroup when the group was upgraded, and moves the binding", async () => {
    const old = newGroup();
    await bind(old, "升级社区");
    const newId = -1008000000000 - chatSeq;
    w.fake.migrated.set(String(old.id), newId);
    const row = await enqueue(old.id, "【提醒】升级后的群");
    expect(await new Outbox(w.app.store.db, [w.adapter.sender], { clock: w.app.clock, sleep: async () => {} }).deliverDue()).toMatchObject({
      sent: 1,
    });
    expect(w.fake.sent("sendMessage", newId).map((c) => c.payload.text)).toEqual([row.body]);
    const chat = await w.app.store.db.chat.findUnique({
      where: { platform_externalId: { platform: "telegram", externalId: String(newId) } },
      include: { unit: true },
    });
    expect(chat?.unit?.name).toBe("升级社区");
  });
});

describe("Telegram: corrections and plain language", () => {
  it("an edited record message amends its record (audited, confirmed), never a second record", async () => {
    const chat = newGroup();
    await bind(chat, "编辑社区");
    const { message } = await say(chat, officer, "/记录 学习 中心组学习 12人");
    await waitFor(() => w.fake.texts(chat.id).some((t) => t.startsWith("已记录")), 5000, "record reply");
    const [row] = await records("编辑社区");
    expect(row.participants).toBe(12);
    const edited: Update = {
      update_id: w.fake.updateId(),
      edited_message: { ...message, text: "/记录 学习 中心组学习 15人", edit_date: message.date + 60 } as Update["edited_message"] & object,
    };
    expect(await w.post(edited)).toBe(200);
    const fix = await waitFor(() =>
      w.fake.sent("sendMessage", chat.id).find((c) => String(c.payload.text).startsWith("已按修改后的消息更正")),
    );
    expect(fix.payload.text).toContain(`#${row.id}`);
    expect(fix.payload.text).toContain("原为：党委理论学习中心组学习 1 次，12 人参加");
    expect(fix.payload.reply_parameters.message_id).toBe(message.message_id);
    const rows = await records("编辑社区");
    expect(rows.map((r) => [r.id, r.participants, r.deletedAt])).toEqual([[row.id, 15, null]]);
    const audit = await w.app.store.db.auditLog.findFirstOrThrow({ where: { action: "record.amend", entityId: String(row.id) } });
    expect(JSON.parse(audit.detail!)).toEqual({ participants: { from: 12, to: 15 } });
    // The same edit delivered again changes nothing and says nothing.
    const n = w.fake.texts(chat.id).length;
    expect(await w.post(edited)).toBe(200);
    await w.core.idle();
    expect(w.fake.texts(chat.id)).toHaveLength(n);
  });

  it("a plain-language report in reply to the bot is read back with buttons; 确认 records it once, as the author only", async () => {
    const chat = newGroup();
    await bind(chat, "白话社区");
    const botReply = w.fake.sent("sendMessage", chat.id).at(-1)!;
    const { message } = await say(chat, officer, "今天组织了中心组学习，12人参加", { reply_to_message: botReply.result });
    const ask = await waitFor(() => w.fake.sent("sendMessage", chat.id).find((c) => String(c.payload.text).includes("#待确认")));
    expect(await records("白话社区")).toEqual([]);
    const buttons = ask.payload.reply_markup.inline_keyboard.flat().map((b: { text: string; callback_data: string }) => b.text);
    expect(buttons).toEqual(["确认", "修改", "取消"]);
    const confirm = ask.payload.reply_markup.inline_keyboard.flat()[0].callback_data as string;
    // Someone else pressing 确认 records nothing.
    const stranger = user(3003, "路人");
    const press = (from: ReturnType<typeof user>, id: string) => ({
      update_id: w.fake.updateId(),
      callback_query: { id, from, chat_instance: "ci", data: confirm, message: ask.result },
    });
    expect(await w.post(press(stranger, "cbq-s"))).toBe(200);
    await waitFor(() => w.fake.texts(chat.id).some((t) => t.includes("不是你发的")), 5000, "refusal");
    expect(await records("白话社区")).toEqual([]);
    expect(await w.post(press(officer, "cbq-o1"))).toBe(200);
    await waitFor(() => w.fake.texts(chat.id).some((t) => t.startsWith("已记录")), 5000, "record reply");
    expect(await w.post(press(officer, "cbq-o2"))).toBe(200);
    await waitFor(() => w.fake.texts(chat.id).some((t) => t.startsWith("这条消息已经记录过了")), 5000, "second press");
    const rows = await records("白话社区");
    expect(rows.map((r) => [r.kind, r.subtype, r.participants, r.sourceMessageId])).toEqual([
      ["study", "党委理论学习中心组学习", 12, String(message.message_id)],
    ]);
  });

  it("chatter in reply to the bot gets no answer in a group", async () => {
    const chat = newGroup();
    await bind(chat, "闲聊社区");
    const botReply = w.fake.sent("sendMessage", chat.id).at(-1)!;
    const n = w.fake.texts(chat.id).length;
    await say(chat, officer, "好的，谢谢", { reply_to_message: botReply.result });
    await say(chat, officer, "@LedgerBot 明天下午开会吗？");
    await w.core.idle();
    expect(w.fake.texts(chat.id)).toHaveLength(n);
  });
});
