// One scheduler pass against the store: load units and counts (one GROUP BY), plan, and claim
// each planned message by inserting it into the outbox with its unique key. INSERT … ON CONFLICT
// DO NOTHING makes the claim atomic: a second pass, a restart or a second process inserts nothing.
// The SQL is the store's (src/store/reminders.ts); this module only plans and batches.
import type { Sql } from "../store/sql.js";
import type { Deployment } from "../config/deployment.js";
import { loadUnits, loadOfficers, loadCounts, loadEvidenceCounts, existingKeys, claimMessages, type ClaimRow } from "../store/reminders.js";
import { evidenceGaps, type EvidenceGap } from "../domain/evidence.js";
import { periodOf } from "../domain/periods.js";
import { chinaDay } from "../time.js";
import { planMessages, countsNeeded, compose, withMentions, type PlannedMessage, type ComposedMessage } from "./plan.js";
import { payloadJson } from "../core/outbound.js";
import type { WorkCalendar } from "./calendar.js";

export interface PassResult {
  /** Every message due, made of all its parts (empty with keep: false). */
  planned: ComposedMessage[];
  /** The messages this pass queued, made of the parts it claimed (empty with keep: false). */
  enqueued: ComposedMessage[];
  plannedCount: number;
  enqueuedCount: number;
  /** Parts claimed but not sent: older offsets whose newer one went out in the same message. */
  supersededCount: number;
}

/** Messages claimed per transaction; also the most a dry run lists in one IN (…). */
const BATCH = 250;

/**
 * One pass: plan what is due and claim it. Each chat's message is claimed part by part (its
 * unique keys) and queued made of the parts this pass claimed, in the same transaction; BATCH
 * messages at a time as the plan yields them (a pass cut short leaves the rest to the next one).
 * With `keep: false` (the running bot) the result holds only the counts, so that a quarter-end
 * morning's tens of thousands of messages never sit in memory. A dry run claims nothing and
 * counts only what would really be sent. `claim` claims elsewhere: the running bot's pass reads and
 * plans in its thread and claims on the bot's thread, the store's one writer (claimBatch).
 */
export async function runPass(
  store: { sql: Sql },
  config: Deployment,
  calendar: WorkCalendar,
  at: Date,
  opts: { dryRun?: boolean; keep?: boolean; claim?: ClaimFn } = {},
): Promise<PassResult> {
  const keep = opts.keep ?? true;
  const needed = countsNeeded({ at, config, calendar });
  const kinds = Object.keys(config.evidence);
  const [units, counts, evidenceRows] = await Promise.all([
    loadUnits(store.sql),
    needed ? loadCounts(store.sql, needed.to, needed.windows) : { windows: [], byUnit: new Map() },
    // Only when reminders are due: the quarter's evidence gaps, named beside them.
    needed && kinds.length ? loadEvidenceCounts(store.sql, periodOf("quarter", chinaDay(at)), kinds) : [],
  ]);
  const evidence = new Map<number, EvidenceGap[]>();
  for (const r of evidenceRows) {
    const gaps = evidenceGaps([r], config.evidence);
    if (gaps.length) evidence.set(r.unitId, [...(evidence.get(r.unitId) ?? []), ...gaps]);
  }
  const result: PassResult = { planned: [], enqueued: [], plannedCount: 0, enqueuedCount: 0, supersededCount: 0 };
  const claim = opts.claim ?? ((b: PlannedMessage[]) => claimBatch(store.sql, b, at, { dryRun: opts.dryRun }));
  const claimAll = async (batch: PlannedMessage[]) => {
    withMentions(batch, await loadOfficers(store.sql, [...new Set(batch.map((m) => m.unitId).filter((id): id is number => id !== null))]));
    const claimed = await claim(batch);
    // A message is due when any of its parts is not superseded; only a listing needs its text.
    result.plannedCount += batch.filter((m) => m.lines.some((l) => !l.superseded)).length;
    result.enqueuedCount += claimed.count;
    result.supersededCount += claimed.superseded;
    if (keep) {
      result.planned.push(...batch.map((m) => compose(m)).filter((m): m is ComposedMessage => m !== null));
      result.enqueued.push(...claimed.queued);
    }
  };
  let batch: PlannedMessage[] = [];
  for (const m of planMessages({ at, config, calendar, units, counts, evidence })) {
    batch.push(m);
    if (batch.length === BATCH) {
      await claimAll(batch);
      batch = [];
    }
  }
  if (batch.length) await claimAll(batch);
  return result;
}

/** What claiming a batch of planned messages queued (`queued` is empty when the claim ran elsewhere). */
export interface BatchClaimed {
  count: number;
  superseded: number;
  queued: ComposedMessage[];
}

/** Claims a batch of planned messages wherever the pass is told to (the running bot: its own thread). */
export type ClaimFn = (batch: PlannedMessage[]) => Promise<BatchClaimed>;

/**
 * Claims planned messages, addressed already: each chat's message part by part (its unique keys)
 * and queued made of the parts this call claimed, in one transaction. A dry run claims nothing and
 * counts only what would really be sent.
 */
export async function claimBatch(sql: Sql, batch: PlannedMessage[], at: Date, opts: { dryRun?: boolean } = {}): Promise<BatchClaimed> {
  const keys = batch.flatMap((m) => m.lines.map((l) => l.dedupeKey));
  const supersededOf = (claimed: Set<string>) =>
    batch.reduce((n, m) => n + m.lines.filter((l) => l.superseded && claimed.has(l.dedupeKey)).length, 0);
  if (opts.dryRun) {
    const have = await existingKeys(sql, keys);
    const free = new Set(keys.filter((k) => !have.has(k)));
    const queued = batch.map((m) => compose(m, free)).filter((m): m is ComposedMessage => m !== null);
    return { count: queued.length, superseded: supersededOf(free), queued };
  }
  let queued: ComposedMessage[] = [];
  let superseded = 0;
  const parts: ClaimRow[] = batch.flatMap((m) =>
    m.lines.map((l) => ({
      ...rowOf(m),
      dedupeKey: l.dedupeKey,
      kind: l.kind,
      body: "",
      payload: null,
      status: l.superseded ? "superseded" : "line",
    })),
  );
  await claimMessages(sql, parts, at, (claimed) => {
    queued = batch.map((m) => compose(m, claimed)).filter((m): m is ComposedMessage => m !== null);
    superseded = supersededOf(claimed);
    return queued.map((c) => ({
      ...rowOf(c),
      dedupeKey: c.dedupeKey,
      kind: c.kind,
      body: c.body,
      payload: payloadJson({ actions: c.actions, mentions: c.mentions }),
      status: "pending",
    }));
  });
  return { count: queued.length, superseded, queued };
}

const rowOf = (m: { platform: string; chatExternalId: string; unitId: number | null }) => ({
  platform: m.platform,
  chatExternalId: m.chatExternalId,
  unitId: m.unitId,
});
