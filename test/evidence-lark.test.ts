// Evidence through Feishu/Lark end to end: signed, encrypted events posted to /lark/events, the real
// SDK fetching the pictures through the message-resource API of a local fake of the Open API. A
// rich-text (post) message with a record line and pictures records with them; a picture or a file
// in reply to the bot's confirmation attaches; a redelivered event attaches once; the bytes kept
// are the bytes sent.
import { describe, it, expect, beforeAll, afterAll } from "vitest";
import type { FakeMessage } from "./fixtures/lark-fake.js";
import { postEvent, messageEvent, type MessageOptions } from "./fixtures/lark-events.js";
import { startLarkWorld, type LarkWorld } from "./fixtures/lark-world.js";
import { jpegBytes, pngBytes } from "./fixtures/images.js";

const GROUP = "oc_evidence_1";

let w: LarkWorld;

beforeAll(async () => {
  w = await startLarkWorld({
    users: { ou_admin: "王书记", ou_user: "李宣传" },
    admins: ["lark:ou_admin"],
    core: { downloadWaitsMs: [10] },
  });
  await send({ text: "/bind 碧云社区", openId: "ou_admin" });
});

afterAll(async () => {
  await w?.close();
});

/** Posts a message event (its pictures put on the fake first), waits, returns the bot's replies to it. */
async function send(o: Partial<MessageOptions>, resources: Record<string, Buffer> = {}, again?: ReturnType<typeof messageEvent>) {
  const ev = again ?? messageEvent({ chatId: GROUP, openId: "ou_user", ...o });
  const messageId = ev.event.message.message_id;
  for (const [key, data] of Object.entries(resources)) w.fake.putResource(messageId, key, data);
  w.fake.chatOfMessage.set(messageId, GROUP);
  expect((await postEvent(w.endpoint, ev)).status).toBe(200);
  await w.adapter.idle();
  await w.core.idle();
  return { ev, messageId, replies: w.fake.repliesTo(messageId) };
}

/** A record confirmation is a card: its text, wherever the card puts it. */
const textOf = (m: FakeMessage | undefined) => JSON.stringify(m?.content ?? "");
const attachments = (recordId: number) => w.app.store.db.attachment.findMany({ where: { recordId }, orderBy: { id: "asc" } });
const bytesOf = async (sha256: string) => Buffer.from((await w.app.store.db.storedFile.findUniqueOrThrow({ where: { sha256 } })).data);

describe("pictures and files on Feishu/Lark", () => {
  let recordId: number;
  let confirmation: FakeMessage;

  it("a post with a record line and two pictures records with both, fetched through the message-resource API", async () => {
    const content = JSON.stringify({
      title: "",
      content: [
        [{ tag: "text", text: "/记录 宣讲 理论宣讲 60人 地点：新时代文明实践站" }],
        [
          { tag: "img", image_key: "img_v3_a" },
          { tag: "img", image_key: "img_v3_b" },
        ],
      ],
    });
    const a = jpegBytes(101);
    const b = pngBytes(32, 24);
    const { messageId, replies } = await send({ messageType: "post", content }, { img_v3_a: a, img_v3_b: b });
    expect(replies).toHaveLength(1);
    confirmation = replies[0];
    expect(textOf(confirmation)).toContain("已附照片 2 张。");
    const [record] = await w.app.store.db.record.findMany({ where: { sourcePlatform: "lark", sourceMessageId: messageId } });
    recordId = record.id;
    expect(record).toMatchObject({ kind: "lecture", participants: 60, place: "新时代文明实践站" });
    const rows = await attachments(recordId);
    expect(rows.map((r) => r.mime)).toEqual(["image/jpeg", "image/png"]);
    expect(await bytesOf(rows[0].sha256)).toEqual(a);
    expect(await bytesOf(rows[1].sha256)).toEqual(b);
    const gets = w.fake.calls.filter((c) => c.method === "GET" && c.path.startsWith(`/open-apis/im/v1/messages/${messageId}/resources/`));
    expect(gets.map((c) => c.query.type)).toEqual(["image", "image"]);
  });

  it("a picture and a PDF sent in reply to the bot's confirmation attach to that record", async () => {
    await send(
      { messageType: "image", content: JSON.stringify({ image_key: "img_v3_c" }), parentId: confirmation.id },
      { img_v3_c: jpegBytes(102) },
    );
    const pdf = Buffer.from("%PDF-1.4\n% 会议记录\n");
    const { replies } = await send(
      {
        messageType: "file",
        content: JSON.stringify({ file_key: "file_v3_minutes", file_name: "会议记录.pdf" }),
        parentId: confirmation.id,
      },
      { file_v3_minutes: pdf },
    );
    expect(textOf(replies[0])).toContain(`#${recordId} 共有照片 3 张、文件 1 个。`);
    const rows = await attachments(recordId);
    expect(rows.at(-1)).toMatchObject({ kind: "file", name: "会议记录.pdf", mime: "application/pdf" });
    expect(await bytesOf(rows.at(-1)!.sha256)).toEqual(pdf);
    const fileGet = w.fake.calls.filter((c) => c.path.endsWith("/resources/file_v3_minutes"));
    expect(fileGet.map((c) => c.query.type)).toEqual(["file"]);
  });

  it("a redelivered event attaches once", async () => {
    const first = await send(
      { messageType: "image", content: JSON.stringify({ image_key: "img_v3_d" }), parentId: confirmation.id },
      {
        img_v3_d: jpegBytes(103),
      },
    );
    await send({}, {}, first.ev);
    expect(await attachments(recordId)).toHaveLength(5);
    expect(w.fake.repliesTo(first.messageId)).toHaveLength(1);
  });

  it("a picture in the group that answers no record is left alone", async () => {
    const before = w.fake.messages.length;
    await send({ messageType: "image", content: JSON.stringify({ image_key: "img_v3_e" }) }, { img_v3_e: jpegBytes(104) });
    expect(w.fake.messages.length).toBe(before);
  });
});
