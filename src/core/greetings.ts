// What the bot says when it joins a chat, and to a chat that is not bound yet.
import { UNBOUND_HINT } from "./router.js";

export const JOIN_GREETING = `大家好，我是意识形态工作台账机器人：用一句话登记会议、学习、宣传发放等工作，按台账数字生成报告草稿，并在截止前提醒。
${UNBOUND_HINT}
绑定后发送 /帮助 查看全部命令，例如：/记录 学习 中心组学习 12人`;

export { UNBOUND_HINT };
