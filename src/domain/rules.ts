// The deployment's rules as the domain reads them: requirements (at least N sessions of a kind
// per period), report deadlines, reminder settings and calendar overrides. Types only: the
// deployment config (src/config/deployment.ts) validates a file with zod and parses it into
// these, so the domain never depends on how or where the rules are stored.
import type { EvidenceRules } from "./evidence.js";
import type { PlausibleLimits } from "./plausible.js";
import type { PeriodType } from "./periods.js";

/** Which units a rule applies to: all, leaf (no child units), parent (has child units), or by name. */
export type UnitScope = "all" | "leaf" | "parent" | string[];

/** At least `min` sessions of a kind (and, if given, of these subtypes) in every `per` period. */
export interface RequirementRule {
  id: string;
  name: string;
  /** A record kind's code (catalog.ts). */
  kind: string;
  subtypes?: string[];
  min: number;
  per: PeriodType;
  units: UnitScope;
}

/** A report due each `per` period, marked as sent by a record of the "report" kind and this subtype. */
export interface ReportRule {
  id: string;
  name: string;
  /** The subtype of the "report" record kind that marks this report as sent. */
  subtype: string;
  per: PeriodType;
  /** Days after the period's last day when it is due (negative: before). */
  due_days_after_end: number;
  units: UnitScope;
}

/** What requirements.ts evaluates. */
export interface Rules {
  requirements: RequirementRule[];
  reports: ReportRule[];
}

export interface ReminderSettings {
  /** Days before a deadline on which a unit that has not met a rule is reminded. */
  offsets_days: number[];
  /** China time, HH:MM. */
  send_at: string;
  quarter_start_checklist: boolean;
}

/** Days (YYYY-MM-DD) added to the official holiday calendar: extra holidays and make-up workdays. */
export interface CalendarOverrides {
  holidays: string[];
  workdays: string[];
}

/** A deployment's whole rule set: what the config file parses into. */
export interface DeploymentRules extends Rules {
  reminders: ReminderSettings;
  calendar: CalendarOverrides;
  /** Per kind, the figures beyond which a record is asked about before it is stored. */
  plausible_limits: PlausibleLimits;
  /** How report files are addressed: the 主送机关 line under the title (none when null). */
  report: { addressee: string | null };
  /** Per kind, what each record needs as evidence (照片, 参加人员或签到表, 纪要). */
  evidence: EvidenceRules;
}
