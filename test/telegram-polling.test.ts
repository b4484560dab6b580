// Telegram end to end by long polling: the real grammY client and the adapter's poll loop fetch
// updates from a fake Bot API on 127.0.0.1 (getUpdates held open until something is queued), against a
// real SQLite file. Also: a restart that gets the same updates again, and the default throttler.
import { describe, it, expect, beforeAll, afterAll } from "vitest";
import type { Chat, Update } from "grammy/types";
import { BotCore } from "../src/core/bot.js";
import { createTelegramAdapter, TELEGRAM_LIMITS, type TelegramAdapter } from "../src/telegram/index.js";
import telegram from "../src/telegram/platform.js";
import { createApp } from "../src/app.js";
import path from "node:path";
import { tempDir } from "./harness.js";
import { ADMIN_ID, FAST_LIMITS, startWorld, waitFor, type World } from "./fixtures/telegram-world.js";
import { BOT_USER, FakeTelegram, group, messageUpdate, supergroup, textMessage, user } from "./fixtures/telegram-fake.js";

const admin = user(ADMIN_ID, "王书记");
const officer = user(2002, "张", { last_name: "三" });

let w: World;
let chatSeq = 0;
const newGroup = () => group(-5000 - ++chatSeq, `村委群${chatSeq}`);

beforeAll(async () => {
  w = await startWorld("polling");
});

afterAll(async () => {
  await w?.close();
});

function say(chat: Chat, from: typeof admin, text: string, extra = {}) {
  const message = textMessage(w.fake, chat, from, text, extra);
  const update = w.fake.queue(messageUpdate(w.fake, message));
  return { message, update };
}

const replies = (chat: Chat, prefix: string) => w.fake.texts(chat.id).filter((t) => t.startsWith(prefix));
const records = (unit: string) => w.app.store.db.record.findMany({ where: { unit: { name: unit } }, orderBy: { id: "asc" } });

async function bind(chat: Chat, unit: string) {
  say(chat, admin, `/bind@LedgerBot ${unit}`);
  await waitFor(() => replies(chat, `已将本群绑定到「${unit}」`).length === 1, 5000, "bind reply");
}

describe("Telegram long polling", () => {
  it("starts: getMe, deleteWebhook, the menus, then polls", async () => {
    const methods = w.fake.calls.map((c) => c.method);
    expect(methods).toEqual(expect.arrayContaining(["getMe", "deleteWebhook", "setMyCommands"]));
    expect(
      w.fake
        .sent("setMyCommands")
        .map((c) => c.payload.language_code ?? "default")
        .sort(),
    ).toEqual(["default", "zh"]);
    await waitFor(() => w.fake.polls > 0, 5000, "first getUpdates");
    expect(w.fake.sent("setWebhook")).toHaveLength(0);
  });

  it("binds, records, answers an error, and sends the Word draft", async () => {
    const chat = newGroup();
    await bind(chat, "东村");
    const { message } = say(chat, officer, "/record@LedgerBot study 12 people");
    await waitFor(() => replies(chat, "已记录").length === 1, 5000, "record reply");
    const [row] = await records("东村");
    expect(row).toMatchObject({
      kind: "study",
      participants: 12,
      sourceMessageId: String(message.message_id),
      sourceChat: String(chat.id),
    });
    const member = await w.app.store.db.member.findUnique({
      where: { platform_externalId: { platform: "telegram", externalId: String(officer.id) } },
    });
    expect(member?.name).toBe("张三");

    say(chat, officer, "/record@LedgerBot 跳舞 十二人");
    await waitFor(() => w.fake.texts(chat.id).some((t) => t.includes("没看懂「跳舞」")), 5000, "error reply");
    expect(await records("东村")).toHaveLength(1);

    say(chat, officer, "/report@LedgerBot 文档");
    const doc = await waitFor(() => w.fake.sent("sendDocument", chat.id)[0], 10_000, "sendDocument");
    expect(doc.files[0].name).toMatch(/^东村.*\.docx$/);
    expect(doc.files[0].data.subarray(0, 4)).toEqual(Buffer.from([0x50, 0x4b, 0x03, 0x04]));
    expect(doc.payload.caption).toContain("Word 草稿已生成");
  });

  it("runs a pressed button's command and answers the callback query", async () => {
    const chat = newGroup();
    await bind(chat, "西村");
    say(chat, officer, "/record@LedgerBot 发放 宣传单 500份");
    const confirm = await waitFor(() => w.fake.sent("sendMessage", chat.id).find((c) => String(c.payload.text).startsWith("已记录")));
    const [{ id }] = await records("西村");
    w.fake.queue({ callback_query: { id: "poll-cb-1", from: officer, chat_instance: "x", data: `/undo ${id}`, message: confirm.result } });
    await waitFor(() => replies(chat, `已撤销 #${id}`).length === 1, 5000, "undo reply");
    expect(w.fake.sent("answerCallbackQuery").some((c) => c.payload.callback_query_id === "poll-cb-1")).toBe(true);
  });

  it("records a message delivered twice (two update ids) once", async () => {
    const chat = newGroup();
    await bind(chat, "南村");
    const { update } = say(chat, officer, "/record@LedgerBot lecture 3场 约200人次");
    w.fake.queue({ ...update, update_id: undefined });
    // A later command in the same chat is handled after both copies (one chat, one at a time).
    say(chat, officer, "/stats@LedgerBot");
    await waitFor(() => w.fake.texts(chat.id).some((t) => t.includes("统计：")), 5000, "stats reply");
    expect(replies(chat, "已记录")).toHaveLength(1);
    expect(await records("南村")).toHaveLength(1);
  });

  it("greets when added by my_chat_member, and follows a migration to a supergroup", async () => {
    const chat = newGroup();
    w.fake.queue({
      my_chat_member: {
        chat,
        from: admin,
        date: Math.floor(Date.now() / 1000),
        old_chat_member: { user: BOT_USER, status: "left" },
        new_chat_member: { user: BOT_USER, status: "administrator" },
      },
    } as unknown as Update);
    await waitFor(() => w.fake.texts(chat.id).length === 1, 5000, "greeting");
    expect(w.fake.texts(chat.id)[0]).toMatch(/^大家好，我是意识形态工作台账机器人/);

    await bind(chat, "北村");
    const sg = supergroup(-1007000000000 - chatSeq, chat.title);
    w.fake.queue(
      messageUpdate(w.fake, {
        message_id: w.fake.messageId(),
        date: Math.floor(Date.now() / 1000),
        chat,
        from: admin,
        migrate_to_chat_id: sg.id,
      } as never),
    );
    say(sg, officer, "/record@LedgerBot study 7 people");
    await waitFor(() => replies(sg, "已记录").length === 1, 5000, "record in the supergroup");
    const [row] = await records("北村");
    expect(row).toMatchObject({ participants: 7, sourceChat: String(sg.id) });
  });

  it("retries a reply after a 429 and delivers it once", async () => {
    const chat = newGroup();
    await bind(chat, "限流村");
    w.fake.failNext("sendMessage", 1, 429, 1);
    say(chat, officer, "/record@LedgerBot study 4 people");
    await waitFor(() => replies(chat, "已记录").length === 1, 8000, "retried reply");
    const tries = w.fake.calls.filter(
      (c) => c.method === "sendMessage" && String(c.payload.chat_id) === String(chat.id) && String(c.payload.text).startsWith("已记录"),
    );
    expect(tries.map((c) => c.ok)).toEqual([false, true]);
    expect(await records("限流村")).toHaveLength(1);
  });

  it("after a restart that gets the same updates again, records nothing twice; a stopped bot stops polling", async () => {
    const chat = newGroup();
    await bind(chat, "重启村");
    const { update } = say(chat, officer, "/record@LedgerBot meeting 部署会");
    await waitFor(() => replies(chat, "已记录").length === 1, 5000, "record reply");
    await waitFor(() => w.fake.unconfirmed() === 0, 5000, "offset confirmed");

    await w.adapter.stop();
    // The stopped poller's last long poll is dropped, and no new one follows it.
    await waitFor(() => w.fake.openPolls === 0, 5000, "the last long poll to close");
    const polls = w.fake.polls;
    // Telegram hands the unconfirmed update to the next process again.
    w.fake.queue(update);
    expect(w.fake.polls).toBe(polls);

    // The next process: a new core on the same store, as after a restart.
    const core = new BotCore(w.app);
    const again = createTelegramAdapter({
      core,
      log: () => {},
      token: w.fake.token,
      apiRoot: w.fake.apiRoot,
      mode: "polling",
      limits: FAST_LIMITS,
      pollTimeoutSec: 5,
    });
    w.adapter = again;
    await again.start();
    say(chat, officer, "/stats@LedgerBot");
    await waitFor(() => w.fake.texts(chat.id).some((t) => t.includes("统计：")), 5000, "stats after restart");
    expect(replies(chat, "已记录")).toHaveLength(1);
    expect(await records("重启村")).toHaveLength(1);
  });
});

describe("Telegram default throttling", () => {
  let t: World;
  beforeAll(async () => {
    t = await startWorld("webhook", { limits: undefined });
  });
  afterAll(async () => {
    await t?.close();
  });

  it("spaces a burst to one group at least a second apart (Telegram's group limit), in the core's one outbound path", async () => {
    const chat = -6001;
    const sends = [1, 2, 3].map((i) =>
      t.core.outbound.reply("telegram", { chatId: String(chat) }, { text: `提醒 ${i}`, kind: "info" }, `burst:${i}`),
    );
    expect(await Promise.all(sends)).toEqual(["sent", "sent", "sent"]);
    const at = t.fake.sent("sendMessage", chat).map((c) => c.at);
    expect(t.fake.texts(chat)).toEqual(["提醒 1", "提醒 2", "提醒 3"]);
    // About a second apart; unthrottled they would arrive within milliseconds.
    expect(at[1] - at[0]).toBeGreaterThanOrEqual(700);
    expect(at[2] - at[1]).toBeGreaterThanOrEqual(700);
  });
});

describe("Telegram's send budget from the environment", () => {
  it("TELEGRAM_MESSAGES_PER_SECOND raises the overall budget (paid broadcasts) and keeps the per-group limits; a wrong value stops start-up", async () => {
    const fake = await FakeTelegram.start();
    const app = await createApp({ databaseUrl: `file:${path.join(tempDir("ledger-tg-env-"), "bot.db")}`, admins: [], limits: false });
    const core = new BotCore(app, { log: () => {} });
    const env = { TELEGRAM_BOT_TOKEN: fake.token, TELEGRAM_API_ROOT: fake.apiRoot, TELEGRAM_MODE: "polling" };
    try {
      const paid = (await telegram.create({ ...env, TELEGRAM_MESSAGES_PER_SECOND: "1000" }, core, () => {})) as TelegramAdapter;
      expect(paid.sender.limits).toMatchObject({ perSecond: 1000, perChatPerMinute: TELEGRAM_LIMITS.perChatPerMinute, chatGapMs: 1000 });
      const plain = (await telegram.create(env, core, () => {})) as TelegramAdapter;
      expect(plain.sender.limits.perSecond).toBe(30);
      for (const bad of ["0", "1001", "fast"])
        await expect(telegram.create({ ...env, TELEGRAM_MESSAGES_PER_SECOND: bad }, core, () => {})).rejects.toThrow(
          /TELEGRAM_MESSAGES_PER_SECOND must be a number from 1 to 1000/,
        );
    } finally {
      await app.close();
      await fake.close();
    }
  });
});

describe("Telegram start-up", () => {
  const base = () => ({ core: new BotCore(w.app), mode: "polling" as const, limits: FAST_LIMITS });

  it("fails loudly on a wrong token", async () => {
    const fake = await FakeTelegram.start();
    const a = createTelegramAdapter({ ...base(), log: () => {}, token: "999:wrong", apiRoot: fake.apiRoot });
    await expect(a.start()).rejects.toThrow(/401/);
    await a.stop();
    await fake.close();
  });

  it("does not hold start() up when Telegram is unreachable, and stops cleanly", async () => {
    const logs: string[] = [];
    const a = createTelegramAdapter({
      ...base(),
      log: (e) => logs.push(e),
      token: "1:x",
      apiRoot: "http://127.0.0.1:9",
      startTimeoutMs: 300,
    });
    const t0 = Date.now();
    await a.start();
    expect(Date.now() - t0).toBeLessThan(3000);
    expect(logs).toContain("telegram.start.slow");
    await a.stop();
    expect(logs).not.toContain("telegram.start.failed");
  });
});
