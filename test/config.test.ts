// The deployment config and the working-day calendar.
import { describe, it, expect } from "vitest";
import { spawnSync } from "node:child_process";
import fs from "node:fs";
import path from "node:path";
import { parseDeployment, loadDeployment, ConfigError } from "../src/config/deployment.js";
import { WorkCalendar } from "../src/scheduler/calendar.js";
import { tempDir, makeHarness } from "./harness.js";
import { freshDatabaseUrl, dropDatabase } from "./db.js";

describe("deployment config", () => {
  it("the shipped default is valid and has the seeds' rules", () => {
    const c = loadDeployment();
    expect(c.requirements.map((r) => [r.id, r.per, r.min])).toEqual([
      ["special-meeting", "quarter", 1],
      ["monthly-study", "month", 1],
    ]);
    expect(c.reports.map((r) => r.per)).toEqual(["quarter", "half", "year"]);
    expect(c.reminders).toEqual({ offsets_days: [14, 7, 1], send_at: "09:00", quarter_start_checklist: true });
  });

  it.each([
    ["requirements:\n  - { id: x, name: X, kind: sports, min: 1, per: quarter }", "requirements.0.kind"],
    ["requirements:\n  - { id: x, name: X, kind: study, min: 0, per: quarter }", "requirements.0.min"],
    ["requirements:\n  - { id: x, name: X, kind: study, min: 1, per: week }", "requirements.0.per"],
    ["requirements:\n  - { id: x, name: X, kind: meeting, subtypes: [茶话会], min: 1, per: quarter }", "requirements.0.subtypes"],
    ["reminders: { offsets_days: [14], send_at: '9am' }", "reminders.send_at"],
    ["calendar: { holidays: ['2027/02/10'] }", "calendar.holidays.0"],
    ["reports:\n  - { id: r, name: R, subtype: 周报, per: quarter }", "reports.0.subtype"],
    ["colour: red", "(top level)"],
  ])("a broken file names the bad field (%#)", (text, field) => {
    expect(() => parseDeployment(text, "bot.config.yaml")).toThrow(ConfigError);
    try {
      parseDeployment(text, "bot.config.yaml");
    } catch (e) {
      expect((e as Error).message).toContain(`  ${field}:`);
    }
  });

  it.each([
    ["calendar: { holidays: ['2026-02-30'] }", "calendar.holidays.0", "2026-02-30"],
    ["calendar: { holidays: ['2026-01-01', '2026-02-29'] }", "calendar.holidays.1", "2026-02-29"],
    ["calendar: { workdays: ['2026-13-01'] }", "calendar.workdays.0", "2026-13-01"],
    ["calendar: { workdays: ['2026-04-31'] }", "calendar.workdays.0", "2026-04-31"],
    ["calendar: { holidays: ['2026-00-10'] }", "calendar.holidays.0", "2026-00-10"],
  ])("a calendar day that does not exist is refused, naming the field and the value (%#)", (text, field, value) => {
    let message = "";
    try {
      parseDeployment(text, "bot.config.yaml");
    } catch (e) {
      expect(e).toBeInstanceOf(ConfigError);
      message = (e as Error).message;
    }
    expect(message).toContain(`  ${field}: ${value} is not a day of the calendar`);
  });

  it("real calendar days, leap days included, are accepted", () => {
    const c = parseDeployment("calendar: { holidays: ['2028-02-29', '2026-12-31'], workdays: ['2026-01-04'] }");
    expect(c.calendar).toEqual({ holidays: ["2028-02-29", "2026-12-31"], workdays: ["2026-01-04"] });
  });

  it("a broken BOT_CONFIG stops start-up with the field named", () => {
    const dir = tempDir();
    const file = path.join(dir, "bad.yaml");
    fs.writeFileSync(file, "reminders: { offsets_days: [-3] }\n");
    const r = spawnSync("npm", ["run", "-s", "chat"], {
      input: "/help\n",
      encoding: "utf8",
      env: { ...process.env, BOT_CONFIG: file, DATABASE_URL: `file:${dir}/bot.db` },
    });
    expect(r.status).toBe(1);
    expect(r.stderr).toContain("invalid deployment config");
    expect(r.stderr).toContain("reminders.offsets_days.0");
    expect(r.stdout).toBe("");
  });
});

describe("working days", () => {
  const cal = new WorkCalendar({ holidays: ["2027-02-08", "2027-02-09"], workdays: ["2027-02-06"] });

  it("follows the official 2026 calendar with its 调休 days", () => {
    expect(cal.knowsYear(2026)).toBe(true);
    expect(cal.isWorkday("2026-02-14")).toBe(true); // Saturday, make-up working day
    expect(cal.isWorkday("2026-02-16")).toBe(false); // Monday, Spring Festival
    expect(cal.isWorkday("2026-10-10")).toBe(true); // Saturday, make-up working day
    expect(cal.isWorkday("2026-10-05")).toBe(false); // National Day week
    expect(cal.onOrBeforeWorkday("2026-02-21")).toBe("2026-02-14");
    expect(cal.onOrAfterWorkday("2026-10-01")).toBe("2026-10-08");
  });

  it("for a year it does not know: weekends plus the overrides, and says it does not know", () => {
    expect(cal.knowsYear(2027)).toBe(false);
    expect(cal.isWorkday("2027-02-06")).toBe(true); // an override make-up Saturday
    expect(cal.isWorkday("2027-02-08")).toBe(false); // an override holiday, a Monday
    expect(cal.isWorkday("2027-02-10")).toBe(true); // an ordinary Wednesday
    expect(cal.isWorkday("2027-02-13")).toBe(false); // an ordinary Saturday
  });

  it("does not depend on the process time zone", () => {
    const r = spawnSync(
      "npx",
      [
        "tsx",
        "-e",
        `import("./src/scheduler/calendar.ts").then(({WorkCalendar}) => { const c = new WorkCalendar(); console.log([c.isWorkday("2026-02-14"), c.isWorkday("2026-02-16"), c.isWorkday("2026-10-01")].join(",")); })`,
      ],
      { encoding: "utf8", env: { ...process.env, TZ: "America/Los_Angeles" } },
    );
    expect(r.stdout.trim()).toBe("true,false,false");
  });
});

describe("npm run remind", () => {
  it("previews a town and three communities with --dry-run: one message per chat, then queues once", async () => {
    // A town and three communities on 2026-12-16: 和平社区 has done everything due, 金桥社区 sent
    // its quarterly report, 永业村 studied once and has a 宣传员.
    const h = await makeHarness({ now: "2026-12-16T10:00:00+08:00" });
    try {
      await h.ask("/绑定 城关镇", { chat: "镇群" });
      for (const unit of ["永业村", "金桥社区", "和平社区"]) await h.ask(`/绑定 ${unit} 城关镇`, { chat: `${unit}群` });
      for (const line of [
        "/记录 会议 专题会议",
        "/记录 学习 中心组学习 12人",
        "/记录 报送 季度分析研判报告",
        "/记录 报送 半年报告",
        "/记录 报送 年度报告",
      ]) {
        expect(await h.ask(line, { chat: "和平社区群" })).toMatch(/^已记录/);
      }
      expect(await h.ask("/记录 报送 季度分析研判报告", { chat: "金桥社区群" })).toMatch(/^已记录/);
      expect(await h.ask("/记录 学习 8人", { chat: "永业村群", user: "zhang", userName: "张三" })).toMatch(/^已记录/);
      expect(await h.ask("/角色 test:zhang 宣传员", { chat: "永业村群" })).toContain("宣传员");
      const env = { ...process.env, DATABASE_URL: h.url, LOG_LEVEL: "silent" };
      const run = (...args: string[]) =>
        spawnSync("npm", ["run", "-s", "remind", "--", "--at", "2026-12-17T09:00:00+08:00", ...args], { encoding: "utf8", env }).stdout;
      const dry = run("--dry-run");
      expect(dry).toBe(fs.readFileSync(path.join(import.meta.dirname, "fixtures", "remind-dry-run.txt"), "utf8"));
      expect(await h.app.store.db.outbox.count()).toBe(0);
      expect(run()).toContain("3 messages due, 3 queued to 3 chats, 0 already claimed");
      expect(run()).toContain("3 messages due, 0 queued to 0 chats, 3 already claimed");
      // What will go out, and when, per chat.
      const listing = await h.ask("/发送记录", { chat: "镇群" });
      expect(listing).toMatch(
        /^待发送 3 条：\n发往「城关镇」（test:镇群）：\n  #\d+ 12月17日 09:00 提醒：【提醒】城关镇（12月17日）尚有5项要求未完成：\n发往「永业村」（test:永业村群）：/,
      );
      expect(listing).not.toContain("和平社区」（");
    } finally {
      await h.close();
    }
    expect(spawnSync("npm", ["run", "-s", "remind", "--", "--at", "yesterday"], { encoding: "utf8" }).stderr).toContain(
      "--at: not a time: yesterday",
    );
  }, 180_000);
});
