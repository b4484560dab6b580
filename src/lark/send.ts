// Posting to Lark through the SDK client: reply to a message or create one in a chat, upload a
// file, and turn every failure into a SendError the outbox understands — throttling (HTTP 400
// code 230020, HTTP 429 code 99991400 with x-ogw-ratelimit-reset) with a retry-after, server and
// network errors as retryable, everything else (bot not in the chat, bad content…) as permanent.
import crypto from "node:crypto";
import * as lark from "@larksuiteoapi/node-sdk";
import { SendError } from "../core/outbound.js";
import type { OutPart } from "./render.js";
import type { RateLimits } from "../core/rate-limit.js";

/** Lark's limits: 50 messages a second per app, 5 a second per group. */
export const LARK_LIMITS: RateLimits = { perSecond: 50, perChatPerMinute: 300, chatGapMs: 200 };

/** Message API: "triggers the frequency limit". */
export const CODE_MESSAGE_THROTTLED = 230020;
/** Gateway: "request trigger frequency limit". */
export const CODE_GATEWAY_THROTTLED = 99991400;
/** The tenant access token is missing, invalid or expired: fetch a new one and try again. */
const TOKEN_CODES = new Set([99991661, 99991663, 99991668]);
/** Lark's own "try again later" codes that come back with HTTP 200/400. */
const RETRYABLE_CODES = new Set([CODE_MESSAGE_THROTTLED, CODE_GATEWAY_THROTTLED, 1000004, 1000005, 99991402]);
/** Files Lark accepts: non-empty, at most 30 MB. */
export const MAX_FILE_BYTES = 30 * 1024 * 1024;

type Headers = Record<string, unknown> & { get?: (name: string) => unknown };

function header(headers: Headers | undefined, name: string): string | undefined {
  if (!headers) return undefined;
  const v = typeof headers.get === "function" ? headers.get(name) : (headers[name] ?? headers[name.toLowerCase()]);
  if (Array.isArray(v)) return String(v[0]);
  return v === undefined || v === null ? undefined : String(v);
}

function resetSeconds(headers: Headers | undefined): number | undefined {
  const raw = header(headers, "x-ogw-ratelimit-reset");
  const n = raw === undefined ? NaN : Number(raw);
  return Number.isFinite(n) && n >= 0 ? Math.max(1, Math.ceil(n)) : undefined;
}

/** An API answer or failure → SendError (status undefined: HTTP 200 with code ≠ 0). */
export function classify(status: number | undefined, code: number | undefined, msg: string, headers?: Headers): SendError {
  const text = `lark ${status ?? 200}${code !== undefined ? ` code ${code}` : ""}: ${msg}`.slice(0, 500);
  if (code === CODE_MESSAGE_THROTTLED) return new SendError(text, resetSeconds(headers) ?? 1);
  if (status === 429 || code === CODE_GATEWAY_THROTTLED) return new SendError(text, resetSeconds(headers) ?? 1);
  if (code !== undefined && TOKEN_CODES.has(code)) return new SendError(text);
  if (status !== undefined && (status >= 500 || status === 408)) return new SendError(text);
  if (code !== undefined && RETRYABLE_CODES.has(code)) return new SendError(text);
  return new SendError(text, undefined, true);
}

/** Whatever the SDK threw (an AxiosError, a network error…) → SendError. */
export function toSendError(e: unknown): SendError {
  if (e instanceof SendError) return e;
  const err = e as { message?: string; code?: string; response?: { status?: number; data?: unknown; headers?: Headers } };
  const resp = err?.response;
  if (resp && typeof resp.status === "number") {
    const data = resp.data && typeof resp.data === "object" ? (resp.data as { code?: unknown; msg?: unknown }) : {};
    const code = typeof data.code === "number" ? data.code : undefined;
    const msg =
      typeof data.msg === "string" ? data.msg : typeof resp.data === "string" ? resp.data.slice(0, 200) : String(err.message ?? "");
    return classify(resp.status, code, msg, resp.headers);
  }
  // No answer at all: connection refused or reset, DNS, timeout. Safe to retry (sends carry a uuid).
  return new SendError(`lark unreachable: ${err?.code ? `${err.code} ` : ""}${err?.message ?? String(e)}`.slice(0, 500));
}

/** A Lark `uuid` (≤ 50 characters) from a stable seed: the same send is de-duplicated for 1 h. */
export function sendUuid(...parts: (string | number)[]): string {
  return crypto.createHash("sha256").update(parts.join("\u0000")).digest("hex").slice(0, 32);
}

export interface Target {
  chatId: string;
  /** Reply to this message (the command's); falls back to a new message in the chat. */
  replyTo?: string;
}

interface ApiAnswer {
  code?: number;
  msg?: string;
  data?: { message_id?: string };
}

export class LarkMessenger {
  /** file_key of a file already uploaded, by the send's uuid, so a retried file message does not upload twice. */
  private readonly uploaded = new Map<string, string>();

  constructor(
    private readonly client: lark.Client,
    private readonly cache: lark.DefaultCache,
  ) {}

  private check(res: ApiAnswer | null | undefined): string | undefined {
    if (!res || typeof res !== "object") throw new SendError("lark: empty answer");
    if (res.code !== 0 && res.code !== undefined) throw this.failed(classify(undefined, res.code, String(res.msg ?? "")), res.code);
    return res.data?.message_id;
  }

  private failed(err: SendError, code: unknown): SendError {
    // A rejected token stays cached until it expires: drop it so the retry fetches a new one.
    if (typeof code === "number" && TOKEN_CODES.has(code)) this.cache.values.clear();
    return err;
  }

  private async call<T>(fn: () => Promise<T>): Promise<T> {
    try {
      return await fn();
    } catch (e) {
      if (e instanceof SendError) throw e;
      const data = (e as { response?: { data?: { code?: unknown } } })?.response?.data;
      throw this.failed(toSendError(e), data && typeof data === "object" ? data.code : undefined);
    }
  }

  /** Posts one message; returns its message_id when Lark says. */
  async post(target: Target, msgType: string, content: string, uuid?: string): Promise<string | undefined> {
    if (target.replyTo) {
      const replyTo = target.replyTo;
      try {
        return await this.call(async () =>
          this.check(await this.client.im.v1.message.reply({ path: { message_id: replyTo }, data: { content, msg_type: msgType, uuid } })),
        );
      } catch (e) {
        // The command's message is gone (recalled) or cannot be replied to: say it in the chat.
        if (!(e instanceof SendError) || !e.permanent) throw e;
      }
    }
    return this.call(async () =>
      this.check(
        await this.client.im.v1.message.create({
          params: { receive_id_type: "chat_id" },
          data: { receive_id: target.chatId, msg_type: msgType, content, uuid },
        }),
      ),
    );
  }

  /**
   * Updates one of the bot's cards in place (a sign-in's list). False when Lark will not (the
   * message is gone, too old, or not a card the bot sent), so the caller posts it anew.
   */
  async patchCard(messageId: string, content: string): Promise<boolean> {
    try {
      await this.call(async () =>
        this.check(await this.client.im.v1.message.patch({ path: { message_id: messageId }, data: { content } })),
      );
      return true;
    } catch (e) {
      if (e instanceof SendError && e.permanent) return false;
      throw e;
    }
  }

  /** Uploads a file for a file message; returns its file_key. */
  async upload(name: string, data: Buffer, fileType: OutFileType): Promise<string> {
    if (data.length === 0) throw new SendError(`lark: file ${name} is empty`, undefined, true);
    if (data.length > MAX_FILE_BYTES) throw new SendError(`lark: file ${name} is larger than 30 MB`, undefined, true);
    const res = await this.call(() => this.client.im.v1.file.create({ data: { file_type: fileType, file_name: name, file: data } }));
    if (!res?.file_key) throw new SendError(`lark: upload of ${name} was refused`);
    return res.file_key;
  }

  /** Sends one rendered part; `uuid` makes a retried send idempotent on Lark's side. */
  async sendPart(target: Target, part: OutPart, uuid?: string): Promise<string | undefined> {
    if (part.type === "text") return this.post(target, "text", part.content, uuid);
    else if (part.type === "card") return this.post(target, "interactive", part.content, uuid);
    else {
      const key = uuid ?? "";
      const fileKey = (uuid && this.uploaded.get(key)) || (await this.upload(part.name, part.data, part.fileType));
      if (uuid) {
        if (this.uploaded.size > 1000) this.uploaded.clear();
        this.uploaded.set(key, fileKey);
      }
      return this.post(target, "file", JSON.stringify({ file_key: fileKey }), uuid);
    }
  }

  /** A picture's or file's bytes from a message (the message-resource API). */
  async resource(messageId: string, ref: string): Promise<Buffer> {
    const [type, key] = ref.split(":", 2) as ["image" | "file", string];
    const res = await this.call(() =>
      this.client.im.v1.messageResource.get({ path: { message_id: messageId, file_key: key }, params: { type } }),
    );
    const chunks: Buffer[] = [];
    for await (const c of res.getReadableStream()) chunks.push(Buffer.from(c as Buffer));
    return Buffer.concat(chunks);
  }
}

type OutFileType = Extract<OutPart, { type: "file" }>["fileType"];
