// Text that is safe to keep and to show: what every command line, name and document passes
// through. Pure (no I/O), shared by the parser, the router's name handling and the documents.
//
// - normaliseText: what phones and IMEs put into a command line (full-width forms, zero-width
//   characters, bidi controls, control characters), made plain so the parser sees words.
// - safeName: a unit's or a person's name as it may be stored and shown: normalised, one line,
//   no invisible or direction-changing characters, cut to a length without breaking a character.
// - displaySafe: a name already stored (perhaps before these rules) as it may be shown.
// - xmlSafe: what XML 1.0 can carry, for the .xlsx and .docx writers.

/** A lone surrogate: half an emoji cut by a client. Not text, and not encodable as UTF-8. */
const LONE_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/g;

/**
 * Bidi embeddings, overrides and isolates (U+202A–U+202E, U+2066–U+2069) and the direction marks
 * (U+200E, U+200F, U+061C): in a name they turn the rest of a line around ("Trojan source"), and
 * no Chinese keyboard types them.
 */
const BIDI_CONTROLS = /[\u061C\u200E\u200F\u202A-\u202E\u2066-\u2069]/g;

/** C0 and C1 control characters and DEL, except tab, line feed and carriage return. */
const CONTROLS = /[\u0000-\u0008\u000B\u000C\u000E-\u001F\u007F-\u009F]/g;

/** Line and paragraph breaks of every kind, and tabs: a command is one line, so they read as spaces. */
const BREAKS = /[\r\n\t\u0085\u2028\u2029]+/g;

/** U+FFFE and U+FFFF are not characters (and XML 1.0 cannot carry them); U+FDD0–U+FDEF neither. */
const NONCHARACTERS = /[\uFDD0-\uFDEF\uFFFE\uFFFF]/g;

/** Zero-width space, zero-width non-joiner, word joiner, BOM: invisible, they split words. */
const ZERO_WIDTH = /[\u200B\u200C\u2060\uFEFF]/g;

/**
 * A zero-width joiner is kept only where it joins two emoji (👨‍👩‍👧‍👦 is one family, not four people):
 * after a pictograph (with its skin tone, variation selector or tag characters) and before another.
 * Anywhere else ("学习\u200D12人") it is an invisible break inside a word and goes.
 */
const STRAY_ZWJ =
  /(?<!\p{Extended_Pictographic}[\p{Emoji_Modifier}\uFE0E\uFE0F\u{E0020}-\u{E007F}]*)\u200D|\u200D(?!\p{Extended_Pictographic})/gu;

/**
 * Normalises what phones and IMEs put in: full-width digits and colons (NFKC), zero-width
 * characters, bidi controls and control characters; line breaks and tabs become spaces. Emoji
 * sequences keep their joiners and variation selectors. Idempotent.
 */
export function normaliseText(text: string): string {
  // A lone surrogate is not text: one U+FFFD, as PostgreSQL would store it, instead of invalid
  // UTF-8 in SQLite. The invisible characters go before NFKC (so that what they separated is
  // composed) and again after it (NFKC can leave a joiner stray: ™‍😀 → TM‍😀), which keeps the
  // function idempotent: the router and the parser both apply it.
  return stripInvisible(stripInvisible(text.replace(LONE_SURROGATE, "\uFFFD")).normalize("NFKC"));
}

function stripInvisible(text: string): string {
  return text
    .replace(ZERO_WIDTH, "")
    .replace(BIDI_CONTROLS, "")
    .replace(NONCHARACTERS, "")
    .replace(BREAKS, " ")
    .replace(CONTROLS, "")
    .replace(STRAY_ZWJ, "");
}

const graphemes = new Intl.Segmenter("und", { granularity: "grapheme" });

/**
 * Cuts to at most `maxChars` code points (what the store's length limits count) without
 * splitting a character as the reader sees it: an emoji sequence is kept whole or left out.
 */
export function cutChars(text: string, maxChars: number): string {
  if ([...text].length <= maxChars) return text;
  let out = "";
  let n = 0;
  for (const { segment } of graphemes.segment(text)) {
    const len = [...segment].length;
    if (n + len > maxChars) break;
    out += segment;
    n += len;
  }
  return out;
}

/**
 * A unit's or a person's name as it may be stored: normalised like a command line (NFKC, no
 * zero-width, bidi or control characters; emoji sequences whole), on one line with single spaces,
 * trimmed, and cut to `maxChars` code points without splitting an emoji. Returns "" when nothing
 * visible is left: the caller falls back (to the platform id, say).
 */
export function safeName(text: string, maxChars = Number.POSITIVE_INFINITY): string {
  const clean = normaliseText(text).replace(/\s+/gu, " ").trim();
  return cutChars(clean, maxChars).trimEnd();
}

/**
 * A name already stored, as it may be shown (in a draft, a workbook): the same characters removed
 * as by safeName, but nothing rewritten (no NFKC), so a name stored before these rules only loses
 * what could not be seen or turned the text around.
 */
export function displaySafe(text: string): string {
  return xmlSafe(text).replace(BIDI_CONTROLS, "").replace(ZERO_WIDTH, "").replace(STRAY_ZWJ, "").replace(BREAKS, " ");
}

/**
 * What XML 1.0 can carry (and Word and Excel open): control characters other than tab, line feed
 * and carriage return are dropped (C1 and DEL too), as are U+FFFE/U+FFFF and U+FDD0–U+FDEF; a lone surrogate becomes
 * U+FFFD. One such character in a topic would otherwise make the whole file "corrupt".
 */
export function xmlSafe(text: string): string {
  return text.replace(LONE_SURROGATE, "\uFFFD").replace(NONCHARACTERS, "").replace(CONTROLS, "");
}

/**
 * Edits (insert, delete, replace, or swap two neighbours: recrod is one typo) from one text to
 * another, counted in characters (code points), for "did you mean" suggestions.
 */
export function editDistance(a: string, b: string): number {
  const x = [...a];
  const y = [...b];
  const d = Array.from({ length: x.length + 1 }, (_, i) => [i, ...Array<number>(y.length).fill(0)]);
  for (let j = 1; j <= y.length; j++) d[0][j] = j;
  for (let i = 1; i <= x.length; i++) {
    for (let j = 1; j <= y.length; j++) {
      d[i][j] = Math.min(d[i - 1][j] + 1, d[i][j - 1] + 1, d[i - 1][j - 1] + (x[i - 1] === y[j - 1] ? 0 : 1));
      if (i > 1 && j > 1 && x[i - 1] === y[j - 2] && x[i - 2] === y[j - 1]) d[i][j] = Math.min(d[i][j], d[i - 2][j - 2] + 1);
    }
  }
  return d[x.length][y.length];
}

/**
 * Full-width punctuation back in Chinese running text: input is NFKC-normalised (so ， became
 * , and ： became :), but a draft pasted into a report writes 约谈群主，召开协调会.
 */
export function chinesePunctuation(s: string): string {
  const han = "\\p{Script=Han}";
  const marks: Record<string, string> = { ",": "，", ";": "；", ":": "：", "!": "！", "?": "？" };
  return s
    .replace(new RegExp(`(?<=[${han}》”）])\\s*([,;:!?])\\s*`, "gu"), (_m, p: string) => marks[p])
    .replace(new RegExp(`\\(([^()]*[${han}][^()]*)\\)`, "gu"), "（$1）");
}
