// Starting and stopping the bot with platforms: what `npm start` does (src/main.ts) and what the
// multi-process test starts, so the tests exercise the real start-up and shutdown. The app (store,
// config, router), the core port, every configured platform from the registry, the scheduler and
// the HTTP server with the platforms' webhook routes and /healthz.
import type http from "node:http";
import { createApp, type App, type AppOptions } from "./app.js";
import { BotCore, type LogFn } from "./core/bot.js";
import { Scheduler } from "./scheduler/runtime.js";
import { PassThread } from "./scheduler/pass-thread.js";
import { createHttpServer, listen, type Handler } from "./http/server.js";
import { configuredPlatforms } from "./platforms.js";
import type { PlatformAdapter } from "./platform.js";
import { logEvent } from "./log.js";
import { ConsoleSender, PLATFORM as CONSOLE, runConsole, readConsoleFile, type ConsoleOptions } from "./console/console.js";

export interface StartOptions {
  env?: NodeJS.ProcessEnv;
  /** Passed to createApp (the clock, above all). */
  app?: AppOptions;
  log?: LogFn;
  host?: string;
  /** Default PORT, else 8080; 0 picks a free port. */
  port?: number;
  /** More HTTP routes (the multi-process test's /test/tick). */
  routes?: Record<string, Handler>;
  /** The reminder pass in its own thread (default true), as npm start runs it; false: on the bot's thread. */
  passThread?: boolean;
  /** Run the scheduler on its timer (default true); false leaves its ticks to the caller. */
  schedulerTimer?: boolean;
  /** The longest a stop waits for events in flight, and again for the store to close (default 10 s). */
  stopTimeoutMs?: number;
}

export interface RunningBot {
  app: App;
  core: BotCore;
  adapters: PlatformAdapter[];
  scheduler: Scheduler;
  server: http.Server;
  port: number;
  /** Stops taking new work, finishes what is in flight (within the stop timeout), closes the store. */
  stop(): Promise<void>;
}

/** A positive number of milliseconds from the environment, else the default (undefined). */
const positive = (v: string | undefined) => (v && Number(v) > 0 ? Number(v) : undefined);

const within = <T>(p: Promise<T>, ms: number) => Promise.race([p, new Promise<void>((r) => setTimeout(r, ms).unref())]);

export async function startBot(opts: StartOptions = {}): Promise<RunningBot> {
  const env = opts.env ?? process.env;
  const log = opts.log ?? logEvent;
  const stopTimeoutMs = opts.stopTimeoutMs ?? 10_000;
  // The bot process (platforms and scheduler) is the only one on a SQLite file; a second is
  // refused at start (`npm run remind` and other tools still open it alongside).
  const app = await createApp({ ...opts.app, store: { exclusive: true, ...opts.app?.store } });
  const core = new BotCore(app, {
    log,
    stopTimeoutMs,
    soleProcess: app.store.provider === "sqlite",
    heartbeatMs: positive(env.INBOX_HEARTBEAT_MS),
    deadAfterMs: positive(env.INBOX_DEAD_AFTER_MS),
  });
  const adapters: PlatformAdapter[] = [];
  for (const platform of configuredPlatforms(env)) adapters.push(await platform.create(env, core, log));
  const scheduler = schedulerOf(app, core, log, { passThread: opts.passThread ?? true });
  const server = createHttpServer({
    routes: Object.assign({}, ...adapters.map((a) => a.routes ?? {}), opts.routes ?? {}),
    prefixes: await dashboardOf(app, log),
    // Healthy when the store can write, not only answer (a full disk answers reads).
    health: () => Promise.race([app.store.writable(), new Promise<boolean>((r) => setTimeout(r, 3000, false).unref())]),
    log,
  });
  const port = await listen(server, opts.port ?? Number(env.PORT || 8080), opts.host);
  for (const a of adapters) await a.start();
  // Heartbeat, and what a dead process (or this one before a crash) left in the inbox; on a
  // SQLite file this is the only bot process, so everything left pending is taken at once.
  await core.start();
  if (opts.schedulerTimer !== false) scheduler.start();
  log("started", { platforms: adapters.map((a) => a.platform), port });

  let stopped: Promise<void> | null = null;
  const stop = () =>
    (stopped ??= (async () => {
      // Stop taking new work (webhooks answer 503 from now on, so platforms redeliver elsewhere),
      // finish what is in flight, close idle connections, and only then close the store.
      const closed = new Promise((resolve) => server.close(resolve));
      server.closeIdleConnections();
      for (const a of adapters) await a.stop().catch((e) => log("adapter.stop.failed", { platform: a.platform, error: String(e) }));
      await core.drain(stopTimeoutMs);
      await scheduler.stop();
      await within(closed, stopTimeoutMs);
      server.closeAllConnections();
      await within(app.close(), stopTimeoutMs);
    })());
  return { app, core, adapters, scheduler, server, port, stop };
}

/**
 * The local console chat (npm run chat, and npm start with no platform configured): the same app
 * and core, the console as the only platform, and with `withScheduler` the scheduler printing the
 * reminders addressed to console chats. Returns at the end of standard input.
 */
export async function runConsoleBot(
  opts: Omit<ConsoleOptions, "input" | "output"> & {
    withScheduler?: boolean;
    /** The web page's port when PUBLIC_URL is set (default PORT, else 8080; 0 picks a free one) and host. */
    port?: number;
    host?: string;
    input?: NodeJS.ReadableStream;
    output?: NodeJS.WritableStream;
  },
): Promise<void> {
  const output = opts.output ?? process.stdout;
  // The console user is the administrator unless --member (or :member) tries the bot as an
  // ordinary member. A scripted console session may pipe hundreds of lines: no command budgets.
  const app = await createApp({ trustedPlatforms: [CONSOLE], limits: false, store: { exclusive: Boolean(opts.withScheduler) } });
  const core = new BotCore(app, { log: logEvent, soleProcess: app.store.provider === "sqlite" });
  const sender = new ConsoleSender(output, opts.filesDir);
  core.attach(CONSOLE, { sender, download: readConsoleFile });
  await core.start();
  const scheduler = opts.withScheduler ? schedulerOf(app, core, logEvent) : null;
  scheduler?.start();
  // With PUBLIC_URL set, the web page is served beside the console chat, so that a link from
  // /看板 opens in a browser on this machine.
  let server: http.Server | null = null;
  if (app.web) {
    server = createHttpServer({
      routes: {},
      prefixes: await dashboardOf(app, logEvent),
      health: () => app.store.writable(),
      log: logEvent,
    });
    const port = await listen(server, opts.port ?? Number(process.env.PORT || 8080), opts.host);
    logEvent("dashboard.listening", { port, url: `${app.web.publicUrl}/dashboard` });
  }
  try {
    await runConsole(core, { ...opts, input: opts.input ?? process.stdin, output, sender });
  } finally {
    await core.drain();
    await scheduler?.stop();
    if (server) await new Promise((r) => server!.close(r));
    await app.close();
  }
}

/** The web page's routes (/dashboard) when PUBLIC_URL is set. */
async function dashboardOf(app: App, log: LogFn): Promise<Record<string, Handler>> {
  if (!app.web) return {};
  // Loaded only when the page is on: a bot without it never loads the web framework.
  const { dashboardHandler, DASHBOARD_PATH } = await import("./web/server.js");
  const { ledger, config, router, clock } = app;
  return { [DASHBOARD_PATH]: dashboardHandler({ ledger, config, router, clock, auth: app.web.auth, publicUrl: app.web.publicUrl, log }) };
}

/** The scheduler's round every minute: reminders, sign-ins whose time has come, the outbox. */
function schedulerOf(app: App, core: BotCore, log: LogFn, opts: { passThread?: boolean } = {}): Scheduler {
  return new Scheduler({
    pass: opts.passThread ? new PassThread(app.store.sqlSpec, app.config, app.store.sql, () => core.whenQuiet()) : undefined,
    db: app.store.db,
    sql: app.store.sql,
    config: app.config,
    outbound: core.outbound,
    clock: app.clock,
    beforeDelivery: () => core.closeDueSignIns(),
    log,
  });
}
