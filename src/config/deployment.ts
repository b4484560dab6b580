// The deployment config (BOT_CONFIG, default config/bot.config.yaml): requirements, report
// deadlines, reminder offsets and calendar overrides, validated with zod. A broken file stops
// start-up with a message that names the bad field.
import fs from "node:fs";
import path from "node:path";
import { PROJECT_ROOT } from "../paths.js";
import { parse as parseYaml } from "yaml";
import { z } from "zod";
import { KINDS } from "../domain/catalog.js";
import type { DeploymentRules } from "../domain/rules.js";
import { DEFAULT_PLAUSIBLE_LIMITS, type PlausibleLimits } from "../domain/plausible.js";
import { DEFAULT_EVIDENCE_RULES, type EvidenceRules } from "../domain/evidence.js";

const KIND_CODES = KINDS.map((k) => k.code) as [string, ...string[]];
const Per = z.enum(["month", "quarter", "half", "year"]);
const Units = z.union([z.enum(["all", "leaf", "parent"]), z.array(z.string().min(1)).min(1)]).default("all");
/** A real calendar day written YYYY-MM-DD: 2026-02-30 and 2026-13-01 are refused, naming the value. */
const Day = z.string().superRefine((day, ctx) => {
  const m = /^(\d{4})-(\d{2})-(\d{2})$/.exec(day);
  if (!m) {
    ctx.addIssue({ code: "custom", message: `${JSON.stringify(day)} must be a day written YYYY-MM-DD` });
    return;
  }
  const [y, mo, d] = [Number(m[1]), Number(m[2]), Number(m[3])];
  // setUTCFullYear, not Date.UTC: the latter reads years 0–99 as 1900–1999.
  const date = new Date(0);
  date.setUTCFullYear(y, mo - 1, d);
  if (date.getUTCFullYear() !== y || date.getUTCMonth() !== mo - 1 || date.getUTCDate() !== d) {
    ctx.addIssue({ code: "custom", message: `${day} is not a day of the calendar (${m[1]} has no ${m[2]}-${m[3]})` });
  }
});

const Requirement = z
  .object({
    id: z.string().regex(/^[a-z0-9-]+$/, "use lower-case letters, digits and -"),
    name: z.string().min(1),
    kind: z.enum(KIND_CODES),
    subtypes: z.array(z.string()).optional(),
    min: z.number().int().min(1),
    per: Per,
    units: Units,
  })
  .strict();

const Report = z
  .object({
    id: z.string().regex(/^[a-z0-9-]+$/, "use lower-case letters, digits and -"),
    name: z.string().min(1),
    /** The subtype of the "report" record kind that marks this report as sent. */
    subtype: z.string().min(1),
    per: Per,
    due_days_after_end: z.number().int().min(-90).max(90).default(0),
    units: Units,
  })
  .strict();

export const DeploymentSchema = z
  .object({
    requirements: z.array(Requirement).default([]),
    reports: z.array(Report).default([]),
    reminders: z
      .object({
        offsets_days: z.array(z.number().int().min(0).max(90)).min(1).default([14, 7, 1]),
        send_at: z
          .string()
          .regex(/^([01]\d|2[0-3]):[0-5]\d$/, "must be HH:MM")
          .default("09:00"),
        quarter_start_checklist: z.boolean().default(true),
      })
      .strict()
      .default({ offsets_days: [14, 7, 1], send_at: "09:00", quarter_start_checklist: true }),
    calendar: z
      .object({
        holidays: z.array(Day).default([]),
        workdays: z.array(Day).default([]),
      })
      .strict()
      .default({ holidays: [], workdays: [] }),
    // The 主送机关 printed under a Word report's title (GB/T 9704 7.3.2), e.g. 中共金桥镇委员会.
    report: z
      .object({ addressee: z.string().trim().min(1).max(60).nullable().default(null) })
      .strict()
      .default({ addressee: null }),
    // Figures beyond which a record is asked about first (中心组学习 100000人), per kind; a kind or a
    // figure not named keeps the built-in limit (src/domain/plausible.ts).
    plausible_limits: z
      .partialRecord(
        z.enum(KIND_CODES),
        z
          .object({
            participants_per_session: z.number().int().min(1).optional(),
            sessions: z.number().int().min(1).optional(),
            quantity: z.number().int().min(1).optional(),
          })
          .strict(),
      )
      .default({})
      .transform((over): PlausibleLimits => {
        const out: Record<string, PlausibleLimits[string]> = { ...DEFAULT_PLAUSIBLE_LIMITS };
        for (const [kind, o] of Object.entries(over)) {
          if (!o) continue;
          const base = out[kind];
          out[kind] = {
            participantsPerSession: o.participants_per_session ?? base.participantsPerSession,
            sessions: o.sessions ?? base.sessions,
            quantity: o.quantity ?? base.quantity,
          };
        }
        return out;
      }),
    // What each record of a kind needs as evidence; a kind left out needs nothing, {} turns it off.
    evidence: z
      .partialRecord(z.enum(KIND_CODES), z.array(z.enum(["photo", "attendance", "minutes"])))
      .default(DEFAULT_EVIDENCE_RULES)
      .transform((r): EvidenceRules => Object.fromEntries(Object.entries(r).filter(([, v]) => v && v.length)) as EvidenceRules),
  })
  .strict()
  .superRefine((cfg, ctx) => {
    const ids = new Set<string>();
    [...cfg.requirements, ...cfg.reports].forEach((r) => {
      if (ids.has(r.id)) ctx.addIssue({ code: "custom", path: ["requirements", r.id], message: `duplicate id ${r.id}` });
      ids.add(r.id);
    });
    cfg.requirements.forEach((r, i) => {
      const kind = KINDS.find((k) => k.code === r.kind)!;
      for (const s of r.subtypes ?? []) {
        if (!kind.subtypes.some((x) => x.name === s)) {
          ctx.addIssue({
            code: "custom",
            path: ["requirements", i, "subtypes"],
            message: `${s} is not a subtype of ${r.kind} (known: ${kind.subtypes.map((x) => x.name).join(", ")})`,
          });
        }
      }
    });
    const reportKind = KINDS.find((k) => k.code === "report")!;
    cfg.reports.forEach((r, i) => {
      if (!reportKind.subtypes.some((x) => x.name === r.subtype)) {
        ctx.addIssue({
          code: "custom",
          path: ["reports", i, "subtype"],
          message: `${r.subtype} is not a report subtype (known: ${reportKind.subtypes.map((x) => x.name).join(", ")})`,
        });
      }
    });
  });

// The schema parses into the domain's types (src/domain/rules.ts), re-exported here for the
// config's importers. Checked at compile time: the parsed output is assignable to the domain's
// type, and is exactly that type (a field added to one and not the other fails the typecheck).
export type { RequirementRule, ReportRule, Rules, UnitScope, ReminderSettings, CalendarOverrides } from "../domain/rules.js";
export type Deployment = DeploymentRules;
type Parsed = z.infer<typeof DeploymentSchema>;
type Assert<T extends true> = T;
type Same<A, B> = (<T>() => T extends A ? 1 : 2) extends <T>() => T extends B ? 1 : 2 ? true : false;
type _ParsesIntoDomain = Assert<[Parsed] extends [DeploymentRules] ? true : false>;
type _SameRules = Assert<Same<Parsed, DeploymentRules>>;

export const DEFAULT_CONFIG_PATH = path.join(PROJECT_ROOT, "config", "bot.config.yaml");

export class ConfigError extends Error {}

/** Parses and validates config text; the error names each bad field by its path. */
export function parseDeployment(text: string, source = "config"): Deployment {
  let raw: unknown;
  try {
    raw = parseYaml(text) ?? {};
  } catch (e) {
    throw new ConfigError(`${source}: not valid YAML: ${(e as Error).message}`);
  }
  const result = DeploymentSchema.safeParse(raw);
  if (!result.success) {
    const lines = result.error.issues.map((i) => `  ${i.path.join(".") || "(top level)"}: ${i.message}`);
    throw new ConfigError(`${source}: invalid deployment config\n${lines.join("\n")}`);
  }
  return result.data;
}

export function loadDeployment(file = process.env.BOT_CONFIG || DEFAULT_CONFIG_PATH): Deployment {
  let text: string;
  try {
    text = fs.readFileSync(file, "utf8");
  } catch (e) {
    throw new ConfigError(`BOT_CONFIG: cannot read ${file}: ${(e as Error).message}`);
  }
  return parseDeployment(text, file);
}
