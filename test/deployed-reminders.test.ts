// The reminder pass as npm start runs it on the default store: startBot on a SQLite file, the pass
// in its own thread on its own connection, the real grammY adapter behind the webhook, a fake Bot
// API on 127.0.0.1. A chat bound through the webhook gets the reminder the thread claimed, once.
import { describe, it, expect } from "vitest";
import fs from "node:fs";
import path from "node:path";
import { startBot } from "../src/start.js";
import { parseDeployment } from "../src/config/deployment.js";
import { chinaInstant } from "../src/time.js";
import { tempDir } from "./harness.js";
import { FakeTelegram, group, messageUpdate, textMessage, user } from "./fixtures/telegram-fake.js";
import { waitFor } from "./fixtures/telegram-world.js";

const CONFIG = parseDeployment(`
requirements:
  - { id: monthly-study, name: 理论学习, kind: study, min: 1, per: month, units: leaf }
reports: []
reminders: { offsets_days: [14, 7, 1], send_at: "09:00", quarter_start_checklist: false }
`);
const SECRET = "deployed_reminder_secret";

describe("the deployed bot's reminder pass (SQLite)", () => {
  it("runs in the pass thread and its reminder reaches the group through Telegram, once", async () => {
    const dir = tempDir("ledger-deployed-");
    const fake = await FakeTelegram.start();
    let now = chinaInstant("2026-03-10", "10:00");
    const logs: { event: string; detail: Record<string, unknown> }[] = [];
    const bot = await startBot({
      env: {
        TELEGRAM_BOT_TOKEN: fake.token,
        TELEGRAM_API_ROOT: fake.apiRoot,
        TELEGRAM_MODE: "webhook",
        TELEGRAM_WEBHOOK_SECRET: SECRET,
        TELEGRAM_MESSAGES_PER_SECOND: "1000",
      },
      app: { databaseUrl: `file:${path.join(dir, "bot.db")}`, clock: () => now, admins: ["telegram:1001"], config: CONFIG, limits: false },
      host: "127.0.0.1",
      port: 0,
      schedulerTimer: false,
      log: (event, detail) => void logs.push({ event, detail }),
    });
    try {
      const chat = group(-5001, "落后社区群");
      const post = (text: string) =>
        fetch(`http://127.0.0.1:${bot.port}/telegram/webhook`, {
          method: "POST",
          headers: { "content-type": "application/json", "x-telegram-bot-api-secret-token": SECRET },
          body: JSON.stringify(messageUpdate(fake, textMessage(fake, chat, user(1001, "王"), text))),
        });
      expect((await post("/bind 落后社区")).status).toBe(200);
      await waitFor(() => fake.texts(chat.id).some((t) => t.includes("已将本群绑定到「落后社区」")), 5000, "bind reply");
      const before = fake.texts(chat.id).length;

      // Fourteen days before the month's end, on a working day: the month's study is due.
      now = chinaInstant("2026-03-17", "09:30");
      await bot.scheduler.tick();
      const pass = logs.find((l) => l.event === "scheduler.pass");
      expect(pass?.detail).toMatchObject({ thread: "worker", planned: 1, enqueued: 1 });
      const reminders = fake.texts(chat.id).slice(before);
      expect(reminders).toHaveLength(1);
      expect(reminders[0]).toContain("理论学习");

      // The next minute's tick claims nothing again and sends nothing.
      now = new Date(now.getTime() + 60_000);
      await bot.scheduler.tick();
      expect(logs.filter((l) => l.event === "scheduler.pass").at(-1)?.detail).toMatchObject({ planned: 1, enqueued: 0 });
      expect(fake.texts(chat.id).slice(before)).toHaveLength(1);
    } finally {
      await bot.stop();
      await fake.close();
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });
});
