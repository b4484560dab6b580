// The HTTP server every deployment runs: /healthz for the load balancer, webhook routes by path.
import { describe, it, expect, afterEach } from "vitest";
import type http from "node:http";
import { createHttpServer, listen } from "../src/http/server.js";
import { makeHarness } from "./harness.js";

let server: http.Server | null = null;
afterEach(async () => {
  await new Promise((r) => server?.close(r) ?? r(null));
  server = null;
});

async function start(opts: Parameters<typeof createHttpServer>[0]): Promise<string> {
  server = createHttpServer(opts);
  const port = await listen(server, 0, "127.0.0.1");
  return `http://127.0.0.1:${port}`;
}

describe("HTTP server", () => {
  it("/healthz checks the database", async () => {
    const h = await makeHarness();
    let down = false;
    const base = await start({
      routes: {},
      health: async () => {
        if (down) throw new Error("connection refused");
        await h.app.store.db.unit.count();
        return true;
      },
    });
    let r = await fetch(`${base}/healthz`);
    expect([r.status, await r.json()]).toEqual([200, { ok: true }]);
    down = true;
    r = await fetch(`${base}/healthz`);
    expect([r.status, await r.json()]).toEqual([503, { ok: false }]);
    await h.close();
  });

  it("routes webhook paths without their query string, 404 otherwise, 500 on a handler crash", async () => {
    const seen: string[] = [];
    const base = await start({
      routes: {
        "/telegram/webhook": (req, res) => {
          seen.push(req.url!);
          res.end("ok");
        },
        "/boom": () => {
          throw new Error("boom");
        },
      },
      health: async () => true,
    });
    expect((await fetch(`${base}/telegram/webhook?x=1`, { method: "POST" })).status).toBe(200);
    expect(seen).toEqual(["/telegram/webhook"]);
    expect((await fetch(`${base}/nope`)).status).toBe(404);
    expect((await fetch(`${base}/boom`)).status).toBe(500);
  });
});
