// How Telegram starts from the environment (README, "Telegram"). The SDK is imported only here,
// when a token is set.
import type { PlatformModule } from "../platform.js";

const telegram: PlatformModule = {
  name: "telegram",
  configured: (env) => Boolean(env.TELEGRAM_BOT_TOKEN),
  async create(env, core, log) {
    const { createTelegramAdapter } = await import("./index.js");
    return createTelegramAdapter({
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
