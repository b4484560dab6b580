// A test harness in the manner of Errbot's test backend: say(text, {user, chat}) resolves with the
// bot's replies, against a real SQLite file and a clock the test controls. No sleeps, no mocks.
// Messages go through the same core port as the platforms (de-duplication included), and the
// replies come back through a capturing sender registered like a platform's.
import type { ObjectStoreOptions } from "../src/store/objects.js";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { createApp, type App } from "../src/app.js";
import { parseDeployment, loadDeployment, type Deployment } from "../src/config/deployment.js";
import type { InboundMessage, Reply } from "../src/core/types.js";
import { BotCore, type BotCoreOptions } from "../src/core/bot.js";
import { EvidenceRefused } from "../src/core/evidence.js";
import { freshDatabaseUrl, dropDatabase } from "./db.js";
import type { AbuseLimits } from "../src/core/abuse.js";

export interface Harness {
  app: App;
  core: BotCore;
  /** Everything the core sent, in order, with the chat it went to. */
  sent: { chat: string; reply: Reply }[];
  dir: string;
  /** The store's DATABASE_URL (a SQLite file, or a PostgreSQL database under TEST_STORE=postgres). */
  url: string;
  /** The instant the next message is sent at; tests move it. */
  now: Date;
  /** What the test platform serves for an attachment's ref (the download hook reads here). */
  files: Map<string, Buffer>;
  say(text: string, opts?: SayOptions): Promise<Reply[]>;
  /** The replies' text joined, for exact-reply assertions. */
  ask(text: string, opts?: SayOptions): Promise<string>;
  close(): Promise<void>;
}

export type SayOptions = Partial<InboundMessage> & {
  user?: string;
  chat?: string;
  botUsernames?: string[];
  /** The delivery's de-duplication key (default: the chat and message id), as a platform's update id would be. */
  eventKey?: string;
};

export function tempDir(prefix = "ledger-test-"): string {
  return fs.mkdtempSync(path.join(os.tmpdir(), prefix));
}

let seq = 0;

export async function makeHarness(
  opts: {
    now?: string;
    config?: Deployment | string;
    admins?: string[];
    platform?: string;
    limits?: AbuseLimits | false;
    core?: BotCoreOptions;
    /** Another harness's store: a second bot on the same database (left for its owner to drop). */
    sharedUrl?: string;
    /** An object store for evidence bytes (none by default, whatever the environment says). */
    objectStore?: ObjectStoreOptions;
    /** Turns the web page on (its links name this address). */
    publicUrl?: string;
  } = {},
): Promise<Harness> {
  const dir = tempDir();
  const config = typeof opts.config === "string" ? parseDeployment(opts.config) : (opts.config ?? loadDeployment());
  const url = opts.sharedUrl ?? (await freshDatabaseUrl(dir));
  const platform = opts.platform ?? "test";
  let names = ["LedgerBot"];
  const h: Harness = {
    dir,
    core: undefined as unknown as BotCore,
    sent: [],
    url,
    now: new Date(opts.now ?? "2026-11-22T10:00:00+08:00"),
    files: new Map(),
    app: undefined as unknown as App,
    async say(text, o = {}) {
      seq += 1;
      const user = o.user ?? "admin";
      const chat = o.chat ?? "测试群";
      const { botUsernames, eventKey, user: _u, chat: _c, ...rest } = o;
      names = botUsernames ?? ["LedgerBot"];
      const msg: InboundMessage = {
        platform,
        chatId: chat,
        chatTitle: chat,
        userId: user,
        userName: user,
        messageId: `m${seq}`,
        text,
        sentAt: h.now,
        ...rest,
      };
      return (await h.core.handle({ type: "message", msg, keys: [eventKey ?? `msg:${msg.chatId}:${msg.messageId}`] })) ?? [];
    },
    async ask(text, o) {
      return (await h.say(text, o)).map((r) => r.text).join("\n---\n");
    },
    async close() {
      await h.app.close();
      if (!opts.sharedUrl) await dropDatabase(url);
      fs.rmSync(dir, { recursive: true, force: true });
    },
  };
  h.app = await createApp({
    databaseUrl: url,
    config,
    admins: opts.admins ?? [`${opts.platform ?? "test"}:admin`],
    clock: () => h.now,
    // The clock stands still in most tests: budgets would never refill. The abuse tests opt in.
    limits: opts.limits ?? false,
    objectStore: opts.objectStore ?? null,
    publicUrl: opts.publicUrl ?? null,
  });
  h.core = new BotCore(h.app, opts.core);
  h.core.attach(platform, {
    sender: { platform, send: async (chat, reply) => void h.sent.push({ chat, reply }) },
    names: () => names,
    download: async (att) => {
      const data = h.files.get(att.ref);
      if (!data) throw new EvidenceRefused("测试平台没有这个文件。");
      return data;
    },
  });
  return h;
}
