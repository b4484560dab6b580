// The Lark adapter's pure parts: events → core messages, replies → Lark messages, Lark's errors →
// SendError, LARK_DOMAIN → the SDK's domain.
import { describe, it, expect } from "vitest";
import * as lark from "@larksuiteoapi/node-sdk";
import { parseMessageEvent, resolveMentions, contentText, larkTime, cardCommand } from "../src/lark/inbound.js";
import { renderReply, buildCard, splitText, neutralise, fileTypeOf, CARD_MAX_BYTES } from "../src/lark/render.js";
import { classify, toSendError, sendUuid } from "../src/lark/send.js";
import { decryptEvent, eventSignature } from "../src/lark/webhook.js";
import { larkDomain } from "../src/lark/index.js";
import { SendError } from "../src/core/outbound.js";
import { encrypt, messageEvent } from "./fixtures/lark-events.js";

const bot = { openId: "ou_bot", name: "台账机器人" };
const mentions = [
  { key: "@_user_1", id: { open_id: "ou_bot" }, name: "台账机器人" },
  { key: "@_user_2", id: { open_id: "ou_zhang" }, name: "张三" },
  { key: "@_user_10", id: { open_id: "ou_ten" }, name: "十号" },
];

describe("Lark events → core messages", () => {
  it("strips the bot's own mention, marks the line addressed, keeps others as @Name", () => {
    expect(resolveMentions("@_user_1 /记录 学习 12人", mentions, bot)).toEqual({ text: "/记录 学习 12人", addressed: true });
    expect(resolveMentions("/记录 学习 @_user_1  12人", mentions, bot)).toEqual({ text: "/记录 学习 12人", addressed: true });
    expect(resolveMentions("谢谢 @_user_2 和 @_user_10", mentions, bot)).toEqual({ text: "谢谢 @张三 和 @十号", addressed: false });
    expect(resolveMentions("@_all 注意", [], bot).text).toBe("@所有人 注意");
    // While the bot's identity is unknown, a mention Lark marks as a bot stands for it.
    expect(
      resolveMentions("@_user_1 记录 学习", [{ key: "@_user_1", id: { open_id: "ou_x" }, name: "Bot", mentioned_type: "bot" }], null)
        .addressed,
    ).toBe(true);
  });

  it("builds the InboundMessage with both event keys", () => {
    const ev = messageEvent({
      chatId: "oc_1",
      openId: "ou_u",
      text: "@_user_1 /record study 12 people",
      mentions: [{ key: "@_user_1", openId: "ou_bot", name: "台账机器人" }],
    });
    const parsed = parseMessageEvent({ ...ev.header, ...ev.event }, bot, { userName: "李四" });
    expect(parsed.kind).toBe("message");
    if (parsed.kind !== "message") return;
    expect(parsed.msg).toMatchObject({
      platform: "lark",
      chatId: "oc_1",
      messageId: ev.event.message.message_id,
      userId: "ou_u",
      userName: "李四",
      text: "/record study 12 people",
      addressedToBot: true,
      direct: false,
    });
    expect(parsed.msg.sentAt).toBeInstanceOf(Date);
    expect(parsed.keys).toEqual([`event:${ev.header.event_id}`, `msg:${ev.event.message.message_id}`]);
  });

  it("ignores apps, group chatter and messages without a sender; flags unreadable types", () => {
    const flat = (o: Parameters<typeof messageEvent>[0]) => {
      const ev = messageEvent(o);
      return parseMessageEvent({ ...ev.header, ...ev.event }, bot);
    };
    expect(flat({ chatId: "oc", openId: "ou_bot", text: "/help", senderType: "app" }).kind).toBe("ignore");
    expect(flat({ chatId: "oc", openId: "ou_u", text: "大家好" }).kind).toBe("ignore");
    expect(flat({ chatId: "oc", openId: "ou_u", text: "／帮助" }).kind).toBe("message");
    expect(flat({ chatId: "oc", openId: "ou_u", text: "帮助", chatType: "p2p" }).kind).toBe("message");
    expect(flat({ chatId: "oc", openId: "ou_u", messageType: "image", content: '{"image_key":"x"}' })).toMatchObject({
      kind: "unsupported",
      direct: false,
    });
    expect(parseMessageEvent({ message: { message_id: "om", chat_id: "oc", content: "{}", message_type: "text" } }, bot).kind).toBe(
      "ignore",
    );
  });

  it("reads text and post content", () => {
    expect(contentText("text", JSON.stringify({ text: "a\nb" }))).toBe("a\nb");
    expect(contentText("text", "not json")).toBeNull();
    const post = {
      title: "标题",
      content: [
        [
          { tag: "at", user_id: "@_user_1", user_name: "Bot" },
          { tag: "text", text: " /记录 " },
          { tag: "a", text: "学习", href: "https://x" },
        ],
        [
          { tag: "img", image_key: "k" },
          { tag: "text", text: "第二行" },
        ],
      ],
    };
    expect(contentText("post", JSON.stringify(post))).toBe("@_user_1 /记录 学习\n第二行");
    expect(contentText("post", JSON.stringify({ zh_cn: post }))).toBe("@_user_1 /记录 学习\n第二行");
    expect(contentText("image", "{}")).toBeNull();
  });

  it("reads Lark's millisecond (and microsecond) timestamps and card commands", () => {
    expect(larkTime("1700000000000")?.toISOString()).toBe("2023-11-14T22:13:20.000Z");
    expect(larkTime("1700000000000000")?.toISOString()).toBe("2023-11-14T22:13:20.000Z");
    expect(larkTime("soon")).toBeUndefined();
    expect(cardCommand({ action: { value: { command: " /undo 5 " } } })).toBe("/undo 5");
    expect(cardCommand({ action: { value: { action: "confirm" } } })).toBeNull();
    expect(cardCommand({ action: { value: "/undo 5" } })).toBeNull();
  });
});

describe("replies → Lark messages", () => {
  it("sends plain replies as text, with Lark's tags made inert", () => {
    const parts = renderReply({ text: 'a <at user_id="all"></at> [x](http://e) <b>b</b>', kind: "info" });
    expect(parts).toHaveLength(1);
    expect(parts[0].type).toBe("text");
    const text = JSON.parse((parts[0] as { content: string }).content).text as string;
    expect(text).not.toMatch(/<at|<b>|\]\(/);
    expect(text.replace(/\u200B/g, "")).toBe('a <at user_id="all"></at> [x](http://e) <b>b</b>');
    expect(neutralise("3 < 5，a<b")).toBe("3 < 5，a<\u200Bb");
  });

  it("shows a record as a card 2.0 with plain text and a callback button", () => {
    const card = buildCard({
      text: "已记录 #7：**学习** <at>",
      kind: "record",
      title: "已记录",
      actions: [{ label: "撤销", command: "/undo 7" }],
    });
    expect(card).toEqual({
      schema: "2.0",
      config: { update_multi: true },
      header: { title: { tag: "plain_text", content: "已记录" }, template: "green" },
      body: {
        elements: [
          { tag: "div", text: { tag: "plain_text", content: "已记录 #7：**学习** <at>" } },
          {
            tag: "button",
            text: { tag: "plain_text", content: "撤销" },
            type: "default",
            behaviors: [{ type: "callback", value: { command: "/undo 7" } }],
          },
        ],
      },
    });
  });

  it("drops a draft's first line when it repeats the title", () => {
    const card = buildCard({
      text: "某报告\n\n一、情况",
      kind: "draft",
      title: "某报告",
      actions: [{ label: "下载 Word", command: "/report docx" }],
    });
    const elements = (card.body as { elements: { text: { content: string }; type?: string }[] }).elements;
    expect(elements[0].text.content).toBe("一、情况");
    expect(elements[1].type).toBe("primary");
  });

  it("sends a draft too long for a card (30 KB) as text messages plus a small card with the button", () => {
    const line = "　　本季度开展理论学习 12 次，参学 156 人次，其中党委理论学习中心组学习 3 次。";
    const text = Array.from({ length: 600 }, () => line).join("\n");
    expect(Buffer.byteLength(text)).toBeGreaterThan(CARD_MAX_BYTES);
    const parts = renderReply({ text, kind: "draft", title: "报告", actions: [{ label: "下载 Word", command: "/report 2026Q4 docx" }] });
    expect(parts.map((p) => p.type)).toEqual(["text", "card"]);
    expect(JSON.parse((parts[0] as { content: string }).content).text).toBe(text);
    const tail = JSON.parse((parts[1] as { content: string }).content);
    expect(Buffer.byteLength((parts[1] as { content: string }).content)).toBeLessThan(CARD_MAX_BYTES);
    expect(tail.body.elements.at(-1).behaviors[0].value.command).toBe("/report 2026Q4 docx");
  });

  it("splits text over 150 KB at line breaks, and a single huge line by characters", () => {
    const lines = Array.from({ length: 5000 }, (_, i) => `第${i}行：宣传册 3000 份`);
    const chunks = splitText(lines.join("\n"), 40 * 1024);
    expect(chunks.length).toBeGreaterThan(1);
    expect(chunks.join("\n")).toBe(lines.join("\n"));
    for (const c of chunks) expect(Buffer.byteLength(JSON.stringify(JSON.stringify(c)))).toBeLessThanOrEqual(40 * 1024 + 6);
    const huge = "字".repeat(60_000);
    const pieces = splitText(huge, 40 * 1024);
    expect(pieces.join("")).toBe(huge);
    expect(pieces.length).toBeGreaterThan(1);
  });

  it("sends a file reply as its text, then the file", () => {
    const parts = renderReply({
      text: "Word 草稿已生成。",
      kind: "draft",
      file: { name: "报告.docx", data: Buffer.from("PK"), mime: "x" },
    });
    expect(parts.map((p) => p.type)).toEqual(["text", "file"]);
    expect(parts[1]).toMatchObject({ name: "报告.docx", fileType: "doc" });
    expect([fileTypeOf("a.xlsx"), fileTypeOf("a.pdf"), fileTypeOf("a.txt"), fileTypeOf("noext")]).toEqual([
      "xls",
      "pdf",
      "stream",
      "stream",
    ]);
  });
});

describe("Lark's errors → SendError", () => {
  const axiosLike = (status: number, data: unknown, headers: Record<string, string> = {}) =>
    Object.assign(new Error(`Request failed with status code ${status}`), { response: { status, data, headers } });

  it("gives throttling a retry-after, server and network errors a plain retry, the rest permanent", () => {
    expect(toSendError(axiosLike(400, { code: 230020, msg: "triggers the frequency limit" }))).toMatchObject({
      retryAfterSec: 1,
      permanent: false,
    });
    expect(toSendError(axiosLike(429, { code: 99991400, msg: "limit" }, { "x-ogw-ratelimit-reset": "7" }))).toMatchObject({
      retryAfterSec: 7,
      permanent: false,
    });
    expect(toSendError(axiosLike(400, { code: 99991400, msg: "limit" }))).toMatchObject({ retryAfterSec: 1 });
    expect(toSendError(axiosLike(502, "<html>bad gateway</html>"))).toMatchObject({ retryAfterSec: undefined, permanent: false });
    expect(toSendError(axiosLike(401, { code: 99991663, msg: "Invalid access token" }))).toMatchObject({ permanent: false });
    expect(toSendError(axiosLike(400, { code: 230002, msg: "Bot/User can NOT be out of the chat." }))).toMatchObject({ permanent: true });
    expect(toSendError(Object.assign(new Error("connect ECONNREFUSED"), { code: "ECONNREFUSED" }))).toMatchObject({
      permanent: false,
      retryAfterSec: undefined,
    });
    expect(classify(undefined, 230020, "limit")).toMatchObject({ retryAfterSec: 1 });
    expect(classify(undefined, 230001, "bad")).toMatchObject({ permanent: true });
  });

  it("derives stable 32-character uuids", () => {
    expect(sendUuid("event:e1", 0, 1)).toBe(sendUuid("event:e1", 0, 1));
    expect(sendUuid("event:e1", 0, 1)).not.toBe(sendUuid("event:e1", 1, 0));
    expect(sendUuid("x")).toMatch(/^[0-9a-f]{32}$/);
  });
});

describe("configuration and crypto", () => {
  it("maps LARK_DOMAIN", () => {
    expect(larkDomain("feishu")).toBe(lark.Domain.Feishu);
    expect(larkDomain("")).toBe(lark.Domain.Feishu);
    expect(larkDomain("Lark")).toBe(lark.Domain.Lark);
    expect(larkDomain("https://open.example.gov.cn/")).toBe("https://open.example.gov.cn");
  });

  it("decrypts what Lark encrypts and signs like Lark", () => {
    const body = encrypt({ hello: "世界" }, "k1");
    expect(JSON.parse(decryptEvent(body.encrypt, "k1"))).toEqual({ hello: "世界" });
    expect(() => decryptEvent(body.encrypt, "k2")).toThrow();
    // The SDK's own cipher agrees.
    expect(JSON.parse(new lark.AESCipher("k1").decrypt(body.encrypt))).toEqual({ hello: "世界" });
    expect(eventSignature("1", "n", "k", "{}")).toMatch(/^[0-9a-f]{64}$/);
  });
});
