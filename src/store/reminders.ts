// The scheduler pass's SQL: every unit with its chats, every unit's sessions in the due rule
// windows (one GROUP BY), and the claim of planned messages in the outbox. INSERT … ON CONFLICT
// DO NOTHING on the unique key makes the claim atomic: a second pass, a restart or a second
// process inserts nothing.
import type { Sql } from "./sql.js";
import { addDays, chinaDay } from "../time.js";
import { windowSums, wholeMonths, type RuleWindow } from "./figures.js";
import { marks, quietRuleIds } from "./shared.js";
import { periodOf, type Period } from "../domain/periods.js";
import type { NewOutboxRow } from "./outbox.js";

/** A unit as the pass plans for it: its place in the tree, its switches and its chats. */
export interface ReminderUnit {
  id: number;
  name: string;
  parentId: number | null;
  remindersMuted: boolean;
  quietRules: string[];
  since: string;
  chats: { platform: string; externalId: string }[];
}

/** Every unit with its chats: one join on the raw driver (10,000 units through Prisma's relation
 * loading took a quarter of a second). */
export async function loadUnits(sql: Sql): Promise<ReminderUnit[]> {
  const rows = await sql.all<{
    id: number;
    name: string;
    parentId: number | null;
    remindersMuted: unknown;
    quietRules: string | null;
    createdAt: unknown;
    platform: string | null;
    externalId: string | null;
  }>(
    `SELECT u."id", u."name", u."parentId", u."remindersMuted", u."quietRules", u."createdAt", c."platform", c."externalId"
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
        quietRules: quietRuleIds(r),
        since: chinaDay(r.createdAt instanceof Date ? r.createdAt : new Date(String(r.createdAt))),
        chats: [],
      };
      units.set(id, u);
    }
    if (r.platform !== null && r.externalId !== null) u.chats.push({ platform: r.platform, externalId: r.externalId });
  }
  return [...units.values()];
}

/** The 宣传员 of these units, whom their reminders are addressed to. */
export async function loadOfficers(
  sql: Sql,
  unitIds: number[],
): Promise<{ unitId: number; platform: string; externalId: string; name: string }[]> {
  if (!unitIds.length) return [];
  const rows = await sql.all<{ unitId: number; platform: string; externalId: string; name: string }>(
    `SELECT "unitId", "platform", "externalId", "name" FROM "Member" WHERE "role" = 'officer' AND "unitId" IN (${marks(unitIds)}) ORDER BY "id"`,
    unitIds,
  );
  return rows.map((r) => ({ ...r, unitId: Number(r.unitId) }));
}

/**
 * Every unit's sessions in each count window, up to the day of the pass (`to`). Whole months,
 * `to`'s own included, are read from the monthly counts the triggers on "Record" keep
 * ("RecordMonth": a few rows per unit and kind, however long the ledger); the records of `to`'s
 * month dated after `to` (the count must stop at `to`; rarely any) are read through the
 * ("kind", "day") index and taken off. So a pass costs the same on a ledger of ten years as of
 * one. Windows that are not whole months (never a rule's) are all read from the records. Each
 * kind is read from its earliest window on (a yearly report rule must not widen the window of the
 * monthly study rule). Units with none are left out; the counts are in the windows' order.
 */
export async function loadCounts<W extends RuleWindow>(
  sql: Sql,
  to: string,
  windows: W[],
): Promise<{ windows: W[]; byUnit: Map<number, number[]> }> {
  if (!windows.length) return { windows, byUnit: new Map() };
  if (!windows.every(wholeMonths)) return { windows, byUnit: await sumsUpTo(sql, windows, to, { records: true }) };
  const monthEnd = periodOf("month", to).end;
  const after = addDays(to, 1);
  const [months, later] = await Promise.all([
    sumsUpTo(
      sql,
      windows.map((w) => ({ ...w, end: w.end < monthEnd ? w.end : monthEnd })),
      monthEnd,
      { records: false },
    ),
    to < monthEnd
      ? sumsUpTo(
          sql,
          windows.map((w) => ({ ...w, start: w.start > after ? w.start : after, end: w.end < monthEnd ? w.end : monthEnd })),
          monthEnd,
          { records: true },
        )
      : Promise.resolve(new Map<number, number[]>()),
  ]);
  for (const [unit, counts] of later) {
    const sum = months.get(unit);
    if (sum)
      months.set(
        unit,
        sum.map((n, i) => n - counts[i]),
      );
  }
  return { windows, byUnit: months };
}

/** One GROUP BY "unitId" with a column per window, over the rows up to `to`, each kind from its earliest window. */
async function sumsUpTo(sql: Sql, windows: RuleWindow[], to: string, opts: { records: boolean }): Promise<Map<number, number[]>> {
  const from = new Map<string, string>();
  for (const w of windows) if (!from.has(w.kind) || w.start < from.get(w.kind)!) from.set(w.kind, w.start);
  const sums = windowSums(windows, opts);
  // Nothing can be in a span that ends before it starts (a window wholly after the day, or this month's part of a past one).
  if ([...from.values()].every((start) => start > to)) return new Map();
  const rows = await sql.all(
    `SELECT ${sums.unit} AS "unitId", ${sums.columns}
     FROM ${sums.table} WHERE ${sums.column} <= ? AND (${[...from].map(() => `(${sums.alias}."kind" = ? AND ${sums.column} >= ?)`).join(" OR ")})${sums.alias === "r" ? ` AND r."deletedAt" IS NULL` : ""}
     GROUP BY ${sums.unit}`,
    [...sums.params, sums.cut(to), ...[...from].flatMap(([kind, start]) => [kind, sums.cut(start)])],
  );
  return sums.read(rows);
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

/** A row the pass writes: a part's claim ("line", "superseded") or a message to send ("pending"). */
export type ClaimRow = Omit<NewOutboxRow, "status" | "attempts" | "nextAttemptAt" | "lastError"> & {
  status: "line" | "superseded" | "pending";
};

/**
 * Claims parts of messages, due now (`at`), in one transaction on the raw driver: each part's row
 * is the claim, by ON CONFLICT DO NOTHING on its unique key; then `then` is told which parts this
 * call claimed and returns the messages to queue, written in the same transaction. A part another
 * pass or process holds is in that one's message, never in two.
 */
export async function claimMessages(sql: Sql, parts: ClaimRow[], at: Date, then: (claimed: Set<string>) => ClaimRow[]): Promise<void> {
  const row = (r: ClaimRow) => [r.dedupeKey, r.kind, r.platform, r.chatExternalId, r.unitId, r.body, r.payload, r.status, 0, at, at];
  await sql.insertManyClaimed("Outbox", CLAIM_COLUMNS, parts.map(row), "dedupeKey", (taken) => then(new Set(taken as string[])).map(row));
}

/** One unit's records of one kind in a period, counted by what evidence they lack. */
export interface EvidenceCounts {
  unitId: number;
  kind: string;
  records: number;
  noPhoto: number;
  noAttendance: number;
  noMinutes: number;
}

/**
 * Every unit's records of these kinds in the period, counted by the evidence they lack (no photo;
 * no 参加人员, head count or sign-in sheet; no 纪要 or minutes file), for the reminders' 佐证材料
 * lines: sums of the monthly rows the triggers on "Record" and "Attachment" keep ("RecordMonth"
 * counts its records with each piece of evidence, by the same tests as the completeness check of
 * /统计), read per unit along the rows' key, so a pass reads the same few rows per unit however
 * many records the quarter holds.
 */
export async function loadEvidenceCounts(sql: Sql, period: Period, kinds: string[]): Promise<EvidenceCounts[]> {
  if (!kinds.length) return [];
  const rows = await sql.all(
    `SELECT m."unitId", m."kind", SUM(m."records") AS "records",
       SUM(m."records") - SUM(m."photoRecords") AS "noPhoto",
       SUM(m."records") - SUM(m."attendanceRecords") AS "noAttendance",
       SUM(m."records") - SUM(m."minutesRecords") AS "noMinutes"
     FROM "Unit" u CROSS JOIN "RecordMonth" m
     WHERE m."unitId" = u."id" AND m."kind" IN (${marks(kinds)}) AND m."month" >= ? AND m."month" <= ?
     GROUP BY m."unitId", m."kind" HAVING SUM(m."records") > 0`,
    [...kinds, period.start.slice(0, 7), period.end.slice(0, 7)],
  );
  return rows.map((r) => ({
    unitId: Number(r.unitId),
    kind: String(r.kind),
    records: Number(r.records),
    noPhoto: Number(r.noPhoto),
    noAttendance: Number(r.noAttendance),
    noMinutes: Number(r.noMinutes),
  }));
}
