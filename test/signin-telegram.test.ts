// Sign-in (签到) through Telegram end to end: the real grammY bot behind the webhook, the fake Bot
// API on 127.0.0.1. An officer opens a sign-in; members press its button (one twice, one press
// redelivered); the card is edited in place each time, never re-posted; a paper name is added;
// 结束签到 makes one record whose participants are the names, kept as its attendance.
import { describe, it, expect, beforeAll, afterAll } from "vitest";
import type { Chat, Message, User } from "grammy/types";
import { ADMIN_ID, startWorld, waitFor, type World } from "./fixtures/telegram-world.js";
import { group, messageUpdate, textMessage, user } from "./fixtures/telegram-fake.js";

const admin = user(ADMIN_ID, "王书记");
const members = [user(4001, "张三"), user(4002, "李四"), user(4003, "赵六")];

let w: World;
let chat: Chat;

beforeAll(async () => {
  w = await startWorld("webhook", {}, { retryWaitsMs: [] });
  chat = group(-6001, "永业村党支部");
  await send(textMessage(w.fake, chat, admin, "/bind@LedgerBot 永业村"));
  await waitFor(() => w.fake.texts(chat.id).some((t) => t.includes("已将本群绑定到「永业村」")), 5000, "bind");
});

afterAll(async () => {
  await w?.close();
});

async function send(message: Message) {
  expect(await w.post(messageUpdate(w.fake, message))).toBe(200);
}

let pressSeq = 0;
/** A press of a button on the card; the update itself, so that it can be delivered again. */
async function press(from: User, data: string, card: Message, update?: unknown) {
  const u = update ?? {
    update_id: w.fake.updateId(),
    callback_query: { id: `cb-signin-${++pressSeq}`, from, chat_instance: "ci", data, message: card },
  };
  expect(await w.post(u)).toBe(200);
  await w.core.idle();
  return u;
}

describe("sign-in on Telegram", () => {
  let card: Message;
  let id: number;
  const cardNow = () => w.fake.posted.get(`${chat.id}/${card.message_id}`)!;

  it("an officer's /签到 posts a card with 签到 and 结束签到 buttons", async () => {
    await send(textMessage(w.fake, chat, admin, "/签到 学习 中心组学习 主题：学习贯彻党的二十届四中全会精神 地点：村委会议室 30分钟"));
    const sent = await waitFor(
      () => w.fake.sent("sendMessage", chat.id).find((c) => String(c.payload.text).startsWith("签到 #")),
      5000,
      "card",
    );
    card = sent.result;
    id = Number(/签到 #(\d+)/.exec(String(sent.payload.text))![1]);
    expect(sent.payload.text).toContain("党委理论学习中心组学习");
    expect(sent.payload.text).toContain("主题「学习贯彻党的二十届四中全会精神」");
    expect(sent.payload.text).toContain("还没有人签到");
    expect(
      sent.payload.reply_markup.inline_keyboard.flat().map((b: { text: string; callback_data: string }) => [b.text, b.callback_data]),
    ).toEqual([
      ["签到", `/signin in ${id}`],
      ["结束签到", `/signin close ${id}`],
    ]);
    // Kept once Telegram has answered the send: later changes edit this message.
    const row = await waitFor(() => w.app.store.db.signIn.findFirst({ where: { id, cardMessageId: { not: null } } }), 5000, "card id");
    expect(row.cardMessageId).toBe(String(card.message_id));
    // Thirty minutes after the message was sent (Telegram dates messages to the second).
    expect(Math.abs(row.closesAt!.getTime() - row.createdAt.getTime() - 30 * 60_000)).toBeLessThan(2000);
  });

  it("a member cannot open one: only officers and administrators", async () => {
    await send(textMessage(w.fake, chat, members[0], "/签到 学习 中心组学习"));
    await waitFor(() => w.fake.texts(chat.id).some((t) => t.includes("只有本单位宣传员或管理员可以发起签到")), 5000, "refusal");
  });

  it("presses count once per person, a redelivered press too; the card is edited in place", async () => {
    const posts = w.fake.sent("sendMessage", chat.id).length;
    const first = await press(members[0], `/signin in ${id}`, card);
    await press(members[1], `/signin in ${id}`, card);
    await press(members[0], `/signin in ${id}`, card); // pressed again
    await press(members[0], `/signin in ${id}`, card, first); // the same update delivered again
    await press(members[2], `/signin in ${id}`, card);
    const entries = await w.app.store.db.signInEntry.findMany({ where: { signInId: id }, orderBy: { id: "asc" } });
    expect(entries.map((e) => e.name)).toEqual(["张三", "李四", "赵六"]);
    expect(cardNow().text).toContain("已签到 3 人：张三、李四、赵六");
    expect(cardNow().reply_markup.inline_keyboard.flat()).toHaveLength(2);
    // Presses answer on the card: nothing new is posted to the group.
    expect(w.fake.sent("sendMessage", chat.id)).toHaveLength(posts);
    expect(w.fake.sent("editMessageText", chat.id).every((c) => c.payload.message_id === card.message_id)).toBe(true);
    expect(w.fake.sent("answerCallbackQuery").length).toBeGreaterThanOrEqual(5);
  });

  it("an officer adds a name signed on paper; a name already on the list is not added twice", async () => {
    await send(textMessage(w.fake, chat, admin, `/签到 补签 ${id} 孙八、张三`));
    await waitFor(() => w.fake.texts(chat.id).some((t) => t.includes("已补签 1 人：孙八；已在名单上：张三")), 5000, "paper");
    // The card's edit is the reply's second message: it follows the line above.
    await waitFor(() => cardNow().text.includes("纸质补签 1 人：孙八"), 5000, "card edited");
    expect(cardNow().text).toContain("纸质补签 1 人：孙八");
  });

  it("结束签到 makes one record with the names as its participants and attendance", async () => {
    await press(admin, `/signin close ${id}`, card);
    const record = await waitFor(() => w.app.store.db.record.findFirst({ where: { sourceMessageId: `signin:${id}` } }), 5000, "record");
    expect(record).toMatchObject({
      kind: "study",
      participants: 4,
      participantsApprox: false,
      attendees: "张三、李四、赵六、孙八",
      place: "村委会议室",
    });
    expect(record.topic).toBe("学习贯彻党的二十届四中全会精神");
    await waitFor(
      () => w.fake.texts(chat.id).some((t) => t.includes(`已记录 #${record.id}`) && t.includes("签到名单 4 人（其中纸质补签 1 人）")),
      5000,
      "confirmation",
    );
    expect(cardNow().text).toContain(`已按签到名单登记为记录 #${record.id}`);
    expect(cardNow().reply_markup).toBeUndefined();
    const signIn = await w.app.store.db.signIn.findUniqueOrThrow({ where: { id } });
    expect(signIn).toMatchObject({ outcome: "closed", recordId: record.id });
  });

  it("a press after the close adds nobody and a second close makes no second record", async () => {
    await press(user(4009, "迟到者"), `/signin in ${id}`, card);
    await press(admin, `/signin close ${id}`, card);
    expect(await w.app.store.db.signInEntry.count({ where: { signInId: id } })).toBe(4);
    expect(await w.app.store.db.record.count({ where: { sourceMessageId: `signin:${id}` } })).toBe(1);
    expect(cardNow().text).toContain("已结束");
  });
});
