// What a record needs as evidence, per kind, as the deployment configures it, and how a record's
// evidence is judged against it. Pure: the store counts what each record has.

/** What an inspection asks of a record: a photo, who attended, and the minutes. */
export type EvidenceNeed = "photo" | "attendance" | "minutes";
export const EVIDENCE_NEEDS: readonly EvidenceNeed[] = ["photo", "attendance", "minutes"];
export const NEED_WORDS: Record<EvidenceNeed, string> = { photo: "照片", attendance: "参加人员或签到表", minutes: "纪要" };

/** Per kind code, what each of its records needs; a kind not named needs nothing. */
export type EvidenceRules = Record<string, EvidenceNeed[]>;

/** 学习有记录: meetings and study keep who attended and the minutes; every activity a photo. */
export const DEFAULT_EVIDENCE_RULES: EvidenceRules = {
  meeting: ["photo", "attendance", "minutes"],
  study: ["photo", "attendance"],
  lecture: ["photo"],
  activity: ["photo"],
};

/** One record's evidence, as the store finds it. */
export interface RecordEvidence {
  recordId: number;
  unitId: number;
  kind: string;
  /** 参加人员 typed, or a head count. */
  attendance: boolean;
  /** 纪要 typed. */
  minutesText: boolean;
  photos: number;
  /** Files named like a sign-in sheet (签到) or like minutes (纪要, 会议记录). */
  signInFiles: number;
  minutesFiles: number;
}

/** Words in a file's name that say it is a sign-in sheet, or minutes (lower case). */
export const SIGN_IN_NAME_WORDS = ["签到", "考勤", "sign", "attendance"];
export const MINUTES_NAME_WORDS = ["纪要", "会议记录", "学习记录", "minutes"];

export function isMinutesFile(name: string): boolean {
  const lower = name.toLowerCase();
  return MINUTES_NAME_WORDS.some((w) => lower.includes(w));
}

/** What the record lacks of what its kind needs. */
export function missingEvidence(r: RecordEvidence, rules: EvidenceRules): EvidenceNeed[] {
  const needs = rules[r.kind] ?? [];
  return needs.filter((n) =>
    n === "photo" ? r.photos === 0 : n === "attendance" ? !r.attendance && r.signInFiles === 0 : !r.minutesText && r.minutesFiles === 0,
  );
}

/** What a unit's records of one kind lack, counted: 3 会议 records without a photo. */
export interface EvidenceGap {
  kind: string;
  need: EvidenceNeed;
  count: number;
}

/** A unit's gaps, from its records counted per kind by what they lack, against the rules. */
export function evidenceGaps(
  counts: { kind: string; noPhoto: number; noAttendance: number; noMinutes: number }[],
  rules: EvidenceRules,
): EvidenceGap[] {
  const gaps: EvidenceGap[] = [];
  for (const c of counts) {
    for (const need of rules[c.kind] ?? []) {
      const count = need === "photo" ? c.noPhoto : need === "attendance" ? c.noAttendance : c.noMinutes;
      if (count > 0) gaps.push({ kind: c.kind, need, count });
    }
  }
  return gaps;
}
