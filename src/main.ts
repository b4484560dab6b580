// npm start: every platform whose credentials are set, the scheduler and the HTTP server; with
// no platform configured, the local console chat.
import "./env.js";
import { main as consoleMain } from "./console/cli.js";

const platforms = [process.env.TELEGRAM_BOT_TOKEN && "telegram", process.env.LARK_APP_ID && "lark"].filter(Boolean);

if (platforms.length > 0) {
  console.error(`Platform adapters (${platforms.join(", ")}) are not built yet; starting the local console instead.`);
}
// The console chat with the scheduler: reminders for console chats are printed as they fall due.
await consoleMain(process.argv.slice(2), { withScheduler: true });
