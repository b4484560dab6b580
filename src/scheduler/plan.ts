// One scheduler pass, as pure planning: given the units, their recorded counts, the rules, the
// calendar and an instant, what each chat is to be told. A chat gets one message per send time
// that merges everything due for it; underneath, each part of it (unit, rule, period, offset,
// chat — or the quarter's checklist, a year's notice) has its own unique key that claims it in
// the outbox, so a restart or a second process never sends a part twice and never drops one.
import type { DeploymentRules } from "../domain/rules.js";
import { periodOf, nextPeriod, previousPeriod, periodKey, type Period } from "../domain/periods.js";
import { rulesOf, ruleApplies, deadlineOf, type Rule } from "../domain/requirements.js";
import type { RuleWindow } from "../store/ledger.js";
import { addDays, chinaDay, chinaInstant } from "../time.js";
import type { WorkCalendar } from "./calendar.js";
import type { ReplyAction } from "../core/types.js";
import type { EvidenceGap } from "../domain/evidence.js";
import {
  checklistItem,
  messageBody,
  messageActions,
  DIGEST_NAMES,
  type MessageEvidence,
  type DueSlot as SlotWords,
  type Item,
  type Lagging,
} from "./wording.js";

export interface PlanUnit {
  id: number;
  name: string;
  parentId: number | null;
  remindersMuted: boolean;
  /** Rules (by id) an administrator quieted for this unit: no reminder to it, still in digests. */
  quietRules?: string[];
  /** Its binding day: a deadline that passed before it is not one it missed. */
  since?: string;
  chats: { platform: string; externalId: string }[];
}

/** One claimed part of a message: its unique key and, when it is an older offset, superseded. */
export interface PlannedLine {
  dedupeKey: string;
  kind: "reminder" | "digest" | "overdue" | "checklist" | "notice";
  /** An older offset whose newer one is also due: claimed, but not sent (one reminder, not two). */
  superseded: boolean;
  item: Item;
}

/** What one chat is to be told at one send time, before its parts are claimed. */
export interface PlannedMessage {
  kind: "reminder" | "digest" | "checklist" | "notice";
  platform: string;
  chatExternalId: string;
  unitId: number | null;
  unitName: string;
  /** When it became due (its send time); for the operator's listing. */
  dueAt: Date;
  today: string;
  lines: PlannedLine[];
  /** The people it is addressed to (the unit's 宣传员 on this chat's platform; see withMentions). */
  mentions: { userId: string; name: string }[];
  /** What the quarter's records of the unit, and of its children named in the digest, lack. */
  evidence?: MessageEvidence;
}

/**
 * Addresses each message to its unit's 宣传员 on the chat's platform. Read per batch of messages
 * the pass has (most passes have none), not for every unit on every pass.
 */
export function withMentions(
  batch: PlannedMessage[],
  officers: { unitId: number; platform: string; externalId: string; name: string }[],
): void {
  for (const m of batch) {
    m.mentions = officers
      .filter((o) => o.unitId === m.unitId && o.platform === m.platform)
      .map((o) => ({ userId: o.externalId, name: o.name }));
  }
}

/** The message as sent, from the parts that were claimed (null: nothing of it is to be sent). */
export interface ComposedMessage {
  /** Unique per chat and set of parts, so two processes' disjoint claims make two rows, not one. */
  dedupeKey: string;
  kind: PlannedMessage["kind"];
  platform: string;
  chatExternalId: string;
  unitId: number | null;
  body: string;
  actions: ReplyAction[];
  mentions: { userId: string; name: string }[];
  dueAt: Date;
  /** The parts it carries. */
  lines: string[];
}

/** The message made of the parts in `claimed` (all of them when absent), superseded ones left out. */
export function compose(m: PlannedMessage, claimed?: Set<string>): ComposedMessage | null {
  const lines = m.lines.filter((l) => !l.superseded && (!claimed || claimed.has(l.dedupeKey)));
  const items = lines.map((l) => l.item);
  const body = messageBody(m.unitName, items, m.today, m.mentions.length > 0, m.evidence);
  if (!body) return null;
  const keys = lines.map((l) => l.dedupeKey);
  return {
    dedupeKey: `message:${m.platform}:${m.chatExternalId}:${m.dueAt.toISOString()}:${hashOf(keys.join("|"))}`,
    kind: m.kind,
    platform: m.platform,
    chatExternalId: m.chatExternalId,
    unitId: m.unitId,
    body,
    actions: messageActions(items),
    mentions: m.mentions,
    dueAt: m.dueAt,
    lines: keys,
  };
}

/** A short, stable digest of the parts' keys (FNV-1a, 32 bits, twice): a key, not a secret. */
function hashOf(s: string): string {
  let a = 0x811c9dc5;
  let b = 0x01000193;
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    a = Math.imul(a ^ c, 0x01000193) >>> 0;
    b = Math.imul(b ^ c, 0x811c9dc5) >>> 0;
  }
  return a.toString(16).padStart(8, "0") + b.toString(16).padStart(8, "0");
}

/** A rule's due period, whose sessions the pass counts for every unit. */
export interface CountWindow extends RuleWindow {
  key: string;
}

/** Each unit's sessions per count window (in the windows' order); units with none left out. */
export interface PassCounts {
  windows: CountWindow[];
  byUnit: Map<number, number[]>;
}

export interface PlanInput {
  at: Date;
  config: DeploymentRules;
  calendar: WorkCalendar;
  units: PlanUnit[];
  counts: PassCounts;
  /** Each unit's evidence gaps in the current quarter (named in its reminder and its parent's digest). */
  evidence?: Map<number, EvidenceGap[]>;
}

/** How long after a deadline its overdue list is still sent (a pass after downtime catches up). */
const OVERDUE_CATCH_UP_DAYS = 14;

/**
 * What counts a pass needs: one window per rule period with something due at `at` (a reminder,
 * or the overdue list after its deadline), counted up to today. Null when nothing is due (most
 * passes): no query at all.
 */
export function countsNeeded(input: Omit<PlanInput, "counts" | "units">): { to: string; windows: CountWindow[] } | null {
  const today = chinaDay(input.at);
  const windows: CountWindow[] = [];
  const add = (rule: Rule, period: Period) => {
    const key = windowKey(rule, period);
    if (!windows.some((w) => w.key === key))
      windows.push({ key, kind: rule.kind, subtypes: rule.subtypes, start: period.start, end: period.end });
  };
  for (const rule of rulesOf(input.config)) {
    for (const slots of dueSlots(rule, input, today)) add(rule, slots[0].period);
    for (const slot of overdueSlots(rule, input, today)) add(rule, slot.period);
  }
  return windows.length ? { to: today, windows } : null;
}

const windowKey = (rule: Rule, period: Period) => `${rule.id}:${periodKey(period)}`;

interface DueSlot extends SlotWords {
  offset: number;
  sendDay: string;
  sendAt: Date;
}

/** The (period, offset) slots of a rule that are due at `at` and whose deadline has not passed. */
function dueSlots(rule: Rule, input: Pick<PlanInput, "at" | "config" | "calendar">, today: string): DueSlot[][] {
  const { calendar, config } = input;
  const current = periodOf(rule.per, today);
  const out: DueSlot[][] = [];
  for (const period of [previousPeriod(current), current, nextPeriod(current)]) {
    const deadline = deadlineOf(rule, period);
    if (deadline < today) continue;
    const slots: DueSlot[] = [];
    for (const offset of config.reminders.offsets_days) {
      // A send day on a holiday moves to the previous working day (a 调休 Saturday counts as one).
      const sendDay = calendar.onOrBeforeWorkday(addDays(deadline, -offset));
      if (sendDay < period.start) continue;
      const sendAt = chinaInstant(sendDay, config.reminders.send_at);
      if (sendAt.getTime() <= input.at.getTime()) slots.push({ rule, period, deadline, offset, sendDay, sendAt });
    }
    // Newest first: after downtime only the latest due offset is sent; the older ones are claimed.
    slots.sort((a, b) => a.offset - b.offset);
    if (slots.length) out.push(slots);
  }
  return out;
}

/** A rule's periods whose deadline has passed and whose overdue list is due (the first working day after). */
function overdueSlots(rule: Rule, input: Pick<PlanInput, "at" | "config" | "calendar">, today: string): DueSlot[] {
  const { calendar, config } = input;
  const current = periodOf(rule.per, today);
  const out: DueSlot[] = [];
  for (const period of [previousPeriod(previousPeriod(current)), previousPeriod(current), current]) {
    const deadline = deadlineOf(rule, period);
    if (deadline >= today || today > addDays(deadline, OVERDUE_CATCH_UP_DAYS)) continue;
    const sendDay = calendar.onOrAfterWorkday(addDays(deadline, 1));
    const sendAt = chinaInstant(sendDay, config.reminders.send_at);
    if (sendAt.getTime() <= input.at.getTime()) out.push({ rule, period, deadline, offset: -1, sendDay, sendAt });
  }
  return out;
}

/** Every message due at `at`, composed of all its parts (the tests' and the dry run's view). */
export function plan(input: PlanInput): ComposedMessage[] {
  return [...planMessages(input)].map((m) => compose(m)).filter((m): m is ComposedMessage => m !== null);
}

/** A rule's due slots with the units behind on it (their counts), computed once per pass. */
interface RuleDue {
  rule: Rule;
  slots: DueSlot[];
  /** Units the rule applies to that have not met it, with what they recorded. */
  behind: Map<number, number>;
  overdue: boolean;
}

/**
 * Every chat's message due at `at`, one chat at a time: a pass claims them in batches as they
 * come, so that a city's quarter-end morning is never all in memory at once.
 */
export function* planMessages(input: PlanInput): Generator<PlannedMessage> {
  const { at, config, calendar, units, counts } = input;
  const today = chinaDay(at);
  const childrenOf = new Map<number, PlanUnit[]>();
  for (const u of units) {
    if (u.parentId === null) continue;
    const list = childrenOf.get(u.parentId);
    if (list) list.push(u);
    else childrenOf.set(u.parentId, [u]);
  }
  const hasChildren = (u: PlanUnit) => (childrenOf.get(u.id)?.length ?? 0) > 0;
  const windowIndex = new Map(counts.windows.map((w, i) => [w.key, i]));
  const lastOffset = Math.min(...config.reminders.offsets_days);

  const due: RuleDue[] = [];
  const behindOf = (rule: Rule, period: Period, deadline: string, overdue: boolean) => {
    const w = windowIndex.get(windowKey(rule, period));
    const behind = new Map<number, number>();
    for (const unit of units) {
      if (!ruleApplies(rule, unit, hasChildren(unit))) continue;
      // A unit bound after the deadline did not miss it.
      if (overdue && unit.since && unit.since > deadline) continue;
      const count = w === undefined ? 0 : (counts.byUnit.get(unit.id)?.[w] ?? 0);
      if (count < rule.min) behind.set(unit.id, count);
    }
    return behind;
  };
  for (const rule of rulesOf(config)) {
    for (const slots of dueSlots(rule, input, today))
      due.push({ rule, slots, behind: behindOf(rule, slots[0].period, slots[0].deadline, false), overdue: false });
    for (const slot of overdueSlots(rule, input, today))
      due.push({ rule, slots: [slot], behind: behindOf(rule, slot.period, slot.deadline, true), overdue: true });
  }

  // The quarter's checklist, on its first working day (caught up for two weeks after).
  const quarter = periodOf("quarter", today);
  const checklistAt = chinaInstant(calendar.onOrAfterWorkday(quarter.start), config.reminders.send_at);
  const checklistDue =
    config.reminders.quarter_start_checklist && checklistAt.getTime() <= at.getTime() && today <= addDays(quarter.start, 14);

  // A year the official holiday calendar does not know: tell the top units' chats, once.
  const horizon = addDays(today, Math.max(...config.reminders.offsets_days, 0));
  const unknownYears = [...new Set([Number(today.slice(0, 4)), Number(horizon.slice(0, 4))])].filter((y) => !calendar.knowsYear(y));

  for (const unit of units) {
    if (!unit.chats.length) continue;
    // The unit's parts, keyed without the chat (the chat is appended per chat below).
    const parts: { key: string; kind: PlannedLine["kind"]; superseded: boolean; item: Item; sendAt: Date }[] = [];
    const quiet = new Set(unit.quietRules ?? []);
    const children = childrenOf.get(unit.id) ?? [];
    for (const d of due) {
      const key = windowKey(d.rule, d.slots[0].period);
      if (!d.overdue && d.behind.has(unit.id) && !unit.remindersMuted && !quiet.has(d.rule.id)) {
        const count = d.behind.get(unit.id)!;
        d.slots.forEach((slot, i) =>
          parts.push({
            key: `remind:${unit.id}:${key}:${slot.offset}`,
            kind: "reminder",
            superseded: i > 0,
            item: { type: "own", slot, count, last: slot.offset === lastOffset },
            sendAt: slot.sendAt,
          }),
        );
      }
      // The parent's digest: its direct children still behind on this rule.
      const lagging: Lagging[] = [];
      const all: number[] = [];
      for (const c of children) {
        if (!d.behind.has(c.id)) continue;
        all.push(c.id);
        // A chat message has to stay readable (and under Telegram's 4,096 characters): a city's
        // hundreds of lagging units are named up to DIGEST_NAMES, the rest counted.
        if (lagging.length < DIGEST_NAMES) lagging.push({ id: c.id, name: c.name, count: d.behind.get(c.id)! });
      }
      if (!all.length) continue;
      if (d.overdue) {
        const slot = d.slots[0];
        parts.push({
          key: `overdue:${unit.id}:${key}`,
          kind: "overdue",
          superseded: false,
          item: { type: "overdue", slot, named: lagging, total: all.length },
          sendAt: slot.sendAt,
        });
      } else {
        d.slots.forEach((slot, i) =>
          parts.push({
            key: `digest:${unit.id}:${key}:${slot.offset}`,
            kind: "digest",
            superseded: i > 0,
            item: { type: "digest", slot, named: lagging, all, last: slot.offset === lastOffset },
            sendAt: slot.sendAt,
          }),
        );
      }
    }
    if (checklistDue && !unit.remindersMuted) {
      const lines = rulesOf(config)
        .filter((r) => ruleApplies(r, unit, hasChildren(unit)))
        .map((r) => checklistItem(r, deadlineOf(r, periodOf(r.per, quarter.start))));
      if (lines.length)
        parts.push({
          key: `checklist:${unit.id}:${periodKey(quarter)}`,
          kind: "checklist",
          superseded: false,
          item: { type: "checklist", quarter, lines },
          sendAt: checklistAt,
        });
    }
    if (unit.parentId === null) {
      for (const year of unknownYears) {
        const configured = config.calendar.holidays.concat(config.calendar.workdays).filter((day) => day.startsWith(`${year}-`)).length;
        parts.push({
          key: `calendar-missing:${year}`,
          kind: "notice",
          superseded: false,
          item: { type: "notice", year, configured },
          sendAt: at,
        });
      }
    }
    if (!parts.length) continue;
    const live = parts.filter((p) => !p.superseded);
    const kind: PlannedMessage["kind"] = live.some((p) => p.kind === "reminder")
      ? "reminder"
      : live.some((p) => p.kind === "digest" || p.kind === "overdue")
        ? "digest"
        : live.some((p) => p.kind === "checklist")
          ? "checklist"
          : "notice";
    // The send time a person sees: the latest of the parts' (the one that made the message due).
    const dueAt = new Date(Math.max(...(live.length ? live : parts).map((p) => p.sendAt.getTime())));
    // The quarter's evidence gaps: the unit's own, with its reminders; its lagging children's, in the digest.
    let evidence: MessageEvidence | undefined;
    if (input.evidence?.size) {
      const own = live.some((p) => p.kind === "reminder") ? (input.evidence.get(unit.id) ?? []) : [];
      const named = new Set(live.flatMap((p) => (p.item.type === "digest" ? p.item.named.map((c) => c.id) : [])));
      const kids = new Map([...named].flatMap((id) => (input.evidence!.get(id)?.length ? [[id, input.evidence!.get(id)!] as const] : [])));
      if (own.length || kids.size) evidence = { own, children: kids };
    }
    for (const chat of unit.chats) {
      yield {
        kind,
        platform: chat.platform,
        chatExternalId: chat.externalId,
        unitId: unit.id,
        unitName: unit.name,
        dueAt,
        today,
        lines: parts.map((p) => ({
          dedupeKey: `${p.key}:${chat.platform}:${chat.externalId}`,
          kind: p.kind,
          superseded: p.superseded,
          item: p.item,
        })),
        mentions: [],
        evidence,
      };
    }
  }
}
