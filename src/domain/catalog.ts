// The record-kind catalog: the schema of a kind (its names, measure words and draft wording), the
// measure words every kind shares, and the look-ups the parser and the drafts use. The kinds
// themselves are data in kinds.ts, validated here when loaded.
import { z } from "zod";
import { RAW_KINDS } from "./kinds.js";

const Name = z.string().min(1).max(40);

const SubtypeSchema = z.object({
  /** The Chinese name shown in replies and drafts. */
  name: Name,
  /** Other spellings users type, Chinese or English (matched case-insensitively). */
  aliases: z.array(Name).default([]),
  /** How a draft phrases N of these, with {n} for the count: "上报网评文章 {n} 篇". */
  phrase: z.string().optional(),
});

const ItemSchema = z.object({
  name: Name,
  aliases: z.array(Name).default([]),
  /** The measure word a draft writes for this item (份, 条, 张…). */
  unit: Name,
  /** The verb a draft uses: 发放 leaflets, 悬挂 banners, 张贴 posters. */
  verb: Name,
});

/** The seeds' areas of work, each a heading in every document (wording.ts holds the headings). */
export const AREAS = ["duty", "theory", "position", "practice"] as const;
export type Area = (typeof AREAS)[number];

/**
 * How the drafts word a kind, in the seeds' register. `form` is the sentence's grammar, one of a
 * few the drafting knows; everything else is words. A new kind needs only these.
 */
const DraftWordingSchema = z.object({
  /** The area whose heading the kind's statement goes under. */
  area: z.enum(AREAS),
  /** The verb before the label: 召开 (meetings), 开展 (study, lectures), 发放. */
  verb: Name,
  /**
   * The sentence's grammar: `counted` 开展理论学习5次，参学60人次，其中…; `listed` 召开 each subtype
   * with its count (meetings); `activities` each named activity with its reach; `items` each item
   * with its verb and measure word (distribution); `phrases` each subtype's own phrase
   * (publications, opinion cases); `reports` the reports the rules judge; `notes` observations
   * that are not work done (the /研判 notes, worded only in the 存在的风险和隐患).
   */
  form: z.enum(["counted", "listed", "activities", "items", "phrases", "reports", "notes"]).default("counted"),
  /** N records of the kind as a whole, with {n}: 发布信息{n}篇. Default: verb, label, n, measure word. */
  whole: z.string().optional(),
  /** What follows the topics (围绕…等内容): 议题 for meetings, 主题 for lectures. */
  topicsNoun: Name.default("主题"),
  /** What the kind is for, after its figures (召开…，研究部署意识形态工作). */
  purpose: z.string().optional(),
  /** The people it reached, in a draft: 惠及群众. Default: the kind's participantsLabel. */
  reach: Name.optional(),
  /** A parent says its own figures and its units' in two clauses (镇党委…；各村…), not a total. */
  ownApart: z.boolean().default(false),
  /** A parent says how many of its units it reached (深入全镇8个村（居）宣讲). */
  coverage: z.boolean().default(false),
  /** A parent's draft names the unit below that did most of it. */
  ranked: z.boolean().default(false),
  /** Fewer than in the previous period is a problem worth saying once the period has ended. */
  declineMatters: z.boolean().default(false),
  /** The seeds expect it of every unit: a draft with none of it says so and plans it. */
  expected: z.boolean().default(false),
});

const KindSchema = z.object({
  code: z.string().regex(/^[a-z]+$/),
  /** Chinese name in replies: "会议", "学习". */
  name: Name,
  /** The figure's noun in confirmations and /stats: 理论学习, 宣传发放. */
  label: Name,
  aliases: z.array(Name).min(1),
  /** Measure word for the count of events: 次 (meetings), 场 (lectures), 篇 (articles), 起 (cases). */
  countUnit: Name,
  /** Extra measure words that count events for this kind (篇/条 for publications). */
  countWords: z.array(Name).default([]),
  /** The participants' noun for drafts: 参学 (study), 受众 (lectures), 参与 (others). */
  participantsLabel: Name,
  /** Whether a quantity (份/册/条…) makes sense for this kind; only distribution needs an item. */
  hasQuantity: z.boolean().default(false),
  /** A record of this kind with no quantity is an error (distribution: what was handed out?). */
  quantityRequired: z.boolean().default(false),
  subtypes: z.array(SubtypeSchema).default([]),
  items: z.array(ItemSchema).default([]),
  /** The item assumed when a quantity is given without one. */
  defaultItem: z.string().optional(),
  /** One correct example line, shown in help and under parse errors. */
  example: z.string(),
  /** Whether the users named this kind first (meeting, study, distribution): listed first. */
  core: z.boolean().default(false),
  draft: DraftWordingSchema,
});

export type Kind = z.infer<typeof KindSchema>;
export type Subtype = z.infer<typeof SubtypeSchema>;
export type Item = z.infer<typeof ItemSchema>;
export type DraftWording = z.infer<typeof DraftWordingSchema>;

/** Measure words that always mean people, sessions or a quantity, whatever the kind. */
export const PARTICIPANT_WORDS = [
  "人次",
  "人",
  "名",
  "位",
  // Households visited or reached (走访入户 120户): the people a visit reached.
  "户",
  "people",
  "persons",
  "person",
  "participants",
  "ppl",
  "pax",
  "households",
];
// 2 talks, 3 meetings: English kind words after a number count sessions.
export const SESSION_WORDS = [
  "场次",
  "次",
  "场",
  "期",
  "回",
  "轮",
  "堂",
  "sessions",
  "session",
  "times",
  "events",
  "event",
  "talks",
  "lectures",
  "meetings",
];
export const QUANTITY_WORDS = [
  "份",
  "册",
  "本",
  "张",
  "条",
  "幅",
  "件",
  "个",
  "块",
  "套",
  // 春联 come in pairs (副), flags in 面, gift bags in 袋.
  "副",
  "面",
  "袋",
  "盒",
  "copies",
  "copy",
  "pcs",
  "pieces",
  "items",
];

/**
 * Measure words as phones mistype them right after a number: 12入 (人), 3000分 (份), 20人此 (人次).
 * Read only when glued to Arabic digits, so 十分 or 一入 never become figures.
 */
export const MEASURE_TYPOS: Readonly<Record<string, string>> = { 入: "人", 分: "份", 人此: "人次", 场此: "场次" };

const CatalogSchema = z.array(KindSchema).superRefine((kinds, ctx) => {
  // Every name a user can type must lead to exactly one thing, or the parser would guess.
  const seen = new Map<string, string>();
  const claim = (word: string, owner: string, path: (string | number)[]) => {
    const key = word.toLowerCase();
    const prev = seen.get(key);
    if (prev && prev !== owner) ctx.addIssue({ code: "custom", path, message: `"${word}" is used by both ${prev} and ${owner}` });
    seen.set(key, owner);
  };
  kinds.forEach((k, i) => {
    [k.name, ...k.aliases].forEach((w) => claim(w, `kind ${k.code}`, [i, "aliases"]));
    k.subtypes.forEach((s, j) => [s.name, ...s.aliases].forEach((w) => claim(w, `subtype ${k.code}/${s.name}`, [i, "subtypes", j])));
    k.items.forEach((it, j) => [it.name, ...it.aliases].forEach((w) => claim(w, `item ${k.code}/${it.name}`, [i, "items", j])));
    if (k.defaultItem && !k.items.some((it) => it.name === k.defaultItem)) {
      ctx.addIssue({ code: "custom", path: [i, "defaultItem"], message: `unknown default item ${k.defaultItem}` });
    }
  });
});

export type KindInput = z.input<typeof KindSchema>;

export const KINDS: readonly Kind[] = CatalogSchema.parse(RAW_KINDS);

export function kindByCode(code: string): Kind {
  const k = KINDS.find((x) => x.code === code);
  if (!k) throw new Error(`unknown kind code ${code}`);
  return k;
}

type Hit = { type: "kind"; kind: Kind } | { type: "subtype"; kind: Kind; subtype: Subtype } | { type: "item"; kind: Kind; item: Item };

const WORDS = new Map<string, Hit>();
for (const kind of KINDS) {
  for (const w of [kind.name, kind.code, ...kind.aliases]) WORDS.set(w.toLowerCase(), { type: "kind", kind });
  for (const subtype of kind.subtypes)
    for (const w of [subtype.name, ...subtype.aliases]) WORDS.set(w.toLowerCase(), { type: "subtype", kind, subtype });
  for (const item of kind.items) for (const w of [item.name, ...item.aliases]) WORDS.set(w.toLowerCase(), { type: "item", kind, item });
}

/** What a word names in the catalog: a kind, a subtype, or a distribution item. */
export function lookupWord(word: string): Hit | undefined {
  return WORDS.get(word.toLowerCase());
}

/** Every catalog word, longest first: used to split glued tokens such as 宣传册3000份. */
export const CATALOG_WORDS_LONGEST_FIRST = [...WORDS.keys()].sort((a, b) => b.length - a.length);
