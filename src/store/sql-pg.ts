// The PostgreSQL side of src/store/sql.ts, in its own module so that SQLite deployments never
// load node-postgres.
import pg from "pg";
import { quoteCols, INSERT_INBOX_EVENT, WRITE_PROBE_TIMEOUT_MS, type NewInboxEvent, type Sql } from "./sql.js";

// node-postgres reads "timestamp without time zone" as local time; Prisma stores UTC there.
const types = {
  getTypeParser(oid: number, format?: string) {
    if (oid === 1114) return (s: string) => new Date(`${s.replace(" ", "T")}Z`);
    if (oid === 20) return (s: string) => Number(s); // COUNT/SUM of int: small enough for a number
    if (oid === 1700) return (s: string) => Number(s); // SUM as numeric
    return pg.types.getTypeParser(oid, format as "text");
  },
};

export class PgSql implements Sql {
  readonly provider = "postgresql" as const;
  private readonly pool: pg.Pool;
  private readonly names = new Map<string, string>();

  /** `statementTimeoutMs`: the server cancels a statement running longer (0: the server's own setting). */
  /** `readonly`: the server refuses every write through these connections (the reminder pass's thread). */
  constructor(url: string, max: number, statementTimeoutMs = 0, opts: { readonly?: boolean } = {}) {
    this.pool = new pg.Pool({
      options: opts.readonly ? "-c default_transaction_read_only=on" : undefined,
      connectionString: url,
      max,
      types,
      idleTimeoutMillis: 30_000,
      connectionTimeoutMillis: 10_000,
      statement_timeout: statementTimeoutMs || undefined,
    });
    // An idle connection the server drops (restart, failover, pg_terminate_backend) is reported
    // here; without a listener node-postgres' 'error' event would end the process. The pool has
    // already discarded that client, and the next query opens a new one.
    this.pool.on("error", () => {});
  }

  private static value(v: unknown): unknown {
    // An ISO string with Z into a timestamp column is read as that UTC wall time, as Prisma writes it.
    return v instanceof Date ? v.toISOString() : v;
  }

  private static dollar(sql: string): string {
    let n = 0;
    return sql.replace(/\?/g, () => `$${++n}`);
  }

  /** Named statements are prepared once per connection by the server. */
  private name(sql: string): string {
    let n = this.names.get(sql);
    if (!n) {
      n = `q${this.names.size}`;
      this.names.set(sql, n);
    }
    return n;
  }

  async all<T>(sql: string, params: unknown[] = []): Promise<T[]> {
    const text = PgSql.dollar(sql);
    // Statements with a variable number of placeholders (IN lists) are not worth preparing.
    const res =
      params.length > 20
        ? await this.pool.query(text, params.map(PgSql.value))
        : await this.pool.query({ name: this.name(text), text, values: params.map(PgSql.value) });
    return res.rows as T[];
  }

  async insertWithAudit(
    table: string,
    row: Record<string, unknown>,
    audit: { at: Date; actor: string | null; action: string; entity: string; detail: string | null },
  ) {
    const cols = Object.keys(row);
    const n = cols.length;
    // One statement, one round trip: the audit row is written from the insert's RETURNING.
    const text = `WITH r AS (INSERT INTO "${table}" (${quoteCols(cols)}) VALUES (${cols.map((_, i) => `$${i + 1}`).join(", ")}) ON CONFLICT DO NOTHING RETURNING *),
      a AS (INSERT INTO "AuditLog" ("at", "actor", "action", "entity", "entityId", "detail") SELECT $${n + 1}, $${n + 2}, $${n + 3}, $${n + 4}, r."id"::text, $${n + 5} FROM r)
      SELECT * FROM r`;
    const res = await this.pool.query({
      name: this.name(text),
      text,
      values: [...cols.map((c) => PgSql.value(row[c])), audit.at.toISOString(), audit.actor, audit.action, audit.entity, audit.detail],
    });
    return (res.rows[0] as Record<string, unknown> | undefined) ?? null;
  }

  async insertManyClaimed(
    table: string,
    cols: string[],
    rows: unknown[][],
    returning: string,
    then?: (claimed: unknown[]) => unknown[][],
  ): Promise<unknown[]> {
    const per = Math.max(1, Math.floor(30_000 / cols.length));
    const client = await this.pool.connect();
    const insertAll = async (list: unknown[][]) => {
      const out: unknown[] = [];
      for (let i = 0; i < list.length; i += per) {
        const chunk = list.slice(i, i + per);
        const values = chunk.map((_, r) => `(${cols.map((_, c) => `$${r * cols.length + c + 1}`).join(", ")})`).join(", ");
        const res = await client.query(
          `INSERT INTO "${table}" (${quoteCols(cols)}) VALUES ${values} ON CONFLICT DO NOTHING RETURNING "${returning}"`,
          chunk.flat().map(PgSql.value),
        );
        for (const r of res.rows) out.push(r[returning]);
      }
      return out;
    };
    try {
      await client.query("BEGIN");
      const out = await insertAll(rows);
      if (then) await insertAll(then(out));
      await client.query("COMMIT");
      return out;
    } catch (e) {
      await client.query("ROLLBACK").catch(() => {});
      throw e;
    } finally {
      client.release();
    }
  }

  async storeEvent(event: NewInboxEvent, keys: string[]) {
    // One round trip: the event and its keys, in order; a key already taken is skipped, and
    // then the event and the keys it did win are removed again (a redelivery, the rare case).
    const text = `WITH ev AS (${PgSql.dollar(INSERT_INBOX_EVENT)}),
      k AS (INSERT INTO "InboundEvent" ("platform", "eventKey", "status", "inboxId", "createdAt", "updatedAt")
        SELECT $1, t.key, 'processing', ev."id", $5, $5 FROM ev, unnest($7::text[]) WITH ORDINALITY AS t(key, n) ORDER BY t.n
        ON CONFLICT ("platform", "eventKey") DO NOTHING RETURNING "eventKey")
      SELECT (SELECT "id" FROM ev) AS "id", ARRAY(SELECT "eventKey" FROM k) AS "won"`;
    const at = event.at.toISOString();
    const res = await this.pool.query({
      name: this.name(text),
      text,
      values: [event.platform, event.chatId, event.payload, event.owner, at, at, keys],
    });
    const { id, won } = res.rows[0] as { id: number; won: string[] };
    const taken = keys.find((k) => !won.includes(k));
    if (taken === undefined) return { id: Number(id) };
    const undo = `WITH k AS (DELETE FROM "InboundEvent" WHERE "inboxId" = $1) DELETE FROM "InboxEvent" WHERE "id" = $1`;
    await this.pool.query({ name: this.name(undo), text: undo, values: [id] });
    return { taken };
  }

  async settleEvent(id: number, outcome: "done" | "dropped", at: Date) {
    const text =
      outcome === "done"
        ? `WITH e AS (UPDATE "InboxEvent" SET "status" = 'done', "updatedAt" = $2 WHERE "id" = $1) UPDATE "InboundEvent" SET "status" = 'done', "updatedAt" = $2 WHERE "inboxId" = $1`
        : `WITH e AS (UPDATE "InboxEvent" SET "status" = 'dropped', "updatedAt" = $2 WHERE "id" = $1) DELETE FROM "InboundEvent" WHERE "inboxId" = $1`;
    await this.pool.query({ name: this.name(text), text, values: [id, at.toISOString()] });
  }

  /**
   * Updates Prisma's first bookkeeping row to itself and commits: PostgreSQL writes a new row
   * version (and WAL) whatever the values, and refuses on a read-only server or transaction.
   */
  async writeProbe(timeoutMs = WRITE_PROBE_TIMEOUT_MS): Promise<void> {
    const client = await this.pool.connect();
    try {
      await client.query("BEGIN");
      await client.query(`SET LOCAL statement_timeout = ${Math.max(1, Math.floor(timeoutMs))}`);
      const res = await client.query(
        `UPDATE "_prisma_migrations" SET "applied_steps_count" = "applied_steps_count"
         WHERE "id" = (SELECT "id" FROM "_prisma_migrations" ORDER BY "started_at", "id" LIMIT 1)`,
      );
      if (res.rowCount !== 1) throw new Error("write probe: no bookkeeping row to write");
      await client.query("COMMIT");
    } catch (e) {
      await client.query("ROLLBACK").catch(() => {});
      throw e;
    } finally {
      client.release();
    }
  }

  async close(): Promise<void> {
    await this.pool.end();
  }
}
