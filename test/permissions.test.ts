// Who may do what, cell by cell: every row and column of the README's permission table
// (Permissions), with the exact replies. Columns: an administrator, the unit's officer in its own
// chat, a parent unit's officer in the parent's chat and in the child's chat, a member, a user in
// an unbound chat, a user of a child unit and of a sibling unit. A refused action leaves no trace.
//
// The tree: 金桥镇 (镇群) → 金桥社区 (社区群) → 一支部 (支部群), and 浦东社区 (浦东群) under
// 金桥镇. 李 is 金桥社区's officer, 周 金桥镇's; 王 is a member. #1 is 张's record in 金桥社区,
// #2 吴's in 一支部.
import { describe, it, expect, beforeEach, afterEach } from "vitest";
import { makeHarness, type Harness } from "./harness.js";
import { jpegBytes } from "./fixtures/images.js";
import type { Attachment } from "../src/core/types.js";

let h: Harness;
beforeEach(async () => {
  h = await makeHarness({ now: "2026-11-22T10:00:00+08:00" });
  h.files.set("perm-photo", jpegBytes(3));
  await h.ask("/bind 金桥镇", { chat: "镇群" });
  await h.ask("/bind 金桥社区 金桥镇", { chat: "社区群" });
  await h.ask("/bind 浦东社区 金桥镇", { chat: "浦东群" });
  await h.ask("/bind 一支部 金桥社区", { chat: "支部群" });
  for (const [user, chat] of [
    ["李", "社区群"],
    ["王", "社区群"],
    ["周", "镇群"],
  ])
    await h.ask("/帮助", { chat, user });
  expect(await h.ask("/角色 test:李 宣传员", { chat: "社区群" })).toBe("已将「李」（test:李）设为「金桥社区」的宣传员。");
  expect(await h.ask("/角色 test:周 宣传员", { chat: "镇群" })).toBe("已将「周」（test:周）设为「金桥镇」的宣传员。");
  expect(await h.ask("/记录 学习 12人", { chat: "社区群", user: "张" })).toMatch(/^已记录 #1：/);
  expect(await h.ask("/记录 会议 部署会", { chat: "支部群", user: "吴" })).toMatch(/^已记录 #2：/);
});
afterEach(async () => {
  await h.close();
});

type Column = "admin" | "officer" | "parentOfficer" | "parentOfficerInChild" | "member" | "unbound" | "child" | "sibling";
const ACTORS: Record<Column, { user: string; chat: string; role: string; unit: string | null }> = {
  admin: { user: "admin", chat: "社区群", role: "管理员", unit: "金桥社区" },
  officer: { user: "李", chat: "社区群", role: "单位宣传员", unit: "金桥社区" },
  parentOfficer: { user: "周", chat: "镇群", role: "单位宣传员", unit: "金桥镇" },
  parentOfficerInChild: { user: "周", chat: "社区群", role: "成员", unit: "金桥社区" },
  member: { user: "王", chat: "社区群", role: "成员", unit: "金桥社区" },
  unbound: { user: "赵", chat: "未绑定群", role: "成员", unit: null },
  child: { user: "钱", chat: "支部群", role: "成员", unit: "一支部" },
  sibling: { user: "孙", chat: "浦东群", role: "成员", unit: "浦东社区" },
};

const UNBOUND = "本群还没有绑定单位。请管理员发送：/绑定 单位名 [上级单位名]\n例如：/绑定 金桥社区 金桥镇";
// Named as the person typed it (these lines are Chinese).
const ADMIN_ONLY = (_cmd: string, zh: string, role: string) => `只有管理员可以使用 /${zh}。你的身份是${role}。`;
const NOT_HERE = (id: number) => `本单位没有记录 #${id}。发送 /明细 查看记录编号。`;
const NOT_YOURS = (id: number) => `#${id} 不是你登记的，只能撤销自己的记录。管理员可以用 /删除 ${id}。`;
const MEMBER_DELETE = (id: number) => `只有管理员、本单位宣传员或记录人本人可以删除 #${id}。如需删除，请联系记录人、本单位宣传员或管理员。`;
const CHILD_DELETE = (id: number, child: string) =>
  `#${id} 是下级单位「${child}」的记录：宣传员只能删除本单位的记录，下级单位的记录请由该单位的宣传员在其群里删除，或请管理员删除。`;
const NO_UNIT = (own: string, name: string) => `「${own}」下没有名为「${name}」的单位。`;
const NOT_YOURS_EDIT = (id: number) => `#${id} 不是你登记的。只有记录人本人、本单位宣传员或管理员可以修改。`;
const CHILD_EDIT = (id: number) => `#${id} 是下级单位的记录：宣传员只能修改本单位的记录，请由该单位的宣传员在其群里修改，或请管理员修改。`;
const NOT_FOR_CHILD = (name: string) =>
  `只有本单位宣传员或管理员可以代下级单位登记（「单位：${name}」）。请去掉「单位：…」登记本单位的记录。`;
const REFUSAL = /^(只有|本群还没有绑定|本单位没有|「.*」下没有名为|#\d+ 不是你|#\d+ 是下级单位|#待确认\d+ 不是你)/;

/** One step of a cell: a line, the reply (exact, or a pattern); by the column's actor unless `as` says otherwise. */
type Step = [
  line: string,
  expected: string | RegExp,
  as?: Partial<{ user: string; chat: string; addressedToBot: boolean; attachments: Attachment[] }>,
];
/** A photo captioned with the line: attached to the record it names. */
const PHOTO = { attachments: [{ kind: "photo" as const, ref: "perm-photo" }] };
const ATTACH_REFUSED = (id: number) => `#${id} 不是你登记的：附件由记录人本人、本单位宣传员或管理员添加。`;

const ALL: Column[] = ["admin", "officer", "parentOfficer", "parentOfficerInChild", "member", "unbound", "child", "sibling"];
const BOUND = ALL.filter((c) => c !== "unbound");
/** The same kind of steps in several columns. */
const each = (cols: Column[], steps: (c: Column) => Step[]) => Object.fromEntries(cols.map((c) => [c, steps(c)])) as Record<Column, Step[]>;

/** The README table's rows: for each column, the steps that show the cell. */
const ROWS: { what: string; cells: Record<Column, Step[]> }[] = [
  {
    what: "/help",
    cells: each(ALL, () => [["/帮助", /^意识形态工作台账机器人 · 可用命令/]]),
  },
  {
    what: "/record into the chat's unit",
    cells: {
      ...each(BOUND, () => [["/记录 学习 3人", /^已记录 #3：理论学习 1 次，3 人参加/]]),
      unbound: [["/记录 学习 3人", UNBOUND]],
    },
  },
  {
    what: "/list (and /stats, /deadlines, /report, /export) without a unit: the chat's unit and its descendants",
    cells: {
      admin: [
        [
          "/明细",
          "金桥社区 2026年第四季度记录（共 2 条）：\n#1 11月22日 理论学习 1 次，12 人参加（张）\n#2 11月22日 意识形态工作部署会 1 次 [一支部]（吴）",
        ],
      ],
      officer: [["/明细", /^金桥社区 2026年第四季度记录（共 2 条）/]],
      parentOfficer: [
        [
          "/明细",
          "金桥镇 2026年第四季度记录（共 2 条）：\n#1 11月22日 理论学习 1 次，12 人参加 [金桥社区]（张）\n#2 11月22日 意识形态工作部署会 1 次 [一支部]（吴）",
        ],
      ],
      parentOfficerInChild: [["/明细", /^金桥社区 2026年第四季度记录（共 2 条）/]],
      member: [["/明细", /^金桥社区 2026年第四季度记录（共 2 条）/]],
      unbound: [["/明细", UNBOUND]],
      child: [["/明细", "一支部 2026年第四季度记录（共 1 条）：\n#2 11月22日 意识形态工作部署会 1 次（吴）"]],
      sibling: [["/明细", "浦东社区 2026年第四季度记录：暂无。用 /记录 登记，例如：/记录 学习 12人"]],
    },
  },
  {
    what: "/report 单位 and /export 单位: a descendant of the chat's unit; anything else as if it did not exist",
    cells: {
      admin: [
        ["/报告 一支部", /^一支部2026年第四季度意识形态工作分析研判报告/],
        ["/导出台账 金桥社区", /^金桥社区 2026年第四季度 意识形态工作台账：共 2 条记录/, { chat: "镇群" }],
        // An administrator reads through a chat too: another branch is not below 浦东社区.
        ["/报告 金桥社区", NO_UNIT("浦东社区", "金桥社区"), { chat: "浦东群" }],
      ],
      officer: [
        ["/报告 一支部", /^一支部2026年第四季度意识形态工作分析研判报告/],
        ["/导出台账 一支部", /^一支部 2026年第四季度 意识形态工作台账：共 1 条记录/],
        ["/报告 金桥镇", NO_UNIT("金桥社区", "金桥镇")],
      ],
      parentOfficer: [
        ["/报告 金桥社区", /^金桥社区2026年第四季度意识形态工作分析研判报告/],
        ["/导出台账 一支部", /^一支部 2026年第四季度 意识形态工作台账：共 1 条记录/],
      ],
      parentOfficerInChild: [
        ["/报告 金桥镇", NO_UNIT("金桥社区", "金桥镇")],
        ["/导出台账 浦东社区", NO_UNIT("金桥社区", "浦东社区")],
      ],
      member: [
        ["/报告 一支部", /^一支部2026年第四季度意识形态工作分析研判报告/],
        ["/导出台账 金桥镇", NO_UNIT("金桥社区", "金桥镇")],
      ],
      unbound: [
        ["/报告 金桥社区", UNBOUND],
        ["/导出台账 金桥社区", UNBOUND],
      ],
      child: [
        ["/报告 金桥社区", NO_UNIT("一支部", "金桥社区")],
        ["/导出台账 金桥镇", NO_UNIT("一支部", "金桥镇")],
      ],
      sibling: [
        ["/报告 金桥社区", NO_UNIT("浦东社区", "金桥社区")],
        ["/导出台账 一支部", NO_UNIT("浦东社区", "一支部")],
      ],
    },
  },
  {
    what: "/undo: one's own records of the chat's unit, within 24 h",
    cells: {
      admin: [
        ["/撤销 1", NOT_YOURS(1)],
        ["/记录 学习 3人", /^已记录 #3/],
        ["/撤销", /^已撤销 #3/],
      ],
      officer: [
        ["/撤销 1", NOT_YOURS(1)],
        ["/撤销 2", NOT_HERE(2)],
        ["/记录 学习 3人", /^已记录 #3/],
        ["/撤销 3", /^已撤销 #3/],
      ],
      parentOfficer: [
        ["/撤销 1", NOT_HERE(1)],
        ["/记录 学习 3人", /^已记录 #3/],
        ["/撤销", /^已撤销 #3/],
      ],
      parentOfficerInChild: [["/撤销 1", NOT_YOURS(1)]],
      member: [
        ["/撤销 1", NOT_YOURS(1)],
        ["/记录 学习 3人", /^已记录 #3/],
        ["/撤销", /^已撤销 #3/],
      ],
      unbound: [["/撤销 1", UNBOUND]],
      child: [["/撤销 1", NOT_HERE(1)]],
      sibling: [["/撤销 1", NOT_HERE(1)]],
    },
  },
  {
    what: "/delete",
    cells: {
      admin: [
        ["/删除 2", /^已删除 #2：意识形态工作部署会/, { chat: "镇群" }],
        ["/删除 1", /^已删除 #1：理论学习/],
      ],
      officer: [
        ["/删除 2", CHILD_DELETE(2, "一支部")],
        ["/删除 1", /^已删除 #1：理论学习/],
      ],
      parentOfficer: [
        ["/删除 1", CHILD_DELETE(1, "金桥社区")],
        ["/删除 2", CHILD_DELETE(2, "一支部")],
        ["/记录 学习 8人", /^已记录 #3/, { user: "镇里的人" }],
        ["/删除 3", /^已删除 #3：理论学习/],
      ],
      parentOfficerInChild: [
        ["/删除 1", MEMBER_DELETE(1)],
        ["/记录 学习 3人", /^已记录 #3/],
        ["/删除 3", /^已删除 #3/],
      ],
      member: [
        ["/删除 1", MEMBER_DELETE(1)],
        ["/删除 2", MEMBER_DELETE(2)],
        ["/记录 学习 3人", /^已记录 #3/],
        ["/删除 3", /^已删除 #3/],
      ],
      unbound: [["/删除 1", UNBOUND]],
      child: [["/删除 1", NOT_HERE(1)]],
      sibling: [
        ["/删除 1", NOT_HERE(1)],
        ["/删除 2", NOT_HERE(2)],
      ],
    },
  },
  {
    what: "/edit: as /delete — the author; the unit's officer, the unit's records; an administrator, the subtree's",
    cells: {
      admin: [
        ["/修改 2 5人", /^已修改 #2。/, { chat: "镇群" }],
        ["/修改 1 13人", /^已修改 #1。/],
      ],
      officer: [
        ["/修改 2 5人", CHILD_EDIT(2)],
        ["/修改 1 13人", /^已修改 #1。/],
      ],
      parentOfficer: [
        ["/修改 1 13人", CHILD_EDIT(1)],
        ["/记录 学习 8人", /^已记录 #3/, { user: "镇里的人" }],
        ["/修改 3 9人", /^已修改 #3。/],
      ],
      parentOfficerInChild: [
        ["/修改 1 13人", NOT_YOURS_EDIT(1)],
        ["/记录 学习 3人", /^已记录 #3/],
        ["/修改 3 4人", /^已修改 #3。/],
      ],
      member: [
        ["/修改 1 13人", NOT_YOURS_EDIT(1)],
        ["/修改 2 13人", NOT_YOURS_EDIT(2)],
        ["/记录 学习 3人", /^已记录 #3/],
        ["/修改 3 4人", /^已修改 #3。/],
      ],
      unbound: [["/修改 1 13人", UNBOUND]],
      child: [["/修改 1 13人", NOT_HERE(1)]],
      sibling: [
        ["/修改 1 13人", NOT_HERE(1)],
        ["/修改 2 13人", NOT_HERE(2)],
      ],
    },
  },
  {
    what: "/record … 单位：X: for a unit of the chat's subtree, by its officers and administrators",
    cells: {
      admin: [["/记录 学习 3人 单位：一支部", /^已记录 #3（代「一支部」登记，计入该单位）/]],
      officer: [["/记录 学习 3人 单位：一支部", /^已记录 #3（代「一支部」登记，计入该单位）/]],
      parentOfficer: [["/记录 学习 3人 单位：金桥社区", /^已记录 #3（代「金桥社区」登记，计入该单位）/]],
      parentOfficerInChild: [["/记录 学习 3人 单位：一支部", NOT_FOR_CHILD("一支部")]],
      member: [["/记录 学习 3人 单位：一支部", NOT_FOR_CHILD("一支部")]],
      unbound: [["/记录 学习 3人 单位：一支部", UNBOUND]],
      child: [["/记录 学习 3人 单位：金桥社区", /^「一支部」下没有名为「金桥社区」的单位。/]],
      sibling: [["/记录 学习 3人 单位：一支部", /^「浦东社区」下没有名为「一支部」的单位。/]],
    },
  },
  {
    what: "/confirm: only the author of the reading",
    cells: {
      ...each(BOUND, (c) => [
        [
          "今天组织了中心组学习，9人参加",
          /^我从这句话里读出了一条记录，请核对：\n#待确认\d+/,
          { user: `${ACTORS[c].user}说`, addressedToBot: true },
        ],
        ["/确认", "你在本群没有待确认的记录。"],
        ["/确认", /^已记录 #3：党委理论学习中心组学习 1 次，9 人参加/, { user: `${ACTORS[c].user}说` }],
      ]),
      unbound: [["/确认", UNBOUND]],
    },
  },
  {
    what: "/discard: only the author of the reading",
    cells: {
      ...each(BOUND, (c) => [
        [
          "今天组织了中心组学习，9人参加",
          /^我从这句话里读出了一条记录，请核对：\n#待确认\d+/,
          { user: `${ACTORS[c].user}说`, addressedToBot: true },
        ],
        ["/取消", "你在本群没有待确认的记录。"],
        ["/取消", /^好的，#待确认\d+ 没有登记。$/, { user: `${ACTORS[c].user}说` }],
      ]),
      unbound: [["/取消", UNBOUND]],
    },
  },
  {
    what: "/attach N (its list): a record of the chat's unit or its descendants, as /list",
    cells: {
      ...each(["admin", "officer", "parentOfficer", "parentOfficerInChild", "member"], () => [["/附件 1", /^#1 还没有附件。/]]),
      unbound: [["/附件 1", UNBOUND]],
      child: [["/附件 1", NOT_HERE(1)]],
      sibling: [["/附件 1", NOT_HERE(1)]],
    },
  },
  {
    what: "attaching a photo to a record: as /edit — the author; the unit's officer, the unit's records; an administrator, the subtree's",
    cells: {
      ...each(["admin", "officer"], () => [["/附件 1", /^#1（.*）：已附照片 1 张/, PHOTO]]),
      ...each(["parentOfficer", "parentOfficerInChild"], () => [["/附件 1", ATTACH_REFUSED(1), PHOTO]]),
      member: [
        ["/附件 1", ATTACH_REFUSED(1), PHOTO],
        ["/附件 1", /^#1（.*）：已附照片 1 张/, { ...PHOTO, user: "张" }],
      ],
      unbound: [["/附件 1", UNBOUND, PHOTO]],
      child: [["/附件 1", NOT_HERE(1), PHOTO]],
      sibling: [["/附件 1", NOT_HERE(1), PHOTO]],
    },
  },
  {
    what: "/signin (open one): the unit's officers and administrators; anyone presses 签到",
    cells: {
      ...each(["admin", "officer", "parentOfficer"], () => [["/签到 学习 中心组学习", /^签到 #\d+：/]]),
      ...each(["parentOfficerInChild", "member", "child", "sibling"], () => [
        ["/签到 学习 中心组学习", "只有本单位宣传员或管理员可以发起签到。参加的同志请点签到卡片上的「签到」。"],
      ]),
      unbound: [["/签到 学习 中心组学习", UNBOUND]],
    },
  },
  {
    what: "/situation (研判): anyone in a bound chat, for the chat's unit",
    cells: {
      ...each(BOUND, () => [["/研判 网络舆情 表现：业主群争论 措施：约谈群主", /^已记录 #\d+/]]),
      unbound: [["/研判 网络舆情 表现：业主群争论 措施：约谈群主", UNBOUND]],
    },
  },
  {
    what: "/bind, /remind, /role, /outbox, /forget: administrators only",
    cells: {
      ...each(
        ALL.filter((c) => c !== "admin"),
        (c) => [
          ["/绑定 新单位 确认", ADMIN_ONLY("bind", "绑定", ACTORS[c].role)],
          ["/提醒 关", ADMIN_ONLY("remind", "提醒", ACTORS[c].role)],
          ["/角色 test:王 管理员", ADMIN_ONLY("role", "角色", ACTORS[c].role)],
          ["/发送记录", ADMIN_ONLY("outbox", "发送记录", ACTORS[c].role)],
          ["/删除个人信息 张 确认", ADMIN_ONLY("forget", "删除个人信息", ACTORS[c].role)],
        ],
      ),
      admin: [
        ["/提醒 关", /^已关闭「金桥社区」的截止提醒/],
        ["/发送记录", /^待发送 0 条/],
        ["/角色 test:王 宣传员", "已将「王」（test:王）设为「金桥社区」的宣传员。"],
        ["/删除个人信息 张 确认", "已删除「张」的个人信息。其登记的 1 条记录保留在台账中，登记人显示为「已删除成员5」。"],
        ["/绑定 新单位", /^本群现在绑定的是「金桥社区」/],
        ["/绑定 新单位", /^已将本群绑定到「新单位」/, { chat: "未绑定群" }],
      ],
    },
  },
];

const CASES = ROWS.flatMap((row) => ALL.map((col) => [row.what, col, row.cells[col]] as const));

describe("the permission table, cell by cell", () => {
  it.each(CASES)("%s — %s", async (_what, col, steps) => {
    const actor = ACTORS[col];
    for (const [line, expected, as] of steps) {
      const who = { user: actor.user, chat: actor.chat, ...as };
      const before = await h.app.store.db.auditLog.count();
      const reply = await h.ask(line, who);
      if (typeof expected === "string") expect(reply, `${line} as ${JSON.stringify(who)}`).toBe(expected);
      else expect(reply, `${line} as ${JSON.stringify(who)}`).toMatch(expected);
      // A refusal changes nothing: no audit row, so no write happened.
      if (typeof expected === "string" && REFUSAL.test(expected)) expect(await h.app.store.db.auditLog.count()).toBe(before);
    }
  });

  it("a record goes into the chat's unit, whoever sends it", async () => {
    for (const col of BOUND) {
      const { user, chat, unit } = ACTORS[col];
      const reply = await h.ask("/记录 学习 3人", { user, chat });
      const id = Number(/^已记录 #(\d+)/.exec(reply)?.[1]);
      const row = await h.app.store.db.record.findUniqueOrThrow({ where: { id }, include: { unit: true } });
      expect([col, row.unit.name]).toEqual([col, unit]);
    }
  });

  it("the other reading commands follow /list's reach, column by column", async () => {
    for (const col of ALL) {
      const { user, chat, unit } = ACTORS[col];
      const as = { user, chat };
      if (!unit) {
        for (const line of ["/统计", "/截止", "/报告", "/导出台账"]) expect(await h.ask(line, as)).toBe(UNBOUND);
        continue;
      }
      expect((await h.ask("/统计", as)).split("\n")[0]).toMatch(new RegExp(`^${unit}(（含下级单位 \\d 个）)? 2026年第四季度`));
      expect(await h.ask("/截止", as)).toMatch(new RegExp(`^「${unit}」近期要求`));
      const records = { 金桥镇: 2, 金桥社区: 2, 一支部: 1, 浦东社区: 0 }[unit]!;
      expect(await h.ask("/导出台账", as)).toBe(`${unit} 2026年第四季度 意识形态工作台账：共 ${records} 条记录，已导出为 Excel。`);
      expect(await h.ask("/报告", as)).toMatch(
        records
          ? new RegExp(`^${unit}2026年第四季度意识形态工作分析研判报告`)
          : new RegExp(`^「${unit}」2026年第四季度的台账里还没有任何记录`),
      );
    }
  });
});

describe("roles and personal data", () => {
  it("an officer is an officer of their own unit only", async () => {
    expect(await h.ask("/记录 学习 3人", { chat: "浦东群", user: "王" })).toMatch(/^已记录 #3/);
    expect(await h.ask("/删除 3", { chat: "浦东群", user: "李" })).toBe(MEMBER_DELETE(3));
  });

  it("role changes are audited; configured administrators cannot be demoted by command", async () => {
    expect(await h.ask("/角色 李 成员", { chat: "社区群" })).toBe("已将「李」（test:李）设为成员。");
    expect(await h.ask("/角色 test:admin 成员", { chat: "社区群" })).toBe("「admin」是配置（ADMINS）指定的管理员，要改请修改配置。");
    expect(await h.ask("/角色 test:王 管理员", { chat: "社区群" })).toBe("已将「王」（test:王）设为管理员。");
    expect(await h.ask("/提醒", { chat: "社区群", user: "王" })).toBe("「金桥社区」的截止提醒目前已打开。");
    expect(await h.ask("/角色 王 成员", { chat: "社区群", user: "王" })).toBe("不能撤销自己的管理员身份，请另一位管理员操作。");
    const audit = await h.app.store.db.auditLog.findMany({ where: { action: "member.role" }, orderBy: { id: "asc" } });
    expect(audit.map((a) => [a.actor, JSON.parse(a.detail!).to])).toEqual([
      ["test:admin", "officer"],
      ["test:admin", "officer"],
      ["test:admin", "member"],
      ["test:admin", "admin"],
    ]);
    expect(await h.ask("/角色", { chat: "社区群" })).toBe("管理员和「金桥社区」宣传员：\ntest:admin（配置 ADMINS）\n王（test:王）：管理员");
  });

  it("/删除个人信息 removes the name and identity, also from the audit log, and keeps the figures", async () => {
    const statsBefore = await h.ask("/统计", { chat: "社区群" });
    expect(await h.ask("/删除个人信息 张", { chat: "社区群" })).toBe(
      "将删除「张」（test:张）的姓名和平台账号（审计日志中也会匿名），其登记的记录保留、数字不变。确认请发送：/删除个人信息 test:张 确认",
    );
    expect(await h.ask("/删除个人信息 test:张 确认", { chat: "社区群" })).toMatch(/^已删除「张」的个人信息/);
    expect(await h.ask("/统计", { chat: "社区群" })).toBe(statsBefore);
    expect(await h.ask("/明细", { chat: "社区群" })).toContain("#1 11月22日 理论学习 1 次，12 人参加（已删除成员");
    const db = h.app.store.db;
    expect(await db.member.count({ where: { OR: [{ name: "张" }, { externalId: "张" }] } })).toBe(0);
    expect(await db.auditLog.count({ where: { actor: "test:张" } })).toBe(0);
    // A forgotten identity is never found again, by name or by id.
    expect(await h.ask("/删除个人信息 已删除成员5", { chat: "社区群" })).toMatch(/^没有找到名叫「已删除成员5」的人/);
    expect(await h.ask("/角色 test:forgotten:5 管理员", { chat: "社区群" })).toMatch(/^没有找到 ID 为 test:forgotten:5 的人/);
    // Writing again later makes a new member; the old records stay anonymous.
    expect(await h.ask("/记录 学习 5人", { chat: "社区群", user: "张" })).toMatch(/^已记录 #3/);
    expect((await db.record.findUniqueOrThrow({ where: { id: 1 }, include: { member: true } })).member?.name).toMatch(/^已删除成员/);
  });
});

describe("abuse limits", () => {
  it("a flood from one person gets one polite reply, then silence, until the budget refills", async () => {
    const l = await makeHarness({
      now: "2026-11-22T10:00:00+08:00",
      limits: { userPerMinute: 6, userBurst: 3, chatPerMinute: 100, chatBurst: 100 },
    });
    try {
      await l.ask("/bind 测试社区");
      const db = l.app.store.db;
      const stored = async () => [await db.inboxEvent.count(), await db.inboundEvent.count()];
      const before = await stored();
      const replies: string[] = [];
      for (let i = 0; i < 6; i++) replies.push(await l.ask("/记录 学习 3人", { user: "刷屏者" }));
      expect(replies.slice(0, 3).every((r) => r.startsWith("已记录"))).toBe(true);
      expect(replies[3]).toBe("操作太频繁了，请稍等一分钟再发。（每人每分钟最多 6 条命令，每个群每分钟最多 100 条）");
      expect(replies.slice(4)).toEqual(["", ""]);
      expect(await l.app.store.db.record.count()).toBe(3);
      // The flood is refused in memory, before the inbox: the three refused lines stored nothing.
      const after = await stored();
      const perLine = [(after[0] - before[0]) / 3, (after[1] - before[1]) / 3];
      expect(perLine.every((n) => Number.isInteger(n) && n >= 1)).toBe(true);
      for (let i = 0; i < 20; i++) await l.ask("/记录 学习 3人", { user: "刷屏者" });
      expect(await stored()).toEqual(after);
      // Another person in the same chat is not affected.
      expect(await l.ask("/记录 学习 3人", { user: "别人" })).toMatch(/^已记录/);
      // Ten seconds later one command's worth has refilled.
      l.now = new Date(l.now.getTime() + 10_000);
      expect(await l.ask("/记录 学习 3人", { user: "刷屏者" })).toMatch(/^已记录/);
    } finally {
      await l.close();
    }
  });

  it("user text is never markup: a topic with <b>, * and card JSON comes back literally", async () => {
    const topic = `<b>粗体</b> *星号* "}{"tag":"markdown","content":"x"}`;
    const [reply] = await h.say(`/记录 学习 5人 主题：${topic}`, { chat: "社区群" });
    expect(reply.text).toContain(`主题「${topic}」`);
    expect((await h.app.store.db.record.findFirstOrThrow({ where: { topic: { not: null } } })).topic).toBe(topic);
  });
});
