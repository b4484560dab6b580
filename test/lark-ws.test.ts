// The long connection (LARK_MODE=ws) end to end: the real SDK WSClient asks the fake for its
// endpoint, connects to the fake's WebSocket, and receives events as pbbp2 protobuf frames; the
// adapter answers each frame at once and replies through the Open API like in webhook mode.
import fs from "node:fs";
import { describe, it, expect, beforeAll, afterAll } from "vitest";
import { freshDatabaseUrl, dropDatabase } from "./db.js";
import { createApp, type App } from "../src/app.js";
import { BotCore } from "../src/core/bot.js";
import { createLarkAdapter, type LarkAdapter } from "../src/lark/index.js";
import { tempDir } from "./harness.js";
import { LarkFake } from "./fixtures/lark-fake.js";
import { messageEvent, cardActionEvent, botAddedEvent, waitFor, type Mention } from "./fixtures/lark-events.js";

const BOT: Mention = { key: "@_user_1", openId: "ou_bot", name: "台账机器人" };
const GROUP = "oc_ws_group";

let fake: LarkFake;
let databaseUrl = "";
let app: App;
let adapter: LarkAdapter;
let dir: string;

beforeAll(async () => {
  fake = await new LarkFake().start();
  dir = tempDir("lark-ws-test-");
  databaseUrl = await freshDatabaseUrl(dir);
  app = await createApp({ databaseUrl, admins: ["lark:ou_admin"], limits: false });
  adapter = createLarkAdapter({
    core: new BotCore(app),
    log: () => {},
    appId: fake.appId,
    appSecret: fake.appSecret,
    domain: fake.url,
    mode: "ws",
  });
  await adapter.start();
  await fake.wsReady();
});

afterAll(async () => {
  await adapter?.stop();
  await fake?.close();
  await app?.close();
  if (databaseUrl) await dropDatabase(databaseUrl);
  if (dir) fs.rmSync(dir, { recursive: true, force: true });
});

function push(ev: { event: object }) {
  const message = (ev.event as { message?: { message_id: string; chat_id: string } }).message;
  if (message) fake.chatOfMessage.set(message.message_id, message.chat_id);
  return fake.pushEvent(ev);
}

describe("Lark long connection (WSClient) through the real SDK", () => {
  it("pulled the endpoint with the app's credentials and serves no HTTP route", () => {
    expect(fake.callsTo("POST", "/callback/ws/endpoint")[0].body).toEqual({ AppID: fake.appId, AppSecret: fake.appSecret });
    expect(adapter.routes).toBeUndefined();
  });

  it("greets, binds, records and undoes over the long connection", async () => {
    const added = await push(botAddedEvent({ chatId: GROUP }));
    expect(added.code).toBe(200);
    await waitFor(() => fake.inChat(GROUP).some((m) => String(m.content.text ?? "").includes("/绑定 单位名")), 5000, "greeting");

    const bind = messageEvent({ chatId: GROUP, openId: "ou_admin", text: "/绑定 长连接社区" });
    expect((await push(bind)).code).toBe(200);
    await waitFor(() => fake.repliesTo(bind.event.message.message_id).length > 0, 5000, "bind reply");
    expect(fake.repliesTo(bind.event.message.message_id)[0].content.text).toContain("长连接社区");

    const rec = messageEvent({ chatId: GROUP, openId: "ou_admin", text: "@_user_1 /记录 发放 宣传册 3000份", mentions: [BOT] });
    const answer = await push(rec);
    expect(answer.code).toBe(200);
    const messageId = rec.event.message.message_id;
    await waitFor(() => fake.repliesTo(messageId).length > 0, 5000, "record card");
    const rows = await app.store.db.record.findMany({ where: { sourceMessageId: messageId } });
    expect(rows).toHaveLength(1);
    expect(rows[0]).toMatchObject({ kind: "distribution", quantity: 3000 });
    const card = fake.repliesTo(messageId)[0];
    expect(card.msgType).toBe("interactive");

    // The same event pushed again (Lark redelivers over WS too): no second record, no second reply.
    await push(rec);
    await adapter.idle();
    expect(await app.store.db.record.count({ where: { sourceMessageId: messageId } })).toBe(1);
    expect(fake.repliesTo(messageId)).toHaveLength(1);

    const button = card.content.body.elements.find((e: { tag: string }) => e.tag === "button");
    const press = await push(
      cardActionEvent({ chatId: GROUP, openId: "ou_admin", command: button.behaviors[0].value.command, cardMessageId: card.id }),
    );
    expect(press.code).toBe(200);
    expect(press.data.toast.type).toBe("success");
    await adapter.idle();
    expect((await app.store.db.record.findUnique({ where: { id: rows[0].id } }))?.deletedAt).toBeInstanceOf(Date);
    expect(fake.repliesTo(card.id)[0].content.text).toContain(`已撤销 #${rows[0].id}`);
  });
});
