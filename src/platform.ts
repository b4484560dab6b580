// What a platform adapter gives the process: a sender for the outbox, optional HTTP routes for
// webhooks, and start/stop. Kept small on purpose (Errbot's lesson): abilities are optional fields.
import type { Sender } from "./outbox/outbox.js";
import type { Handler } from "./http/server.js";

export interface PlatformAdapter {
  platform: string;
  sender: Sender;
  /** Webhook paths this adapter serves on the bot's HTTP server. */
  routes?: Record<string, Handler>;
  /** Starts receiving (long polling, a long connection, or registering the webhook). */
  start(): Promise<void>;
  /** Stops receiving and finishes in-flight work. */
  stop(): Promise<void>;
}
