// The ledger's data access: chats, units, members, records, figures and the audit log.
// Every change is written together with its audit row in one transaction: nothing half-written.
import { Prisma } from "../generated/prisma/client.ts";
import type { Db } from "./connect.js";
import type { RecordDraft } from "../domain/parser.js";
import type { FigureRow } from "../domain/figures.js";
import type { Period } from "../domain/periods.js";
import type { MonthlyCount } from "../domain/requirements.js";

export type Role = "admin" | "officer" | "member";

export interface ChatRow { id: number; platform: string; externalId: string; title: string | null; unitId: number | null }
export interface UnitRow { id: number; name: string; parentId: number | null; remindersMuted: boolean }
export interface MemberRow { id: number; platform: string; externalId: string; name: string; role: string; unitId: number | null }
export type RecordRow = Awaited<ReturnType<Db["record"]["findFirstOrThrow"]>>;

/** Thrown for rule violations the user can fix; the message is the Chinese reply. */
export class LedgerError extends Error {}

function isUniqueViolation(e: unknown): boolean {
  return e instanceof Prisma.PrismaClientKnownRequestError && e.code === "P2002";
}

export class Ledger {
  constructor(readonly db: Db) {}

  async audit(tx: Prisma.TransactionClient | Db, actor: string | null, action: string, entity: string, entityId: string | number | null, detail?: unknown) {
    await tx.auditLog.create({
      data: { actor, action, entity, entityId: entityId === null ? null : String(entityId), detail: detail === undefined ? null : JSON.stringify(detail) },
    });
  }

  /** The chat row for a platform chat, created on first sight (unbound). */
  async chat(platform: string, externalId: string, title?: string): Promise<ChatRow> {
    const found = await this.db.chat.findUnique({ where: { platform_externalId: { platform, externalId } } });
    if (found) {
      if (title && found.title !== title) return this.db.chat.update({ where: { id: found.id }, data: { title } });
      return found;
    }
    try {
      return await this.db.chat.create({ data: { platform, externalId, title: title ?? null } });
    } catch (e) {
      if (isUniqueViolation(e)) return this.db.chat.findUniqueOrThrow({ where: { platform_externalId: { platform, externalId } } });
      throw e;
    }
  }

  async member(platform: string, externalId: string, name: string): Promise<MemberRow> {
    const found = await this.db.member.findUnique({ where: { platform_externalId: { platform, externalId } } });
    if (found) {
      if (name && found.name !== name) return this.db.member.update({ where: { id: found.id }, data: { name } });
      return found;
    }
    try {
      return await this.db.member.create({ data: { platform, externalId, name } });
    } catch (e) {
      if (isUniqueViolation(e)) return this.db.member.findUniqueOrThrow({ where: { platform_externalId: { platform, externalId } } });
      throw e;
    }
  }

  /**
   * A chat moved to a new id (a Telegram group upgraded to a supergroup): the binding and the
   * chat's history follow it. Records keep their source ids (their de-duplication keys).
   */
  async migrateChat(platform: string, fromExternalId: string, toExternalId: string, actor: string): Promise<ChatRow | null> {
    return this.db.$transaction(async (tx) => {
      const from = await tx.chat.findUnique({ where: { platform_externalId: { platform, externalId: fromExternalId } } });
      if (!from) return null;
      const to = await tx.chat.findUnique({ where: { platform_externalId: { platform, externalId: toExternalId } } });
      let moved: ChatRow;
      if (to) {
        // The new chat was seen first (a message raced the migration notice): keep it, bind it.
        moved = await tx.chat.update({ where: { id: to.id }, data: { unitId: to.unitId ?? from.unitId, title: to.title ?? from.title } });
        await tx.chat.update({ where: { id: from.id }, data: { unitId: null } });
      } else {
        moved = await tx.chat.update({ where: { id: from.id }, data: { externalId: toExternalId } });
      }
      await this.audit(tx, actor, "chat.migrate", "Chat", moved.id, { platform, from: fromExternalId, to: toExternalId });
      return moved;
    });
  }

  unit(id: number): Promise<UnitRow | null> {
    return this.db.unit.findUnique({ where: { id } });
  }

  unitByName(name: string): Promise<UnitRow | null> {
    return this.db.unit.findUnique({ where: { name } });
  }

  /** The unit and all its descendants' ids (a town's villages and their branches). */
  async subtreeIds(unitId: number): Promise<number[]> {
    const rows = await this.db.$queryRaw<{ id: number | bigint }[]>`
      WITH RECURSIVE t(id) AS (SELECT CAST(${unitId} AS INTEGER) UNION ALL SELECT u.id FROM "Unit" u JOIN t ON u."parentId" = t.id)
      SELECT id FROM t`;
    return rows.map((r) => Number(r.id));
  }

  /** The unit and its descendants with their parents, for roll-ups. */
  async subtree(unitId: number): Promise<{ id: number; name: string; parentId: number | null }[]> {
    const rows = await this.db.$queryRaw<{ id: number | bigint; name: string; parentId: number | bigint | null }[]>`
      WITH RECURSIVE t(id) AS (SELECT CAST(${unitId} AS INTEGER) UNION ALL SELECT u.id FROM "Unit" u JOIN t ON u."parentId" = t.id)
      SELECT u.id, u.name, u."parentId" FROM "Unit" u JOIN t ON u.id = t.id ORDER BY u.id`;
    return rows.map((r) => ({ id: Number(r.id), name: r.name, parentId: r.parentId === null ? null : Number(r.parentId) }));
  }

  children(unitId: number): Promise<UnitRow[]> {
    return this.db.unit.findMany({ where: { parentId: unitId }, orderBy: { id: "asc" } });
  }

  /**
   * Binds a chat to a unit by name, creating the unit (and the parent, if named and new).
   * Returns what changed, for the reply; the caller has already confirmed a rebind.
   */
  async bind(chat: ChatRow, unitName: string, parentName: string | null, actor: string) {
    return this.db.$transaction(async (tx) => {
      let parent: UnitRow | null = null;
      let parentCreated = false;
      if (parentName) {
        parent = await tx.unit.findUnique({ where: { name: parentName } });
        if (!parent) {
          parent = await tx.unit.create({ data: { name: parentName } });
          parentCreated = true;
          await this.audit(tx, actor, "unit.create", "Unit", parent.id, { name: parentName });
        }
      }
      let unit = await tx.unit.findUnique({ where: { name: unitName } });
      let unitCreated = false;
      let parentChanged = false;
      if (!unit) {
        unit = await tx.unit.create({ data: { name: unitName, parentId: parent?.id ?? null } });
        unitCreated = true;
        await this.audit(tx, actor, "unit.create", "Unit", unit.id, { name: unitName, parent: parentName });
      } else if (parent && unit.parentId !== parent.id) {
        // A unit cannot sit under itself or under one of its own descendants.
        const below = await tx.$queryRaw<{ id: number | bigint }[]>`
          WITH RECURSIVE t(id) AS (SELECT CAST(${unit.id} AS INTEGER) UNION ALL SELECT u.id FROM "Unit" u JOIN t ON u."parentId" = t.id)
          SELECT id FROM t`;
        if (below.some((r) => Number(r.id) === parent!.id)) {
          throw new LedgerError(`「${parentName}」是「${unitName}」的下级单位，不能反过来作为它的上级。`);
        }
        await this.audit(tx, actor, "unit.reparent", "Unit", unit.id, { from: unit.parentId, to: parent.id });
        unit = await tx.unit.update({ where: { id: unit.id }, data: { parentId: parent.id } });
        parentChanged = true;
      }
      const previousUnitId = chat.unitId;
      await tx.chat.update({ where: { id: chat.id }, data: { unitId: unit.id } });
      await this.audit(tx, actor, previousUnitId ? "chat.rebind" : "chat.bind", "Chat", chat.id, { from: previousUnitId, to: unit.id, unit: unitName });
      return { unit, unitCreated, parent, parentCreated, parentChanged, previousUnitId };
    });
  }

  async setRemindersMuted(unitId: number, muted: boolean, actor: string): Promise<void> {
    await this.db.$transaction(async (tx) => {
      await tx.unit.update({ where: { id: unitId }, data: { remindersMuted: muted } });
      await this.audit(tx, actor, muted ? "unit.reminders.off" : "unit.reminders.on", "Unit", unitId);
    });
  }

  /**
   * Creates a record with its audit row. The source (platform, chat, message id) is unique: a
   * message processed twice returns the first record with duplicate = true, and nothing new.
   */
  async createRecord(
    draft: RecordDraft,
    where: { unitId: number; chatId: number; memberId: number; platform: string; sourceChat: string; messageId: string; actor: string },
  ): Promise<{ record: RecordRow; duplicate: boolean }> {
    const source = { sourcePlatform: where.platform, sourceChat: where.sourceChat, sourceMessageId: where.messageId };
    const existing = await this.db.record.findUnique({ where: { sourcePlatform_sourceChat_sourceMessageId: source } });
    if (existing) return { record: existing, duplicate: true };
    try {
      const record = await this.db.$transaction(async (tx) => {
        const r = await tx.record.create({ data: { ...draft, unitId: where.unitId, chatId: where.chatId, memberId: where.memberId, ...source } });
        await this.audit(tx, where.actor, "record.create", "Record", r.id, draft);
        return r;
      });
      return { record, duplicate: false };
    } catch (e) {
      // Two deliveries of one message raced: the other one won, which is the same outcome.
      if (isUniqueViolation(e)) {
        return { record: await this.db.record.findUniqueOrThrow({ where: { sourcePlatform_sourceChat_sourceMessageId: source } }), duplicate: true };
      }
      throw e;
    }
  }

  record(id: number): Promise<RecordRow | null> {
    return this.db.record.findUnique({ where: { id } });
  }

  /** The member's most recent live record in the unit created since `since`. */
  lastRecordBy(memberId: number, unitId: number, since: Date): Promise<RecordRow | null> {
    return this.db.record.findFirst({
      where: { memberId, unitId, deletedAt: null, createdAt: { gte: since } },
      orderBy: { id: "desc" },
    });
  }

  /** Soft-deletes a record (kept for the audit trail; excluded from every figure). */
  async deleteRecord(id: number, actor: string, action: "record.undo" | "record.delete"): Promise<RecordRow> {
    return this.db.$transaction(async (tx) => {
      const { count } = await tx.record.updateMany({ where: { id, deletedAt: null }, data: { deletedAt: new Date() } });
      if (count === 0) throw new LedgerError(`记录 #${id} 已经删除过了。`);
      await this.audit(tx, actor, action, "Record", id);
      return tx.record.findUniqueOrThrow({ where: { id } });
    });
  }

  listRecords(unitIds: number[], period: Period, limit = 50) {
    return this.db.record.findMany({
      where: { unitId: { in: unitIds }, deletedAt: null, day: { gte: period.start, lte: period.end } },
      orderBy: [{ day: "asc" }, { id: "asc" }],
      include: { unit: { select: { name: true } }, member: { select: { name: true } } },
      take: limit,
    });
  }

  /** Every live record of the period, for the ledger export (no limit). */
  exportRecords(unitIds: number[], period: Period) {
    return this.db.record.findMany({
      where: { unitId: { in: unitIds }, deletedAt: null, day: { gte: period.start, lte: period.end } },
      orderBy: [{ day: "asc" }, { id: "asc" }],
      include: { unit: { select: { name: true } }, member: { select: { name: true } } },
    });
  }

  countRecords(unitIds: number[], period: Period): Promise<number> {
    return this.db.record.count({ where: { unitId: { in: unitIds }, deletedAt: null, day: { gte: period.start, lte: period.end } } });
  }

  /**
   * The period's figures per (kind, subtype, item), aggregated in SQL: one GROUP BY instead of
   * loading records, so a town's roll-up costs one query whatever the number of records.
   */
  async figures(unitIds: number[], period: Period): Promise<FigureRow[]> {
    if (unitIds.length === 0) return [];
    const rows = await this.db.$queryRaw<Record<string, unknown>[]>`
      SELECT "kind", "subtype", "item", COUNT(*) AS "records", SUM("sessions") AS "sessions",
             SUM(COALESCE("participants", 0)) AS "participants",
             MAX(CASE WHEN "participantsApprox" THEN 1 ELSE 0 END) AS "participantsApprox",
             SUM(COALESCE("quantity", 0)) AS "quantity",
             MAX(CASE WHEN "quantityApprox" THEN 1 ELSE 0 END) AS "quantityApprox"
      FROM "Record"
      WHERE "unitId" IN (${Prisma.join(unitIds)}) AND "deletedAt" IS NULL AND "day" >= ${period.start} AND "day" <= ${period.end}
      GROUP BY "kind", "subtype", "item"`;
    return rows.map(toFigureRow);
  }

  /** Figures per unit (for a parent's table of its children), each child's subtree summed. */
  async figuresByUnit(unitIds: number[], period: Period): Promise<(FigureRow & { unitId: number })[]> {
    if (unitIds.length === 0) return [];
    const rows = await this.db.$queryRaw<Record<string, unknown>[]>`
      SELECT "unitId", "kind", "subtype", "item", COUNT(*) AS "records", SUM("sessions") AS "sessions",
             SUM(COALESCE("participants", 0)) AS "participants",
             MAX(CASE WHEN "participantsApprox" THEN 1 ELSE 0 END) AS "participantsApprox",
             SUM(COALESCE("quantity", 0)) AS "quantity",
             MAX(CASE WHEN "quantityApprox" THEN 1 ELSE 0 END) AS "quantityApprox"
      FROM "Record"
      WHERE "unitId" IN (${Prisma.join(unitIds)}) AND "deletedAt" IS NULL AND "day" >= ${period.start} AND "day" <= ${period.end}
      GROUP BY "unitId", "kind", "subtype", "item"`;
    return rows.map((r) => ({ ...toFigureRow(r), unitId: Number(r.unitId) }));
  }

  /** Sessions per (unit, month, kind, subtype): enough to evaluate any rule over any period. */
  async monthlyCounts(unitIds: number[], period: Period): Promise<MonthlyCount[]> {
    if (unitIds.length === 0) return [];
    const rows = await this.db.$queryRaw<Record<string, unknown>[]>`
      SELECT "unitId", substr("day", 1, 7) AS "month", "kind", "subtype", SUM("sessions") AS "sessions"
      FROM "Record"
      WHERE "unitId" IN (${Prisma.join(unitIds)}) AND "deletedAt" IS NULL AND "day" >= ${period.start} AND "day" <= ${period.end}
      GROUP BY "unitId", substr("day", 1, 7), "kind", "subtype"`;
    return rows.map((r) => ({ unitId: Number(r.unitId), month: String(r.month), kind: String(r.kind), subtype: (r.subtype as string | null) ?? null, sessions: Number(r.sessions) }));
  }
}

function toFigureRow(r: Record<string, unknown>): FigureRow {
  return {
    kind: String(r.kind),
    subtype: (r.subtype as string | null) ?? null,
    item: (r.item as string | null) ?? null,
    records: Number(r.records),
    sessions: Number(r.sessions ?? 0),
    participants: Number(r.participants ?? 0),
    participantsApprox: Number(r.participantsApprox ?? 0) > 0,
    quantity: Number(r.quantity ?? 0),
    quantityApprox: Number(r.quantityApprox ?? 0) > 0,
  };
}
