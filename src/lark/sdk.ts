// The SDK's plumbing, set up the way the bot needs it: the domain a deployment names, the SDK's
// own log lines reduced to what is safe to keep, and a timeout on every Open API call.
import * as lark from "@larksuiteoapi/node-sdk";

export type LogFn = (event: string, detail: Record<string, unknown>) => void;

/** LARK_DOMAIN → what the SDK takes: its Feishu/Lark constants, or a base URL without a trailing slash. */
export function larkDomain(value: string | undefined): lark.Domain | string {
  const v = (value ?? "").trim();
  if (!v || v.toLowerCase() === "feishu") return lark.Domain.Feishu;
  if (v.toLowerCase() === "lark") return lark.Domain.Lark;
  return v.replace(/\/+$/, "");
}

/**
 * One SDK log argument, reduced to what is safe to keep: the SDK logs whole axios errors, whose
 * request config holds message bodies, headers with the token, and on the token call the app
 * secret. Only status, Lark's code and msg, and the path survive.
 */
function summarise(x: unknown, depth = 0): unknown {
  if (typeof x === "string") return x.slice(0, 500);
  if (typeof x === "number" || typeof x === "boolean" || x === null || x === undefined) return x;
  if (Array.isArray(x)) return depth > 2 ? "[…]" : x.map((y) => summarise(y, depth + 1));
  if (typeof x !== "object") return typeof x;
  const o = x as Record<string, any>;
  const out: Record<string, unknown> = {};
  if (typeof o.message === "string") out.message = o.message.slice(0, 300);
  if (typeof o.code === "number" || typeof o.code === "string") out.code = o.code;
  if (typeof o.msg === "string") out.msg = o.msg.slice(0, 300);
  const response = o.response;
  if (response && typeof response === "object") {
    out.status = response.status;
    if (response.data && typeof response.data === "object") {
      out.code = response.data.code;
      out.msg = typeof response.data.msg === "string" ? response.data.msg.slice(0, 300) : undefined;
    }
  }
  const url = o.config?.url;
  if (typeof url === "string") out.path = url.replace(/^https?:\/\/[^/]+/, "").split("?")[0];
  return out;
}

/** Routes the SDK's own log lines into the bot's structured log, without bodies or secrets. */
export function sdkLogger(log: LogFn): lark.Logger {
  const line =
    (level: string) =>
    (...msg: unknown[]) => {
      log("lark.sdk", { level, args: msg.map((m) => summarise(m)) });
    };
  return { error: line("error"), warn: line("warn"), info: line("info"), debug: line("debug"), trace: line("trace") };
}

/** The SDK's HTTP instance with a timeout on every call (axios has none by default). */
export function withTimeout(base: lark.HttpInstance, ms: number): lark.HttpInstance {
  const t = <D>(o?: lark.HttpRequestOptions<D>): lark.HttpRequestOptions<D> => ({ timeout: ms, ...(o ?? {}) });
  return {
    request: (o) => base.request(t(o)),
    get: (url, o) => base.get(url, t(o)),
    delete: (url, o) => base.delete(url, t(o)),
    head: (url, o) => base.head(url, t(o)),
    options: (url, o) => base.options(url, t(o)),
    post: (url, data, o) => base.post(url, data, t(o)),
    put: (url, data, o) => base.put(url, data, t(o)),
    patch: (url, data, o) => base.patch(url, data, t(o)),
  };
}
