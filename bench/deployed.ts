// The deployed bot, measured as it runs: the compiled bot (npm start's node flags) in its own
// process on the benchmark's ledger, its platform adapter pointed at a fake of the platform on
// 127.0.0.1, its scheduler on its own timer; once through Telegram (grammY, 200 commands a second)
// and once through Feishu / Lark (the Lark SDK, signed and encrypted events, 30 a second: the app's
// send budget is 50). Commands arrive as webhook POSTs at a fixed offered rate; the latency of
// each is from its scheduled send to the moment its reply reaches the fake (webhook → SDK → core →
// store → reply), so a pass, a checkpoint or a queue anywhere shows in it.
// The bot's clock is moved to a reminder morning with faketime. The full run starts it ten seconds
// before the reminders' send time and warms it with the same load for those seconds, unmeasured:
// its first pass (at start) finds nothing due, and the scheduler's next tick, a minute later,
// claims a quarter's reminders in the middle of the measured minute, as on any working morning.
// The quick run cannot wait a minute: it starts the bot at the send time, so its first pass claims
// them at once, while the freshly started process still compiles its code (a restart at 09:00).
//
// For a closer look (none is needed for the figures): BENCH_DEPLOYED_RATE=N offers N commands a
// second through Telegram instead of 200; BENCH_DEPLOYED_ONLY=telegram|lark runs one of the two; BENCH_BOT_LOG=file keeps the bot's log and prints the latency second by
// second; BENCH_PROF_DIR=dir writes the bot's CPU profiles there; BENCH_BOT_FLAGS="--trace-gc"
// adds node flags; BENCH_NO_FAKETIME=1 runs the bot on today's date.
import http from "node:http";
import fs from "node:fs";
import path from "node:path";
import { spawn, spawnSync } from "node:child_process";
import { performance } from "node:perf_hooks";
import type { Generated } from "./generate.js";
import { startTelegramFake } from "./fake-platform.js";
import { LarkFake } from "../test/fixtures/lark-fake.js";
import { encrypt, signature, messageEvent, ENCRYPT_KEY, VERIFICATION_TOKEN } from "../test/fixtures/lark-events.js";

export interface DeployedOptions {
  url: string;
  /** The benchmark's bare driver on the same store (bench.ts, openRaw). */
  raw: { query(sql: string, params: unknown[]): Promise<unknown[]>; run(sql: string, params: unknown[]): Promise<void> };
  gen: Generated;
  quick: boolean;
  startFlags: string[];
  say(line: string): void;
  record(name: string, value: number, unit: string, note?: string): void;
  fmt(v: number): string;
  pct(xs: number[], p: number): number;
}

/**
 * A Thursday seven days before the quarter's end, when every behind unit has a reminder due at the
 * send time (the default 09:00): the full run starts the bot ten seconds before it, the quick one at it.
 */
const STARTS = { warm: "2026-12-24 08:59:50", cold: "2026-12-24 09:00:00" };
/** The full run's unmeasured seconds at the start: the bot's code compiled, its caches filled. */
const WARMUP_SECONDS = 10;
const TOKEN = "123456:BENCH-token";
const SECRET = "bench_webhook_secret";
const TEXT = "/记录 学习 中心组学习 12人 主题：理论学习";
/** A generated unit's member, under each id the runs give it (generated, Telegram's, Lark's). */
const MEMBER_IDS = `'u' || CAST("unitId" AS TEXT), CAST(2000000000 + "unitId" AS TEXT), 'ou_bench_' || CAST("unitId" AS TEXT)`;

/** One platform's side of the run: its ids, its fake, its adapter's settings and its webhook's requests. */
interface PlatformRun {
  /** In the figures' names: deployed.… (Telegram) or deployed.lark.… */
  prefix: string;
  title: string;
  rate: number;
  seconds: number;
  warmup: number;
  /** The platform's shortest gap between two messages to one group (its limits' chatGapMs). */
  groupGapMs: number;
  chatOf(unitId: number): string;
  /** The generated chats and members become the platform's (ids as it gives them). */
  prepare(raw: DeployedOptions["raw"]): Promise<void>;
  /** Starts the fake, which tells `onSend` of every message the bot sends; the bot's settings for it. */
  fake(onSend: (chat: string, text: string) => void, botUrl: string): Promise<{ env: Record<string, string>; close(): Promise<void> }>;
  /** The webhook request of one command, sent at `sentSeconds` (the bot's clock). */
  request(
    unitId: number,
    seq: number,
    sentSeconds: number,
    title: string | undefined,
  ): { path: string; headers: Record<string, string>; body: string };
}

function telegram(quick: boolean): PlatformRun {
  const userOf = (unitId: number) => 2_000_000_000 + unitId;
  const chatOf = (unitId: number) => `-100${1_000_000_000 + unitId}`;
  return {
    prefix: "deployed",
    title: "Telegram webhook → grammY → core → store → reply to the fake Bot API",
    rate: Number(process.env.BENCH_DEPLOYED_RATE || 200),
    // Over a minute, so that the scheduler's second tick (60 s after its first, at start) lands
    // inside the measured load; the quick run sees the first pass only.
    seconds: quick ? 10 : 75,
    warmup: quick ? 0 : WARMUP_SECONDS,
    groupGapMs: 1000,
    chatOf,
    async prepare(raw) {
      await raw.run(`UPDATE "Chat" SET "platform" = 'telegram', "externalId" = '-100' || CAST(1000000000 + "unitId" AS TEXT)`, []);
      await raw.run(
        `UPDATE "Member" SET "platform" = 'telegram', "externalId" = CAST(2000000000 + "unitId" AS TEXT) WHERE "externalId" IN (${MEMBER_IDS})`,
        [],
      );
    },
    async fake(onSend, botUrl) {
      const fake = await startTelegramFake(TOKEN, onSend);
      return {
        close: () => fake.close(),
        env: {
          TELEGRAM_BOT_TOKEN: TOKEN,
          TELEGRAM_API_ROOT: fake.apiRoot,
          TELEGRAM_MODE: "webhook",
          TELEGRAM_WEBHOOK_SECRET: SECRET,
          TELEGRAM_WEBHOOK_URL: botUrl,
          // A bot with paid broadcasts: at Telegram's default 30 a second, replies to 200 commands a
          // second would queue behind their budget, and the figure would measure the budget.
          TELEGRAM_MESSAGES_PER_SECOND: "1000",
        },
      };
    },
    request(unitId, seq, sentSeconds, title) {
      return {
        path: "/telegram/webhook",
        headers: { "content-type": "application/json", "x-telegram-bot-api-secret-token": SECRET },
        body: JSON.stringify({
          update_id: seq,
          message: {
            message_id: seq,
            date: Math.floor(sentSeconds),
            chat: { id: Number(chatOf(unitId)), type: "supergroup", title },
            from: { id: userOf(unitId), is_bot: false, first_name: `成员${unitId}` },
            text: TEXT,
          },
        }),
      };
    },
  };
}

function feishu(quick: boolean): PlatformRun {
  const chatOf = (unitId: number) => `oc_bench_${unitId}`;
  let fake: LarkFake | null = null;
  return {
    prefix: "deployed.lark",
    title: "Feishu / Lark events (signed, encrypted) → Lark SDK → core → store → reply to the fake open platform",
    // Below the app's 50 messages a second (LARK_LIMITS), which the replies share with the
    // reminders of the morning.
    rate: 30,
    seconds: quick ? 5 : 30,
    warmup: quick ? 0 : 5,
    groupGapMs: 200,
    chatOf,
    async prepare(raw) {
      await raw.run(`UPDATE "Chat" SET "platform" = 'lark', "externalId" = 'oc_bench_' || CAST("unitId" AS TEXT)`, []);
      await raw.run(
        `UPDATE "Member" SET "platform" = 'lark', "externalId" = 'ou_bench_' || CAST("unitId" AS TEXT) WHERE "externalId" IN (${MEMBER_IDS})`,
        [],
      );
    },
    async fake(onSend) {
      fake = await new LarkFake().start();
      const f = fake;
      f.onMessage = (m) => onSend(m.chatId, m.msgType === "text" ? String(m.content?.text ?? "") : JSON.stringify(m.content));
      return {
        close: () => f.close(),
        env: {
          LARK_APP_ID: f.appId,
          LARK_APP_SECRET: f.appSecret,
          LARK_DOMAIN: f.url,
          LARK_MODE: "webhook",
          LARK_ENCRYPT_KEY: ENCRYPT_KEY,
          LARK_VERIFICATION_TOKEN: VERIFICATION_TOKEN,
        },
      };
    },
    request(unitId, seq) {
      const messageId = `om_bench_${seq}`;
      // The reply API names the message answered; the fake knows its chat as Lark would.
      fake!.chatOfMessage.set(messageId, chatOf(unitId));
      // The contact API answers the sender's name, as for a member the app may see.
      fake!.users.set(`ou_bench_${unitId}`, `成员${unitId}`);
      const body = JSON.stringify(
        encrypt(messageEvent({ chatId: chatOf(unitId), openId: `ou_bench_${unitId}`, text: TEXT, messageId, eventId: `ev_bench_${seq}` })),
      );
      const timestamp = String(Math.floor(Date.now() / 1000));
      const nonce = `n${seq}`;
      return {
        path: "/lark/events",
        headers: {
          "content-type": "application/json",
          "x-lark-request-timestamp": timestamp,
          "x-lark-request-nonce": nonce,
          "x-lark-signature": signature(timestamp, nonce, ENCRYPT_KEY, body),
        },
        body,
      };
    },
  };
}

/** The groups' titles as the store has them: a renamed group is a write the load should not add. */
async function chatTitles(raw: DeployedOptions["raw"]): Promise<Map<number, string>> {
  const rows = (await raw.query(`SELECT "unitId", "title" FROM "Chat" WHERE "unitId" IS NOT NULL`, [])) as {
    unitId: number;
    title: string;
  }[];
  return new Map(rows.map((r) => [Number(r.unitId), r.title]));
}

/** utime + stime of a process (all its threads), in ms. */
function cpuMs(pid: number, thread?: number): number {
  const fields = fs
    .readFileSync(thread ? `/proc/${pid}/task/${thread}/stat` : `/proc/${pid}/stat`, "utf8")
    .split(") ")[1]
    .split(" ");
  return ((Number(fields[11]) + Number(fields[12])) * 1000) / 100;
}
/** The process faketime started (itself, if it ran the command in place). */
function botPid(wrapper: number): number {
  const children = fs.readFileSync(`/proc/${wrapper}/task/${wrapper}/children`, "utf8").trim().split(/\s+/).filter(Boolean);
  return children.length ? Number(children[0]) : wrapper;
}
const hwmMb = (pid: number) => Number(fs.readFileSync(`/proc/${pid}/status`, "utf8").match(/VmHWM:\s+(\d+) kB/)?.[1]) / 1024;

export async function deployedPath(o: DeployedOptions): Promise<void> {
  const only = process.env.BENCH_DEPLOYED_ONLY;
  for (const run of [telegram(o.quick), feishu(o.quick)]) {
    if (only && (only === "lark") !== (run.prefix === "deployed.lark")) continue;
    await deployedRun(o, run);
  }
}

async function deployedRun(o: DeployedOptions, run: PlatformRun): Promise<void> {
  const { say, record, fmt, pct } = o;
  const { rate, seconds, warmup } = run;
  const startAt = warmup ? STARTS.warm : STARTS.cold;
  say(`\n[8] the deployed bot: ${run.title}, scheduler running`);
  if (spawnSync("faketime", ["-f", "+0", "true"]).status !== 0) {
    say("  skipped: needs faketime (apt-get install faketime) to run the bot on a reminder morning");
    return;
  }
  await run.prepare(o.raw);
  // What the benchmark's own phases, or the run before, queued is not this bot's to send.
  await o.raw.run(`UPDATE "Outbox" SET "status" = 'superseded' WHERE "status" = 'pending'`, []);
  const leaves = o.gen.leafUnits.map((u) => u.id);
  // The groups' titles as the store has them: a renamed group is a write the load should not add.
  const titles = await chatTitles(o.raw);

  // Replies by chat: each command's scheduled time waits in its chat's queue for its reply.
  const waiting = new Map<string, number[]>();
  const latencies: number[] = [];
  const bySecond: [number, number][] = [];
  let reminders = 0;
  // Telegram allows one message a second to a group: a reply to a group that has just had a
  // reminder waits for its turn, by design. Such replies are counted apart, so that the bot's own
  // latency is not hidden behind the platform's limit.
  const lastSent = new Map<string, number>();
  const unheld: number[] = [];
  const port = 18000 + (process.pid % 1000);
  const fake = await run.fake((chat, text) => {
    const now = performance.now();
    const previous = lastSent.get(chat);
    lastSent.set(chat, now);
    if (!text.includes("已记录")) {
      reminders++;
      return;
    }
    const due = waiting.get(chat)?.shift();
    if (due === undefined || due < tMeasured) return;
    latencies.push(now - due);
    if (previous === undefined || now - previous > run.groupGapMs + 100) unheld.push(now - due);
    bySecond.push([Math.floor((due - tMeasured) / 1000), now - due]);
  }, `http://127.0.0.1:${port}`);

  const noFake = Boolean(process.env.BENCH_NO_FAKETIME);
  const child = spawn(
    noFake ? process.execPath : "faketime",
    [
      ...(noFake ? [] : ["-f", `@${startAt}`, process.execPath]),
      ...o.startFlags,
      ...(process.env.BENCH_PROF_DIR ? ["--cpu-prof", `--cpu-prof-dir=${process.env.BENCH_PROF_DIR}`] : []),
      ...(process.env.BENCH_BOT_FLAGS ? process.env.BENCH_BOT_FLAGS.split(" ") : []),
      path.resolve("dist/src/main.js"),
    ],
    {
      env: {
        // The platforms of the environment are not this run's: only its own fake's settings.
        ...Object.fromEntries(Object.entries(process.env).filter(([k]) => !/^(TELEGRAM|LARK)_/.test(k))),
        ...fake.env,
        TZ: "Asia/Shanghai",
        // Timers run on the real monotonic clock; only the date is moved.
        FAKETIME_DONT_FAKE_MONOTONIC: "1",
        DATABASE_URL: o.url,
        PORT: String(port),
        LOG_LEVEL: "info",
        ADMINS: "",
        PUBLIC_URL: "",
      },
      stdio: ["ignore", process.env.BENCH_BOT_LOG ? fs.openSync(process.env.BENCH_BOT_LOG, "a") : "ignore", "pipe"],
    },
  );
  const passes: { at: number; ms: number; planned: number; enqueued: number }[] = [];
  const failures: string[] = [];
  let started!: () => void;
  const ready = new Promise<void>((r) => (started = r));
  let buffered = "";
  child.stderr!.on("data", (d: Buffer) => {
    buffered += d.toString("utf8");
    if (process.env.BENCH_BOT_LOG) fs.appendFileSync(process.env.BENCH_BOT_LOG, d);
    const lines = buffered.split("\n");
    buffered = lines.pop()!;
    for (const line of lines) {
      if (line.includes('"event":"started"')) started();
      const pass = line.match(/"event":"scheduler\.pass","ms":(\d+),"planned":(\d+),"enqueued":(\d+)/);
      if (pass) passes.push({ at: performance.now(), ms: Number(pass[1]), planned: Number(pass[2]), enqueued: Number(pass[3]) });
      if (/"level":(40|50)/.test(line)) failures.push(line.slice(0, 300));
    }
  });
  const exited = new Promise<number | null>((r) => child.on("exit", (code) => r(code)));
  const pid = await new Promise<number>((resolve, reject) => {
    void exited.then((code) => reject(new Error(`the bot exited (${code}) before it was ready: ${failures.join("\n")}`)));
    // faketime runs the bot as its child: the bot is the process it started.
    void ready.then(() => resolve(botPid(child.pid!)));
  });

  // A benchmark that fails half-way must not leave the bot running (and eating the next run's CPU).
  const killBot = () => {
    try {
      process.kill(pid, "SIGKILL");
    } catch {
      // already gone
    }
  };
  process.once("exit", killBot);
  const agent = new http.Agent({ keepAlive: true, maxSockets: 64 });
  const webhookMs: number[] = [];
  let updateId = 1_000_000;
  /** When the load starts, and when its measured part does, on the benchmark's monotonic timer. */
  let t0 = 0;
  let tMeasured = Number.POSITIVE_INFINITY;
  let failed = 0;
  const [y, mo, d, hh, mm, ss] = startAt.split(/[- :]/).map(Number);
  const startSeconds = Date.UTC(y, mo - 1, d, hh - 8, mm, ss) / 1000;
  const post = (unitId: number, due: number) =>
    new Promise<void>((resolve) => {
      const chat = run.chatOf(unitId);
      const request = run.request(unitId, ++updateId, startSeconds + (due - t0) / 1000, titles.get(unitId));
      let list = waiting.get(chat);
      if (!list) waiting.set(chat, (list = []));
      list.push(due);
      const req = http.request(
        {
          host: "127.0.0.1",
          port,
          path: request.path,
          method: "POST",
          agent,
          headers: request.headers,
        },
        (res) => {
          res.resume();
          res.on("end", () => {
            if (due < tMeasured) return resolve();
            if (res.statusCode !== 200) failed++;
            webhookMs.push(performance.now() - due);
            resolve();
          });
        },
      );
      req.on("error", () => {
        if (due >= tMeasured) failed++;
        resolve();
      });
      req.end(request.body);
    });

  const total = rate * seconds;
  const offered = rate * (warmup + seconds);
  let cpuBefore = 0;
  let mainBefore = 0;
  let benchBefore = process.cpuUsage();
  t0 = performance.now() + 20;
  tMeasured = t0 + warmup * 1000;
  setTimeout(() => {
    cpuBefore = cpuMs(pid);
    mainBefore = cpuMs(pid, pid);
    benchBefore = process.cpuUsage();
  }, tMeasured - performance.now());
  const sends: Promise<void>[] = [];
  await new Promise<void>((resolve) => {
    let i = 0;
    const next = () => {
      const now = performance.now();
      while (i < offered && t0 + (i * 1000) / rate <= now) {
        sends.push(post(leaves[i % leaves.length], t0 + (i * 1000) / rate));
        i++;
      }
      if (i >= offered) return resolve();
      setTimeout(next, Math.max(0, t0 + (i * 1000) / rate - performance.now()));
    };
    setTimeout(next, 20);
  });
  await Promise.all(sends);
  const until = performance.now() + 15_000;
  while (latencies.length < total - failed && performance.now() < until) await new Promise((r) => setTimeout(r, 50));
  const loadEnd = performance.now();
  const cpu = cpuMs(pid) - cpuBefore;
  const mainCpu = cpuMs(pid, pid) - mainBefore;
  const benchCpu = process.cpuUsage(benchBefore);
  const peak = hwmMb(pid);
  // The bot itself: faketime does not pass signals on.
  process.kill(pid, "SIGTERM");
  const code = await Promise.race([
    exited,
    new Promise<"hung">((r) => setTimeout(r, process.env.BENCH_PROF_DIR ? 120_000 : 20_000, "hung")),
  ]);
  if (code === "hung") process.kill(pid, "SIGKILL");
  agent.destroy();
  await fake.close();

  if (process.env.BENCH_BOT_LOG)
    for (let sec = 0; sec < 80; sec++) {
      const xs = bySecond.filter(([x]) => x === sec).map(([, l]) => l);
      if (xs.length) say(`    second ${sec}: n ${xs.length} p50 ${fmt(pct(xs, 50))} max ${fmt(Math.max(...xs))}`);
    }
  const inLoad = passes.filter((p) => p.at >= tMeasured && p.at - p.ms <= loadEnd);
  const lost = total - latencies.length;
  say(
    `  ${total} commands at ${rate}/s for ${seconds} s to ${leaves.length} groups (${warmup ? `after ${warmup} s of the same load unmeasured, the bot started at ${startAt}` : `from the bot's start at ${startAt}, its code still cold`}): reply p50 ${fmt(pct(latencies, 50))} ms, p99 ${fmt(pct(latencies, 99))} ms, max ${fmt(Math.max(...latencies))} ms; webhook answered p99 ${fmt(pct(webhookMs, 99))} ms; ${lost} without a reply, ${failed} not answered 200`,
  );
  say(
    `  replies not held by the group's own limit (${unheld.length}): p50 ${fmt(pct(unheld, 50))} ms, p99 ${fmt(pct(unheld, 99))} ms, max ${fmt(Math.max(...unheld))} ms; ${latencies.length - unheld.length} replies waited for their group's turn`,
  );
  say(
    `  passes while the load ran: ${inLoad.map((p) => `${p.ms} ms (${p.planned} due, ${p.enqueued} claimed)`).join(", ") || "none"}; all passes: ${passes.map((p) => `${p.ms} ms`).join(", ")}; ${reminders} reminders delivered meanwhile`,
  );
  say(
    `  the bot's CPU ${fmt(cpu / total)} ms per command (all threads: the platform SDK, core, store, pass, HTTP, the reminders delivered; its main thread ${fmt(mainCpu / total)} ms; the benchmark's own sending and fake ${fmt((benchCpu.user + benchCpu.system) / 1000 / total)} ms); peak RSS ${fmt(peak)} MB; warnings logged: ${failures.length}${failures.length ? ` (first: ${failures[0]})` : ""}`,
  );
  const passNote = inLoad.some((p) => p.enqueued)
    ? "the reminders' pass in the measured load"
    : warmup
      ? "the reminders claimed before the measured load, delivered during it"
      : "the reminders' pass at the bot's start";
  record(
    `${run.prefix}.reply_p99_at_${rate}`,
    pct(latencies, 99),
    "ms",
    `through the webhook with the scheduler running, ${passNote}${run.prefix === "deployed" ? "; target ≤ 10 ms (SQLite)" : ""}`,
  );
  record(`${run.prefix}.reply_p50_at_${rate}`, pct(latencies, 50), "ms");
  record(
    `${run.prefix}.reply_p99_not_held_at_${rate}`,
    pct(unheld, 99),
    "ms",
    `${latencies.length - unheld.length} replies held by their group's limit left out`,
  );
  record(`${run.prefix}.cpu_per_command`, cpu / total, "ms", "the bot process, all threads");
  record(`${run.prefix}.rss_peak`, peak, "MB", "the bot process under the load; target ≤ 200 MB");
  record(`${run.prefix}.replies_missing`, lost + failed, "commands", "target 0");
}
