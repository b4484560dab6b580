// Figures too large to be what happened: 中心组学习 100000人 is a slip of the keyboard more often
// than a record. The bot asks before storing such a record (the caller holds it until 确认).
// Pure: the limits are passed in (the deployment may configure its own).
import { KINDS } from "./catalog.js";
import type { RecordDraft } from "./parser.js";

export interface PlausibleLimit {
  /** Most participants one session of this kind can have (participants ÷ sessions). */
  participantsPerSession: number;
  /** Most sessions (meetings, lectures, articles…) one record can sum up. */
  sessions: number;
  /** Most items (leaflets, banners…) one record can hand out. */
  quantity: number;
}

export type PlausibleLimits = Readonly<Record<string, PlausibleLimit>>;

/**
 * Sized for the units this bot serves: a village or community (a few hundred to a few thousand
 * residents, 20–200 Party members) up to a town or street office (a few tens of thousands of
 * residents, a town Party committee of some 30 and 1,000–3,000 members). A record may sum up a
 * quarter's work ("集中学习20余次"), so the session limits leave room for that; past them (宣讲300场
 * in one line) the person is asked, not refused — a town's year can be that much.
 *
 * - meeting: a town's cadre or Party members' meeting seats a few hundred → 500 per session; a
 *   year's meetings of one unit are a few dozen → 50.
 * - study: a 中心组 has 10–30 members; a town-wide 干部大会 or 冬训 session a few hundred → 500;
 *   weekly study for two years would still be under 100 sessions → 100.
 * - distribution: a town's year of campaigns, summed up in one line, hands out a hundred thousand
 *   items (seed: 11.2万份) → 200,000; the people it reaches are at most a district's → 200,000.
 * - lecture: one 宣讲 in a town square or school reaches at most a couple of thousand → 2,000;
 *   a record of more than 100 lectures is asked about.
 * - activity: a festival event or 文艺演出 in a town square: a few thousand → 5,000; 100 sessions.
 * - publication: an article's readers can be a city's (a 公众号 post read 10万+ times) → 200,000;
 *   a quarter's posts and items a few hundred → 300.
 * - opinion: incidents handled are a handful; those concerned at most a town → 10 cases, 50,000.
 * - report: one report at a time, a handful of 责任书 (seed: one per branch) → 200.
 */
export const DEFAULT_PLAUSIBLE_LIMITS: PlausibleLimits = Object.freeze({
  meeting: { participantsPerSession: 500, sessions: 50, quantity: 0 },
  study: { participantsPerSession: 500, sessions: 100, quantity: 0 },
  distribution: { participantsPerSession: 200_000, sessions: 200, quantity: 200_000 },
  lecture: { participantsPerSession: 2_000, sessions: 100, quantity: 0 },
  activity: { participantsPerSession: 5_000, sessions: 100, quantity: 0 },
  publication: { participantsPerSession: 200_000, sessions: 300, quantity: 0 },
  opinion: { participantsPerSession: 50_000, sessions: 10, quantity: 0 },
  report: { participantsPerSession: 1_000, sessions: 200, quantity: 0 },
});

/** What the record is, in the words of the question: 中心组学习, 宣讲, 宣传发放. */
function whatItIs(draft: RecordDraft): string {
  const kind = KINDS.find((k) => k.code === draft.kind);
  const subtype = kind?.subtypes.find((s) => s.name === draft.subtype);
  if (subtype) {
    // The name as people say it: 党委理论学习中心组学习 is 中心组学习 to them.
    if ([...subtype.name].length <= 8) return subtype.name;
    return subtype.aliases.find((a) => /\p{Script=Han}/u.test(a)) ?? subtype.name;
  }
  return kind?.name ?? draft.kind;
}

/**
 * A Chinese question when a figure is beyond what one record of its kind can be, else null:
 * 「100000人」对一次中心组学习来说太多了，确认无误请回复 确认
 * A kind without limits (or a limit of 0 for a figure the kind does not record) is not checked.
 */
export function implausibleFigures(draft: RecordDraft, limits: PlausibleLimits = DEFAULT_PLAUSIBLE_LIMITS): string | null {
  const limit = Object.hasOwn(limits, draft.kind) ? limits[draft.kind] : undefined;
  if (!limit) return null;
  const kind = KINDS.find((k) => k.code === draft.kind);
  const what = whatItIs(draft);
  const sessions = Math.max(1, draft.sessions);
  const ask = (figure: string, scope: string) => `「${figure}」对${scope}来说太多了，确认无误请回复 确认`;
  if (limit.sessions > 0 && draft.sessions > limit.sessions) {
    return ask(`${draft.sessions}${kind?.countUnit ?? "次"}`, `一条${what}记录`);
  }
  if (limit.participantsPerSession > 0 && draft.participants !== null && draft.participants / sessions > limit.participantsPerSession) {
    const unit = draft.kind === "lecture" || draft.kind === "activity" ? "人次" : "人";
    const scope = sessions === 1 ? `一次${what}` : `${sessions}${kind?.countUnit ?? "次"}${what}`;
    return ask(`${draft.participants}${unit}`, scope);
  }
  if (limit.quantity > 0 && draft.quantity !== null && draft.quantity > limit.quantity) {
    const item = kind?.items.find((i) => i.name === draft.item);
    return ask(`${draft.quantity}${item?.unit ?? "份"}`, `一次${draft.item ?? what}${item?.verb ?? "发放"}`);
  }
  return null;
}
