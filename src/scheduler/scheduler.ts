// One scheduler pass against the store: load units and counts (one GROUP BY), plan, and claim
// each planned message by inserting it into the outbox with its unique key. INSERT … ON CONFLICT
// DO NOTHING makes the claim atomic: a second pass, a restart or a second process inserts nothing.
// The SQL is the store's (src/store/reminders.ts); this module only plans and batches.
import type { Db } from "../store/connect.js";
import type { Sql } from "../store/sql.js";
import type { Deployment } from "../config/deployment.js";
import { loadUnits, loadCounts, existingKeys, claimMessages } from "../store/reminders.js";
import { planMessages, countsNeeded, type PlannedMessage } from "./plan.js";
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

/**
 * One pass: plan what is due and claim it. Messages are claimed BATCH at a time as the plan
 * yields them, each batch in its own transaction (a claim is per message, so a pass cut short
 * leaves the rest to the next one). With `keep: false` (the running bot) the result holds only
 * the counts, so that a quarter-end morning's tens of thousands of messages never sit in memory.
 */
export async function runPass(
  store: { db: Db; sql: Sql },
  config: Deployment,
  calendar: WorkCalendar,
  at: Date,
  opts: { dryRun?: boolean; keep?: boolean } = {},
): Promise<PassResult> {
  const keep = opts.keep ?? true;
  const needed = countsNeeded({ at, config, calendar });
  const [units, counts] = await Promise.all([
    loadUnits(store.sql),
    needed ? loadCounts(store.sql, needed.to, needed.windows) : { windows: [], byUnit: new Map() },
  ]);
  const result: PassResult = { planned: [], enqueued: [], plannedCount: 0, enqueuedCount: 0 };
  // A batch is one transaction on the raw driver; ON CONFLICT DO NOTHING on the unique key is the claim.
  const claim = async (batch: PlannedMessage[]) => {
    const taken = opts.dryRun
      ? await existingKeys(
          store.sql,
          batch.map((m) => m.dedupeKey),
        ).then((have) => new Set(batch.filter((m) => !have.has(m.dedupeKey)).map((m) => m.dedupeKey)))
      : await claimMessages(store.sql, batch, at);
    const claimed = batch.filter((m) => taken.has(m.dedupeKey));
    result.plannedCount += batch.length;
    result.enqueuedCount += claimed.length;
    if (keep) {
      result.planned.push(...batch);
      result.enqueued.push(...claimed);
    }
  };
  let batch: PlannedMessage[] = [];
  for (const m of planMessages({ at, config, calendar, units, counts })) {
    batch.push(m);
    if (batch.length === BATCH) {
      await claim(batch);
      batch = [];
    }
  }
  if (batch.length) await claim(batch);
  return result;
}
