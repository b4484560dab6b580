// Argument schemas several commands share.
import { z } from "zod";
import { editDistance } from "../domain/text.js";
import { parsePeriod, periodLabel, periodWord, PERIOD_EXAMPLES, type Period } from "../domain/periods.js";
import type { CommandContext } from "./command.js";
import type { MemberRow, UnitRow } from "../store/ledger.js";

/** A period word (default: this quarter), e.g. 本季度, 2026Q3, 2026年第三季度, 上半年. */
export function periodArg(ctx: CommandContext): z.ZodType<Period, string> {
  return z.string().transform((s, issue) => {
    const p = parsePeriod(s, ctx.today);
    if (!p) {
      issue.addIssue({ code: "custom", message: `没看懂时间段「${s.trim()}」。可以写：${PERIOD_EXAMPLES}。` });
      return z.NEVER;
    }
    return p;
  });
}

// ── Naming a unit of the chat's subtree ─────────────────────────────────────────────────────

/** A unit of the chat's subtree, as a command argument names it. */
export interface UnitRef {
  id: number;
  name: string;
}

/** How many candidates an ambiguous part lists, and how many near names a miss suggests. */
const MAX_CANDIDATES = 10;
const MAX_NEAR = 5;

/** A unit name's generic tail, left out when names are compared for "the nearest names". */
const GENERIC_TAIL = /(社区居委会|居委会|村委会|委员会|社区|街道|党委|党总支|总支|党支部|支部|村|镇|乡)$/;

/** Whether a word reads as a unit's name (金桥社区, 永业村): then it is answered as a unit, not as an option. */
export function looksLikeUnitName(word: string): boolean {
  return GENERIC_TAIL.test(word);
}

/** The descendants whose names share a character with `text` (generic tails like 社区/村 aside), nearest first. */
async function nearNames(ctx: CommandContext, text: string): Promise<string[]> {
  const own = ctx.unit!;
  const core = (s: string) => s.replace(GENERIC_TAIL, "") || s;
  const wanted = new Set(core(text));
  return (await ctx.ledger.subtree(own.id))
    .filter((u) => u.id !== own.id)
    .map((u) => ({ u, shared: [...new Set(core(u.name))].filter((c) => wanted.has(c)).length, d: editDistance(text, u.name) }))
    .filter((x) => x.shared > 0)
    .sort((a, b) => b.shared - a.shared || a.d - b.d || a.u.id - b.u.id)
    .slice(0, MAX_NEAR)
    .map((x) => x.u.name);
}

/** What the chat's subtree holds for a text: the unit of exactly that name, or the units whose name contains it. */
async function unitsFor(ctx: CommandContext, text: string): Promise<{ exact: UnitRef | null; partial: UnitRef[] }> {
  const found = await ctx.ledger.subtreeUnitsNamedLike(ctx.unit!.id, text, MAX_CANDIDATES + 1);
  const exact = found.find((u) => u.name === text) ?? null;
  return { exact: exact && { id: exact.id, name: exact.name }, partial: found.map((u) => ({ id: u.id, name: u.name })) };
}

function ambiguous(text: string, partial: UnitRef[]): string {
  const names = partial.slice(0, MAX_CANDIDATES).map((u) => u.name);
  const more = partial.length > MAX_CANDIDATES ? "等" : "";
  return `「${text}」可能是：${names.join("、")}${more}，请写全名。`;
}

/**
 * The reply for a text that names no unit of the chat's subtree: the same whether the unit exists
 * in another branch or nowhere (a chat never learns of units outside its subtree), with the
 * subtree's nearest names when some share a character with it (else `otherwise`).
 */
async function noSuchUnit(ctx: CommandContext, text: string, otherwise = ""): Promise<string> {
  const near = await nearNames(ctx, text);
  return `「${ctx.unit!.name}」下没有名为「${text}」的单位。${near.length ? `相近的有：${near.join("、")}。` : otherwise}`;
}

/**
 * Finds the unit of the chat's subtree (the chat's own unit or any descendant) that a command
 * argument names: the exact full name always wins; otherwise a unique part of one name is that
 * unit (碧云 → 碧云社区). An ambiguous part returns the candidates, no match the nearest names of
 * the subtree; a unit outside the subtree is answered exactly like one that does not exist.
 * `error` is the Chinese reply. For every command that takes a unit (/统计, /截止, /明细, /报告,
 * /导出台账, and a record filed for a child unit).
 */
export async function resolveUnitName(ctx: CommandContext, text: string): Promise<{ unit: UnitRef; exact: boolean } | { error: string }> {
  const name = text.trim();
  if (!name) return { error: "请写单位名，例如：碧云社区（写名称中独有的一部分也可以，例如：碧云）。" };
  const { exact, partial } = await unitsFor(ctx, name);
  if (exact) return { unit: exact, exact: true };
  if (partial.length === 1) return { unit: partial[0], exact: false };
  if (partial.length > 1) return { error: ambiguous(name, partial) };
  return { error: await noSuchUnit(ctx, name) };
}

/**
 * resolveUnitName's unit as its full row (for recording on behalf of a unit: 单位：永业村), or the
 * Chinese reply when the text names no single unit of the chat's subtree.
 */
export async function resolveUnit(ctx: CommandContext, text: string): Promise<UnitRow | string> {
  const found = await resolveUnitName(ctx, text);
  if ("error" in found) return found.error;
  return (await ctx.ledger.unit(found.unit.id)) ?? `「${ctx.unit!.name}」下没有名为「${text.trim()}」的单位。`;
}

/** The arguments of /统计, /明细 and /截止: which unit of the chat's subtree, and (if asked for) which period. */
export interface UnitPeriodArgs {
  /** The chat's own unit unless one was named. */
  unit: UnitRef;
  unitNamed: boolean;
  period: Period;
  /** When a word could be read two ways: which reading was taken and how to ask for the other. */
  notes: string[];
}

// 「…」, 『…』, “…”, "…" and 单位:… (NFKC has already made ： a colon) are always a unit name.
const ARG_WORD = /「([^」]*)」|『([^』]*)』|“([^”]*)”|"([^"]*)"|单位:(\S*)|(\S+)/g;

/** Splits an argument line into words; `forced`: written as a unit name (「碧云」, 单位:碧云). */
export function argWords(rest: string): { text: string; forced: boolean }[] {
  const out: { text: string; forced: boolean }[] = [];
  for (const m of rest.trim().matchAll(ARG_WORD)) {
    const quoted = m.slice(1, 6).find((g) => g !== undefined);
    if (quoted !== undefined) out.push({ text: quoted.trim(), forced: true });
    else out.push({ text: m[6], forced: false });
  }
  return out;
}

/**
 * Reads "[单位] [时间段]" in either order against the chat's subtree (see resolveUnitName for how
 * a unit is named). A word that is a period is the period, unless it is exactly the name of a
 * descendant (then it is that unit, and a note says how to ask for the period); a word that only
 * contains part of a unit's name never shadows a period (/统计 上季度 stays the last quarter).
 * `period: false` (/截止) takes a unit only. In a unit without descendants the replies to words
 * it cannot read are the ones these commands always gave (`leafUsage`, or the period's). Returns
 * the Chinese reply when the line cannot be read.
 */
export async function readUnitAndPeriod(
  ctx: CommandContext,
  rest: string,
  opts: { command: string; period: boolean; leafUsage?: string },
): Promise<UnitPeriodArgs | string> {
  const own = ctx.unit!;
  const out: UnitPeriodArgs = { unit: { id: own.id, name: own.name }, unitNamed: false, period: parsePeriod("", ctx.today)!, notes: [] };
  const raw = rest.trim();
  if (!raw) return out;
  const badPeriod = (word: string) => `没看懂时间段「${word}」。可以写：${PERIOD_EXAMPLES}。`;
  // A period written in several words (2026年 11月), as these commands always read it: unit names have no spaces.
  if (opts.period && /\s/.test(raw)) {
    const whole = parsePeriod(raw, ctx.today);
    if (whole) return { ...out, period: whole };
  }
  let unitWord: string | null = null;
  let periodWord_: string | null = null;
  let leaf: boolean | null = null;
  const isLeaf = async () => (leaf ??= (await ctx.ledger.children(own.id)).length === 0);
  const setUnit = (word: string, unit: UnitRef): string | null => {
    if (unitWord !== null) return `一次只能写一个单位：已经写了「${unitWord}」，又写了「${word}」。请分两次发送。`;
    unitWord = word;
    out.unit = unit;
    out.unitNamed = true;
    return null;
  };
  for (const { text: word, forced } of argWords(raw)) {
    if (forced) {
      const found = await resolveUnitName(ctx, word);
      if ("error" in found) return found.error;
      const err = setUnit(word, found.unit);
      if (err) return err;
      continue;
    }
    const p = parsePeriod(word, ctx.today);
    const { exact, partial } = await unitsFor(ctx, word);
    if (exact && unitWord === null) {
      if (p && opts.period && periodWord_ === null && exact.id !== own.id) {
        out.notes.push(
          `说明：「${word}」既是「${own.name}」的下级单位，也可以理解为时间段${periodLabel(p)}；这里按下级单位「${word}」理解。如果要的是时间段${periodLabel(p)}，请写「${periodWord(p)}」，例如：/${opts.command} ${periodWord(p)}`,
        );
      }
      setUnit(word, exact);
      continue;
    }
    if (p && opts.period && periodWord_ === null) {
      out.period = p;
      periodWord_ = word;
      continue;
    }
    if (partial.length && !exact && unitWord === null) {
      if (partial.length > 1) return ambiguous(word, partial);
      setUnit(word, partial[0]);
      continue;
    }
    if (exact || partial.length) return setUnit(word, exact ?? partial[0])!;
    // A unit without descendants answers what it always answered.
    if (await isLeaf()) return opts.period ? badPeriod(raw) : (opts.leafUsage ?? badPeriod(raw));
    if (p && opts.period) return `一次只能写一个时间段：已经写了「${periodWord_}」，又写了「${word}」。请分两次发送。`;
    if (p)
      return `/${opts.command} 看的是各项要求当前的截止情况，不用写时间段「${word}」；可以写下级单位名，例如：/${opts.command} 金桥社区`;
    // A word that starts with a digit was meant as a period (2026Q5, 13月).
    if (opts.period && /^\d/.test(word)) return badPeriod(word);
    // A word that does not end like a unit's name (社区, 村, 镇…) may have been meant as a period.
    return noSuchUnit(ctx, word, opts.period && !GENERIC_TAIL.test(word) ? `如果写的是时间段，可以写：${PERIOD_EXAMPLES}。` : "");
  }
  return out;
}

/**
 * For /报告 and /导出台账, whose own reader (src/report/args.ts) takes a unit by its full name:
 * a word that is part of exactly one unit's name of the chat's subtree becomes that unit's full
 * name (written as a unit name), an ambiguous part or a name matching nothing gets the reply
 * resolveUnitName gives. Left as they are: exact names, periods, `isOption` words, and words that
 * start with a digit and match nothing (the reader explains those as a period).
 */
export async function expandUnitWords<W extends { text: string; forced: boolean }>(
  ctx: CommandContext,
  words: W[],
  isOption: (word: string) => boolean,
): Promise<W[] | string> {
  const out: W[] = [];
  for (const w of words) {
    if (!w.forced && (isOption(w.text) || parsePeriod(w.text, ctx.today))) {
      out.push(w);
      continue;
    }
    const { exact, partial } = await unitsFor(ctx, w.text);
    if (exact) out.push(w);
    else if (partial.length === 1) out.push({ ...w, text: partial[0].name, forced: true });
    else if (partial.length > 1) return ambiguous(w.text, partial);
    else if (!w.forced && /^\d/.test(w.text)) out.push(w);
    // A unit with no units below it: the word is no unit's, and the command says what it takes.
    else if (!w.forced && !looksLikeUnitName(w.text) && (await ctx.ledger.subtreeIds(ctx.unit!.id)).length === 1) out.push(w);
    else return noSuchUnit(ctx, w.text);
  }
  return out;
}

/** The shape of a bare user id on a platform: an argument of that shape is an id, never a name. */
const BARE_ID: Record<string, RegExp> = {
  telegram: /^\d{1,20}$/,
  lark: /^ou_[0-9a-z]{1,64}$/i,
};
/** "telegram:123456", "lark:ou_xxx", "console:张三": a platform, a colon, the platform's user id. */
const QUALIFIED_ID = /^([a-z][a-z0-9_-]{0,19})[:：](\S{1,128})$/i;

/** An example id for replies, in the shape of the chat's platform. */
export function exampleId(platform: string): string {
  return platform === "telegram" ? "telegram:123456" : platform === "lark" ? "lark:ou_xxx" : `${platform}:用户ID`;
}

/**
 * What an argument naming a person refers to. `telegram:123` (any platform), or a bare id of the
 * chat's platform's shape (digits on Telegram, ou_… on Lark), is an identity and matches ids
 * only; anything else is a display name.
 */
export function personRef(platform: string, who: string): { platform: string; externalId: string } | { name: string } {
  const w = who.trim();
  const q = QUALIFIED_ID.exec(w);
  if (q) return { platform: q[1].toLowerCase(), externalId: q[2] };
  if (BARE_ID[platform]?.test(w)) return { platform, externalId: w };
  return { name: w.replace(/^@/, "") };
}

const ROLE_LABEL: Record<string, string> = { admin: "管理员", officer: "宣传员" };

/**
 * Finds the one person an administrator means, or the Chinese reply saying why not. An id finds
 * that identity only. A display name — which anyone can set to anything — finds only people who
 * have made a record in a bound chat or already hold a role, and only when exactly one person of
 * this platform has that name: otherwise every person of that name is listed with their id, and
 * nothing is done. `retry(id)` is the command to send again with an id.
 */
export async function resolveMember(ctx: CommandContext, who: string, retry: (id: string) => string): Promise<MemberRow | string> {
  const ref = personRef(ctx.msg.platform, who);
  if ("externalId" in ref) {
    const found = await ctx.ledger.memberById(ref.platform, ref.externalId);
    if (found) return found;
    return `没有找到 ID 为 ${ref.platform}:${ref.externalId} 的人：对方还没有和机器人说过话。请对方先在本单位的群里发送 /帮助，然后再发一次这条命令。`;
  }
  const LIMIT = 10;
  const named = await ctx.ledger.membersNamed(ctx.msg.platform, ref.name, LIMIT);
  const known = (m: MemberRow & { records: number }) => m.records > 0 || m.role !== "member";
  const id = (m: MemberRow) => `${m.platform}:${m.externalId}`;
  if (named.length === 0) {
    return (
      `没有找到名叫「${ref.name}」的人。按名字只能找到在已绑定单位的群里登记过记录、或已是管理员或宣传员的人。` +
      `请对方先在本单位的群里发送 /帮助，再发一次这条命令，会列出对方的平台 ID；也可以直接写 ID，例如：${retry(exampleId(ctx.msg.platform))}`
    );
  }
  if (named.length === 1 && known(named[0])) return named[0];
  if (named.length === 1) {
    const m = named[0];
    return (
      `「${m.name}」（${id(m)}）还没有在已绑定单位的群里登记过记录，也没有角色：显示名谁都可以改，按名字无法确认就是这个人。` +
      `如果确认是他/她，请用平台 ID 发送：${retry(id(m))}`
    );
  }
  const lines = named.map((m) => {
    const what = [ROLE_LABEL[m.role], m.records > 0 ? `登记过 ${m.records} 条记录` : "尚未登记记录"].filter(Boolean).join("，");
    return `${id(m)} ${m.name}（${what}）`;
  });
  const more = named.length >= LIMIT ? `\n（只列出前 ${LIMIT} 位）` : "";
  return `有 ${named.length} 位成员叫「${ref.name}」，无法确定是哪一位，本次没有改动。请改用平台 ID，例如：${retry(id(named[0]))}\n${lines.join("\n")}${more}`;
}
