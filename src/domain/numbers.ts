// Numerals as these users write them: 12, 1,200, 1.2万, 11万, 3千, 十二, 两百, 三千五, 一万二千, with
// 余/多/来/约/近/左右/以上/+ marking an approximate figure. Pure functions, no I/O.

const DIGITS: Record<string, number> = {
  零: 0,
  〇: 0,
  一: 1,
  壹: 1,
  二: 2,
  贰: 2,
  两: 2,
  三: 3,
  叁: 3,
  四: 4,
  肆: 4,
  五: 5,
  伍: 5,
  六: 6,
  陆: 6,
  七: 7,
  柒: 7,
  八: 8,
  捌: 8,
  九: 9,
  玖: 9,
};
const SMALL_UNITS: Record<string, number> = { 十: 10, 拾: 10, 百: 100, 佰: 100, 千: 1000, 仟: 1000 };
const BIG_UNITS: Record<string, number> = { 万: 10_000, 萬: 10_000, 亿: 100_000_000 };

export const CHINESE_NUMERAL_CHARS = Object.keys(DIGITS).join("") + Object.keys(SMALL_UNITS).join("") + Object.keys(BIG_UNITS).join("");

/** Parses a Chinese numeral such as 十二, 两百, 三千五, 一万二千, 一万二; null if it is not one. */
export function parseChineseNumeral(text: string): number | null {
  if (!text || ![...text].every((ch) => ch in DIGITS || ch in SMALL_UNITS || ch in BIG_UNITS)) return null;
  let total = 0; // completed 万/亿 groups
  let section = 0; // within the current group
  let digit: number | null = null;
  let lastUnit = 0; // the unit just written, for colloquial 三千五 = 3500
  let sawDigitAfterUnit = false;
  for (const ch of text) {
    if (ch in DIGITS) {
      if (digit !== null && DIGITS[ch] !== 0 && digit !== 0) return null; // 一二 is not a numeral
      digit = DIGITS[ch];
      if (digit === 0) lastUnit = 0; // 一千零五: a zero cancels the colloquial scaling
      sawDigitAfterUnit = true;
    } else if (ch in SMALL_UNITS) {
      const unit = SMALL_UNITS[ch];
      if (digit === null && section === 0 && total === 0) digit = 1; // 十二 = 12, 百人 = 100
      if (digit === null) return null;
      section += digit * unit;
      digit = null;
      lastUnit = unit;
      sawDigitAfterUnit = false;
    } else {
      const unit = BIG_UNITS[ch];
      if (digit !== null) section += digit * (lastUnit >= 10 && sawDigitAfterUnit ? lastUnit / 10 : 1);
      if (section === 0 && total === 0) return null;
      total = (total + section) * unit;
      section = 0;
      digit = null;
      lastUnit = unit;
      sawDigitAfterUnit = false;
    }
  }
  if (digit !== null) {
    // A trailing digit right after a unit is colloquial shorthand: 三千五 = 3500, 一万二 = 12000.
    section += lastUnit >= 10 && sawDigitAfterUnit ? digit * (lastUnit / 10) : digit;
  }
  return total + section;
}

export interface ParsedAmount {
  value: number;
  approx: boolean;
}

const APPROX_BEFORE = /^(大约|约有|大概|差不多|估计|约|近|将近|接近|超过|逾|~|～)/;
const APPROX_AFTER = /(余|多|来|左右|上下|以上|\+)$/;

/**
 * Parses a number with its approximate markers: "3000余", "约200", "1.2万", "两百多", "11万", "40+".
 * Returns null when the text is not a number. Negative or non-finite values are returned as is;
 * the caller decides which are allowed.
 */
export function parseAmount(raw: string): ParsedAmount | null {
  let text = raw.trim();
  let approx = false;
  for (;;) {
    const before = APPROX_BEFORE.exec(text);
    if (before) {
      approx = true;
      text = text.slice(before[0].length);
      continue;
    }
    const after = APPROX_AFTER.exec(text);
    if (after && text.length > after[0].length) {
      approx = true;
      text = text.slice(0, -after[0].length);
      continue;
    }
    break;
  }
  if (!text) return null;
  // 3000余 and 3千余 put 余 after the number; 1万余 and 1.2万多 too — handled above. 1万2千 is mixed.
  const arabic = /^([+-]?\d+(?:\.\d+)?)(万|千|百|亿)?$/.exec(text.replace(/,/g, ""));
  if (arabic) {
    const scale = arabic[2] ? { 百: 100, 千: 1000, 万: 10_000, 亿: 100_000_000 }[arabic[2]]! : 1;
    const value = Number(arabic[1]) * scale;
    if (!Number.isFinite(value)) return null;
    // Not rounded: 12.5人 must be refused by the caller, while 1.25万 is the whole number 12500.
    return { value: Math.round(value * 1000) / 1000, approx };
  }
  // Mixed forms such as 1万2千: turn Arabic digits into Chinese ones, then read as a numeral.
  if (/\d/.test(text) && /^[\d万千百十亿]+$/.test(text)) {
    const chinese = text.replace(/\d+/g, (d) => toChineseDigits(Number(d)));
    const v = chinese === null ? null : parseChineseNumeral(chinese);
    return v === null ? null : { value: v, approx };
  }
  const v = parseChineseNumeral(text);
  return v === null ? null : { value: v, approx };
}

/** 12 → 十二 style digits for re-reading mixed numerals (only used for 0–9999). */
function toChineseDigits(n: number): string {
  const names = "零一二三四五六七八九";
  if (n < 10) return names[n];
  const parts: string[] = [];
  const units = ["", "十", "百", "千"];
  const digits = String(n).split("").map(Number);
  digits.forEach((d, i) => {
    const unit = units[digits.length - 1 - i];
    if (d !== 0) parts.push(names[d] + unit);
    else if (parts.length && parts[parts.length - 1] !== "零") parts.push("零");
  });
  return parts.join("").replace(/零+$/, "");
}
