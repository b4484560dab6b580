// The console adapter end to end: the real `npm run chat` process, standard input in, replies out,
// rows in the SQLite file it created and migrated on first start.
import { describe, it, expect } from "vitest";
import { spawn, spawnSync } from "node:child_process";
import path from "node:path";
import fs from "node:fs";
import Database from "better-sqlite3";
import JSZip from "jszip";
import pg from "pg";
import { tempDir } from "./harness.js";
import { freshDatabaseUrl, dropDatabase, TEST_STORE } from "./db.js";
import { openStore } from "../src/store/connect.js";
import { pngBytes } from "./fixtures/images.js";
import { FakeS3 } from "./fixtures/s3-fake.js";
import { createHash } from "node:crypto";

/** As chat(), without blocking this process (the fake S3 it talks to runs here). */
function chatAsync(url: string, input: string, env: NodeJS.ProcessEnv): Promise<{ stdout: string; status: number | null }> {
  return new Promise((resolve, reject) => {
    const p = spawn("npm", ["run", "-s", "chat"], {
      env: { ...process.env, DATABASE_URL: url, LOG_LEVEL: "silent", npm_config_loglevel: "silent", ...env },
    });
    let stdout = "";
    p.stdout.on("data", (d) => (stdout += d));
    p.on("error", reject);
    p.on("exit", (status) => resolve({ stdout, status }));
    p.stdin.end(input);
  });
}

function chat(url: string, input: string, args: string[] = []) {
  const r = spawnSync("npm", ["run", "-s", "chat", "--", ...args], {
    input,
    encoding: "utf8",
    env: { ...process.env, DATABASE_URL: url, LOG_LEVEL: "silent", npm_config_loglevel: "silent" },
    timeout: 60_000,
  });
  return { stdout: r.stdout, stderr: r.stderr, status: r.status };
}

describe("npm run chat", () => {
  it("runs the README's scripted example on a fresh database", async () => {
    const url = await freshDatabaseUrl(tempDir());
    const r = chat(url, "/bind 测试社区\n/record study 12 people\n/stats\n");
    expect(r.status).toBe(0);
    expect(r.stdout).toContain("已将本群绑定到「测试社区」");
    expect(r.stdout).toContain("已记录 #1：理论学习 1 次，12 人参加");
    expect(r.stdout).toContain("· 理论学习 1 次、参学 12 人次");
    const store = await openStore(url);
    expect(await store.db.record.findMany({ select: { kind: true, participants: true, sourcePlatform: true } })).toEqual([
      { kind: "study", participants: 12, sourcePlatform: "console" },
    ]);
    await store.close();
    await dropDatabase(url);
  });

  it("/看板 without PUBLIC_URL says how to turn the page on; 退出 says there is nothing to end", async () => {
    const url = await freshDatabaseUrl(tempDir());
    const r = chat(url, "/绑定 测试社区\n/看板\n/看板 退出\n");
    expect(r.status).toBe(0);
    expect(r.stdout).toContain("本部署没有开启网页看板。请管理员设置 PUBLIC_URL");
    expect(r.stdout).toContain("你现在没有登录看板");
    await dropDatabase(url);
  });

  it(":attach sends a local photo or file: with a record line as its caption, or to the last record confirmed", async () => {
    const dir = tempDir();
    const url = await freshDatabaseUrl(dir);
    const photo = path.join(dir, "现场.png");
    fs.writeFileSync(photo, pngBytes(40, 30));
    const sheet = path.join(dir, "签到表.pdf");
    fs.writeFileSync(sheet, "%PDF-1.4\n签到\n");
    const files = path.join(dir, "files");
    const r = chat(
      url,
      [
        "/bind 测试社区",
        `:attach ${photo} /记录 学习 中心组学习 12人 地点：党群服务中心 纪要：学习二十届四中全会精神`,
        `:attach ${sheet}`,
        "/明细",
        `:attach ${dir}/没有.jpg`,
        "/明细 #1",
        "/附件 1",
        "/统计",
        "/导出台账 文档",
      ].join("\n") + "\n",
      ["--files", files],
    );
    expect(r.stdout).toContain("已记录 #1：党委理论学习中心组学习 1 次，12 人参加");
    expect(r.stdout).toContain("已附照片 1 张。");
    expect(r.stdout).toContain("#1（党委理论学习中心组学习 1 次，12 人参加，");
    expect(r.stdout).toContain("#1 共有照片 1 张、文件 1 个。");
    expect(r.stdout).toMatch(/#1 .*📷1 📎1/);
    expect(r.stdout).toContain("找不到文件「");
    // The whole record, its evidence by name, what it still lacks, and the pack written to disk.
    expect(r.stdout).toContain("地点：党群服务中心\n纪要：\n学习二十届四中全会精神\n附件：照片 1 张（现场.png）；文件 1 个（签到表.pdf）");
    expect(r.stdout).toMatch(
      /#1（党委理论学习中心组学习 1 次，12 人参加，[^）]*）的附件：照片 1 张（现场\.png）；文件 1 个（签到表\.pdf）。/,
    );
    expect(r.stdout).toContain("佐证材料：本季度需留存佐证的 1 条记录均已齐全。");
    const packPath = /\[文件已保存\] (\S+台账\.docx)/.exec(r.stdout)?.[1];
    expect(packPath, r.stdout).toBeTruthy();
    const zip = await JSZip.loadAsync(fs.readFileSync(packPath!));
    const media = await Promise.all(
      Object.values(zip.files)
        .filter((f) => f.name.startsWith("word/media/"))
        .map((f) => f.async("nodebuffer")),
    );
    expect(media.some((m) => m.equals(fs.readFileSync(photo)))).toBe(true);
    const store = await openStore(url);
    const rows = await store.db.attachment.findMany({ orderBy: { id: "asc" } });
    expect(rows.map((a) => [a.name, a.kind, a.mime])).toEqual([
      ["现场.png", "photo", "image/png"],
      ["签到表.pdf", "file", "application/pdf"],
    ]);
    const bytes = await store.db.storedFile.findUniqueOrThrow({ where: { sha256: rows[0].sha256 } });
    expect(Buffer.from(bytes.data)).toEqual(fs.readFileSync(photo));
    await store.close();
    await dropDatabase(url);
  });

  it("quiets one rule, suggests a Chinese command, lists what goes out, and keeps a photo in an S3 bucket", async () => {
    const dir = tempDir();
    const url = await freshDatabaseUrl(dir);
    const photo = path.join(dir, "现场.png");
    const bytes = pngBytes(40, 30);
    fs.writeFileSync(photo, bytes);
    const s3 = await FakeS3.start();
    try {
      const r = await chatAsync(
        url,
        [
          "/绑定 测试社区",
          "/提醒 关 学习",
          "/截止",
          "/统记",
          `:attach ${photo} /记录 学习 中心组学习 12人`,
          "/发送记录",
          "/record study 3 people",
        ].join("\n") + "\n",
        { S3_ENDPOINT: s3.url, S3_BUCKET: "ledger", S3_ACCESS_KEY_ID: "k", S3_SECRET_ACCESS_KEY: "s" },
      );
      expect(r.stdout).toContain("已静音「测试社区」的「理论学习」提醒");
      expect(r.stdout).toMatch(/⏳ 理论学习（每月）：.*已记录 0\/1 次（提醒已静音）/);
      expect(r.stdout).toContain("没有「/统记」这个命令。你是不是想用 /统计？发送 /帮助 查看全部命令。");
      expect(r.stdout).toContain("已附照片 1 张。");
      expect(r.stdout).toContain("待发送 0 条。\n发送失败 0 条。");
      // Named as typed: English after English.
      expect(r.stdout).toMatch(/已记录 #2：.*发送 \/undo 撤销，\/edit 2 更正。/);
      const sha = createHash("sha256").update(bytes).digest("hex");
      expect(s3.objects.get(`/ledger/evidence/${sha}`)?.data.equals(bytes)).toBe(true);
    } finally {
      await s3.close();
      await dropDatabase(url);
    }
  });

  it("runs a sign-in: the card printed again as it changes, the close recording who came", async () => {
    const url = await freshDatabaseUrl(tempDir());
    const r = chat(
      url,
      [
        "/绑定 测试村",
        "/签到 学习 中心组学习 主题：学习贯彻四中全会精神 30分钟",
        ":user 张三",
        "/签到",
        "/签到",
        ":user 李四",
        "/signin in 1",
        ":user root",
        "/签到 补签 王五",
        "/签到 结束",
      ].join("\n") + "\n",
    );
    expect(r.status).toBe(0);
    expect(r.stdout).toContain("签到 #1：党委理论学习中心组学习");
    expect(r.stdout).toContain("[签到: /signin in 1] [结束签到: /signin close 1]");
    expect(r.stdout).toContain("张三，已签到（签到 #1）。");
    expect(r.stdout).toContain("张三，你已经签过到了（签到 #1）。");
    expect(r.stdout).toContain("[卡片已更新] 签到 #1：党委理论学习中心组学习");
    expect(r.stdout).toContain("已签到 2 人：张三、李四");
    expect(r.stdout).toContain("已结束，共 3 人，已按签到名单登记为记录 #1。");
    expect(r.stdout).toContain("签到名单 3 人（其中纸质补签 1 人）已作为参加人员存入记录。");
    const store = await openStore(url);
    expect(await store.db.record.findMany({ select: { kind: true, participants: true, attendees: true, sourceMessageId: true } })).toEqual([
      { kind: "study", participants: 3, attendees: "张三、李四、王五", sourceMessageId: "signin:1" },
    ]);
    await store.close();
    await dropDatabase(url);
  });

  it("keeps chats and people apart with --chat/--user and :chat/:user, on one database", async () => {
    const dir = await freshDatabaseUrl(tempDir());
    chat(dir, "/bind 金桥镇\n", ["--chat", "镇宣传办", "--user", "王"]);
    const r = chat(
      dir,
      "/bind 金桥社区 金桥镇\n/record 学习 10人\n:chat 浦东群\n/bind 浦东社区 金桥镇\n/record 学习 5人\n:user 李\n/undo\n",
      ["--chat", "社区群", "--user", "张"],
    );
    expect(r.stdout).toContain("（现在是「张」在「浦东群」群里，身份：管理员）");
    expect(r.stdout).toContain("你在 24 小时内没有可撤销的记录。");
    const town = chat(dir, "/stats\n", ["--chat", "镇宣传办", "--user", "王"]);
    expect(town.stdout).toContain("金桥镇（含下级单位 2 个）");
    expect(town.stdout).toContain("· 理论学习 2 次、参学 15 人次");
    await dropDatabase(dir);
  }, 120_000);

  it(":member and :admin switch the console user's role, and the banner says which it is", () => {
    const r = chat(
      `file:${path.join(tempDir(), "bot.db")}`,
      "/bind 测试社区\n:member\n/bind 别的社区\n/记录 学习 5人\n:admin\n/bind 别的社区\n",
      ["--user", "张"],
    );
    expect(r.stdout).toContain("（现在是「张」在「控制台」群里，身份：成员）");
    expect(r.stdout).toContain("只有管理员可以使用 /bind。你的身份是成员。");
    expect(r.stdout).toContain("已记录 #1：理论学习 1 次，5 人参加");
    expect(r.stdout).toContain("（现在是「张」在「控制台」群里，身份：管理员）");
    expect(r.stdout).toContain("确认请发送：/bind 别的社区 确认");
  });

  it("--member tries the bot as an ordinary member", () => {
    const r = chat(`file:${path.join(tempDir(), "bot.db")}`, "/bind 测试社区\n", ["--member"]);
    expect(r.stdout.trim()).toBe("只有管理员可以使用 /bind。你的身份是成员。");
  });

  it("never crashes on hostile input and exits 0 at end of input", async () => {
    const url = await freshDatabaseUrl(tempDir());
    const r = chat(
      url,
      [
        "/bind 测试社区",
        "/record " + "学".repeat(5000),
        "/record \u0001\u0002",
        "/record 学习 99999999999999999999人",
        '/record ]]}}{{"',
        "/stats 𝕏𝕏",
        "/",
        "／记录 学习 3人",
      ].join("\n") + "\n",
    );
    expect(r.status).toBe(0);
    expect(r.stdout).toContain("消息太长（5008 字）");
    expect(r.stdout).toContain("控制字符");
    expect(r.stdout).toContain("超过 1000 万");
    expect(r.stdout).toContain("已记录 #1：理论学习 1 次，3 人参加");
    await dropDatabase(url);
  });
});

describe("files and npm start", () => {
  it("writes a Word draft and an Excel ledger to files and prints their paths", async () => {
    const dir = tempDir();
    const url = await freshDatabaseUrl(dir);
    const files = path.join(dir, "files");
    const r = chat(url, "/bind 测试社区\n/记录 学习 12人\n/记录 发放 宣传册 3000份\n/报告 文档\n/导出台账\n", ["--files", files]);
    const saved = [...r.stdout.matchAll(/\[文件已保存\] (\S+)/g)].map((m) => m[1]);
    expect(saved.map((f) => path.basename(f))).toEqual([
      expect.stringMatching(/^测试社区-\d{4}Q\d-分析研判报告\.docx$/),
      expect.stringMatching(/^测试社区-\d{4}Q\d-台账\.xlsx$/),
    ]);
    for (const f of saved) expect(fs.readFileSync(f).subarray(0, 2).toString()).toBe("PK");
    await dropDatabase(url);
  });

  it("npm start with no credentials is the console chat (with the scheduler running)", async () => {
    const url = await freshDatabaseUrl(tempDir());
    const r = spawnSync("npm", ["start", "-s"], {
      input: "/bind 测试社区\n/record study 12 people\n/stats\n",
      encoding: "utf8",
      timeout: 60_000,
      env: { ...process.env, DATABASE_URL: url, LOG_LEVEL: "silent", TELEGRAM_BOT_TOKEN: "", LARK_APP_ID: "" },
    });
    expect(r.status).toBe(0);
    expect(r.stdout).toContain("已记录 #1：理论学习 1 次，12 人参加");
    expect(r.stdout).toContain("· 理论学习 1 次、参学 12 人次");
    await dropDatabase(url);
  });
});

describe("npm run remind", () => {
  it("runs from a checkout whose path has spaces and Chinese characters", async () => {
    const url = await freshDatabaseUrl(tempDir());
    const link = path.join(tempDir(), "台账 机器人");
    fs.symlinkSync(process.cwd(), link);
    const env = { ...process.env, DATABASE_URL: url, LOG_LEVEL: "silent" };
    const args = ["--at", "2026-12-17T09:00:00+08:00", "--dry-run"];
    const direct = spawnSync(process.execPath, ["--import", "tsx", path.join(link, "src/scheduler/remind.ts"), ...args], {
      cwd: link,
      env,
      encoding: "utf8",
      timeout: 60_000,
    });
    expect(direct.stdout).toContain("scheduler pass at 2026-12-17 09:00 (China time)");
    const viaNpm = spawnSync("npm", ["run", "-s", "remind", "--", ...args], { cwd: link, env, encoding: "utf8", timeout: 60_000 });
    expect(viaNpm.status).toBe(0);
    expect(viaNpm.stdout).toContain("scheduler pass at 2026-12-17 09:00 (China time)");
    await dropDatabase(url);
  }, 120_000);
});

describe("migrations", () => {
  it("three processes starting together on a fresh PostgreSQL database migrate once (advisory lock)", async () => {
    if (TEST_STORE !== "postgres") return;
    const url = await freshDatabaseUrl(tempDir());
    const { spawn } = await import("node:child_process");
    const run = () =>
      new Promise<number>((resolve) => {
        const p = spawn("npx", ["tsx", "test/fixtures/open-store.ts"], { env: { ...process.env, DATABASE_URL: url }, stdio: "ignore" });
        p.on("exit", (code) => resolve(code ?? -1));
      });
    expect(await Promise.all([run(), run(), run()])).toEqual([0, 0, 0]);
    const client = new pg.Client({ connectionString: url });
    await client.connect();
    const { rows } = await client.query(`SELECT migration_name FROM "_prisma_migrations" ORDER BY migration_name`);
    await client.end();
    expect(rows.map((r) => r.migration_name)).toEqual(
      fs
        .readdirSync("prisma/migrations/postgresql")
        .filter((d) => /^\d/.test(d))
        .sort(),
    );
    await dropDatabase(url);
  });

  it("two processes starting together on a fresh file migrate once", async () => {
    const dir = tempDir();
    const url = `file:${path.join(dir, "bot.db")}`;
    const { spawn } = await import("node:child_process");
    const run = () =>
      new Promise<number>((resolve) => {
        const p = spawn("npx", ["tsx", "test/fixtures/open-store.ts"], { env: { ...process.env, DATABASE_URL: url }, stdio: "ignore" });
        p.on("exit", (code) => resolve(code ?? -1));
      });
    expect(await Promise.all([run(), run(), run()])).toEqual([0, 0, 0]);
    const db = new Database(path.join(dir, "bot.db"), { readonly: true });
    const rows = db.prepare(`SELECT migration_name, checksum FROM "_prisma_migrations"`).all() as { migration_name: string }[];
    expect(rows.map((r) => r.migration_name)).toEqual(
      fs
        .readdirSync("prisma/migrations/sqlite")
        .filter((d) => /^\d/.test(d))
        .sort(),
    );
    expect(db.pragma("journal_mode", { simple: true })).toBe("wal");
    db.close();
  });
});
