// The store's guards at start-up and while running: a database from a newer version is refused,
// only one bot process runs on a SQLite file (and a killed one leaves no lock behind), statements
// on PostgreSQL time out, tree queries stop on a cycle, and the health check's write is real.
import { describe, it, expect, onTestFinished, beforeAll, afterAll } from "vitest";
import { spawn, spawnSync } from "node:child_process";
import { randomUUID } from "node:crypto";
import path from "node:path";
import Database from "better-sqlite3";
import pg from "pg";
import {
  openStore,
  readMigrations,
  sqliteFile,
  statementTimeoutFrom,
  StoreLockedError,
  StoreVersionError,
  type Store,
} from "../src/store/connect.js";
import { MAX_TREE_DEPTH } from "../src/store/figures.js";
import { tempDir, makeHarness } from "./harness.js";
import { TEST_STORE, freshDatabaseUrl, dropDatabase } from "./db.js";

/** Runs one statement on the test database outside the store (as an operator or a newer version would). */
async function raw(url: string, sql: string, params: unknown[] = []): Promise<void> {
  if (TEST_STORE === "sqlite") {
    const db = new Database(sqliteFile(url));
    try {
      db.prepare(sql.replace(/\$\d+/g, "?")).run(...params);
    } finally {
      db.close();
    }
    return;
  }
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    await client.query(sql, params);
  } finally {
    await client.end();
  }
}

describe("a database migrated by a newer version", () => {
  it("is refused at start-up, naming the unknown migrations (English and Chinese)", async () => {
    const url = await freshDatabaseUrl(tempDir());
    try {
      await (await openStore(url)).close();
      const future = ["29990101000000_newer_feature", "29990202000000_even_newer"];
      for (const name of future) {
        await raw(
          url,
          `INSERT INTO "_prisma_migrations" (id, checksum, finished_at, migration_name, started_at, applied_steps_count) VALUES ($1, $2, $3, $4, $5, 1)`,
          [randomUUID(), "f".repeat(64), new Date().toISOString(), name, new Date().toISOString()],
        );
      }
      let error: unknown;
      try {
        await openStore(url);
      } catch (e) {
        error = e;
      }
      expect(error).toBeInstanceOf(StoreVersionError);
      const message = (error as Error).message;
      expect(message).toContain("newer version of the bot");
      expect(message).toContain("29990101000000_newer_feature, 29990202000000_even_newer");
      expect(message).toContain(readMigrations(TEST_STORE === "sqlite" ? "sqlite" : "postgresql").at(-1)!.name);
      expect(message).toContain("本版本拒绝启动");
      expect(message).not.toContain("postgres:postgres@"); // no password in the message
    } finally {
      await dropDatabase(url);
    }
  });

  it("a migration that was rolled back does not count", async () => {
    const url = await freshDatabaseUrl(tempDir());
    try {
      await (await openStore(url)).close();
      await raw(
        url,
        `INSERT INTO "_prisma_migrations" (id, checksum, finished_at, migration_name, started_at, rolled_back_at, applied_steps_count) VALUES ($1, $2, NULL, $3, $4, $5, 0)`,
        [randomUUID(), "f".repeat(64), "29990101000000_tried_and_rolled_back", new Date().toISOString(), new Date().toISOString()],
      );
      await (await openStore(url)).close();
    } finally {
      await dropDatabase(url);
    }
  });
});

describe.skipIf(TEST_STORE !== "sqlite")("one bot process per SQLite file (openStore's exclusive)", () => {
  it("a second exclusive open is refused while the first is open; other opens are not; closing frees it", async () => {
    const url = `file:${path.join(tempDir(), "bot.db")}`;
    const bot = await openStore(url, { exclusive: true });
    let error: unknown;
    try {
      await openStore(url, { exclusive: true });
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(StoreLockedError);
    expect((error as Error).message).toContain(`pid ${process.pid}`);
    expect((error as Error).message).toContain("Only one bot process");
    expect((error as Error).message).toContain("同一个 SQLite 文件只能运行一个机器人进程");
    // npm run remind (and the tests) open a second connection while the bot runs: allowed, and it writes.
    const remind = await openStore(url);
    expect(await remind.writable()).toBe(true);
    await remind.close();
    await bot.close();
    const next = await openStore(url, { exclusive: true });
    await next.close();
  });

  it("a bot process killed with SIGKILL leaves no lock behind", async () => {
    const url = `file:${path.join(tempDir(), "bot.db")}`;
    // node itself (not npx, which would leave its grandchild running when killed), with tsx's loader.
    const child = spawn(
      process.execPath,
      [
        "--import",
        "tsx",
        "-e",
        `import("./src/store/connect.ts").then(async ({ openStore }) => { await openStore(process.env.DATABASE_URL, { exclusive: true }); console.log("ready " + process.pid); setInterval(() => {}, 1000); })`,
      ],
      { env: { ...process.env, DATABASE_URL: url }, stdio: ["ignore", "pipe", "inherit"] },
    );
    try {
      const pid = await new Promise<number>((resolve, reject) => {
        let out = "";
        child.stdout!.on("data", (d) => {
          out += String(d);
          const m = /ready (\d+)/.exec(out);
          if (m) resolve(Number(m[1]));
        });
        child.on("exit", (code) => reject(new Error(`the child exited (${code}) before it was ready`)));
      });
      await expect(openStore(url, { exclusive: true })).rejects.toThrow(`pid ${pid}`);
      process.kill(pid, "SIGKILL");
      await new Promise((r) => setTimeout(r, 300));
      const store = await openStore(url, { exclusive: true });
      await store.close();
    } finally {
      child.kill("SIGKILL");
    }
  });
});

describe("statement time-out on PostgreSQL", () => {
  it("PG_STATEMENT_TIMEOUT_MS: 30 s by default, a whole number of ms, anything else stops start-up", () => {
    expect(statementTimeoutFrom(undefined)).toBe(30_000);
    expect(statementTimeoutFrom("")).toBe(30_000);
    expect(statementTimeoutFrom("5000")).toBe(5_000);
    expect(statementTimeoutFrom("0")).toBe(0);
    for (const bad of ["30s", "-1", "1.5", "abc"]) expect(() => statementTimeoutFrom(bad), bad).toThrow(/PG_STATEMENT_TIMEOUT_MS.*毫秒/s);
  });

  it.skipIf(TEST_STORE !== "postgres")("cancels a statement that runs too long, on the raw pool and on Prisma's", async () => {
    const url = await freshDatabaseUrl(tempDir());
    const store = await openStore(url, { statementTimeoutMs: 300 });
    try {
      await expect(store.sql.all("SELECT pg_sleep(3)")).rejects.toThrow(/statement timeout/);
      await expect(store.db.$queryRawUnsafe("SELECT pg_sleep(3)")).rejects.toThrow(/statement timeout/);
      // Short statements are untouched, and the pools' connections still work afterwards.
      expect(await store.sql.all<{ n: number }>("SELECT 1 AS n")).toEqual([{ n: 1 }]);
      expect(await store.db.unit.count()).toBe(0);
    } finally {
      await store.close();
      await dropDatabase(url);
    }
  });
});

/**
 * draftFigures in a child process with a deadline: before the bound, a cycle made SQLite's
 * recursive query run for ever inside one synchronous call, which no test timer can interrupt.
 */
function draftFiguresInChild(url: string, rootId: number) {
  const script = `
    Promise.all([import("./src/store/connect.ts"), import("./src/store/ledger.ts")]).then(async ([{ openStore }, { Ledger }]) => {
      const store = await openStore(process.env.DATABASE_URL, { statementTimeoutMs: 0 });
      const ledger = new Ledger(store.db, store.sql, () => new Date("2026-11-22T02:00:00Z"));
      const q = { start: "2026-10-01", end: "2026-12-31" };
      const r = await ledger.draftFigures(${rootId}, q, { start: "2026-07-01", end: "2026-09-30" }, [{ kind: "study", ...q }]);
      console.log(JSON.stringify({ current: r.current, previous: r.previous, counts: [...r.counts] }));
      await store.close();
    });`;
  // node itself, so that the deadline's SIGKILL ends the process running the query (npx would leave it).
  const r = spawnSync(process.execPath, ["--import", "tsx", "-e", script], {
    env: { ...process.env, DATABASE_URL: url },
    encoding: "utf8",
    timeout: 45_000,
    killSignal: "SIGKILL",
  });
  if (r.status !== 0) throw new Error(`draftFigures did not return (status ${r.status}, signal ${r.signal}): ${r.stderr.slice(0, 500)}`);
  return JSON.parse(r.stdout.trim().split("\n").at(-1)!) as {
    current: { topId: number; kind: string; sessions: number; records: number }[];
    previous: { sessions: number }[];
    counts: [number, number[]][];
  };
}

describe("tree queries are bounded", () => {
  let url: string;
  let store: Store;
  const ids: Record<string, number> = {};
  beforeAll(async () => {
    url = await freshDatabaseUrl(tempDir());
    store = await openStore(url);
    const db = store.db;
    const make = async (name: string, parentId: number | null) => (ids[name] = (await db.unit.create({ data: { name, parentId } })).id);
    let n = 0;
    const record = (unitId: number, sessions: number) =>
      db.record.create({
        data: { unitId, kind: "study", sessions, day: "2026-11-03", sourcePlatform: "test", sourceChat: "c", sourceMessageId: `m${++n}` },
      });
    // 镇 → 甲村 → 甲村支部, then 镇's parent set to 甲村支部 by hand: a cycle through the root. The
    // store refuses it now (see below); a database from before held such trees, so the trigger
    // that would refuse it is dropped for this one, and the tree's pairs stay as they were.
    await make("镇", null);
    await make("甲村", ids["镇"]);
    await make("甲村支部", ids["甲村"]);
    await make("乙村", ids["镇"]);
    await expect(db.unit.update({ where: { id: ids["镇"] }, data: { parentId: ids["甲村支部"] } })).rejects.toThrow();
    await db.$executeRawUnsafe(
      TEST_STORE === "sqlite" ? `DROP TRIGGER "Unit_ancestor_move"` : `DROP TRIGGER "Unit_ancestor_move" ON "Unit"`,
    );
    await db.unit.update({ where: { id: ids["镇"] }, data: { parentId: ids["甲村支部"] } });
    await record(ids["镇"], 1);
    await record(ids["甲村"], 2);
    await record(ids["甲村支部"], 4);
    await record(ids["乙村"], 8);
    // A chain deeper than the bound.
    let parent = await make("链0", null);
    for (let i = 1; i <= MAX_TREE_DEPTH + 5; i++) {
      parent = await make(`链${i}`, parent);
      await record(parent, 1);
    }
  });
  afterAll(async () => {
    await store?.close();
    await dropDatabase(url);
  });

  it("a cycle through the root: the draft's figures come back, each unit counted once", () => {
    const r = draftFiguresInChild(url, ids["镇"]);
    const byTop = Object.fromEntries(r.current.map((c) => [c.topId, c.sessions]));
    expect(byTop).toEqual({ [ids["镇"]]: 1, [ids["甲村"]]: 6, [ids["乙村"]]: 8 });
    expect(Object.fromEntries(r.counts)).toEqual({ [ids["镇"]]: [1], [ids["甲村"]]: [2], [ids["甲村支部"]]: [4], [ids["乙村"]]: [8] });
  }, 60_000);

  it("the same from inside the cycle: 甲村's figures are its pairs', and come back", () => {
    const r = draftFiguresInChild(url, ids["甲村"]);
    const total = r.current.reduce((a, c) => a + c.sessions, 0);
    // 甲村 (2) + 甲村支部 (4): the pairs of the tree before the hand edit.
    expect(total).toBe(6);
  }, 60_000);

  it(`a chain deeper than ${MAX_TREE_DEPTH} levels is summed whole, without walking it`, () => {
    const r = draftFiguresInChild(url, ids["链0"]);
    expect(r.current.reduce((a, c) => a + c.sessions, 0)).toBe(MAX_TREE_DEPTH + 5);
  }, 60_000);

  it("the store itself refuses a cycle, whoever writes it: the tree and its pairs stay as they were", async () => {
    // Its own database: this describe's has the trigger dropped.
    const ownUrl = await freshDatabaseUrl(tempDir());
    const own = await openStore(ownUrl);
    onTestFinished(async () => {
      await own.close();
      await dropDatabase(ownUrl);
    });
    const db = own.db;
    const top = await db.unit.create({ data: { name: "环顶", parentId: null } });
    const mid = await db.unit.create({ data: { name: "环中", parentId: top.id } });
    const low = await db.unit.create({ data: { name: "环底", parentId: mid.id } });
    for (const [unit, under] of [
      [top, low],
      [top, mid],
      [mid, low],
    ])
      await expect(db.unit.update({ where: { id: unit.id }, data: { parentId: under.id } })).rejects.toThrow();
    expect(
      (await db.unit.findMany({ where: { id: { in: [top.id, mid.id, low.id] } }, orderBy: { id: "asc" } })).map((u) => u.parentId),
    ).toEqual([null, top.id, mid.id]);
    const pairs = await db.unitAncestor.findMany({ where: { unitId: { in: [top.id, mid.id, low.id] } } });
    expect(pairs.length).toBe(6);
  });
});

describe("writable(): the health check's write", () => {
  let url: string;
  let store: Store;
  beforeAll(async () => {
    url = await freshDatabaseUrl(tempDir());
    store = await openStore(url);
  });
  afterAll(async () => {
    await store?.close();
    await dropDatabase(url);
  });

  it.skipIf(TEST_STORE !== "sqlite")("SQLite: commits a real write (another connection sees the file change)", async () => {
    const other = new Database(sqliteFile(url));
    try {
      const before = other.pragma("data_version", { simple: true });
      expect(await store.writable()).toBe(true);
      expect(other.pragma("data_version", { simple: true })).not.toBe(before);
    } finally {
      other.close();
    }
  });

  it.skipIf(TEST_STORE !== "sqlite")("SQLite: false while another connection holds the write lock, true again after", async () => {
    const other = new Database(sqliteFile(url));
    try {
      other.exec("BEGIN IMMEDIATE");
      await store.ping(); // reads still work
      expect(await store.writable()).toBe(false);
      other.exec("ROLLBACK");
      expect(await store.writable()).toBe(true);
    } finally {
      other.close();
    }
  });

  it.skipIf(TEST_STORE !== "sqlite")("SQLite: false when the disk has less free space than the minimum", async () => {
    const full = await openStore(url, { minFreeBytes: Number.MAX_SAFE_INTEGER });
    try {
      await full.ping();
      expect(await full.writable()).toBe(false);
    } finally {
      await full.close();
    }
  });

  it.skipIf(TEST_STORE !== "postgres")("PostgreSQL: false when the server refuses the write, while reads still answer", async () => {
    await raw(url, `CREATE FUNCTION refuse_writes() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN RAISE EXCEPTION 'disk full'; END $$`);
    await raw(url, `CREATE TRIGGER refuse BEFORE UPDATE ON "_prisma_migrations" FOR EACH ROW EXECUTE FUNCTION refuse_writes()`);
    try {
      await store.ping();
      expect(await store.writable()).toBe(false);
    } finally {
      await raw(url, `DROP TRIGGER refuse ON "_prisma_migrations"`);
    }
    expect(await store.writable()).toBe(true);
  });
});

describe("the inbox's claim, on the raw driver", () => {
  it("claims keys in order: a taken key keeps nothing of the new copy, a dead owner's event is taken over, a drop gives the keys back", async () => {
    const h = await makeHarness({ now: "2026-11-22T10:00:00+08:00" });
    try {
      const { inbox } = h.core;
      const db = h.app.store.db;
      await inbox.heartbeat("live");
      const first = await inbox.accept("telegram", ["update:1", "message:-100:7"], "-100", '{"n":1}', "live");
      expect(first.status).toBe("stored");
      const id = (first as { id: number }).id;
      expect(
        await db.inboundEvent.findMany({ where: { inboxId: id }, orderBy: { id: "asc" }, select: { eventKey: true, status: true } }),
      ).toEqual([
        { eventKey: "update:1", status: "processing" },
        { eventKey: "message:-100:7", status: "processing" },
      ]);
      // The same message again under a new update id: its first key is free, its second is not.
      const events = await db.inboxEvent.count();
      expect(await inbox.accept("telegram", ["update:2", "message:-100:7"], "-100", '{"n":2}', "other")).toEqual({ status: "duplicate" });
      expect(await db.inboxEvent.count()).toBe(events);
      expect(await db.inboundEvent.count({ where: { eventKey: "update:2" } })).toBe(0);
      // Its owner never sent a heartbeat: dead, so a redelivery takes the stored copy over.
      const orphan = await inbox.accept("telegram", ["update:3"], "-100", '{"n":3}', "gone");
      expect(await inbox.accept("telegram", ["update:3"], "-100", '{"n":3}', "live")).toEqual({
        status: "takenOver",
        id: (orphan as { id: number }).id,
        payload: '{"n":3}',
      });
      // Dropped: the person was told to send it again, so the redelivery is stored anew.
      await inbox.drop(id);
      expect(await db.inboundEvent.count({ where: { inboxId: id } })).toBe(0);
      const again = await inbox.accept("telegram", ["update:1", "message:-100:7"], "-100", '{"n":1}', "live");
      expect(again.status).toBe("stored");
      // Done: closed for good, keys and all; a later copy is a duplicate.
      await inbox.done((again as { id: number }).id);
      expect(
        await db.inboundEvent.findMany({ where: { eventKey: { in: ["update:1", "message:-100:7"] } }, select: { status: true } }),
      ).toEqual([{ status: "done" }, { status: "done" }]);
      expect(await inbox.accept("telegram", ["update:1"], "-100", '{"n":1}', "live")).toEqual({ status: "duplicate" });
    } finally {
      await h.close();
    }
  });
});

describe("the inbox is bounded", () => {
  it("forgets handled events and their keys after seven days, keeps newer ones", async () => {
    const h = await makeHarness({ now: "2026-11-22T10:00:00+08:00" });
    try {
      await h.ask("/bind 金桥社区");
      for (let i = 0; i < 5; i++) await h.ask(`/记录 学习 ${i + 1}人`);
      const db = h.app.store.db;
      const old = [await db.inboxEvent.count(), await db.inboundEvent.count()];
      expect(old.every((n) => n >= 6)).toBe(true);
      h.now = new Date(h.now.getTime() + 6 * 86_400_000);
      await h.ask("/明细");
      expect(await h.core.inbox.prune()).toBe(0);
      h.now = new Date(h.now.getTime() + 2 * 86_400_000);
      const pruned = await h.core.inbox.prune();
      // The first six messages' rows are gone; the /明细 of day six is kept.
      expect(pruned).toBeGreaterThanOrEqual(old[0] + old[1]);
      expect(await db.inboxEvent.count()).toBe(1);
      expect(await db.record.count()).toBe(5);
    } finally {
      await h.close();
    }
  });
});
