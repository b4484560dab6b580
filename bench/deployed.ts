// The deployed bot, measured as it runs: the compiled bot (npm start's node flags) in its own
// process on the benchmark's ledger, its Telegram adapter pointed at a fake Bot API on 127.0.0.1,
// its scheduler on its own timer. Commands arrive as webhook POSTs at a fixed offered rate; the
// latency of each is from its scheduled send to the moment its reply reaches the fake (webhook →
// grammY → core → store → sendMessage), so a pass, a checkpoint or a queue anywhere shows in it.
// The bot's clock is moved to a reminder morning with faketime. The full run starts it ten seconds
// before the reminders' send time and warms it with the same load for those seconds, unmeasured:
// its first pass (at start) finds nothing due, and the scheduler's next tick, a minute later,
// claims a quarter's reminders in the middle of the measured minute, as on any working morning.
// The quick run cannot wait a minute: it starts the bot at the send time, so its first pass claims
// them at once, while the freshly started process still compiles its code (a restart at 09:00).
//
// For a closer look (none is needed for the figures): BENCH_DEPLOYED_RATE=N offers N commands a
// second instead of 200; BENCH_BOT_LOG=file keeps the bot's log and prints the latency second by
// second; BENCH_PROF_DIR=dir writes the bot's CPU profiles there; BENCH_BOT_FLAGS="--trace-gc"
// adds node flags; BENCH_NO_FAKETIME=1 runs the bot on today's date.
import http from "node:http";
import fs from "node:fs";
import path from "node:path";
import { spawn, spawnSync } from "node:child_process";
import { performance } from "node:perf_hooks";
import type { Generated } from "./generate.js";
import { startTelegramFake } from "./fake-platform.js";

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
/** Telegram's shortest gap between two messages to one group (TELEGRAM_LIMITS.chatGapMs). */
const GROUP_GAP_MS = 1000;
const chatOf = (unitId: number) => `-100${1_000_000_000 + unitId}`;
const userOf = (unitId: number) => 2_000_000_000 + unitId;

/** The generated chats and members become Telegram's (ids as Telegram gives them). */
async function asTelegram(raw: DeployedOptions["raw"]) {
  await raw.run(`UPDATE "Chat" SET "platform" = 'telegram', "externalId" = '-100' || CAST(1000000000 + "unitId" AS TEXT)`, []);
  await raw.run(
    `UPDATE "Member" SET "platform" = 'telegram', "externalId" = CAST(2000000000 + "unitId" AS TEXT) WHERE "externalId" = 'u' || CAST("unitId" AS TEXT)`,
    [],
  );
  // What the benchmark's own phases queued is not this bot's to send.
  await raw.run(`UPDATE "Outbox" SET "status" = 'superseded' WHERE "status" = 'pending'`, []);
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
  const { say, record, fmt, pct } = o;
  const warmup = o.quick ? 0 : WARMUP_SECONDS;
  const startAt = o.quick ? STARTS.cold : STARTS.warm;
  say("\n[8] the deployed bot: Telegram webhook → grammY → core → store → reply to the fake Bot API, scheduler running");
  if (spawnSync("faketime", ["-f", "+0", "true"]).status !== 0) {
    say("  skipped: needs faketime (apt-get install faketime) to run the bot on a reminder morning");
    return;
  }
  await asTelegram(o.raw);
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
  const fake = await startTelegramFake(TOKEN, (chat, text) => {
    const now = performance.now();
    const previous = lastSent.get(chat);
    lastSent.set(chat, now);
    if (!text.startsWith("已记录")) {
      reminders++;
      return;
    }
    const due = waiting.get(chat)?.shift();
    if (due === undefined || due < tMeasured) return;
    latencies.push(now - due);
    if (previous === undefined || now - previous > GROUP_GAP_MS + 100) unheld.push(now - due);
    bySecond.push([Math.floor((due - tMeasured) / 1000), now - due]);
  });

  const port = 18000 + (process.pid % 1000);
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
        ...process.env,
        TZ: "Asia/Shanghai",
        // Timers run on the real monotonic clock; only the date is moved.
        FAKETIME_DONT_FAKE_MONOTONIC: "1",
        DATABASE_URL: o.url,
        PORT: String(port),
        LOG_LEVEL: "info",
        ADMINS: "",
        PUBLIC_URL: "",
        TELEGRAM_BOT_TOKEN: TOKEN,
        TELEGRAM_API_ROOT: fake.apiRoot,
        TELEGRAM_MODE: "webhook",
        TELEGRAM_WEBHOOK_SECRET: SECRET,
        TELEGRAM_WEBHOOK_URL: `http://127.0.0.1:${port}`,
        // A bot with paid broadcasts: at Telegram's default 30 a second, replies to 200 commands a
        // second would queue behind their budget, and the figure would measure the budget.
        TELEGRAM_MESSAGES_PER_SECOND: "1000",
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
      const id = ++updateId;
      const chat = chatOf(unitId);
      const body = JSON.stringify({
        update_id: id,
        message: {
          message_id: id,
          date: Math.floor(startSeconds + (due - t0) / 1000),
          chat: { id: Number(chat), type: "supergroup", title: titles.get(unitId) },
          from: { id: userOf(unitId), is_bot: false, first_name: `成员${unitId}` },
          text: "/记录 学习 中心组学习 12人 主题：理论学习",
        },
      });
      let list = waiting.get(chat);
      if (!list) waiting.set(chat, (list = []));
      list.push(due);
      const req = http.request(
        {
          host: "127.0.0.1",
          port,
          path: "/telegram/webhook",
          method: "POST",
          agent,
          headers: { "content-type": "application/json", "x-telegram-bot-api-secret-token": SECRET },
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
      req.end(body);
    });

  const rate = Number(process.env.BENCH_DEPLOYED_RATE || 200);
  // Over a minute, so that the scheduler's second tick (60 s after its first, at start) lands
  // inside the measured load; the quick run sees the first pass only.
  const seconds = o.quick ? 10 : 75;
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
    `  replies not held by the group's one-a-second limit (${unheld.length}): p50 ${fmt(pct(unheld, 50))} ms, p99 ${fmt(pct(unheld, 99))} ms, max ${fmt(Math.max(...unheld))} ms; ${latencies.length - unheld.length} replies waited for their group's turn`,
  );
  say(
    `  passes while the load ran: ${inLoad.map((p) => `${p.ms} ms (${p.planned} due, ${p.enqueued} claimed)`).join(", ") || "none"}; all passes: ${passes.map((p) => `${p.ms} ms`).join(", ")}; ${reminders} reminders delivered meanwhile`,
  );
  say(
    `  the bot's CPU ${fmt(cpu / total)} ms per command (all threads: grammY, core, store, pass, HTTP; its main thread ${fmt(mainCpu / total)} ms; the benchmark's own sending and fake ${fmt((benchCpu.user + benchCpu.system) / 1000 / total)} ms); peak RSS ${fmt(peak)} MB; warnings logged: ${failures.length}${failures.length ? ` (first: ${failures[0]})` : ""}`,
  );
  record(
    "deployed.reply_p99_at_200",
    pct(latencies, 99),
    "ms",
    `through the Telegram webhook with the scheduler running, ${warmup ? "the reminders' pass in the measured minute" : "the reminders' pass at the bot's start"}; target ≤ 10 ms (SQLite)`,
  );
  record("deployed.reply_p50_at_200", pct(latencies, 50), "ms");
  record(
    "deployed.reply_p99_not_held_at_200",
    pct(unheld, 99),
    "ms",
    `${latencies.length - unheld.length} replies held by their group's limit left out`,
  );
  record("deployed.cpu_per_command", cpu / total, "ms", "the bot process, all threads");
  record("deployed.rss_peak", peak, "MB", "the bot process under the load; target ≤ 200 MB");
  record("deployed.replies_missing", lost + failed, "commands", "target 0");
}
