// The words of what the scheduler sends, in one place. A chat gets one message per send time:
// its own rules still to meet (most urgent first, each with its deadline, the days left and the
// exact command that meets it), then its child units still behind (most behind first, each with
// what it lacks), the units that missed a deadline, the quarter's checklist and the notice of a
// year the holiday calendar lacks. The planning (plan.ts) decides what is due; this says it.
import { kindByCode } from "../domain/catalog.js";
import { periodLabel, type Period } from "../domain/periods.js";
import { perLabel, type Rule } from "../domain/requirements.js";
import { dayLabel } from "../time.js";
import type { ReplyAction } from "../core/types.js";
import { NEED_WORDS, type EvidenceGap } from "../domain/evidence.js";

/** What a reminder or a digest line is about: a rule's period and its deadline. */
export interface DueSlot {
  rule: Rule;
  period: Period;
  deadline: string;
}

/** A child unit behind on a rule: its name and the sessions it has recorded. */
export interface Lagging {
  id: number;
  name: string;
  count: number;
}

/** One claimed part of a chat's message (each is claimed once underneath, by its key). */
export type Item =
  /** The chat's own unit is behind on a rule (`last`: the last reminder before the deadline). */
  | { type: "own"; slot: DueSlot; count: number; last: boolean }
  /** Child units behind on a rule: `named` up to a limit, `all` the ids of every one. */
  | { type: "digest"; slot: DueSlot; named: Lagging[]; all: number[]; last: boolean }
  /** Child units that let a deadline pass without meeting the rule (listed once). */
  | { type: "overdue"; slot: DueSlot; named: Lagging[]; total: number }
  | { type: "checklist"; quarter: Period; lines: string[] }
  | { type: "notice"; year: number; configured: number };

export function daysLeft(today: string, deadline: string): string {
  const n = Math.round((Date.parse(deadline) - Date.parse(today)) / 86_400_000);
  return n === 0 ? "今天截止" : `还有${n}天`;
}

export function ruleWhat(rule: Rule): string {
  const k = kindByCode(rule.kind);
  const subtypes = rule.subtypes ?? [];
  // Four kinds of ideology meeting count for 专题研究: name two and say there are others.
  if (subtypes.length > 2) return `${subtypes[0]}、${subtypes[1]}等${k.label}`;
  return subtypes.length ? subtypes.join("或") : k.label;
}

/** The command that records a session of the rule, as a person would type it (no placeholder). */
export function recordCommand(rule: Rule): string {
  const k = kindByCode(rule.kind);
  const sub = rule.subtypes?.[0];
  const subWord = sub ? ` ${k.subtypes.find((s) => s.name === sub)?.aliases[0] ?? sub}` : "";
  return `/记录 ${k.aliases[0]}${subWord}`;
}

/** The command that drafts the report a rule asks for, for that period. */
export function reportCommand(period: Period): string {
  return `/报告 ${periodLabel(period)}`;
}

/** What would meet the rule: the commands, in the order a person uses them. */
export function nextStep(slot: DueSlot): string {
  if (slot.rule.type === "report") return `生成草稿：${reportCommand(slot.period)}；报送后发送：${recordCommand(slot.rule)}`;
  return `完成后发送：${recordCommand(slot.rule)}`;
}

/** What a unit still lacks on a rule: 意识形态工作专题会议1次, 季度分析研判报告1份. */
function shortfall(rule: Rule, count: number): string {
  const k = kindByCode(rule.kind);
  if (rule.type === "report") return `${ruleWhat(rule)}1份`;
  return `${ruleWhat(rule)}${Math.max(1, rule.min - count)}${k.countUnit}`;
}

function ownLine(slot: DueSlot, count: number, today: string): string {
  const { rule, period, deadline } = slot;
  const k = kindByCode(rule.kind);
  const when = `截止${dayLabel(deadline)}（${daysLeft(today, deadline)}）`;
  const state =
    rule.type === "report"
      ? `${periodLabel(period)}尚未报送`
      : `${periodLabel(period)}至少${rule.min}${k.countUnit}${ruleWhat(rule)}，已记录${count}${k.countUnit}`;
  return `「${rule.name}」：${state}，${when}。${nextStep(slot)}`;
}

/** The evidence the quarter's records lack: 3条会议记录缺少照片、1条学习记录缺少参加人员或签到表. */
export function gapsText(gaps: EvidenceGap[]): string {
  return gaps.map((g) => `${g.count}条${kindByCode(g.kind).name}记录缺少${NEED_WORDS[g.need]}`).join("、");
}

/** The quarter's evidence the message's units lack: the chat's own, and each child's by id. */
export interface MessageEvidence {
  own: EvidenceGap[];
  children: Map<number, EvidenceGap[]>;
}

/** A child's row of the digest: everything it lacks, across the rules that are due. */
interface ChildRow {
  id: number;
  name: string;
  lacks: { text: string; deadline: string; last: boolean }[];
  short: number;
}

/** How many child units a digest names before it only counts the rest (a chat message stays readable). */
export const DIGEST_NAMES = 40;

function childRows(items: Extract<Item, { type: "digest" }>[]): { rows: ChildRow[]; total: number } {
  const rows = new Map<number, ChildRow>();
  const all = new Set<number>();
  for (const it of items) {
    for (const id of it.all) all.add(id);
    for (const c of it.named) {
      const row = rows.get(c.id) ?? { id: c.id, name: c.name, lacks: [], short: 0 };
      row.lacks.push({ text: shortfall(it.slot.rule, c.count), deadline: it.slot.deadline, last: it.last });
      row.short += it.slot.rule.min - c.count;
      rows.set(c.id, row);
    }
  }
  // Most behind first: the most rules missing, then the largest shortfall; the tree's order after.
  const sorted = [...rows.values()].sort((a, b) => b.lacks.length - a.lacks.length || b.short - a.short);
  return { rows: sorted.slice(0, DIGEST_NAMES), total: all.size };
}

function digestSection(items: Extract<Item, { type: "digest" }>[], today: string, evidence?: MessageEvidence): string[] {
  if (!items.length) return [];
  const { rows, total } = childRows(items);
  const unnamed = total - rows.length;
  const deadlines = new Set(items.map((i) => i.slot.deadline));
  const one = deadlines.size === 1 ? [...deadlines][0] : null;
  const head = `【下级单位进度】${total}个单位尚未完成${one ? `（截止${dayLabel(one)}，${daysLeft(today, one)}）` : ""}，差距大的在前：`;
  const lines = rows.map((r) => {
    const lacks = r.lacks.map((l) => `${l.text}${one ? "" : `（${dayLabel(l.deadline)}截止）`}`).join("、");
    const soon = r.lacks.some((l) => l.last) ? "（即将逾期）" : "";
    const gaps = evidence?.children.get(r.id);
    return `· ${r.name}${soon}：尚缺${lacks}${gaps?.length ? `；佐证材料：${gapsText(gaps)}` : ""}`;
  });
  if (unnamed) lines.push(`· 其余${unnamed}个单位从略，发送 /统计 查看全部。`);
  return [head, ...lines];
}

function overdueSection(items: Extract<Item, { type: "overdue" }>[]): string[] {
  if (!items.length) return [];
  const lines = items.flatMap((it) => {
    const { rule, period, deadline } = it.slot;
    const names = it.named.map((c) => c.name).join("、");
    const more = it.total > it.named.length ? `等${it.total}个单位` : "";
    return [`· ${periodLabel(period)}「${rule.name}」（截止${dayLabel(deadline)}）：${names}${more}`];
  });
  return ["【已逾期】以下单位未在截止前完成：", ...lines];
}

/** Who the message is for, when nobody is: how an administrator names the unit's 宣传员. */
export const NOBODY_NAMED = "本单位还没有指定宣传员：管理员发送 /角色 名字 宣传员 后，提醒会直接@到人。";

/**
 * The one message a chat gets at a send time, from the items claimed for it; null when none of
 * them is to be sent. `named`: whether it mentions someone (else it says how to name someone).
 */
export function messageBody(unit: string, items: Item[], today: string, named: boolean, evidence?: MessageEvidence): string | null {
  if (!items.length) return null;
  const own = items.filter((i): i is Extract<Item, { type: "own" }> => i.type === "own");
  const digests = items.filter((i): i is Extract<Item, { type: "digest" }> => i.type === "digest");
  const overdue = items.filter((i): i is Extract<Item, { type: "overdue" }> => i.type === "overdue");
  const checklist = items.find((i): i is Extract<Item, { type: "checklist" }> => i.type === "checklist");
  const notice = items.find((i): i is Extract<Item, { type: "notice" }> => i.type === "notice");
  const out: string[] = [];
  const urgent = own.sort((a, b) => (a.slot.deadline < b.slot.deadline ? -1 : a.slot.deadline > b.slot.deadline ? 1 : 0));
  if (urgent.length) {
    out.push(`【提醒】${unit}（${dayLabel(today)}）尚有${urgent.length}项要求未完成：`);
    urgent.forEach((it, i) => out.push(`${urgent.length > 1 ? `${i + 1}. ` : ""}${ownLine(it.slot, it.count, today)}`));
    if (evidence?.own.length) {
      out.push(
        `佐证材料（本季度）：${gapsText(evidence.own)}。回复那条记录的确认消息发送照片或签到表即可补上；发送 /明细 查看各条记录的材料。`,
      );
    }
  }
  out.push(...digestSection(digests, today, evidence));
  out.push(...overdueSection(overdue));
  if (out.length && !checklist) out.push("发送 /截止 查看全部进度。");
  if (urgent.length && !named) out.push(NOBODY_NAMED);
  if (checklist) out.push(checklistBody(unit, checklist.quarter, checklist.lines));
  if (notice) out.push(calendarNotice(notice.year, notice.configured));
  return out.length ? out.join("\n") : null;
}

/** The message's buttons: a draft for each report due, and the deadlines. */
export function messageActions(items: Item[]): ReplyAction[] {
  const actions: ReplyAction[] = [];
  const reports = items.filter((i) => i.type === "own" && i.slot.rule.type === "report") as Extract<Item, { type: "own" }>[];
  for (const it of reports) {
    const command = reportCommand(it.slot.period);
    if (actions.some((a) => a.command === command)) continue;
    actions.push({ label: reports.length > 1 ? `生成草稿（${periodLabel(it.slot.period)}）` : "生成草稿", command });
  }
  if (items.some((i) => i.type === "own" || i.type === "digest" || i.type === "overdue")) {
    actions.push({ label: "查看截止", command: "/截止" });
  }
  return actions.slice(0, 4);
}

/** One line of the quarter's checklist. */
export function checklistItem(rule: Rule, deadline: string): string {
  return rule.type === "report"
    ? `· ${rule.name}：截止${dayLabel(deadline)}`
    : `· ${rule.name}：${perLabel(rule.per)}不少于${rule.min}${kindByCode(rule.kind).countUnit}${ruleWhat(rule)}`;
}

export function checklistBody(unit: string, quarter: Period, items: string[]): string {
  return `【${periodLabel(quarter)}工作清单】${unit}本季度需完成：\n${items.join("\n")}\n发送 /截止 随时查看进度。`;
}

export function calendarNotice(year: number, configured: number): string {
  return `【系统通知】节假日日历中还没有 ${year} 年的官方放假和调休安排，${year} 年的提醒暂按周末${configured ? `和部署配置中补充的 ${configured} 个日期` : ""}计算工作日。国务院公布安排后，请管理员在部署配置（BOT_CONFIG）的 calendar 中补充，或升级 chinese-days。`;
}
