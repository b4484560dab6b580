import { z } from "zod";
import { defineCommand, type AnyCommand } from "../src/core/command.js";
import { text } from "../src/core/types.js";
import { KINDS, type Kind } from "../src/domain/catalog.js";

const PERMISSION_NOTE: Record<string, string> = { anyone: "", member: "", officer: "（宣传员/管理员）", admin: "（管理员）" };

/** The help text, generated from the command modules so it can never fall out of date. */
export function helpText(commands: readonly AnyCommand[]): string {
  const lines = ["意识形态工作台账机器人 · 可用命令（中英文命令名都可以，例如 /记录 = /record）："];
  for (const c of commands) lines.push(`/${c.zhName}（/${c.name}）— ${c.summary}${PERMISSION_NOTE[c.permission]}`);
  lines.push(
    "",
    "例子：",
    "/记录 学习 中心组学习 12人 主题：二十大精神",
    "/记录 会议 意识形态工作专题会议 昨天",
    "/记录 发放 宣传册 3000份 11月20日",
    "/统计 本季度",
    "",
    "发送 /帮助 命令名 查看某个命令的详细用法，例如：/帮助 记录",
  );
  return lines.join("\n");
}

/**
 * What /记录 understands, from the catalog: each kind with its subtypes and items (and their
 * measure words), one line each, so that a person can find the word for what they did.
 */
export function recordCatalogText(): string {
  const han = (a: string) => /\p{Script=Han}/u.test(a) && [...a].length >= 2;
  // A subtype that gathers many words (三会一课, 我们的节日) shows some of them.
  const subtype = (st: Kind["subtypes"][number]) => {
    const words = st.aliases.filter((w) => han(w) && [...w].length <= 6);
    return words.length >= 6 ? `${st.name}（${words.slice(0, 5).join("、")}…）` : st.name;
  };
  const lines = ["", "可记录的类别、类型和物品（写其中任一词即可；没有合适的词，直接写活动名称）："];
  for (const k of KINDS) {
    const aliases = k.aliases.filter((a) => a !== k.name && han(a)).slice(0, 3);
    const parts = [`${k.name}（${aliases.length ? `${aliases.join("、")}；` : ""}按${k.countUnit}计）`];
    if (k.subtypes.length) parts.push(`类型：${k.subtypes.map(subtype).join("、")}`);
    if (k.items.length) parts.push(`物品：${k.items.map((i) => `${i.name}（${i.unit}）`).join("、")}`);
    lines.push(`· ${parts.join("。")}`);
  }
  lines.push("还可写：地点：… 主持人：… 参加人员：… 时间：… 记录人：… 主题：… 备注：…");
  return lines.join("\n");
}

export default defineCommand({
  name: "help",
  zhName: "帮助",
  aliases: ["start", "h", "?", "？", "说明"],
  permission: "anyone",
  summary: "查看命令和用法",
  summaryEn: "Show commands and usage",
  usage: ["/帮助", "/帮助 记录"],
  args: z.string().transform((s) => s.trim().replace(/^\//, "").toLowerCase()),
  async run(ctx, topic) {
    // The help names every command both ways on purpose: shown as written.
    if (!topic) return [text(helpText(ctx.commands), { verbatim: true })];
    const c = ctx.commands.find((x) => [x.name, x.zhName, ...(x.aliases ?? [])].some((n) => n.toLowerCase() === topic));
    if (!c) return [text(`没有「${topic}」这个命令。\n\n${helpText(ctx.commands)}`, { verbatim: true })];
    const names = [c.zhName, c.name, ...(c.aliases ?? [])].map((n) => `/${n}`).join("、");
    const catalog = c.name === "record" ? recordCatalogText() : "";
    return [
      text(
        `/${c.zhName}（/${c.name}）：${c.summary}${PERMISSION_NOTE[c.permission]}\n命令名：${names}\n用法：\n${c.usage.map((u) => `  ${u}`).join("\n")}${catalog}`,
        { verbatim: true },
      ),
    ];
  },
});
