// Sentences shared by several commands: a record's one-line description and the running total
// that follows every confirmation.
import type { Ledger, RecordRow } from "../store/ledger.js";
import { totalsByKind, kindClause, recordSummary } from "../domain/figures.js";
import { periodOf, periodLabel, periodNoun } from "../domain/periods.js";
import { kindByCode } from "../domain/catalog.js";
import { dayLabel } from "../time.js";
import { chinesePunctuation } from "../domain/text.js";

/** "本季度累计理论学习 7 次、参学 85 人次" for the record's unit and quarter. */
export async function runningTotal(ledger: Ledger, unitId: number, kind: string, day: string, today: string): Promise<string> {
  const quarter = periodOf("quarter", day);
  const totals = totalsByKind(await ledger.figures([unitId], quarter, kind))[0];
  const when = quarter.start <= today && today <= quarter.end ? periodNoun("quarter") : periodLabel(quarter);
  if (!totals) return `${when}${kindByCode(kind).label}暂无记录`;
  return `${when}累计${kindClause(totals)}`;
}

/** "#12 11月20日 党委理论学习中心组学习 1 次，12 人参加，主题「…」" */
export function recordLine(r: RecordRow, extra = ""): string {
  return `#${r.id} ${dayLabel(r.day)} ${recordSummary(r)}${extra}`;
}

type InspectionFields = {
  timeOfDay?: string | null;
  place?: string | null;
  host?: string | null;
  attendees?: string | null;
  recorder?: string | null;
};

/** The fields an inspection asks of a record, with their labels, in the order every view lists them. */
export function inspectionFields(r: InspectionFields): [string, string | null | undefined][] {
  return [
    ["时间", r.timeOfDay],
    ["地点", r.place],
    ["主持人", r.host],
    ["参加人员", r.attendees],
    ["记录人", r.recorder],
  ];
}

/** The fields an inspection asks for, as recorded: "地点：社区会议室；主持人：张书记". Empty when none. */
export function recordDetails(r: InspectionFields & { note?: string | null; minutes?: string | null }): string {
  const parts: [string, string | null | undefined][] = [
    ...inspectionFields(r),
    ["备注", r.note],
    // The minutes are a page: their length here, the text in /明细 #编号 and the Word pack.
    ["纪要", r.minutes ? `已记录（${[...r.minutes].length}字）` : null],
  ];
  return parts
    .filter(([, v]) => v)
    .map(([k, v]) => `${k}：${chinesePunctuation(v!)}`)
    .join("；");
}
