// The record command language (DESIGN.md, The command language). One line; after the kind the
// order is free and every piece is recognised by its shape, glued to words or not: figures with
// their measure words (12名党员, 惠及3200余人, 应到28人实到25人), day words and times of day
// (11月3日上午, 上个月25号, last friday), catalog words, labelled fields (地点：…, 主持人：…).
// Once the kind is known, words the catalog does not know are the record's own name (title), not
// an error. What cannot be read is an error that names the word, never a guess; a day that has
// not come yet is refused, never moved to another year. Pure: the China day "today" is passed in.
import { z } from "zod";
import {
  KINDS,
  lookupWord,
  PARTICIPANT_WORDS,
  SESSION_WORDS,
  QUANTITY_WORDS,
  MEASURE_TYPOS,
  CATALOG_WORDS_LONGEST_FIRST,
  type Kind,
  type Subtype,
  type Item,
} from "./catalog.js";
import { parseAmount } from "./numbers.js";
import { parseDay, matchDayAt, matchTimeAt, parseTimeOfDay, type DateResult } from "./dates.js";
import { dayLabel } from "../time.js";
import { normaliseText, editDistance } from "./text.js";

export const MAX_FIGURE = 10_000_000;
export const MAX_TOPIC_CHARS = 200;
export const MAX_NOTE_CHARS = 500;
/** The minutes typed into a record line (纪要：…): a page of text; longer ones are sent as a file. */
export const MAX_MINUTES_CHARS = 2000;
export const MAX_TITLE_CHARS = 100;

/** What a record line says, validated; the store adds who, where and which message. */
export const RecordDraftSchema = z.object({
  kind: z.string(),
  subtype: z.string().max(40).nullable(),
  sessions: z.number().int().min(1).max(MAX_FIGURE),
  /** "20余次": all the person knew was an approximate count of sessions. */
  sessionsApprox: z.boolean(),
  participants: z.number().int().min(1).max(MAX_FIGURE).nullable(),
  participantsApprox: z.boolean(),
  quantity: z.number().int().min(1).max(MAX_FIGURE).nullable(),
  quantityApprox: z.boolean(),
  item: z.string().max(40).nullable(),
  day: z.string().regex(/^\d{4}-\d{2}-\d{2}$/),
  topic: z.string().max(MAX_TOPIC_CHARS).nullable(),
  note: z.string().max(MAX_NOTE_CHARS).nullable(),
  /** The record's own name when the catalog has no word for it: 最美家庭故事分享会. */
  title: z.string().max(MAX_TITLE_CHARS).nullable(),
  /** 地点/场所. */
  place: z.string().max(100).nullable(),
  /** 主持人/主讲人. */
  host: z.string().max(40).nullable(),
  /** 参加人员, names as typed, 、-separated. */
  attendees: z.string().max(500).nullable(),
  /** 记录人. */
  recorder: z.string().max(40).nullable(),
  /** 纪要/会议记录: the minutes, as typed (a file of them is an attachment). */
  minutes: z.string().max(MAX_MINUTES_CHARS).nullable(),
  /** 上午, 14:30, 下午3点. */
  timeOfDay: z.string().max(20).nullable(),
  /** 单位：永业村 — which (child) unit the record is for; the command resolves the name. */
  unitName: z.string().max(100).nullable(),
});
export type RecordDraft = z.infer<typeof RecordDraftSchema>;

export class ParseError extends Error {
  constructor(
    message: string,
    readonly word?: string,
  ) {
    super(message);
  }
}

/** The kinds as users usually type them: 会议、学习、宣传发放… */
/** 风险研判 has its own command (/研判) and is not offered among the kinds of work. */
export const KIND_WORDS = KINDS.filter((k) => k.code !== "situation")
  .map((k) => k.aliases[0])
  .join("、");

export const GENERAL_EXAMPLE = "/记录 学习 中心组学习 12人 主题：二十大精神";

function exampleFor(kind?: Kind): string {
  return `正确示例：${kind?.example ?? GENERAL_EXAMPLE}`;
}

/**
 * Normalises what phones and IMEs put in: full-width digits and colons, zero-width, bidi and
 * control characters; emoji sequences keep their joiners (src/domain/text.ts).
 */
export { normaliseText };

// ---------------------------------------------------------------------------------------------
// Measure words and figures

type Slot = "participants" | "sessions" | "quantity";

function slotOf(word: string, kind: Kind | undefined): Slot | undefined {
  const w = (Object.hasOwn(MEASURE_TYPOS, word) ? MEASURE_TYPOS[word] : word).toLowerCase();
  if (kind?.countWords.some((x) => x.toLowerCase() === w)) return "sessions";
  if (PARTICIPANT_WORDS.includes(w)) return "participants";
  if (SESSION_WORDS.includes(w)) return "sessions";
  if (QUANTITY_WORDS.includes(w)) return "quantity";
  return undefined;
}

const ALL_MEASURE_WORDS = [
  ...new Set([...PARTICIPANT_WORDS, ...SESSION_WORDS, ...QUANTITY_WORDS, ...KINDS.flatMap((k) => k.countWords)]),
].sort((a, b) => b.length - a.length);
const TYPO_WORDS = Object.keys(MEASURE_TYPOS).sort((a, b) => b.length - a.length);

/** Measure words a Chinese numeral may carry inside a longer word (一人一档 and 三个代表 are not figures). */
const GLUED_CHINESE_MEASURES = new Set(["人", "人次", "名", "位", "次", "场", "场次", "份", "户", "篇", "副", "期"]);

interface Amount {
  value: number;
  approx: boolean;
  measure?: string;
}

interface Figure extends Amount {
  word: string;
  /** 应到28人 is who was expected, 实到25人 who came, 缺席3人 who did not. */
  role?: "expected" | "actual" | "absent";
}

/** "12人", "3000余份", "约200人次", "1.2万份", "两百多人", "3000分" (a typo of 份), "12" → number with its measure word. */
function readAmount(token: string): Amount | null {
  const t = token.toLowerCase();
  for (const word of ALL_MEASURE_WORDS) {
    // The approximate marker may come after the measure word too: 200人左右, 3000份以上.
    const m = new RegExp(`^(.+?)${escapeRegExp(word)}(左右|上下|以上|多|余)?$`).exec(t);
    if (m) {
      const a = parseAmount(m[1]);
      if (a) return { ...a, approx: a.approx || Boolean(m[2]), measure: word };
    }
  }
  for (const typo of TYPO_WORDS) {
    const m = new RegExp(`^([\\d.,]+(?:万|千)?(?:余|多)?)${escapeRegExp(typo)}(左右|以上)?$`).exec(t);
    if (m) {
      const a = parseAmount(m[1]);
      if (a) return { ...a, approx: a.approx || Boolean(m[2]), measure: MEASURE_TYPOS[typo] };
    }
  }
  const bare = parseAmount(t);
  return bare ? { ...bare } : null;
}

function escapeRegExp(s: string): string {
  return s.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
}

const CN_NUM = "零〇一二两三四五六七八九十百千万";
/** A figure inside a longer word: 惠及3200余人, 党员12名, 约有100人, 两百多场. */
const GLUED_FIGURE = new RegExp(
  `(大约|约有|大概|差不多|估计|约|将近|接近|近|超过|逾)?` +
    `(\\d[\\d.,]*(?:万|千|百)?|[${CN_NUM}]+)` +
    `(余|多|来|\\+)?` +
    `(${[...ALL_MEASURE_WORDS, ...TYPO_WORDS].map(escapeRegExp).join("|")})` +
    `(左右|上下|以上|余|多)?`,
  "y",
);

function matchFigureAt(text: string, index: number): { word: string; amount: Amount } | null {
  const prev = text[index - 1] ?? "";
  if (prev === "第" || /\d/.test(prev) || (prev && CN_NUM.includes(prev) && /[^\d]/.test(text[index] ?? ""))) return null;
  GLUED_FIGURE.lastIndex = index;
  const m = GLUED_FIGURE.exec(text.toLowerCase());
  if (!m) return null;
  const arabic = /^\d/.test(m[2]);
  let measure = m[4];
  if (Object.hasOwn(MEASURE_TYPOS, measure)) {
    if (!arabic) return null;
    measure = MEASURE_TYPOS[measure];
  }
  if (!arabic && !GLUED_CHINESE_MEASURES.has(measure)) return null;
  // A Latin measure word must end the word: 3 people, not 3peoplex.
  if (/[a-z]$/.test(measure) && /[a-z]/i.test(text[index + m[0].length] ?? "")) return null;
  const a = parseAmount(m[2]);
  if (!a) return null;
  return {
    word: text.slice(index, index + m[0].length),
    amount: { value: a.value, approx: a.approx || Boolean(m[1] || m[3] || m[5]), measure },
  };
}

// ---------------------------------------------------------------------------------------------
// Words inside a run of text

/** Verbs and connectives around figures and catalog words that say nothing by themselves. */
const FILLERS = [
  "组织开展",
  "开展了",
  "组织了",
  "召开了",
  "举办了",
  "举行了",
  "进行了",
  "参加了",
  "开展",
  "组织",
  "召开",
  "举办",
  "举行",
  "进行",
  "参加",
  "参与",
  "参会",
  "参学",
  "到会",
  "出席",
  "共计",
  "累计",
  "合计",
  "总计",
  "惠及",
  "覆盖",
  "受众",
  "更新",
  "赠送",
  "主动",
  "集中",
  "完成",
  "今年以来",
  "截至目前",
  "共",
  "计",
  "了",
  "送",
  "和",
  "及",
  "与",
  "等",
  "在",
  "于",
].sort((a, b) => b.length - a.length);

/** Day words that also say the time of day: 昨晚 is yesterday evening. */
const DAY_TIME: Record<string, string> = { 昨晚: "晚上", 今晚: "晚上", 今早: "上午", 今晨: "上午" };

/** The people a figure counts: 12名党员, 党员干部30余人, 全体党员. */
const PEOPLE_NOUNS = [
  "党员干部",
  "干部群众",
  "观众",
  "听众",
  "受众",
  "参与者",
  "党员群众",
  "村民代表",
  "居民代表",
  "党员代表",
  "班子成员",
  "两委成员",
  "村两委",
  "参会人员",
  "参学人员",
  "参加人员",
  "困难群众",
  "志愿者",
  "青少年",
  "老年人",
  "村干部",
  "网格员",
  "党员",
  "干部",
  "群众",
  "居民",
  "村民",
  "同志",
  "学员",
  "师生",
  "职工",
  "员工",
  "代表",
  "学生",
  "老人",
  "妇女",
  "儿童",
  "人员",
  "全体",
  "广大",
  "机关干部",
  "镇村干部",
  "社区干部",
  "工作人员",
  "党员志愿者",
  "居民群众",
  "辖区居民",
  "老党员",
  "团员",
  "青年",
  "少先队员",
  "中小学生",
  "农民",
  "商户",
  "住户",
  "农户",
].sort((a, b) => b.length - a.length);
/** A run that only says who took part: 全体机关干部, 辖区居民, 部分村民代表. */
const PEOPLE_RUN = new RegExp(`^(全体|广大|部分|辖区|小区|社区|村|镇|机关|各村|各支部)*(${PEOPLE_NOUNS.join("|")})+$`);

const ROLE_MARKERS: [RegExp, Figure["role"]][] = [
  [/(应到|应参会|应出席|应参加|应参学)$/, "expected"],
  [/(实到|实际参加|实际到会|实参会|实参加|实际出席)$/, "actual"],
  [/(缺席|请假|未到|缺勤)$/, "absent"],
];
const ROLE_WORDS = [
  "应到",
  "应参会",
  "应出席",
  "应参加",
  "应参学",
  "实到",
  "实际参加",
  "实际到会",
  "实参会",
  "实参加",
  "实际出席",
  "缺席",
  "请假",
  "未到",
  "缺勤",
].sort((a, b) => b.length - a.length);

/** Where the work happened, said as a word: 线上, 线下. */
const MODE_PLACES = new Set(["线上", "线下", "网上", "云端", "视频会议", "腾讯会议", "现场", "online", "offline"]);
/** How a place name ends: 会议室, 小区广场, 党群服务中心, 新时代文明实践站. */
const PLACE_END = /(室|厅|广场|中心|站|馆|村|社区|小区|院|楼|场|堂|校|园|点|所|家|屋|部|街|路|口|市场|公园|基地|书屋|会场|线上|网上)$/;
/** A run that says what was studied or discussed: 研究意识形态工作 is a topic, not a name. */
const TOPIC_VERBS = /^(专题研究|研究部署|研究|传达学习|传达|学习贯彻|部署|听取|围绕|学习了)(?=\S)/;

/** English words that carry nothing in a record line. */
const EN_FILLERS = new Set([
  "on",
  "at",
  "in",
  "the",
  "of",
  "for",
  "with",
  "and",
  "held",
  "had",
  "we",
  "a",
  "an",
  "to",
  "was",
  "were",
  "total",
]);
const APPROX_WORDS = new Set([
  "约",
  "大约",
  "大概",
  "差不多",
  "估计",
  "近",
  "将近",
  "约有",
  "接近",
  "about",
  "around",
  "approx",
  "approximately",
  "nearly",
  "roughly",
  "over",
  "~",
]);

type Hit = NonNullable<ReturnType<typeof lookupWord>>;

/** Kind words that are verbs: 发放 宣传单, 上报 网评文章. */
const VERB_KIND_WORDS = new Set(["发放", "分发", "派发", "张贴", "悬挂", "上报", "报送", "发布", "投稿", "录用"]);

/** Catalog words by their first character, longest first, for reading inside a word. */
const WORDS_BY_FIRST = new Map<string, string[]>();
for (const w of CATALOG_WORDS_LONGEST_FIRST) {
  // One-character words (会) are read only as a whole token: inside a word they are not words.
  if ([...w].length < 2) continue;
  const first = w[0];
  if (!WORDS_BY_FIRST.has(first)) WORDS_BY_FIRST.set(first, []);
  WORDS_BY_FIRST.get(first)!.push(w);
}

function catalogWordAt(lower: string, index: number): string | null {
  for (const w of WORDS_BY_FIRST.get(lower[index]) ?? []) if (lower.startsWith(w, index)) return w;
  return null;
}

type Seg =
  { t: "hit"; word: string; hit: Hit } | { t: "filler"; word: string } | { t: "people"; word: string } | { t: "text"; word: string };

function startsWithAny(text: string, index: number, words: readonly string[]): string | null {
  for (const w of words) if (text.startsWith(w, index)) return w;
  return null;
}

/** Splits a run of text (no figures or dates in it) into catalog words, fillers, people nouns and text. */
function segment(run: string): Seg[] {
  const lower = run.toLowerCase();
  const segs: Seg[] = [];
  let text = "";
  const flush = () => {
    if (text) segs.push({ t: "text", word: text });
    text = "";
  };
  for (let i = 0; i < run.length;) {
    const cat = catalogWordAt(lower, i);
    if (cat) {
      flush();
      segs.push({ t: "hit", word: run.slice(i, i + cat.length), hit: lookupWord(cat)! });
      i += cat.length;
      continue;
    }
    const people = startsWithAny(run, i, PEOPLE_NOUNS);
    if (people) {
      flush();
      segs.push({ t: "people", word: people });
      i += people.length;
      continue;
    }
    const filler = startsWithAny(run, i, FILLERS) ?? startsWithAny(run, i, ROLE_WORDS);
    if (filler) {
      flush();
      segs.push({ t: "filler", word: filler });
      i += filler.length;
      continue;
    }
    text += run[i];
    i++;
  }
  flush();
  return segs;
}

// ---------------------------------------------------------------------------------------------
// Labelled fields

type Field =
  | "topic"
  | "title"
  | "note"
  | "place"
  | "host"
  | "attendees"
  | "time"
  | "recorder"
  | "minutes"
  | "unitName"
  | "count"
  | "expected"
  | "actual"
  | "quantity"
  | "sessions"
  /** The value is read like the rest of the line (物品：宣传册 → the item). */
  | "back";

const LABELS: [string, Field][] = [
  ["学习内容", "topic"],
  ["主要表现", "topic"],
  ["表现", "topic"],
  ["具体表现", "topic"],
  ["采取措施", "note"],
  ["应对措施", "note"],
  ["处置措施", "note"],
  ["措施", "note"],
  ["会议主题", "topic"],
  ["活动主题", "topic"],
  ["宣讲主题", "topic"],
  ["主题", "topic"],
  ["题目", "topic"],
  ["内容", "topic"],
  ["议题", "topic"],
  ["topic", "topic"],
  ["subject", "topic"],
  ["活动名称", "title"],
  ["会议名称", "title"],
  ["名称", "title"],
  ["标题", "title"],
  ["title", "title"],
  ["name", "title"],
  ["备注", "note"],
  ["说明", "note"],
  ["note", "note"],
  ["notes", "note"],
  ["会议地点", "place"],
  ["活动地点", "place"],
  ["学习地点", "place"],
  ["地点", "place"],
  ["场所", "place"],
  ["地址", "place"],
  ["place", "place"],
  ["location", "place"],
  ["venue", "place"],
  ["主持人", "host"],
  ["主持", "host"],
  ["主讲人", "host"],
  ["主讲", "host"],
  ["宣讲人", "host"],
  ["授课人", "host"],
  ["host", "host"],
  ["参加人员", "attendees"],
  ["参会人员", "attendees"],
  ["参学人员", "attendees"],
  ["出席人员", "attendees"],
  ["参加对象", "attendees"],
  ["参加人", "attendees"],
  ["参会人", "attendees"],
  ["出席", "attendees"],
  ["attendees", "attendees"],
  ["会议时间", "time"],
  ["活动时间", "time"],
  ["学习时间", "time"],
  ["时间", "time"],
  ["日期", "time"],
  ["time", "time"],
  ["date", "time"],
  ["when", "time"],
  ["记录人", "recorder"],
  ["记录员", "recorder"],
  ["recorder", "recorder"],
  ["会议纪要", "minutes"],
  ["纪要", "minutes"],
  ["会议记录", "minutes"],
  ["学习记录", "minutes"],
  ["内容纪要", "minutes"],
  ["minutes", "minutes"],
  ["单位", "unitName"],
  ["unit", "unitName"],
  ["参加人数", "count"],
  ["参会人数", "count"],
  ["参学人数", "count"],
  ["出席人数", "count"],
  ["人数", "count"],
  ["参与人数", "count"],
  ["听众", "count"],
  ["观众", "count"],
  ["受众", "count"],
  ["参加群众", "count"],
  ["受众人数", "count"],
  ["物品", "back"],
  ["宣传品", "back"],
  ["品名", "back"],
  ["数量", "quantity"],
  ["份数", "quantity"],
  ["发放数量", "quantity"],
  ["场次", "sessions"],
  ["次数", "sessions"],
  ["应到人数", "expected"],
  ["实到人数", "actual"],
];
const LABEL_RE = new RegExp(
  `(${[...LABELS]
    .map(([w]) => w)
    .sort((a, b) => b.length - a.length)
    .map(escapeRegExp)
    .join("|")})\\s*[:：]`,
  "gi",
);
const LABEL_FIELD = new Map(LABELS.map(([w, f]) => [w.toLowerCase(), f]));

const FIELD_NAMES: Record<string, string> = {
  topic: "主题",
  title: "名称",
  note: "备注",
  place: "地点",
  host: "主持人",
  attendees: "参加人员",
  recorder: "记录人",
  minutes: "纪要",
  unitName: "单位",
};
const FIELD_LIMITS: Record<string, number> = {
  topic: MAX_TOPIC_CHARS,
  title: MAX_TITLE_CHARS,
  note: MAX_NOTE_CHARS,
  place: 100,
  host: 40,
  attendees: 500,
  recorder: 40,
  minutes: MAX_MINUTES_CHARS,
  unitName: 100,
};

interface Labelled {
  rest: string;
  fields: Partial<Record<Field, string>>;
}

/** True for a token that reads as a figure, a day or a time of day: what a label's value gives back. */
function isFreeToken(token: string, today: string): boolean {
  const t = token.replace(/[。.!！]+$/, "");
  if (!t) return true;
  if (parseDay(t, today) || parseTimeOfDay(t)) return true;
  const a = readAmount(t);
  if (a?.measure) return true;
  // 等15人 / 共12人 after the names.
  return /^(等|共|共计|计)?(约|近)?\d[\d,]*(余|多)?(人次|人|名|位)(左右)?$/.test(t);
}

/**
 * Splits off the labelled fields (主题：…, 地点：…); each runs to the next label. A value's trailing
 * figures and days are given back to the line (主题：最美家庭故事分享会 11月20日 60人).
 */
function splitLabels(text: string, today: string): Labelled {
  const hits = [...text.matchAll(LABEL_RE)];
  if (hits.length === 0) return { rest: text, fields: {} };
  const fields: Labelled["fields"] = {};
  const back: string[] = [];
  hits.forEach((h, i) => {
    const field = LABEL_FIELD.get(h[1].toLowerCase())!;
    let value = text.slice(h.index! + h[0].length, hits[i + 1]?.index ?? text.length).trim();
    if (
      field === "time" ||
      field === "count" ||
      field === "expected" ||
      field === "actual" ||
      field === "quantity" ||
      field === "sessions" ||
      field === "back"
    ) {
      const prefix = { time: "", count: "", expected: "应到", actual: "实到", quantity: "", sessions: "", back: "" }[field];
      // A bare number takes the label's measure word: 人数：12 → 12人, 数量：800 → 800份, 场次：3 → 3次.
      const measure = { count: "人", expected: "人", actual: "人", quantity: "份", sessions: "次" }[field as string];
      const tokens = value.split(/[\s,，;；]+/).filter(Boolean);
      back.push(
        ...tokens.map((t, j) => (j === 0 && prefix ? prefix : "") + (measure && /^\d[\d,]*(余|多)?$/.test(t) ? `${t}${measure}` : t)),
      );
      return;
    }
    // A unit's name is one word: what follows it is the rest of the line (单位：金桥社区 活动 志愿服务 15人).
    if (field === "unitName") {
      const [name, ...others] = value.split(/[\s,，;；]+/).filter(Boolean);
      back.push(...others);
      if (name) fields.unitName = name;
      return;
    }
    // Give back trailing figures and days: "最美家庭故事分享会 11月20日 60人" → the name, and the rest to the line.
    for (;;) {
      const m = /(^|[\s,，;；])([^\s,，;；]+)[\s,，;；。]*$/.exec(value);
      if (!m || !isFreeToken(m[2], today) || (m.index === 0 && !m[1] && field !== "attendees")) break;
      back.unshift(m[2]);
      value = value.slice(0, m.index).trim();
    }
    if (field === "attendees") {
      // 张三、李四等15人: the count glued to the names.
      const glued = /(等|共|共计|计)?((?:约|近)?\d[\d,]*(?:余|多)?(?:人次|人|名|位)(?:左右)?)$/.exec(value);
      if (glued && glued.index > 0) {
        back.unshift(glued[2]);
        value = value.slice(0, glued.index + (glued[1] === "等" ? 1 : 0));
      }
      value = value
        .split(/[\s,，、;；]+/)
        .filter(Boolean)
        .join("、");
    }
    value = value.replace(/[。!！]+$/, "").trim();
    if (value) fields[field] = value;
  });
  return { rest: [text.slice(0, hits[0].index), ...back].join(" "), fields };
}

/** 张三、李四、王五 → 3; null when the value is not a list of names (全体党员, 张三等). */
function countNames(attendees: string): number | null {
  const names = attendees.split("、");
  const group = /(全体|党员|干部|群众|居民|村民|人员|代表|成员|同志们|等|所有|大家|部分|职工|师生)/;
  if (names.every((n) => !group.test(n) && (/^[\p{Script=Han}·]{2,5}$/u.test(n) || /^[A-Za-z][A-Za-z.'-]{0,30}$/.test(n))))
    return names.length;
  return null;
}

// ---------------------------------------------------------------------------------------------
// English phrases made one token, so that they read like the Chinese ones

const EN_WEEKDAY = "mon|monday|tue|tues|tuesday|wed|wednesday|thu|thur|thurs|thursday|fri|friday|sat|saturday|sun|sunday";
const EN_MONTH =
  "jan|january|feb|february|mar|march|apr|april|may|jun|june|jul|july|aug|august|sep|sept|september|oct|october|nov|november|dec|december";

function joinEnglish(text: string): string {
  return text
    .replace(new RegExp(`\\b(last|this|next|on)\\s+(${EN_WEEKDAY})\\b`, "gi"), (_, a, b) => `${a}-${b}`.toLowerCase())
    .replace(new RegExp(`\\b(${EN_MONTH})\\.?\\s+(\\d{1,2})(?:st|nd|rd|th)?\\b(?:,?\\s+(\\d{4})\\b)?`, "gi"), (_, mo, d, y) =>
      `${mo}-${d}${y ? `-${y}` : ""}`.toLowerCase(),
    )
    .replace(new RegExp(`\\b(\\d{1,2})(?:st|nd|rd|th)?\\s+(${EN_MONTH})\\b(?!-)\\.?(?:\\s+(\\d{4})\\b)?`, "gi"), (_, d, mo, y) =>
      `${d}-${mo}${y ? `-${y}` : ""}`.toLowerCase(),
    )
    .replace(/\b(\d{1,3}|a|one)\s+days?\s+(ago|later)\b/gi, (_, n, w) => `${n}-days-${w}`.toLowerCase())
    .replace(/\bin\s+(\d{1,3}|a|one)\s+days?\b/gi, (_, n) => `in-${n}-days`.toLowerCase())
    .replace(/\bday\s+after\s+tomorrow\b/gi, "day-after-tomorrow")
    .replace(/\bthis\s+(morning|afternoon|evening)\b/gi, (_, w) => `this-${w}`.toLowerCase())
    .replace(/\b(\d{1,2}(?::\d{2})?)\s*(am|pm)\b/gi, (_, t, ap) => `${t}${ap}`.toLowerCase())
    .replace(/\bmore\s+than\s+(?=\d)/gi, "over ");
}

// ---------------------------------------------------------------------------------------------
// Reading a line

type Piece =
  | { t: "run"; text: string; whole: boolean }
  | { t: "hit"; word: string; hit: Hit }
  | { t: "fig"; fig: Figure }
  | { t: "day"; word: string; result: DateResult }
  | { t: "time"; value: string };

/** Cuts one token into figures, days, times of day and the runs of text between them. */
function scanToken(token: string, today: string): Piece[] {
  const pieces: Piece[] = [];
  const lower = token.toLowerCase();
  let buf = "";
  const flush = () => {
    if (buf) pieces.push({ t: "run", text: buf, whole: false });
    buf = "";
  };
  for (let i = 0; i < token.length;) {
    // A catalog word is read whole: 周一夜读 is not Monday, 三会一课 holds no figure.
    const cat = catalogWordAt(lower, i);
    if (cat) {
      buf += token.slice(i, i + cat.length);
      i += cat.length;
      continue;
    }
    if (token[i] === "第") {
      const ord = new RegExp(`^第[\\d${CN_NUM}]*`).exec(token.slice(i))![0];
      buf += ord;
      i += ord.length;
      continue;
    }
    const day = matchDayAt(token, i, today);
    if (day) {
      flush();
      pieces.push({ t: "day", word: day.word, result: day.result });
      if (DAY_TIME[day.word]) pieces.push({ t: "time", value: DAY_TIME[day.word] });
      i += day.word.length;
      continue;
    }
    const time = matchTimeAt(token, i);
    if (time) {
      flush();
      pieces.push({ t: "time", value: time });
      i += time.length;
      continue;
    }
    const fig = matchFigureAt(token, i);
    if (fig) {
      const role = ROLE_MARKERS.find(([re]) => re.test(buf))?.[1];
      flush();
      pieces.push({ t: "fig", fig: { ...fig.amount, word: fig.word, role } });
      i += fig.word.length;
      continue;
    }
    buf += token[i];
    i++;
  }
  flush();
  return pieces;
}

interface Reading {
  kind?: Kind;
  kindWord?: string;
  kindFromKindWord: boolean;
  subtype?: Subtype;
  item?: Item;
  /** Names found, with where they stood (piece index), to be joined in the line's order. */
  titles: { at: number; text: string }[];
  topicFromRun?: string;
  place?: string;
}

/**
 * Reads the text after /record. `today` is the China day of the message.
 * Throws ParseError with a Chinese message that names the word not understood.
 */
export function parseRecord(input: string, today: string): RecordDraft {
  return readRecord(input, today, "command");
}

/**
 * The parser's reading, for a command ("command": unknown words are the record's name, a word that
 * cannot be read is an error) or for a sentence ("plain": only what the catalog, the figures and the
 * days say; other words are left out). Throws ParseError.
 */
export function readRecord(input: string, today: string, mode: "command" | "plain"): RecordDraft {
  return read(input, today, mode).draft;
}

/**
 * What a correction says (/修改 128 15人 地点：社区会议室): only the fields the text gives, read
 * for the record's kind. The kind itself cannot change. Throws ParseError.
 */
export function parseChanges(input: string, today: string, record: Pick<RecordDraft, "kind">): Partial<RecordDraft> {
  const kind = KINDS.find((k) => k.code === record.kind);
  if (!kind) throw new ParseError(`这条记录的类别「${record.kind}」已不在目录中，不能这样修改。`);
  const { draft, present } = read(input, today, "changes", kind);
  const out: Partial<Record<keyof RecordDraft, unknown>> = {};
  for (const f of present) out[f] = draft[f];
  return out as Partial<RecordDraft>;
}

function read(
  input: string,
  today: string,
  mode: "command" | "plain" | "changes",
  fixedKind?: Kind,
): { draft: RecordDraft; present: Set<keyof RecordDraft> } {
  const plain = mode === "plain";
  let text = normaliseText(input)
    .trim()
    .replace(/^[:：]+\s*/, "");
  if (!text) throw new ParseError(`请写明记录的内容：类别、人数或数量、日期。\n${exampleFor()}`);
  text = joinEnglish(text);
  const { rest: labelRest, fields } = splitLabels(text, today);
  let rest = labelRest;
  for (const f of Object.keys(FIELD_LIMITS) as (keyof typeof FIELD_LIMITS)[]) {
    const v = fields[f as Field];
    if (v && [...v].length > FIELD_LIMITS[f])
      throw new ParseError(`${FIELD_NAMES[f]}太长（${[...v].length} 字），请不超过 ${FIELD_LIMITS[f]} 字。`);
  }
  let topic = fields.topic ?? null;
  if (!topic) {
    // A title in 《》 or quotes is a topic too: 学习《习近平谈治国理政》第四卷.
    const quoted = /(《[^》]{1,200}》[^\s]*|“[^”]{1,200}”|"[^"]{1,200}")/.exec(rest);
    if (quoted) {
      topic = quoted[0].replace(/^[“"]|[”"]$/g, "");
      if ([...topic].length > MAX_TOPIC_CHARS)
        throw new ParseError(`主题太长（${[...topic].length} 字），请不超过 ${MAX_TOPIC_CHARS} 字。`);
      // 《宪法》宣传册: the word after the title still says what was handed out.
      const after = /》(.+)$/.exec(quoted[0])?.[1] ?? "";
      const tail = CATALOG_WORDS_LONGEST_FIRST.find((w) => [...w].length >= 2 && after.toLowerCase().endsWith(w));
      const kept = tail ? after.slice(after.length - tail.length) : "";
      rest = `${rest.slice(0, quoted.index)} ${kept} ${rest.slice(quoted.index + quoted[0].length)}`;
    }
  }

  // Tokens: 1,200 is one number; brackets and sentence punctuation separate like spaces.
  const tokens = rest
    .replace(/(\d),(?=\d{3}(?!\d))/g, "$1")
    .split(/[\s,，、;；。!！?？()（）【】[\]{}]+/)
    .map((t) => t.replace(/[.…~～]+$/, (m) => (m === "~" || m === "～" ? m : "")))
    .filter(Boolean);

  const pieces: Piece[] = [];
  let pendingApprox = false;
  let pendingRole: Figure["role"];
  let approxWord = "约";
  for (let k = 0; k < tokens.length; k++) {
    const token = tokens[k];
    const lower = token.toLowerCase();
    const hit = lookupWord(token);
    if (hit) {
      pieces.push({ t: "hit", word: token, hit });
      continue;
    }
    if (APPROX_WORDS.has(lower)) {
      pendingApprox = true;
      approxWord = token;
      continue;
    }
    const role = ROLE_MARKERS.find(([re]) => re.test(token) && ROLE_WORDS.includes(token))?.[1];
    if (role) {
      pendingRole = role;
      continue;
    }
    if (EN_FILLERS.has(lower) || FILLERS.includes(token)) continue;
    const date = parseDay(token, today);
    if (date) {
      pieces.push({ t: "day", word: token, result: date });
      if (DAY_TIME[token]) pieces.push({ t: "time", value: DAY_TIME[token] });
      continue;
    }
    const time = parseTimeOfDay(token);
    if (time) {
      pieces.push({ t: "time", value: time });
      continue;
    }
    const amount = readAmount(token);
    if (amount) {
      const fig: Figure = { ...amount, word: token, role: pendingRole };
      if (pendingApprox) fig.approx = true;
      pendingApprox = false;
      pendingRole = undefined;
      // "12 people", "500 份": the measure word in the next token.
      if (!fig.measure && k + 1 < tokens.length && slotOf(tokens[k + 1], undefined)) fig.measure = tokens[++k];
      else if (!fig.measure && k + 1 < tokens.length && KINDS.some((kd) => kd.countWords.includes(tokens[k + 1].toLowerCase())))
        fig.measure = tokens[++k];
      pieces.push({ t: "fig", fig });
      continue;
    }
    const scanned = scanToken(token, today);
    if (scanned.length === 1 && scanned[0].t === "run") scanned[0] = { t: "run", text: token, whole: true };
    for (const p of scanned) {
      if (p.t === "fig") {
        if (pendingApprox) p.fig.approx = true;
        if (pendingRole && !p.fig.role) p.fig.role = pendingRole;
        pendingApprox = false;
        pendingRole = undefined;
      }
      pieces.push(p);
    }
  }
  if (pendingApprox && !plain) throw new ParseError(`「${approxWord}」后面缺少数字。\n${exampleFor()}`, approxWord);

  // --- What the runs of text say
  const r: Reading = { kind: fixedKind, kindFromKindWord: Boolean(fixedKind), titles: [] };
  const strong: { word: string; hit: Hit; at: number }[] = [];
  const weak: { word: string; hit: Hit }[] = [];
  const textRuns: { text: string; segs: Seg[]; at: number }[] = [];
  for (const [at, p] of pieces.entries()) {
    if (p.t === "hit") strong.push({ word: p.word, hit: p.hit, at });
    if (p.t !== "run") continue;
    let run = p.text;
    const lower = run.toLowerCase();
    if (MODE_PLACES.has(lower)) {
      r.place ??= run;
      continue;
    }
    if (/^[在于]/.test(run) && run.length > 2) {
      const found = placeAt(run);
      if (found) {
        r.place ??= found.place;
        run = found.rest;
        if (!run) continue;
      }
    }
    if (PEOPLE_RUN.test(run)) continue;
    if (TOPIC_VERBS.test(run)) {
      r.topicFromRun ??= run;
      continue;
    }
    const segs = segment(run);
    const hits = segs.filter((s): s is Extract<Seg, { t: "hit" }> => s.t === "hit");
    const hasText = segs.some((s) => s.t === "text");
    if (!hasText) {
      const kept = hits.filter((s, i) => {
        const next = hits[i + 1];
        // 上报网评文章, 发放宣传单: a kind word before a subtype or item of another kind is a verb.
        if (s.hit.type === "kind" && next && next.hit.type !== "kind" && next.hit.kind.code !== s.hit.kind.code) return false;
        // 宣讲活动, 全民阅读活动: 活动 after another word is part of its name.
        if (s.hit.type === "kind" && i > 0 && /^(活动|工作)$/.test(s.word)) return false;
        return true;
      });
      const codes = new Set(kept.map((s) => s.hit.kind.code));
      if (codes.size <= 1) {
        strong.push(...kept.map((s) => ({ ...s, at })));
        continue;
      }
    }
    // A run with words of its own (or catalog words that disagree) is a name: 扫黄打非宣传资料.
    weak.push(...hits);
    textRuns.push({ text: run, segs, at });
  }

  // --- The kind: kind words first, then subtype and item words, then words inside a name
  const kindWords = strong.filter((s) => s.hit.type === "kind");
  for (const s of kindWords) {
    if (r.kind && r.kind.code !== s.hit.kind.code) {
      throw new ParseError(
        `「${s.word}」属于${s.hit.kind.name}，但这条记录已经是${r.kind.name}。一条记录只能有一个类别。\n${exampleFor(r.kind)}`,
        s.word,
      );
    }
    r.kind = s.hit.kind;
    r.kindFromKindWord = true;
  }
  for (const s of strong) {
    const hit = s.hit;
    if (hit.type === "kind") continue;
    if (!r.kind) r.kind = hit.kind;
    if (hit.kind.code !== r.kind.code) {
      // 会议 支委会: the kind was named; the other kind's word is this record's name.
      if (r.kindFromKindWord && !r.subtype && hit.type === "subtype") {
        r.titles.push({ at: s.at, text: s.word });
        continue;
      }
      throw new ParseError(
        `「${s.word}」属于${hit.kind.name}，但这条记录已经是${r.kind.name}。一条记录只能有一个类别。\n${exampleFor(r.kind)}`,
        s.word,
      );
    }
    if (hit.type === "subtype") {
      if (r.subtype && r.subtype.name !== hit.subtype.name)
        throw new ParseError(`写了两个类型：「${r.subtype.name}」和「${s.word}」，一条记录只能有一个类型。\n${exampleFor(r.kind)}`, s.word);
      r.subtype = hit.subtype;
    } else {
      if (r.item && r.item.name !== hit.item.name)
        throw new ParseError(`写了两种物品：「${r.item.name}」和「${s.word}」，请分两条记录。\n${exampleFor(r.kind)}`, s.word);
      r.item = hit.item;
    }
  }
  if (!r.kind && weak.length) {
    // A kind word names the work (组织党员学习二十大精神 is 学习), unless it is the verb before
    // another kind's word (发放反诈宣传单, 上报优秀网评文章). Otherwise Chinese names end in what
    // they are: 扫黄打非宣传资料 is 宣传资料.
    const named = weak.filter((s) => s.hit.type === "kind" && !VERB_KIND_WORDS.has(s.word));
    r.kind = (named.length ? named : weak)[(named.length ? named : weak).length - 1].hit.kind;
  }
  if (r.kind) {
    for (const s of weak) {
      if (s.hit.kind.code !== r.kind.code) continue;
      if (s.hit.type === "subtype") r.subtype ??= s.hit.subtype;
      if (s.hit.type === "item") r.item ??= s.hit.item;
    }
  }

  // --- Names, and the words that could not be read
  for (const run of textRuns) {
    const title = titleOf(run.text, run.segs, r.kind);
    if (!title) continue;
    if (plain) {
      // In a sentence only a named event counts: 开展最美家庭故事分享会活动.
      if (/^(组织开展|开展|举办|举行)了?.+(活动|会|赛|展|节|演出|讲座)$/.test(run.text)) r.titles.push({ at: run.at, text: title });
      continue;
    }
    if (/^\d{1,2}月份?$/.test(run.text))
      throw new ParseError(
        `「${run.text}」只写了月份，请写哪一天，例如 ${run.text.replace(/份$/, "")}20日。\n${exampleFor(r.kind)}`,
        run.text,
      );
    if (/^-?\d/.test(run.text) && /^-?\d+(\.\d+)?\D{0,2}$/.test(run.text))
      throw new ParseError(`没看懂「${run.text}」：数字后面请写量词，例如 12人、3次、3000份。\n${exampleFor(r.kind)}`, run.text);
    if (!r.kind) throw unknownKind(run.text);
    if (/^[\x20-\x7e]+$/.test(run.text)) {
      // A Latin word the bot does not know is a mistyped keyword more often than a name.
      throw new ParseError(`没看懂「${run.text}」。如需写明名称或主题，请用「名称：…」或「主题：…」。\n${exampleFor(r.kind)}`, run.text);
    }
    r.titles.push({ at: run.at, text: title });
  }
  const kind = r.kind;
  if (!kind) {
    if (plain) throw new ParseError("没有类别");
    throw new ParseError(`没写类别。请写：${KIND_WORDS}。\n${exampleFor()}`);
  }

  // --- Figures
  // Households (走访45户) are how far a visit reached, not people who took part: kept as written.
  const all = pieces.filter((p): p is Extract<Piece, { t: "fig" }> => p.t === "fig").map((p) => p.fig);
  const households = all.filter((f) => f.measure === "户");
  const figs = all.filter((f) => f.measure !== "户");
  for (const f of figs) {
    if (f.value < 0 || f.word.trim().startsWith("-"))
      throw new ParseError(`「${f.word}」是负数，人数和数量都必须大于 0。\n${exampleFor(kind)}`, f.word);
    if (!Number.isInteger(f.value)) throw new ParseError(`「${f.word}」不是整数，人数、次数和数量请写整数。\n${exampleFor(kind)}`, f.word);
    if (f.value === 0) throw new ParseError(`「${f.word}」是 0，人数和数量都必须大于 0。\n${exampleFor(kind)}`, f.word);
    if (f.value > MAX_FIGURE) throw new ParseError(`「${f.word}」超过 1000 万，数字不合理，请检查。\n${exampleFor(kind)}`, f.word);
    if (f.measure && !slotOf(f.measure, kind)) throw new ParseError(`不认识量词「${f.measure}」。\n${exampleFor(kind)}`, f.word);
  }
  const people = figs.filter((f) => f.measure && slotOf(f.measure, kind) === "participants" && f.role !== "absent");
  const dropped = new Set<Figure>(figs.filter((f) => f.role === "absent"));
  if (people.some((f) => f.role === "actual")) for (const f of people) if (f.role === "expected") dropped.add(f);
  const figures: Partial<Record<Slot, Figure>> = {};
  const bare: Figure[] = [];
  for (const f of figs) {
    if (dropped.has(f)) continue;
    if (!f.measure) {
      bare.push(f);
      continue;
    }
    const slot = slotOf(f.measure, kind)!;
    if (figures[slot])
      throw new ParseError(`${slotName(slot)}写了两次：「${figures[slot]!.word}」和「${f.word}」。\n${exampleFor(kind)}`, f.word);
    figures[slot] = f;
  }
  for (const b of bare) {
    const slot: Slot | null = kind.hasQuantity ? "quantity" : kind.countWords.length ? "sessions" : null;
    if (!slot)
      throw new ParseError(`「${b.word}」是人数还是次数？请写成 ${b.word}人 或 ${b.word}${kind.countUnit}。\n${exampleFor(kind)}`, b.word);
    if (figures[slot])
      throw new ParseError(`${slotName(slot)}写了两次：「${figures[slot]!.word}」和「${b.word}」。\n${exampleFor(kind)}`, b.word);
    figures[slot] = b;
  }
  if (figures.quantity && !kind.hasQuantity) {
    throw new ParseError(
      `${kind.name}记录不记数量（「${figures.quantity.word}」）。人数请写 12人，次数请写 1${kind.countUnit}。\n${exampleFor(kind)}`,
      figures.quantity.word,
    );
  }
  if (kind.quantityRequired && !figures.quantity && mode !== "changes") {
    throw new ParseError(`请写明${kind.name}的数量，例如 3000份、12条。\n${exampleFor(kind)}`);
  }
  let item = r.item;
  if (kind.hasQuantity && !item && kind.defaultItem && mode !== "changes") item = kind.items.find((i) => i.name === kind.defaultItem);

  // --- Day and time of day
  let day: string | undefined;
  let dayWord = "";
  let timeOfDay: string | null = null;
  for (const p of pieces) {
    if (p.t === "day") {
      if (!p.result!.ok) throw new ParseError(`日期「${p.word}」不存在，请检查月份和日子。\n${exampleFor(kind)}`, p.word);
      if (day && day !== p.result!.day) throw new ParseError(`写了两个日期：「${dayWord}」和「${p.word}」。\n${exampleFor(kind)}`, p.word);
      day = p.result!.day;
      dayWord ||= p.word;
    } else if (p.t === "time") {
      if (!timeOfDay || timeOfDay === p.value) timeOfDay = p.value;
      else if (/^[^\d]+$/.test(timeOfDay) && /^\d/.test(p.value)) timeOfDay += p.value;
      else throw new ParseError(`写了两个时间：「${timeOfDay}」和「${p.value}」。\n${exampleFor(kind)}`, p.value);
    }
  }
  const resolvedDay = day ?? today;
  if (resolvedDay > today) {
    throw new ParseError(
      `日期「${dayWord}」（${dayLabel(resolvedDay, true)}）还没到，不能记录尚未发生的事。\n${exampleFor(kind)}`,
      dayWord,
    );
  }
  if (resolvedDay < "2000-01-01") throw new ParseError(`日期「${dayWord}」太早了，请检查。\n${exampleFor(kind)}`, dayWord);

  // --- The rest of the fields
  const title =
    fields.title ??
    (r.titles.length
      ? r.titles
          .sort((a, b) => a.at - b.at)
          .map((t) => t.text)
          .join(" ")
      : null);
  if (title && [...title].length > MAX_TITLE_CHARS)
    throw new ParseError(`名称太长（${[...title].length} 字），请不超过 ${MAX_TITLE_CHARS} 字。`);
  topic ??= r.topicFromRun ?? null;
  if (topic && [...topic].length > MAX_TOPIC_CHARS)
    throw new ParseError(`主题太长（${[...topic].length} 字），请不超过 ${MAX_TOPIC_CHARS} 字。`);
  const place = fields.place ?? r.place ?? null;
  if (place && [...place].length > 100) throw new ParseError(`地点太长（${[...place].length} 字），请不超过 100 字。`);
  const attendees = fields.attendees ?? null;
  let participants = figures.participants?.value ?? null;
  const participantsApprox = figures.participants?.approx ?? false;
  if (participants === null && attendees) participants = countNames(attendees);

  const draft = RecordDraftSchema.parse({
    kind: kind.code,
    subtype: r.subtype?.name ?? null,
    sessions: figures.sessions?.value ?? 1,
    sessionsApprox: figures.sessions?.approx ?? false,
    participants,
    participantsApprox,
    quantity: figures.quantity?.value ?? null,
    quantityApprox: figures.quantity?.approx ?? false,
    item: item?.name ?? null,
    day: resolvedDay,
    topic,
    note:
      [fields.note, ...households.map((h) => `覆盖${h.value}${h.approx ? "余" : ""}户`)]
        .filter(Boolean)
        .join("；")
        .slice(0, MAX_NOTE_CHARS) || null,
    title,
    place,
    host: fields.host ?? null,
    attendees,
    recorder: fields.recorder ?? null,
    minutes: fields.minutes ?? null,
    timeOfDay,
    unitName: fields.unitName ?? null,
  });
  const present = new Set<keyof RecordDraft>();
  const given: [keyof RecordDraft, unknown][] = [
    ["subtype", r.subtype],
    ["item", r.item],
    ["sessions", figures.sessions],
    ["sessionsApprox", figures.sessions],
    ["participants", participants],
    ["participantsApprox", figures.participants],
    ["quantity", figures.quantity],
    ["quantityApprox", figures.quantity],
    ["day", day],
    ["timeOfDay", timeOfDay],
    ["topic", topic],
    ["note", fields.note],
    ["title", title],
    ["place", place],
    ["host", fields.host],
    ["attendees", attendees],
    ["recorder", fields.recorder],
    ["minutes", fields.minutes],
    ["unitName", fields.unitName],
  ];
  for (const [f, v] of given) if (v !== undefined && v !== null) present.add(f);
  return { draft, present };
}

/** 在小区广场发放… → the place (小区广场) and what follows it. */
function placeAt(run: string): { place: string; rest: string } | null {
  const body = run.slice(1);
  for (let end = body.length; end >= 2; end--) {
    const candidate = body.slice(0, end);
    const after = body.slice(end);
    if (!PLACE_END.test(candidate)) continue;
    const lower = after.toLowerCase();
    if (!after || catalogWordAt(lower, 0) || startsWithAny(after, 0, FILLERS) || matchFigureAt(after, 0))
      return { place: candidate, rest: after };
  }
  return null;
}

/**
 * A run's name: without the verbs before it (开展, 发放) and 活动 or 参加 after it; null when
 * nothing in it is a word of its own (another kind's catalog word counts as one: 扫黄打非宣传资料).
 */
function titleOf(run: string, segs: Seg[], kind: Kind | undefined): string | null {
  let start = 0;
  let i = 0;
  while (i < segs.length - 1 && (segs[i].t === "filler" || (segs[i].t === "hit" && (segs[i] as { hit: Hit }).hit.type === "kind"))) {
    start += segs[i].word.length;
    i++;
  }
  let end = run.length;
  let j = segs.length - 1;
  while (j > i && (segs[j].t === "filler" || (segs[j].t === "hit" && /^(活动)$/.test(segs[j].word)))) {
    end -= segs[j].word.length;
    j--;
  }
  const title = run.slice(start, end).trim();
  const own = (s: Seg) => s.t === "text" || (s.t === "hit" && kind !== undefined && s.hit.kind.code !== kind.code);
  return title && segs.slice(i, j + 1).some(own) ? title : null;
}

function slotName(slot: Slot): string {
  return { participants: "人数", sessions: "次数", quantity: "数量" }[slot];
}

// ---------------------------------------------------------------------------------------------
// An unknown kind: the nearest names

const SUGGESTIONS: string[] = [
  ...new Set(
    KINDS.flatMap((k) => [
      ...k.aliases.filter((a) => /\p{Script=Han}/u.test(a) && [...a].length >= 2),
      ...k.subtypes.flatMap((s) => [s.name, ...s.aliases].filter((a) => /\p{Script=Han}/u.test(a))),
    ]),
  ),
];

/** The catalog names nearest to a word: by edit distance, then by the characters they share. */
export function nearestNames(word: string, max = 3): string[] {
  const w = word.toLowerCase();
  const chars = new Set([...w].filter((c) => /\p{Script=Han}/u.test(c)));
  const scored = SUGGESTIONS.map((name) => {
    const d = editDistance(w, name);
    const shared = [...new Set(name)].filter((c) => chars.has(c)).length;
    return { name, d, shared };
  }).filter((s) => s.d <= Math.max(1, Math.floor([...w].length / 3)) || s.shared >= Math.min(2, [...w].length));
  scored.sort((a, b) => a.d - b.d || b.shared - a.shared || a.name.length - b.name.length);
  return scored.slice(0, max).map((s) => s.name);
}

function unknownKind(word: string): ParseError {
  const near = nearestNames(word);
  const guess = near.length ? `是不是想写：${near.join("、")}？` : "";
  return new ParseError(
    `没看懂「${word}」是哪一类工作。${guess}请先写类别（${KIND_WORDS}）。如需写明主题，请用「主题：…」。\n${exampleFor()}`,
    word,
  );
}
