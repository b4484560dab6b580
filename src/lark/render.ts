// The core's replies → Lark messages. A plain reply is a `text` message; a record confirmation
// or a draft is an interactive card (JSON 2.0) whose buttons call back with the command they
// run; a file is uploaded and posted as a `file` message. Everything user-written is shown
// literally: cards use plain_text, text messages have Lark's <at>/<b> tags and [link](url)
// syntax broken with an invisible zero-width space.
import type { Mention, Reply } from "../core/types.js";

export type OutPart =
  | { type: "text"; content: string }
  | { type: "card"; content: string }
  | { type: "file"; name: string; data: Buffer; fileType: LarkFileType };

export type LarkFileType = "opus" | "mp4" | "pdf" | "doc" | "xls" | "ppt" | "stream";

/** A card message may be 30 KB; keep a margin for the request envelope. */
export const CARD_MAX_BYTES = 29 * 1024;
/** A text message may be 150 KB; chunks are cut well below it (measured as sent, JSON-escaped). */
export const TEXT_MAX_BYTES = 120 * 1024;

const ZWSP = "\u200B";

/** Lark's text messages read <at …>, <b>, <i>, <u>, <s> and [text](url): keep them inert. */
export function neutralise(text: string): string {
  return text.replace(/<(?=[A-Za-z/!])/g, `<${ZWSP}`).replace(/\]\(/g, `]${ZWSP}(`);
}

/** Size of a string once it sits JSON-encoded inside the JSON-encoded `content` of a request. */
function sentBytes(s: string): number {
  return Buffer.byteLength(JSON.stringify(JSON.stringify(s))) - 6;
}

/** Splits a long text at line breaks into chunks that each fit one message. */
export function splitText(text: string, maxBytes = TEXT_MAX_BYTES): string[] {
  const chunks: string[] = [];
  let current: string[] = [];
  let size = 0;
  const flush = () => {
    if (current.length) chunks.push(current.join("\n"));
    current = [];
    size = 0;
  };
  for (const line of text.split("\n")) {
    for (const piece of hardSplit(line, maxBytes)) {
      const cost = sentBytes(piece) + 4;
      if (size + cost > maxBytes) flush();
      current.push(piece);
      size += cost;
    }
  }
  flush();
  return chunks.filter((c) => c.trim().length > 0);
}

/** A single line longer than a message is cut by characters (never inside a surrogate pair). */
function hardSplit(line: string, maxBytes: number): string[] {
  if (sentBytes(line) + 4 <= maxBytes) return [line];
  const pieces: string[] = [];
  let piece = "";
  let size = 0;
  for (const ch of line) {
    const cost = sentBytes(ch);
    if (size + cost + 4 > maxBytes) {
      pieces.push(piece);
      piece = "";
      size = 0;
    }
    piece += ch;
    size += cost;
  }
  if (piece) pieces.push(piece);
  return pieces;
}

export function textContent(text: string, mentions: Mention[] = []): string {
  const at = larkIds(mentions)
    .map((m) => `<at user_id="${m.userId}">${m.name.replace(/[<>"&]/g, "")}</at> `)
    .join("");
  return JSON.stringify({ text: (at ? `${at}\n` : "") + neutralise(text) });
}

/** The people a message mentions whose id Feishu can take as a user id (open_id, user_id). */
function larkIds(mentions: Mention[] | undefined): Mention[] {
  return (mentions ?? []).filter((m) => /^[A-Za-z0-9_-]{1,64}$/.test(m.userId));
}

function plain(content: string) {
  return { tag: "plain_text", content };
}

const TEMPLATES: Record<string, string> = { record: "green", draft: "blue", error: "red", info: "blue" };
const DEFAULT_TITLES: Record<string, string> = { record: "已记录", draft: "报告草稿", error: "出错了", info: "台账机器人" };

/** Card JSON 2.0: a header, the reply's text as plain text, a button per action. */
export function buildCard(reply: Reply, body = reply.text): Record<string, unknown> {
  const kind = reply.kind ?? "info";
  const title = reply.title?.trim() || DEFAULT_TITLES[kind] || DEFAULT_TITLES.info;
  // A draft's text opens with its own title, which the header already shows.
  let shown = body;
  if (shown.startsWith(`${title}\n`)) shown = shown.slice(title.length + 1).replace(/^\n+/, "");
  const elements: Record<string, unknown>[] = [];
  // A card mentions people in a markdown element; the text itself stays plain (never markdown).
  const at = larkIds(reply.mentions);
  if (at.length) elements.push({ tag: "markdown", content: at.map((m) => `<at id=${m.userId}></at>`).join(" ") });
  if (shown.trim()) elements.push({ tag: "div", text: plain(shown) });
  (reply.actions ?? []).forEach((a, i) => {
    elements.push({
      tag: "button",
      text: plain(a.label),
      type: kind === "draft" && i === 0 ? "primary" : "default",
      behaviors: [{ type: "callback", value: { command: a.command } }],
    });
  });
  return {
    schema: "2.0",
    config: { update_multi: true },
    header: { title: plain(title), template: TEMPLATES[kind] ?? "blue" },
    body: { elements },
  };
}

function cardFits(card: Record<string, unknown>): boolean {
  return sentBytes(JSON.stringify(card)) <= CARD_MAX_BYTES;
}

export function fileTypeOf(name: string): LarkFileType {
  const ext = /\.([A-Za-z0-9]+)$/.exec(name)?.[1]?.toLowerCase() ?? "";
  if (ext === "doc" || ext === "docx") return "doc";
  if (ext === "xls" || ext === "xlsx") return "xls";
  if (ext === "ppt" || ext === "pptx") return "ppt";
  if (ext === "pdf") return "pdf";
  if (ext === "mp4") return "mp4";
  if (ext === "opus") return "opus";
  return "stream";
}

function textParts(text: string, mentions?: Mention[]): OutPart[] {
  return splitText(text).map((t, i) => ({ type: "text", content: textContent(t, i === 0 ? mentions : []) }));
}

/** The messages one reply becomes, in order. */
export function renderReply(reply: Reply): OutPart[] {
  if (reply.file) {
    return [
      ...textParts(reply.text),
      { type: "file", name: reply.file.name, data: reply.file.data, fileType: fileTypeOf(reply.file.name) },
    ];
  }
  const actions = reply.actions ?? [];
  if (reply.kind === "record" || reply.kind === "draft" || actions.length) {
    const card = buildCard(reply);
    if (cardFits(card)) return [{ type: "card", content: JSON.stringify(card) }];
    // Too long for a card (a long draft): the text in as many messages as it needs, then the
    // buttons on a small card of their own.
    const parts = textParts(reply.text, reply.mentions);
    if (actions.length) {
      const tail = buildCard({ ...reply, mentions: undefined }, "内容较长，已分条发送。");
      parts.push({ type: "card", content: JSON.stringify(tail) });
    }
    return parts;
  }
  return textParts(reply.text, reply.mentions);
}

/** The toast a card button press answers with: the command's first line, or what became of it. */
export function toast(replies: Reply[] | null | undefined | "timeout"): Record<string, unknown> {
  if (replies === "timeout") return { toast: { type: "info", content: "正在处理…" } };
  if (replies === null) return { toast: { type: "info", content: "已处理过" } };
  if (!replies) return { toast: { type: "error", content: "处理失败，请稍后再试" } };
  const first = replies[0];
  if (!first) return {};
  const line = (first.toast ?? first.text.split("\n")[0]).slice(0, 60);
  return { toast: { type: first.kind === "error" ? "error" : "success", content: line } };
}
