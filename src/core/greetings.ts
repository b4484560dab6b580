// What the bot says when it joins a chat (or is added back to one still bound), to a chat that is
// not bound yet, and to messages it cannot take. Each platform may add a note on how commands
// are written there (Telegram groups need /cmd@Bot).
import { UNBOUND_HINT } from "./router.js";

export const JOIN_GREETING = `大家好，我是意识形态工作台账机器人：用一句话登记会议、学习、宣传发放等工作，按台账数字生成报告草稿，并在截止前提醒。
${UNBOUND_HINT}
绑定后发送 /帮助 查看全部命令，例如：/记录 学习 中心组学习 12人`;

/** The greeting on joining; for a chat that is still bound, a welcome back instead of /bind again. */
export function greeting(boundUnit: string | null | undefined, platformNote?: string): string {
  const head = boundUnit
    ? `大家好，我是意识形态工作台账机器人。本群已绑定到「${boundUnit}」，可以继续登记工作，例如：/记录 学习 12人；发送 /帮助 查看全部命令。`
    : JOIN_GREETING;
  return platformNote ? `${head}\n${platformNote}` : head;
}

export const NON_TEXT_HINT =
  "目前只能识别文字命令，例如：/记录 学习 12人。照片和文件（签到表、会议记录）请回复那条记录的确认消息发送，或在照片说明里写 /记录 …。发送 /帮助 查看全部命令。";

export const ANONYMOUS_HINT =
  "以群组或频道身份（匿名管理员）发送的命令无法确认是谁发的，本条没有处理。请关闭「匿名发言」后以个人身份再发一次。";

export { UNBOUND_HINT };
