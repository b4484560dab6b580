// Raw SQL on the hot paths, through the store's own driver (better-sqlite3 or node-postgres).
// Prisma 6.19 compiles every query again (≈ 0.5 ms each here, against ≈ 0.05 ms for a prepared
// statement), so the record command's write and the figures' GROUP BYs skip it; everything else
// goes through Prisma. Values are written in Prisma's own formats (DateTime as ISO text in
// SQLite — "…T01:30:00.000+00:00", which text comparisons depend on —, UTC timestamp(3) in
// PostgreSQL; booleans as 0/1 in SQLite), so both paths agree.
import Database from "better-sqlite3";

export interface Sql {
  provider: "sqlite" | "postgresql";
  /** Runs a query written with ? placeholders; returns its rows. */
  all<T = Record<string, unknown>>(sql: string, params?: unknown[]): Promise<T[]>;
  /**
   * Inserts a row and its audit row atomically; returns the inserted row, or null when a unique
   * key (the record's source message) already exists.
   */
  insertWithAudit(
    table: string,
    row: Record<string, unknown>,
    audit: { at: Date; actor: string | null; action: string; entity: string; detail: string | null },
  ): Promise<Record<string, unknown> | null>;
  /**
   * Inserts many rows in one transaction, skipping those whose unique key exists (the claim);
   * returns the `returning` column of the rows actually inserted. `then`, told those, returns more
   * rows inserted the same way in the same transaction (what the claims decided).
   */
  insertManyClaimed(
    table: string,
    cols: string[],
    rows: unknown[][],
    returning: string,
    then?: (claimed: unknown[]) => unknown[][],
  ): Promise<unknown[]>;
  /**
   * Stores a platform event in the inbox under its de-duplication keys (src/store/inbox.ts), claimed
   * in order: the new event's id, or else the first key already taken — and then nothing is kept.
   */
  storeEvent(event: NewInboxEvent, keys: string[]): Promise<{ id: number } | { taken: string }>;
  /** Closes an inbox event for good ("done": its keys too) or gives its keys back ("dropped"). */
  settleEvent(id: number, outcome: "done" | "dropped", at: Date): Promise<void>;
  /**
   * Commits one real write that changes nothing, for the health check: throws when the store
   * cannot write (full disk, read-only file or server), or has waited `timeoutMs` for the write lock.
   */
  writeProbe(timeoutMs?: number): Promise<void>;
  close(): Promise<void>;
}

export interface NewInboxEvent {
  platform: string;
  chatId: string;
  payload: string;
  owner: string;
  at: Date;
}

export const INSERT_INBOX_EVENT = `INSERT INTO "InboxEvent" ("platform", "chatId", "payload", "status", "owner", "attempts", "createdAt", "updatedAt") VALUES (?, ?, ?, 'pending', ?, 0, ?, ?) RETURNING "id"`;

/** A key already taken, thrown inside the claim's transaction to roll it back. */
class KeyTaken {
  constructor(readonly key: string) {}
}

/** How long the health check's write waits for the write lock: held longer, writes are stuck. */
export const WRITE_PROBE_TIMEOUT_MS = 2_000;

/** How long a statement waits for another connection's write lock before the user is told. */
const BUSY_TIMEOUT_MS = 10_000;

export const quoteCols = (cols: string[]) => cols.map((c) => `"${c}"`).join(", ");

export class SqliteSql implements Sql {
  readonly provider = "sqlite" as const;
  private readonly conn: Database.Database;
  private readonly statements = new Map<string, Database.Statement>();

  /** `readonly`: SQLite refuses every write through this connection (the reminder pass's thread). */
  constructor(file: string, cacheKib: number, opts: { readonly?: boolean } = {}) {
    // No synchronous busy wait: better-sqlite3 would block the whole event loop while it waits,
    // and the connection holding the lock may be Prisma's, in this very process, needing that
    // loop to finish its transaction. Busy statements are retried asynchronously instead.
    this.conn = new Database(file, { timeout: 0, readonly: opts.readonly ?? false });
    this.conn.pragma("synchronous = NORMAL");
    this.conn.pragma("foreign_keys = ON");
    // Checkpoints happen in a worker thread (checkpoint.ts), never inside a command's commit.
    this.conn.pragma("wal_autocheckpoint = 0");
    this.conn.pragma(`cache_size = ${cacheKib}`);
  }

  /** Runs a synchronous statement batch, retrying with back-off while the database is locked. */
  private async whenFree<T>(fn: () => T, timeoutMs = BUSY_TIMEOUT_MS): Promise<T> {
    // Elapsed time on the monotonic timer: a deadline, not a reading of the date.
    const deadline = performance.now() + timeoutMs;
    for (let wait = 2; ; wait = Math.min(wait * 2, 100)) {
      try {
        return fn();
      } catch (e) {
        const code = (e as { code?: string }).code ?? "";
        if (!code.startsWith("SQLITE_BUSY") || performance.now() + wait > deadline) throw e;
        await new Promise((r) => setTimeout(r, wait));
      }
    }
  }

  private prepare(sql: string): Database.Statement {
    let s = this.statements.get(sql);
    if (!s) {
      s = this.conn.prepare(sql);
      this.statements.set(sql, s);
    }
    return s;
  }

  /** Prisma's SQLite format for DateTime (adapter "iso8601"): ISO with +00:00, never Z. */
  static date(d: Date): string {
    return d.toISOString().replace("Z", "+00:00");
  }

  private static value(v: unknown): unknown {
    if (v instanceof Date) return SqliteSql.date(v);
    if (typeof v === "boolean") return v ? 1 : 0;
    return v;
  }

  async all<T>(sql: string, params: unknown[] = []): Promise<T[]> {
    const stmt = this.prepare(sql);
    const values = params.map(SqliteSql.value);
    return this.whenFree(() => stmt.all(...values) as T[]);
  }

  async insertWithAudit(
    table: string,
    row: Record<string, unknown>,
    audit: { at: Date; actor: string | null; action: string; entity: string; detail: string | null },
  ) {
    const cols = Object.keys(row);
    const insert = this.prepare(
      `INSERT INTO "${table}" (${quoteCols(cols)}) VALUES (${cols.map(() => "?").join(", ")}) ON CONFLICT DO NOTHING RETURNING *`,
    );
    const log = this.prepare(`INSERT INTO "AuditLog" ("at", "actor", "action", "entity", "entityId", "detail") VALUES (?, ?, ?, ?, ?, ?)`);
    // better-sqlite3 is synchronous: the two inserts are one transaction with no await between.
    const run = this.conn.transaction(() => {
      const inserted = insert.get(...cols.map((c) => SqliteSql.value(row[c]))) as Record<string, unknown> | undefined;
      if (!inserted) return null;
      log.run(SqliteSql.date(audit.at), audit.actor, audit.action, audit.entity, String(inserted.id), audit.detail);
      return inserted;
    });
    return this.whenFree(() => run.immediate());
  }

  async insertManyClaimed(
    table: string,
    cols: string[],
    rows: unknown[][],
    returning: string,
    then?: (claimed: unknown[]) => unknown[][],
  ): Promise<unknown[]> {
    const insert = this.prepare(
      `INSERT INTO "${table}" (${quoteCols(cols)}) VALUES (${cols.map(() => "?").join(", ")}) ON CONFLICT DO NOTHING RETURNING "${returning}"`,
    );
    const insertAll = (list: unknown[][]) => {
      const out: unknown[] = [];
      for (const r of list) {
        const got = insert.get(...r.map(SqliteSql.value)) as Record<string, unknown> | undefined;
        if (got) out.push(got[returning]);
      }
      return out;
    };
    const run = this.conn.transaction(() => {
      const out = insertAll(rows);
      if (then) insertAll(then(out));
      return out;
    });
    return this.whenFree(() => run.immediate());
  }

  async storeEvent(event: NewInboxEvent, keys: string[]) {
    const insertEvent = this.prepare(INSERT_INBOX_EVENT);
    const claim = this.prepare(
      `INSERT INTO "InboundEvent" ("platform", "eventKey", "status", "inboxId", "createdAt", "updatedAt") VALUES (?, ?, 'processing', ?, ?, ?) ON CONFLICT ("platform", "eventKey") DO NOTHING RETURNING "id"`,
    );
    const at = SqliteSql.date(event.at);
    const run = this.conn.transaction(() => {
      const { id } = insertEvent.get(event.platform, event.chatId, event.payload, event.owner, at, at) as { id: number };
      for (const key of keys) if (!claim.get(event.platform, key, id, at, at)) throw new KeyTaken(key);
      return { id: Number(id) };
    });
    try {
      return await this.whenFree(() => run.immediate());
    } catch (e) {
      if (e instanceof KeyTaken) return { taken: e.key };
      throw e;
    }
  }

  async settleEvent(id: number, outcome: "done" | "dropped", at: Date) {
    const event = this.prepare(`UPDATE "InboxEvent" SET "status" = ?, "updatedAt" = ? WHERE "id" = ?`);
    const closeKeys = this.prepare(`UPDATE "InboundEvent" SET "status" = 'done', "updatedAt" = ? WHERE "inboxId" = ?`);
    const freeKeys = this.prepare(`DELETE FROM "InboundEvent" WHERE "inboxId" = ?`);
    const when = SqliteSql.date(at);
    const run = this.conn.transaction(() => {
      event.run(outcome, when, id);
      if (outcome === "done") closeKeys.run(when, id);
      else freeKeys.run(id);
    });
    await this.whenFree(() => run.immediate());
  }

  /**
   * Writes the header's user_version (which nothing else uses) back unchanged, committed: SQLite
   * writes the page to the WAL whatever its content. (An UPDATE setting a row to itself would not
   * do: SQLite skips writing a cell whose bytes did not change.)
   */
  async writeProbe(timeoutMs = WRITE_PROBE_TIMEOUT_MS): Promise<void> {
    const run = this.conn.transaction(() => {
      const v = Number(this.conn.pragma("user_version", { simple: true })) | 0;
      this.conn.pragma(`user_version = ${v}`);
    });
    await this.whenFree(() => run.immediate(), timeoutMs);
  }

  async close(): Promise<void> {
    this.conn.close();
  }
}
