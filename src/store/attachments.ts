// Evidence kept with records (photos, files, the minutes): which record each stored file belongs
// to, the unit's budget, the albums and the bot's confirmations a later photo can join, and the
// sweep of stored bytes nothing refers to any more. The bytes themselves are StoredFile rows (by
// SHA-256, written before the row that refers to them is committed, so a crash in between leaves
// at worst an unreferenced file for the sweep, never a row without its bytes).
import { LedgerError, asDate, type StoreContext } from "./shared.js";
import type { ObjectStore } from "./objects.js";

/** An evidence file's key in the object store: its content. */
const objectKey = (sha256: string) => `evidence/${sha256}`;
import type { Period } from "../domain/periods.js";
import { SIGN_IN_NAME_WORDS, MINUTES_NAME_WORDS, type RecordEvidence } from "../domain/evidence.js";

/** A file's name says what it is: a sign-in sheet (签到表.pdf) or minutes (会议纪要.docx). */
const NAMED = (words: string[]) => words.map((w) => `lower(a."name") LIKE '%${w}%'`).join(" OR ");
export const SIGN_IN_FILE = NAMED(SIGN_IN_NAME_WORDS);
export const MINUTES_FILE = NAMED(MINUTES_NAME_WORDS);

/** A downloaded and stored file, ready to attach. */
export interface EvidenceFile {
  sha256: string;
  kind: "photo" | "file";
  name: string;
  mime: string;
  size: number;
  /** The platform's album it came in (Telegram media_group_id), "platform:chat:album". */
  groupKey?: string;
}

export interface AttachmentRow {
  id: number;
  recordId: number;
  unitId: number;
  sha256: string;
  kind: string;
  name: string;
  mime: string;
  size: number;
  createdAt: Date;
}

export interface EvidenceCount {
  photos: number;
  files: number;
}

export class AttachmentStore {
  constructor(
    private readonly ctx: StoreContext,
    /** When configured, the bytes go there (by SHA-256) and the database keeps only the row. */
    private readonly objects?: ObjectStore,
  ) {}

  /**
   * Attaches stored files to a live record, with one audit row; the same bytes attach to a record
   * once (a redelivered photo adds nothing). Returns how many were new.
   */
  async attach(recordId: number, files: EvidenceFile[], actor: string): Promise<number> {
    const { ctx } = this;
    if (!files.length) return 0;
    return ctx.db.$transaction(async (tx) => {
      const record = await tx.record.findUnique({ where: { id: recordId }, select: { unitId: true, deletedAt: true } });
      if (!record || record.deletedAt) throw new LedgerError(`记录 #${recordId} 已经删除，不能再附加材料。`);
      const now = ctx.clock();
      let added = 0;
      const names: string[] = [];
      for (const f of files) {
        const prior = await tx.attachment.findUnique({ where: { recordId_sha256: { recordId, sha256: f.sha256 } } });
        if (prior && !prior.deletedAt) continue;
        if (prior) await tx.attachment.update({ where: { id: prior.id }, data: { deletedAt: null, createdAt: now, actor } });
        else
          await tx.attachment.create({
            data: {
              recordId,
              unitId: record.unitId,
              sha256: f.sha256,
              kind: f.kind,
              name: f.name,
              mime: f.mime,
              size: f.size,
              groupKey: f.groupKey ?? null,
              actor,
              createdAt: now,
            },
          });
        added++;
        names.push(f.name);
      }
      if (added) await ctx.audit(tx, actor, "attachment.add", "Record", recordId, { files: names });
      return added;
    });
  }

  /**
   * Keeps a file's bytes by their SHA-256 (StoredFile), on the raw driver: through Prisma a 300 KB
   * photo took 20 ms to write and 35 ms to read back, and its copies stayed on the heap.
   */
  async putBytes(file: { sha256: string; name: string; mime: string; data: Buffer }): Promise<void> {
    // Object first, row second: a crash in between leaves an object no row names (it only costs
    // space, and the next put of the same photo overwrites it), never a row without its bytes.
    if (this.objects) {
      await this.objects.put(objectKey(file.sha256), file.data, file.mime).catch(() => {
        throw new LedgerError("存放照片和文件的对象存储暂时不能用，请稍后回复这条记录的确认消息重新发送。");
      });
    }
    await this.ctx.sql.all(
      `INSERT INTO "StoredFile" ("sha256", "name", "mime", "size", "data", "createdAt", "location") VALUES (?, ?, ?, ?, ?, ?, ?)
       ON CONFLICT ("sha256") DO NOTHING RETURNING "sha256"`,
      [
        file.sha256,
        file.name,
        file.mime,
        file.data.length,
        this.objects ? Buffer.alloc(0) : file.data,
        this.ctx.clock(),
        this.objects ? "s3" : "db",
      ],
    );
  }

  /** A stored file's bytes, or null when they were swept. */
  async bytes(sha256: string): Promise<Buffer | null> {
    const [row] = await this.ctx.sql.all<{ data: Uint8Array; location: string }>(
      `SELECT "data", "location" FROM "StoredFile" WHERE "sha256" = ?`,
      [sha256],
    );
    if (!row) return null;
    if (row.location === "s3") {
      if (!this.objects) throw new LedgerError("这份材料存放在对象存储里，但本进程没有配置对象存储（S3_ENDPOINT 等），请联系管理员。");
      return this.objects.get(objectKey(sha256));
    }
    return Buffer.from(row.data.buffer, row.data.byteOffset, row.data.byteLength);
  }

  /** Removes one attachment from its record (kept for the audit trail, no longer shown). */
  async remove(attachmentId: number, actor: string): Promise<AttachmentRow> {
    const { ctx } = this;
    return ctx.db.$transaction(async (tx) => {
      const { count } = await tx.attachment.updateMany({ where: { id: attachmentId, deletedAt: null }, data: { deletedAt: ctx.clock() } });
      const row = await tx.attachment.findUnique({ where: { id: attachmentId } });
      if (!count || !row) throw new LedgerError(`附件 ${attachmentId} 不存在或已经删除。`);
      await ctx.audit(tx, actor, "attachment.remove", "Record", row.recordId, { attachment: row.id, name: row.name });
      return row;
    });
  }

  /** One live attachment of a live record, or null (the web page's photo, checked against its scope). */
  async byId(attachmentId: number): Promise<AttachmentRow | null> {
    const row = await this.ctx.db.attachment.findFirst({
      where: { id: attachmentId, deletedAt: null },
      select: { id: true, recordId: true, unitId: true, sha256: true, kind: true, name: true, mime: true, size: true, createdAt: true },
    });
    if (!row) return null;
    const record = await this.ctx.db.record.findFirst({ where: { id: row.recordId, deletedAt: null }, select: { id: true } });
    return record ? row : null;
  }

  /** The live attachments of records, in the order they came. */
  ofRecords(recordIds: number[]): Promise<AttachmentRow[]> {
    if (!recordIds.length) return Promise.resolve([]);
    return this.ctx.db.attachment.findMany({
      where: { recordId: { in: recordIds }, deletedAt: null },
      orderBy: { id: "asc" },
      select: { id: true, recordId: true, unitId: true, sha256: true, kind: true, name: true, mime: true, size: true, createdAt: true },
    });
  }

  /**
   * The live attachments of a period's live records in these units, in the order they came: the
   * export's, by the units (a city's quarter has more records than a statement takes variables).
   */
  async ofPeriod(unitIds: number[], period: Period): Promise<AttachmentRow[]> {
    if (!unitIds.length) return [];
    const rows = await this.ctx.sql.all<Record<string, unknown>>(
      `SELECT a."id", a."recordId", a."unitId", a."sha256", a."kind", a."name", a."mime", a."size", a."createdAt"
       FROM "Attachment" a JOIN "Record" r ON r."id" = a."recordId"
       WHERE a."deletedAt" IS NULL AND r."deletedAt" IS NULL AND r."unitId" IN (${unitIds.map(() => "?").join(", ")})
         AND r."day" >= ? AND r."day" <= ?
       ORDER BY a."id"`,
      [...unitIds, period.start, period.end],
    );
    return rows.map((r) => ({
      id: Number(r.id),
      recordId: Number(r.recordId),
      unitId: Number(r.unitId),
      sha256: String(r.sha256),
      kind: String(r.kind),
      name: String(r.name),
      mime: String(r.mime),
      size: Number(r.size),
      createdAt: asDate(r.createdAt)!,
    }));
  }

  /** Photos and files per record, for the marks in /明细. */
  async counts(recordIds: number[]): Promise<Map<number, EvidenceCount>> {
    const out = new Map<number, EvidenceCount>();
    if (!recordIds.length) return out;
    const rows = await this.ctx.db.attachment.groupBy({
      by: ["recordId", "kind"],
      where: { recordId: { in: recordIds }, deletedAt: null },
      _count: { _all: true },
    });
    for (const r of rows) {
      const c = out.get(r.recordId) ?? { photos: 0, files: 0 };
      if (r.kind === "photo") c.photos += r._count._all;
      else c.files += r._count._all;
      out.set(r.recordId, c);
    }
    return out;
  }

  /** Each live record of the kinds and period with what evidence it has, for the completeness check. */
  async evidenceOf(unitIds: number[], period: Period, kinds: string[]): Promise<RecordEvidence[]> {
    if (!unitIds.length || !kinds.length) return [];
    const files = (where: string) =>
      `(SELECT COUNT(*) FROM "Attachment" a WHERE a."recordId" = r."id" AND a."deletedAt" IS NULL AND ${where})`;
    const rows = await this.ctx.sql.all(
      `SELECT r."id" AS "recordId", r."unitId", r."kind",
         CASE WHEN r."attendees" IS NOT NULL OR r."participants" IS NOT NULL THEN 1 ELSE 0 END AS "attendance",
         CASE WHEN r."minutes" IS NOT NULL THEN 1 ELSE 0 END AS "minutesText",
         ${files(`a."kind" = 'photo'`)} AS "photos",
         ${files(`a."kind" <> 'photo' AND (${SIGN_IN_FILE})`)} AS "signInFiles",
         ${files(`a."kind" <> 'photo' AND (${MINUTES_FILE})`)} AS "minutesFiles"
       FROM "Record" r
       WHERE r."unitId" IN (${unitIds.map(() => "?").join(", ")}) AND r."deletedAt" IS NULL
         AND r."day" >= ? AND r."day" <= ? AND r."kind" IN (${kinds.map(() => "?").join(", ")})
       ORDER BY r."id"`,
      [...unitIds, period.start, period.end, ...kinds],
    );
    return rows.map((r) => ({
      recordId: Number(r.recordId),
      unitId: Number(r.unitId),
      kind: String(r.kind),
      attendance: Number(r.attendance) === 1,
      minutesText: Number(r.minutesText) === 1,
      photos: Number(r.photos),
      signInFiles: Number(r.signInFiles),
      minutesFiles: Number(r.minutesFiles),
    }));
  }

  /** Bytes the unit's live attachments take, against its budget. */
  async unitBytes(unitId: number): Promise<number> {
    const r = await this.ctx.db.attachment.aggregate({ where: { unitId, deletedAt: null }, _sum: { size: true } });
    return r._sum.size ?? 0;
  }

  /** The record an album's earlier photo went to: a later photo of the album joins it. */
  async recordOfGroup(groupKey: string): Promise<number | null> {
    const row = await this.ctx.db.attachment.findFirst({ where: { groupKey }, orderBy: { id: "asc" }, select: { recordId: true } });
    return row?.recordId ?? null;
  }

  /** Remembers which record a message the bot sent confirms (a reply to it attaches there). */
  async rememberSent(platform: string, chatId: string, messageId: string, recordId: number): Promise<void> {
    // Raw: this follows every record command's reply.
    await this.ctx.sql.all(
      `INSERT INTO "SentRecordMessage" ("platform", "chatId", "messageId", "recordId", "createdAt") VALUES (?, ?, ?, ?, ?)
       ON CONFLICT ("platform", "chatId", "messageId") DO NOTHING RETURNING "recordId"`,
      [platform, chatId, messageId, recordId, this.ctx.clock()],
    );
  }

  async recordOfSent(platform: string, chatId: string, messageId: string): Promise<number | null> {
    const row = await this.ctx.db.sentRecordMessage.findUnique({ where: { platform_chatId_messageId: { platform, chatId, messageId } } });
    return row?.recordId ?? null;
  }

  /**
   * Deletes stored bytes older than `before` that nothing refers to: no live attachment, no
   * outbox row (a Word file queued or sent). What a crash left between download and commit.
   */
  async sweepOrphans(before: Date): Promise<number> {
    const orphans = await this.ctx.db.$queryRaw<{ sha256: string; location: string }[]>`
      DELETE FROM "StoredFile" WHERE "createdAt" < ${before}
        AND NOT EXISTS (SELECT 1 FROM "Attachment" a WHERE a."sha256" = "StoredFile"."sha256" AND a."deletedAt" IS NULL)
        AND NOT EXISTS (SELECT 1 FROM "Outbox" o WHERE o."payload" LIKE '%' || "StoredFile"."sha256" || '%')
      RETURNING "sha256", "location"`;
    // The rows are gone first: an object whose delete fails is only space, never a dangling row.
    for (const o of orphans) if (o.location === "s3") await this.objects?.remove(objectKey(o.sha256)).catch(() => undefined);
    return orphans.length;
  }
}
