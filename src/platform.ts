// What a platform gives the process, and how each platform folder says it starts. Kept small on
// purpose (Errbot's lesson): abilities are optional fields, so adding one never breaks an adapter.
import type { Sender } from "./core/outbound.js";
import type { BotCore, LogFn } from "./core/bot.js";
import type { Handler } from "./http/server.js";

export interface PlatformAdapter {
  platform: string;
  sender: Sender;
  /** Webhook paths this adapter serves on the bot's HTTP server. */
  routes?: Record<string, Handler>;
  /** Starts receiving (long polling, a long connection, or registering the webhook). */
  start(): Promise<void>;
  /** Stops receiving; the core drains the events already taken. */
  stop(): Promise<void>;
}

/** Each platform folder's `platform.ts`: cheap to import (the SDK is loaded only when it starts). */
export interface PlatformModule {
  name: string;
  /** Whether the environment configures this platform (its credentials are set). */
  configured(env: NodeJS.ProcessEnv): boolean;
  /** Creates the adapter from the environment, attached to the core. */
  create(env: NodeJS.ProcessEnv, core: BotCore, log: LogFn): Promise<PlatformAdapter>;
}
