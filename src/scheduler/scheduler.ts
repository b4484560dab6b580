// One scheduler pass against the store: load units and counts (one GROUP BY), plan, and claim
// each planned message by inserting it into the outbox with its unique key. INSERT … ON CONFLICT
// DO NOTHING makes the claim atomic: a second pass, a restart or a second process inserts nothing.
import type { Db } from "../store/connect.js";
import type { Sql } from "../store/sql.js";
import type { Deployment } from "../config/deployment.js";
import { planMessages, countsNeeded, type PlannedMessage, type PlanUnit, type CountWindow, type PassCounts } from "./plan.js";
import { windowSums } from "../store/ledger.js";
import type { WorkCalendar } from "./calendar.js";

export interface PassResult {
  /** Every message due (empty with keep: false). */
  planned: PlannedMessage[];
  /** The messages this pass claimed: all planned ones not claimed before (empty with keep: false). */
  enqueued: PlannedMessage[];
  plannedCount: number;
  enqueuedCount: number;
}

/** Messages claimed per transaction; also the most a dry run lists in one IN (…). */
const BATCH = 500;

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

/**
 * Every unit's sessions in each count window: one GROUP BY "unitId" with a column per window,
 * each kind read from its earliest window on (a yearly report rule must not widen the window of
 * the monthly study rule: the study records are a third of the ledger).
 */
async function loadCounts(sql: Sql, to: string, windows: CountWindow[]): Promise<PassCounts> {
  const from = new Map<string, string>();
  for (const w of windows) if (!from.has(w.kind) || w.start < from.get(w.kind)!) from.set(w.kind, w.start);
  const sums = windowSums(windows);
  const rows = await sql.all(
    `SELECT r."unitId", ${sums.columns}
     FROM "Record" r WHERE r."deletedAt" IS NULL AND r."day" <= ? AND (${[...from].map(() => `(r."kind" = ? AND r."day" >= ?)`).join(" OR ")})
     GROUP BY r."unitId"`,
    [...sums.params, to, ...[...from].flat()]);
  return { windows, byUnit: sums.read(rows) };
}

/** Which of these keys are already in the outbox (for a dry run). */
async function existingKeys(sql: Sql, keys: string[]): Promise<Set<string>> {
  if (!keys.length) return new Set();
  const rows = await sql.all<{ dedupeKey: string }>(`SELECT "dedupeKey" FROM "Outbox" WHERE "dedupeKey" IN (${keys.map(() => "?").join(", ")})`, keys);
  return new Set(rows.map((r) => r.dedupeKey));
}

/**
 * One pass: plan what is due and claim it. Messages are claimed BATCH at a time as the plan
 * yields them, each batch in its own transaction (a claim is per message, so a pass cut short
 * leaves the rest to the next one). With `keep: false` (the running bot) the result holds only
 * the counts, so that a quarter-end morning's tens of thousands of messages never sit in memory.
 */
export async function runPass(store: { db: Db; sql: Sql }, config: Deployment, calendar: WorkCalendar, at: Date, opts: { dryRun?: boolean; keep?: boolean } = {}): Promise<PassResult> {
  const keep = opts.keep ?? true;
  const needed = countsNeeded({ at, config, calendar });
  const [units, counts] = await Promise.all([loadUnits(store.sql), needed ? loadCounts(store.sql, needed.to, needed.windows) : { windows: [], byUnit: new Map() }]);
  const result: PassResult = { planned: [], enqueued: [], plannedCount: 0, enqueuedCount: 0 };
  // A batch is one transaction on the raw driver; ON CONFLICT DO NOTHING on the unique key is the claim.
  const cols = ["dedupeKey", "kind", "platform", "chatExternalId", "unitId", "body", "status", "attempts", "nextAttemptAt", "createdAt"];
  const claim = async (batch: PlannedMessage[]) => {
    const taken = opts.dryRun
      ? await existingKeys(store.sql, batch.map((m) => m.dedupeKey)).then((have) => new Set(batch.filter((m) => !have.has(m.dedupeKey)).map((m) => m.dedupeKey)))
      : new Set((await store.sql.insertManyClaimed("Outbox", cols, batch.map((m) => [m.dedupeKey, m.kind, m.platform, m.chatExternalId, m.unitId, m.body, m.superseded ? "superseded" : "pending", 0, at, at]), "dedupeKey")) as string[]);
    const claimed = batch.filter((m) => taken.has(m.dedupeKey));
    result.plannedCount += batch.length;
    result.enqueuedCount += claimed.length;
    if (keep) { result.planned.push(...batch); result.enqueued.push(...claimed); }
  };
  let batch: PlannedMessage[] = [];
  for (const m of planMessages({ at, config, calendar, units, counts })) {
    batch.push(m);
    if (batch.length === BATCH) { await claim(batch); batch = []; }
  }
  if (batch.length) await claim(batch);
  return result;
}
