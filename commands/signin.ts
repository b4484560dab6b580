import { z } from "zod";
import { defineCommand, type CommandContext } from "../src/core/command.js";
import { errorReply, text, type Reply } from "../src/core/types.js";
import { openCard, closedCard, closeSignIn, closingLabel } from "../src/core/signin.js";
import { parseRecord, ParseError } from "../src/domain/parser.js";
import { readClosingTime, signsIn, DEFAULT_OPEN_MINUTES, MAX_OPEN_MINUTES } from "../src/domain/signin.js";
import { kindByCode } from "../src/domain/catalog.js";
import { MAX_SIGN_IN_ENTRIES } from "../src/store/signins.js";
import type { SignInRow } from "../src/store/ledger.js";
import { chinaInstant } from "../src/time.js";

const OPEN_EXAMPLE = "/签到 学习 中心组学习 主题：学习贯彻党的二十届四中全会精神 截止10:30";

const USAGE = [
  `${OPEN_EXAMPLE} — 宣传员发起签到，机器人发出签到卡片`,
  "参加的同志点卡片上的「签到」，或发送 /签到（本群只有一个签到时）",
  "/签到 结束 — 结束签到，按签到名单登记记录（也可点「结束签到」，或到截止时间自动结束）",
  "/签到 补签 张三、李四 — 宣传员补上纸质签到的同志",
  "/签到 取消 — 取消签到，不登记",
  "/签到 名单 — 再发一次签到卡片",
  `不写截止时间的，${DEFAULT_OPEN_MINUTES / 60} 小时后自动结束；也可写 30分钟、2小时、截止下午3点`,
];

type Args =
  | { op: "show" }
  | { op: "in" | "close" | "cancel" | "list"; id: number | null }
  | { op: "add"; id: number | null; names: string[] }
  | { op: "open"; line: string };

const OPS: [RegExp, "in" | "close" | "cancel" | "list" | "add"][] = [
  [/^(?:in|签|我)$/i, "in"],
  [/^(?:close|结束|截止|关闭)$/i, "close"],
  [/^(?:cancel|取消)$/i, "cancel"],
  [/^(?:list|名单|卡片|查看)$/i, "list"],
  [/^(?:add|补签|补|代签)$/i, "add"],
];

function parseArgs(s: string): Args {
  const words = s.split(/\s+/).filter(Boolean);
  if (!words.length) return { op: "show" };
  const op = OPS.find(([re]) => re.test(words[0]))?.[1];
  if (!op) return { op: "open", line: s };
  const idWord = words[1] && /^#?\d{1,9}$/.test(words[1]) ? words[1] : null;
  const id = idWord ? Number(idWord.replace("#", "")) : null;
  const rest = words.slice(idWord ? 2 : 1).join(" ");
  if (op === "add") {
    const names = rest
      .split(/[\s、，,；;]+/)
      .map((n) => n.trim())
      .filter(Boolean);
    return { op, id, names };
  }
  return { op, id };
}

const isOfficer = (ctx: CommandContext) => ctx.role !== "member";

/** The sign-in a line is about: the one named (in this chat), else the chat's only open one. */
async function target(ctx: CommandContext, id: number | null, verb: string): Promise<SignInRow | Reply> {
  const { platform, chatId } = ctx.msg;
  if (id !== null) {
    const s = await ctx.ledger.signIns.get(id);
    if (!s || s.platform !== platform || s.chatExternalId !== chatId) return errorReply(`本群没有签到 #${id}。发送 /签到 查看本群的签到。`);
    return s;
  }
  const open = await ctx.ledger.signIns.openIn(platform, chatId);
  if (open.length === 1) return open[0];
  if (!open.length) return errorReply(`本群现在没有进行中的签到。宣传员可以发起：${OPEN_EXAMPLE}`);
  return errorReply(
    `本群有 ${open.length} 个签到在进行（${open.map((s) => `#${s.id}`).join("、")}），请写明编号，例如 /签到 ${verb} ${open[0].id}。`,
  );
}

/**
 * After a button press, the card pressed is the one updated (a copy posted by /签到 名单 too);
 * typed, the card first posted (its id kept by the store) is.
 */
function onPressedCard(ctx: CommandContext, replies: Reply[]): Reply[] {
  const pressedOn = ctx.msg.pressedOn;
  return pressedOn ? replies.map((r) => (r.signInId !== undefined ? { ...r, replaces: pressedOn } : r)) : replies;
}

/** The card as it stands: edited in place where the card is known, else posted. */
async function card(ctx: CommandContext, s: SignInRow): Promise<Reply> {
  const entries = await ctx.ledger.signIns.entries(s.id);
  return s.closedAt ? closedCard(s, entries, s.recordId) : openCard(s, entries);
}

async function open(ctx: CommandContext, line: string): Promise<Reply[]> {
  if (!isOfficer(ctx)) return [errorReply("只有本单位宣传员或管理员可以发起签到。参加的同志请点签到卡片上的「签到」。")];
  const read = readClosingTime(line);
  if ("error" in read) return [errorReply(read.error)];
  let draft;
  try {
    draft = parseRecord(read.rest, ctx.today);
  } catch (e) {
    if (!(e instanceof ParseError)) throw e;
    return [errorReply(`${e.message.split("\n")[0]}\n发起签到的写法：${OPEN_EXAMPLE}`)];
  }
  if (!signsIn(draft.kind)) {
    return [errorReply(`「${kindByCode(draft.kind).name}」不是开会、学习、宣讲或活动，不用签到；请直接 /记录。`)];
  }
  if (draft.participants !== null) return [errorReply("签到的参加人数按签到名单计，不用写人数。请去掉人数再发。")];
  if (draft.unitName) return [errorReply("签到只能在本单位的群里发起，不能写「单位：…」。请到该单位的群里发起。")];
  if (draft.day !== ctx.today) return [errorReply("签到只能为今天的会议或学习发起。以前的请直接 /记录，并附上签到表照片。")];
  const now = ctx.now.getTime();
  let closesAt: Date;
  if (read.closing && "at" in read.closing) {
    const { hour, minute } = read.closing.at;
    closesAt = chinaInstant(ctx.today, `${String(hour).padStart(2, "0")}:${String(minute).padStart(2, "0")}`);
    if (closesAt.getTime() <= now)
      return [
        errorReply(
          `截止时间 ${closingLabel(closesAt, ctx.today)} 已经过了。请写一个还没到的时间，或不写（${DEFAULT_OPEN_MINUTES / 60} 小时后结束）。`,
        ),
      ];
  } else {
    closesAt = new Date(now + (read.closing?.afterMinutes ?? DEFAULT_OPEN_MINUTES) * 60_000);
  }
  if (closesAt.getTime() - now > MAX_OPEN_MINUTES * 60_000) return [errorReply(`签到最长 ${MAX_OPEN_MINUTES / 60} 小时。`)];
  const { signIn } = await ctx.ledger.signIns.open({
    unitId: ctx.unit!.id,
    chatId: ctx.chat.id,
    platform: ctx.msg.platform,
    chatExternalId: ctx.msg.chatId,
    sourceMessageId: ctx.msg.messageId,
    memberId: ctx.member.id,
    actor: ctx.actor,
    draft,
    closesAt,
  });
  return [await card(ctx, signIn)];
}

async function signInSelf(ctx: CommandContext, id: number | null): Promise<Reply[]> {
  const s = await target(ctx, id, "签");
  if (!("id" in s)) return [s];
  const result = await ctx.ledger.signIns.add(s.id, {
    key: `${ctx.msg.platform}:${ctx.msg.userId}`,
    name: ctx.member.name,
    memberId: ctx.member.id,
    paper: false,
  });
  // Only a close since target() read it changed the row.
  const current = result === "closed" ? ((await ctx.ledger.signIns.get(s.id)) ?? s) : s;
  // A press answers on the card itself (Feishu shows the first line as a toast); a typed
  // /签到 also gets a line of its own.
  const pressed = ctx.msg.pressedOn !== undefined;
  const [updated] = onPressedCard(ctx, [await card(ctx, current)]);
  switch (result) {
    case "added":
      return pressed
        ? [{ ...updated, toast: `已签到（签到 #${s.id}）` }]
        : [text(`${ctx.member.name}，已签到（签到 #${s.id}）。`), updated];
    case "already":
      // The card is shared: it shows the list, not who pressed twice (the press's toast does).
      return pressed
        ? [{ ...updated, toast: `你已经签过到了（签到 #${s.id}）` }]
        : [text(`${ctx.member.name}，你已经签过到了（签到 #${s.id}）。`)];
    case "full":
      return [errorReply(`签到 #${s.id} 已满 ${MAX_SIGN_IN_ENTRIES} 人，不能再签。`)];
    case "closed":
      return [pressed ? { ...updated, toast: `签到 #${s.id} 已结束，不能再签到` } : errorReply(`签到 #${s.id} 已结束，不能再签到。`)];
  }
}

async function addPaper(ctx: CommandContext, id: number | null, names: string[]): Promise<Reply[]> {
  if (!isOfficer(ctx)) return [errorReply("只有本单位宣传员或管理员可以补签。")];
  if (!names.length) return [errorReply("请写上补签的名字，例如 /签到 补签 张三、李四")];
  const bad = names.find((n) => n.length > 20 || /^\d+$/.test(n));
  if (bad) return [errorReply(`「${bad.slice(0, 20)}」不像一个名字。补签请写名字，用顿号隔开：/签到 补签 张三、李四`)];
  const s = await target(ctx, id, "补签");
  if (!("id" in s)) return [s];
  const entries = await ctx.ledger.signIns.entries(s.id);
  const added: string[] = [];
  const already: string[] = [];
  for (const name of [...new Set(names)]) {
    // A name already on the list (pressed or added) is not added twice.
    if (entries.some((e) => e.name === name)) {
      already.push(name);
      continue;
    }
    const r = await ctx.ledger.signIns.add(s.id, { key: `paper:${name}`, name, memberId: null, paper: true });
    if (r === "closed") return [errorReply(`签到 #${s.id} 已结束，不能再补签。需要时请 /修改 它登记的记录。`)];
    if (r === "full") return [errorReply(`签到 #${s.id} 已满 ${MAX_SIGN_IN_ENTRIES} 人。`)];
    if (r === "added") added.push(name);
    else already.push(name);
  }
  const said = [
    added.length ? `已补签 ${added.length} 人：${added.join("、")}` : "",
    already.length ? `已在名单上：${already.join("、")}` : "",
  ].filter(Boolean);
  // Still open (a close would have returned above): the row read by target() stands.
  return [text(`签到 #${s.id}：${said.join("；")}。`), await card(ctx, s)];
}

async function finish(ctx: CommandContext, id: number | null, cancel: boolean): Promise<Reply[]> {
  if (!isOfficer(ctx)) return [errorReply(`只有本单位宣传员或管理员可以${cancel ? "取消" : "结束"}签到。`)];
  const s = await target(ctx, id, cancel ? "取消" : "结束");
  if (!("id" in s)) return [s];
  const { closedNow, replies } = await closeSignIn(ctx.ledger, s, ctx.actor, ctx.now, cancel);
  if (!closedNow && !ctx.msg.pressedOn) return [text(`签到 #${s.id} 已经结束了。`)];
  return onPressedCard(ctx, replies);
}

export default defineCommand({
  name: "signin",
  zhName: "签到",
  aliases: ["考勤"],
  permission: "member",
  summary: "会议、学习现场签到：宣传员发起，大家点「签到」，结束后按签到名单登记",
  summaryEn: "Sign-in for a meeting or study session",
  usage: USAGE,
  args: z.string().trim().transform(parseArgs),
  async run(ctx, args) {
    switch (args.op) {
      case "show": {
        const open = await ctx.ledger.signIns.openIn(ctx.msg.platform, ctx.msg.chatId);
        // The one open sign-in of the chat: a bare /签到 is signing in to it.
        if (open.length === 1) return signInSelf(ctx, open[0].id);
        if (open.length > 1) {
          return [
            text(
              `本群有 ${open.length} 个签到在进行：${open.map((s) => `#${s.id}`).join("、")}。签到请点卡片上的「签到」，或发送 /签到 签 编号。`,
            ),
          ];
        }
        return [text(`本群现在没有进行中的签到。\n${USAGE.join("\n")}`)];
      }
      case "open":
        return open(ctx, args.line);
      case "in":
        return signInSelf(ctx, args.id);
      case "add":
        return addPaper(ctx, args.id, args.names);
      case "close":
        return finish(ctx, args.id, false);
      case "cancel":
        return finish(ctx, args.id, true);
      case "list": {
        const s = await target(ctx, args.id, "名单");
        if (!("id" in s)) return [s];
        // Posted again as a new card (the old one may have scrolled away): not an edit.
        const again = await card(ctx, s);
        return [{ ...again, replaces: undefined, signInId: undefined }];
      }
    }
  },
});
