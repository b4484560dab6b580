// Telegram's failures in the outbox's terms: 429 → retry after what Telegram said; 5xx, network
// and 401 (a token being fixed) → retry with backoff; 400/403/404 ("chat not found", "bot was
// kicked", "message is too long") → permanent, retrying cannot help.
import { GrammyError, HttpError } from "grammy";
import { SendError } from "../core/outbound.js";

/** The supergroup a group became, when Telegram refuses a send to the old id for that reason. */
export function migratedTo(e: unknown): string | null {
  if (e instanceof GrammyError && typeof e.parameters?.migrate_to_chat_id === "number") return String(e.parameters.migrate_to_chat_id);
  return null;
}

/** True when retrying the same request can never succeed. */
export function isPermanent(e: unknown): boolean {
  return (
    e instanceof GrammyError &&
    e.error_code >= 400 &&
    e.error_code < 500 &&
    e.error_code !== 429 &&
    e.error_code !== 401 &&
    e.error_code !== 409
  );
}

export function describe(e: unknown): string {
  if (e instanceof GrammyError) return `Telegram ${e.method}: ${e.error_code} ${e.description}`;
  if (e instanceof HttpError) return `Telegram network error: ${e.message}`;
  return String((e as Error)?.message ?? e);
}

export function toSendError(e: unknown): SendError {
  if (e instanceof SendError) return e;
  if (e instanceof GrammyError && e.error_code === 429) {
    const after = e.parameters?.retry_after;
    return new SendError(describe(e), typeof after === "number" ? Math.max(1, after) : undefined);
  }
  return new SendError(describe(e), undefined, isPermanent(e));
}
