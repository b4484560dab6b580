// Records: creating one from a parsed command (once per source message), reading, soft-deleting,
// listing and exporting them. Every change is written together with its audit row.
import type { RecordDraft } from "../domain/parser.js";
import type { Period } from "../domain/periods.js";
import { LedgerError, toRecordRow, type StoreContext, type RecordRow } from "./shared.js";

/** What a person can write or change on a record: the draft's fields that are columns. */
export const RECORD_FIELDS = [
  "kind",
  "subtype",
  "sessions",
  "sessionsApprox",
  "participants",
  "participantsApprox",
  "quantity",
  "quantityApprox",
  "item",
  "day",
  "topic",
  "note",
  "title",
  "place",
  "host",
  "attendees",
  "timeOfDay",
  "recorder",
  "minutes",
] as const;
export type RecordFields = Pick<RecordRow, (typeof RECORD_FIELDS)[number]>;

/** The record's columns of a draft (a draft also carries what is not stored, e.g. the unit it names). */
export function recordFields(draft: Partial<Record<(typeof RECORD_FIELDS)[number], unknown>>): Partial<RecordFields> {
  const out: Record<string, unknown> = {};
  for (const f of RECORD_FIELDS) if (draft[f] !== undefined) out[f] = draft[f];
  return out as Partial<RecordFields>;
}

export class RecordStore {
  constructor(private readonly ctx: StoreContext) {}

  /**
   * Creates a record with its audit row. The source (platform, chat, message id) is unique: a
   * message processed twice returns the first record with duplicate = true, and nothing new.
   */
  async createRecord(
    draft: RecordDraft,
    where: { unitId: number; chatId: number; memberId: number; platform: string; sourceChat: string; messageId: string; actor: string },
  ): Promise<{ record: RecordRow; duplicate: boolean }> {
    const source = { sourcePlatform: where.platform, sourceChat: where.sourceChat, sourceMessageId: where.messageId };
    // A redelivery usually finds its record here, before the insert would use up an id.
    const [prior] = await this.ctx.sql.all(
      `SELECT * FROM "Record" WHERE "sourcePlatform" = ? AND "sourceChat" = ? AND "sourceMessageId" = ?`,
      [where.platform, where.sourceChat, where.messageId],
    );
    if (prior) return { record: toRecordRow(prior), duplicate: true };
    const now = this.ctx.clock();
    // One statement batch on the raw driver: the record and its audit row, atomically; a second
    // delivery of the same message hits the unique source key and inserts nothing.
    const inserted = await this.ctx.sql.insertWithAudit(
      "Record",
      { ...recordFields(draft), unitId: where.unitId, chatId: where.chatId, memberId: where.memberId, ...source, createdAt: now },
      { at: now, actor: where.actor, action: "record.create", entity: "Record", detail: JSON.stringify(recordFields(draft)) },
    );
    if (inserted) return { record: toRecordRow(inserted), duplicate: false };
    return {
      record: await this.ctx.db.record.findUniqueOrThrow({ where: { sourcePlatform_sourceChat_sourceMessageId: source } }),
      duplicate: true,
    };
  }

  record(id: number): Promise<RecordRow | null> {
    return this.ctx.db.record.findUnique({ where: { id } });
  }

  /** The record a platform message made, if any (an edited or recalled message finds its record). */
  recordBySource(platform: string, sourceChat: string, messageId: string): Promise<RecordRow | null> {
    return this.ctx.db.record.findUnique({
      where: { sourcePlatform_sourceChat_sourceMessageId: { sourcePlatform: platform, sourceChat, sourceMessageId: messageId } },
    });
  }

  /**
   * Changes fields of a live record, with an audit row holding what each field was and became.
   * Returns the record before and after; a record deleted meanwhile is refused.
   */
  async updateRecord(
    id: number,
    changes: Partial<RecordFields>,
    actor: string,
    action: "record.edit" | "record.amend",
  ): Promise<{ before: RecordRow; after: RecordRow }> {
    const { ctx } = this;
    const data = recordFields(changes);
    return ctx.db.$transaction(async (tx) => {
      const before = await tx.record.findUnique({ where: { id } });
      if (!before || before.deletedAt) throw new LedgerError(`记录 #${id} 已经删除，不能再修改。`);
      const { count } = await tx.record.updateMany({ where: { id, deletedAt: null }, data });
      if (count === 0) throw new LedgerError(`记录 #${id} 已经删除，不能再修改。`);
      const after = await tx.record.findUniqueOrThrow({ where: { id } });
      const diff: Record<string, { from: unknown; to: unknown }> = {};
      for (const f of RECORD_FIELDS) if (before[f] !== after[f]) diff[f] = { from: before[f], to: after[f] };
      await ctx.audit(tx, actor, action, "Record", id, diff);
      return { before, after };
    });
  }

  /** The member's most recent live record in the unit created since `since`. */
  lastRecordBy(memberId: number, unitId: number, since: Date): Promise<RecordRow | null> {
    return this.ctx.db.record.findFirst({
      where: { memberId, unitId, deletedAt: null, createdAt: { gte: since } },
      orderBy: { id: "desc" },
    });
  }

  /** Soft-deletes a record (kept for the audit trail; excluded from every figure). */
  async deleteRecord(
    id: number,
    actor: string,
    action: "record.undo" | "record.delete" | "record.recall",
  ): Promise<RecordRow & { attachmentsRemoved: number }> {
    const { ctx } = this;
    return ctx.db.$transaction(async (tx) => {
      const { count } = await tx.record.updateMany({ where: { id, deletedAt: null }, data: { deletedAt: ctx.clock() } });
      if (count === 0) throw new LedgerError(`记录 #${id} 已经删除过了。`);
      // Its evidence goes with it (the bytes are swept once nothing else refers to them).
      const removed = await tx.attachment.updateMany({ where: { recordId: id, deletedAt: null }, data: { deletedAt: ctx.clock() } });
      await ctx.audit(tx, actor, action, "Record", id, removed.count ? { attachmentsRemoved: removed.count } : undefined);
      return { ...(await tx.record.findUniqueOrThrow({ where: { id } })), attachmentsRemoved: removed.count };
    });
  }

  listRecords(unitIds: number[], period: Period, limit = 50) {
    return this.ctx.db.record.findMany({
      where: { unitId: { in: unitIds }, deletedAt: null, day: { gte: period.start, lte: period.end } },
      orderBy: [{ day: "asc" }, { id: "asc" }],
      include: { unit: { select: { name: true } }, member: { select: { name: true } } },
      take: limit,
    });
  }

  /** Every live record of the period, for the ledger export (no limit). */
  exportRecords(unitIds: number[], period: Period) {
    return this.ctx.db.record.findMany({
      where: { unitId: { in: unitIds }, deletedAt: null, day: { gte: period.start, lte: period.end } },
      orderBy: [{ day: "asc" }, { id: "asc" }],
      include: { unit: { select: { name: true } }, member: { select: { name: true } } },
    });
  }

  countRecords(unitIds: number[], period: Period): Promise<number> {
    return this.ctx.db.record.count({ where: { unitId: { in: unitIds }, deletedAt: null, day: { gte: period.start, lte: period.end } } });
  }
}
