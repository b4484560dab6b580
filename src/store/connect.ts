// Opens the store named by DATABASE_URL, applies the committed migrations, and returns a Prisma
// client on a driver adapter (Prisma 6.19, engineType "client": no Rust engines on this machine).
import fs from "node:fs";
import path from "node:path";
import { PROJECT_ROOT } from "../paths.js";
import { createHash, randomUUID } from "node:crypto";
import Database from "better-sqlite3";
import { PrismaBetterSQLite3 } from "@prisma/adapter-better-sqlite3";
import { PrismaClient } from "../generated/prisma/client.ts";
import { SqliteSql, type Sql } from "./sql.js";
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
  close(): Promise<void>;
}

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
      const done = new Map(
        (
          conn
            .prepare(`SELECT migration_name, checksum FROM "_prisma_migrations" WHERE finished_at IS NOT NULL AND rolled_back_at IS NULL`)
            .all() as { migration_name: string; checksum: string }[]
        ).map((r) => [r.migration_name, r.checksum]),
      );
      for (const m of readMigrations("sqlite")) {
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
      const { rows } = await client.query(
        `SELECT migration_name, checksum FROM "_prisma_migrations" WHERE finished_at IS NOT NULL AND rolled_back_at IS NULL`,
      );
      const done = new Map(rows.map((r: { migration_name: string; checksum: string }) => [r.migration_name, r.checksum]));
      const applied: string[] = [];
      for (const m of readMigrations("postgresql")) {
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

const ping = async (sql: Sql) => void (await sql.all("SELECT 1"));

export interface StoreOptions {
  /** PostgreSQL pool size per process (PG_POOL_MAX, default 10). */
  poolMax?: number;
  /** The bot's one clock, for the migrations' bookkeeping. */
  clock?: Clock;
}

export async function openStore(url = process.env.DATABASE_URL || DEFAULT_DATABASE_URL, opts: StoreOptions = {}): Promise<Store> {
  if (providerOf(url) === "postgresql") {
    // Loaded only for PostgreSQL: a SQLite deployment never pays for the second client's memory.
    const [{ PrismaPg }, { PrismaClient: PgPrismaClient }, { PgSql }] = await Promise.all([
      import("@prisma/adapter-pg"),
      import("../generated/prisma-pg/client.ts"),
      import("./sql-pg.js"),
    ]);
    await migratePostgres(url, opts.clock);
    // Two pools per process: Prisma's and the raw driver's (hot paths), each half of PG_POOL_MAX.
    const max = opts.poolMax ?? Number(process.env.PG_POOL_MAX || 10);
    const adapter = new PrismaPg({
      connectionString: url,
      max: Math.max(1, Math.ceil(max / 2)),
      idleTimeoutMillis: 30_000,
      connectionTimeoutMillis: 10_000,
    });
    const db = new PgPrismaClient({ adapter }) as unknown as Db;
    const sql = new PgSql(url, Math.max(1, Math.floor(max / 2)));
    return {
      db,
      sql,
      provider: "postgresql",
      file: url,
      url,
      ping: () => ping(sql),
      close: async () => {
        await db.$disconnect();
        await sql.close();
      },
    };
  }
  const file = sqliteFile(url);
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
  return {
    db,
    sql,
    provider: "sqlite",
    file,
    url,
    ping: () => ping(sql),
    close: async () => {
      await db.$disconnect();
      await sql.close();
      await checkpointer.stop();
    },
  };
}
