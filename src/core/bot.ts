// The one port every platform adapter sees. An adapter turns its platform's events into
// CoreEvents and registers a Sender that turns core replies into platform calls; everything in
// between is here, the same for every platform:
//
//   ignore bots → de-duplicate (claim the event's keys) → the router (rate limit, permission,
//   handler, error boundary) → replies out through the one outbound path → keys marked done
//
// plus greetings on join (a welcome back for a chat that is still bound), chat moves, one-off
// claims, "does this line address me", in-flight tracking and a drain with one stop timeout.
import type { Router } from "./router.js";
import { STORE_BUSY, isStoreUnavailable, splitCommand } from "./router.js";
import type { CoreEvent, InboundMessage, Reply } from "./types.js";
import { errorReply, text } from "./types.js";
import { ANONYMOUS_HINT, NON_TEXT_HINT, greeting } from "./greetings.js";
import { Outbound, type OutboundOptions, type Sender, type Target } from "./outbound.js";
import type { Ledger } from "../store/ledger.js";
import { Inbox } from "../store/inbox.js";
import { OutboxStore } from "../store/outbox.js";
import type { Db } from "../store/connect.js";
import { lookupWord } from "../domain/catalog.js";
import { normaliseText } from "../domain/parser.js";
import type { Clock } from "../time.js";

export type LogFn = (event: string, detail: Record<string, unknown>) => void;

const isLocked = (e: unknown) =>
  /SQLITE_BUSY|database is locked/.test(`${(e as Error)?.message ?? e} ${(e as { code?: string })?.code ?? ""}`);

/** What the core needs of the app (src/app.ts). */
export interface CoreApp {
  router: Router;
  ledger: Ledger;
  clock: Clock;
  store: { db: Db };
}

export interface PlatformHooks {
  sender: Sender;
  /** The bot's names on the platform, for "/cmd@Name" (Telegram's username, Lark's app name). */
  names?: () => string[] | Promise<string[]>;
  /** A line the greeting adds for this platform (how commands are written there). */
  greetingNote?: () => string;
}

export interface BotCoreOptions {
  log?: LogFn;
  /** How long drain() waits for events being handled (default 15 s). */
  stopTimeoutMs?: number;
  /** How long a claim left "processing" by a dead process blocks a redelivery (default 2 min). */
  staleMs?: number;
  /** The outbound path's settings (retry policy, waits; tests inject sleep). */
  outbound?: Omit<OutboundOptions, "clock" | "log">;
}

export class BotCore {
  readonly inbox: Inbox;
  readonly outbound: Outbound;
  private readonly platforms = new Map<string, PlatformHooks>();
  private readonly inflight = new Set<Promise<unknown>>();
  private stopping = false;
  private readonly log: LogFn;

  constructor(
    private readonly app: CoreApp,
    private readonly o: BotCoreOptions = {},
  ) {
    this.log = o.log ?? (() => {});
    this.inbox = new Inbox(app.store.db, { clock: app.clock, staleMs: o.staleMs });
    this.outbound = new Outbound(new OutboxStore(app.store.db, app.clock), { ...o.outbound, clock: app.clock, log: this.log });
  }

  get clock(): Clock {
    return this.app.clock;
  }

  get isStopping(): boolean {
    return this.stopping;
  }

  /** An adapter registers its platform: its sender (for replies and the outbox) and its names. */
  attach(platform: string, hooks: PlatformHooks): void {
    this.platforms.set(platform, hooks);
    this.outbound.register(hooks.sender);
  }

  /** Keeps a piece of the adapter's work (a webhook request being read) in the drain. */
  track<T>(work: Promise<T>): Promise<T> {
    this.inflight.add(work);
    const forget = () => this.inflight.delete(work);
    work.then(forget, forget);
    return work;
  }

  /**
   * Handles one event: null when it was not for the bot or was a redelivery, else the replies
   * (already sent, or queued in the outbox when the platform would not take them). `onReplies`
   * sees them before they are sent (Lark's card toast). An event an adapter has taken is handled
   * even while the bot drains (refusing it then would lose an update the platform was already
   * answered for); adapters stop taking new ones when `isStopping`.
   */
  handle(ev: CoreEvent, opts: { onReplies?: (replies: Reply[]) => void } = {}): Promise<Reply[] | null> {
    return this.track(this.run(ev, opts));
  }

  private async run(ev: CoreEvent, opts: { onReplies?: (replies: Reply[]) => void }): Promise<Reply[] | null> {
    const platform = ev.type === "message" || ev.type === "button" ? ev.msg.platform : ev.platform;
    if ((ev.type === "message" || ev.type === "button") && ev.msg.fromBot) return null;
    const target = this.targetOf(ev);
    let claimed: boolean;
    try {
      claimed = await this.claim(platform, ev.keys);
    } catch (e) {
      // The store failed at the event claim, before the command: nothing was done under this
      // event, so the claim is given back and the person is told to send it again.
      if (!isStoreUnavailable(e) || !target) throw e;
      this.log("event.claim_failed", { platform, type: ev.type, error: String((e as Error)?.message ?? e) });
      // A locked SQLite file wrote nothing; a broken connection may have committed the claim.
      if (!isLocked(e)) await this.settle(() => this.inbox.release(platform, ev.keys));
      const reply: Reply = { ...errorReply(STORE_BUSY), retryable: true };
      const sender = this.platforms.get(platform)?.sender;
      await sender
        ?.send(target.chatId, { ...reply, deliveryId: `busy:${platform}:${ev.keys.at(-1) ?? ""}` }, { replyTo: target.replyTo })
        .catch(() => undefined);
      return [reply];
    }
    if (!claimed) return null;
    let replies: Reply[];
    try {
      replies = await this.respond(platform, ev);
    } catch (e) {
      await this.settle(() => this.inbox.release(platform, ev.keys));
      throw e;
    }
    opts.onReplies?.(replies);
    if (target) {
      const seed = ev.keys[ev.keys.length - 1] ?? `${target.chatId}`;
      for (const [i, reply] of replies.entries()) {
        await this.outbound
          .reply(platform, target, reply, `reply:${platform}:${seed}:${i}`)
          .catch((e) => this.log("reply.lost", { platform, chat: target.chatId, error: String((e as Error)?.message ?? e) }));
      }
    }
    // A command the store kept from running may come again under the same keys: its claim is
    // given back rather than closed, so the platform's (or the person's) resend is handled. A
    // claim that cannot be closed stays "processing": after the stale time a redelivery takes it
    // over, and the record's own source key keeps the ledger at one row.
    if (replies.some((r) => r.retryable)) await this.settle(() => this.inbox.release(platform, ev.keys));
    else await this.settle(() => this.inbox.done(platform, ev.keys));
    return replies;
  }

  /** Claims the keys in order; the first one found taken ends it (false: a redelivery). */
  private async claim(platform: string, keys: string[]): Promise<boolean> {
    // Two deliveries racing for the same keys always meet at the same key first, so exactly one
    // goes on (claiming on after a loss let each of two processes win one key, and neither
    // handled the update).
    const won: string[] = [];
    for (const key of keys) {
      if (!(await this.inbox.claim(platform, key))) {
        // The keys this delivery took are its own (a new update id of a known message): closed.
        await this.inbox.done(platform, won);
        return false;
      }
      won.push(key);
    }
    return true;
  }

  /** Bookkeeping after the fact, retried briefly while the store reconnects; a failure is logged. */
  private async settle(fn: () => Promise<void>): Promise<void> {
    for (let attempt = 1; ; attempt++) {
      try {
        return await fn();
      } catch (e) {
        // A connection that broke is worth another try at once; a locked SQLite file is not
        // (each try waits out the busy timeout while the lock holder goes on).
        if (attempt >= 4 || !isStoreUnavailable(e) || isLocked(e)) {
          this.log("event.bookkeeping_failed", { error: String((e as Error)?.message ?? e) });
          return;
        }
        await new Promise((r) => setTimeout(r, 25 * 2 ** attempt));
      }
    }
  }

  private targetOf(ev: CoreEvent): Target | null {
    switch (ev.type) {
      case "message":
      case "button":
        return { chatId: ev.msg.chatId, replyTo: ev.replyTo };
      case "unsupported":
      case "anonymous":
        return { chatId: ev.chatId, replyTo: ev.replyTo };
      case "joined":
        return { chatId: ev.chatId };
      default:
        return null;
    }
  }

  private async respond(platform: string, ev: CoreEvent): Promise<Reply[]> {
    switch (ev.type) {
      case "message":
      case "button":
        return this.app.router.handle(ev.msg, await this.names(platform));
      case "unsupported":
        return ev.direct ? [text(NON_TEXT_HINT)] : [];
      case "anonymous":
        return [errorReply(ANONYMOUS_HINT)];
      case "joined": {
        // Re-added to a chat that is still bound: say so instead of asking for /bind again.
        const chat = await this.app.ledger.chat(platform, ev.chatId, ev.chatTitle);
        const unit = chat.unitId === null ? null : await this.app.ledger.unit(chat.unitId);
        this.log("bot.added", { platform, chat: ev.chatId, bound: Boolean(unit) });
        return [text(greeting(unit?.name, this.platforms.get(platform)?.greetingNote?.()))];
      }
      case "left":
        this.log("bot.removed", { platform, chat: ev.chatId });
        return [];
      case "moved":
        await this.moveChat(platform, ev.from, ev.to);
        return [];
    }
  }

  /** The chat moved to a new id: its binding and history follow (idempotent). */
  async moveChat(platform: string, from: string, to: string): Promise<void> {
    const moved = await this.app.ledger.migrateChat(platform, from, to, `${platform}:system`);
    this.log("chat.migrated", { platform, from, to, moved: Boolean(moved) });
  }

  private async names(platform: string): Promise<string[]> {
    return (await this.platforms.get(platform)?.names?.()) ?? [];
  }

  /** Whether a line without a slash starts with a command name or a record word ("记录 …", "学习 12人"). */
  addresses(line: string): boolean {
    const parsed = splitCommand(normaliseText(line), this.app.router.table, { slashless: true, botUsernames: [] });
    return Boolean(parsed?.name && (this.app.router.table.has(parsed.name) || lookupWord(parsed.name)));
  }

  /** Whether the router has a command of this name (Telegram leaves /start alone if so). */
  hasCommand(name: string): boolean {
    return this.app.router.table.has(name);
  }

  /** The commands, for the platforms' "/" menus. */
  commands() {
    return [...new Set(this.app.router.table.values())];
  }

  /** Who a person is where they type, in words (the console's banner). */
  async roleName(msg: Pick<InboundMessage, "platform" | "chatId" | "userId" | "userName" | "asMember">): Promise<string> {
    const chat = await this.app.ledger.chat(msg.platform, msg.chatId);
    const member = await this.app.ledger.member(msg.platform, msg.userId, msg.userName);
    const role = this.app.router.roleOf(member, chat.unitId, msg.asMember);
    return { admin: "管理员", officer: "宣传员", member: "成员" }[role];
  }

  /** Marks the bot stopping (adapters refuse new events) and waits, at most the stop timeout, for those in flight; true when all finished. */
  async drain(timeoutMs = this.o.stopTimeoutMs ?? 15_000): Promise<boolean> {
    this.stopping = true;
    let timer: NodeJS.Timeout | undefined;
    const late = new Promise<false>((resolve) => (timer = setTimeout(resolve, timeoutMs, false)));
    const drained = (async () => {
      // Until nothing is left: work that was still arriving adds more after the first wait.
      while (this.inflight.size) await Promise.allSettled([...this.inflight]);
      return true as const;
    })();
    const done = await Promise.race([drained, late]);
    clearTimeout(timer);
    if (!done) this.log("bot.stop.late", { inflight: this.inflight.size });
    return done;
  }
}
