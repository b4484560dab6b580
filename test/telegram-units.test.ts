// The Telegram adapter's pure parts: splitting and rendering replies, turning updates into core
// messages, the join-greeting keys, the command menu and the error mapping for the outbox.
import { describe, it, expect } from "vitest";
import fc from "fast-check";
import { GrammyError, HttpError } from "grammy";
import type { Message } from "grammy/types";
import { planReply, safeFileName, splitText, TEXT_LIMIT } from "../src/telegram/render.js";
import { callbackToInbound, displayName, joinKeys, membershipChange, messageToInbound, stripMention } from "../src/telegram/inbound.js";
import { menuCommands } from "../src/telegram/menu.js";
import { toSendError } from "../src/telegram/errors.js";
import { createTelegramAdapter, webhookUrlWithPath } from "../src/telegram/index.js";
import { COMMANDS } from "../commands/index.js";

const me = { id: 42, username: "LedgerBot" };
const knows = (line: string) => /^(记录|统计|学习)/.test(line.trim());
const grp = { id: -100, type: "group" as const, title: "某社区群" };
const alice = { id: 7, is_bot: false, first_name: "Alice" };
const msg = (text: string, extra: Partial<Message> = {}): Message =>
  ({ message_id: 5, date: 1_780_000_000, chat: grp, from: alice, text, ...extra }) as Message;

describe("splitText", () => {
  it("keeps short text whole and drops empty text", () => {
    expect(splitText("一行")).toEqual(["一行"]);
    expect(splitText("   ")).toEqual([]);
  });

  it("splits at line breaks into pieces of at most 4096 characters, losing nothing but the breaks", () => {
    const lines = Array.from({ length: 400 }, (_, i) => `第 ${i + 1} 行：开展理论学习，参学人次。`);
    const text = lines.join("\n");
    const pieces = splitText(text);
    expect(pieces.length).toBeGreaterThan(1);
    for (const p of pieces) expect(p.length).toBeLessThanOrEqual(TEXT_LIMIT);
    expect(pieces.join("\n")).toBe(text);
    expect(pieces.every((p) => p.startsWith("第 "))).toBe(true);
  });

  it("cuts one enormous line at the limit without splitting a surrogate pair", () => {
    const text = "a" + "😀".repeat(3000);
    const pieces = splitText(text, 100);
    expect(pieces.join("")).toBe(text);
    for (const p of pieces) {
      expect(p.length).toBeLessThanOrEqual(100);
      expect(/[\ud800-\udbff]$/.test(p)).toBe(false);
    }
  });

  it("property: pieces fit and, joined at the dropped breaks, give the text back", () => {
    fc.assert(
      fc.property(fc.array(fc.string({ maxLength: 60 }), { maxLength: 60 }), fc.integer({ min: 20, max: 200 }), (lines, limit) => {
        const text = lines.join("\n");
        const pieces = splitText(text, limit);
        for (const p of pieces) expect(p.length).toBeLessThanOrEqual(limit);
        const strip = (s: string) => s.replace(/\s/g, "");
        expect(strip(pieces.join(""))).toBe(strip(text));
      }),
    );
  });
});

describe("planReply", () => {
  it("puts the buttons on the last message and leaves out commands over 64 bytes", () => {
    const long = "x\n".repeat(3000);
    const plan = planReply({
      text: long,
      actions: [
        { label: "撤销", command: "/undo 12" },
        { label: "太长", command: `/report ${"金桥社区".repeat(6)} docx` },
      ],
    });
    expect(plan.ops.length).toBe(2);
    expect(plan.ops[0]).not.toHaveProperty("reply_markup.inline_keyboard");
    expect(plan.ops[1]).toMatchObject({
      method: "sendMessage",
      reply_markup: { inline_keyboard: [[{ text: "撤销", callback_data: "/undo 12" }]] },
    });
    expect(plan.dropped.map((a) => a.label)).toEqual(["太长"]);
  });

  it("sends a file with its text as caption, or the long text first and the file bare", () => {
    const file = { name: "报告.docx", data: Buffer.from("PK"), mime: "x" };
    expect(planReply({ text: "Word 草稿已生成。", file }).ops).toEqual([
      { method: "sendDocument", file: { name: "报告.docx", data: file.data }, caption: "Word 草稿已生成。", reply_markup: undefined },
    ]);
    const ops = planReply({ text: "字".repeat(1500), file }).ops;
    expect(ops.map((o) => o.method)).toEqual(["sendMessage", "sendDocument"]);
    expect(ops[1]).not.toHaveProperty("caption");
  });

  it("makes file names safe for grammY's unquoted multipart filename", () => {
    expect(safeFileName('a";b\r\n.docx')).toBe("a__b__.docx");
    expect(safeFileName("金桥社区2026年第四季度报告.docx")).toBe("金桥社区2026年第四季度报告.docx");
    expect(safeFileName("  ")).toBe("file");
  });
});

describe("messageToInbound", () => {
  it("passes slash commands with ids, name, time and the message to quote", () => {
    const c = messageToInbound(msg("/record@LedgerBot study 12 people"), me, { knows }, 900)!;
    expect(c.msg).toEqual({
      platform: "telegram",
      chatId: "-100",
      chatTitle: "某社区群",
      messageId: "5",
      userId: "7",
      userName: "Alice",
      text: "/record@LedgerBot study 12 people",
      sentAt: new Date(1_780_000_000_000),
      addressedToBot: false,
      direct: false,
    });
    expect(c.replyTo).toBe(5);
    expect(c.eventKeys).toEqual(["update:900", "msg:-100:5"]);
  });

  it("strips a leading @mention and marks the message addressed", () => {
    expect(stripMention("@ledgerbot，记录 学习 3人", "LedgerBot")).toEqual({ text: "记录 学习 3人", mentioned: true });
    expect(stripMention("@LedgerBotX 记录", "LedgerBot").mentioned).toBe(false);
    const c = messageToInbound(msg("@LedgerBot 记录 学习 3人"), me, { knows })!;
    expect(c.msg).toMatchObject({ text: "记录 学习 3人", addressedToBot: true });
  });

  it("carries a captioned photo's largest size and a document as attachments, and the message replied to", () => {
    const photo = msg("/记录 学习 12人", {
      text: undefined,
      caption: "/记录 学习 12人",
      photo: [
        { file_id: "small", file_unique_id: "s", width: 90, height: 60, file_size: 900 },
        { file_id: "large", file_unique_id: "l", width: 1280, height: 853, file_size: 120_000 },
      ],
      reply_to_message: { message_id: 3, date: 0, chat: grp, from: { id: 42, is_bot: true, first_name: "bot" } },
    } as Partial<Message>);
    const c = messageToInbound(photo, me, { knows })!;
    expect(c.msg.attachments).toEqual([{ kind: "photo", ref: "large", size: 120_000, mime: "image/jpeg" }]);
    expect(c.msg.replyToMessageId).toBe("3");
    const doc = msg("/记录 会议 专题会议", {
      text: undefined,
      caption: "/记录 会议 专题会议",
      document: { file_id: "d1", file_unique_id: "u", file_name: "签到表.pdf", mime_type: "application/pdf", file_size: 2048 },
    } as Partial<Message>);
    expect(messageToInbound(doc, me, { knows })!.msg.attachments).toEqual([
      { kind: "file", ref: "d1", name: "签到表.pdf", mime: "application/pdf", size: 2048 },
    ]);
  });

  it("takes a reply to the bot only when it starts with a command or record word", () => {
    const toBot = {
      reply_to_message: { message_id: 1, date: 0, chat: grp, from: { id: 42, is_bot: true, first_name: "bot" } },
    } as Partial<Message>;
    expect(messageToInbound(msg("记录 学习 3人", toBot), me, { knows })?.msg.addressedToBot).toBe(true);
    expect(messageToInbound(msg("谢谢", toBot), me, { knows })).toBeNull();
    expect(messageToInbound(msg("记录 学习 3人"), me, { knows })).toBeNull();
  });

  it("ignores bots, channels and messages without text; reads captions", () => {
    expect(messageToInbound(msg("/stats", { from: { id: 9, is_bot: true, first_name: "b" } }), me, { knows })).toBeNull();
    expect(messageToInbound(msg("/stats", { chat: { id: -1001, type: "channel", title: "c" } as never }), me, { knows })).toBeNull();
    expect(messageToInbound(msg("", { text: undefined }), me, { knows })).toBeNull();
    expect(messageToInbound(msg("", { text: undefined, caption: "/record study 5 people" }), me, { knows })?.msg.text).toBe(
      "/record study 5 people",
    );
  });

  it("makes every private message direct, and answers /start with /help", () => {
    const chat = { id: 7, type: "private" as const, first_name: "Alice" };
    const c = messageToInbound(msg("/start", { chat }), me, { knows })!;
    expect(c.msg).toMatchObject({ text: "/help", direct: true, chatTitle: "Alice" });
    expect(c.replyTo).toBeUndefined();
    expect(messageToInbound(msg("/start@OtherBot", { chat }), me, { knows })?.msg.text).toBe("/start@OtherBot");
    expect(messageToInbound(msg("/start", { chat }), me, { knows, hasStart: true })?.msg.text).toBe("/start");
  });

  it("turns a button press into the button's command by the presser", () => {
    const c = callbackToInbound({ id: "q1", from: alice, chat_instance: "i", data: "/undo 3", message: msg("已记录 #3") }, 77)!;
    expect(c.msg).toMatchObject({ text: "/undo 3", messageId: "cb:q1", userId: "7", chatId: "-100", addressedToBot: true });
    expect(c.replyTo).toBe(5);
    expect(c.eventKeys).toEqual(["update:77", "cb:q1"]);
    expect(callbackToInbound({ id: "q2", from: alice, chat_instance: "i", data: "/undo 3", inline_message_id: "x" }, 78)).toBeNull();
  });

  it("writes names the way people write them", () => {
    expect(displayName({ id: 1, first_name: "张", last_name: "三" })).toBe("张三");
    expect(displayName({ id: 1, first_name: "Anna", last_name: "Li" })).toBe("Anna Li");
    expect(displayName({ id: 1, first_name: " ", username: "anna" })).toBe("@anna");
  });
});

describe("membership", () => {
  const m = (status: string, extra = {}) => ({ user: { id: 42, is_bot: true, first_name: "b" }, status, ...extra });
  const upd = (old: object, now: object, type = "group") =>
    ({ chat: { id: -1, type, title: "t" }, from: alice, date: 0, old_chat_member: old, new_chat_member: now }) as never;

  it("tells joins and removals from promotions", () => {
    expect(membershipChange(upd(m("left"), m("member")))).toBe("joined");
    expect(membershipChange(upd(m("kicked"), m("administrator")))).toBe("joined");
    expect(membershipChange(upd(m("member"), m("administrator")))).toBeNull();
    expect(membershipChange(upd(m("administrator"), m("left")))).toBe("left");
    expect(membershipChange(upd(m("member"), m("restricted", { is_member: false })))).toBe("left");
    expect(membershipChange(upd(m("kicked"), m("member"), "private"))).toBeNull();
  });

  it("property: two join reports less than two minutes apart share a greeting key; far apart they do not", () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 2_000_000_000 }), fc.integer({ min: 0, max: 119 }), (t, d) => {
        const a = joinKeys(-1, t);
        expect(joinKeys(-1, t + d).some((k) => a.includes(k))).toBe(true);
        expect(joinKeys(-1, t + 360).some((k) => a.includes(k))).toBe(false);
      }),
    );
  });
});

describe("menu", () => {
  it("lists every command in English and in Chinese within Telegram's rules", () => {
    const en = menuCommands(COMMANDS, "en");
    const zh = menuCommands(COMMANDS, "zh");
    expect(en.map((c) => c.command)).toEqual(COMMANDS.map((c) => c.name));
    expect(zh.map((c) => c.command)).toEqual(en.map((c) => c.command));
    for (const c of [...en, ...zh]) {
      expect(c.command).toMatch(/^[a-z0-9_]{1,32}$/);
      expect([...c.description].length).toBeGreaterThan(0);
      expect([...c.description].length).toBeLessThanOrEqual(256);
    }
    expect(zh.find((c) => c.command === "record")?.description).toMatch(/^记录：登记/);
  });
});

describe("errors for the outbox", () => {
  const ge = (error_code: number, description: string, parameters = {}) =>
    new GrammyError("x", { ok: false, error_code, description, parameters }, "sendMessage", {});

  it("429 → retry after; 5xx and network → retry; 400/403 → permanent", () => {
    expect(toSendError(ge(429, "Too Many Requests: retry after 5", { retry_after: 5 }))).toMatchObject({
      retryAfterSec: 5,
      permanent: false,
    });
    expect(toSendError(ge(502, "Bad Gateway"))).toMatchObject({ retryAfterSec: undefined, permanent: false });
    expect(toSendError(new HttpError("Network request for 'sendMessage' failed!", new Error("ECONNRESET")))).toMatchObject({
      permanent: false,
    });
    expect(toSendError(ge(403, "Forbidden: bot was kicked from the group chat"))).toMatchObject({ permanent: true });
    expect(toSendError(ge(400, "Bad Request: chat not found"))).toMatchObject({ permanent: true });
    expect(toSendError(ge(401, "Unauthorized"))).toMatchObject({ permanent: false });
    expect(toSendError(ge(400, "Bad Request: chat not found")).message).toContain("400 Bad Request: chat not found");
  });
});

describe("configuration", () => {
  const base = { core: {} as never, log: () => {}, token: "1:x" };

  it("refuses webhook mode without a well-formed secret", () => {
    expect(() => createTelegramAdapter({ ...base, mode: "webhook" })).toThrow(/TELEGRAM_WEBHOOK_SECRET/);
    expect(() => createTelegramAdapter({ ...base, mode: "webhook", webhookSecret: "has space" })).toThrow(/A-Z a-z 0-9/);
  });

  it("adds the webhook path to a bare URL", () => {
    expect(webhookUrlWithPath("https://bot.example.org")).toBe("https://bot.example.org/telegram/webhook");
    expect(webhookUrlWithPath("https://bot.example.org/tg/hook")).toBe("https://bot.example.org/tg/hook");
  });
});
