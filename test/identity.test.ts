// Finding people by what an administrator types (/角色, /删除个人信息): an id matches ids only, a
// display name — which anyone can set to anything — matches only people who have recorded in a
// bound chat or hold a role, and only when it is unambiguous; otherwise the candidates are listed
// with their ids and nothing changes. And one person is one unit's officer: moving them asks first.
import { describe, it, expect, beforeEach, afterEach } from "vitest";
import { makeHarness, type Harness } from "./harness.js";
import { personRef } from "../src/core/args.js";

describe("what an argument naming a person is", () => {
  it("platform:id is an id on any platform; a bare id of the chat platform's shape is an id; the rest are names", () => {
    expect(personRef("telegram", "telegram:5555")).toEqual({ platform: "telegram", externalId: "5555" });
    expect(personRef("telegram", "5555")).toEqual({ platform: "telegram", externalId: "5555" });
    expect(personRef("lark", "ou_7d8a6e6df7621556ce0d21922b676706")).toEqual({
      platform: "lark",
      externalId: "ou_7d8a6e6df7621556ce0d21922b676706",
    });
    expect(personRef("telegram", "lark:ou_abc")).toEqual({ platform: "lark", externalId: "ou_abc" });
    expect(personRef("lark", "5555")).toEqual({ name: "5555" });
    expect(personRef("telegram", "张三")).toEqual({ name: "张三" });
    expect(personRef("telegram", "@zhang")).toEqual({ name: "zhang" });
    expect(personRef("console", "王 五")).toEqual({ name: "王 五" });
  });
});

describe("on Telegram", () => {
  let h: Harness;
  beforeEach(async () => {
    h = await makeHarness({ platform: "telegram", admins: ["telegram:1"] });
    await h.ask("/bind 金桥社区 金桥镇", { user: "1", userName: "管理员甲", chat: "-100" });
  });
  afterEach(async () => {
    await h.close();
  });
  const say = (text: string, user = "1", userName = "管理员甲", chat = "-100") => h.ask(text, { user, userName, chat });

  it("/角色 telegram:5555 for someone who has not spoken never picks a member whose NAME is telegram:5555", async () => {
    // The attacker renames themselves to the victim's id, records something, and waits.
    await say("/记录 学习 3人", "666", "telegram:5555");
    await say("/帮助", "777", "5555");
    for (const arg of ["telegram:5555", "5555"]) {
      expect(await say(`/角色 ${arg} 管理员`)).toBe(
        "没有找到 ID 为 telegram:5555 的人：对方还没有和机器人说过话。请对方先在本单位的群里发送 /帮助，然后再发一次这条命令。",
      );
    }
    const db = h.app.store.db;
    expect(await db.member.count({ where: { role: { not: "member" } } })).toBe(0);
    expect(await db.auditLog.count({ where: { action: "member.role" } })).toBe(0);
    // Once the real 5555 has spoken, the id finds exactly them.
    await say("/帮助", "5555", "李四");
    expect(await say("/角色 telegram:5555 管理员")).toBe("已将「李四」（telegram:5555）设为管理员。");
    expect((await db.member.findUniqueOrThrow({ where: { platform_externalId: { platform: "telegram", externalId: "666" } } })).role).toBe(
      "member",
    );
  });

  it("a name finds only someone who has recorded or holds a role; a newcomer of that name is shown with their id", async () => {
    await say("/帮助", "42", "张三");
    expect(await say("/角色 张三 宣传员")).toBe(
      "「张三」（telegram:42）还没有在已绑定单位的群里登记过记录，也没有角色：显示名谁都可以改，按名字无法确认就是这个人。如果确认是他/她，请用平台 ID 发送：/角色 telegram:42 宣传员",
    );
    expect(await h.app.store.db.auditLog.count({ where: { action: "member.role" } })).toBe(0);
    expect(await say("/角色 telegram:42 宣传员")).toBe("已将「张三」（telegram:42）设为「金桥社区」的宣传员。");
    // Holding a role, the name is enough from now on.
    expect(await say("/角色 张三 成员")).toBe("已将「张三」（telegram:42）设为成员。");
    // Nobody of that name at all.
    expect(await say("/角色 无名氏 宣传员")).toBe(
      "没有找到名叫「无名氏」的人。按名字只能找到在已绑定单位的群里登记过记录、或已是管理员或宣传员的人。请对方先在本单位的群里发送 /帮助，再发一次这条命令，会列出对方的平台 ID；也可以直接写 ID，例如：/角色 telegram:123456 宣传员",
    );
  });

  it("a name two people carry is refused, listing both with their ids; the id then decides", async () => {
    await say("/记录 学习 12人", "42", "张三");
    // Someone renames themselves 张三 to be taken for them.
    await say("/帮助", "99", "张三");
    const listing =
      "有 2 位成员叫「张三」，无法确定是哪一位，本次没有改动。请改用平台 ID，例如：/角色 telegram:42 管理员\n" +
      "telegram:42 张三（登记过 1 条记录）\n" +
      "telegram:99 张三（尚未登记记录）";
    expect(await say("/角色 张三 管理员")).toBe(listing);
    expect(await say("/删除个人信息 张三 确认")).toBe(
      "有 2 位成员叫「张三」，无法确定是哪一位，本次没有改动。请改用平台 ID，例如：/删除个人信息 telegram:42\n" +
        "telegram:42 张三（登记过 1 条记录）\n" +
        "telegram:99 张三（尚未登记记录）",
    );
    const db = h.app.store.db;
    expect(await db.member.count({ where: { role: "admin" } })).toBe(0);
    expect(await db.member.count({ where: { name: "张三" } })).toBe(2);
    expect(await say("/角色 telegram:42 管理员")).toBe("已将「张三」（telegram:42）设为管理员。");
  });

  it("/删除个人信息 by id never falls back to a name", async () => {
    await say("/记录 学习 3人", "666", "telegram:5555");
    expect(await say("/删除个人信息 telegram:5555 确认")).toBe(
      "没有找到 ID 为 telegram:5555 的人：对方还没有和机器人说过话。请对方先在本单位的群里发送 /帮助，然后再发一次这条命令。",
    );
    expect(await h.app.store.db.member.count({ where: { name: "telegram:5555" } })).toBe(1);
  });
});

describe("one person, one unit's officer", () => {
  let h: Harness;
  beforeEach(async () => {
    h = await makeHarness();
    await h.ask("/bind 金桥社区 金桥镇", { chat: "社区群" });
    await h.ask("/bind 浦东社区 金桥镇", { chat: "浦东群" });
    await h.ask("/记录 学习 12人", { chat: "社区群", user: "李" });
    expect(await h.ask("/角色 李 宣传员", { chat: "社区群" })).toBe("已将「李」（test:李）设为「金桥社区」的宣传员。");
  });
  afterEach(async () => {
    await h.close();
  });

  it("naming them for a second unit says they would leave the first, and waits for 确认", async () => {
    expect(await h.ask("/角色 李 宣传员", { chat: "浦东群" })).toBe(
      "「李」（test:李）现在是「金桥社区」的宣传员。一个人只能担任一个单位的宣传员：设为「浦东社区」的宣传员后，将不再是「金桥社区」的宣传员。\n确认请发送：/角色 test:李 宣传员 确认",
    );
    const li = () => h.app.store.db.member.findFirstOrThrow({ where: { externalId: "李" }, include: { unit: true } });
    expect((await li()).unit?.name).toBe("金桥社区");
    // Still 金桥社区's officer: deletes there.
    expect(await h.ask("/记录 学习 3人", { chat: "社区群", user: "王" })).toMatch(/^已记录 #2/);
    expect(await h.ask("/删除 2", { chat: "社区群", user: "李" })).toMatch(/^已删除 #2/);

    expect(await h.ask("/角色 test:李 宣传员 确认", { chat: "浦东群" })).toBe(
      "已将「李」（test:李）设为「浦东社区」的宣传员（不再是「金桥社区」的宣传员）。",
    );
    expect((await li()).unit?.name).toBe("浦东社区");
    expect(await h.ask("/角色", { chat: "社区群" })).toBe("管理员和「金桥社区」宣传员：\ntest:admin（配置 ADMINS）");
    expect(await h.ask("/角色", { chat: "浦东群" })).toBe("管理员和「浦东社区」宣传员：\ntest:admin（配置 ADMINS）\n李（test:李）：宣传员");
  });

  it("the same unit again changes nothing; removing from another unit's chat says which unit they leave", async () => {
    expect(await h.ask("/角色 李 宣传员", { chat: "社区群" })).toBe("「李」（test:李）已经是「金桥社区」的宣传员，无需重复设置。");
    expect(await h.ask("/角色 李 成员", { chat: "浦东群" })).toBe("已将「李」（test:李）设为成员（不再是「金桥社区」的宣传员）。");
    expect(await h.ask("/角色 李 成员", { chat: "浦东群" })).toBe("「李」（test:李）本来就是成员，没有角色可撤销。");
    expect(await h.app.store.db.auditLog.count({ where: { action: "member.role" } })).toBe(2);
  });

  it("an administrator made an officer is asked first: it takes their administrator role away", async () => {
    expect(await h.ask("/角色 李 管理员", { chat: "社区群" })).toBe("已将「李」（test:李）设为管理员。");
    expect(await h.ask("/角色 李 宣传员", { chat: "浦东群" })).toBe(
      "「李」（test:李）现在是管理员。设为「浦东社区」的宣传员后将不再是管理员，只能管理「浦东社区」的记录。\n确认请发送：/角色 test:李 宣传员 确认",
    );
    expect(await h.ask("/角色 test:李 宣传员 确认", { chat: "浦东群" })).toBe(
      "已将「李」（test:李）设为「浦东社区」的宣传员（不再是管理员）。",
    );
  });
});
