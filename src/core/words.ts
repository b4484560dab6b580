// Replies name commands the way the person typed theirs: Chinese after a Chinese command (发送
// /撤销 撤销, not /undo), English after an English one, and /cmd@Bot after /cmd@Bot (a Telegram
// group with several bots needs it for the name to be a command). Replies are written with
// either name; this rewrites every command word in a reply's text into the person's form.
// Button commands are not shown to people and stay as they are.
import type { AnyCommand } from "./command.js";

/** How a person named their command: the language, and the bot they addressed with @. */
export interface Voice {
  lang: "zh" | "en";
  bot?: string;
}

const CJK = /[\u3400-\u9fff]/;

/** The voice of a typed command name (a plain-language report or a button press is Chinese). */
export function voiceOf(typed: string | undefined, bot?: string): Voice {
  return { lang: !typed || CJK.test(typed) ? "zh" : "en", bot };
}

/**
 * A command word in running text: a slash at the start, after a space or after punctuation that
 * introduces one (：，；、（ — never inside a word, a path or a fraction), then an English name or
 * a run of Chinese characters, ending where the name does.
 */
const COMMAND_WORD = /(?<=^|[\s：:，,；;、（(【\[])\/([A-Za-z][A-Za-z_]*|[\u3400-\u9fff]+)(?![A-Za-z_@])/gu;

/** What people wrote is quoted in 「」 (topics, names, the line itself): never rewritten. */
const QUOTED = /(「[^「」]*」)/;

/** The command's name in a voice: its Chinese name, or its English name (with @Bot when typed so). */
export function nameIn(command: AnyCommand, voice: Voice): string {
  return voice.lang === "zh" ? `/${command.zhName}` : `/${command.name}${voice.bot ? `@${voice.bot}` : ""}`;
}

/** The text with every command word named in the person's voice; `table` is the router's (every name, lower case). */
export function inTheirWords(text: string, voice: Voice, table: ReadonlyMap<string, AnyCommand>): string {
  return text
    .split(QUOTED)
    .map((part, i) =>
      i % 2
        ? part
        : part.replace(COMMAND_WORD, (word, name: string) => {
            const command = table.get(name.toLowerCase());
            return command ? nameIn(command, voice) : word;
          }),
    )
    .join("");
}
