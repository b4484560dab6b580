// How many of the corpus's record lines (test/corpus/record-lines.tsv) the parser reads as the
// person meant them. Run: npx tsx scripts/parse-share.ts [--quiet]
// Prints the number and share of lines parsed exactly as expected, then every mismatch.
// test/parser.test.ts imports loadCorpus and checkLine, so the corpus is checked on every test run.
import { readFileSync } from "node:fs";
import { fileURLToPath, pathToFileURL } from "node:url";
import path from "node:path";
import { parseRecord, ParseError } from "../src/domain/parser.js";

export const CORPUS_PATH = path.join(path.dirname(fileURLToPath(import.meta.url)), "..", "test", "corpus", "record-lines.tsv");

/** The compared fields, in the corpus's column order after line, today and kind. */
export const FIELDS = [
  "subtype",
  "item",
  "sessions",
  "sessionsApprox",
  "participants",
  "participantsApprox",
  "quantity",
  "quantityApprox",
  "day",
  "title",
  "topic",
  "place",
  "host",
  "attendees",
  "timeOfDay",
] as const;

export interface CorpusLine {
  /** 1-based line number in the file. */
  n: number;
  line: string;
  today: string;
  /** A kind code, or REFUSE. */
  kind: string;
  /** For REFUSE: a substring of the expected message. */
  refusal?: string;
  expected: Record<string, string | number | boolean | null>;
}

/** Empty cells mean the default: null, false, 1 session, the day of `today`. */
export function loadCorpus(file = CORPUS_PATH): CorpusLine[] {
  const rows = readFileSync(file, "utf8").split("\n");
  const header = rows[0].split("\t");
  const out: CorpusLine[] = [];
  rows.slice(1).forEach((row, i) => {
    if (!row.trim() || row.startsWith("#")) return;
    const cells = row.split("\t");
    const get = (name: string) => cells[header.indexOf(name)] ?? "";
    const [line, today, kind] = [get("line"), get("today"), get("kind")];
    if (kind === "REFUSE") {
      out.push({ n: i + 2, line, today, kind, refusal: get("subtype"), expected: {} });
      return;
    }
    const expected: CorpusLine["expected"] = { kind };
    for (const f of FIELDS) {
      const v = get(f);
      if (f.endsWith("Approx")) expected[f] = v === "1" || v === "true";
      else if (f === "sessions") expected[f] = v ? Number(v) : 1;
      else if (f === "participants" || f === "quantity") expected[f] = v ? Number(v) : null;
      else if (f === "day") expected[f] = v || today;
      else expected[f] = v || null;
    }
    out.push({ n: i + 2, line, today, kind, expected });
  });
  return out;
}

/** Null when the line parses as expected, else what differs. */
export function checkLine(c: CorpusLine): string | null {
  let draft: Record<string, unknown>;
  try {
    draft = parseRecord(c.line, c.today) as unknown as Record<string, unknown>;
  } catch (e) {
    const message = e instanceof ParseError ? e.message : `threw ${String(e)}`;
    if (c.kind === "REFUSE" && e instanceof ParseError && message.includes(c.refusal ?? "")) return null;
    return c.kind === "REFUSE"
      ? `refused, but the message lacks 「${c.refusal}」: ${message.split("\n")[0]}`
      : `refused: ${message.split("\n")[0]}`;
  }
  if (c.kind === "REFUSE") return `expected a refusal with 「${c.refusal}」, got ${JSON.stringify(pick(draft))}`;
  const diffs: string[] = [];
  for (const [f, want] of Object.entries(c.expected)) {
    const got = draft[f] ?? (f.endsWith("Approx") ? false : null);
    if (got !== want) diffs.push(`${f}: want ${JSON.stringify(want)}, got ${JSON.stringify(got)}`);
  }
  return diffs.length ? diffs.join("; ") : null;
}

function pick(d: Record<string, unknown>): Record<string, unknown> {
  return Object.fromEntries(Object.entries(d).filter(([, v]) => v !== null && v !== false));
}

function main() {
  const quiet = process.argv.includes("--quiet");
  const corpus = loadCorpus();
  const misses = corpus.map((c) => ({ c, why: checkLine(c) })).filter((m) => m.why);
  const ok = corpus.length - misses.length;
  console.log(`${ok}/${corpus.length} lines parse as expected (${((100 * ok) / corpus.length).toFixed(1)}%)`);
  if (!quiet) for (const { c, why } of misses) console.log(`  line ${c.n}: ${c.line}  [today ${c.today}]\n    ${why}`);
}

if (process.argv[1] && import.meta.url === pathToFileURL(path.resolve(process.argv[1])).href) main();
