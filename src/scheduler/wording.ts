// The words of what the scheduler sends, in one place: a unit's reminder, a parent's digest of
// the units behind, the quarter's checklist and the notice of a year the holiday calendar lacks.
// The planning (plan.ts) decides what is due; this says it.
import { kindByCode } from "../domain/catalog.js";
import { periodLabel, type Period } from "../domain/periods.js";
import { perLabel, type Rule } from "../domain/requirements.js";
import { dayLabel } from "../time.js";

/** What a reminder or a digest line is about: a rule's period and its deadline. */
export interface DueSlot {
  rule: Rule;
  period: Period;
  deadline: string;
}

export function daysLeft(today: string, deadline: string): string {
  const n = Math.round((Date.parse(deadline) - Date.parse(today)) / 86_400_000);
  return n === 0 ? "今天截止" : `还有 ${n} 天`;
}

export function ruleWhat(rule: Rule): string {
  const k = kindByCode(rule.kind);
  const subtypes = rule.subtypes ?? [];
  // Four kinds of ideology meeting count for 专题研究: name two and say there are others.
  if (subtypes.length > 2) return `${subtypes[0]}、${subtypes[1]}等${k.label}`;
  return subtypes.length ? subtypes.join("或") : k.label;
}

export function recordHint(rule: Rule): string {
  const k = kindByCode(rule.kind);
  const sub = rule.subtypes?.[0];
  if (rule.type === "report") {
    const alias = k.subtypes.find((s) => s.name === sub)?.aliases[0] ?? sub;
    return `可发送 /报告 生成草稿；报送后请发送：/记录 报送 ${alias}`;
  }
  const word = k.aliases[0];
  const subWord = sub ? ` ${k.subtypes.find((s) => s.name === sub)?.aliases[0] ?? sub}` : "";
  return `完成后请发送：/记录 ${word}${subWord}${k.code === "meeting" || k.code === "report" ? "" : " 人数"}`;
}

export function reminderBody(unit: { name: string }, slot: DueSlot, count: number, today: string): string {
  const { rule, period, deadline } = slot;
  const k = kindByCode(rule.kind);
  const when = `截止 ${dayLabel(deadline)}（${daysLeft(today, deadline)}）`;
  if (rule.type === "report") {
    return `【提醒】${unit.name}：${periodLabel(period)}的「${rule.name}」${when}，目前尚未报送。${recordHint(rule)}`;
  }
  return `【提醒】${unit.name}：${periodLabel(period)}「${rule.name}」要求${perLabel(rule.per)}不少于 ${rule.min} ${k.countUnit}${ruleWhat(rule)}，${when}，目前已记录 ${count} ${k.countUnit}。${recordHint(rule)}`;
}

/** 【下级单位进度】: the units behind on a rule (named up to a limit, then counted). */
export function digestBody(parent: string, slot: DueSlot, named: { name: string; count: number }[], total: number, today: string): string {
  const { rule, period, deadline } = slot;
  const k = kindByCode(rule.kind);
  const names = named.map((c) => (rule.type === "report" ? c.name : `${c.name}（${c.count}/${rule.min}）`)).join("、");
  const list = total > named.length ? `${names}等（其余 ${total - named.length} 个单位从略）` : names;
  return rule.type === "report"
    ? `【下级单位进度】${parent}：${periodLabel(period)}「${rule.name}」截止 ${dayLabel(deadline)}（${daysLeft(today, deadline)}），以下 ${total} 个单位尚未报送：${list}。`
    : `【下级单位进度】${parent}：${periodLabel(period)}「${rule.name}」（${perLabel(rule.per)}不少于 ${rule.min} ${k.countUnit}，截止 ${dayLabel(deadline)}，${daysLeft(today, deadline)}），以下 ${total} 个单位尚未完成：${list}。`;
}

/** One line of the quarter's checklist. */
export function checklistItem(rule: Rule, deadline: string): string {
  return rule.type === "report"
    ? `· ${rule.name}：截止 ${dayLabel(deadline)}`
    : `· ${rule.name}：${perLabel(rule.per)}不少于 ${rule.min} ${kindByCode(rule.kind).countUnit}${ruleWhat(rule)}`;
}

export function checklistBody(unit: string, quarter: Period, items: string[]): string {
  return `【${periodLabel(quarter)}工作清单】${unit}本季度需完成：\n${items.join("\n")}\n发送 /截止 随时查看进度。`;
}

export function calendarNotice(year: number, configured: number): string {
  return `【系统通知】节假日日历中还没有 ${year} 年的官方放假和调休安排，${year} 年的提醒暂按周末${configured ? `和部署配置中补充的 ${configured} 个日期` : ""}计算工作日。国务院公布安排后，请管理员在部署配置（BOT_CONFIG）的 calendar 中补充，或升级 chinese-days。`;
}
