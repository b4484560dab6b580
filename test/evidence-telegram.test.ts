// Evidence through Telegram end to end: the real grammY bot behind the webhook, the fake Bot API
// on 127.0.0.1 serving the photos' bytes through getFile and /file/bot<token>/<path> (the
// configured API root). A captioned photo records with its evidence; a photo in reply to the
// bot's confirmation or to the record line attaches; an album joins its record; a redelivered
// photo attaches once; a download the platform fails is tried again; the bytes kept are the
// bytes sent.
import { describe, it, expect, beforeAll, afterAll } from "vitest";
import type { Chat, Message } from "grammy/types";
import { ADMIN_ID, startWorld, waitFor, type World } from "./fixtures/telegram-world.js";
import { group, messageUpdate, photoMessage, textMessage, user } from "./fixtures/telegram-fake.js";
import { PNG_1PX, jpegBytes } from "./fixtures/images.js";
import JSZip from "jszip";

const admin = user(ADMIN_ID, "王", { last_name: "书记" });
const member = user(3003, "赵", { last_name: "干事" });
const stranger = user(3004, "钱", { last_name: "群众" });

let w: World;
let chat: Chat;

beforeAll(async () => {
  w = await startWorld("webhook", {}, { retryWaitsMs: [], downloadWaitsMs: [10, 10] });
  chat = group(-5001, "金桥社区群");
  await send(textMessage(w.fake, chat, admin, "/bind@LedgerBot 金桥社区"));
  await waitFor(() => w.fake.texts(chat.id).some((t) => t.includes("已将本群绑定到「金桥社区」")), 5000, "bind");
});

afterAll(async () => {
  await w?.close();
});

async function send(message: Message, updateId?: number) {
  const update = { ...messageUpdate(w.fake, message), ...(updateId ? { update_id: updateId } : {}) };
  expect(await w.post(update)).toBe(200);
  return update;
}

/** The bot's reply that contains `text`, once it arrives. */
async function replyWith(text: string) {
  return waitFor(() => w.fake.sent("sendMessage", chat.id).find((c) => String(c.payload.text).includes(text)), 5000, text);
}

const attachments = (recordId: number) => w.app.store.db.attachment.findMany({ where: { recordId }, orderBy: { id: "asc" } });
const bytesOf = async (sha256: string) => Buffer.from((await w.app.store.db.storedFile.findUniqueOrThrow({ where: { sha256 } })).data);

describe("photos on Telegram", () => {
  let recordId: number;
  let confirmationId: number;
  let line: Message;

  it("a photo captioned with a record line records with that photo, downloaded through the API root", async () => {
    const photo = jpegBytes(1);
    line = photoMessage(w.fake, chat, member, w.fake.putFile(photo), "/record 学习 中心组学习 12人 主题：二十届三中全会精神");
    await send(line);
    const confirmation = await replyWith("已附照片 1 张。");
    expect(String(confirmation.payload.text)).toMatch(/^已记录 #\d+：党委理论学习中心组学习 1 次，12 人参加/);
    confirmationId = confirmation.result.message_id;
    const [record] = await w.app.store.db.record.findMany({ where: { sourceMessageId: String(line.message_id) } });
    recordId = record.id;
    const [a] = await attachments(recordId);
    expect(a).toMatchObject({ kind: "photo", mime: "image/jpeg", size: photo.length, deletedAt: null });
    expect(await bytesOf(a.sha256)).toEqual(photo);
    expect(w.fake.sent("getFile").at(-1)?.payload.file_id).toBe(line.photo!.at(-1)!.file_id);
  });

  it("a photo in reply to the bot's confirmation attaches to that record; one in reply to the record line too", async () => {
    await send(
      photoMessage(w.fake, chat, member, w.fake.putFile(jpegBytes(2)), undefined, {
        reply_to_message: { message_id: confirmationId } as never,
      }),
    );
    await replyWith(`#${recordId}（党委理论学习中心组学习 1 次，12 人参加`);
    await send(photoMessage(w.fake, chat, member, w.fake.putFile(PNG_1PX, "签到表.png"), undefined, { reply_to_message: line as never }));
    await replyWith(`#${recordId} 共有照片 3 张。`);
    expect((await attachments(recordId)).map((a) => a.mime)).toEqual(["image/jpeg", "image/jpeg", "image/png"]);
  });

  it("a redelivered photo attaches once and is not downloaded again", async () => {
    const message = photoMessage(w.fake, chat, member, w.fake.putFile(jpegBytes(3)), undefined, { reply_to_message: line as never });
    const update = await send(message);
    await replyWith(`#${recordId} 共有照片 4 张。`);
    const downloads = w.fake.downloads;
    await send(message, update.update_id);
    await w.core.idle();
    expect(w.fake.downloads).toBe(downloads);
    expect(await attachments(recordId)).toHaveLength(4);
  });

  it("an album's photos join the record its captioned photo made", async () => {
    const album = "album-77";
    const first = photoMessage(w.fake, chat, member, w.fake.putFile(jpegBytes(10)), "/record 活动 志愿服务 30人", {
      media_group_id: album,
    });
    await send(first);
    await replyWith("志愿服务");
    await send(photoMessage(w.fake, chat, member, w.fake.putFile(jpegBytes(11)), undefined, { media_group_id: album }));
    await send(photoMessage(w.fake, chat, member, w.fake.putFile(jpegBytes(12)), undefined, { media_group_id: album }));
    const [record] = await w.app.store.db.record.findMany({ where: { sourceMessageId: String(first.message_id) } });
    await waitFor(async () => (await attachments(record.id)).length === 3, 5000, "album attached");
  });

  it("a download the platform fails is tried again: the photo is not lost; one that keeps failing is said", async () => {
    w.fake.failDownloads = 1;
    await send(photoMessage(w.fake, chat, member, w.fake.putFile(jpegBytes(20)), undefined, { reply_to_message: line as never }));
    await replyWith(`#${recordId} 共有照片 5 张。`);
    expect(w.logs.filter((l) => l.event === "evidence.download_failed")).toHaveLength(1);
    w.fake.failDownloads = 10;
    await send(photoMessage(w.fake, chat, member, w.fake.putFile(jpegBytes(21)), undefined, { reply_to_message: line as never }));
    await replyWith("这张照片暂时无法从平台下载，没有保存。请稍后回复这条消息重新发送。");
    w.fake.failDownloads = 0;
  });

  it("a photo that answers nobody's record in the group is people's chatter: no reply, nothing kept", async () => {
    const chatter = textMessage(w.fake, chat, stranger, "大家看看这张照片");
    const before = w.fake.sent("sendMessage", chat.id).length;
    const files = await w.app.store.db.storedFile.count();
    const downloads = w.fake.downloads;
    await send(photoMessage(w.fake, chat, stranger, w.fake.putFile(jpegBytes(30)), undefined, { reply_to_message: chatter as never }));
    await send(photoMessage(w.fake, chat, stranger, w.fake.putFile(jpegBytes(31))));
    await w.core.idle();
    expect(
      w.fake
        .sent("sendMessage", chat.id)
        .slice(before)
        .map((c) => c.payload.text),
    ).toEqual([]);
    // Nothing is stored for it.
    expect(await w.app.store.db.storedFile.count()).toBeLessThanOrEqual(files + 1);
    // It is not even downloaded: the bytes are fetched only for a record that keeps them.
    expect(w.fake.downloads).toBe(downloads);
  });

  it("someone else's record refuses another member's photo; a file that is not evidence is refused with the reason", async () => {
    await send(photoMessage(w.fake, chat, stranger, w.fake.putFile(jpegBytes(40)), undefined, { reply_to_message: line as never }));
    await replyWith(`#${recordId} 不是你登记的：附件由记录人本人、本单位宣传员或管理员添加。`);
    const exe = w.fake.putFile(Buffer.from("MZ-not-a-picture"), "setup.exe");
    await send({
      ...textMessage(w.fake, chat, member, ""),
      text: undefined,
      document: { file_id: exe, file_unique_id: "x", file_name: "setup.exe", mime_type: "application/x-msdownload", file_size: 16 },
      reply_to_message: line as never,
    } as unknown as Message);
    await replyWith("「setup.exe」不是图片（JPG、PNG、GIF、WEBP）、PDF、Word（doc、docx）或 Excel（xls、xlsx），没有保存。");
    const big = w.fake.putFile(Buffer.alloc(10), "录像.mp4");
    await send({
      ...textMessage(w.fake, chat, member, ""),
      text: undefined,
      document: { file_id: big, file_unique_id: "y", file_name: "录像.mp4", file_size: 45 * 1024 * 1024 },
      reply_to_message: line as never,
    } as unknown as Message);
    await replyWith("「录像.mp4」有 45 MB，超过单个附件 20 MB 的上限，没有保存。");
    expect(await attachments(recordId)).toHaveLength(5);
  });

  it("/导出台账 文档 sends the quarter's pack back as a Word file holding the photos' bytes", async () => {
    await send(textMessage(w.fake, chat, member, "/export@LedgerBot 文档"));
    const doc = await waitFor(() => w.fake.sent("sendDocument", chat.id).at(-1), 8000, "the pack");
    const [file] = doc.files;
    expect(file.name).toMatch(/^金桥社区-\d{4}Q\d-台账\.docx$/);
    expect(String(doc.payload.caption)).toContain("已装订为 Word 文档");
    const zip = await JSZip.loadAsync(file.data);
    const media = await Promise.all(
      Object.values(zip.files)
        .filter((f) => f.name.startsWith("word/media/"))
        .map((f) => f.async("nodebuffer")),
    );
    expect(media.some((m) => m.equals(jpegBytes(1)))).toBe(true);
    expect(media.some((m) => m.equals(PNG_1PX))).toBe(true);
  });

  it("/明细 marks the records with evidence; /撤销 removes a record's evidence with it", async () => {
    await send(textMessage(w.fake, chat, member, "/list@LedgerBot"));
    const list = await replyWith("记录（共");
    expect(String(list.payload.text)).toMatch(new RegExp(`#${recordId} .*📷5`));
    await send(textMessage(w.fake, chat, member, `/undo@LedgerBot ${recordId}`));
    const undone = await replyWith(`已撤销 #${recordId}`);
    expect(String(undone.payload.text)).toMatch(/附件 5 个一并删除。$/);
    expect((await attachments(recordId)).every((a) => a.deletedAt !== null)).toBe(true);
    const audit = await w.app.store.db.auditLog.findMany({ where: { entity: "Record", entityId: String(recordId) } });
    expect(audit.map((a) => a.action)).toEqual(expect.arrayContaining(["record.create", "attachment.add", "record.undo"]));
    expect(JSON.parse(audit.find((a) => a.action === "record.undo")!.detail!)).toEqual({ attachmentsRemoved: 5 });
  });
});
