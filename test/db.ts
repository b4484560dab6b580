// Which store the tests run against: SQLite files by default, PostgreSQL when TEST_STORE=postgres
// (CI runs the whole suite both ways). Each caller gets a fresh, empty database.
import path from "node:path";
import { randomBytes } from "node:crypto";
import pg from "pg";

export const TEST_STORE = process.env.TEST_STORE === "postgres" ? "postgres" : "sqlite";
/** The server to create test databases on (a role allowed to CREATE DATABASE). */
export const TEST_POSTGRES_URL = process.env.TEST_POSTGRES_URL || "postgresql://postgres:postgres@127.0.0.1:5432/postgres";

function withDatabase(url: string, name: string): string {
  const u = new URL(url);
  u.pathname = `/${name}`;
  return u.toString();
}

/** A new empty database: a SQLite file in `dir`, or a new PostgreSQL database. */
export async function freshDatabaseUrl(dir: string): Promise<string> {
  if (TEST_STORE === "sqlite") return `file:${path.join(dir, "bot.db")}`;
  const name = `ledger_test_${randomBytes(6).toString("hex")}`;
  const admin = new pg.Client({ connectionString: TEST_POSTGRES_URL });
  await admin.connect();
  try {
    await admin.query(`CREATE DATABASE "${name}"`);
  } finally {
    await admin.end();
  }
  return withDatabase(TEST_POSTGRES_URL, name);
}

/** Drops a PostgreSQL test database (a no-op for SQLite files, which go with their folder). */
export async function dropDatabase(url: string): Promise<void> {
  if (!url.startsWith("postgres")) return;
  const name = new URL(url).pathname.slice(1);
  const admin = new pg.Client({ connectionString: TEST_POSTGRES_URL });
  await admin.connect();
  try {
    await admin.query(`DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`);
  } finally {
    await admin.end();
  }
}
