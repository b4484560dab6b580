// The bot's HTTP server on PORT: /healthz for a load balancer, the platforms' webhook paths
// (/telegram/webhook, /lark/events) registered by the adapters that use them, and the web page
// (/dashboard) when PUBLIC_URL is set.
import http from "node:http";

/** The largest request body any route accepts (platform events are a few kilobytes). */
export const MAX_BODY_BYTES = 1024 * 1024;

export type Handler = (req: http.IncomingMessage, res: http.ServerResponse) => void | Promise<void>;

export interface HttpServerOptions {
  routes: Record<string, Handler>;
  /** Handlers for every path under a prefix ("/dashboard"), given the request with its query string. */
  prefixes?: Record<string, Handler>;
  /** Resolves true when the store answers; /healthz returns 503 otherwise. */
  health: () => Promise<boolean>;
  log?: (event: string, detail: Record<string, unknown>) => void;
}

export function createHttpServer(opts: HttpServerOptions): http.Server {
  return http.createServer(async (req, res) => {
    const path = (req.url ?? "/").split("?")[0];
    try {
      if (path === "/healthz") {
        const ok = await opts.health().catch(() => false);
        res.writeHead(ok ? 200 : 503, { "content-type": "application/json" });
        res.end(JSON.stringify({ ok }));
        return;
      }
      // No route takes more than this (the webhooks read their bodies with the same limit, for a
      // body sent without a length): a large upload is refused before anything reads it.
      if (Number(req.headers["content-length"] ?? 0) > MAX_BODY_BYTES) {
        res.writeHead(413, { "content-type": "text/plain", connection: "close" });
        res.end("request body too large");
        req.resume();
        return;
      }
      const prefix = Object.keys(opts.prefixes ?? {}).find((p) => path === p || path.startsWith(`${p}/`));
      if (prefix) {
        await opts.prefixes![prefix](req, res);
        return;
      }
      const handler = opts.routes[path];
      if (!handler) {
        res.writeHead(404, { "content-type": "text/plain" });
        res.end("not found");
        return;
      }
      // Some SDK adapters match req.url exactly: give them the path without a query string.
      req.url = path;
      await handler(req, res);
    } catch (e) {
      opts.log?.("http.failed", { path, error: String((e as Error)?.stack ?? e) });
      if (!res.headersSent) res.writeHead(500);
      res.end();
    }
  });
}

export function listen(server: http.Server, port: number, host = "0.0.0.0"): Promise<number> {
  return new Promise((resolve, reject) => {
    server.once("error", reject);
    server.listen(port, host, () => {
      const addr = server.address();
      resolve(typeof addr === "object" && addr ? addr.port : port);
    });
  });
}
