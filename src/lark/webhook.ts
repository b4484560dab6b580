// The HTTP event endpoint (/lark/events) in front of the SDK's EventDispatcher. It does what
// lark.adaptDefault does, plus what that adapter leaves out: the body is read as bytes (a
// multi-byte character split across chunks cannot corrupt it), the signature is checked against
// the bytes Lark signed (as well as the SDK's re-serialised form), the verification token is
// compared when there is no encrypt key (the SDK never checks it for schema-2.0 events), and a
// rejected request gets a 4xx instead of an empty 200.
import crypto from "node:crypto";
import type http from "node:http";
import type * as lark from "@larksuiteoapi/node-sdk";
import type { Handler } from "../http/server.js";

export const MAX_EVENT_BYTES = 1024 * 1024;

export interface WebhookOptions {
  dispatcher: lark.EventDispatcher;
  encryptKey?: string;
  verificationToken?: string;
  log: (event: string, detail: Record<string, unknown>) => void;
  /** False once the adapter is stopping: Lark is told to come back later (it retries). */
  accepting: () => boolean;
}

/** AES-256-CBC with key sha256(encryptKey); the base64 text is IV ‖ ciphertext. */
export function decryptEvent(encrypted: string, encryptKey: string): string {
  const key = crypto.createHash("sha256").update(encryptKey).digest();
  const buf = Buffer.from(encrypted, "base64");
  const decipher = crypto.createDecipheriv("aes-256-cbc", key, buf.subarray(0, 16));
  return Buffer.concat([decipher.update(buf.subarray(16)), decipher.final()]).toString("utf8");
}

/** hex(sha256(timestamp + nonce + encryptKey + body)). */
export function eventSignature(timestamp: string, nonce: string, encryptKey: string, body: Buffer | string): string {
  return crypto
    .createHash("sha256")
    .update(timestamp + nonce + encryptKey)
    .update(body)
    .digest("hex");
}

function sameHex(a: string, b: string): boolean {
  const x = Buffer.from(a, "utf8");
  const y = Buffer.from(b, "utf8");
  return x.length === y.length && crypto.timingSafeEqual(x, y);
}

function headerValue(req: http.IncomingMessage, name: string): string {
  const v = req.headers[name];
  return Array.isArray(v) ? (v[0] ?? "") : (v ?? "");
}

/** True when the request carries a valid signature over its body. */
export function signatureValid(req: http.IncomingMessage, raw: Buffer, parsed: unknown, encryptKey: string): boolean {
  const timestamp = headerValue(req, "x-lark-request-timestamp");
  const nonce = headerValue(req, "x-lark-request-nonce");
  const signature = headerValue(req, "x-lark-signature").toLowerCase();
  if (!timestamp || !signature) return false;
  if (sameHex(eventSignature(timestamp, nonce, encryptKey, raw), signature)) return true;
  // What the SDK itself checks: the parsed body serialised again.
  return sameHex(eventSignature(timestamp, nonce, encryptKey, JSON.stringify(parsed)), signature);
}

function readBody(req: http.IncomingMessage, limit: number): Promise<Buffer | null> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    let over = false;
    req.on("data", (chunk: Buffer) => {
      size += chunk.length;
      if (size > limit) over = true;
      else chunks.push(chunk);
    });
    req.on("end", () => resolve(over ? null : Buffer.concat(chunks)));
    req.on("error", reject);
  });
}

function answer(res: http.ServerResponse, status: number, body?: unknown): void {
  if (body === undefined) {
    res.writeHead(status);
    res.end();
    return;
  }
  const text = JSON.stringify(body);
  res.writeHead(status, { "content-type": "application/json; charset=utf-8", "content-length": Buffer.byteLength(text) });
  res.end(text);
}

type Json = Record<string, unknown>;

function tokenOf(plain: Json): unknown {
  const headerPart = plain.header;
  if (plain.schema && headerPart && typeof headerPart === "object") return (headerPart as Json).token;
  return plain.token;
}

export function createWebhookHandler(o: WebhookOptions): Handler {
  return async (req, res) => {
    if (req.method !== "POST") return answer(res, 405);
    if (!o.accepting()) return answer(res, 503);
    const raw = await readBody(req, MAX_EVENT_BYTES);
    if (raw === null) return answer(res, 413);
    let body: unknown;
    try {
      body = JSON.parse(raw.toString("utf8"));
    } catch {
      return answer(res, 400);
    }
    if (!body || typeof body !== "object" || Array.isArray(body)) return answer(res, 400);
    const outer = body as Json;

    let plain: Json = outer;
    if (typeof outer.encrypt === "string") {
      if (!o.encryptKey) {
        o.log("lark.webhook.encrypted_without_key", { hint: "set LARK_ENCRYPT_KEY to the console's Encrypt Key" });
        return answer(res, 400);
      }
      try {
        plain = JSON.parse(decryptEvent(outer.encrypt, o.encryptKey)) as Json;
      } catch {
        o.log("lark.webhook.decrypt_failed", { hint: "LARK_ENCRYPT_KEY does not match the console's Encrypt Key" });
        return answer(res, 400);
      }
    }

    // The URL-verification challenge is not signed: the verification token is its only proof.
    if (plain.type === "url_verification") {
      if (o.verificationToken && plain.token !== o.verificationToken) {
        o.log("lark.webhook.bad_token", { type: "url_verification" });
        return answer(res, 403);
      }
      return answer(res, 200, { challenge: plain.challenge });
    }

    if (o.encryptKey) {
      if (!signatureValid(req, raw, body, o.encryptKey)) {
        o.log("lark.webhook.bad_signature", { timestamp: headerValue(req, "x-lark-request-timestamp") });
        return answer(res, 401);
      }
    }
    if (o.verificationToken && tokenOf(plain) !== o.verificationToken) {
      o.log("lark.webhook.bad_token", { type: String((plain.header as Json | undefined)?.event_type ?? plain.type ?? "") });
      return answer(res, 401);
    }

    // Headers go on the prototype, where the SDK looks for them (larksuite/node-sdk#46).
    const data = Object.assign(Object.create({ headers: req.headers }), outer);
    const value = await o.dispatcher.invoke(data, { needCheck: false });
    answer(res, 200, value && typeof value === "object" ? value : {});
  };
}
