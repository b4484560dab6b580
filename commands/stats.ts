import { z } from "zod";
import { defineCommand } from "../src/core/command.js";
import { errorReply, text } from "../src/core/types.js";
import { readUnitAndPeriod, type UnitRef } from "../src/core/args.js";
import { periodLabel, periodNoun, type Period } from "../src/domain/periods.js";
import { totalsByKind, kindClause } from "../src/domain/figures.js";
import { kindByCode } from "../src/domain/catalog.js";
import { missingEvidence, NEED_WORDS, type EvidenceNeed } from "../src/domain/evidence.js";
import { dayLabel } from "../src/time.js";
import { requirementMatrix, matrixUnits, behindFirst, type MatrixRow } from "../src/report/matrix.js";
import type { CommandContext } from "../src/core/command.js";

/** The requirement lines for one unit in a period: "专题研究意识形态工作（每季度不少于 1 次）：✅ 1/1". */
async function requirementLines(ctx: CommandContext, unit: UnitRef, view: Period): Promise<string[]> {
  const { rows } = await requirementMatrix(
    ctx.ledger,
    ctx.config,
    ctx.today,
    unit.id,
    [{ ...unit, parentId: null, hasChildren: false }],
    view,
  );
  return rows[0].cells.filter((c) => c !== null).map((c) => c.explain);
}

/** A parent's table lists at most this many child units; past it, the complete ones are counted, not listed. */
export const MAX_TABLE_ROWS = 30;

/**
 * The units × requirements table of a parent for a period: one line per child unit (its own
 * records, judged on the rules that apply to it), the most behind first, then the parent's own
 * line labelled 本级 so that it never reads as the whole subtree's. All counts in one query.
 */
async function unitTable(
  ctx: CommandContext,
  parent: UnitRef,
  subtree: { id: number; name: string; parentId: number | null }[],
  view: Period,
): Promise<string[]> {
  const units = matrixUnits(subtree);
  const own = units.find((u) => u.id === parent.id)!;
  const children = units.filter((u) => u.parentId === parent.id && u.id !== parent.id);
  const { rows: all } = await requirementMatrix(ctx.ledger, ctx.config, ctx.today, parent.id, [own, ...children], view);
  const lineOf = (row: MatrixRow, label: string) => {
    const cells = row.cells.filter((c) => c !== null);
    return `${label}：${cells.length ? cells.map((c) => c.cell).join(" · ") : "没有适用的要求"}`;
  };
  const rows = all.slice(1).sort(behindFirst);
  const lines: string[] = [];
  if (rows.length > MAX_TABLE_ROWS) {
    const behind = rows.filter((r) => r.missed + r.open > 0);
    const shown = behind.slice(0, MAX_TABLE_ROWS);
    lines.push(...shown.map((r) => lineOf(r, r.unit.name)));
    const complete = rows.length - behind.length;
    if (behind.length > shown.length)
      lines.push(`……另有 ${behind.length - shown.length} 个单位尚未全部完成，可发送 /统计 单位名 逐个查看。`);
    if (complete) lines.push(`另有 ${complete} 个单位各项要求均已完成。`);
  } else {
    lines.push(...rows.map((r) => lineOf(r, r.unit.name)));
  }
  lines.push(lineOf(all[0], `本级（${parent.name}）`));
  return lines;
}

/** A town's subtree at most: past this, a city's /统计 leaves the evidence to each town's view. */
const MAX_EVIDENCE_UNITS = 200;

/**
 * What the period's records lack of the evidence the deployment asks for, by kind and need, and
 * for a parent whose: "佐证材料：本季度有3条会议记录缺少照片（永业村2条、东村1条）".
 */
async function evidenceLines(ctx: CommandContext, subtree: { id: number; name: string }[], period: Period): Promise<string[]> {
  const rules = ctx.config.evidence;
  if (!Object.keys(rules).length || subtree.length > MAX_EVIDENCE_UNITS) return [];
  const records = await ctx.ledger.attachments.evidenceOf(
    subtree.map((u) => u.id),
    period,
    Object.keys(rules),
  );
  if (!records.length) return [];
  const names = new Map(subtree.map((u) => [u.id, u.name]));
  const gaps = new Map<string, { kind: string; need: EvidenceNeed; units: Map<number, number> }>();
  for (const r of records) {
    for (const need of missingEvidence(r, rules)) {
      const key = `${r.kind}:${need}`;
      const g = gaps.get(key) ?? gaps.set(key, { kind: r.kind, need, units: new Map() }).get(key)!;
      g.units.set(r.unitId, (g.units.get(r.unitId) ?? 0) + 1);
    }
  }
  const when = period.start <= ctx.today && ctx.today <= period.end ? periodNoun(period.type) : periodLabel(period);
  if (!gaps.size) return [`佐证材料：${when}需留存佐证的 ${records.length} 条记录均已齐全。`];
  const lines = [...gaps.values()].map((g) => {
    const n = [...g.units.values()].reduce((a, b) => a + b, 0);
    const whose =
      subtree.length > 1
        ? `（${[...g.units]
            .sort((a, b) => b[1] - a[1])
            .slice(0, 5)
            // 村01 1条, not 村011条.
            .map(([id, c]) => `${names.get(id)}${/\d$/.test(names.get(id) ?? "") ? " " : ""}${c}条`)
            .join("、")}${g.units.size > 5 ? "等" : ""}）`
        : "";
    return `· ${n} 条${kindByCode(g.kind).name}记录缺少${NEED_WORDS[g.need]}${whose}`;
  });
  return [
    `佐证材料（${when}，按部署要求）：`,
    ...lines,
    "补充方法：回复记录的确认消息发送照片或签到表；/修改 编号 参加人员：… 或 纪要：…；/明细 #编号 查看一条记录的材料。",
  ];
}

export default defineCommand({
  name: "stats",
  zhName: "统计",
  aliases: ["进度", "汇总", "summary"],
  permission: "member",
  summary: "某个时间段的各类数字和要求完成情况（默认本季度）；上级单位可看某个下级单位",
  summaryEn: "This period's figures and progress",
  usage: [
    "/统计 — 本季度",
    "/统计 上季度",
    "/统计 2026年第三季度",
    "/统计 上半年",
    "/统计 2026年11月",
    "/统计 金桥社区 — 上级单位只看某个下级单位（写名称中独有的一部分也可以：/统计 金桥）",
    "/统计 上季度 金桥社区 — 时间段和单位的先后不限",
  ],
  args: z.string(),
  async run(ctx, rest) {
    const args = await readUnitAndPeriod(ctx, rest, { command: "统计", period: true });
    if (typeof args === "string") return [errorReply(args)];
    const { unit, period } = args;
    const subtree = await ctx.ledger.subtree(unit.id);
    const ids = subtree.map((u) => u.id);
    const totals = totalsByKind(await ctx.ledger.figures(ids, period));
    const scope = ids.length > 1 ? `（含下级单位 ${ids.length - 1} 个）` : "";
    const lines = [`${unit.name}${scope} ${periodLabel(period)}（${dayLabel(period.start)}—${dayLabel(period.end)}）统计：`];
    if (totals.length === 0) lines.push("暂无记录。用 /记录 登记，例如：/记录 学习 12人");
    for (const t of totals) {
      const subs =
        t.bySubtype.length && !t.kind.hasQuantity
          ? `（其中${t.bySubtype.map((s) => `${s.subtype} ${s.sessions} ${t.kind.countUnit}`).join("、")}）`
          : "";
      lines.push(`· ${kindClause(t)}${subs}`);
    }
    if (ids.length > 1) {
      lines.push(
        "",
        "各单位要求完成情况（✅ 已完成 ⏳ 进行中 ❌ 未完成 · 未开始或在绑定前；未完成多的在前）：",
        ...(await unitTable(ctx, unit, subtree, period)),
      );
    } else {
      const req = await requirementLines(ctx, unit, period);
      if (req.length) lines.push("", "要求完成情况（✅ 已完成 ⏳ 进行中 ❌ 未完成 · 未开始或在绑定前）：", ...req);
    }
    const evidence = await evidenceLines(ctx, subtree, period);
    if (evidence.length) lines.push("", ...evidence);
    return [...args.notes.map((n) => text(n)), text(lines.join("\n"))];
  },
});
