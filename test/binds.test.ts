// Binding chats to units: joining an existing unit asks first and names where it sits, and the
// unit tree can never get a cycle, however binds and re-parentings race (in one process with a
// pool of connections on PostgreSQL, and across processes on one SQLite file or database).
import { describe, it, expect, beforeEach, afterEach } from "vitest";
import fs from "node:fs";
import path from "node:path";
import { spawn } from "node:child_process";
import { fileURLToPath } from "node:url";
import { makeHarness, type Harness } from "./harness.js";
import { TEST_STORE } from "./db.js";

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..");

let h: Harness;
beforeEach(async () => {
  h = await makeHarness();
});
afterEach(async () => {
  await h.close();
});

/** The unit tree's parent links by name, and whether following them from any unit comes back to it. */
async function tree(): Promise<{ parents: Map<string, string | null>; cycle: string | null }> {
  const units = await h.app.store.db.unit.findMany();
  const byId = new Map(units.map((u) => [u.id, u]));
  const parents = new Map(units.map((u) => [u.name, u.parentId === null ? null : (byId.get(u.parentId)?.name ?? null)]));
  for (const u of units) {
    const seen = new Set<number>();
    for (let at: number | null = u.id; at !== null; at = byId.get(at)?.parentId ?? null) {
      if (seen.has(at)) return { parents, cycle: u.name };
      seen.add(at);
    }
  }
  return { parents, cycle: null };
}

describe("joining an existing unit", () => {
  beforeEach(async () => {
    await h.ask("/bind 金桥镇", { chat: "镇群" });
    await h.ask("/bind 金桥社区 金桥镇", { chat: "社区群" });
    await h.ask("/记录 学习 12人 主题：金桥的学习", { chat: "社区群" });
  });

  it("from a new chat asks for 确认 and names the unit's parent and chats; nothing is bound until then", async () => {
    expect(await h.ask("/bind 金桥社区", { chat: "别镇新群" })).toBe(
      "「金桥社区」已存在，隶属「金桥镇」，已有 1 个群绑定，台账里有 1 条记录。本群绑定后将看到并登记「金桥社区」的台账。\n" +
        "确认是同一个单位请发送：/bind 金桥社区 确认\n" +
        "如果是另一个同名单位，请换一个能区分的名字，例如加上所属镇街：/bind 某镇金桥社区 某镇",
    );
    const chat = await h.app.store.db.chat.findFirstOrThrow({ where: { externalId: "别镇新群" } });
    expect(chat.unitId).toBeNull();
    expect(await h.ask("/明细", { chat: "别镇新群" })).toMatch(/^本群还没有绑定单位/);
    expect(await h.ask("/bind 金桥社区 确认", { chat: "别镇新群" })).toBe(
      "已将本群绑定到「金桥社区」（上级：金桥镇）。\n现在可以登记工作了，例如：/record 学习 12人；发送 /help 查看全部命令。",
    );
    expect(await h.ask("/明细", { chat: "别镇新群" })).toContain("主题「金桥的学习」");
  });

  it("a top-level unit is named as such", async () => {
    expect(await h.ask("/绑定 金桥镇", { chat: "新群" })).toBe(
      "「金桥镇」已存在，是顶级单位（没有上级），已有 1 个群绑定，台账里有本级 0 条、下级单位 1 条记录。本群绑定后将看到并登记「金桥镇」的台账。\n" +
        "确认是同一个单位请发送：/绑定 金桥镇 确认\n" +
        "如果是另一个同名单位，请换一个能区分的名字，例如加上所属镇街：/绑定 某镇金桥镇 某镇",
    );
  });

  it("naming the unit's own parent shows the admin knows which unit it is: no question", async () => {
    expect(await h.ask("/bind 金桥社区 金桥镇", { chat: "社区二群" })).toBe(
      "已将本群绑定到「金桥社区」（上级：金桥镇）。\n现在可以登记工作了，例如：/record 学习 12人；发送 /help 查看全部命令。",
    );
  });

  it("naming another parent says the unit would move with its records, and offers another name", async () => {
    expect(await h.ask("/bind 金桥社区 浦东镇", { chat: "别镇新群" })).toBe(
      "「金桥社区」已存在，隶属「金桥镇」，已有 1 个群绑定，台账里有 1 条记录。确认后「金桥社区」将连同它的全部记录从「金桥镇」移到新建的上级单位「浦东镇」之下，本群也将绑定到它。\n" +
        "确认请发送：/bind 金桥社区 浦东镇 确认\n" +
        "如果是另一个同名单位，请换一个能区分的名字，例如：/bind 浦东镇金桥社区 浦东镇",
    );
    expect(await h.app.store.db.unit.count({ where: { name: "浦东镇" } })).toBe(0);
  });

  it("rebinding a bound chat to an existing unit names that unit's parent too", async () => {
    await h.ask("/bind 浦东社区 浦东镇", { chat: "浦东群" });
    expect(await h.ask("/bind 金桥社区", { chat: "浦东群" })).toBe(
      "本群现在绑定的是「浦东社区」，改绑后新记录将记入「金桥社区」（已有记录不变）。「金桥社区」已存在，隶属「金桥镇」，已有 1 个群绑定，台账里有 1 条记录。本群绑定后将看到并登记「金桥社区」的台账。\n" +
        "确认是同一个单位请发送：/bind 金桥社区 确认\n" +
        "如果是另一个同名单位，请换一个能区分的名字，例如加上所属镇街：/bind 某镇金桥社区 某镇",
    );
  });
});

describe("the unit tree never gets a cycle", () => {
  // Two chats re-parent their units under each other at the same moment, again and again. Each
  // bind's descendant check and its update must run as one serialised step: otherwise both checks
  // pass on the old tree, both updates commit, and 环A ⇄ 环B loop (a /明细 then never returned).
  it("two crossing re-parenting binds at once: exactly one wins each round", async () => {
    await h.ask("/bind 顶", { chat: "顶群" });
    await h.ask("/bind 环A 顶", { chat: "群A" });
    await h.ask("/bind 环B 顶", { chat: "群B" });
    const ROUNDS = 40;
    let cycles = 0;
    const outcomes = new Map<string, number>();
    for (let i = 0; i < ROUNDS; i++) {
      const [a, b] = await Promise.all([h.ask("/bind 环A 环B 确认", { chat: "群A" }), h.ask("/bind 环B 环A 确认", { chat: "群B" })]);
      const key = [a, b].map((r) => (r.startsWith("已将本群") ? "ok" : r.includes("下级单位") ? "refused" : r)).join(" / ");
      outcomes.set(key, (outcomes.get(key) ?? 0) + 1);
      const t = await tree();
      if (t.cycle) cycles++;
      // Put back directly, so that every round starts from the same tree.
      const top = await h.app.store.db.unit.findUniqueOrThrow({ where: { name: "顶" } });
      await h.app.store.db.unit.updateMany({ where: { name: { in: ["环A", "环B"] } }, data: { parentId: top.id } });
      h.app.ledger.invalidate();
    }
    const odd = [...outcomes.keys()].filter((k) => k !== "ok / refused" && k !== "refused / ok");
    expect({ cycles, odd }).toEqual({ cycles: 0, odd: [] });
    expect(await h.ask("/明细", { chat: "顶群" })).toMatch(/^顶 2026年第四季度记录/);
  });

  it("a tree that already holds a cycle (from before this fix) is still read: /明细 and /统计 return", async () => {
    await h.ask("/bind 环A", { chat: "群A" });
    await h.ask("/bind 环B 环A", { chat: "群B" });
    await h.ask("/记录 学习 5人", { chat: "群B" });
    const a = await h.app.store.db.unit.findUniqueOrThrow({ where: { name: "环A" } });
    const b = await h.app.store.db.unit.findUniqueOrThrow({ where: { name: "环B" } });
    // The store refuses a cycle now, whoever writes it; a database from before could hold one.
    const db = h.app.store.db;
    await expect(db.unit.update({ where: { id: a.id }, data: { parentId: b.id } })).rejects.toThrow();
    await db.$executeRawUnsafe(
      h.app.store.sql.provider === "sqlite" ? `DROP TRIGGER "Unit_ancestor_move"` : `DROP TRIGGER "Unit_ancestor_move" ON "Unit"`,
    );
    await db.unit.update({ where: { id: a.id }, data: { parentId: b.id } });
    h.app.ledger.invalidate();
    expect(await h.app.ledger.subtreeIds(a.id)).toEqual([a.id, b.id].sort((x, y) => x - y));
    expect(await h.ask("/明细", { chat: "群A" })).toMatch(/^环A 2026年第四季度记录（共 1 条）/);
    // Re-parenting out of the loop works again.
    expect(await h.ask("/bind 环A 新顶 确认", { chat: "群A" })).toMatch(/^已将本群绑定到「环A」（上级：新顶）/);
    expect((await tree()).cycle).toBeNull();
  });
});

/**
 * Two processes on one store, each re-parenting its unit under the other's and back, as fast as
 * they can. Each prints one line per bind: "ok", "refused" (it would make a cycle), "unchanged"
 * (already there) or the unexpected reply.
 */
const CHILD = `
import { createApp } from ${JSON.stringify(path.join(ROOT, "src/app.ts"))};
const [url, me, other, rounds] = process.argv.slice(2);
const app = await createApp({ databaseUrl: url, admins: ["test:admin"], limits: false });
let n = 0;
const say = (text) =>
  app.router.handle({ platform: "test", chatId: "群" + me, userId: "admin", userName: "admin", messageId: me + ":" + ++n, text });
process.stdout.write("ready\\n");
await new Promise((r) => process.stdin.once("data", r));
for (let i = 0; i < Number(rounds); i++) {
  for (const line of ["/bind 环" + me + " 环" + other + " 确认", "/bind 环" + me + " 顶 确认"]) {
    const reply = (await say(line)).map((r) => r.text).join(" | ");
    const what = reply.startsWith("已将本群") ? "ok" : reply.includes("下级单位") ? "refused" : reply.includes("无需重复绑定") ? "unchanged" : JSON.stringify(reply);
    process.stdout.write(what + "\\n");
  }
}
await app.close();
`;

describe("across processes", () => {
  it(`two processes re-parenting crosswise on one ${TEST_STORE} store: every bind succeeds or is refused, never a cycle`, async () => {
    await h.ask("/bind 顶", { chat: "顶群" });
    await h.ask("/bind 环A 顶", { chat: "群A" });
    await h.ask("/bind 环B 顶", { chat: "群B" });
    const script = path.join(h.dir, "child.mjs");
    fs.writeFileSync(script, CHILD);
    const ROUNDS = 40;
    const children = ["A", "B"].map((me) =>
      spawn(process.execPath, ["--import", "tsx", script, h.url, me, me === "A" ? "B" : "A", String(ROUNDS)], {
        cwd: ROOT,
        env: { ...process.env, LOG_LEVEL: "silent" },
        stdio: ["pipe", "pipe", "inherit"],
      }),
    );
    const outputs = children.map(() => "");
    const ready = children.map(
      (c, i) =>
        new Promise<void>((resolve) => {
          c.stdout!.on("data", (d) => {
            outputs[i] += String(d);
            if (outputs[i].startsWith("ready\n")) resolve();
          });
        }),
    );
    const exited = children.map((c) => new Promise<number | null>((resolve) => c.on("exit", resolve)));
    await Promise.all(ready);
    // Checked while they run: the tree must never hold a cycle, not even for a moment.
    let running = true;
    let checks = 0;
    let cycles = 0;
    const watcher = (async () => {
      while (running) {
        if ((await tree()).cycle) cycles++;
        checks++;
        // SQLite answers without I/O: without a turn of the event loop this would starve the children's pipes.
        await new Promise((r) => setTimeout(r, 2));
      }
    })();
    for (const c of children) c.stdin!.end("go\n");
    expect(await Promise.all(exited)).toEqual([0, 0]);
    running = false;
    await watcher;
    const lines = outputs.map((o) => o.trim().split("\n").slice(1));
    const unexpected = lines.flat().filter((l) => l !== "ok" && l !== "refused" && l !== "unchanged");
    expect({ cycles, unexpected }).toEqual({ cycles: 0, unexpected: [] });
    expect(lines.map((l) => l.length)).toEqual([2 * ROUNDS, 2 * ROUNDS]);
    expect(checks).toBeGreaterThan(0);
    expect((await tree()).cycle).toBeNull();
  });
});
