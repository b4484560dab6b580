// Delivers outbox messages addressed to console chats by printing them, so reminders can be seen
// in the local console (`npm start` without platform credentials).
import type { Sender } from "../outbox/outbox.js";
import type { Reply } from "../core/types.js";

export class ConsoleSender implements Sender {
  readonly platform = "console";
  constructor(private readonly out: NodeJS.WritableStream = process.stdout) {}
  async send(chat: string, reply: Reply): Promise<void> {
    this.out.write(`\n[发往「${chat}」] ${reply.text}\n`);
  }
}
