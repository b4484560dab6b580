// How Telegram starts from the environment (README, "Telegram"). The SDK is imported only here,
// when a token is set.
import type { PlatformModule } from "../platform.js";

const telegram: PlatformModule = {
  name: "telegram",
  configured: (env) => Boolean(env.TELEGRAM_BOT_TOKEN),
  async create(env, core, log) {
    const { createTelegramAdapter, TELEGRAM_LIMITS } = await import("./index.js");
    // Telegram's overall budget is 30 messages a second; a bot with paid broadcasts may send up
    // to 1,000. The per-group limit (20 a minute) is the same for every bot.
    const perSecond = Number(env.TELEGRAM_MESSAGES_PER_SECOND);
    if (env.TELEGRAM_MESSAGES_PER_SECOND && !(perSecond > 0 && perSecond <= 1000))
      throw new Error(`TELEGRAM_MESSAGES_PER_SECOND must be a number from 1 to 1000 (got "${env.TELEGRAM_MESSAGES_PER_SECOND}").`);
    return createTelegramAdapter({
      limits: perSecond > 0 ? { ...TELEGRAM_LIMITS, perSecond } : undefined,
      core,
      log,
      token: env.TELEGRAM_BOT_TOKEN ?? "",
      apiRoot: env.TELEGRAM_API_ROOT || undefined,
      mode: env.TELEGRAM_MODE === "webhook" ? "webhook" : "polling",
      webhookSecret: env.TELEGRAM_WEBHOOK_SECRET || undefined,
      webhookUrl: env.TELEGRAM_WEBHOOK_URL || undefined,
    });
  },
};
export default telegram;
