// What the ledger's store modules (units.ts, members.ts, records.ts, figures.ts) share: the row
// types and their mappers from raw-driver rows, the caches, the audit-row writer, the chat and
// member look-up, and the error a user can fix.
import type { Prisma } from "../generated/prisma/client.ts";
import type { Db } from "./connect.js";
import type { Sql } from "./sql.js";
import type { FigureRow } from "../domain/figures.js";
import type { Clock } from "../time.js";

export type Role = "admin" | "officer" | "member";

export interface ChatRow {
  id: number;
  platform: string;
  externalId: string;
  title: string | null;
  unitId: number | null;
}
export interface UnitRow {
  id: number;
  name: string;
  parentId: number | null;
  remindersMuted: boolean;
  /** Rule ids an administrator quieted for this unit, comma-separated (see quietRuleIds). */
  quietRules?: string | null;
  /** When the unit was bound: its ledger's start, before which nothing counts as missed. */
  createdAt: Date;
}
export interface MemberRow {
  id: number;
  platform: string;
  externalId: string;
  name: string;
  role: string;
  unitId: number | null;
}
export type RecordRow = Awaited<ReturnType<Db["record"]["findFirstOrThrow"]>>;

/** Thrown for rule violations the user can fix; the message is the Chinese reply. */
export class LedgerError extends Error {}

/**
 * Prisma's unique-constraint error (P2002), told by its name and code: this module is also loaded
 * by the reminder pass's thread, which must not load Prisma's runtime for an instanceof.
 */
export function isUniqueViolation(e: unknown): boolean {
  const err = e as { name?: string; code?: string } | null;
  return err?.name === "PrismaClientKnownRequestError" && err.code === "P2002";
}

/** How long a chat, member or unit row is reused without reading it again. */
const CACHE_MS = 5_000;

export class TtlCache<V> {
  private readonly map = new Map<string, { v: V; until: number }>();
  constructor(private readonly clock: Clock) {}
  get(k: string): V | undefined {
    const e = this.map.get(k);
    if (!e) return undefined;
    if (e.until < this.clock().getTime()) {
      this.map.delete(k);
      return undefined;
    }
    return e.v;
  }
  set(k: string, v: V): V {
    if (this.map.size > 50_000) this.map.clear();
    this.map.set(k, { v, until: this.clock().getTime() + CACHE_MS });
    return v;
  }
  clear(): void {
    this.map.clear();
  }
}

/**
 * The connections, the clock and the caches, one set per Ledger, handed to each store module so
 * that they all read and clear the same caches.
 */
export class StoreContext {
  // Every command reads its chat, sender and unit: cached briefly so that the record command's
  // hot path costs one write and one aggregate. Changes made here clear the caches at once;
  // another process's change (a rebind) is seen within CACHE_MS.
  readonly chats: TtlCache<ChatRow>;
  readonly members: TtlCache<MemberRow>;
  readonly units: TtlCache<UnitRow | null>;

  /** `clock` is the bot's one clock: every timestamp written here and every cache expiry reads it. */
  constructor(
    readonly db: Db,
    readonly sql: Sql,
    readonly clock: Clock,
  ) {
    this.chats = new TtlCache(clock);
    this.members = new TtlCache(clock);
    this.units = new TtlCache(clock);
  }

  /** Forgets cached rows (after a change to chats, units or roles). */
  invalidate(): void {
    this.chats.clear();
    this.members.clear();
    this.units.clear();
  }

  /** Writes one audit row, in the caller's transaction (or on its own with `db`). */
  async audit(
    tx: Prisma.TransactionClient | Db,
    actor: string | null,
    action: string,
    entity: string,
    entityId: string | number | null,
    detail?: unknown,
  ) {
    await tx.auditLog.create({
      data: {
        at: this.clock(),
        actor,
        action,
        entity,
        entityId: entityId === null ? null : String(entityId),
        detail: detail === undefined ? null : JSON.stringify(detail),
      },
    });
  }
}

/**
 * Every command looks up its chat and sender: from the cache, else one prepared SELECT on the
 * raw driver (many chats each writing now and then miss the cache, so this is the hot path);
 * creating or renaming goes through Prisma. Two first messages racing both end with one row.
 */
export async function lookupIdentity<R extends { id: number }>(
  ctx: StoreContext,
  cache: TtlCache<R>,
  table: "Chat" | "Member",
  platform: string,
  externalId: string,
  labelColumn: "title" | "name",
  label: string | null,
  map: (r: Record<string, unknown>) => R,
  create: () => Promise<unknown>,
  rename: (id: number) => Promise<unknown>,
): Promise<R> {
  const key = `${platform}\u0000${externalId}`;
  const cached = cache.get(key);
  if (cached && (label === null || (cached as Record<string, unknown>)[labelColumn] === label)) return cached;
  const find = async () => {
    const [row] = await ctx.sql.all(`SELECT * FROM "${table}" WHERE "platform" = ? AND "externalId" = ?`, [platform, externalId]);
    return row ? map(row) : null;
  };
  let found = await find();
  if (!found) {
    try {
      await create();
    } catch (e) {
      if (!isUniqueViolation(e)) throw e;
    }
    found = (await find())!;
  } else if (label !== null && (found as Record<string, unknown>)[labelColumn] !== label) {
    await rename(found.id);
    found = (await find())!;
  }
  return cache.set(key, found);
}

/** "?, ?, ?" for an IN (…) over these values. */
export const marks = (xs: unknown[]) => xs.map(() => "?").join(", ");

export const asDate = (v: unknown): Date | null => (v === null || v === undefined ? null : v instanceof Date ? v : new Date(String(v)));
export const asBool = (v: unknown): boolean => v === true || v === 1 || v === 1n || v === "1" || v === "true";
export const asNum = (v: unknown): number | null => (v === null || v === undefined ? null : Number(v));

export function toChatRow(r: Record<string, unknown>): ChatRow {
  return {
    id: Number(r.id),
    platform: String(r.platform),
    externalId: String(r.externalId),
    title: (r.title as string | null) ?? null,
    unitId: asNum(r.unitId),
  };
}

export function toUnitRow(r: Record<string, unknown>): UnitRow {
  return {
    id: Number(r.id),
    name: String(r.name),
    parentId: asNum(r.parentId),
    remindersMuted: asBool(r.remindersMuted),
    quietRules: (r.quietRules as string | null) ?? null,
    createdAt: asDate(r.createdAt)!,
  };
}

/** The rules (by id) quieted for a unit. */
export function quietRuleIds(unit: { quietRules?: string | null }): string[] {
  return unit.quietRules ? unit.quietRules.split(",").filter(Boolean) : [];
}

export function toMemberRow(r: Record<string, unknown>): MemberRow {
  return {
    id: Number(r.id),
    platform: String(r.platform),
    externalId: String(r.externalId),
    name: String(r.name),
    role: String(r.role),
    unitId: asNum(r.unitId),
  };
}

/** A Record row read by the raw driver, in the shape Prisma returns. */
export function toRecordRow(r: Record<string, unknown>): RecordRow {
  return {
    id: Number(r.id),
    unitId: Number(r.unitId),
    kind: String(r.kind),
    subtype: (r.subtype as string | null) ?? null,
    sessions: Number(r.sessions),
    participants: asNum(r.participants),
    participantsApprox: asBool(r.participantsApprox),
    quantity: asNum(r.quantity),
    quantityApprox: asBool(r.quantityApprox),
    item: (r.item as string | null) ?? null,
    day: String(r.day),
    topic: (r.topic as string | null) ?? null,
    note: (r.note as string | null) ?? null,
    memberId: asNum(r.memberId),
    chatId: asNum(r.chatId),
    sourcePlatform: String(r.sourcePlatform),
    sourceChat: String(r.sourceChat),
    sourceMessageId: String(r.sourceMessageId),
    createdAt: asDate(r.createdAt)!,
    deletedAt: asDate(r.deletedAt),
    sessionsApprox: asBool(r.sessionsApprox),
    title: (r.title as string | null) ?? null,
    place: (r.place as string | null) ?? null,
    host: (r.host as string | null) ?? null,
    attendees: (r.attendees as string | null) ?? null,
    timeOfDay: (r.timeOfDay as string | null) ?? null,
    recorder: (r.recorder as string | null) ?? null,
    minutes: (r.minutes as string | null) ?? null,
  };
}

export function toFigureRow(r: Record<string, unknown>): FigureRow {
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
    sessionsApprox: Number(r.sessionsApprox ?? 0) > 0,
  };
}
