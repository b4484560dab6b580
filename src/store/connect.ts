// Opens the store named by DATABASE_URL, applies the committed migrations, and returns a Prisma
// client on a driver adapter (Prisma 6.19, engineType "client": no Rust engines on this machine).
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { PROJECT_ROOT } from "../paths.js";
import { createHash, randomUUID } from "node:crypto";
import Database from "better-sqlite3";
import { PrismaBetterSQLite3 } from "@prisma/adapter-better-sqlite3";
import { PrismaClient } from "../generated/prisma/client.ts";
import { SqliteSql, type Sql } from "./sql.js";
import type { SqlSpec } from "./open-sql.js";
import { startCheckpointer } from "./checkpoint.js";
import { systemClock, type Clock } from "../time.js";

/**
 * Both generated clients have the same models and methods (one schema source); the code is
 * typed against the SQLite one and runs unchanged on the PostgreSQL one.
 */
export type Db = InstanceType<typeof PrismaClient>;
export type Provider = "sqlite" | "postgresql";

export const DEFAULT_DATABASE_URL = "file:./data/bot.db";
const MIGRATIONS_ROOT = path.join(PROJECT_ROOT, "prisma", "migrations");

/**
 * Each SQLite connection's page cache, in KiB (negative = KiB in PRAGMA cache_size). better-sqlite3
 * defaults to 16 MB, and SQLite also sizes its sorters by it: a city's roll-up grew a process by
 * 38 MB per connection. The file's pages are in the OS cache anyway, so 2 MB costs nothing
 * measurable in speed (city statement 280 ms either way, a leaf's 105 µs) and saves ~30 MB each.
 */
export const SQLITE_CACHE_KIB = -2000;

export interface Store {
  db: Db;
  /** The store's raw driver, for the hot paths (src/store/sql.ts). */
  sql: Sql;
  provider: Provider;
  /** The SQLite file, or the PostgreSQL URL (for diagnostics and the benchmark's raw SQL). */
  file: string;
  url: string;
  /** Resolves when the store answers a trivial query (the load balancer's /healthz). */
  ping(): Promise<void>;
  /**
   * Whether the store can write right now: one real write that changes nothing, committed
   * (Sql.writeProbe: SQLite's header, PostgreSQL's first bookkeeping row), and for SQLite at
   * least SQLITE_MIN_FREE_BYTES free on the file's disk (SQLite can keep writing into WAL space
   * it already has on a full disk). Never throws: false when the disk is full, the file or server
   * is read-only, the write lock is held for over 2 s, or the store is down. About a millisecond.
   */
  writable(): Promise<boolean>;
  /** How to open another raw connection to this store (the reminder pass's thread, openSql). */
  sqlSpec: SqlSpec;
  close(): Promise<void>;
}

export { openSql, type SqlSpec } from "./open-sql.js";

/** The database was migrated by a newer version of the bot: this one does not know its schema. */
export class StoreVersionError extends Error {}

/** Another bot process holds the SQLite file (openStore's `exclusive`). */
export class StoreLockedError extends Error {}

/** Which store a client talks to, for the few statements that differ (SKIP LOCKED). */
export function dbProvider(db: Db): Provider {
  return (db as unknown as { _activeProvider: string })._activeProvider === "postgresql" ? "postgresql" : "sqlite";
}

export function providerOf(url: string): Provider {
  return /^postgres(ql)?:/.test(url) ? "postgresql" : "sqlite";
}

/** file:./data/bot.db → an absolute path (relative to the working directory, as Prisma reads it). */
export function sqliteFile(url: string): string {
  const raw = url.replace(/^file:/, "").replace(/\?.*$/, "");
  if (raw === ":memory:") throw new Error("DATABASE_URL=file::memory: is not supported: the bot needs a file it can reopen");
  return path.resolve(raw);
}

interface Migration {
  name: string;
  sql: string;
  checksum: string;
}

/**
 * Refuses a database that has migrations this version does not know (applied by a newer version,
 * or by a branch): its schema is not the one this code queries, and every command would fail.
 */
function refuseUnknownMigrations(where: string, applied: Iterable<string>, known: Migration[]): void {
  const names = new Set(known.map((m) => m.name));
  const unknown = [...applied].filter((n) => !names.has(n)).sort();
  if (!unknown.length) return;
  throw new StoreVersionError(
    `${where} was migrated by a newer version of the bot: it has ${unknown.length} migration(s) this version does not know ` +
      `(${unknown.join(", ")}; the newest this version knows is ${known.at(-1)?.name ?? "none"}). Refusing to start: ` +
      `run the newer version, or restore a backup taken before the upgrade.\n` +
      `数据库已由更新版本的机器人升级，含有本版本不认识的迁移（${unknown.join("、")}）。为免每条命令都出错，本版本拒绝启动：` +
      `请运行新版本，或恢复升级前的备份。`,
  );
}

export function readMigrations(provider: Provider): Migration[] {
  const dir = path.join(MIGRATIONS_ROOT, provider);
  return fs
    .readdirSync(dir, { withFileTypes: true })
    .filter((d) => d.isDirectory() && fs.existsSync(path.join(dir, d.name, "migration.sql")))
    .map((d) => d.name)
    .sort()
    .map((name) => {
      const sql = fs.readFileSync(path.join(dir, name, "migration.sql"), "utf8");
      return { name, sql, checksum: createHash("sha256").update(sql).digest("hex") };
    });
}

/**
 * Applies pending migrations to a SQLite file, keeping Prisma's _prisma_migrations bookkeeping so
 * that `prisma migrate status` agrees where the CLI can run. BEGIN IMMEDIATE takes the write lock
 * first, so two processes starting together apply each migration once. Returns the names applied.
 */
export function migrateSqlite(file: string, clock: Clock = systemClock): string[] {
  fs.mkdirSync(path.dirname(file), { recursive: true });
  const conn = new Database(file, { timeout: 15_000 });
  try {
    // WAL persists in the file: readers never block the writer. The adapter sets no PRAGMAs itself.
    conn.pragma("journal_mode = WAL");
    const applied: string[] = [];
    conn.exec("BEGIN IMMEDIATE");
    try {
      conn.exec(`CREATE TABLE IF NOT EXISTS "_prisma_migrations" (
        "id" TEXT PRIMARY KEY NOT NULL, "checksum" TEXT NOT NULL, "finished_at" DATETIME,
        "migration_name" TEXT NOT NULL, "logs" TEXT, "rolled_back_at" DATETIME,
        "started_at" DATETIME NOT NULL DEFAULT current_timestamp, "applied_steps_count" INTEGER UNSIGNED NOT NULL DEFAULT 0)`);
      const rows = conn
        .prepare(`SELECT migration_name, checksum, finished_at FROM "_prisma_migrations" WHERE rolled_back_at IS NULL`)
        .all() as { migration_name: string; checksum: string; finished_at: string | null }[];
      const done = new Map(rows.filter((r) => r.finished_at !== null).map((r) => [r.migration_name, r.checksum]));
      const known = readMigrations("sqlite");
      refuseUnknownMigrations(
        `The SQLite database ${file}`,
        rows.map((r) => r.migration_name),
        known,
      );
      for (const m of known) {
        const prior = done.get(m.name);
        if (prior) {
          if (prior !== m.checksum)
            throw new Error(`migration ${m.name} was changed after it was applied (checksum differs); add a new migration instead`);
          continue;
        }
        const startedAt = clock().toISOString();
        conn.exec(m.sql);
        conn
          .prepare(
            `INSERT INTO "_prisma_migrations" (id, checksum, finished_at, migration_name, started_at, applied_steps_count) VALUES (?, ?, ?, ?, ?, 1)`,
          )
          .run(randomUUID(), m.checksum, clock().toISOString(), m.name, startedAt);
        applied.push(m.name);
      }
      conn.exec("COMMIT");
    } catch (e) {
      conn.exec("ROLLBACK");
      throw e;
    }
    return applied;
  } finally {
    conn.close();
  }
}

const MIGRATION_LOCK = 7_241_522_001; // pg_advisory_lock key: "ledger bot migrations"

/**
 * Applies pending migrations to PostgreSQL under an advisory lock, so that processes starting
 * together migrate once (the others wait, then find nothing to do). Prisma's bookkeeping table is
 * kept as the CLI would write it. Returns the names applied.
 */
export async function migratePostgres(url: string, clock: Clock = systemClock): Promise<string[]> {
  const { default: pg } = await import("pg");
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    await client.query("SELECT pg_advisory_lock($1)", [MIGRATION_LOCK]);
    try {
      await client.query(`CREATE TABLE IF NOT EXISTS "_prisma_migrations" (
        "id" VARCHAR(36) PRIMARY KEY NOT NULL, "checksum" VARCHAR(64) NOT NULL, "finished_at" TIMESTAMPTZ,
        "migration_name" VARCHAR(255) NOT NULL, "logs" TEXT, "rolled_back_at" TIMESTAMPTZ,
        "started_at" TIMESTAMPTZ NOT NULL DEFAULT now(), "applied_steps_count" INTEGER NOT NULL DEFAULT 0)`);
      const { rows } = await client.query<{ migration_name: string; checksum: string; finished_at: Date | null }>(
        `SELECT migration_name, checksum, finished_at FROM "_prisma_migrations" WHERE rolled_back_at IS NULL`,
      );
      const done = new Map(rows.filter((r) => r.finished_at !== null).map((r) => [r.migration_name, r.checksum]));
      const known = readMigrations("postgresql");
      refuseUnknownMigrations(
        `The PostgreSQL database ${redact(url)}`,
        rows.map((r) => r.migration_name),
        known,
      );
      const applied: string[] = [];
      for (const m of known) {
        const prior = done.get(m.name);
        if (prior) {
          if (prior !== m.checksum)
            throw new Error(`migration ${m.name} was changed after it was applied (checksum differs); add a new migration instead`);
          continue;
        }
        // Each migration and its bookkeeping row commit together (PostgreSQL DDL is transactional).
        await client.query("BEGIN");
        try {
          const startedAt = clock();
          await client.query(m.sql);
          await client.query(
            `INSERT INTO "_prisma_migrations" (id, checksum, finished_at, migration_name, started_at, applied_steps_count) VALUES ($1, $2, $3, $4, $5, 1)`,
            [randomUUID(), m.checksum, clock(), m.name, startedAt],
          );
          await client.query("COMMIT");
        } catch (e) {
          await client.query("ROLLBACK");
          throw e;
        }
        applied.push(m.name);
      }
      return applied;
    } finally {
      await client.query("SELECT pg_advisory_unlock($1)", [MIGRATION_LOCK]);
    }
  } finally {
    await client.end();
  }
}

/** A URL for messages: the password never appears in a log or an error. */
function redact(url: string): string {
  try {
    const u = new URL(url);
    if (u.password) u.password = "***";
    return u.toString();
  } catch {
    return "(DATABASE_URL)";
  }
}

const ping = async (sql: Sql) => void (await sql.all("SELECT 1"));

/** Below this much free space on the SQLite file's disk the store is reported not writable. */
export const SQLITE_MIN_FREE_BYTES = 1024 * 1024;

/** One committed write that changes nothing (Sql.writeProbe); false instead of an error. */
async function probeWrite(sql: Sql): Promise<boolean> {
  try {
    await sql.writeProbe();
    return true;
  } catch {
    return false;
  }
}

async function freeBytes(file: string): Promise<number> {
  const st = await fs.promises.statfs(path.dirname(file));
  return Number(st.bavail) * Number(st.bsize);
}

/** The default statement time-out on PostgreSQL (PG_STATEMENT_TIMEOUT_MS), in milliseconds. */
export const DEFAULT_STATEMENT_TIMEOUT_MS = 30_000;

/** PG_STATEMENT_TIMEOUT_MS: a whole number of milliseconds, 0 for the server's own setting; anything else stops start-up. */
export function statementTimeoutFrom(value: string | undefined): number {
  if (value === undefined || value.trim() === "") return DEFAULT_STATEMENT_TIMEOUT_MS;
  const n = Number(value.trim());
  if (!Number.isInteger(n) || n < 0) {
    throw new Error(
      `PG_STATEMENT_TIMEOUT_MS must be a whole number of milliseconds (0 = the server's own setting), not ${JSON.stringify(value)}. ` +
        `PG_STATEMENT_TIMEOUT_MS 须为毫秒数（整数；0 表示沿用数据库服务器的设置）。`,
    );
  }
  return n;
}

export interface StoreOptions {
  /** PostgreSQL pool size per process (PG_POOL_MAX, default 10). */
  poolMax?: number;
  /** The bot's one clock, for the migrations' bookkeeping. */
  clock?: Clock;
  /**
   * PostgreSQL: the longest one statement may run, in ms, on both pools (Prisma's and the raw
   * driver's); the server cancels it after that. Default PG_STATEMENT_TIMEOUT_MS, else 30 s; 0
   * leaves the server's setting. Migrations run without it.
   */
  statementTimeoutMs?: number;
  /**
   * SQLite: this process is *the* bot on the file (platforms, scheduler): a second exclusive open
   * of the same file, in this process or another, is refused with StoreLockedError until this
   * store is closed or its process ends (even by kill -9: the lock is SQLite's own file lock on
   * `<file>.lock`, which the operating system releases with the process). Opens without it (npm
   * run remind, scripts, tests) are never refused and never refuse. Ignored for PostgreSQL,
   * where several processes are the design.
   */
  exclusive?: boolean;
  /** SQLite: the free space below which writable() says false (default SQLITE_MIN_FREE_BYTES). */
  minFreeBytes?: number;
}

interface FileLock {
  release(): void;
}

/**
 * Takes the bot's lock on a SQLite file: a small SQLite database beside it, `<file>.lock`, on
 * which this process holds a write transaction (SQLite's RESERVED lock, an fcntl lock) for as long
 * as the store is open. Another process can still read who holds it, but cannot take it; the
 * operating system drops the lock when the holder exits in any way, so a crash never leaves a
 * stale lock behind (and a reused pid cannot keep one alive).
 */
function lockSqliteFile(file: string, clock: Clock): FileLock {
  const lockFile = `${file}.lock`;
  const conn = new Database(lockFile, { timeout: 0 });
  const holder = () => {
    try {
      const row = conn.prepare(`SELECT "pid", "host", "since" FROM "holder" LIMIT 1`).get() as
        { pid: number; host: string; since: string } | undefined;
      return row ? `pid ${row.pid} on ${row.host}, since ${row.since}` : "a process that has not said who it is";
    } catch {
      return "another process";
    }
  };
  const refuse = (): never => {
    const who = holder();
    conn.close();
    throw new StoreLockedError(
      `Another bot process is already running on the SQLite database ${file} (${who}). Only one bot process (platforms and ` +
        `scheduler) may use a SQLite file: stop the other one first, or use PostgreSQL (DATABASE_URL=postgresql://…) for ` +
        `several processes.\n另一个机器人进程正在使用这个 SQLite 数据库（${who}）。同一个 SQLite 文件只能运行一个机器人进程：` +
        `请先停止那个进程；需要多个进程时请改用 PostgreSQL。`,
    );
  };
  const busy = (e: unknown) => String((e as { code?: string }).code ?? "").startsWith("SQLITE_BUSY");
  try {
    conn.exec(`CREATE TABLE IF NOT EXISTS "holder" ("pid" INTEGER NOT NULL, "host" TEXT NOT NULL, "since" TEXT NOT NULL)`);
  } catch (e) {
    if (busy(e)) refuse();
    conn.close();
    throw e;
  }
  try {
    conn.exec("BEGIN IMMEDIATE");
  } catch (e) {
    if (busy(e)) refuse();
    conn.close();
    throw e;
  }
  try {
    // Say who holds it (committed, so that a refused process can read it), then hold it again.
    // A reader of the row holds its shared lock for a moment: the commit may wait that long.
    conn.exec(`DELETE FROM "holder"`);
    conn.prepare(`INSERT INTO "holder" ("pid", "host", "since") VALUES (?, ?, ?)`).run(process.pid, os.hostname(), clock().toISOString());
    conn.pragma("busy_timeout = 2000");
    conn.exec("COMMIT");
    conn.exec("BEGIN IMMEDIATE");
  } catch (e) {
    if (busy(e)) refuse();
    conn.close();
    throw e;
  }
  let released = false;
  return {
    release() {
      if (released) return;
      released = true;
      try {
        conn.exec("ROLLBACK");
      } finally {
        conn.close();
      }
    },
  };
}

export async function openStore(url = process.env.DATABASE_URL || DEFAULT_DATABASE_URL, opts: StoreOptions = {}): Promise<Store> {
  if (providerOf(url) === "postgresql") {
    // Loaded only for PostgreSQL: a SQLite deployment never pays for the second client's memory.
    const [{ PrismaPg }, { PrismaClient: PgPrismaClient }, { PgSql }] = await Promise.all([
      import("@prisma/adapter-pg"),
      import("../generated/prisma-pg/client.ts"),
      import("./sql-pg.js"),
    ]);
    const statementTimeoutMs = opts.statementTimeoutMs ?? statementTimeoutFrom(process.env.PG_STATEMENT_TIMEOUT_MS);
    await migratePostgres(url, opts.clock);
    // Two pools per process: Prisma's and the raw driver's (hot paths), each half of PG_POOL_MAX.
    // Both set statement_timeout at connect: a runaway statement is cancelled by the server
    // instead of holding a connection (and the user waiting) for ever.
    const max = opts.poolMax ?? Number(process.env.PG_POOL_MAX || 10);
    const adapter = new PrismaPg({
      connectionString: url,
      max: Math.max(1, Math.ceil(max / 2)),
      idleTimeoutMillis: 30_000,
      connectionTimeoutMillis: 10_000,
      statement_timeout: statementTimeoutMs || undefined,
    });
    const db = new PgPrismaClient({ adapter }) as unknown as Db;
    const sql = new PgSql(url, Math.max(1, Math.floor(max / 2)), statementTimeoutMs);
    return {
      db,
      sql,
      provider: "postgresql",
      file: url,
      url,
      ping: () => ping(sql),
      writable: () => probeWrite(sql),
      sqlSpec: { provider: "postgresql", url, poolMax: 2, statementTimeoutMs },
      close: async () => {
        await db.$disconnect();
        await sql.close();
      },
    };
  }
  const file = sqliteFile(url);
  // The bot's lock comes first: a second bot on the file is refused before it migrates anything.
  fs.mkdirSync(path.dirname(file), { recursive: true });
  const lock = opts.exclusive ? lockSqliteFile(file, opts.clock ?? systemClock) : null;
  try {
    return await openSqlite(url, file, opts, lock);
  } catch (e) {
    lock?.release();
    throw e;
  }
}

async function openSqlite(url: string, file: string, opts: StoreOptions, lock: FileLock | null): Promise<Store> {
  migrateSqlite(file, opts.clock);
  // timeout = SQLite's busy timeout: a second process waits for the write lock instead of failing.
  const adapter = new PrismaBetterSQLite3({ url: file, timeout: 10_000 });
  const db = new PrismaClient({ adapter });
  // Per-connection settings (the adapter keeps one connection). NORMAL is safe with WAL: a power
  // cut can lose the last commits, never corrupt the file.
  await db.$queryRawUnsafe("PRAGMA synchronous = NORMAL");
  await db.$queryRawUnsafe("PRAGMA foreign_keys = ON");
  await db.$queryRawUnsafe("PRAGMA wal_autocheckpoint = 0");
  await db.$queryRawUnsafe(`PRAGMA cache_size = ${SQLITE_CACHE_KIB}`);
  const sql = new SqliteSql(file, SQLITE_CACHE_KIB);
  const checkpointer = startCheckpointer(file);
  const minFree = opts.minFreeBytes ?? SQLITE_MIN_FREE_BYTES;
  return {
    db,
    sql,
    provider: "sqlite",
    file,
    url,
    ping: () => ping(sql),
    sqlSpec: { provider: "sqlite", file, cacheKib: SQLITE_CACHE_KIB },
    writable: async () => {
      // The disk first: on a full disk SQLite may still "write" into WAL space it already has.
      const free = await freeBytes(file).catch(() => Number.POSITIVE_INFINITY);
      return free >= minFree && (await probeWrite(sql));
    },
    close: async () => {
      try {
        await db.$disconnect();
        await sql.close();
        await checkpointer.stop();
      } finally {
        lock?.release();
      }
    },
  };
}
