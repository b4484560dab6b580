// One scheduler pass against the store: load units and counts (one GROUP BY), plan, and claim
// each planned message by inserting it into the outbox with its unique key. INSERT … ON CONFLICT
// DO NOTHING makes the claim atomic: a second pass, a restart or a second process inserts nothing.
import type { Db } from "../store/connect.js";
import { Prisma } from "../generated/prisma/client.ts";
import type { Deployment } from "../config/deployment.js";
import { plan, countsWindowStart, type PlannedMessage, type PlanUnit } from "./plan.js";
import type { WorkCalendar } from "./calendar.js";
import type { MonthlyCount } from "../domain/requirements.js";
import { chinaDay } from "../time.js";

export interface PassResult {
  planned: PlannedMessage[];
  /** The messages this pass claimed (all planned ones not claimed before). */
  enqueued: PlannedMessage[];
}

const CHUNK = 200;

async function loadUnits(db: Db): Promise<PlanUnit[]> {
  const units = await db.unit.findMany({ select: { id: true, name: true, parentId: true, remindersMuted: true, chats: { select: { platform: true, externalId: true } } } });
  return units;
}

async function loadCounts(db: Db, from: string, to: string): Promise<MonthlyCount[]> {
  // All units at once: one aggregate over the window instead of one query per unit.
  const rows = await db.$queryRaw<Record<string, unknown>[]>`
    SELECT "unitId", substr("day", 1, 7) AS "month", "kind", "subtype", SUM("sessions") AS "sessions"
    FROM "Record" WHERE "deletedAt" IS NULL AND "day" >= ${from} AND "day" <= ${to}
    GROUP BY "unitId", substr("day", 1, 7), "kind", "subtype"`;
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

export async function runPass(db: Db, config: Deployment, calendar: WorkCalendar, at: Date, opts: { dryRun?: boolean } = {}): Promise<PassResult> {
  const [units, counts] = await Promise.all([loadUnits(db), loadCounts(db, countsWindowStart(config, at), chinaDay(at))]);
  const planned = plan({ at, config, calendar, units, counts });
  if (opts.dryRun) {
    const have = await existingKeys(db, planned.map((p) => p.dedupeKey));
    return { planned, enqueued: planned.filter((p) => !have.has(p.dedupeKey)) };
  }
  const claimed = new Set<string>();
  for (let i = 0; i < planned.length; i += CHUNK) {
    const values = planned.slice(i, i + CHUNK).map((m) =>
      Prisma.sql`(${m.dedupeKey}, ${m.kind}, ${m.platform}, ${m.chatExternalId}, ${m.unitId}, ${m.body}, ${m.superseded ? "superseded" : "pending"}, 0, ${at}, ${at})`);
    const rows = await db.$queryRaw<{ dedupeKey: string }[]>`
      INSERT INTO "Outbox" ("dedupeKey", "kind", "platform", "chatExternalId", "unitId", "body", "status", "attempts", "nextAttemptAt", "createdAt")
      VALUES ${Prisma.join(values)} ON CONFLICT ("dedupeKey") DO NOTHING RETURNING "dedupeKey"`;
    rows.forEach((r) => claimed.add(r.dedupeKey));
  }
  return { planned, enqueued: planned.filter((p) => claimed.has(p.dedupeKey)) };
}
