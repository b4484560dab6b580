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

/**
 * The Bot API as far as a running bot needs it (getMe, setMyCommands, setWebhook, sendMessage),
 * answering at once and telling `onSend` of every message the bot sends: the other end of the
 * benchmark's deployed-bot figures, where grammY itself makes the calls.
 */
export async function startTelegramFake(token: string, onSend: (chatId: string, text: string) => void) {
  let messageId = 1;
  const sockets = new Set<import("node:net").Socket>();
  const server = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on("data", (d: Buffer) => chunks.push(d));
    req.on("end", () => {
      const method = (req.url ?? "").split("/").pop() ?? "";
      const body = chunks.length ? (JSON.parse(Buffer.concat(chunks).toString("utf8")) as Record<string, unknown>) : {};
      let result: unknown = true;
      if (!req.url?.startsWith(`/bot${token}/`)) {
        res.writeHead(404).end();
        return;
      }
      if (method === "getMe") result = { id: 7_000_001, is_bot: true, first_name: "台账机器人", username: "LedgerBot" };
      if (method === "sendMessage") {
        const chat = String(body.chat_id);
        onSend(chat, String(body.text ?? ""));
        result = { message_id: messageId++, date: 0, chat: { id: Number(chat), type: "supergroup", title: "g" }, text: body.text };
      }
      res.writeHead(200, { "content-type": "application/json" });
      res.end(JSON.stringify({ ok: true, result }));
    });
  });
  server.on("connection", (s) => {
    sockets.add(s);
    s.on("close", () => sockets.delete(s));
  });
  await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
  const port = (server.address() as { port: number }).port;
  return {
    apiRoot: `http://127.0.0.1:${port}`,
    close: () =>
      new Promise<void>((r) => {
        for (const s of sockets) s.destroy();
        server.close(() => r());
      }),
  };
}
