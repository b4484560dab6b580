// Sign-ins (签到) as the chat sees them: the card with its list, and closing it into one record.
// The /签到 command and the closing time (the scheduler's round) both close through closeSignIn,
// so the record, the card and the confirmation read the same whichever way a sign-in ended.
import type { Ledger, SignInRow, SignInEntryRow, RecordRow } from "../store/ledger.js";
import type { Reply } from "./types.js";
import { recordSummary } from "../domain/figures.js";
import { kindByCode } from "../domain/catalog.js";
import { runningTotal, recordDetails } from "./summaries.js";
import { chinaDay, chinaTime, dayLabel } from "../time.js";

/** The source key prefix of a record a sign-in made ("signin:12"). */
export const SIGN_IN_SOURCE = "signin:";

/** The names shown on a card; a long list ends with how many more signed in. */
const NAMES_ON_CARD = 60;

function namesLine(entries: SignInEntryRow[]): string {
  const pressed = entries.filter((e) => !e.paper).map((e) => e.name);
  const paper = entries.filter((e) => e.paper).map((e) => e.name);
  const list = (names: string[]) =>
    names.length > NAMES_ON_CARD ? `${names.slice(0, NAMES_ON_CARD).join("、")}等${names.length}人` : names.join("、");
  const parts = [pressed.length ? `已签到 ${pressed.length} 人：${list(pressed)}` : "还没有人签到"];
  if (paper.length) parts.push(`纸质补签 ${paper.length} 人：${list(paper)}`);
  return parts.join("\n");
}

/** What the session is: 中心组学习，主题「…」（12月2日）. */
function sessionLine(s: SignInRow): string {
  const d = s.draft;
  const what = [d.subtype ?? kindByCode(d.kind).label, d.title ? `「${d.title}」` : ""].join("");
  const extra = [d.topic ? `主题「${d.topic}」` : "", d.place ? `地点：${d.place}` : "", d.host ? `主持人：${d.host}` : ""].filter(Boolean);
  return `${what}（${dayLabel(d.day)}${d.timeOfDay ?? ""}）${extra.length ? `，${extra.join("，")}` : ""}`;
}

/** The closing time as the card says it: 10:30, or 12月3日 10:30 when it is not the session's day. */
export function closingLabel(at: Date, day: string): string {
  const t = chinaTime(at);
  const hhmm = t.format("HH:mm");
  return chinaDay(at) === day ? hhmm : `${dayLabel(chinaDay(at))} ${hhmm}`;
}

/** The card of an open sign-in: the session, the list so far, and its buttons. */
export function openCard(s: SignInRow, entries: SignInEntryRow[]): Reply {
  const closes = s.closesAt ? `${closingLabel(s.closesAt, s.draft.day)} 自动结束；` : "";
  return {
    kind: "info",
    title: `签到 #${s.id}`,
    text:
      `签到 #${s.id}：${sessionLine(s)}\n${namesLine(entries)}\n` +
      `参加的同志请点「签到」（每人一次）。${closes}宣传员可点「结束签到」或发送 /签到 结束 ${s.id}，结束后按签到名单登记。` +
      `纸质签到的可由宣传员补上：/签到 补签 ${s.id} 张三、李四`,
    actions: [
      { label: "签到", command: `/signin in ${s.id}` },
      { label: "结束签到", command: `/signin close ${s.id}` },
    ],
    signInId: s.id,
    ...(s.cardMessageId ? { replaces: s.cardMessageId } : {}),
  };
}

/** The card once closed: the final list and what became of it; no buttons. */
export function closedCard(s: SignInRow, entries: SignInEntryRow[], recordId: number | null): Reply {
  const how =
    s.outcome === "cancelled"
      ? "已取消，没有登记记录。"
      : s.outcome === "empty" || entries.length === 0
        ? "已结束，无人签到，没有登记记录。"
        : recordId
          ? `已结束，共 ${entries.length} 人，已按签到名单登记为记录 #${recordId}。`
          : `已结束，共 ${entries.length} 人，正在登记。`;
  return {
    kind: "info",
    title: `签到 #${s.id} 已结束`,
    text: `签到 #${s.id}：${sessionLine(s)}\n${entries.length ? `${namesLine(entries)}\n` : ""}${how}`,
    actions: [],
    signInId: s.id,
    ...(s.cardMessageId ? { replaces: s.cardMessageId } : {}),
  };
}

/** The record a sign-in's list makes: its participants are the names, kept as the attendance. */
async function recordOf(ledger: Ledger, s: SignInRow, entries: SignInEntryRow[], actor: string): Promise<RecordRow> {
  const draft = { ...s.draft, participants: entries.length, participantsApprox: false, attendees: entries.map((e) => e.name).join("、") };
  const { record } = await ledger.createRecord(draft, {
    unitId: s.unitId,
    chatId: s.chatId,
    memberId: s.memberId,
    platform: s.platform,
    sourceChat: s.chatExternalId,
    // The record's source key: a second close (another process, a retried pass) finds this one.
    messageId: `${SIGN_IN_SOURCE}${s.id}`,
    actor,
  });
  return record;
}

/** The chat's confirmation of the record a sign-in made, with the quarter's running total. */
async function confirmation(ledger: Ledger, s: SignInRow, record: RecordRow, entries: SignInEntryRow[], today: string): Promise<Reply> {
  const total = await runningTotal(ledger, record.unitId, record.kind, record.day, today).catch(() => "本季度累计可稍后发送 /统计 查看");
  const paper = entries.filter((e) => e.paper).length;
  const details = recordDetails({ ...record, attendees: null });
  return {
    kind: "record",
    title: "已按签到登记",
    text:
      `签到 #${s.id} 已结束，已记录 #${record.id}：${recordSummary(record)}（${dayLabel(record.day)}）。${total}。` +
      `签到名单 ${entries.length} 人${paper ? `（其中纸质补签 ${paper} 人）` : ""}已作为参加人员存入记录。${details ? `${details}。` : ""}` +
      `\n活动照片、纪要可回复本条消息发送，附到记录 #${record.id}。`,
    actions: [],
    recordId: record.id,
  };
}

export interface Closed {
  /** This call closed it (false: it was closed already, by someone else or at its time). */
  closedNow: boolean;
  replies: Reply[];
}

/**
 * Closes a sign-in once and makes its record: the card shows the final list, the chat gets the
 * record's confirmation. A sign-in closed already returns its final card only, and a close that
 * another process is completing returns nothing more to say.
 */
export async function closeSignIn(ledger: Ledger, s: SignInRow, actor: string, now: Date, cancel = false): Promise<Closed> {
  const outcome: "cancelled" | "closed" = cancel ? "cancelled" : "closed";
  const closedNow = await ledger.signIns.close(s.id, outcome, actor);
  // Closed now, the row is what this call wrote; closed before, it is read back for its end.
  const current: SignInRow = closedNow ? { ...s, closedAt: now, closedBy: actor, outcome } : ((await ledger.signIns.get(s.id)) ?? s);
  if (closedNow && outcome === "closed") return { closedNow, replies: await recordSignIn(ledger, current, actor, chinaDay(now)) };
  // Closed before (a late press sees the final list), or cancelled now.
  return { closedNow, replies: [closedCard(current, await ledger.signIns.entries(s.id), current.recordId)] };
}

/**
 * Makes the record of a closed sign-in and links it, once: the call that links it announces it
 * (the final card and the confirmation); any other finds it made and says nothing. The list is
 * read after the close, so a press that landed just before it counts.
 */
export async function recordSignIn(ledger: Ledger, s: SignInRow, actor: string, today: string): Promise<Reply[]> {
  const entries = await ledger.signIns.entries(s.id);
  if (!entries.length) {
    await ledger.signIns.markEmpty(s.id);
    return [closedCard({ ...s, outcome: "empty" }, entries, null)];
  }
  const record = await recordOf(ledger, s, entries, actor);
  if (!(await ledger.signIns.linkRecord(s.id, record.id))) return [];
  return [closedCard(s, entries, record.id), await confirmation(ledger, s, record, entries, today)];
}
