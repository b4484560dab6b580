// The console adapter: a local chat in a terminal against the same core as the platforms. Each
// line is one message from --user in --chat; replies are printed; files are written under
// data/files and their path printed. Lines ":user NAME" and ":chat NAME" switch who is typing
// where, so several units can be scripted against one database.
import fs from "node:fs";
import path from "node:path";
import readline from "node:readline";
import { randomUUID } from "node:crypto";
import type { Router } from "../core/router.js";
import type { Reply } from "../core/types.js";

export interface ConsoleOptions {
  chat: string;
  user: string;
  input: NodeJS.ReadableStream;
  output: NodeJS.WritableStream;
  filesDir: string;
  prompt: boolean;
}

export function renderReply(reply: Reply, filesDir: string): string {
  let out = reply.text;
  if (reply.file) {
    fs.mkdirSync(filesDir, { recursive: true });
    const file = path.resolve(filesDir, reply.file.name);
    fs.writeFileSync(file, reply.file.data);
    out += `\n[文件已保存] ${file}`;
  }
  if (reply.actions?.length) out += `\n${reply.actions.map((a) => `[${a.label}: ${a.command}]`).join(" ")}`;
  return out;
}

export async function runConsole(router: Router, opts: ConsoleOptions): Promise<void> {
  let { chat, user } = opts;
  const rl = readline.createInterface({ input: opts.input, terminal: false });
  const say = (s: string) => opts.output.write(s.endsWith("\n") ? s : `${s}\n`);
  const prompt = () => { if (opts.prompt) opts.output.write(`${user}@${chat}> `); };
  if (opts.prompt) say(`本地控制台：你是「${user}」，在「${chat}」群里（管理员）。发送 /帮助 查看命令，Ctrl+D 退出。`);
  prompt();
  let n = 0;
  // Unique per session without reading the clock: the message ids are de-duplication keys.
  const session = randomUUID();
  for await (const rawLine of rl) {
    const line = rawLine.trim();
    if (!line || line.startsWith("#")) { prompt(); continue; }
    const sw = /^:(user|chat)\s+(\S.*)$/.exec(line);
    if (sw) {
      if (sw[1] === "user") user = sw[2].trim(); else chat = sw[2].trim();
      say(`（现在是「${user}」在「${chat}」）`);
      prompt();
      continue;
    }
    n += 1;
    const replies = await router.handle({
      platform: "console", chatId: chat, chatTitle: chat, userId: user, userName: user,
      messageId: `${session}-${n}`, text: line, direct: true,
    });
    for (const r of replies) say(renderReply(r, opts.filesDir));
    prompt();
  }
}
