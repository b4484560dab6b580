// Log levels mean what they say: routine events at info, what failed, was refused or dropped, or
// needs the operator at warn — so that an operator filtering on warn sees only what needs them.
import { describe, it, expect } from "vitest";
import { levelOf } from "../src/log.js";

describe("log levels", () => {
  it("routine events are info", () => {
    for (const event of [
      "started",
      "bot.added",
      "bot.removed",
      "lark.started",
      "lark.ws.connected",
      "lark.ws.reconnecting",
      "telegram.webhook.set",
      "telegram.chat.migrated",
      "scheduler.enqueued",
      "inbox.taken_over",
      "reply.retry",
      "signin.closed",
      "message.recalled",
    ]) {
      expect([event, levelOf(event)]).toEqual([event, "info"]);
    }
    expect(levelOf("lark.sdk", { level: "info" })).toBe("info");
  });

  it("failures, refusals, drops and slow or late stops are warn", () => {
    for (const event of [
      "command.failed",
      "http.failed",
      "inbox.store_failed",
      "reply.queued",
      "reply.lost",
      "telegram.buttons.dropped",
      "telegram.polling.stopped",
      "telegram.start.slow",
      "bot.stop.late",
      "lark.webhook.bad_signature",
      "lark.webhook.encrypted_without_key",
      "scheduler.failed",
    ]) {
      expect([event, levelOf(event)]).toEqual([event, "warn"]);
    }
    expect(levelOf("lark.sdk", { level: "error" })).toBe("warn");
  });
});
