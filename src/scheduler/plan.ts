// One scheduler pass, as pure planning: given the units, their recorded counts, the rules, the
// calendar and an instant, what reminders, digests, checklists and notices are due. Each item has
// the unique key that claims it in the outbox: (unit, rule, period, offset[, chat]).
import type { DeploymentRules } from "../domain/rules.js";
import { periodOf, nextPeriod, previousPeriod, periodKey, periodWord, type Period } from "../domain/periods.js";
import { rulesOf, ruleApplies, deadlineOf, type Rule } from "../domain/requirements.js";
import type { RuleWindow } from "../store/ledger.js";
import { addDays, chinaDay, chinaInstant } from "../time.js";
import type { WorkCalendar } from "./calendar.js";
import type { ReplyAction } from "../core/types.js";
import { reminderBody, digestBody, checklistItem, checklistBody, calendarNotice, type DueSlot as SlotWords } from "./wording.js";

export interface PlanUnit {
  id: number;
  name: string;
  parentId: number | null;
  remindersMuted: boolean;
  chats: { platform: string; externalId: string }[];
}

export interface PlannedMessage {
  dedupeKey: string;
  kind: "reminder" | "digest" | "checklist" | "notice";
  platform: string;
  chatExternalId: string;
  unitId: number | null;
  body: string;
  /** When it became due (its send time); for the operator's listing. */
  dueAt: Date;
  /** An older offset whose newer one is also due: claimed, but not sent (one reminder, not two). */
  superseded: boolean;
  /** Buttons under the message: the next step, run as the person who presses it. */
  actions?: ReplyAction[];
}

/** A reminder's next step as a button: the draft of the report that is due, or the deadlines. */
function reminderActions(rule: Rule, period: Period): ReplyAction[] {
  return rule.type === "report"
    ? [{ label: "生成草稿", command: `/报告 ${periodWord(period)}` }]
    : [{ label: "查看进度", command: "/截止" }];
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
}

/**
 * What counts a pass needs: one window per rule period with something due at `at`, counted up
 * to today. Null when nothing is due (most passes): no query at all.
 */
export function countsNeeded(input: Omit<PlanInput, "counts" | "units">): { to: string; windows: CountWindow[] } | null {
  const today = chinaDay(input.at);
  const windows: CountWindow[] = [];
  for (const rule of rulesOf(input.config)) {
    for (const slots of dueSlots(rule, input, today)) {
      const { period } = slots[0];
      windows.push({ key: windowKey(rule, period), kind: rule.kind, subtypes: rule.subtypes, start: period.start, end: period.end });
    }
  }
  return windows.length ? { to: today, windows } : null;
}

/** How many lagging units a parent's digest names before it only counts the rest. */
const DIGEST_NAMES = 40;

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

/** Every message due at `at`, all at once (the tests' and the CLI's view of a pass). */
export function plan(input: PlanInput): PlannedMessage[] {
  return [...planMessages(input)];
}

/**
 * Every message due at `at`, one at a time: a pass claims them in batches as they come, so that a
 * city's 35,000 quarter-end reminders are never all in memory at once (they were 32 MB of heap).
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

  for (const rule of rulesOf(config)) {
    for (const slots of dueSlots(rule, input, today)) {
      const { period } = slots[0];
      const key = windowKey(rule, period);
      const w = windowIndex.get(key);
      // Unit reminders: only units the rule applies to, that have not met it, and are not muted.
      const behind = new Map<number, number>();
      for (const unit of units) {
        if (!ruleApplies(rule, unit, hasChildren(unit))) continue;
        const count = w === undefined ? 0 : (counts.byUnit.get(unit.id)?.[w] ?? 0);
        if (count >= rule.min) continue;
        behind.set(unit.id, count);
        if (unit.remindersMuted) continue;
        for (const [i, slot] of slots.entries()) {
          for (const chat of unit.chats) {
            yield {
              dedupeKey: `remind:${unit.id}:${key}:${slot.offset}:${chat.platform}:${chat.externalId}`,
              kind: "reminder",
              platform: chat.platform,
              chatExternalId: chat.externalId,
              unitId: unit.id,
              body: reminderBody(unit, slot, count, today),
              dueAt: slot.sendAt,
              superseded: i > 0,
              actions: reminderActions(rule, period),
            };
          }
        }
      }
      // Parent digests: the direct children still behind on this rule, once per offset.
      for (const parent of units) {
        const lagging = (childrenOf.get(parent.id) ?? []).filter((c) => behind.has(c.id));
        if (!lagging.length || !parent.chats.length) continue;
        // A chat message has to stay readable (and under Telegram's 4,096 characters): a city's
        // hundreds of lagging units are named up to DIGEST_NAMES, the rest counted.
        const named = lagging.slice(0, DIGEST_NAMES).map((c) => ({ name: c.name, count: behind.get(c.id) ?? 0 }));
        for (const [i, slot] of slots.entries()) {
          const body = digestBody(parent.name, slot, named, lagging.length, today);
          for (const chat of parent.chats) {
            yield {
              dedupeKey: `digest:${parent.id}:${key}:${slot.offset}:${chat.platform}:${chat.externalId}`,
              kind: "digest",
              platform: chat.platform,
              chatExternalId: chat.externalId,
              unitId: parent.id,
              body,
              dueAt: slot.sendAt,
              superseded: i > 0,
            };
          }
        }
      }
    }
  }

  // The quarter's checklist, on its first working day (caught up for two weeks after).
  if (config.reminders.quarter_start_checklist) {
    const quarter = periodOf("quarter", today);
    const sendDay = calendar.onOrAfterWorkday(quarter.start);
    const sendAt = chinaInstant(sendDay, config.reminders.send_at);
    if (sendAt.getTime() <= at.getTime() && today <= addDays(quarter.start, 14)) {
      for (const unit of units) {
        if (unit.remindersMuted) continue;
        const items = rulesOf(config)
          .filter((r) => ruleApplies(r, unit, hasChildren(unit)))
          .map((r) => checklistItem(r, deadlineOf(r, periodOf(r.per, quarter.start))));
        if (!items.length) continue;
        for (const chat of unit.chats) {
          yield {
            dedupeKey: `checklist:${unit.id}:${periodKey(quarter)}:${chat.platform}:${chat.externalId}`,
            kind: "checklist",
            platform: chat.platform,
            chatExternalId: chat.externalId,
            unitId: unit.id,
            body: checklistBody(unit.name, quarter, items),
            dueAt: sendAt,
            superseded: false,
          };
        }
      }
    }
  }

  // A year the official holiday calendar does not know: tell the top units' chats, once.
  const horizon = addDays(today, Math.max(...config.reminders.offsets_days, 0));
  for (const year of new Set([Number(today.slice(0, 4)), Number(horizon.slice(0, 4))])) {
    if (calendar.knowsYear(year)) continue;
    const configured = config.calendar.holidays.concat(config.calendar.workdays).filter((d) => d.startsWith(`${year}-`)).length;
    const body = calendarNotice(year, configured);
    for (const root of units.filter((u) => u.parentId === null)) {
      for (const chat of root.chats) {
        yield {
          dedupeKey: `calendar-missing:${year}:${chat.platform}:${chat.externalId}`,
          kind: "notice",
          platform: chat.platform,
          chatExternalId: chat.externalId,
          unitId: root.id,
          body,
          dueAt: at,
          superseded: false,
        };
      }
    }
  }
}
