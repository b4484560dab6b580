// The "/" command menu Telegram shows, built from the command modules: English descriptions for
// the default language, Chinese ones (with the Chinese command name, which Telegram cannot list
// because menu names must be [a-z0-9_]) for users whose app language is Chinese.
import type { BotCommand } from "grammy/types";

/** What the menu shows of a command (the core's command list). */
export interface MenuCommand {
  name: string;
  zhName: string;
  summary: string;
  summaryEn?: string;
}

const MENU_NAME = /^[a-z0-9_]{1,32}$/;
const MAX_DESCRIPTION = 256;
const MAX_COMMANDS = 100;

function clip(s: string, max: number): string {
  const chars = [...s.replace(/\s+/g, " ").trim()];
  return chars.length <= max ? chars.join("") : `${chars.slice(0, max - 1).join("")}…`;
}

export function menuCommands(commands: readonly MenuCommand[], language: "zh" | "en"): BotCommand[] {
  return commands
    .filter((c) => MENU_NAME.test(c.name))
    .slice(0, MAX_COMMANDS)
    .map((c) => ({
      command: c.name,
      description: clip(language === "zh" ? `${c.zhName}：${c.summary}` : c.summaryEn || c.summary, MAX_DESCRIPTION),
    }));
}
