// Plain-language reports: a message that is not a command but tells of work done —
// 今天组织了中心组学习，12人参加 · 上午在小区广场发放反诈宣传单300余份 · 昨天召开了支委会，研究意识形态工作.
// Read with the parser's own pieces (catalog words anywhere in the sentence, longest first;
// figures, days, 在… places), and conservative: chatter, questions, plans and anything the parser
// would refuse give null. The caller asks the author to confirm before anything is stored.
// Pure; never throws.
import { readRecord, normaliseText, type RecordDraft } from "./parser.js";

/** Longer messages are documents or forwarded notices, not one report. */
const MAX_CHARS = 200;

/** Questions: 明天开会吗？ 几点学习？ */
const QUESTION =
  /[?？]|吗[。.!！~～]*$|呢[。.!！~～]*$|么[。.!！~～]*$|是否|有没有|能不能|要不要|可不可以|几点|几号|多少|怎么|什么|哪里|哪天|谁/;

/** Plans, notices and requests: what has not happened yet. */
const NOT_YET =
  /明天|明日|后天|下周|下星期|下礼拜|下个?月|下午开会|将于|将要|即将|准备|计划|打算|拟于|拟定|预计|安排|通知|请各|请大家|请于|请按时|务必|记得|别忘|要求|需要|tomorrow|next\s/i;

/** A report says what was done. */
const DONE_VERB =
  /组织|召开|开展|举办|举行|进行|参加|参与|发放|张贴|悬挂|宣讲|推送|发布|上报|报送|录用|处置|走访|慰问|观看|签订|更新|学习了|开了|完成|共计|累计|惠及/;

/** And when, or how many, or that it is over. */
const FACT =
  /\d|[一二两三四五六七八九十百千万]+[人名位次场份张条篇期户]|今天|今日|昨天|昨日|前天|上午|下午|晚上|上周|周[一二三四五六日天]|[月日号]|了|已/;

/**
 * The record a sentence reports, or null when it does not read as one (chatter, a question, a
 * plan, no kind word, or anything the command parser would refuse: a future day, two kinds…).
 */
export function readPlainReport(text: string, today: string): RecordDraft | null {
  try {
    const t = normaliseText(String(text ?? "")).trim();
    if (!t || [...t].length > MAX_CHARS || /^[/／]/.test(t)) return null;
    if (QUESTION.test(t) || NOT_YET.test(t)) return null;
    if (!DONE_VERB.test(t) || !FACT.test(t)) return null;
    // Labels and quotes read as in a command; everything else as words of a sentence.
    return readRecord(t, today, "plain");
  } catch {
    return null;
  }
}
