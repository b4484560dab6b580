// The "/" command menu Telegram shows, built from the command modules: English descriptions for
// the default language, Chinese ones (with the Chinese command name, which Telegram cannot list
// because menu names must be [a-z0-9_]) for users whose app language is Chinese.
import type { BotCommand } from "grammy/types";
import type { AnyCommand } from "../core/command.js";

const MENU_NAME = /^[a-z0-9_]{1,32}$/;
const MAX_DESCRIPTION = 256;
const MAX_COMMANDS = 100;

function clip(s: string, max: number): string {
  const chars = [...s.replace(/\s+/g, " ").trim()];
  return chars.length <= max ? chars.join("") : `${chars.slice(0, max - 1).join("")}…`;
}

export function menuCommands(commands: readonly AnyCommand[], language: "zh" | "en"): BotCommand[] {
  return commands
    .filter((c) => MENU_NAME.test(c.name))
    .slice(0, MAX_COMMANDS)
    .map((c) => ({
      command: c.name,
      description: clip(language === "zh" ? `${c.zhName}：${c.summary}` : c.summaryEn || c.summary, MAX_DESCRIPTION),
    }));
}

/** Every distinct command a router table knows, in the order they were declared. */
export function commandsOf(table: Map<string, AnyCommand>): AnyCommand[] {
  return [...new Set(table.values())];
}
