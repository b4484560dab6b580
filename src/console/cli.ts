// npm run chat -- --chat NAME --user NAME [--member]
// Reads standard input line by line, prints the bot's replies, exits at the end of input:
//   printf '/bind 测试社区\n/record study 12 people\n/stats\n' | npm run chat
import "../env.js";
import { parseArgs } from "node:util";
import path from "node:path";
import os from "node:os";
import { runConsoleBot } from "../start.js";

export interface ConsoleMainOptions {
  /** Run the scheduler too, printing reminders addressed to console chats (npm start). */
  withScheduler?: boolean;
}

export async function main(argv = process.argv.slice(2), opts: ConsoleMainOptions = {}): Promise<void> {
  const { values } = parseArgs({
    args: argv,
    options: {
      chat: { type: "string", default: "控制台" },
      user: { type: "string", default: os.userInfo().username || "me" },
      member: { type: "boolean", default: false },
      files: { type: "string", default: path.resolve("data/files") },
    },
    allowPositionals: false,
  });
  await runConsoleBot({
    chat: values.chat!,
    user: values.user!,
    member: values.member,
    filesDir: values.files!,
    prompt: Boolean(process.stdin.isTTY),
    withScheduler: opts.withScheduler,
  });
}
