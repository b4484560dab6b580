// The town office's web page end to end, in a real headless browser: a link from /看板 in the
// console chat (the real `npm run chat` process, PUBLIC_URL set) opens the units × requirements
// matrix, whose cells are /统计's; a click opens a unit with its records and photo; a download is
// the .docx the chat gives; a reused link, a tampered cookie and a sibling's URL are refused. Then,
// with a harness clock, expired links and sessions, 退出, a role change and two processes.
import { describe, it, expect, beforeAll, afterAll } from "vitest";
import { spawn, type ChildProcess } from "node:child_process";
import net from "node:net";
import fs from "node:fs";
import path from "node:path";
import JSZip from "jszip";
import type { Browser } from "playwright-core";
import { makeHarness, tempDir, type Harness } from "./harness.js";
import { freshDatabaseUrl, dropDatabase } from "./db.js";
import { openStore } from "../src/store/connect.js";
import { pngBytes } from "./fixtures/images.js";
import { HAVE_BROWSER, launchBrowser } from "./fixtures/browser.js";
import { createHttpServer, listen } from "../src/http/server.js";
import { dashboardHandler } from "../src/web/server.js";
import type http from "node:http";

function freePort(): Promise<number> {
  return new Promise((resolve) => {
    const s = net.createServer().listen(0, "127.0.0.1", () => {
      const port = (s.address() as net.AddressInfo).port;
      s.close(() => resolve(port));
    });
  });
}

/** The console chat as a person types into it: lines in, the output read as it comes. */
class ConsoleChat {
  out = "";
  private readonly p: ChildProcess;
  constructor(env: NodeJS.ProcessEnv) {
    this.p = spawn("npm", ["run", "-s", "chat", "--", "--chat", "金桥镇", "--user", "王芳"], {
      env: { ...process.env, LOG_LEVEL: "silent", npm_config_loglevel: "silent", ...env },
    });
    this.p.stdout!.on("data", (d) => (this.out += d));
    this.p.stderr!.on("data", (d) => (this.out += d));
  }
  /** Types lines and resolves with what was printed after them once `until` shows up. */
  async type(lines: string[], until: RegExp, timeoutMs = 30_000): Promise<string> {
    const from = this.out.length;
    this.p.stdin!.write(lines.map((l) => `${l}\n`).join(""));
    const deadline = Date.now() + timeoutMs;
    while (!until.test(this.out.slice(from))) {
      if (Date.now() > deadline) throw new Error(`no ${until} in the console's output:\n${this.out.slice(from)}`);
      await new Promise((r) => setTimeout(r, 50));
    }
    return this.out.slice(from);
  }
  async close(): Promise<void> {
    const exited = new Promise((r) => this.p.once("exit", r));
    this.p.stdin!.end();
    await exited;
  }
}

const LINK = /(http:\/\/127\.0\.0\.1:\d+\/dashboard\/login\?t=\S+)/;

/** A matrix row as /统计 writes it: "永业村：✅ 专题会议 1/1 · ⏳ 理论学习 0/3". */
async function rowsAsLines(page: import("playwright-core").Page): Promise<string[]> {
  return page.$$eval("table.matrix", (tables) => {
    const t = tables[0];
    const columns = [...t.querySelectorAll("thead th")].map((th) => th.textContent!.trim());
    return [...t.querySelectorAll("tbody tr")].map((tr) => {
      const name = tr.querySelector("th")!.textContent!.trim();
      const cells = [...tr.querySelectorAll("td")]
        .map((td, i) => ({ td, column: columns[i + 1] }))
        .filter(({ td }) => !td.classList.contains("parent") && !td.classList.contains("na"))
        .map(({ td, column }) => {
          const [mark, figure] = [td.childNodes[0].textContent!.trim(), td.querySelector(".n")?.textContent?.trim()];
          return `${mark} ${column}${figure ? ` ${figure}` : ""}`;
        });
      return `${name}：${cells.join(" · ")}`;
    });
  });
}

const docxText = async (data: Buffer) => (await JSZip.loadAsync(data)).file("word/document.xml")!.async("string");

describe.skipIf(!HAVE_BROWSER)("the web page (/看板) in a headless browser", () => {
  let browser: Browser;
  beforeAll(async () => {
    browser = await launchBrowser();
  });
  afterAll(async () => {
    await browser?.close();
  });

  it("opens from the console's link: the matrix agrees with /统计, a unit opens, the download is the chat's file, misuse is refused", async () => {
    const dir = tempDir();
    const url = await freshDatabaseUrl(dir);
    const port = await freePort();
    const photo = path.join(dir, "现场.png");
    fs.writeFileSync(photo, pngBytes(40, 30));
    const chat = new ConsoleChat({ DATABASE_URL: url, PUBLIC_URL: `http://127.0.0.1:${port}`, PORT: String(port) });
    try {
      await chat.type(
        [
          "/绑定 金桥镇",
          "/记录 学习 中心组学习 12人 主题：二十大精神",
          ":chat 永业村",
          "/绑定 永业村 金桥镇",
          '/记录 会议 意识形态工作专题会议 主题：<b id="x">加粗</b>&"引号"',
          `:attach ${photo}`,
          ":chat 东村",
          "/绑定 东村 金桥镇",
          ":chat 银湖镇",
          "/绑定 银湖镇",
          "/记录 学习 8人",
          `:attach ${photo}`,
          ":chat 金桥镇",
        ],
        /现在是「王芳」在「金桥镇」群里/,
      );
      const stats = await chat.type(["/统计"], /本级（金桥镇）.*\n/);
      const draft = await chat.type(["/报告 文档"], /\[文件已保存\] (\S+\.docx)/);
      const chatDocx = fs.readFileSync(/\[文件已保存\] (\S+\.docx)/.exec(draft)![1]);
      const link = LINK.exec(await chat.type(["/看板"], LINK))![1];

      const store = await openStore(url);
      const ids = Object.fromEntries((await store.db.unit.findMany()).map((u) => [u.name, u.id]));
      const siblingPhoto = (await store.db.attachment.findFirstOrThrow({ where: { unitId: ids["银湖镇"] } })).id;
      await store.close();

      const context = await browser.newContext({ acceptDownloads: true, viewport: { width: 390, height: 844 } });
      const page = await context.newPage();
      const problems: string[] = [];
      page.on("pageerror", (e) => problems.push(String(e)));
      page.on("console", (m) => m.type() === "error" && !/favicon/.test(m.location().url) && problems.push(m.text()));
      await page.goto(link);
      await page.waitForURL(new RegExp(`/dashboard/unit/${ids["金桥镇"]}$`));
      expect(await page.textContent("h1")).toContain("金桥镇");

      // The matrix's rows are /统计's lines for the children, the most behind first.
      const lines = await rowsAsLines(page);
      expect(lines).toHaveLength(2);
      for (const line of lines) expect(stats).toContain(line);
      expect(stats.indexOf(lines[0])).toBeLessThan(stats.indexOf(lines[1]));
      // A cell explains itself on a tap.
      await page.click("table.matrix td[title]");
      expect(await page.textContent("#explain")).toMatch(/（每.*不少于 1 次）：/);
      // The figures are /统计's, filled in by the script the page serves (no inline script is
      // allowed), which also draws the charts.
      await page.waitForSelector("ul.figures[data-ready]");
      for (const line of await page.$$eval("ul.figures li", (lis) => lis.map((li) => li.textContent!)))
        expect(stats).toContain(`· ${line}`);
      expect(await page.$$eval("ul.figures li", (lis) => lis.length)).toBe(2);
      await page.waitForFunction(() => (document.querySelector("canvas#kinds") as HTMLCanvasElement | null)?.width! > 0);
      expect(await page.isVisible("[data-chart-slot=trend]")).toBe(true);

      // The download is the file /报告 文档 gives in the chat.
      const [download] = await Promise.all([page.waitForEvent("download"), page.click("text=下载报告草稿（Word）")]);
      const webDocx = fs.readFileSync((await download.path())!);
      expect(await docxText(webDocx)).toBe(await docxText(chatDocx));
      expect(download.suggestedFilename()).toBe(path.basename(/\[文件已保存\] (\S+\.docx)/.exec(draft)![1]));

      // A click opens a unit: its record (typed HTML shown as text) and its photo.
      await page.click("table.matrix a:text('永业村')");
      await page.waitForURL(new RegExp(`/dashboard/unit/${ids["永业村"]}\\?`));
      expect(await page.textContent("ol.records")).toContain('<b id="x">加粗</b>&"引号"');
      expect(await page.$("#x")).toBeNull();
      const size = await page.$eval(".photos img", async (img: HTMLImageElement) => {
        await img.decode();
        return [img.naturalWidth, img.naturalHeight];
      });
      expect(size).toEqual([40, 30]);
      expect(problems).toEqual([]);

      // Refused: the same link again, a sibling's page, photo and download, a tampered cookie.
      const again = await context.newPage();
      await again.goto(link);
      await again.waitForSelector("text=已经用过了");
      const base = new URL(link).origin;
      for (const path of [
        `/dashboard/unit/${ids["银湖镇"]}`,
        `/dashboard/unit/${ids["银湖镇"]}/summary.json`,
        `/dashboard/file/${siblingPhoto}`,
        `/dashboard/unit/${ids["银湖镇"]}/draft.docx`,
      ]) {
        const r = await page.request.get(`${base}${path}`);
        expect(r.status(), path).toBe(404);
        expect(await r.text()).toContain("不在你的查看范围内");
      }
      const [cookie] = await context.cookies();
      expect(cookie).toMatchObject({ name: "dashboard", httpOnly: true, sameSite: "Lax" });
      const flipped = cookie.value.slice(0, -1) + (cookie.value.endsWith("A") ? "B" : "A");
      const forged = await browser.newContext();
      await forged.addCookies([{ ...cookie, value: flipped }]);
      const forgedPage = await forged.newPage();
      const refused = await forgedPage.goto(`${base}/dashboard/unit/${ids["金桥镇"]}`);
      expect(refused!.status()).toBe(401);
      expect(await forgedPage.textContent("body")).toContain("请重新登录");
      await forged.close();

      // /看板 退出 in the chat ends the session on the page.
      await chat.type(["/看板 退出"], /已退出看板/);
      expect((await page.reload())!.status()).toBe(401);
      await context.close();
    } finally {
      await chat.close();
      await dropDatabase(url);
      fs.rmSync(dir, { recursive: true, force: true });
    }
  }, 120_000);

  describe("with the harness's clock", () => {
    let h: Harness;
    let server: http.Server;
    let base: string;
    beforeAll(async () => {
      h = await makeHarness({ now: "2026-11-20T10:00:00+08:00", publicUrl: "http://127.0.0.1" });
      const { ledger, config, router, clock } = h.app;
      server = createHttpServer({
        routes: {},
        prefixes: {
          "/dashboard": dashboardHandler({ ledger, config, router, clock, auth: h.app.web!.auth, publicUrl: h.app.web!.publicUrl }),
        },
        health: async () => true,
      });
      base = `http://127.0.0.1:${await listen(server, 0, "127.0.0.1")}`;
      await h.say("/绑定 金桥镇", { chat: "镇群" });
      await h.say("/记录 学习 12人", { chat: "镇群", user: "alice" });
    });
    afterAll(async () => {
      await new Promise((r) => server.close(r));
      await h.close();
    });
    const linkOf = async (user = "admin") =>
      LINK.exec((await h.ask("/看板", { chat: "镇群", user })).replace("http://127.0.0.1", base))![1];

    it("a link opened after its 10 minutes is refused, and a session ends after its 2 hours", async () => {
      const context = await browser.newContext();
      const page = await context.newPage();
      const late = await linkOf();
      h.now = new Date(h.now.getTime() + 10 * 60_000 + 1000);
      await page.goto(late);
      await page.waitForSelector("text=已过期");

      await page.goto(await linkOf());
      await page.waitForURL(/\/dashboard\/unit\/\d+$/);
      h.now = new Date(h.now.getTime() + 119 * 60_000);
      expect((await page.reload())!.status()).toBe(200);
      h.now = new Date(h.now.getTime() + 2 * 60_000);
      expect((await page.reload())!.status()).toBe(401);
      await context.close();
    });

    it("a role change ends the person's sessions; the chat bound elsewhere ends them too", async () => {
      const context = await browser.newContext();
      const page = await context.newPage();
      await page.goto(await linkOf("alice"));
      await page.waitForURL(/\/dashboard\/unit\/\d+$/);
      expect(await h.ask("/角色 alice 宣传员", { chat: "镇群" })).toContain("其看板登录已结束");
      expect((await page.reload())!.status()).toBe(401);

      await page.goto(await linkOf("alice"));
      await page.waitForURL(/\/dashboard\/unit\/\d+$/);
      expect(await h.ask("/绑定 东湖镇 确认", { chat: "镇群" })).toContain("改绑到「东湖镇」");
      expect((await page.reload())!.status()).toBe(401);

      // Erasing a person's data ends their sessions and takes their name off them.
      await h.say("/绑定 金桥镇 确认", { chat: "镇群" });
      await page.goto(await linkOf("alice"));
      await page.waitForURL(/\/dashboard\/unit\/\d+$/);
      expect(await page.textContent("header")).toContain("alice");
      expect(await h.ask("/删除个人信息 test:alice 确认", { chat: "镇群" })).toContain("已删除");
      expect((await page.reload())!.status()).toBe(401);
      const db = h.app.store.db;
      expect(await db.dashboardSession.count({ where: { OR: [{ userName: "alice" }, { userId: "alice" }] } })).toBe(0);
      expect(await db.dashboardLink.count({ where: { OR: [{ userName: "alice" }, { userId: "alice" }] } })).toBe(0);
      await context.close();
    });
  });
});

describe("the web page's links across processes, and without PUBLIC_URL", () => {
  it("a link from one process opens a session that another process serves", async () => {
    const a = await makeHarness({ now: "2026-11-20T10:00:00+08:00", publicUrl: "http://127.0.0.1" });
    const b = await makeHarness({ now: "2026-11-20T10:00:00+08:00", publicUrl: "http://127.0.0.1", sharedUrl: a.url });
    const servers: http.Server[] = [];
    const bases: string[] = [];
    try {
      for (const h of [a, b]) {
        const { ledger, config, router, clock } = h.app;
        const s = createHttpServer({
          routes: {},
          prefixes: {
            "/dashboard": dashboardHandler({ ledger, config, router, clock, auth: h.app.web!.auth, publicUrl: h.app.web!.publicUrl }),
          },
          health: async () => true,
        });
        servers.push(s);
        bases.push(`http://127.0.0.1:${await listen(s, 0, "127.0.0.1")}`);
      }
      await a.say("/绑定 金桥镇", { chat: "镇群" });
      const token = /login\?t=(\S+)/.exec(await a.ask("/看板", { chat: "镇群" }))![1];
      // The link's page alone does not use it (a chat app's preview fetches it too).
      expect((await fetch(`${bases[1]}/dashboard/login?t=${token}`)).status).toBe(200);
      const opened = await fetch(`${bases[1]}/dashboard/login`, {
        method: "POST",
        body: new URLSearchParams({ t: token }),
        redirect: "manual",
      });
      expect(opened.status).toBe(303);
      const cookie = opened.headers.get("set-cookie")!.split(";")[0];
      expect(opened.headers.get("set-cookie")).toMatch(/HttpOnly/i);
      const page = await fetch(`${bases[0]}${opened.headers.get("location")}`, { headers: { cookie } });
      expect(page.status).toBe(200);
      expect(page.headers.get("content-security-policy")).toContain("script-src 'self'");
      expect(await page.text()).toContain("金桥镇");
      // Used up on either process.
      const again = await fetch(`${bases[0]}/dashboard/login`, {
        method: "POST",
        body: new URLSearchParams({ t: token }),
        redirect: "manual",
      });
      expect(again.status).toBe(401);
      // A token signed with another deployment's secret, or made up, is refused before the store.
      const other = await fetch(`${bases[0]}/dashboard/login`, {
        method: "POST",
        body: new URLSearchParams({ t: `${"a".repeat(43)}.${"b".repeat(43)}` }),
      });
      expect(other.status).toBe(401);
      expect(await other.text()).toContain("链接无效");
    } finally {
      for (const s of servers) await new Promise((r) => s.close(r));
      await b.close();
      await a.close();
    }
  });

  it("/看板 says how to turn the page on when PUBLIC_URL is not set", async () => {
    const h = await makeHarness();
    try {
      await h.say("/绑定 金桥镇");
      expect(await h.ask("/看板")).toContain("PUBLIC_URL");
      expect(await h.ask("/看板 退出")).toContain("没有登录看板");
    } finally {
      await h.close();
    }
  });
});
