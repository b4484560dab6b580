// npm run chat -- --chat NAME --user NAME [--member]
// Reads standard input line by line, prints the bot's replies, exits at the end of input:
//   printf '/bind 测试社区\n/record study 12 people\n/stats\n' | npm run chat
import "../env.js";
import { parseArgs } from "node:util";
import path from "node:path";
import os from "node:os";
import { createApp } from "../app.js";
import { runConsole } from "./console.js";
import { ConsoleSender } from "./sender.js";
import { Scheduler } from "../scheduler/runtime.js";
import { logEvent } from "../log.js";

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
  // The console user is an administrator unless --member asks to try the bot as an ordinary member.
  // A scripted console session may pipe hundreds of lines: no command budgets locally.
  const app = await createApp({ trustedPlatforms: values.member ? [] : ["console"], limits: false });
  const scheduler = opts.withScheduler
    ? new Scheduler({ db: app.store.db, sql: app.store.sql, config: app.config, senders: [new ConsoleSender()], clock: app.clock, log: logEvent })
    : null;
  scheduler?.start();
  try {
    await runConsole(app.router, {
      chat: values.chat!, user: values.user!, input: process.stdin, output: process.stdout,
      filesDir: values.files!, prompt: Boolean(process.stdin.isTTY),
    });
  } finally {
    await scheduler?.stop();
    await app.close();
  }
}
