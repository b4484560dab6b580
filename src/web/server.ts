// The town office's page (/看板), on the bot's own HTTP server under /dashboard: Hono routes,
// server-rendered. A link from /看板 opens a session (an HTTP-only cookie) that sees the chat's unit
// and its subtree and nothing else: every page, file and download checks the unit it names against
// that subtree, and every request checks that the session is still open and that the chat is still
// bound to its unit. Everything lives in the store, so several processes behind one load balancer
// serve the same sessions. Downloads run the chat's own commands as the session's person, so the
// files are the ones the chat gives, with the person's current permissions.
import fs from "node:fs";
import path from "node:path";
import { Hono, type Context } from "hono";
import { getCookie, setCookie, deleteCookie } from "hono/cookie";
import { secureHeaders } from "hono/secure-headers";
import { getRequestListener } from "@hono/node-server";
import type { Ledger, DashboardSessionRow } from "../store/ledger.js";
import type { Rules } from "../domain/rules.js";
import type { Router } from "../core/router.js";
import type { Reply } from "../core/types.js";
import type { Clock } from "../time.js";
import { chinaDay } from "../time.js";
import { periodWord } from "../domain/periods.js";
import { unitWord } from "../report/args.js";
import { PROJECT_ROOT } from "../paths.js";
import { DashboardAuth, SESSION_TTL_MS, DASHBOARD_PATH as BASE } from "./auth.js";
import { loginPage, messagePage, unitPage } from "./pages.js";
import { readPeriod, summaryView, unitView } from "./view.js";
import type { Handler } from "../http/server.js";

export { BASE as DASHBOARD_PATH };

export interface DashboardOptions {
  ledger: Ledger;
  config: Rules;
  router: Router;
  clock: Clock;
  auth: DashboardAuth;
  /** The address users reach (PUBLIC_URL): decides the cookie's Secure flag. */
  publicUrl: string;
  log?: (event: string, detail: Record<string, unknown>) => void;
}

const STATIC: Record<string, { file: string; type: string }> = {
  "app.js": { file: path.join(PROJECT_ROOT, "src/web/static/app.js"), type: "text/javascript; charset=utf-8" },
  "app.css": { file: path.join(PROJECT_ROOT, "src/web/static/app.css"), type: "text/css; charset=utf-8" },
  "chart.umd.min.js": {
    file: path.join(PROJECT_ROOT, "node_modules/chart.js/dist/chart.umd.min.js"),
    type: "text/javascript; charset=utf-8",
  },
};

/** Images shown in the page; any other stored file is only ever downloaded, never rendered. */
const INLINE_IMAGES = new Set(["image/jpeg", "image/png", "image/gif", "image/webp"]);

type Env = { Variables: { session: DashboardSessionRow } };

const REFUSED: Record<"invalid" | "used" | "expired", string> = {
  invalid: "这个链接无效（不完整或被改动过）。",
  used: "这个链接已经用过了：每个链接只能打开一次。",
  expired: "这个链接已过期：链接在发出后 10 分钟内有效。",
};
const AGAIN = "请回到单位的群里重新发送 /看板，获取新的链接。";

/** Cookie names with __Host- are bound to this origin and path / by the browser: only over HTTPS. */
const cookieName = (secure: boolean) => (secure ? "__Host-dashboard" : "dashboard");

/** The Hono app: exported for tests that call it without a socket; `dashboardHandler` serves it. */
export function dashboardApp(o: DashboardOptions): Hono<Env> {
  const secure = new URL(o.publicUrl).protocol === "https:";
  const cookie = cookieName(secure);
  const app = new Hono<Env>();

  app.use(
    "*",
    secureHeaders({
      contentSecurityPolicy: {
        defaultSrc: ["'none'"],
        scriptSrc: ["'self'"],
        styleSrc: ["'self'"],
        imgSrc: ["'self'"],
        connectSrc: ["'self'"],
        formAction: ["'self'"],
        frameAncestors: ["'none'"],
        baseUri: ["'none'"],
      },
      referrerPolicy: "no-referrer",
      crossOriginResourcePolicy: "same-origin",
    }),
  );
  app.use("*", async (c, next) => {
    await next();
    if (!c.res.headers.has("cache-control")) c.res.headers.set("cache-control", "no-store");
  });

  // Read once, on first request: the files do not change while the bot runs.
  const files = new Map<string, Buffer>();
  app.get(`${BASE}/static/:name`, (c) => {
    const name = c.req.param("name");
    const entry = STATIC[name];
    if (!entry) return c.notFound();
    const data = files.get(name) ?? files.set(name, fs.readFileSync(entry.file)).get(name)!;
    return c.body(new Uint8Array(data), 200, { "content-type": entry.type, "cache-control": "public, max-age=3600" });
  });

  // The link's page does not use the link: only its form does (see loginPage).
  app.get(`${BASE}/login`, (c) => c.html(loginPage(c.req.query("t") ?? "")));

  app.post(`${BASE}/login`, async (c) => {
    // A form from another site cannot log a browser into someone else's session.
    // (Sec-Fetch-Site, not Origin: with no-referrer the browser sends Origin: null.)
    const site = c.req.header("sec-fetch-site");
    if (site && site !== "same-origin" && site !== "none") return c.html(messagePage("无法打开看板", ["请从群里的链接打开看板。"]), 403);
    const body = await c.req.parseBody();
    const opened = await o.auth.openSession(typeof body.t === "string" ? body.t : undefined);
    if ("refused" in opened) {
      o.log?.("dashboard.link.refused", { reason: opened.refused });
      return c.html(messagePage("无法打开看板", [REFUSED[opened.refused], AGAIN]), 401);
    }
    o.log?.("dashboard.session.opened", { platform: opened.person.platform, user: opened.person.userId, unit: opened.person.unitId });
    setCookie(c, cookie, opened.token, { httpOnly: true, secure, sameSite: "Lax", path: "/", maxAge: SESSION_TTL_MS / 1000 });
    return c.redirect(`${BASE}/unit/${opened.person.unitId}`, 303);
  });

  // Everything below needs an open session whose chat is still bound to its unit.
  const signedOut = (c: Context<Env>) => {
    deleteCookie(c, cookie, { path: "/", secure });
    return c.html(messagePage("请重新登录", ["登录已结束（已过期、已退出，或权限有变化）。", AGAIN]), 401);
  };
  app.use(`${BASE}/*`, async (c, next) => {
    const session = await o.auth.session(getCookie(c, cookie));
    if (!session) return signedOut(c);
    const chat = await o.ledger.chat(session.platform, session.chatId);
    if (chat.unitId !== session.unitId) return signedOut(c);
    c.set("session", session);
    await next();
  });

  app.post(`${BASE}/logout`, async (c) => {
    await o.auth.revoke(getCookie(c, cookie)!);
    deleteCookie(c, cookie, { path: "/", secure });
    return c.html(messagePage("已退出看板", ["需要时请在群里重新发送 /看板。"]));
  });

  app.get(BASE, (c) => c.redirect(`${BASE}/unit/${c.get("session").unitId}`, 303));

  const notHere = (c: Context<Env>) =>
    c.html(messagePage("没有这个单位", ["这个单位不存在，或不在你的查看范围内（只能查看本单位及下级单位）。"], viewer(c)), 404);
  const viewer = (c: Context<Env>) => ({ name: c.get("session").userName });
  const unitId = (c: Context<Env>) => (/^\d{1,9}$/.test(c.req.param("id") ?? "") ? Number(c.req.param("id")) : null);

  app.get(`${BASE}/unit/:id`, async (c) => {
    const session = c.get("session");
    const id = unitId(c);
    if (id === null) return notHere(c);
    const today = chinaDay(o.clock());
    const page = Number(c.req.query("page"));
    const v = await unitView(o.ledger, o.config, today, session.unitId, id, readPeriod(c.req.query("p"), today), {
      page: Number.isInteger(page) && page > 0 ? page : 1,
      onlyBehind: c.req.query("behind") === "1",
    });
    if (!v) return notHere(c);
    return c.html(unitPage(v, viewer(c)));
  });

  app.get(`${BASE}/unit/:id/summary.json`, async (c) => {
    const id = unitId(c);
    const today = chinaDay(o.clock());
    const v = id === null ? null : await summaryView(o.ledger, today, c.get("session").unitId, id, readPeriod(c.req.query("p"), today));
    if (!v) return c.json({ error: "这个单位不存在，或不在你的查看范围内。" }, 404);
    return c.json(v);
  });

  /** Runs a chat command as the session's person in its chat and returns the file it answers with. */
  const commandFile = async (c: Context<Env>, name: string, words: (unit: string, period: string) => string) => {
    const session = c.get("session");
    const id = unitId(c);
    const scope = id === null ? [] : await o.ledger.subtreeIds(session.unitId);
    if (id === null || !scope.includes(id)) return notHere(c);
    const unit = (await o.ledger.unit(id))!;
    const today = chinaDay(o.clock());
    const now = o.clock();
    const rest = words(id === session.unitId ? "" : unitWord(unit.name), periodWord(readPeriod(c.req.query("p"), today)));
    const replies: Reply[] = await o.router.run(
      {
        platform: session.platform,
        chatId: session.chatId,
        userId: session.userId,
        userName: session.userName,
        messageId: `dashboard:${now.getTime()}:${Math.random().toString(36).slice(2)}`,
        text: `/${name} ${rest}`,
        sentAt: now,
      },
      { kind: "run", line: { name, rest } },
    );
    const file = replies.find((r) => r.file)?.file;
    if (!file) {
      const said = replies.map((r) => r.text).filter(Boolean);
      return c.html(messagePage("没有可下载的文件", said.length ? said : ["没有生成文件。"], viewer(c)), 404);
    }
    o.log?.("dashboard.download", { platform: session.platform, user: session.userId, unit: id, command: name });
    return c.body(new Uint8Array(file.data), 200, {
      "content-type": file.mime ?? "application/octet-stream",
      "content-disposition": `attachment; filename*=UTF-8''${encodeURIComponent(file.name)}`,
    });
  };
  app.get(`${BASE}/unit/:id/draft.docx`, (c) =>
    commandFile(c, "report", (unit, period) => `${period} ${unit} 文档`.replace(/\s+/g, " ").trim()),
  );
  app.get(`${BASE}/unit/:id/ledger.xlsx`, (c) => commandFile(c, "export", (unit, period) => `${period} ${unit}`.trim()));

  app.get(`${BASE}/file/:id`, async (c) => {
    const session = c.get("session");
    const id = unitId(c);
    const row = id === null ? null : await o.ledger.attachments.byId(id);
    if (!row || !(await o.ledger.subtreeIds(session.unitId)).includes(row.unitId)) return notHere(c);
    const data = await o.ledger.attachments.bytes(row.sha256);
    if (!data) return c.html(messagePage("文件已清理", ["这份材料的文件已不在存储中。"], viewer(c)), 404);
    const inline = row.kind === "photo" && INLINE_IMAGES.has(row.mime);
    return c.body(new Uint8Array(data), 200, {
      "content-type": inline ? row.mime : "application/octet-stream",
      "content-disposition": `${inline ? "inline" : "attachment"}; filename*=UTF-8''${encodeURIComponent(row.name)}`,
      "cache-control": "private, max-age=3600",
    });
  });

  app.notFound((c) => c.html(messagePage("找不到页面", ["地址不对。请从群里发送 /看板 打开。"]), 404));
  app.onError((e, c) => {
    o.log?.("dashboard.failed", { path: c.req.path, error: String(e?.stack ?? e) });
    return c.html(messagePage("出错了", ["页面暂时打不开，请稍后再试。"]), 500);
  });
  return app;
}

/** The dashboard as a route of the bot's HTTP server. */
export function dashboardHandler(o: DashboardOptions): Handler {
  const app = dashboardApp(o);
  return getRequestListener(app.fetch);
}
