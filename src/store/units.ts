// Units and chats: a chat's row and binding, the unit tree, and a unit's reminder switch.
// Every change is written together with its audit row in one transaction, and clears the caches.
import {
  LedgerError,
  lookupIdentity,
  marks,
  isUniqueViolation,
  toChatRow,
  toUnitRow,
  quietRuleIds,
  type StoreContext,
  type ChatRow,
  type UnitRow,
} from "./shared.js";
import type { Prisma } from "../generated/prisma/client.ts";
import { windowSums, type RuleWindow } from "./figures.js";

/** pg_advisory_xact_lock key that serialises every change to the unit tree ("ledger bot unit tree"). */
const UNIT_TREE_LOCK = 7_241_522_002;

export class UnitStore {
  constructor(private readonly ctx: StoreContext) {}

  /** The chat row for a platform chat, created on first sight (unbound); its title kept current. */
  async chat(platform: string, externalId: string, title?: string): Promise<ChatRow> {
    const { ctx } = this;
    return lookupIdentity(
      ctx,
      ctx.chats,
      "Chat",
      platform,
      externalId,
      "title",
      title ?? null,
      toChatRow,
      () => ctx.db.chat.create({ data: { platform, externalId, title: title ?? null, createdAt: ctx.clock() } }),
      (id) => ctx.db.chat.update({ where: { id }, data: { title } }),
    );
  }

  /**
   * A chat moved to a new id (a Telegram group upgraded to a supergroup): the binding and the
   * chat's history follow it. Records keep their source ids (their de-duplication keys).
   */
  async migrateChat(platform: string, fromExternalId: string, toExternalId: string, actor: string): Promise<ChatRow | null> {
    return this.ctx.db.$transaction(async (tx) => {
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
      await this.ctx.audit(tx, actor, "chat.migrate", "Chat", moved.id, { platform, from: fromExternalId, to: toExternalId });
      this.ctx.invalidate();
      return moved;
    });
  }

  async unit(id: number): Promise<UnitRow | null> {
    const cached = this.ctx.units.get(String(id));
    if (cached !== undefined) return cached;
    const [row] = await this.ctx.sql.all(
      `SELECT "id", "name", "parentId", "remindersMuted", "quietRules", "createdAt" FROM "Unit" WHERE "id" = ?`,
      [id],
    );
    return this.ctx.units.set(String(id), row ? toUnitRow(row) : null);
  }

  unitByName(name: string): Promise<UnitRow | null> {
    return this.ctx.db.unit.findUnique({ where: { name } });
  }

  /** The unit and all its descendants' ids (a town's villages and their branches). */
  async subtreeIds(unitId: number): Promise<number[]> {
    return (await this.subtree(unitId)).map((u) => u.id);
  }

  /** The unit and its descendants with their parents, for roll-ups. */
  async subtree(unitId: number): Promise<{ id: number; name: string; parentId: number | null }[]> {
    const rows = await this.ctx.sql.all<{ id: number | bigint; name: string; parentId: number | bigint | null }>(
      // The CTE carries the columns itself: joining "Unit" back to it afterwards made SQLite scan
      // every unit (130 µs for a leaf at 5,000 units; 5 µs this way). UNION, not UNION ALL: a
      // row already found is not walked again, so even a tree that holds a cycle (binds can no
      // longer make one, but a database from before could hold one) is read to the end.
      `WITH RECURSIVE t("id", "name", "parentId") AS (
         SELECT "id", "name", "parentId" FROM "Unit" WHERE "id" = ?
         UNION SELECT u."id", u."name", u."parentId" FROM "Unit" u JOIN t ON u."parentId" = t."id")
       SELECT "id", "name", "parentId" FROM t ORDER BY "id"`,
      [unitId],
    );
    return rows.map((r) => ({ id: Number(r.id), name: r.name, parentId: r.parentId === null ? null : Number(r.parentId) }));
  }

  /**
   * The units of `rootId`'s subtree (the root included) whose name contains `text`, ASCII case
   * ignored: the exact name first, then shorter names, then by id; at most `limit`. The text is a
   * bound parameter and its LIKE wildcards (% _ and the escape character) are escaped, so "%" or
   * "_" typed by a user match only themselves. Cycle-safe like subtree() (UNION).
   */
  async subtreeUnitsNamedLike(
    rootId: number,
    text: string,
    limit: number,
  ): Promise<{ id: number; name: string; parentId: number | null }[]> {
    const n = Math.max(1, Math.min(1000, Math.trunc(limit)));
    const pattern = `%${text.replace(/[\\%_]/g, (c) => `\\${c}`)}%`;
    const rows = await this.ctx.sql.all<{ id: number | bigint; name: string; parentId: number | bigint | null }>(
      `WITH RECURSIVE t("id", "name", "parentId") AS (
         SELECT "id", "name", "parentId" FROM "Unit" WHERE "id" = ?
         UNION SELECT u."id", u."name", u."parentId" FROM "Unit" u JOIN t ON u."parentId" = t."id")
       SELECT "id", "name", "parentId" FROM t
       WHERE LOWER("name") LIKE LOWER(?) ESCAPE '\\'
       ORDER BY CASE WHEN "name" = ? THEN 0 ELSE 1 END, LENGTH("name"), "id"
       LIMIT ${n}`,
      [rootId, pattern, text],
    );
    return rows.map((r) => ({ id: Number(r.id), name: r.name, parentId: r.parentId === null ? null : Number(r.parentId) }));
  }

  /**
   * Each unit's own sessions in every rule window (in the windows' order), for many units at once:
   * one GROUP BY per 500 units, so a town's units × requirements table costs one query. Units
   * with no record in any window get zeros.
   */
  async unitsWindowCounts(unitIds: number[], windows: RuleWindow[]): Promise<Map<number, number[]>> {
    const out = new Map<number, number[]>(unitIds.map((id) => [id, windows.map(() => 0)]));
    if (!windows.length) return out;
    const sums = windowSums(windows);
    for (let i = 0; i < unitIds.length; i += 500) {
      const chunk = unitIds.slice(i, i + 500);
      const rows = await this.ctx.sql.all(
        `SELECT ${sums.unit} AS "unitId", ${sums.columns} FROM ${sums.table}
         WHERE ${sums.unit} IN (${marks(chunk)}) AND ${sums.where}
         GROUP BY ${sums.unit}`,
        [...sums.params, ...chunk, ...sums.whereParams],
      );
      for (const [id, counts] of sums.read(rows)) out.set(id, counts);
    }
    return out;
  }

  /** What /bind tells before a chat joins an existing unit: its chats and its records (own, and with its subtree's). */
  async unitFootprint(unitId: number): Promise<{ chats: number; records: number; subtreeRecords: number }> {
    const ids = await this.subtreeIds(unitId);
    const [chats, records, subtreeRecords] = await Promise.all([
      this.ctx.db.chat.count({ where: { unitId } }),
      this.ctx.db.record.count({ where: { unitId, deletedAt: null } }),
      this.ctx.db.record.count({ where: { unitId: { in: ids }, deletedAt: null } }),
    ]);
    return { chats, records, subtreeRecords };
  }

  children(unitId: number): Promise<UnitRow[]> {
    return this.ctx.db.unit.findMany({ where: { parentId: unitId }, orderBy: { id: "asc" } });
  }

  /**
   * Binds a chat to a unit by name, creating the unit (and the parent, if named and new).
   * Returns what changed, for the reply; the caller has already confirmed a rebind.
   */
  async bind(chat: ChatRow, unitName: string, parentName: string | null, actor: string) {
    // Several chats binding under the same new parent at once race to create it: the losers'
    // transactions roll back on the unique name and are run again, finding the winner's row.
    for (let attempt = 1; ; attempt++) {
      try {
        return await this.bindOnce(chat, unitName, parentName, actor);
      } catch (e) {
        if (!isUniqueViolation(e) || attempt >= 3) throw e;
      }
    }
  }

  private async bindOnce(chat: ChatRow, unitName: string, parentName: string | null, actor: string) {
    const { ctx } = this;
    return ctx.db.$transaction(async (tx) => {
      // Every bind holds the tree's one lock from its first statement, so the descendant check
      // below and the update after it see the tree no other bind is changing (two crossing
      // re-parentings, each checked against the old tree, made a cycle on PostgreSQL).
      await this.lockTree(tx);
      let parent: UnitRow | null = null;
      let parentCreated = false;
      if (parentName) {
        parent = await tx.unit.findUnique({ where: { name: parentName } });
        if (!parent) {
          parent = await tx.unit.create({ data: { name: parentName, createdAt: ctx.clock() } });
          parentCreated = true;
          await ctx.audit(tx, actor, "unit.create", "Unit", parent.id, { name: parentName });
        }
      }
      let unit = await tx.unit.findUnique({ where: { name: unitName } });
      let unitCreated = false;
      let parentChanged = false;
      if (!unit) {
        unit = await tx.unit.create({ data: { name: unitName, parentId: parent?.id ?? null, createdAt: ctx.clock() } });
        unitCreated = true;
        await ctx.audit(tx, actor, "unit.create", "Unit", unit.id, { name: unitName, parent: parentName });
      } else if (parent && unit.parentId !== parent.id) {
        // A unit cannot sit under itself or under one of its own descendants.
        const below = await tx.$queryRaw<{ id: number | bigint }[]>`
          WITH RECURSIVE t(id) AS (SELECT CAST(${unit.id} AS INTEGER) UNION SELECT u.id FROM "Unit" u JOIN t ON u."parentId" = t.id)
          SELECT id FROM t`;
        if (below.some((r) => Number(r.id) === parent!.id)) {
          throw new LedgerError(`「${parentName}」是「${unitName}」的下级单位，不能反过来作为它的上级。`);
        }
        await ctx.audit(tx, actor, "unit.reparent", "Unit", unit.id, { from: unit.parentId, to: parent.id });
        unit = await tx.unit.update({ where: { id: unit.id }, data: { parentId: parent.id } });
        parentChanged = true;
      }
      const previousUnitId = chat.unitId;
      await tx.chat.update({ where: { id: chat.id }, data: { unitId: unit.id } });
      await ctx.audit(tx, actor, previousUnitId ? "chat.rebind" : "chat.bind", "Chat", chat.id, {
        from: previousUnitId,
        to: unit.id,
        unit: unitName,
      });
      ctx.invalidate();
      return { unit, unitCreated, parent, parentCreated, parentChanged, previousUnitId };
    });
  }

  /**
   * Takes the unit tree's write lock inside a transaction, before anything is read. PostgreSQL:
   * a transaction-scoped advisory lock (released by COMMIT or ROLLBACK). SQLite: the adapter's
   * BEGIN is DEFERRED, so its first statement here is a write that changes nothing — it takes
   * the database's write lock at once (another process's bind waits for it, then reads the
   * committed tree), where a first read would let two processes read the same old tree and the
   * later writer fail with SQLITE_BUSY_SNAPSHOT.
   */
  private async lockTree(tx: Prisma.TransactionClient): Promise<void> {
    if (this.ctx.sql.provider === "postgresql") await tx.$executeRawUnsafe(`SELECT pg_advisory_xact_lock(${UNIT_TREE_LOCK})`);
    else await tx.$executeRawUnsafe(`UPDATE "Unit" SET "parentId" = "parentId" WHERE 0 = 1`);
  }

  /** Quiets (or un-quiets) one rule's reminders for a unit, audited. */
  async setRuleQuiet(unitId: number, ruleId: string, quiet: boolean, actor: string): Promise<void> {
    await this.ctx.db.$transaction(async (tx) => {
      const row = await tx.unit.findUniqueOrThrow({ where: { id: unitId }, select: { quietRules: true } });
      const ids = new Set(quietRuleIds(row));
      if (quiet) ids.add(ruleId);
      else ids.delete(ruleId);
      await tx.unit.update({ where: { id: unitId }, data: { quietRules: ids.size ? [...ids].join(",") : null } });
      await this.ctx.audit(tx, actor, quiet ? "unit.reminders.quiet" : "unit.reminders.unquiet", "Unit", unitId, { rule: ruleId });
      this.ctx.invalidate();
    });
  }

  async setRemindersMuted(unitId: number, muted: boolean, actor: string): Promise<void> {
    await this.ctx.db.$transaction(async (tx) => {
      await tx.unit.update({ where: { id: unitId }, data: { remindersMuted: muted } });
      await this.ctx.audit(tx, actor, muted ? "unit.reminders.off" : "unit.reminders.on", "Unit", unitId);
      this.ctx.invalidate();
    });
  }
}
