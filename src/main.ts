// npm start: every platform whose credentials are set, the scheduler and the HTTP server; with
// no platform configured, the local console chat (with the scheduler printing its reminders).
import "./env.js";
import { createApp } from "./app.js";
import { main as consoleMain } from "./console/cli.js";
import { EventGate } from "./core/events.js";
import { Scheduler } from "./scheduler/runtime.js";
import { createHttpServer, listen } from "./http/server.js";
import { logger, logEvent } from "./log.js";
import type { PlatformAdapter } from "./platform.js";

const env = process.env;

if (!env.TELEGRAM_BOT_TOKEN && !env.LARK_APP_ID) {
  await consoleMain(process.argv.slice(2), { withScheduler: true });
} else {
  const app = await createApp();
  const gate = new EventGate(app.store.db, { clock: app.clock });
  const adapters: PlatformAdapter[] = [];
  const common = { router: app.router, gate, ledger: app.ledger, clock: app.clock, log: logEvent };
  // Each platform's SDK is loaded only when it is configured (the Lark SDK alone is ≈ 110 MB).
  if (env.TELEGRAM_BOT_TOKEN) {
    const { createTelegramAdapter } = await import("./telegram/index.js");
    adapters.push(createTelegramAdapter({
      ...common,
      token: env.TELEGRAM_BOT_TOKEN,
      apiRoot: env.TELEGRAM_API_ROOT || undefined,
      mode: env.TELEGRAM_MODE === "webhook" ? "webhook" : "polling",
      webhookSecret: env.TELEGRAM_WEBHOOK_SECRET || undefined,
      webhookUrl: env.TELEGRAM_WEBHOOK_URL || undefined,
    }));
  }
  if (env.LARK_APP_ID) {
    const { createLarkAdapter } = await import("./lark/index.js");
    adapters.push(createLarkAdapter({
      ...common,
      appId: env.LARK_APP_ID,
      appSecret: env.LARK_APP_SECRET ?? "",
      domain: env.LARK_DOMAIN || "feishu",
      mode: env.LARK_MODE === "webhook" ? "webhook" : "ws",
      encryptKey: env.LARK_ENCRYPT_KEY || undefined,
      verificationToken: env.LARK_VERIFICATION_TOKEN || undefined,
    }));
  }
  const scheduler = new Scheduler({ db: app.store.db, sql: app.store.sql, config: app.config, senders: adapters.map((a) => a.sender), clock: app.clock, log: logEvent });
  const server = createHttpServer({
    routes: Object.assign({}, ...adapters.map((a) => a.routes ?? {})),
    health: async () => { await app.store.db.$queryRawUnsafe("SELECT 1"); return true; },
    log: logEvent,
  });
  const port = await listen(server, Number(env.PORT || 8080));
  for (const a of adapters) await a.start();
  scheduler.start();
  logger.info({ event: "started", platforms: adapters.map((a) => a.platform), port });

  let stopping = false;
  const shutdown = async (signal: string) => {
    if (stopping) return;
    stopping = true;
    logger.info({ event: "stopping", signal });
    // Stop taking new work (adapters answer 503 from now on, so platforms redeliver elsewhere),
    // finish what is in flight, close idle connections, and only then close the store.
    const closed = new Promise((resolve) => server.close(resolve));
    server.closeIdleConnections();
    for (const a of adapters) await a.stop().catch((e) => logEvent("adapter.stop.failed", { error: String(e) }));
    await scheduler.stop();
    await Promise.race([closed, new Promise((r) => setTimeout(r, 10_000))]);
    server.closeAllConnections();
    await Promise.race([app.close(), new Promise((r) => setTimeout(r, 10_000))]);
    process.exit(0);
  };
  process.on("SIGTERM", () => void shutdown("SIGTERM"));
  process.on("SIGINT", () => void shutdown("SIGINT"));
}
