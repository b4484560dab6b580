// npm run bench [-- --quick] [--store sqlite|postgres] [--units N] [--records N]
// npm run bench -- --growth [--quick] [--store …]: the growth table (a ledger per size; about 30 min)
// Measures what the bot costs against the physical limit of its store, in one run: every figure
// is printed beside raw SQL measured on the same machine in the same run, with min and median of
// several repetitions. The last lines are one figure each, "name: value unit (ratio …)", stable
// across runs so that they can be compared.
import "../src/env.js";
import { parseArgs } from "node:util";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { spawn } from "node:child_process";
import { createHash } from "node:crypto";
import zlib from "node:zlib";
import { performance } from "node:perf_hooks";
import Database from "better-sqlite3";
import pg from "pg";
import { createApp, type App } from "../src/app.js";
import { loadDeployment } from "../src/config/deployment.js";
import { loadDraftInput } from "../src/report/load.js";
import { composeDraft } from "../src/report/draft.js";
import { parsePeriod, previousPeriod, type Period } from "../src/domain/periods.js";
import { runPass } from "../src/scheduler/scheduler.js";
import { WorkCalendar } from "../src/scheduler/calendar.js";
import { Outbox } from "../src/outbox/outbox.js";
import { TELEGRAM_LIMITS } from "../src/telegram/sender.js";
import { addDays, chinaDay, systemClock } from "../src/time.js";
import { takeEvidence, attachEvidence } from "../src/core/evidence.js";
import type { InboundMessage } from "../src/core/types.js";
import type { PackActivity, PackFile } from "../src/report/pack.js";
import { generateLedger, type Generated, type GenUnit } from "./generate.js";
import { startLimitedFake, HttpSender } from "./fake-platform.js";
import { jpegPhoto, packPhoto } from "./photos.js";
import { deployedPath } from "./deployed.js";

/**
 * The node flags npm start runs the bot with (package.json), so that the probes measure the bot as
 * deployed: --max-semi-space-size=8 caps V8's young generation, which otherwise grows to ~48 MB
 * in allocation bursts (a roll-up, a pass, a stream of commands) — 30 MB of peak RSS at 10,000
 * units, for no measurable speed.
 */
const START_FLAGS = (
  JSON.parse(fs.readFileSync("package.json", "utf8")).scripts.start.match(/node ((?:--\S+ )*)dist\/src\/main\.js/)?.[1] ?? ""
)
  .split(" ")
  .filter(Boolean);

const { values: args } = parseArgs({
  options: {
    quick: { type: "boolean", default: false },
    growth: { type: "boolean", default: false },
    store: { type: "string", default: "sqlite" },
    units: { type: "string" },
    records: { type: "string" },
    "postgres-url": { type: "string", default: process.env.BENCH_POSTGRES_URL || "postgresql://postgres:postgres@127.0.0.1:5432/postgres" },
  },
});
const quick = args.quick!;
const store = args.store === "postgres" ? "postgres" : "sqlite";
const UNITS = Number(args.units ?? (quick ? 1000 : 5000));
const RECORDS = Number(args.records ?? (quick ? 100_000 : 2_000_000));
const REPS = quick ? 3 : 5;
const NOW = new Date("2026-12-20T10:00:00+08:00");

interface Figure {
  name: string;
  value: number;
  unit: string;
  note?: string;
}
const figures: Figure[] = [];
let peakRss = 0;
const sampleRss = () => {
  peakRss = Math.max(peakRss, process.memoryUsage().rss);
};
const rssTimer = setInterval(sampleRss, 50);

function say(line: string) {
  process.stdout.write(`${line}\n`);
}
/** Peak RSS per phase, printed with each section so that a memory regression points at its cause. */
const phasePeaks: string[] = [];
function phase(name: string) {
  sampleRss();
  phasePeaks.push(`${name} ${fmt(peakRss / 1048576)} MB`);
  peakRss = process.memoryUsage().rss;
}
function record(name: string, value: number, unit: string, note?: string) {
  figures.push({ name, value, unit, note });
  say(`  ${name}: ${fmt(value)} ${unit}${note ? ` (${note})` : ""}`);
}
function fmt(v: number): string {
  if (!Number.isFinite(v)) return String(v);
  if (Math.abs(v) >= 100) return v.toFixed(0);
  if (Math.abs(v) >= 10) return v.toFixed(1);
  return v.toFixed(2);
}
const median = (xs: number[]) => {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)];
};
const min = (xs: number[]) => Math.min(...xs);
const pct = (xs: number[], p: number) => {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.floor((s.length * p) / 100))];
};

async function reps<T>(n: number, fn: (i: number) => Promise<T>): Promise<T[]> {
  const out: T[] = [];
  for (let i = 0; i < n; i++) out.push(await fn(i));
  return out;
}

async function freshUrl(dir: string): Promise<string> {
  if (store === "sqlite") return `file:${path.join(dir, "bench.db")}`;
  const name = `ledger_bench_${process.pid}`;
  const admin = new pg.Client({ connectionString: args["postgres-url"] });
  await admin.connect();
  await admin.query(`DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`);
  await admin.query(`CREATE DATABASE "${name}"`);
  await admin.end();
  const u = new URL(args["postgres-url"]!);
  u.pathname = `/${name}`;
  return u.toString();
}

/** A raw driver on the same store, for the "physical limit" side of every ratio. */
interface Raw {
  insert(row: unknown[]): Promise<void>;
  insertReturning(row: unknown[]): Promise<number>;
  groupBy(unitIds: number[], p: Period): Promise<unknown[]>;
  /** Any statement written with ? placeholders, prepared once (as a hand-written program would). */
  query(sql: string, params: unknown[]): Promise<unknown[]>;
  /** The same for a statement that returns no rows (an INSERT of a file's bytes). */
  run(sql: string, params: unknown[]): Promise<void>;
  close(): Promise<void>;
}

const INSERT_COLUMNS = `"unitId","kind","subtype","sessions","participants","participantsApprox","quantity","quantityApprox","item","day","topic","note","memberId","chatId","sourcePlatform","sourceChat","sourceMessageId","createdAt"`;
const GROUP_BY_SQL = (unitList: string, a: string, b: string) =>
  `SELECT "kind","subtype","item",COUNT(*),SUM("sessions"),SUM(COALESCE("participants",0)),SUM(COALESCE("quantity",0)) FROM "Record" WHERE "unitId" IN (${unitList}) AND "deletedAt" IS NULL AND "day" >= ${a} AND "day" <= ${b} GROUP BY "kind","subtype","item"`;

async function openRaw(url: string): Promise<Raw> {
  if (store === "sqlite") {
    const db = new Database(url.replace(/^file:/, ""), { timeout: 10_000 });
    db.pragma("synchronous = NORMAL");
    const marks = INSERT_COLUMNS.split(",")
      .map(() => "?")
      .join(",");
    const ins = db.prepare(`INSERT INTO "Record" (${INSERT_COLUMNS}) VALUES (${marks})`);
    const insRet = db.prepare(`INSERT INTO "Record" (${INSERT_COLUMNS}) VALUES (${marks}) RETURNING "id"`);
    const prepared = new Map<string, Database.Statement>();
    const toSqlite = (row: unknown[]) =>
      row.map((v) => (typeof v === "boolean" ? (v ? 1 : 0) : v instanceof Date ? v.toISOString().replace("Z", "+00:00") : v));
    return {
      async insert(row) {
        ins.run(...toSqlite(row));
      },
      async insertReturning(row) {
        return Number((insRet.get(...toSqlite(row)) as { id: number }).id);
      },
      async groupBy(unitIds, p) {
        return db.prepare(GROUP_BY_SQL(unitIds.map(() => "?").join(","), "?", "?")).all(...unitIds, p.start, p.end);
      },
      async query(sql, params) {
        let stmt = prepared.get(sql);
        if (!stmt) prepared.set(sql, (stmt = db.prepare(sql)));
        return stmt.all(...params);
      },
      async run(sql, params) {
        let stmt = prepared.get(sql);
        if (!stmt) prepared.set(sql, (stmt = db.prepare(sql)));
        stmt.run(...toSqlite(params));
      },
      async close() {
        db.close();
      },
    };
  }
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  const marks = INSERT_COLUMNS.split(",")
    .map((_, i) => `$${i + 1}`)
    .join(",");
  const names = new Map<string, string>();
  const query = async (sql: string, params: unknown[]) => {
    let n = 0;
    const text = sql.replace(/\?/g, () => `$${++n}`);
    let name = names.get(text);
    if (!name) names.set(text, (name = `q${names.size}`));
    return (await client.query({ name, text, values: params })).rows;
  };
  return {
    async insert(row) {
      await client.query({ name: "ins", text: `INSERT INTO "Record" (${INSERT_COLUMNS}) VALUES (${marks})`, values: row });
    },
    async insertReturning(row) {
      return (
        await client.query({ name: "insr", text: `INSERT INTO "Record" (${INSERT_COLUMNS}) VALUES (${marks}) RETURNING "id"`, values: row })
      ).rows[0].id;
    },
    async groupBy(unitIds, p) {
      return (
        await client.query(GROUP_BY_SQL(unitIds.map((_, i) => `$${i + 1}`).join(","), `$${unitIds.length + 1}`, `$${unitIds.length + 2}`), [
          ...unitIds,
          p.start,
          p.end,
        ])
      ).rows;
    },
    query,
    async run(sql, params) {
      await query(sql, params);
    },
    async close() {
      await client.end();
    },
  };
}

let seq = 0;
/** The anchor's constant values, computed once: the anchor measures the INSERT, not the day's arithmetic. */
const BENCH_DAY = chinaDay(NOW);
// As the store writes a DateTime (ISO with +00:00: SQLite compares it as text; PostgreSQL's
// timestamp reads the same instant).
const BENCH_CREATED_AT = NOW.toISOString().replace("Z", "+00:00");
function benchRow(unitId: number, memberId: number, chatId: number): unknown[] {
  seq += 1;
  return [
    unitId,
    "study",
    null,
    1,
    12,
    false,
    null,
    false,
    null,
    BENCH_DAY,
    null,
    null,
    memberId,
    chatId,
    "bench-raw",
    `c${chatId}`,
    `raw-${process.pid}-${seq}`,
    BENCH_CREATED_AT,
  ];
}

async function writePath(app: App, raw: Raw, gen: Generated) {
  say("\n[1] write path: record commands through parse → permission → store → reply");
  const n = quick ? 400 : 2000;
  const leaf = gen.leafUnits;
  const handle = (chatIdx: number, i: number) =>
    app.router.handle(
      {
        platform: "bench",
        chatId: `c${leaf[chatIdx % leaf.length].id}`,
        userId: "bench-user",
        userName: "bench",
        text: "/记录 学习 中心组学习 12人 主题：理论学习",
        messageId: `w-${process.pid}-${chatIdx}-${i}-${seq++}`,
        sentAt: NOW,
      },
      [],
    );
  // Warm-up: first queries compile, caches fill.
  for (let i = 0; i < 50; i++) await handle(0, i);

  // Commands go to many units, as in real use: a unit's quarter holds tens or hundreds of
  // records, and the confirmation's running total is an aggregate over them. (Thousands of
  // commands into one unit would measure a quarter no unit ever has.)
  let next = 0;
  const seqRates = await reps(REPS, async () => {
    const t = performance.now();
    for (let i = 0; i < n; i++) {
      const [r] = await handle(next++, i);
      if (!r?.text.startsWith("已记录")) throw new Error(`unexpected reply: ${r?.text}`);
    }
    return n / ((performance.now() - t) / 1000);
  });
  const concRates = await reps(REPS, async () => {
    const t = performance.now();
    await Promise.all(
      Array.from({ length: 16 }, async () => {
        for (let i = 0; i < n / 16; i++) await handle(next++, i);
      }),
    );
    return n / ((performance.now() - t) / 1000);
  });
  const u = leaf[0];
  const prismaRates = await reps(REPS, async () => {
    const t = performance.now();
    for (let i = 0; i < n; i++) {
      await app.store.db.record.create({
        data: {
          unitId: u.id,
          kind: "study",
          sessions: 1,
          participants: 12,
          day: chinaDay(NOW),
          memberId: u.memberId,
          chatId: u.chatId,
          sourcePlatform: "bench-prisma",
          sourceChat: `c${u.chatId}`,
          sourceMessageId: `p-${process.pid}-${seq++}`,
        },
      });
    }
    return n / ((performance.now() - t) / 1000);
  });
  // The anchors warm up as the pipeline did: statements prepared, pages cached.
  for (let i = 0; i < 50; i++) {
    await raw.insert(benchRow(u.id, u.memberId, u.chatId));
    await raw.insertReturning(benchRow(u.id, u.memberId, u.chatId));
  }
  const rawRates = await reps(REPS, async () => {
    const t = performance.now();
    for (let i = 0; i < n; i++) await raw.insert(benchRow(u.id, u.memberId, u.chatId));
    return n / ((performance.now() - t) / 1000);
  });
  const rawRetRates = await reps(REPS, async () => {
    const t = performance.now();
    for (let i = 0; i < n; i++) await raw.insertReturning(benchRow(u.id, u.memberId, u.chatId));
    return n / ((performance.now() - t) / 1000);
  });
  const line = (label: string, xs: number[]) => say(`  ${label}: min ${fmt(min(xs))}, median ${fmt(median(xs))} /s`);
  say(
    `  (RSS ${fmt(process.memoryUsage().rss / 1048576)} MB, heap used ${fmt(process.memoryUsage().heapUsed / 1048576)} MB after the rate loops)`,
  );
  line("pipeline, 1 chat", seqRates);
  line("pipeline, 16 concurrent chats", concRates);
  line("bare Prisma create", prismaRates);
  line("raw prepared INSERT (autocommit)", rawRates);
  line("raw prepared INSERT … RETURNING", rawRetRates);

  // Open loop at a fixed offered load: latency from the scheduled send time. The rate loops above
  // leave ~100 MB of garbage (10,000 bare Prisma creates among it); collected first, so that the
  // tail measures the bot and not the benchmark's own heap.
  (globalThis as { gc?: () => void }).gc?.();
  const rate = 200;
  const seconds = quick ? 3 : 10;
  const total = rate * seconds;
  const lat: number[] = [];
  const start = performance.now() + 20;
  await Promise.all(
    Array.from(
      { length: total },
      (_, i) =>
        new Promise<void>((resolve) => {
          const due = start + (i * 1000) / rate;
          setTimeout(
            async () => {
              await handle(next++, 100_000 + i);
              lat.push(performance.now() - due);
              resolve();
            },
            Math.max(0, due - performance.now()),
          );
        }),
    ),
  );
  say(
    `  at ${rate} commands/s offered for ${seconds} s: p50 ${fmt(pct(lat, 50))} ms, p99 ${fmt(pct(lat, 99))} ms, max ${fmt(Math.max(...lat))} ms`,
  );

  const m1 = median(seqRates),
    m16 = median(concRates),
    mp = median(prismaRates),
    mr = median(rawRates),
    mrr = median(rawRetRates);
  record("write.pipeline.1chat", m1, "cmd/s", `${fmt(m1 / mp)}× bare Prisma create, ${fmt(m1 / mr)}× raw INSERT`);
  record("write.pipeline.16chats", m16, "cmd/s", `${fmt(m16 / mp)}× bare Prisma create, ${fmt(m16 / mr)}× raw INSERT`);
  record("write.prisma_create", mp, "rows/s", `${fmt(mp / mr)}× raw INSERT`);
  record("write.raw_insert", mr, "rows/s", "1.00× raw INSERT");
  record("write.raw_insert_returning", mrr, "rows/s", `${fmt(mrr / mr)}× raw INSERT`);
  record("write.latency_p50_at_200", pct(lat, 50), "ms");
  record("write.latency_p99_at_200", pct(lat, 99), "ms", "target ≤ 10 ms (SQLite)");
}

/** The statements `fn` sends through the store's driver (to replay on the bare driver), and its result. */
async function capture<T>(app: App, fn: () => Promise<T>): Promise<[[string, unknown[]][], T]> {
  const issued: [string, unknown[]][] = [];
  const sql = app.store.sql;
  const all = sql.all;
  sql.all = ((q: string, p?: unknown[]) => {
    issued.push([q, p ?? []]);
    return all.call(sql, q, p);
  }) as typeof all;
  try {
    return [issued, await fn()];
  } finally {
    sql.all = all;
  }
}

/**
 * The web page's server time (/看板): the whole request through the dashboard's Hono app (session
 * check, the page's reads, rendering), for the city and a town, beside (a) the raw GROUP BY of
 * the period's figures and (b) the very statements the page sends through the store's driver
 * replayed prepared on the bare driver.
 */
async function dashboardPath(app: App, raw: Raw, gen: Generated) {
  say("\n[2b] web page (/看板): the units × requirements page's server time beside raw SQL");
  const { dashboardApp } = await import("../src/web/server.js");
  const web = app.web!;
  const page = dashboardApp({
    ledger: app.ledger,
    config: app.config,
    router: app.router,
    clock: app.clock,
    auth: web.auth,
    publicUrl: web.publicUrl,
  });
  const period = parsePeriod("2026Q4", chinaDay(NOW))!;
  for (const [label, unit, goal] of [
    ["city", gen.root, 300],
    ["town", gen.towns[0], 20],
  ] as const) {
    const person = { unitId: unit.id, platform: "bench", chatId: `c${unit.id}`, userId: "viewer", userName: "看板" };
    const opened = await web.auth.openSession((await web.auth.issueLink(person)).token);
    if ("refused" in opened) throw new Error(`no session: ${opened.refused}`);
    const request = async () => {
      const res = await page.request(`/dashboard/unit/${unit.id}?p=2026Q4`, { headers: { cookie: `dashboard=${opened.token}` } });
      const body = await res.text();
      if (res.status !== 200 || !body.includes("各单位要求完成情况")) throw new Error(`page ${res.status}`);
      return body.length;
    };
    const [issued, bytes] = await capture(app, request);
    const ids = await app.ledger.subtreeIds(unit.id);
    const n = label === "city" ? REPS : REPS * 4;
    const pageTimes = await reps(n, async () => {
      const t = performance.now();
      await request();
      return performance.now() - t;
    });
    const rawTimes = await reps(n, async () => {
      const t = performance.now();
      await raw.groupBy(ids, period);
      return performance.now() - t;
    });
    const sameTimes = await reps(n, async () => {
      const t = performance.now();
      for (const [q, p] of issued) await raw.query(q, p);
      return performance.now() - t;
    });
    const d = median(pageTimes),
      r = median(rawTimes),
      same = median(sameTimes);
    say(
      `  ${label} (${ids.length} units, ${fmt(bytes / 1024)} KB of HTML): page min ${fmt(min(pageTimes))} ms, median ${fmt(d)} ms; (a) min ${fmt(min(rawTimes))} ms, median ${fmt(r)} ms; (b) ${issued.length} statements, median ${fmt(same)} ms`,
    );
    record(
      `dashboard.${label}`,
      d,
      "ms",
      `goal ≤ ${goal} ms; ${fmt(d / r)}× raw GROUP BY (a), ${fmt(d / same)}× the page's own statements raw (b), ${ids.length} units`,
    );
  }
}

async function draftPath(app: App, raw: Raw, gen: Generated) {
  say("\n[2] draft path: quarterly drafts beside raw SQL on a bare driver");
  say("  (a) the raw GROUP BY of this and the previous quarter's figures, prepared per call;");
  say("  (b) the very statements the draft issues (this quarter per child, the previous quarter, rule counts) replayed prepared");
  const period = parsePeriod("2026Q4", chinaDay(NOW))!;
  const cases: [string, number][] = [
    ["unit", gen.leafUnits[0].id],
    ["town", gen.towns[0].id],
    ["city", gen.root.id],
  ];
  let cityRss = 0;
  for (const [label, unitId] of cases) {
    // A unit's draft takes about a millisecond: more repetitions, so the median is not the JIT's.
    const n = label === "city" ? REPS : label === "town" ? REPS * 4 : REPS * 20;
    const ids = await app.ledger.subtreeIds(unitId);
    const draft = async () => {
      const input = await loadDraftInput(app.ledger, app.config, unitId, period, chinaDay(NOW), {});
      if (!composeDraft(input)) throw new Error("empty draft");
    };
    // The statements one draft sends to the store, captured once to replay on the bare driver.
    const [issued] = await capture(app, draft);
    const draftTimes = await reps(n, async () => {
      const t = performance.now();
      await draft();
      return performance.now() - t;
    });
    const rawTimes = await reps(n, async () => {
      const t = performance.now();
      await raw.groupBy(ids, period);
      await raw.groupBy(ids, previousPeriod(period));
      return performance.now() - t;
    });
    const sameTimes = await reps(n, async () => {
      const t = performance.now();
      for (const [q, p] of issued) await raw.query(q, p);
      return performance.now() - t;
    });
    sampleRss();
    if (label === "city") cityRss = process.memoryUsage().rss;
    const d = median(draftTimes),
      r = median(rawTimes),
      same = median(sameTimes);
    say(
      `  ${label} (${ids.length} units): draft min ${fmt(min(draftTimes))} ms, median ${fmt(d)} ms; (a) min ${fmt(min(rawTimes))} ms, median ${fmt(r)} ms; (b) ${issued.length} statements, min ${fmt(min(sameTimes))} ms, median ${fmt(same)} ms`,
    );
    record(
      `draft.${label}`,
      d,
      "ms",
      `${fmt(d / r)}× raw GROUP BY (a), ${fmt(d / same)}× the draft's own statements raw (b), ${ids.length} units`,
    );
  }
  return cityRss;
}

async function reminderPass(app: App, gen: Generated) {
  say("\n[3] reminder pass: plan and claim one pass for every unit and rule");
  const calendar = new WorkCalendar(app.config.calendar);
  const at = new Date("2026-12-17T09:30:00+08:00");
  // keep: false, as the running bot passes: counts only, messages claimed in batches.
  const dry = await reps(REPS, async () => {
    const t = performance.now();
    const r = await runPass(app.store, app.config, calendar, at, { dryRun: true, keep: false });
    return { ms: performance.now() - t, n: r.plannedCount };
  });
  const t = performance.now();
  const real = await runPass(app.store, app.config, calendar, at, { keep: false });
  const realMs = performance.now() - t;
  const t2 = performance.now();
  const again = await runPass(app.store, app.config, calendar, at, { keep: false });
  const againMs = performance.now() - t2;
  say(
    `  ${gen.units} units: dry run min ${fmt(min(dry.map((d) => d.ms)))} ms, median ${fmt(median(dry.map((d) => d.ms)))} ms (${dry[0].n} due); claiming pass ${fmt(realMs)} ms (${real.enqueuedCount} enqueued); repeated pass ${fmt(againMs)} ms (${again.enqueuedCount} enqueued)`,
  );
  record("reminders.pass_reads", median(dry.map((d) => d.ms)), "ms", "a dry run's median: the reads and the plan, no claim");
  record("reminders.pass", realMs, "ms", `${gen.units} units, ${real.enqueuedCount} messages claimed; target ≤ 2 s for 10,000 units`);
  record("reminders.pass_repeat", againMs, "ms", `${again.enqueuedCount} claimed again`);
}

async function delivery(app: App) {
  say("\n[4] delivery: the outbox against a fake platform enforcing Telegram's limits (30/s, 20/min per group)");
  const fake = await startLimitedFake({ perSecond: 30, perChatPerMinute: 20 });
  const n = quick ? 150 : 600;
  const db = app.store.db;
  await db.outbox.updateMany({ where: { status: "pending" }, data: { status: "superseded" } });
  const at = new Date();
  // A reminder morning: one message to each of many groups, so the overall limit is the bound.
  await db.outbox.createMany({
    data: Array.from({ length: n }, (_, i) => ({
      dedupeKey: `bench-${process.pid}-${i}`,
      kind: "reminder",
      platform: "benchtg",
      chatExternalId: `g${i}`,
      body: `提醒 ${i}`,
      nextAttemptAt: at,
    })),
  });
  const sender = new HttpSender("benchtg", fake.url, TELEGRAM_LIMITS);
  const outbox = new Outbox(db, [sender], { clock: systemClock, maxSleepMs: 5000 });
  const t = performance.now();
  let rounds = 0;
  while ((await db.outbox.count({ where: { platform: "benchtg", status: "pending" } })) > 0 && rounds < 50) {
    await outbox.deliverDue();
    rounds++;
    if ((await db.outbox.count({ where: { platform: "benchtg", status: "pending" } })) > 0) await new Promise((r) => setTimeout(r, 200));
  }
  const secs = (performance.now() - t) / 1000;
  const sent = await db.outbox.count({ where: { platform: "benchtg", status: "sent" } });
  const failed = await db.outbox.count({ where: { platform: "benchtg", status: "failed" } });
  const rate = sent / secs;
  await fake.close();
  say(`  ${sent}/${n} delivered in ${fmt(secs)} s = ${fmt(rate)}/s; the fake answered ${fake.stats.rejected429} × 429; ${failed} failed`);
  record("delivery.rate", rate, "msg/s", `${fmt((rate / 30) * 100)}% of Telegram's 30/s; target ≥ 95%`);
  record("delivery.429_received", fake.stats.rejected429, "responses");
  record("delivery.429_unhandled", failed + (n - sent), "messages", "target 0");
}

/**
 * The peak RSS of a stretch of work. Linux resets the process's high-water mark on request
 * (/proc/self/clear_refs, 5), so the peak is exact even inside synchronous work that no timer can
 * sample (docx zips the pack in one synchronous call); elsewhere it falls back to sampling.
 */
function rssPeakMeter(): { peak(): number; stop(): number; exact: boolean } {
  const hwm = () => Number(fs.readFileSync("/proc/self/status", "utf8").match(/VmHWM:\s+(\d+) kB/)?.[1]) * 1024;
  try {
    fs.writeFileSync("/proc/self/clear_refs", "5");
    if (Number.isFinite(hwm())) return { exact: true, peak: hwm, stop: hwm };
  } catch {
    // not Linux, or not allowed: sampled below
  }
  let peak = process.memoryUsage().rss;
  const timer = setInterval(() => (peak = Math.max(peak, process.memoryUsage().rss)), 5);
  const now = () => Math.max(peak, process.memoryUsage().rss);
  return {
    exact: false,
    peak: now,
    stop() {
      clearInterval(timer);
      return now();
    },
  };
}

/** The longest the event loop went without running a 5 ms timer: how long the bot could answer nobody. */
function stallMeter(): { stop(): Promise<number> } {
  let last = performance.now(),
    stall = 0;
  const tick = setInterval(() => {
    const now = performance.now();
    stall = Math.max(stall, now - last);
    last = now;
  }, 5);
  return {
    async stop() {
      // One more turn of the timer, so that a stall still running at the end is seen.
      await new Promise((resolve) => setTimeout(resolve, 20));
      clearInterval(tick);
      return stall;
    },
  };
}

const STORED_FILE_INSERT = `INSERT INTO "StoredFile" ("sha256", "name", "mime", "size", "data", "createdAt") VALUES (?, ?, ?, ?, ?, ?) ON CONFLICT ("sha256") DO NOTHING`;

async function evidencePath(app: App, raw: Raw, gen: Generated) {
  say("\n[5] evidence: a photo sent with a record, and a quarter's inspection pack of 50 activities × 3 photos");
  const gc = () => (globalThis as { gc?: () => void }).gc?.();
  const leaf = gen.leafUnits;
  const actor = "bench:bench-user";
  const firstRecord = async (unitId: number) =>
    (await raw.query(`SELECT "id" FROM "Record" WHERE "unitId" = ? AND "deletedAt" IS NULL ORDER BY "id" LIMIT 1`, [unitId])) as {
      id: number;
    }[];

  // (1) One attachment: what the bot does for a photo that comes with a record — download (here
  // from memory), sniff, hash, store the bytes, then attach them to the record within the unit's
  // budget. Each photo goes to another unit's record, as in real use; each is new bytes.
  const n = quick ? 50 : 200;
  const warm = 5;
  const PHOTO_BYTES = 300 * 1024;
  const targets: GenUnit[] = [];
  const recordOf = new Map<number, number>();
  for (let i = 0; targets.length < n + warm && i < leaf.length; i++) {
    const u = leaf[(i * 7) % leaf.length];
    const [row] = await firstRecord(u.id);
    if (!row || recordOf.has(u.id)) continue;
    recordOf.set(u.id, Number(row.id));
    targets.push(u);
  }
  const attachOne = async (u: GenUnit, i: number, data: Buffer) => {
    const msg: InboundMessage = {
      platform: "bench",
      chatId: `c${u.chatId}`,
      messageId: `e-${process.pid}-${i}`,
      userId: "bench-user",
      userName: "bench",
      text: "/记录 学习 中心组学习 12人",
      sentAt: NOW,
      attachments: [{ kind: "photo", ref: `photo-${i}` }],
    };
    const t = performance.now();
    const evidence = await takeEvidence(app.ledger, async () => data, msg);
    const t1 = performance.now();
    const said = await attachEvidence(app.ledger, recordOf.get(u.id)!, u.id, evidence, actor);
    const ms = performance.now() - t;
    if (evidence.files.length !== 1 || !said.startsWith("已附"))
      throw new Error(`unexpected attachment reply: ${said} ${evidence.refused}`);
    takeTimes.push(t1 - t);
    return ms;
  };
  const takeTimes: number[] = [];
  const rawOne = async (i: number, data: Buffer) => {
    const t = performance.now();
    const sha = createHash("sha256").update(data).digest("hex");
    await raw.run(STORED_FILE_INSERT, [sha, `bench-raw-${i}.jpg`, "image/jpeg", data.length, data, new Date()]);
    return performance.now() - t;
  };
  for (let i = 0; i < warm; i++) {
    await attachOne(targets[n + i], n + i, jpegPhoto(PHOTO_BYTES));
    await rawOne(n + i, jpegPhoto(PHOTO_BYTES));
  }
  // Interleaved, one of each in turn, so that the machine's noise falls on both sides alike; the
  // photos are made outside the timings.
  const attachTimes: number[] = [];
  const rawTimes: number[] = [];
  takeTimes.length = 0;
  gc();
  const rssBeforeAttach = process.memoryUsage().rss;
  for (let i = 0; i < n; i++) {
    attachTimes.push(await attachOne(targets[i], i, jpegPhoto(PHOTO_BYTES)));
    rawTimes.push(await rawOne(i, jpegPhoto(PHOTO_BYTES)));
  }
  gc();
  const attachRss = process.memoryUsage().rss - rssBeforeAttach;
  await raw.run(`DELETE FROM "StoredFile" WHERE "name" LIKE 'bench-raw-%'`, []);
  const a = median(attachTimes),
    r = median(rawTimes);
  say(
    `  one ${fmt(PHOTO_BYTES / 1024)} KB photo, ${n} times: takeEvidence + attachEvidence min ${fmt(min(attachTimes))} ms, median ${fmt(a)} ms, p90 ${fmt(pct(attachTimes, 90))} ms (takeEvidence, which stores the bytes, median ${fmt(median(takeTimes))} ms); raw sha256 + one INSERT into "StoredFile" min ${fmt(min(rawTimes))} ms, median ${fmt(r)} ms; RSS after GC ${attachRss >= 0 ? "+" : ""}${fmt(attachRss / 1048576)} MB over the ${n} attachments and their raw rows`,
  );

  // (2) A quarter's pack of one unit: 50 activities with 3 photos each, stored and attached as the
  // bot stores them (setup, not measured), then loaded as /导出台账 … 文档 loads them.
  const packRecords: { id: number; unitId: number }[] = [];
  for (let i = leaf.length - 1; i >= 0 && packRecords.length < 50; i--) {
    const rows = (await raw.query(`SELECT "id", "unitId" FROM "Record" WHERE "unitId" = ? AND "deletedAt" IS NULL ORDER BY "id" LIMIT ?`, [
      leaf[i].id,
      50 - packRecords.length,
    ])) as { id: number; unitId: number }[];
    packRecords.push(...rows.filter((x) => !recordOf.has(Number(x.unitId))).map((x) => ({ id: Number(x.id), unitId: Number(x.unitId) })));
  }
  let photoBytes = 0;
  for (const [k, rec] of packRecords.entries()) {
    const files = [0, 1, 2].map((j) => packPhoto(k * 3 + j));
    const stored = [];
    for (const f of files) {
      const sha256 = await app.ledger.outbox.putFile(f);
      stored.push({ sha256, kind: "photo" as const, name: f.name, mime: f.mime, size: f.data.length });
      photoBytes += f.data.length;
    }
    if ((await app.ledger.attachments.attach(rec.id, stored, actor)) !== 3) throw new Error(`pack photos not attached to #${rec.id}`);
  }
  const ids = packRecords.map((x) => x.id);
  const photoCount = ids.length * 3;
  const activitiesOf = (byRecord: Map<number, PackFile[]>): PackActivity[] =>
    packRecords.map((rec, k) => ({
      id: rec.id,
      unit: "金桥社区",
      day: addDays("2026-10-08", Math.floor((k * 80) / packRecords.length)),
      summary: "党委理论学习中心组学习 1 次，12 人参加",
      what: "党委理论学习中心组学习",
      timeOfDay: "14:30",
      place: "党群服务中心",
      host: "张书记",
      attendees: "张书记、李主任、王委员等12人",
      participants: 12,
      recorder: "李四",
      minutes: k % 5 === 0 ? "传达学习了全会精神，与会同志逐一交流发言，明确了本季度学习计划" : null,
      topic: "学习贯彻党的二十届四中全会精神",
      note: k % 4 === 0 ? "会上交流了学习体会，部署了下一阶段的学习安排" : null,
      recordedBy: "王五",
      files: byRecord.get(rec.id) ?? [],
    }));
  const inputOf = (byRecord: Map<number, PackFile[]>) => ({
    title: "金桥社区2026年第四季度意识形态工作台账",
    unit: "金桥社区",
    period: "2026年第四季度",
    today: chinaDay(NOW),
    activities: activitiesOf(byRecord),
  });
  const ofRecordsTimes: number[] = [];
  const load = async () => {
    const byRecord = new Map<number, PackFile[]>();
    const t = performance.now();
    const rows = await app.ledger.attachments.ofRecords(ids);
    ofRecordsTimes.push(performance.now() - t);
    for (const att of rows) {
      const data = await app.ledger.attachments.bytes(att.sha256);
      if (!data) throw new Error(`stored file ${att.sha256} missing`);
      const list = byRecord.get(att.recordId) ?? [];
      list.push({ name: att.name, mime: att.mime, kind: att.kind, data });
      byRecord.set(att.recordId, list);
    }
    return byRecord;
  };
  const attachmentSql = `SELECT "id", "recordId", "unitId", "sha256", "kind", "name", "mime", "size", "createdAt" FROM "Attachment" WHERE "recordId" IN (${ids.map(() => "?").join(",")}) AND "deletedAt" IS NULL ORDER BY "id"`;
  const rawLoad = async () => {
    let bytes = 0;
    for (const att of (await raw.query(attachmentSql, ids)) as { sha256: string }[]) {
      const [row] = (await raw.query(`SELECT "name", "mime", "data" FROM "StoredFile" WHERE "sha256" = ?`, [att.sha256])) as {
        data: Buffer;
      }[];
      bytes += row.data.length;
    }
    return bytes;
  };
  // What /导出台账 … 文档 adds to the process, first time: the load, then the pack, from a settled heap.
  const { packToDocx } = await import("../src/report/pack.js");
  gc();
  const rssBeforeExport = process.memoryUsage().rss;
  const exportMeter = rssPeakMeter();
  let loaded = await load();
  const loadPeak = exportMeter.peak();
  // The first pack is also docx's warm-up (its first compile).
  await packToDocx(inputOf(loaded));
  const exportPeak = exportMeter.stop();
  if ((await rawLoad()) !== photoBytes) throw new Error("raw load read other bytes than were stored");
  const loadTimes: number[] = [];
  const rawLoadTimes: number[] = [];
  const loadStalls: number[] = [];
  ofRecordsTimes.length = 0;
  for (let i = 0; i < REPS * 2; i++) {
    gc();
    const stall = stallMeter();
    let t = performance.now();
    loaded = await load();
    loadTimes.push(performance.now() - t);
    loadStalls.push(await stall.stop());
    t = performance.now();
    await rawLoad();
    rawLoadTimes.push(performance.now() - t);
  }
  const l = median(loadTimes),
    rl = median(rawLoadTimes);
  say(
    `  loading ${photoCount} photos (${fmt(photoBytes / 1048576)} MB) of ${ids.length} records: ofRecords + bytes each min ${fmt(min(loadTimes))} ms, median ${fmt(l)} ms (ofRecords median ${fmt(median(ofRecordsTimes))} ms, event loop blocked up to ${fmt(Math.max(...loadStalls))} ms); raw SELECT of the attachments + each file's row min ${fmt(min(rawLoadTimes))} ms, median ${fmt(rl)} ms`,
  );

  // (3) Binding them: packToDocx on the loaded photos. docx zips the document in one synchronous
  // call (fflate, in JavaScript, level 6), so the anchor is the same bytes deflated at level 6 by
  // native zlib, with their CRCs: what any zip writer must do for them at that level.
  const input = inputOf(loaded);
  if (input.activities.reduce((x, act) => x + act.files.length, 0) !== photoCount) throw new Error("pack photos not loaded");
  const photos = input.activities.flatMap((act) => act.files.map((f) => f.data));
  const rawZip = () => {
    const t = performance.now();
    for (const p of photos) {
      zlib.deflateRawSync(p, { level: 6 });
      zlib.crc32(p);
    }
    return performance.now() - t;
  };
  const packTimes: number[] = [];
  const zipTimes: number[] = [];
  const growth: number[] = [];
  const peaks: number[] = [];
  const stalls: number[] = [];
  let docBytes = 0;
  let exact = false;
  for (let i = 0; i < REPS; i++) {
    gc();
    const before = process.memoryUsage().rss;
    const meter = rssPeakMeter();
    exact = meter.exact;
    const stall = stallMeter();
    const t = performance.now();
    const doc = await packToDocx(input);
    packTimes.push(performance.now() - t);
    stalls.push(await stall.stop());
    const peak = meter.stop();
    peaks.push(peak);
    growth.push(peak - before);
    if (doc.subarray(0, 2).toString("latin1") !== "PK" || doc.length < photoBytes * 0.9) throw new Error(`pack of ${doc.length} bytes`);
    docBytes = doc.length;
    zipTimes.push(rawZip());
  }
  sampleRss();
  const pk = median(packTimes),
    z = median(zipTimes);
  say(
    `  packToDocx, ${ids.length} activities × 3 photos: min ${fmt(min(packTimes))} ms, median ${fmt(pk)} ms, ${fmt(docBytes / 1048576)} MB out of ${fmt(photoBytes / 1048576)} MB of photos; native zlib deflate (level 6) + CRC of the photos min ${fmt(min(zipTimes))} ms, median ${fmt(z)} ms`,
  );
  say(
    `  RSS during the pack (${exact ? "exact high-water mark" : "sampled every 5 ms"}, photos already loaded): +${fmt(median(growth) / 1048576)} MB median, +${fmt(Math.max(...growth) / 1048576)} MB max, peak ${fmt(Math.max(...peaks) / 1048576)} MB; event loop blocked up to ${fmt(Math.max(...stalls))} ms (longest pack ${fmt(Math.max(...packTimes))} ms)`,
  );
  say(
    `  the first export from a settled heap (${exact ? "exact" : "sampled"}): load +${fmt((loadPeak - rssBeforeExport) / 1048576)} MB, load and pack +${fmt((exportPeak - rssBeforeExport) / 1048576)} MB, from ${fmt(rssBeforeExport / 1048576)} MB to a peak of ${fmt(exportPeak / 1048576)} MB`,
  );
  record(
    "evidence.attach_path",
    a,
    "ms",
    `${fmt(a / r)}× raw sha256 + INSERT into StoredFile (${fmt(r)} ms), one ${fmt(PHOTO_BYTES / 1024)} KB photo`,
  );
  record(
    "evidence.pack_load_50x3",
    l,
    "ms",
    `${fmt(l / rl)}× raw SELECTs (${fmt(rl)} ms), ${photoCount} photos, ${fmt(photoBytes / 1048576)} MB, ofRecords + bytes each`,
  );
  record(
    "evidence.pack_50x3",
    pk,
    "ms",
    `${fmt(pk / z)}× native zlib deflate of the photos (${fmt(z)} ms), ${photoCount} photos; event loop blocked up to ${fmt(Math.max(...stalls))} ms`,
  );
  record("evidence.pack_50x3_size", docBytes / 1048576, "MB", `${fmt(photoBytes / 1048576)} MB of photos in it`);
  record(
    "evidence.pack_50x3_rss_growth",
    median(growth) / 1048576,
    "MB",
    `photos already loaded, peak ${fmt(Math.max(...peaks) / 1048576)} MB in the benchmark process; first load + pack +${fmt((exportPeak - rssBeforeExport) / 1048576)} MB; the bot's bound is 200 MB`,
  );
}

/** The bot's own peak memory in a separate process on the finished ledger (see memory-probe.ts). */
async function botMemory(url: string, units: number) {
  const out = await new Promise<string>((resolve, reject) => {
    const p = spawn(process.execPath, [...START_FLAGS, path.resolve("dist/bench/memory-probe.js")], {
      env: { ...process.env, DATABASE_URL: url, LOG_LEVEL: "silent" },
      stdio: ["ignore", "pipe", "inherit"],
    });
    let text = "";
    p.stdout.on("data", (d) => {
      text += d;
    });
    p.on("exit", (code) => (code === 0 ? resolve(text.trim()) : reject(new Error(`memory probe exited ${code}`))));
  });
  const [peak, afterRollup] = out.split(" ").map(Number);
  say(
    `  a bot process doing the city roll-up, a reminder pass for all ${units} units and 2,000 commands: peak RSS ${peak} MB (${afterRollup} MB after the roll-up; the compiled bot as npm start runs it: node + Prisma + SQLite)`,
  );
  record("memory.bot_peak", peak, "MB", `${units} units; target ≤ 200 MB with 10,000 units`);
  record("memory.bot_after_city_rollup", afterRollup, "MB");
}

async function startup(url: string) {
  say("\n[7] start-up: process start to ready on an already-migrated database");
  const times = await reps(
    REPS,
    () =>
      new Promise<number>((resolve, reject) => {
        const p = spawn(process.execPath, [...START_FLAGS, path.resolve("dist/bench/startup-probe.js")], {
          env: { ...process.env, DATABASE_URL: url },
          stdio: ["ignore", "pipe", "inherit"],
        });
        let out = "";
        p.stdout.on("data", (d) => {
          out += d;
        });
        p.on("exit", (code) => (code === 0 ? resolve(Number(out.trim())) : reject(new Error(`probe exited ${code}`))));
      }),
  );
  say(`  min ${fmt(min(times))} ms, median ${fmt(median(times))} ms (the compiled bot: node + Prisma client + migrations check + app)`);
  record("startup.ready", median(times), "ms");
}

/**
 * --growth: the figures that must not grow with the ledger (a unit's, a town's and the city's
 * draft, the city's web page, the pass), each on its own freshly generated ledger, as a table:
 * records 0.2 / 2 / 10 M at 5,000 units, and units 1,000 / 5,000 / 10,000 at 2 M records
 * (--quick: two small ledgers, to try the mode). Each ledger is generated, measured and dropped.
 */
async function growth() {
  const grid = quick
    ? [
        { units: 500, records: 20_000 },
        { units: 500, records: 100_000 },
      ]
    : [
        { units: 5000, records: 200_000 },
        { units: 5000, records: 2_000_000 },
        { units: 5000, records: 10_000_000 },
        { units: 1000, records: 2_000_000 },
        { units: 10_000, records: 2_000_000 },
      ];
  say(`ledger bot benchmark, growth · ${new Date().toISOString()} · ${os.cpus().length} cores · node ${process.version} · store ${store}`);
  const config = loadDeployment();
  const rows: { units: number; records: number; genS: number; got: Map<string, number> }[] = [];
  for (const g of grid) {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), "ledger-growth-"));
    const url = await freshUrl(dir);
    const app = await createApp({ databaseUrl: url, config, clock: () => NOW, admins: [], limits: false, publicUrl: "http://127.0.0.1" });
    const raw = await openRaw(url);
    try {
      const t = performance.now();
      const gen = await generateLedger({ units: g.units, records: g.records, store, url, now: NOW });
      const genS = (performance.now() - t) / 1000;
      say(`\n=== ${g.units} units, ${g.records} records (generated in ${fmt(genS)} s)`);
      const before = figures.length;
      await draftPath(app, raw, gen);
      await dashboardPath(app, raw, gen);
      await reminderPass(app, gen);
      rows.push({ ...g, genS, got: new Map(figures.slice(before).map((f) => [f.name, f.value])) });
    } finally {
      await app.close();
      await raw.close();
      fs.rmSync(dir, { recursive: true, force: true });
    }
  }
  const columns: [string, string][] = [
    ["draft.unit", "a unit's draft"],
    ["draft.town", "a town's draft"],
    ["draft.city", "the city's draft"],
    ["dashboard.city", "the city's page"],
    ["reminders.pass_reads", "pass: reads + plan"],
    ["reminders.pass", "pass, claiming"],
  ];
  say("\ngrowth (ms; each row its own ledger):");
  say(`| units | records | ${columns.map(([, label]) => label).join(" | ")} |`);
  say(`|---|---|${columns.map(() => "---").join("|")}|`);
  for (const r of rows) say(`| ${r.units} | ${r.records} | ${columns.map(([name]) => fmt(r.got.get(name) ?? NaN)).join(" | ")} |`);
  const ratio = (a: (typeof rows)[number] | undefined, b: (typeof rows)[number] | undefined, label: string) => {
    if (!a || !b) return;
    say(`${label}: ${columns.map(([name, l]) => `${l} ${fmt((b.got.get(name) ?? NaN) / (a.got.get(name) ?? NaN))}×`).join(", ")}`);
  };
  const at = (units: number, records: number) => rows.find((r) => r.units === units && r.records === records);
  if (!quick) {
    ratio(at(5000, 2_000_000), at(5000, 10_000_000), "2 M → 10 M records (goal: within 1.5×)");
    ratio(at(1000, 2_000_000), at(10_000, 2_000_000), "1,000 → 10,000 units");
  } else ratio(rows[0], rows[1], "first → second ledger");
}

async function main() {
  if (args.growth) return growth();
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "ledger-bench-"));
  const url = await freshUrl(dir);
  sampleRss();
  say(
    `ledger bot benchmark · ${new Date().toISOString()} · ${os.cpus().length} cores · node ${process.version} ${START_FLAGS.join(" ")} · store ${store}${quick ? " · quick" : ""}`,
  );
  const config = loadDeployment();
  // No command budgets: the benchmark is one user sending thousands of commands on purpose.
  const app = await createApp({ databaseUrl: url, config, clock: () => NOW, admins: [], limits: false, publicUrl: "http://127.0.0.1" });
  const raw = await openRaw(url);
  try {
    const t = performance.now();
    const gen = await generateLedger({ units: UNITS, records: RECORDS, store, url, now: NOW });
    say(
      `ledger: ${gen.units} units (${gen.towns.length} towns under one city), ${RECORDS} records over two years, generated in ${fmt((performance.now() - t) / 1000)} s; RSS now ${fmt(process.memoryUsage().rss / 1048576)} MB`,
    );
    // Generation's garbage is not the bot's memory: collect it when the flag allows, and start
    // the peak from here.
    (globalThis as { gc?: () => void }).gc?.();
    peakRss = process.memoryUsage().rss;
    record("memory.rss_ready", peakRss / 1048576, "MB", "app ready with the ledger loaded");
    const readyRss = peakRss;
    const cityRss = await draftPath(app, raw, gen);
    phase("drafts");
    await dashboardPath(app, raw, gen);
    phase("dashboard");
    await writePath(app, raw, gen);
    phase("writes");
    await reminderPass(app, gen);
    phase("reminders");
    await delivery(app);
    phase("delivery");
    // The benchmark's peak up to here, as before the evidence figures were added (they report
    // their own memory, and the RSS they leave would raise it), so that it stays comparable.
    const benchPeak = Math.max(readyRss, process.memoryUsage().rss, ...phasePeaks.map((p) => Number(p.split(" ").at(-2)) * 1048576));
    await evidencePath(app, raw, gen);
    phase("evidence");
    say(`  peak RSS by phase: ${phasePeaks.join(", ")} (memory.bench_rss_peak leaves the evidence phase out)`);
    say("\n[6] memory");
    record("memory.bench_rss_after_city_rollup", cityRss / 1048576, "MB", "the benchmark process: bot plus generators and harness");
    record("memory.bench_rss_peak", benchPeak / 1048576, "MB", "the benchmark process");
    await app.close();
    await raw.close();
    await botMemory(url, gen.units);
    await startup(url);
    // Last: it makes the generated chats Telegram's, which the probes above address as "bench".
    const rawAgain = await openRaw(url);
    try {
      await deployedPath({ url, raw: rawAgain, gen, quick, startFlags: START_FLAGS, say, record, fmt, pct });
    } finally {
      await rawAgain.close();
    }
  } finally {
    clearInterval(rssTimer);
    fs.rmSync(dir, { recursive: true, force: true });
  }
  say("\nfigures:");
  for (const f of figures) say(`${f.name}: ${fmt(f.value)} ${f.unit}${f.note ? ` (${f.note})` : ""}`);
}

main().then(
  () => process.exit(0),
  (e) => {
    console.error(e);
    process.exit(1);
  },
);
