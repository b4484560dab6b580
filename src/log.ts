// Structured logs on standard error (standard output belongs to the console chat). Message
// bodies are never logged at info level; secrets never at all. An event's level follows from its
// name: something failed, was refused or dropped, or needs the operator → warn; routine events
// (started, a chat bound, a reminder queued, a retry that is expected to succeed) → info.
import pino from "pino";

export const logger = pino({ level: process.env.LOG_LEVEL || "info", base: undefined }, pino.destination(2));

// "reply.queued" (a reply that could not go out at once) warns; "scheduler.enqueued" is routine.
const WARN = /fail|refus|drop|lost|unprotected|late|slow|stopped|bad_|without_key|app_id|(?<!en)queued|error/;

export function levelOf(event: string, detail: Record<string, unknown> = {}): "info" | "warn" {
  if (event === "lark.sdk") return detail.level === "error" || detail.level === "warn" ? "warn" : "info";
  return WARN.test(event) ? "warn" : "info";
}

export function logEvent(event: string, detail: Record<string, unknown>): void {
  logger[levelOf(event, detail)]({ event, ...detail });
}
