// Structured logs on standard error (standard output belongs to the console chat). Message
// bodies are never logged at info level; secrets never at all.
import pino from "pino";

export const logger = pino({ level: process.env.LOG_LEVEL || "info", base: undefined }, pino.destination(2));

export function logEvent(event: string, detail: Record<string, unknown>): void {
  logger.warn({ event, ...detail });
}
