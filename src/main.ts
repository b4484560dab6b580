// npm start: every platform whose credentials are set, the scheduler and the HTTP server; with
// no platform configured, the local console chat (with the scheduler printing its reminders).
import "./env.js";
import { main as consoleMain } from "./console/cli.js";
import { configuredPlatforms } from "./platforms.js";
import { startBot } from "./start.js";
import { logger } from "./log.js";

if (!configuredPlatforms(process.env).length) {
  await consoleMain(process.argv.slice(2), { withScheduler: true });
} else {
  const bot = await startBot();
  const shutdown = async (signal: string) => {
    logger.info({ event: "stopping", signal });
    await bot.stop();
    process.exit(0);
  };
  process.on("SIGTERM", () => void shutdown("SIGTERM"));
  process.on("SIGINT", () => void shutdown("SIGINT"));
}
