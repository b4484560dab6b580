// Sign-in (签到) through Feishu/Lark end to end: signed, encrypted events posted to /lark/events,
// the real SDK talking to a local fake of the Open API. The card is an interactive card whose
// presses come back as card.action.trigger; each press updates the same card in place (PATCH of
// the message), a double press and a redelivered press count once, and closing it makes one
// record with the names signed in.
import { describe, it, expect, beforeAll, afterAll } from "vitest";
import type { FakeMessage } from "./fixtures/lark-fake.js";
import { postEvent, messageEvent, cardActionEvent } from "./fixtures/lark-events.js";
import { startLarkWorld, type LarkWorld } from "./fixtures/lark-world.js";

const GROUP = "oc_signin_1";

let w: LarkWorld;

beforeAll(async () => {
  w = await startLarkWorld({ users: { ou_admin: "王书记", ou_a: "张三", ou_b: "李四", ou_c: "赵六" }, admins: ["lark:ou_admin"] });
  await say("/bind 碧云社区", "ou_admin");
});

afterAll(async () => {
  await w?.close();
});

async function say(text: string, openId: string) {
  const ev = messageEvent({ chatId: GROUP, openId, text });
  w.fake.chatOfMessage.set(ev.event.message.message_id, GROUP);
  expect((await postEvent(w.endpoint, ev)).status).toBe(200);
  await w.adapter.idle();
  await w.core.idle();
  return w.fake.repliesTo(ev.event.message.message_id);
}

async function press(openId: string, command: string, cardMessageId: string, again?: ReturnType<typeof cardActionEvent>) {
  const ev = again ?? cardActionEvent({ chatId: GROUP, openId, command, cardMessageId });
  const res = await postEvent(w.endpoint, ev);
  expect(res.status).toBe(200);
  await w.adapter.idle();
  await w.core.idle();
  return { ev, res };
}

const textOf = (m: FakeMessage | undefined) => JSON.stringify(m?.content ?? "");

describe("sign-in on Feishu/Lark", () => {
  let card: FakeMessage;
  let id: number;

  it("an officer's /签到 posts an interactive card with the two buttons", async () => {
    const [reply] = await say("/签到 会议 意识形态工作专题会议 地点：社区会议室 30分钟", "ou_admin");
    card = reply;
    expect(card.msgType).toBe("interactive");
    id = Number(/签到 #(\d+)/.exec(textOf(card))![1]);
    const buttons = card.content.body.elements.filter((e: { tag: string }) => e.tag === "button");
    expect(buttons.map((b: { behaviors: { value: { command: string } }[] }) => b.behaviors[0].value.command)).toEqual([
      `/signin in ${id}`,
      `/signin close ${id}`,
    ]);
  });

  it("presses update the same card; a double and a redelivered press count once", async () => {
    const messages = w.fake.messages.length;
    const first = await press("ou_a", `/signin in ${id}`, card.id);
    // The person who pressed is told what became of their press; the card shows everyone.
    expect(first.res.json.toast).toEqual({ type: "success", content: `已签到（签到 #${id}）` });
    await press("ou_b", `/signin in ${id}`, card.id);
    expect((await press("ou_a", `/signin in ${id}`, card.id)).res.json.toast.content).toBe(`你已经签过到了（签到 #${id}）`);
    await press("ou_a", `/signin in ${id}`, card.id, first.ev);
    await press("ou_c", `/signin in ${id}`, card.id);
    expect(w.fake.messages.length).toBe(messages);
    // Each press that changed the list edited the card; the second press re-renders it unchanged.
    expect(card.edits).toBeGreaterThanOrEqual(3);
    expect(textOf(card)).toContain("已签到 3 人：张三、李四、赵六");
    const entries = await w.app.store.db.signInEntry.findMany({ where: { signInId: id }, orderBy: { id: "asc" } });
    expect(entries.map((e) => e.name)).toEqual(["张三", "李四", "赵六"]);
  });

  it("a member's 结束签到 is refused; the officer's makes one record and closes the card", async () => {
    const refused = await press("ou_b", `/signin close ${id}`, card.id);
    expect(refused.res.json.toast.type).toBe("error");
    expect(refused.res.json.toast.content).toContain("只有本单位宣传员或管理员可以结束签到");
    await press("ou_admin", `/signin close ${id}`, card.id);
    const record = await w.app.store.db.record.findFirstOrThrow({ where: { sourceMessageId: `signin:${id}` } });
    expect(record).toMatchObject({ kind: "meeting", participants: 3, attendees: "张三、李四、赵六", place: "社区会议室" });
    expect(textOf(card)).toContain(`已按签到名单登记为记录 #${record.id}`);
    expect(card.content.body.elements.some((e: { tag: string }) => e.tag === "button")).toBe(false);
    expect(w.fake.messages.some((m) => textOf(m).includes(`签到 #${id} 已结束，已记录 #${record.id}`))).toBe(true);
    await press("ou_admin", `/signin close ${id}`, card.id);
    expect(await w.app.store.db.record.count({ where: { sourceMessageId: `signin:${id}` } })).toBe(1);
  });
});
