// Nothing acknowledged is lost: the compiled-from-source bot (test/fixtures/bot-process.ts, started
// like npm start) on both platforms' webhooks, bursts of record commands across many chats, and
// kill -9 at random points of the burst, twice. After each kill a new process starts on the same
// store, and the platforms redeliver as they do: Telegram every update that got no 2xx, Lark every
// event that got no 200 (its retry schedule, compressed). Every message must then be recorded
// exactly once and answered: on Lark exactly once (each send carries a uuid derived from its
// delivery, which Lark de-duplicates); on Telegram, which has no such key, a reply cut off between
// Telegram's answer and the event being closed is sent again after the takeover — the repeat says
// "这条消息已经记录过了", never a second record.
import { describe, it, expect, beforeAll, afterAll } from "vitest";
import { spawn, type ChildProcess } from "node:child_process";
import path from "node:path";
import { fileURLToPath } from "node:url";
import type { Chat, Update } from "grammy/types";
import fc from "fast-check";
import { TEST_STORE, dropDatabase, freshDatabaseUrl } from "./db.js";
import { tempDir } from "./harness.js";
import { FakeTelegram, group, messageUpdate, textMessage, user } from "./fixtures/telegram-fake.js";
import { LarkFake } from "./fixtures/lark-fake.js";
import { ENCRYPT_KEY, VERIFICATION_TOKEN, messageEvent, postEvent } from "./fixtures/lark-events.js";
import { openStore, type Store } from "../src/store/connect.js";

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..");
const SECRET = "crash_test-Secret_7";
const ADMIN_ID = 1001;
const CHATS_PER_PLATFORM = 4;
const MESSAGES_PER_CHAT = 8;
/** The seed of the kill points; a failure names it, and SEED=… repeats that run. */
const SEED = Number(process.env.SEED ?? 20261201);

interface Proc {
  child: ChildProcess;
  port: number;
  stderr: string[];
  exit: Promise<unknown>;
}

function startProcess(env: NodeJS.ProcessEnv): Promise<Proc> {
  const child = spawn(process.execPath, ["--import", "tsx", "test/fixtures/bot-process.ts"], {
    cwd: ROOT,
    env,
    stdio: ["ignore", "pipe", "pipe"],
  });
  const stderr: string[] = [];
  child.stderr!.setEncoding("utf8").on("data", (s: string) => {
    stderr.push(s);
    if (stderr.length > 500) stderr.shift();
  });
  const exit = new Promise((resolve) => child.once("exit", resolve));
  return new Promise((resolve, reject) => {
    let out = "";
    const timer = setTimeout(() => reject(new Error(`no READY within 45 s\n${stderr.join("").slice(-3000)}`)), 45_000);
    child.stdout!.setEncoding("utf8").on("data", (s: string) => {
      out += s;
      const m = /READY (\d+)/.exec(out);
      if (m) {
        clearTimeout(timer);
        resolve({ child, port: Number(m[1]), stderr, exit });
      }
    });
  });
}

async function waitFor<T>(check: () => T | Promise<T>, ms: number, what: () => string | Promise<string>): Promise<void> {
  const until = Date.now() + ms;
  for (;;) {
    if (await check()) return;
    if (Date.now() > until) throw new Error(`timed out after ${ms} ms waiting for ${await what()}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

/** One message of the burst, on either platform, with how to deliver it and how it went. */
interface Delivery {
  platform: "telegram" | "lark";
  chatId: string;
  messageId: string;
  send: (p: Proc) => Promise<number>;
  /** Statuses of every delivery so far (0: connection refused or reset by the kill). */
  statuses: number[];
}

describe("kill -9 in the middle of bursts on both platforms", () => {
  let telegram: FakeTelegram;
  let lark: LarkFake;
  let url = "";
  let store: Store;
  let proc: Proc | null = null;
  const killed: string[] = [];
  /** Every process's log (warnings and errors), to explain a failure. */
  const logs: string[][] = [];

  const env = (): NodeJS.ProcessEnv => {
    const e: NodeJS.ProcessEnv = {
      ...process.env,
      DATABASE_URL: url,
      TELEGRAM_BOT_TOKEN: telegram.token,
      TELEGRAM_API_ROOT: telegram.apiRoot,
      TELEGRAM_WEBHOOK_SECRET: SECRET,
      TELEGRAM_WEBHOOK_URL: "",
      LARK_APP_ID: lark.appId,
      LARK_APP_SECRET: lark.appSecret,
      LARK_DOMAIN: lark.url,
      LARK_ENCRYPT_KEY: ENCRYPT_KEY,
      LARK_VERIFICATION_TOKEN: VERIFICATION_TOKEN,
      PORT: "0",
      ADMINS: `telegram:${ADMIN_ID},lark:ou_admin`,
      // A dead process is noticed within two seconds (on PostgreSQL, where processes share the store).
      INBOX_HEARTBEAT_MS: "300",
      INBOX_DEAD_AFTER_MS: "2000",
      PG_POOL_MAX: "6",
      TZ: "Asia/Shanghai",
      LOG_LEVEL: "warn",
    };
    delete e.BOT_CONFIG;
    delete e.BOT_TEST_NOW;
    return e;
  };

  beforeAll(async () => {
    telegram = await FakeTelegram.start();
    lark = await new LarkFake().start();
    lark.users.set("ou_admin", "王书记");
    url = await freshDatabaseUrl(tempDir("crash-"));
    proc = await startProcess(env());
    logs.push(proc.stderr);
  }, 60_000);

  afterAll(async () => {
    if (proc && proc.child.exitCode === null) proc.child.kill("SIGKILL");
    await store?.close();
    await telegram?.close();
    await lark?.close();
    if (url) await dropDatabase(url);
  }, 60_000);

  it("records every message exactly once and answers it, across two kills and restarts", async () => {
    const admin = user(ADMIN_ID, "王", { last_name: "书记" });
    const tgChats: Chat.GroupChat[] = Array.from({ length: CHATS_PER_PLATFORM }, (_, i) => group(-9100 - i, `崩溃测试群${i}`));
    const larkChats = Array.from({ length: CHATS_PER_PLATFORM }, (_, i) => `oc_crash_${i}`);

    const postTelegram = async (p: Proc, u: Update) => {
      try {
        const res = await fetch(`http://127.0.0.1:${p.port}/telegram/webhook`, {
          method: "POST",
          headers: { "content-type": "application/json", "x-telegram-bot-api-secret-token": SECRET },
          body: JSON.stringify(u),
        });
        await res.arrayBuffer();
        return res.status;
      } catch {
        return 0;
      }
    };
    const postLark = async (p: Proc, ev: unknown) =>
      (await postEvent(`http://127.0.0.1:${p.port}/lark/events`, ev).catch(() => ({ status: 0 }))).status;

    // Bind every chat (before any kill).
    for (const [i, c] of tgChats.entries()) {
      expect(await postTelegram(proc!, messageUpdate(telegram, textMessage(telegram, c, admin, `/bind@LedgerBot 崩溃测试单位T${i}`)))).toBe(
        200,
      );
    }
    for (const [i, c] of larkChats.entries()) {
      lark.chatOfMessage.set(`om_bind_${i}`, c);
      expect(
        await postLark(proc!, messageEvent({ chatId: c, openId: "ou_admin", text: `/bind 崩溃测试单位L${i}`, messageId: `om_bind_${i}` })),
      ).toBe(200);
    }
    await waitFor(
      () =>
        tgChats.every((c) => telegram.texts(c.id).some((t) => t.includes("已将本群绑定到"))) &&
        larkChats.every((c) => lark.inChat(c).length > 0),
      20_000,
      () => "the bind replies",
    );

    // Two bursts, each cut by kill -9 at a random point; every message once per burst.
    const all: Delivery[] = [];
    const kills = fc.sample(fc.integer({ min: 20, max: 400 }), { seed: SEED, numRuns: 2 });
    for (const [round, killAfterMs] of kills.entries()) {
      const burst: Delivery[] = [];
      for (const [ci, c] of tgChats.entries()) {
        for (let i = 0; i < MESSAGES_PER_CHAT; i++) {
          const from = user(5000 + ci * 10 + i, `成员${ci}${i}`);
          const m = textMessage(telegram, c, from, `/record@LedgerBot study ${10 + i} people`);
          const u = messageUpdate(telegram, m);
          burst.push({
            platform: "telegram",
            chatId: String(c.id),
            messageId: String(m.message_id),
            send: (p) => postTelegram(p, u),
            statuses: [],
          });
        }
      }
      for (const [ci, c] of larkChats.entries()) {
        for (let i = 0; i < MESSAGES_PER_CHAT; i++) {
          const openId = `ou_crash_${round}_${ci}_${i}`;
          lark.users.set(openId, `成员L${ci}${i}`);
          const ev = messageEvent({ chatId: c, openId, text: `/记录 学习 ${10 + i}人` });
          const messageId = ev.event.message.message_id;
          lark.chatOfMessage.set(messageId, c);
          burst.push({ platform: "lark", chatId: c, messageId, send: (p) => postLark(p, ev), statuses: [] });
        }
      }
      const victim = proc!;
      const sent = burst.map(async (d) => d.statuses.push(await d.send(victim)));
      await new Promise((r) => setTimeout(r, killAfterMs));
      victim.child.kill("SIGKILL");
      await Promise.all(sent);
      await victim.exit;
      killed.push(
        `round ${round + 1}: kill -9 after ${killAfterMs} ms, ${burst.filter((d) => d.statuses[0] === 200).length} of ${burst.length} answered 200`,
      );
      all.push(...burst);

      // The restart; then the platforms deliver again whatever was not answered.
      proc = await startProcess(env());
      logs.push(proc.stderr);
      for (const d of all) {
        while (d.statuses.at(-1) !== 200) {
          d.statuses.push(await d.send(proc));
          if (d.statuses.length > 20) throw new Error(`${d.platform} ${d.messageId} never answered: ${d.statuses.join(",")}`);
        }
      }
    }
    console.info(`[crash] seed ${SEED}: ${killed.join("; ")}`);

    store = await openStore(url);
    const recorded = async () => {
      const rows = await store.sql.all<{ k: string; n: number | bigint }>(
        `SELECT "sourcePlatform" || ':' || "sourceChat" || ':' || "sourceMessageId" AS "k", COUNT(*) AS "n" FROM "Record" GROUP BY 1`,
      );
      return new Map(rows.map((r) => [r.k, Number(r.n)]));
    };
    const answersOf = (d: Delivery) =>
      d.platform === "telegram"
        ? telegram
            .sent("sendMessage", Number(d.chatId))
            .filter((c) => c.payload.reply_parameters?.message_id === Number(d.messageId))
            .map((c) => String(c.payload.text))
        : lark.repliesTo(d.messageId).map((m) => String(m.content.text ?? JSON.stringify(m.content)));
    // npm start runs the scheduler (and with it the outbox, where a reply that could not go out at
    // once waits) every minute; here its tick is run every two seconds while the test waits.
    let lastTick = 0;
    const tickOutbox = async () => {
      if (Date.now() - lastTick < 2000) return;
      lastTick = Date.now();
      await fetch(`http://127.0.0.1:${proc!.port}/test/tick`, { method: "POST" })
        .then((r) => r.arrayBuffer())
        .catch(() => undefined);
    };
    await waitFor(
      async () => {
        const got = await recorded();
        const ok = all.every((d) => got.get(`${d.platform}:${d.chatId}:${d.messageId}`) === 1 && answersOf(d).length > 0);
        if (!ok) await tickOutbox();
        return ok;
      },
      90_000,
      async () => {
        const got = await recorded();
        const missing = all.filter((d) => !got.get(`${d.platform}:${d.chatId}:${d.messageId}`));
        const unanswered = all.filter((d) => answersOf(d).length === 0);
        // What each unanswered message went through, and what every process logged about it.
        const detail = unanswered.map((d) => {
          const mentions = logs.map(
            (l, i) =>
              `  process ${i + 1}: ${
                l
                  .join("")
                  .split("\n")
                  .filter((line) => line.includes(d.messageId))
                  .join("\n    ") || "-"
              }`,
          );
          return `${d.platform} chat ${d.chatId} message ${d.messageId}: deliveries ${d.statuses.join(",")}\n${mentions.join("\n")}`;
        });
        const tails = logs.map((l, i) => `process ${i + 1} log tail:\n${l.join("").slice(-2500)}`);
        return `every message recorded and answered (${missing.length} not recorded, ${unanswered.length} unanswered; ${killed.join("; ")}; seed ${SEED})\n${detail.join("\n")}\n${tails.join("\n")}`;
      },
    );

    const got = await recorded();
    expect(
      [...got.values()].every((n) => n === 1),
      "no message recorded twice",
    ).toBe(true);
    expect(got.size).toBe(all.length);
    const repeats: string[] = [];
    for (const d of all) {
      const answers = answersOf(d);
      if (d.platform === "lark") expect(answers, `lark ${d.messageId}`).toHaveLength(1);
      else if (answers.length > 1) {
        repeats.push(d.messageId);
        // A repeat is the takeover naming the record already made, never a second record.
        expect(
          answers.slice(1).every((t) => t.startsWith("这条消息已经记录过了")),
          `telegram ${d.messageId}: ${answers.join(" | ")}`,
        ).toBe(true);
      }
      // (Lark shows a record's confirmation on a card: its JSON holds the same text.)
      expect(answers[0], `${d.platform} ${d.messageId}`).toMatch(
        d.platform === "telegram" ? /^(已记录 #\d+|这条消息已经记录过了)/ : /(已记录 #\d+|这条消息已经记录过了)/,
      );
    }
    console.info(
      `[crash] ${all.length} messages on ${TEST_STORE}: each recorded once; Telegram replies repeated after a takeover: ${repeats.length}`,
    );
  }, 240_000);
});
