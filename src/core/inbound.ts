// What every platform adapter does with an incoming message: claim its event keys, route it,
// and after the replies are sent mark the keys done. One path for Telegram, Lark and tests.
import type { Router } from "./router.js";
import type { EventGate } from "./events.js";
import type { InboundMessage, Reply } from "./types.js";

export interface InboundDeps {
  router: Router;
  gate: EventGate;
}

/**
 * Handles one platform message. `eventKeys` identify the delivery (update id, event id, message
 * id): if any was already claimed, the message is a redelivery and nothing happens (null).
 * `send` posts the replies; only after it succeeds are the keys marked done, so a crash between
 * recording and replying is repaired by the platform's redelivery (the record is not duplicated).
 */
export async function handleInbound(deps: InboundDeps, msg: InboundMessage, eventKeys: string[], botUsernames: string[], send: (replies: Reply[]) => Promise<void>): Promise<Reply[] | null> {
  for (const key of eventKeys) {
    if (!(await deps.gate.claim(msg.platform, key))) return null;
  }
  const replies = await deps.router.handle(msg, botUsernames);
  if (replies.length) await send(replies);
  await deps.gate.done(msg.platform, eventKeys);
  return replies;
}
