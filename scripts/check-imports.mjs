#!/usr/bin/env node
// Checks the layering of DESIGN.md ("Architecture") over src/ and commands/, without dependencies:
//
//   a. the core, store, domain, report, scheduler, outbox, web page and commands import no platform
//      (src/telegram/, src/lark/, src/console/);
//   b. a platform folder imports only the core's port (src/core/, but not the router's internals
//      router.ts and command.ts), src/http/, src/log.ts, src/time.ts, src/env.ts, src/paths.ts,
//      its own folder and packages;
//   c. the domain imports nothing from src/config/ and nothing that does I/O (node:fs, node:http,
//      node:net, the store, Prisma, grammY, the Lark SDK), also through the files it imports;
//   d. no SQL outside src/store/: no string or template literal that reads as SQL, and no call
//      of Prisma's raw-SQL API or of the store's Sql driver;
//   e. the reminder pass's thread (src/scheduler/pass-worker.ts) loads no Prisma, also through the
//      files it imports: it reads through the raw driver, and Prisma's runtime costs every thread
//      tens of megabytes.
//
// Comments are stripped and string contents set aside before imports are matched, so neither a
// commented-out import nor prose in a string counts. Relative specifiers are resolved the way
// TypeScript's NodeNext resolution does here ("./x.js" → x.ts) to decide where they point.
//
// Usage: node scripts/check-imports.mjs [--root DIR] [PATH-PREFIX…]
//   Prints each violation as file:line, the rule and what was found; exits 1 if there is any.
//   With prefixes, only violations in files under them are reported (all files are still read).
import fs from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";

const args = process.argv.slice(2);
let root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..");
const only = [];
for (let i = 0; i < args.length; i++) {
  if (args[i] === "--root") root = path.resolve(args[++i]);
  else only.push(args[i].replace(/^\.\//, ""));
}

const SOURCE_EXT = /\.(ts|tsx|mts|cts|js|mjs|cjs)$/;
const SCANNED_DIRS = ["src", "commands"];
const SKIPPED_DIRS = ["src/generated/"];

const PLATFORMS = ["src/telegram/", "src/lark/", "src/console/"];
const NO_PLATFORM_IMPORTS = [
  "src/store/",
  "src/domain/",
  "src/core/",
  "src/report/",
  "src/scheduler/",
  "src/outbox/",
  "src/web/",
  "commands/",
];
// src/platform.ts is the adapter interface itself (what a platform folder exports).
const PLATFORM_MAY_IMPORT = ["src/core/", "src/http/", "src/log.ts", "src/time.ts", "src/env.ts", "src/paths.ts", "src/platform.ts"];
// A platform's process entry (the console's `npm run chat`) starts the bot, so it may import the
// composition root, and nothing else beyond the list above.
const ENTRY_FILES = ["src/console/cli.ts"];
const ENTRY_MAY_IMPORT = ["src/start.ts"];
const PASS_WORKER = "src/scheduler/pass-worker.ts";
const ROUTER_INTERNALS = ["src/core/router.ts", "src/core/command.ts"];
const IO_PACKAGES = [
  /^(node:)?(fs|http|https|http2|net|tls|dgram|child_process)(\/.*)?$/,
  /^(@prisma\/|prisma$)/,
  /^(grammy|@grammyjs\/)/,
  /^@larksuiteoapi\//,
];
const IO_FILES = ["src/store/", "src/config/", "src/generated/"];

// Upper-case keywords in a statement's shape (SELECT and PRAGMA followed by what they read), so
// that prose — Chinese replies, "Select a unit" — never reads as SQL.
const SQL_TEXT =
  /\b(?:SELECT\s+\S|INSERT\s+INTO\b|DELETE\s+FROM\b|(?:CREATE|ALTER|DROP)\s+(?:UNIQUE\s+)?(?:TABLE|INDEX)\b|WITH\s+RECURSIVE\b|PRAGMA\s+\w)|\bUPDATE\s+(?:"|[A-Za-z_]\w*\s+SET\b)/;
const SQL_CALLS = [
  [/\$(?:queryRaw|executeRaw)(?:Unsafe)?\b/g, (m) => `Prisma raw SQL (${m})`],
  [/(?<![\w$])sql\s*\.\s*(?:all|insertWithAudit|insertManyClaimed)\s*\(/g, (m) => `the store's Sql driver (${m.replace(/\s+/g, "")}…)`],
];

const under = (rel, dirs) => dirs.some((d) => (d.endsWith("/") ? rel.startsWith(d) : rel === d));

function listFiles(dir) {
  const abs = path.join(root, dir);
  if (!fs.existsSync(abs)) return [];
  const out = [];
  for (const entry of fs.readdirSync(abs, { withFileTypes: true })) {
    const rel = `${dir}/${entry.name}`;
    if (entry.isDirectory()) {
      if (entry.name === "node_modules" || under(`${rel}/`, SKIPPED_DIRS)) continue;
      out.push(...listFiles(rel));
    } else if (SOURCE_EXT.test(entry.name) && !entry.name.endsWith(".d.ts")) {
      out.push(rel);
    }
  }
  return out;
}

const REGEX_AFTER_WORD = new Set([
  "return",
  "typeof",
  "case",
  "do",
  "else",
  "in",
  "of",
  "new",
  "delete",
  "void",
  "throw",
  "yield",
  "await",
  "instanceof",
]);

/**
 * Splits a source text into a code view (comments and the contents of strings, templates and
 * regular expressions blanked, newlines and offsets kept) and its string literals: { at (offset
 * of the opening quote), text }. A template's text has its ${…} parts replaced by "${…}"; the
 * code inside them stays in the code view and its own literals are listed on their own.
 */
function scan(src) {
  const code = src.split("");
  const literals = [];
  const blank = (from, to) => {
    for (let k = from; k < to; k++) if (code[k] !== "\n") code[k] = " ";
  };
  const templates = []; // open templates whose ${…} we are inside: { lit, depth }
  let depth = 0; // brace depth in code
  let i = 0;
  const n = src.length;

  const prevSignificant = (at) => {
    let k = at - 1;
    while (k >= 0 && /\s/.test(code[k])) k--;
    if (k < 0) return { ch: "", word: "" };
    let w = k;
    while (w >= 0 && /[\w$]/.test(code[w])) w--;
    return { ch: code[k], word: code.slice(w + 1, k + 1).join("") };
  };

  // Reads template text from i (just after ` or the } closing a ${) up to its end or next ${.
  const readTemplate = (lit) => {
    const start = i;
    while (i < n) {
      const c = src[i];
      if (c === "\\") {
        i += 2;
        continue;
      }
      if (c === "`") {
        lit.text += src.slice(start, i);
        blank(start, i);
        i++;
        return;
      }
      if (c === "$" && src[i + 1] === "{") {
        lit.text += src.slice(start, i) + "${…}";
        blank(start, i);
        i += 2;
        templates.push({ lit, depth });
        return;
      }
      i++;
    }
    lit.text += src.slice(start, i);
    blank(start, i);
  };

  while (i < n) {
    const c = src[i];
    const d = src[i + 1];
    if (c === "/" && d === "/") {
      const end = src.indexOf("\n", i);
      const stop = end === -1 ? n : end;
      blank(i, stop);
      i = stop;
    } else if (c === "/" && d === "*") {
      const end = src.indexOf("*/", i + 2);
      const stop = end === -1 ? n : end + 2;
      blank(i, stop);
      i = stop;
    } else if (c === "'" || c === '"') {
      const start = i++;
      while (i < n && src[i] !== c && src[i] !== "\n") i += src[i] === "\\" ? 2 : 1;
      literals.push({ at: start, text: src.slice(start + 1, i) });
      blank(start + 1, i);
      i++;
    } else if (c === "`") {
      const lit = { at: i, text: "" };
      literals.push(lit);
      i++;
      readTemplate(lit);
    } else if (c === "{") {
      depth++;
      i++;
    } else if (c === "}") {
      const open = templates[templates.length - 1];
      if (open && open.depth === depth) {
        templates.pop();
        i++;
        readTemplate(open.lit);
      } else {
        depth--;
        i++;
      }
    } else if (c === "/") {
      const { ch, word } = prevSignificant(i);
      const isRegex = ch === "" || "(,=:[!&|?{};+-*%<>~^".includes(ch) || (word && REGEX_AFTER_WORD.has(word));
      if (!isRegex) {
        i++;
        continue;
      }
      const start = i++;
      let inClass = false;
      while (i < n && src[i] !== "\n") {
        if (src[i] === "\\") {
          i += 2;
          continue;
        }
        if (src[i] === "[") inClass = true;
        else if (src[i] === "]") inClass = false;
        else if (src[i] === "/" && !inClass) break;
        i++;
      }
      blank(start + 1, i);
      i++;
      while (i < n && /[a-z]/i.test(src[i])) i++;
    } else {
      i++;
    }
  }
  return { code: code.join(""), literals };
}

/** Every import of a file: { spec, line, typeOnly }. */
function importsOf(src) {
  const { code, literals } = scan(src);
  const byOffset = new Map(literals.map((l) => [l.at, l.text]));
  const lineAt = (offset) => src.slice(0, offset).split("\n").length;
  const found = [];
  const patterns = [
    // import x from "…", import { a } from "…", import type { T } from "…", import * as x from "…"
    /\bimport\b(?!\s*[.(])(\s+type\b)?[^;"'`]*?\bfrom\s*(["'])/g,
    // export { a } from "…", export * from "…", export type { T } from "…"
    /\bexport\b(\s+type\b)?\s*(?:\*(?:\s*as\s+[\w$]+)?|\{[^}]*\})\s*from\s*(["'])/g,
    // import "…" (for its effects)
    /\bimport()\s*(["'])/g,
    // import("…")
    /\bimport()\s*\(\s*(["'`])/g,
  ];
  for (const re of patterns) {
    for (const m of code.matchAll(re)) {
      const quoteAt = m.index + m[0].length - 1;
      const spec = byOffset.get(quoteAt);
      if (spec === undefined || spec.includes("${…}")) continue;
      found.push({ spec, line: lineAt(quoteAt), typeOnly: Boolean(m[1]) });
    }
  }
  return { code, literals, imports: found, lineAt };
}

/** Where a specifier points: a repo-relative file for relative ones, else { pkg }. */
function resolve(fromRel, spec) {
  if (!spec.startsWith(".") && !spec.startsWith("/")) return { pkg: spec };
  const base = spec.startsWith("/") ? spec : path.join(path.dirname(path.join(root, fromRel)), spec);
  const candidates = [];
  const ext = path.extname(base);
  if (ext === ".js") candidates.push(base.slice(0, -3) + ".ts", base.slice(0, -3) + ".tsx", base);
  else if (ext === ".mjs") candidates.push(base.slice(0, -4) + ".mts", base);
  else if (ext === ".cjs") candidates.push(base.slice(0, -4) + ".cts", base);
  else if (/^\.(ts|tsx|mts|cts)$/.test(ext)) candidates.push(base);
  else candidates.push(base + ".ts", base + ".tsx", base + ".js", path.join(base, "index.ts"), path.join(base, "index.js"), base);
  const hit = candidates.find((c) => fs.existsSync(c) && fs.statSync(c).isFile()) ?? candidates[0];
  return { file: path.relative(root, hit).split(path.sep).join("/") };
}

const files = SCANNED_DIRS.flatMap(listFiles).sort();
const parsed = new Map();
const parse = (rel) => {
  if (!parsed.has(rel)) {
    const abs = path.join(root, rel);
    const src = fs.existsSync(abs) ? fs.readFileSync(abs, "utf8") : "";
    parsed.set(rel, importsOf(src));
  }
  return parsed.get(rel);
};

const violations = [];
/** Records a violation; several of one rule on one line (a $queryRaw and its SQL) become one. */
const report = (file, line, rule, message) => {
  const same = violations.find((v) => v.file === file && v.line === line && v.rule === rule);
  if (same) same.message += `; ${message.replace(/^SQL outside src\/store\/: /, "")}`;
  else violations.push({ file, line, rule, message });
};
const target = (t) => t.pkg ?? t.file;
const platformOf = (rel) => PLATFORMS.find((p) => rel.startsWith(p));

/** What makes a file or package off limits to the domain (rule c), or null. */
function domainForbidden(t) {
  if (t.pkg) return IO_PACKAGES.some((re) => re.test(t.pkg)) ? `the I/O package ${t.pkg}` : null;
  if (t.file.startsWith("src/config/")) return `the config (${t.file})`;
  if (under(t.file, IO_FILES)) return `${t.file}, which does I/O`;
  return null;
}

/** What is Prisma's (rule e), or null. */
function prismaForbidden(t) {
  if (t.pkg) return /^(@prisma\/|prisma$)/.test(t.pkg) ? `Prisma (${t.pkg})` : null;
  return t.file.startsWith("src/generated/") ? `Prisma's client (${t.file})` : null;
}

/** A chain of value imports from a file's import to a module `forbidden` names, or null. */
function forbiddenThrough(startFile, forbidden = domainForbidden, seen = new Set()) {
  const queue = [[startFile]];
  while (queue.length) {
    const chain = queue.shift();
    const file = chain[chain.length - 1];
    if (seen.has(file)) continue;
    seen.add(file);
    for (const imp of parse(file).imports) {
      if (imp.typeOnly) continue;
      const t = resolve(file, imp.spec);
      const why = forbidden(t);
      if (why) return [...chain, target(t)];
      if (t.file && SOURCE_EXT.test(t.file) && !under(t.file, SKIPPED_DIRS)) queue.push([...chain, t.file]);
    }
  }
  return null;
}

for (const file of files) {
  const { imports, code, literals, lineAt } = parse(file);
  const platform = platformOf(file);

  for (const imp of imports) {
    const t = resolve(file, imp.spec);
    const where = target(t);

    // a. no platform below the port.
    if (t.file && platformOf(t.file) && under(file, NO_PLATFORM_IMPORTS)) {
      report(
        file,
        imp.line,
        "a",
        `imports the platform module ${where} ("${imp.spec}"); only the platforms' own folders and the registry may`,
      );
    }

    // b. a platform sees only the core's port.
    if (platform && t.file && !t.file.startsWith(platform)) {
      if (under(t.file, ROUTER_INTERNALS)) {
        report(
          file,
          imp.line,
          "b",
          `imports the router's internals ${where} ("${imp.spec}"); a platform talks to src/core/ only through its port`,
        );
      } else if (!under(t.file, PLATFORM_MAY_IMPORT) && !(ENTRY_FILES.includes(file) && under(t.file, ENTRY_MAY_IMPORT))) {
        report(
          file,
          imp.line,
          "b",
          `imports ${where} ("${imp.spec}"); a platform may import only src/core/ (not router.ts, command.ts), src/http/, log, time, env, paths, its own folder and packages`,
        );
      }
    }

    // c. the domain is pure.
    if (file.startsWith("src/domain/")) {
      const why = domainForbidden(t);
      if (why) {
        report(file, imp.line, "c", `the domain imports ${why} ("${imp.spec}")`);
      } else if (!imp.typeOnly && t.file && !t.file.startsWith("src/domain/")) {
        const chain = forbiddenThrough(t.file);
        if (chain) report(file, imp.line, "c", `the domain imports ${chain.join(" → ")}, which is config or does I/O`);
      }
    }

    // e. the pass's thread loads no Prisma.
    if (file === PASS_WORKER && !imp.typeOnly) {
      const why = prismaForbidden(t);
      const chain = why ? [file, where] : t.file && forbiddenThrough(t.file, prismaForbidden);
      if (chain) report(file, imp.line, "e", `the pass's thread loads ${chain.join(" → ")}`);
    }
  }

  // d. SQL only in the store.
  if (!file.startsWith("src/store/")) {
    for (const lit of literals) {
      const m = SQL_TEXT.exec(lit.text);
      if (!m) continue;
      const excerpt = lit.text
        .slice(m.index, m.index + 60)
        .replace(/\s+/g, " ")
        .trim();
      report(file, lineAt(lit.at), "d", `SQL outside src/store/: \`${excerpt}${lit.text.length > m.index + 60 ? "…" : ""}\``);
    }
    for (const [re, what] of SQL_CALLS) {
      for (const m of code.matchAll(re)) report(file, lineAt(m.index), "d", `SQL outside src/store/: ${what(m[0])}`);
    }
  }
}

const RULES = {
  a: "no platform import below the port",
  b: "a platform imports only the core's port",
  c: "the domain is pure",
  d: "SQL only in src/store/",
  e: "the pass's thread loads no Prisma",
};

const shown = violations
  .filter((v) => !only.length || only.some((p) => v.file === p || v.file.startsWith(p.endsWith("/") ? p : `${p}/`)))
  .sort((x, y) => x.file.localeCompare(y.file) || x.line - y.line || x.rule.localeCompare(y.rule));
for (const v of shown) console.log(`${v.file}:${v.line}: [${v.rule}: ${RULES[v.rule]}] ${v.message}`);
if (shown.length) {
  console.error(
    `check-imports: ${shown.length} violation${shown.length === 1 ? "" : "s"} in ${new Set(shown.map((v) => v.file)).size} file(s) (of ${files.length} read)`,
  );
  process.exit(1);
}
console.log(`check-imports: no violations (${files.length} files read)`);
