// The record command language (DESIGN.md, The command language). One line; after the kind the
// order is free and every token is recognised by its shape. Anything not understood is an error
// that names the word, never a guess. Pure: the China day "today" is passed in.
import { z } from "zod";
import {
  KINDS,
  lookupWord,
  CATALOG_WORDS_LONGEST_FIRST,
  PARTICIPANT_WORDS,
  SESSION_WORDS,
  QUANTITY_WORDS,
  type Kind,
  type Subtype,
  type Item,
} from "./catalog.js";
import { parseAmount } from "./numbers.js";
import { parseDay } from "./dates.js";
import { dayLabel } from "../time.js";
import { normaliseText } from "./text.js";

export const MAX_FIGURE = 10_000_000;
export const MAX_TOPIC_CHARS = 200;
export const MAX_NOTE_CHARS = 500;

/** What a record line says, validated; the store adds who, where and which message. */
export const RecordDraftSchema = z.object({
  kind: z.string(),
  subtype: z.string().max(40).nullable(),
  sessions: z.number().int().min(1).max(MAX_FIGURE),
  participants: z.number().int().min(1).max(MAX_FIGURE).nullable(),
  participantsApprox: z.boolean(),
  quantity: z.number().int().min(1).max(MAX_FIGURE).nullable(),
  quantityApprox: z.boolean(),
  item: z.string().max(40).nullable(),
  day: z.string().regex(/^\d{4}-\d{2}-\d{2}$/),
  topic: z.string().max(MAX_TOPIC_CHARS).nullable(),
  note: z.string().max(MAX_NOTE_CHARS).nullable(),
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
export const KIND_WORDS = KINDS.map((k) => k.aliases[0]).join("、");

export const GENERAL_EXAMPLE = "/记录 学习 中心组学习 12人 主题：二十大精神";

function exampleFor(kind?: Kind): string {
  return `正确示例：${kind?.example ?? GENERAL_EXAMPLE}`;
}

type Slot = "participants" | "sessions" | "quantity";

function slotOf(word: string, kind: Kind | undefined): Slot | undefined {
  const w = word.toLowerCase();
  if (kind?.countWords.some((x) => x.toLowerCase() === w)) return "sessions";
  if (PARTICIPANT_WORDS.includes(w)) return "participants";
  if (SESSION_WORDS.includes(w)) return "sessions";
  if (QUANTITY_WORDS.includes(w)) return "quantity";
  return undefined;
}

const ALL_MEASURE_WORDS = [
  ...new Set([...PARTICIPANT_WORDS, ...SESSION_WORDS, ...QUANTITY_WORDS, ...KINDS.flatMap((k) => k.countWords)]),
].sort((a, b) => b.length - a.length);

interface Amount {
  value: number;
  approx: boolean;
  measure?: string;
}

/** "12人", "3000余份", "约200人次", "1.2万份", "两百多人", "12" → number with its measure word. */
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
  const bare = parseAmount(t);
  return bare ? { ...bare } : null;
}

function escapeRegExp(s: string): string {
  return s.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
}

/**
 * Normalises what phones and IMEs put in: full-width digits and colons, zero-width, bidi and
 * control characters; emoji sequences keep their joiners (src/domain/text.ts).
 */
export { normaliseText };

/** Splits off 主题：… and 备注：… (each runs to the next such label or the end of the line). */
function splitLabels(text: string): { rest: string; topic: string | null; note: string | null } {
  const re = /(主题|题目|内容|topic|备注|说明|note)\s*[:：]/gi;
  const hits = [...text.matchAll(re)];
  if (hits.length === 0) {
    // A title in 《》 or quotes is a topic too: 学习《习近平谈治国理政》第四卷.
    const quoted = /(《[^》]{1,200}》[^\s]*|“[^”]{1,200}”|"[^"]{1,200}")/.exec(text);
    if (quoted) {
      const topic = quoted[0].replace(/^[“"]|[”"]$/g, "");
      return { rest: text.slice(0, quoted.index) + " " + text.slice(quoted.index + quoted[0].length), topic, note: null };
    }
    return { rest: text, topic: null, note: null };
  }
  let topic: string | null = null;
  let note: string | null = null;
  hits.forEach((h, i) => {
    const value = text.slice(h.index! + h[0].length, hits[i + 1]?.index ?? text.length).trim();
    if (/^(备注|说明|note)$/i.test(h[1])) note = value || null;
    else topic = value || null;
  });
  return { rest: text.slice(0, hits[0].index), topic, note };
}

/** Splits a token glued to a catalog word, e.g. 宣传册3000份 → 宣传册 3000份, 学习12人 → 学习 12人. */
function unglue(token: string): string[] | null {
  const lower = token.toLowerCase();
  for (const word of CATALOG_WORDS_LONGEST_FIRST) {
    if (lower.startsWith(word) && lower.length > word.length) {
      const rest = token.slice(word.length);
      if (readAmount(rest) || lookupWord(rest)) return [token.slice(0, word.length), rest];
    }
  }
  return null;
}

/**
 * Parses the text after /record. `today` is the China day of the message.
 * Throws ParseError with a Chinese message that names the word not understood.
 */
export function parseRecord(input: string, today: string): RecordDraft {
  const text = normaliseText(input).trim();
  if (!text) throw new ParseError(`请写明记录的内容：类别、人数或数量、日期。\n${exampleFor()}`);
  const { rest, topic, note } = splitLabels(text);
  if (topic && topic.length > MAX_TOPIC_CHARS) throw new ParseError(`主题太长（${topic.length} 字），请不超过 ${MAX_TOPIC_CHARS} 字。`);
  if (note && note.length > MAX_NOTE_CHARS) throw new ParseError(`备注太长（${note.length} 字），请不超过 ${MAX_NOTE_CHARS} 字。`);

  const queue = rest.split(/[\s,，、;；]+/).filter(Boolean);
  let kind: Kind | undefined;
  let subtype: Subtype | undefined;
  let item: Item | undefined;
  let day: string | undefined;
  let dayWord = "";
  const figures: Partial<Record<Slot, Amount & { word: string }>> = {};
  const bare: (Amount & { word: string })[] = [];
  let pendingApprox = false;

  const setKind = (k: Kind, word: string) => {
    if (kind && kind.code !== k.code) {
      throw new ParseError(`「${word}」属于${k.name}，但这条记录已经是${kind.name}。一条记录只能有一个类别。\n${exampleFor(kind)}`, word);
    }
    kind = k;
  };

  while (queue.length) {
    const token = queue.shift()!;
    const hit = lookupWord(token);
    if (hit) {
      setKind(hit.kind, token);
      if (hit.type === "subtype") {
        if (subtype && subtype.name !== hit.subtype.name)
          throw new ParseError(`写了两个类型：「${subtype.name}」和「${token}」，一条记录只能有一个类型。\n${exampleFor(kind)}`, token);
        subtype = hit.subtype;
      } else if (hit.type === "item") {
        if (item && item.name !== hit.item.name)
          throw new ParseError(`写了两种物品：「${item.name}」和「${token}」，请分两条记录。\n${exampleFor(kind)}`, token);
        item = hit.item;
      }
      continue;
    }
    if (/^(约|大约|近|将近|约有)$/.test(token)) {
      pendingApprox = true;
      continue;
    }

    const date = parseDay(token, today);
    if (date) {
      if (!date.ok) throw new ParseError(`日期「${token}」不存在，请检查月份和日子。\n${exampleFor(kind)}`, token);
      if (day) throw new ParseError(`写了两个日期：「${dayWord}」和「${token}」。\n${exampleFor(kind)}`, token);
      day = date.day;
      dayWord = token;
      continue;
    }

    const amount = readAmount(token);
    if (amount) {
      if (pendingApprox) {
        amount.approx = true;
        pendingApprox = false;
      }
      // "12 people": an English (or spaced Chinese) measure word in the next token.
      if (!amount.measure && queue.length && slotOf(queue[0], kind)) amount.measure = queue.shift()!;
      if (amount.value < 0 || token.trim().startsWith("-"))
        throw new ParseError(`「${token}」是负数，人数和数量都必须大于 0。\n${exampleFor(kind)}`, token);
      if (!Number.isInteger(amount.value))
        throw new ParseError(`「${token}」不是整数，人数、次数和数量请写整数。\n${exampleFor(kind)}`, token);
      if (amount.value === 0) throw new ParseError(`「${token}」是 0，人数和数量都必须大于 0。\n${exampleFor(kind)}`, token);
      if (amount.value > MAX_FIGURE) throw new ParseError(`「${token}」超过 1000 万，数字不合理，请检查。\n${exampleFor(kind)}`, token);
      if (amount.measure) {
        const slot = slotOf(amount.measure, kind);
        if (!slot) throw new ParseError(`不认识量词「${amount.measure}」。\n${exampleFor(kind)}`, token);
        if (figures[slot])
          throw new ParseError(`${slotName(slot)}写了两次：「${figures[slot]!.word}」和「${token}」。\n${exampleFor(kind)}`, token);
        figures[slot] = { ...amount, word: token };
      } else {
        bare.push({ ...amount, word: token });
      }
      continue;
    }

    const parts = unglue(token);
    if (parts) {
      queue.unshift(...parts);
      continue;
    }
    if (/^-?\d/.test(token))
      throw new ParseError(`没看懂「${token}」：数字后面请写量词，例如 12人、3次、3000份。\n${exampleFor(kind)}`, token);
    throw new ParseError(
      `没看懂「${token}」。${kind ? "" : `请先写类别（${KIND_WORDS}）。`}如需写明主题，请用「主题：…」。\n${exampleFor(kind)}`,
      token,
    );
  }

  if (!kind) throw new ParseError(`没写类别。请写：${KIND_WORDS}。\n${exampleFor()}`);
  if (pendingApprox) throw new ParseError(`「约」后面缺少数字。\n${exampleFor(kind)}`, "约");

  // Measure words re-read once the kind is known (篇 counts articles for publications).
  for (const f of [...Object.values(figures)]) {
    const slot = slotOf(f.measure!, kind)!;
    if (figures[slot] !== f) {
      const old = (Object.keys(figures) as Slot[]).find((s) => figures[s] === f)!;
      delete figures[old];
      if (figures[slot])
        throw new ParseError(`${slotName(slot)}写了两次：「${figures[slot]!.word}」和「${f.word}」。\n${exampleFor(kind)}`, f.word);
      figures[slot] = f;
    }
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
  if (kind.quantityRequired && !figures.quantity) {
    throw new ParseError(`请写明${kind.name}的数量，例如 3000份、12条。\n${exampleFor(kind)}`);
  }
  if (figures.sessions?.approx) {
    throw new ParseError(
      `次数请写准确的数字（「${figures.sessions.word}」）；约数只用于人数和数量。\n${exampleFor(kind)}`,
      figures.sessions.word,
    );
  }
  if (kind.hasQuantity && !item && kind.defaultItem) item = kind.items.find((i) => i.name === kind!.defaultItem);

  const resolvedDay = day ?? today;
  if (resolvedDay > today) {
    throw new ParseError(
      `日期「${dayWord}」（${dayLabel(resolvedDay, true)}）还没到，不能记录尚未发生的事。\n${exampleFor(kind)}`,
      dayWord,
    );
  }
  if (resolvedDay < "2000-01-01") throw new ParseError(`日期「${dayWord}」太早了，请检查。\n${exampleFor(kind)}`, dayWord);

  return RecordDraftSchema.parse({
    kind: kind.code,
    subtype: subtype?.name ?? null,
    sessions: figures.sessions?.value ?? 1,
    participants: figures.participants?.value ?? null,
    participantsApprox: figures.participants?.approx ?? false,
    quantity: figures.quantity?.value ?? null,
    quantityApprox: figures.quantity?.approx ?? false,
    item: item?.name ?? null,
    day: resolvedDay,
    topic,
    note,
  });
}

function slotName(slot: Slot): string {
  return { participants: "人数", sessions: "次数", quantity: "数量" }[slot];
}
