// npm start: every platform whose credentials are set, the scheduler and the HTTP server; with
// no platform configured, the local console chat.
import "./env.js";
import { main as consoleMain } from "./console/cli.js";

const platforms = [process.env.TELEGRAM_BOT_TOKEN && "telegram", process.env.LARK_APP_ID && "lark"].filter(Boolean);

if (platforms.length === 0) {
  await consoleMain();
} else {
  console.error(`Platform adapters (${platforms.join(", ")}) are not built yet; starting the local console instead.`);
  await consoleMain();
}
