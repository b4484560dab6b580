// The outbox's rows: what the one outbound path could not deliver at once (a command reply whose
// send failed) and everything the scheduler plans (reminders, digests, checklists). A row keeps
// the whole reply — text in "body", the rest (kind, title, buttons, the file's reference, the
// message it answers) as JSON in "payload" — so it can be sent later by any process. Files are
// kept by content hash in "StoredFile", in the same store, so every process can send them.
import { createHash } from "node:crypto";
import { dbProvider, type Db } from "./connect.js";
import { Prisma } from "../generated/prisma/client.ts";
import type { Clock } from "../time.js";
import type { Sql } from "./sql.js";

/** A claimed row, as the delivery loop needs it. */
export interface OutboxRow {
  id: number;
  platform: string;
  chatExternalId: string;
  body: string;
  payload: string | null;
  attempts: number;
  kind: string;
}

export interface OutboxListing {
  failed: {
    id: number;
    platform: string;
    chatExternalId: string;
    kind: string;
    body: string;
    attempts: number;
    createdAt: Date;
    lastError: string | null;
  }[];
  pending: {
    id: number;
    platform: string;
    chatExternalId: string;
    kind: string;
    body: string;
    nextAttemptAt: Date;
    lastError: string | null;
  }[];
  pendingCount: number;
  /** The unit each listed chat is bound to, by "platform:chat". */
  chatUnits: Map<string, string>;
}

export interface NewOutboxRow {
  dedupeKey: string;
  kind: string;
  platform: string;
  chatExternalId: string;
  unitId: number | null;
  body: string;
  payload: string | null;
  status: "pending" | "failed";
  attempts: number;
  nextAttemptAt: Date;
  lastError?: string | null;
}

export class OutboxStore {
  /**
   * With `sql`, the statements each delivered message makes (its claim, its mark) go through the
   * raw driver: a reminder morning sends thousands, on the thread that answers commands.
   */
  constructor(
    private readonly db: Db,
    private readonly clock: Clock,
    private readonly sql?: Sql,
  ) {}

  /** An UPDATE of one row by id: on the raw driver when there is one, else through Prisma. */
  private async update(id: number, data: Record<string, unknown>): Promise<void> {
    if (!this.sql) {
      await this.db.outbox.update({ where: { id }, data });
      return;
    }
    const cols = Object.keys(data);
    await this.sql.all(`UPDATE "Outbox" SET ${cols.map((c) => `"${c}" = ?`).join(", ")} WHERE "id" = ? RETURNING "id"`, [
      ...cols.map((c) => data[c]),
      id,
    ]);
  }

  /**
   * Claims up to `batch` due rows of these platforms until `lockUntil`. One UPDATE … RETURNING
   * whose outer WHERE re-checks the lock, so two processes never take one row; PostgreSQL's
   * claimers skip each other's locked rows instead of waiting for them.
   */
  async claimDue(platforms: string[], batch: number, lockUntil: Date): Promise<OutboxRow[]> {
    if (!platforms.length) return [];
    const now = this.clock();
    const skipLocked = dbProvider(this.db) === "postgresql" ? Prisma.sql`FOR UPDATE SKIP LOCKED` : Prisma.empty;
    const rows = await this.db.$queryRaw<OutboxRow[]>`
      UPDATE "Outbox" SET "lockedUntil" = ${lockUntil}
      WHERE "id" IN (
        SELECT "id" FROM "Outbox"
        WHERE "status" = 'pending' AND "nextAttemptAt" <= ${now} AND ("lockedUntil" IS NULL OR "lockedUntil" < ${now}) AND "platform" IN (${Prisma.join(platforms)})
        ORDER BY "nextAttemptAt", "id" LIMIT ${batch} ${skipLocked})
        AND "status" = 'pending' AND ("lockedUntil" IS NULL OR "lockedUntil" < ${now})
      RETURNING "id", "platform", "chatExternalId", "body", "payload", "attempts", "kind"`;
    // UPDATE … RETURNING has no order on PostgreSQL: send in the order the rows were enqueued.
    return rows.map((r) => ({ ...r, id: Number(r.id), attempts: Number(r.attempts) })).sort((a, b) => a.id - b.id);
  }

  async markSent(id: number, attempts: number): Promise<void> {
    await this.update(id, { status: "sent", attempts, sentAt: this.clock(), lockedUntil: null, lastError: null });
  }

  async markRetry(id: number, attempts: number, error: string, nextAttemptAt: Date): Promise<void> {
    await this.update(id, { attempts, lastError: error.slice(0, 1000), nextAttemptAt, lockedUntil: null });
  }

  async markFailed(id: number, attempts: number, error: string): Promise<void> {
    await this.update(id, { status: "failed", attempts, lastError: error.slice(0, 1000), lockedUntil: null });
  }

  /** Not an attempt: the chat's budget is spent for a while, so the row waits and others go first. */
  async defer(id: number, until: Date): Promise<void> {
    await this.update(id, { nextAttemptAt: until, lockedUntil: null });
  }

  /** Adds one row unless its key is taken; returns its id, or null for a key already there. */
  async enqueue(row: NewOutboxRow): Promise<number | null> {
    const now = this.clock();
    const inserted = await this.db.$queryRaw<{ id: number }[]>`
      INSERT INTO "Outbox" ("dedupeKey", "kind", "platform", "chatExternalId", "unitId", "body", "payload", "status", "attempts", "nextAttemptAt", "lastError", "createdAt")
      VALUES (${row.dedupeKey}, ${row.kind}, ${row.platform}, ${row.chatExternalId}, ${row.unitId}, ${row.body}, ${row.payload}, ${row.status}, ${row.attempts}, ${row.nextAttemptAt}, ${row.lastError?.slice(0, 1000) ?? null}, ${now})
      ON CONFLICT ("dedupeKey") DO NOTHING RETURNING "id"`;
    return inserted.length ? Number(inserted[0].id) : null;
  }

  /** What /发送记录 lists: the latest failures, the next pending rows and how many are pending. */
  async listing(limit = 20): Promise<OutboxListing> {
    const [failed, pending, pendingCount] = await Promise.all([
      this.db.outbox.findMany({ where: { status: "failed" }, orderBy: { id: "desc" }, take: limit }),
      this.db.outbox.findMany({ where: { status: "pending" }, orderBy: [{ nextAttemptAt: "asc" }, { id: "asc" }], take: limit }),
      this.db.outbox.count({ where: { status: "pending" } }),
    ]);
    const chats = [...failed, ...pending].map((r) => ({ platform: r.platform, externalId: r.chatExternalId }));
    const bound = chats.length
      ? await this.db.chat.findMany({
          where: { OR: chats, unitId: { not: null } },
          select: { platform: true, externalId: true, unit: { select: { name: true } } },
        })
      : [];
    const chatUnits = new Map(bound.map((c) => [`${c.platform}:${c.externalId}`, c.unit?.name ?? ""]));
    return { failed, pending, pendingCount, chatUnits };
  }

  /** Puts a failed row back in the queue, with its audit row in the same transaction. */
  async requeue(id: number, actor: string): Promise<boolean> {
    const now = this.clock();
    return this.db.$transaction(async (tx) => {
      const { count } = await tx.outbox.updateMany({
        where: { id, status: "failed" },
        data: { status: "pending", attempts: 0, nextAttemptAt: now, lockedUntil: null },
      });
      if (!count) return false;
      await tx.auditLog.create({ data: { at: now, actor, action: "outbox.retry", entity: "Outbox", entityId: String(id), detail: null } });
      return true;
    });
  }

  /**
   * Keeps a file by its content; returns the reference an outbox row stores. The outbox reads its
   * files from the database only: the same bytes kept as evidence in the object store are copied
   * in (every process can send them, with or without the object store configured).
   */
  async putFile(file: { name: string; mime: string; data: Buffer }): Promise<string> {
    const sha256 = createHash("sha256").update(file.data).digest("hex");
    const now = this.clock();
    await this.db.$queryRaw`
      INSERT INTO "StoredFile" ("sha256", "name", "mime", "size", "data", "createdAt")
      VALUES (${sha256}, ${file.name}, ${file.mime}, ${file.data.length}, ${file.data}, ${now})
      ON CONFLICT ("sha256") DO UPDATE SET "data" = excluded."data", "location" = 'db' WHERE "StoredFile"."location" <> 'db'`;
    return sha256;
  }

  async getFile(sha256: string): Promise<{ name: string; mime: string; data: Buffer } | null> {
    const row = await this.db.storedFile.findUnique({ where: { sha256 } });
    return row ? { name: row.name, mime: row.mime, data: Buffer.from(row.data) } : null;
  }
}
