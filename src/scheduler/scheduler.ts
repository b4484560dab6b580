// One scheduler pass against the store: load units and counts (one GROUP BY), plan, and claim
// each planned message by inserting it into the outbox with its unique key. INSERT … ON CONFLICT
// DO NOTHING makes the claim atomic: a second pass, a restart or a second process inserts nothing.
import type { Db } from "../store/connect.js";
import type { Sql } from "../store/sql.js";
import type { Deployment } from "../config/deployment.js";
import { plan, countsNeeded, type PlannedMessage, type PlanUnit } from "./plan.js";
import type { WorkCalendar } from "./calendar.js";
import type { MonthlyCount } from "../domain/requirements.js";

export interface PassResult {
  planned: PlannedMessage[];
  /** The messages this pass claimed (all planned ones not claimed before). */
  enqueued: PlannedMessage[];
}

const CHUNK = 500;

/** Every unit with its chats: one join on the raw driver (10,000 units through Prisma's
 * relation loading took a quarter of a second). */
async function loadUnits(sql: Sql): Promise<PlanUnit[]> {
  const rows = await sql.all<{ id: number; name: string; parentId: number | null; remindersMuted: unknown; platform: string | null; externalId: string | null }>(
    `SELECT u."id", u."name", u."parentId", u."remindersMuted", c."platform", c."externalId"
     FROM "Unit" u LEFT JOIN "Chat" c ON c."unitId" = u."id" ORDER BY u."id", c."id"`);
  const units = new Map<number, PlanUnit>();
  for (const r of rows) {
    const id = Number(r.id);
    let u = units.get(id);
    if (!u) {
      u = { id, name: r.name, parentId: r.parentId === null ? null : Number(r.parentId), remindersMuted: r.remindersMuted === true || Number(r.remindersMuted) === 1, chats: [] };
      units.set(id, u);
    }
    if (r.platform !== null && r.externalId !== null) u.chats.push({ platform: r.platform, externalId: r.externalId });
  }
  return [...units.values()];
}

/** Sessions per (unit, month, kind, subtype) of all units at once, each kind over its own window. */
async function loadCounts(sql: Sql, to: string, windows: { kind: string; from: string }[]): Promise<MonthlyCount[]> {
  const rows = await sql.all(
    `SELECT "unitId", substr("day", 1, 7) AS "month", "kind", "subtype", SUM("sessions") AS "sessions"
     FROM "Record" WHERE "deletedAt" IS NULL AND "day" <= ? AND (${windows.map(() => `("kind" = ? AND "day" >= ?)`).join(" OR ")})
     GROUP BY "unitId", substr("day", 1, 7), "kind", "subtype"`,
    [to, ...windows.flatMap((w) => [w.kind, w.from])]);
  return rows.map((r) => ({ unitId: Number(r.unitId), month: String(r.month), kind: String(r.kind), subtype: (r.subtype as string | null) ?? null, sessions: Number(r.sessions) }));
}

/** Which of these keys are already in the outbox (for a dry run). */
async function existingKeys(db: Db, keys: string[]): Promise<Set<string>> {
  const found = new Set<string>();
  for (let i = 0; i < keys.length; i += CHUNK) {
    const rows = await db.outbox.findMany({ where: { dedupeKey: { in: keys.slice(i, i + CHUNK) } }, select: { dedupeKey: true } });
    rows.forEach((r) => found.add(r.dedupeKey));
  }
  return found;
}

export async function runPass(store: { db: Db; sql: Sql }, config: Deployment, calendar: WorkCalendar, at: Date, opts: { dryRun?: boolean } = {}): Promise<PassResult> {
  const { db } = store;
  const needed = countsNeeded({ at, config, calendar });
  const [units, counts] = await Promise.all([loadUnits(store.sql), needed ? loadCounts(store.sql, needed.to, needed.windows) : []]);
  const planned = plan({ at, config, calendar, units, counts });
  if (opts.dryRun) {
    const have = await existingKeys(db, planned.map((p) => p.dedupeKey));
    return { planned, enqueued: planned.filter((p) => !have.has(p.dedupeKey)) };
  }
  // One transaction on the raw driver; ON CONFLICT DO NOTHING on the unique key is the claim.
  const cols = ["dedupeKey", "kind", "platform", "chatExternalId", "unitId", "body", "status", "attempts", "nextAttemptAt", "createdAt"];
  const rows = planned.map((m) => [m.dedupeKey, m.kind, m.platform, m.chatExternalId, m.unitId, m.body, m.superseded ? "superseded" : "pending", 0, at, at]);
  const claimed = new Set((await store.sql.insertManyClaimed("Outbox", cols, rows, "dedupeKey")) as string[]);
  return { planned, enqueued: planned.filter((p) => claimed.has(p.dedupeKey)) };
}
