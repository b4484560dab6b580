// Opens the store named by DATABASE_URL, applies the committed migrations, and returns a Prisma
// client on a driver adapter (Prisma 6.19, engineType "client": no Rust engines on this machine).
import fs from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { createHash, randomUUID } from "node:crypto";
import Database from "better-sqlite3";
import { PrismaBetterSQLite3 } from "@prisma/adapter-better-sqlite3";
import { PrismaClient } from "../generated/prisma/client.ts";

export type Db = InstanceType<typeof PrismaClient>;

export const DEFAULT_DATABASE_URL = "file:./data/bot.db";
const MIGRATIONS_ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "../../prisma/migrations");

export interface Store {
  db: Db;
  provider: "sqlite";
  /** The SQLite file (for diagnostics and the benchmark's raw-SQL comparison). */
  file: string;
  close(): Promise<void>;
}

/** file:./data/bot.db → an absolute path (relative to the working directory, as Prisma reads it). */
export function sqliteFile(url: string): string {
  const raw = url.replace(/^file:/, "").replace(/\?.*$/, "");
  if (raw === ":memory:") throw new Error("DATABASE_URL=file::memory: is not supported: the bot needs a file it can reopen");
  return path.resolve(raw);
}

interface Migration { name: string; sql: string; checksum: string }

export function readMigrations(provider: "sqlite"): Migration[] {
  const dir = path.join(MIGRATIONS_ROOT, provider);
  return fs.readdirSync(dir, { withFileTypes: true })
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
export function migrateSqlite(file: string): string[] {
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
        (conn.prepare(`SELECT migration_name, checksum FROM "_prisma_migrations" WHERE finished_at IS NOT NULL AND rolled_back_at IS NULL`).all() as { migration_name: string; checksum: string }[])
          .map((r) => [r.migration_name, r.checksum]),
      );
      for (const m of readMigrations("sqlite")) {
        const prior = done.get(m.name);
        if (prior) {
          if (prior !== m.checksum) throw new Error(`migration ${m.name} was changed after it was applied (checksum differs); add a new migration instead`);
          continue;
        }
        const startedAt = new Date().toISOString();
        conn.exec(m.sql);
        conn.prepare(`INSERT INTO "_prisma_migrations" (id, checksum, finished_at, migration_name, started_at, applied_steps_count) VALUES (?, ?, ?, ?, ?, 1)`)
          .run(randomUUID(), m.checksum, new Date().toISOString(), m.name, startedAt);
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

export async function openStore(url = process.env.DATABASE_URL || DEFAULT_DATABASE_URL): Promise<Store> {
  if (/^postgres(ql)?:/.test(url)) {
    throw new Error("PostgreSQL is not supported yet (issue 7); use a file: URL or leave DATABASE_URL unset");
  }
  const file = sqliteFile(url);
  migrateSqlite(file);
  // timeout = SQLite's busy timeout: a second process waits for the write lock instead of failing.
  const adapter = new PrismaBetterSQLite3({ url: file, timeout: 10_000 });
  const db = new PrismaClient({ adapter });
  // Per-connection settings (the adapter keeps one connection). NORMAL is safe with WAL: a power
  // cut can lose the last commits, never corrupt the file.
  await db.$queryRawUnsafe("PRAGMA synchronous = NORMAL");
  await db.$queryRawUnsafe("PRAGMA foreign_keys = ON");
  return { db, provider: "sqlite", file, close: () => db.$disconnect() };
}
