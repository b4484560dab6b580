// The scheduler pass's SQL: every unit with its chats, every unit's sessions in the due rule
// windows (one GROUP BY), and the claim of planned messages in the outbox. INSERT … ON CONFLICT
// DO NOTHING on the unique key makes the claim atomic: a second pass, a restart or a second
// process inserts nothing.
import type { Sql } from "./sql.js";
import { windowSums, type RuleWindow } from "./figures.js";
import { marks } from "./shared.js";

/** A unit as the pass plans for it: its place in the tree, its switch and its chats. */
export interface ReminderUnit {
  id: number;
  name: string;
  parentId: number | null;
  remindersMuted: boolean;
  chats: { platform: string; externalId: string }[];
}

/** A planned message to claim: its unique key and what the outbox sends. */
export interface ReminderClaim {
  dedupeKey: string;
  kind: string;
  platform: string;
  chatExternalId: string;
  unitId: number | null;
  body: string;
  /** Claimed as "superseded" (never sent) instead of "pending". */
  superseded: boolean;
  /** Buttons under the message, kept in the row's payload (the reply's JSON beyond its text). */
  actions?: { label: string; command: string }[];
}

/** Every unit with its chats: one join on the raw driver (10,000 units through Prisma's
 * relation loading took a quarter of a second). */
export async function loadUnits(sql: Sql): Promise<ReminderUnit[]> {
  const rows = await sql.all<{
    id: number;
    name: string;
    parentId: number | null;
    remindersMuted: unknown;
    platform: string | null;
    externalId: string | null;
  }>(
    `SELECT u."id", u."name", u."parentId", u."remindersMuted", c."platform", c."externalId"
     FROM "Unit" u LEFT JOIN "Chat" c ON c."unitId" = u."id" ORDER BY u."id", c."id"`,
  );
  const units = new Map<number, ReminderUnit>();
  for (const r of rows) {
    const id = Number(r.id);
    let u = units.get(id);
    if (!u) {
      u = {
        id,
        name: r.name,
        parentId: r.parentId === null ? null : Number(r.parentId),
        remindersMuted: r.remindersMuted === true || Number(r.remindersMuted) === 1,
        chats: [],
      };
      units.set(id, u);
    }
    if (r.platform !== null && r.externalId !== null) u.chats.push({ platform: r.platform, externalId: r.externalId });
  }
  return [...units.values()];
}

/**
 * Every unit's sessions in each count window: one GROUP BY "unitId" with a column per window,
 * each kind read from its earliest window on (a yearly report rule must not widen the window of
 * the monthly study rule: the study records are a third of the ledger). Units with none are
 * left out; the counts are in the windows' order.
 */
export async function loadCounts<W extends RuleWindow>(
  sql: Sql,
  to: string,
  windows: W[],
): Promise<{ windows: W[]; byUnit: Map<number, number[]> }> {
  const from = new Map<string, string>();
  for (const w of windows) if (!from.has(w.kind) || w.start < from.get(w.kind)!) from.set(w.kind, w.start);
  const sums = windowSums(windows);
  const rows = await sql.all(
    `SELECT r."unitId", ${sums.columns}
     FROM "Record" r WHERE r."deletedAt" IS NULL AND r."day" <= ? AND (${[...from].map(() => `(r."kind" = ? AND r."day" >= ?)`).join(" OR ")})
     GROUP BY r."unitId"`,
    [...sums.params, to, ...[...from].flat()],
  );
  return { windows, byUnit: sums.read(rows) };
}

/** Which of these keys are already in the outbox (for a dry run). */
export async function existingKeys(sql: Sql, keys: string[]): Promise<Set<string>> {
  if (!keys.length) return new Set();
  const rows = await sql.all<{ dedupeKey: string }>(`SELECT "dedupeKey" FROM "Outbox" WHERE "dedupeKey" IN (${marks(keys)})`, keys);
  return new Set(rows.map((r) => r.dedupeKey));
}

const CLAIM_COLUMNS = [
  "dedupeKey",
  "kind",
  "platform",
  "chatExternalId",
  "unitId",
  "body",
  "payload",
  "status",
  "attempts",
  "nextAttemptAt",
  "createdAt",
];

/**
 * Claims a batch of messages, due now (`at`), in one transaction on the raw driver: ON CONFLICT
 * DO NOTHING on the unique key is the claim. Returns the keys this call inserted.
 */
export async function claimMessages(sql: Sql, batch: ReminderClaim[], at: Date): Promise<Set<string>> {
  const rows = batch.map((m) => [
    m.dedupeKey,
    m.kind,
    m.platform,
    m.chatExternalId,
    m.unitId,
    m.body,
    m.actions?.length ? JSON.stringify({ actions: m.actions }) : null,
    m.superseded ? "superseded" : "pending",
    0,
    at,
    at,
  ]);
  return new Set((await sql.insertManyClaimed("Outbox", CLAIM_COLUMNS, rows, "dedupeKey")) as string[]);
}
