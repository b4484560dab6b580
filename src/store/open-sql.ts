// A raw connection from plain data, for a worker thread (the reminder pass's): the driver only.
// Kept apart from connect.ts so that a thread that reads and plans does not load Prisma's client
// and its runtime (tens of megabytes per thread) to run a few prepared statements.
import { SqliteSql, type Sql } from "./sql.js";

/** What a raw connection needs, as plain data that can be sent to a worker thread. */
export type SqlSpec = (
  | { provider: "sqlite"; file: string; cacheKib: number }
  | { provider: "postgresql"; url: string; poolMax: number; statementTimeoutMs: number }
) & {
  /** A connection that can only read: the store refuses any write through it. */
  readonly?: boolean;
};

/** A raw connection of its own, for a worker thread: no Prisma, no migrations (the bot's thread ran them). */
export async function openSql(spec: SqlSpec): Promise<Sql> {
  const readonly = spec.readonly ?? false;
  if (spec.provider === "sqlite") return new SqliteSql(spec.file, spec.cacheKib, { readonly });
  const { PgSql } = await import("./sql-pg.js");
  return new PgSql(spec.url, spec.poolMax, spec.statementTimeoutMs, { readonly });
}
