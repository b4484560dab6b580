// A local fake platform for the delivery benchmark that enforces Telegram's published limits
// (30 messages/s overall, 20/min per group) and answers 429 with retry_after when they are
// exceeded, plus a minimal HTTP sender that maps 429 to SendError the way the adapters do.
import http from "node:http";
import { SendError, type Sender } from "../src/outbox/outbox.js";
import type { RateLimits } from "../src/core/rate-limit.js";
import type { Reply } from "../src/core/types.js";

export async function startLimitedFake(limits: RateLimits) {
  const stats = { ok: 0, rejected429: 0 };
  const recent: number[] = [];
  const perChat = new Map<string, number[]>();
  const server = http.createServer((req, res) => {
    let body = "";
    req.on("data", (d) => {
      body += d;
    });
    req.on("end", () => {
      const { chat } = JSON.parse(body) as { chat: string };
      const now = Date.now();
      while (recent.length && recent[0] <= now - 1000) recent.shift();
      const mine = (perChat.get(chat) ?? []).filter((t) => t > now - 60_000);
      // A small tolerance, as Telegram allows short bursts; beyond it, 429.
      if (recent.length >= limits.perSecond + 2 || mine.length >= limits.perChatPerMinute) {
        stats.rejected429++;
        res.writeHead(429, { "content-type": "application/json" });
        res.end(
          JSON.stringify({ ok: false, error_code: 429, description: "Too Many Requests: retry after 1", parameters: { retry_after: 1 } }),
        );
        return;
      }
      recent.push(now);
      mine.push(now);
      perChat.set(chat, mine);
      stats.ok++;
      res.writeHead(200, { "content-type": "application/json" });
      res.end(JSON.stringify({ ok: true, result: { message_id: stats.ok } }));
    });
  });
  await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
  const port = (server.address() as { port: number }).port;
  return { url: `http://127.0.0.1:${port}/send`, stats, close: () => new Promise<void>((r) => server.close(() => r())) };
}

export class HttpSender implements Sender {
  constructor(
    readonly platform: string,
    private readonly url: string,
    readonly limits: RateLimits,
  ) {}
  async send(chat: string, reply: Reply): Promise<void> {
    const res = await fetch(this.url, {
      method: "POST",
      body: JSON.stringify({ chat, text: reply.text }),
      headers: { "content-type": "application/json" },
    });
    const json = (await res.json()) as { ok: boolean; description?: string; parameters?: { retry_after?: number } };
    if (!json.ok) throw new SendError(json.description ?? `HTTP ${res.status}`, json.parameters?.retry_after);
  }
}
