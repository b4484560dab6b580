// The one port every platform adapter sees. An adapter turns its platform's events into
// CoreEvents and registers a Sender that turns core replies into platform calls; everything in
// between is here, the same for every platform:
//
//   ignore bots → screen in memory (not for the bot, a flood, a garbled line: no database work) →
//   store in the inbox under the event's keys (a redelivery is recognised) → the platform is
//   answered → the router (permission, handler, error boundary) → replies out through the one
//   outbound path → the event closed
//
// plus taking over what a dead process left in the inbox, greetings on join (a welcome back for a
// chat that is still bound), chat moves, "does this line address me", in-flight tracking and a
// drain with one stop timeout.
import { takeEvidence, lazyEvidence, type Download } from "./evidence.js";
import { closeSignIn, recordSignIn } from "./signin.js";
import { randomUUID } from "node:crypto";
import type { Router, Screened } from "./router.js";
import { STORE_BUSY, isStoreUnavailable, splitCommand } from "./router.js";
import type { CoreEvent, InboundMessage, Reply } from "./types.js";
import { errorReply, text } from "./types.js";
import { ANONYMOUS_HINT, NON_TEXT_HINT, greeting } from "./greetings.js";
import { Outbound, type OutboundOptions, type Sender, type Target } from "./outbound.js";
import type { Ledger, SignInRow } from "../store/ledger.js";
import { Inbox, type Acceptance } from "../store/inbox.js";
import { OutboxStore } from "../store/outbox.js";
import type { Db } from "../store/connect.js";
import type { Sql } from "../store/sql.js";
import { lookupWord } from "../domain/catalog.js";
import { normaliseText } from "../domain/parser.js";
import { readPlainReport } from "../domain/plain.js";
import { recordSummary } from "../domain/figures.js";
import { chinaDay, dayLabel, type Clock } from "../time.js";

export type LogFn = (event: string, detail: Record<string, unknown>) => void;

/** What the core needs of the app (src/app.ts). */
export interface CoreApp {
  router: Router;
  ledger: Ledger;
  clock: Clock;
  store: { db: Db; sql: Sql };
}

export interface PlatformHooks {
  sender: Sender;
  /** The bot's names on the platform, for "/cmd@Name" (Telegram's username, Lark's app name). */
  names?: () => string[] | Promise<string[]>;
  /** A line the greeting adds for this platform (how commands are written there). */
  greetingNote?: () => string;
  /** Fetches a photo's or file's bytes from the platform; without it attachments are refused. */
  download?: Download;
}

export interface BotCoreOptions {
  log?: LogFn;
  /** How long drain() waits for events being handled (default 15 s). */
  stopTimeoutMs?: number;
  /** The heartbeat, and how often the inbox is swept for a dead process's events (default 5 s). */
  heartbeatMs?: number;
  /** A process silent for this long is dead and its events are taken over (default 15 s). */
  deadAfterMs?: number;
  /** The only bot process on its store (SQLite): at start every other owner's events are taken over at once. */
  soleProcess?: boolean;
  /** Waits between attempts to download a photo the platform failed to serve (default 0.5, 2, 5 s). */
  downloadWaitsMs?: number[];
  /** Waits between a command's attempts while the store reconnects (default 200 ms, 1 s); tests pass []. */
  retryWaitsMs?: number[];
  /** The outbound path's settings (retry policy, waits; tests inject sleep). */
  outbound?: Omit<OutboundOptions, "clock" | "log">;
  /** The longest the outbox and the pass's claims wait for the commands in flight (whenQuiet; default 25 ms). */
  quietMaxWaitMs?: number;
}

/**
 * What receiving an event came to, for the adapter's answer to the platform: "failed" wants the
 * platform to deliver it again (a retry status); everything else is answered at once.
 * `done` resolves when the event has been handled, with its replies (null: nothing to do).
 */
export interface Receipt {
  status: "ignored" | "answered" | "stored" | "duplicate" | "failed";
  done: Promise<Reply[] | null>;
}

const NOTHING: Promise<null> = Promise.resolve(null);
/** Attempts at one stored event before it is dropped with a reply (or, without one, left for good). */
const MAX_ATTEMPTS = 5;

export class BotCore {
  readonly inbox: Inbox;
  readonly outbound: Outbound;
  /** This process, as the owner of the inbox events it handles. */
  readonly owner = randomUUID();
  private readonly platforms = new Map<string, PlatformHooks>();
  private readonly inflight = new Set<Promise<unknown>>();
  /** Background work waiting for the commands in flight to finish (whenQuiet). */
  private quietWaiters: (() => void)[] = [];
  /** Inbox events being processed here, so a sweep never starts one twice. */
  private readonly processing = new Set<number>();
  /** Per chat, the tail of its events being processed: one chat's events are handled in order. */
  private readonly chains = new Map<string, Promise<unknown>>();
  private stopping = false;
  private timer: NodeJS.Timeout | null = null;
  private readonly log: LogFn;

  constructor(
    private readonly app: CoreApp,
    private readonly o: BotCoreOptions = {},
  ) {
    this.log = o.log ?? (() => {});
    this.inbox = new Inbox(app.store.db, app.store.sql, { clock: app.clock, deadAfterMs: o.deadAfterMs });
    this.outbound = new Outbound(new OutboxStore(app.store.db, app.clock, app.store.sql), {
      whenQuiet: () => this.whenQuiet(),
      ...o.outbound,
      clock: app.clock,
      log: this.log,
      onPosted: async (platform, chatId, ids, reply) => {
        if (reply.recordId !== undefined)
          for (const id of ids) await app.ledger.attachments.rememberSent(platform, chatId, id, reply.recordId);
        // The card is the message its buttons ride on: the last of a long reply.
        if (reply.signInId !== undefined && ids.length) await app.ledger.signIns.setCard(reply.signInId, ids[ids.length - 1]);
      },
    });
  }

  get clock(): Clock {
    return this.app.clock;
  }

  get isStopping(): boolean {
    return this.stopping;
  }

  /**
   * Starts the heartbeat and takes over what dead processes (on a SQLite file: any earlier
   * process) left pending, then sweeps again on every heartbeat. Call once platforms are attached.
   */
  async start(): Promise<void> {
    await this.inbox.heartbeat(this.owner);
    await this.inbox.prune().catch((e) => this.log("inbox.prune_failed", { error: String((e as Error)?.message ?? e) }));
    await this.sweep(Boolean(this.o.soleProcess));
    this.timer = setInterval(() => void this.tick(), this.o.heartbeatMs ?? 5_000);
    this.timer.unref();
  }

  private ticks = 0;
  private async tick(): Promise<void> {
    try {
      await this.inbox.heartbeat(this.owner);
      await this.sweep(false);
      // About once an hour: forget claims older than any redelivery.
      if (++this.ticks % 720 === 0) {
        await this.inbox.prune();
        // Bytes a crash left between download and commit, or of evidence removed a day ago.
        await this.app.ledger.attachments.sweepOrphans(new Date(this.app.clock().getTime() - 86_400_000));
      }
    } catch (e) {
      this.log("inbox.sweep_failed", { error: String((e as Error)?.message ?? e) });
    }
  }

  /** Takes over a dead process's pending events and processes them, oldest first. */
  async sweep(everyone = false): Promise<number> {
    if (this.stopping) return 0;
    const events = await this.inbox.takeOver(this.owner, { everyone });
    for (const e of events) {
      this.log("inbox.taken_over", { id: e.id, platform: e.platform });
      void this.track(this.process(e.id, storedEvent(e.payload)).catch(() => null));
    }
    return events.length;
  }

  /** The process dies here (tests): no heartbeat any more, nothing drained, nothing closed. */
  halt(): void {
    if (this.timer) clearInterval(this.timer);
    this.timer = null;
    this.stopping = true;
  }

  /** An adapter registers its platform: its sender (for replies and the outbox) and its names. */
  attach(platform: string, hooks: PlatformHooks): void {
    this.platforms.set(platform, hooks);
    this.outbound.register(hooks.sender);
  }

  /** Keeps a piece of the adapter's work (a webhook request being read) in the drain. */
  track<T>(work: Promise<T>): Promise<T> {
    this.inflight.add(work);
    const forget = () => {
      this.inflight.delete(work);
      if (this.inflight.size === 0 && this.quietWaiters.length) {
        const waiters = this.quietWaiters;
        this.quietWaiters = [];
        for (const wake of waiters) wake();
      }
    };
    work.then(forget, forget);
    return work;
  }

  /**
   * Resolves once no event is being received or handled here, or after `quietMaxWaitMs` at most:
   * the outbox awaits it before each message and the reminder pass before each claim, so that a
   * morning's thousands of reminders go out between people's commands instead of in front of
   * them. (All of it runs on this one event loop: a reminder's steps would otherwise sit between
   * each step of a command.) Under a load that never pauses they still go, a message per wait.
   */
  whenQuiet(): Promise<void> {
    if (this.inflight.size === 0) return Promise.resolve();
    return new Promise<void>((resolve) => {
      const timer = setTimeout(() => {
        this.quietWaiters = this.quietWaiters.filter((w) => w !== wake);
        resolve();
      }, this.o.quietMaxWaitMs ?? 25);
      const wake = () => {
        clearTimeout(timer);
        resolve();
      };
      this.quietWaiters.push(wake);
    });
  }

  /**
   * Takes one event: screens it, stores it in the inbox, and starts handling it. Resolves as soon
   * as the event is stored (or found to be a redelivery), so that the adapter answers the platform
   * only once nothing can be lost; `done` follows when it has been handled.
   */
  async receive(ev: CoreEvent, opts: { onReplies?: (replies: Reply[]) => void; quiet?: boolean } = {}): Promise<Receipt> {
    const platform = platformOf(ev);
    const target = this.targetOf(ev);
    let screened: Screened | null = null;
    if (ev.type === "message" || ev.type === "button") {
      if (ev.msg.fromBot) return { status: "ignored", done: NOTHING };
      screened = this.app.router.screen(evidenceLine(ev.msg), await this.names(platform));
      if (screened.kind === "ignore") return { status: "ignored", done: NOTHING };
      if (screened.kind === "reply") {
        // Answered from memory (a flood, a garbled line, an unknown command): nothing to store.
        const replies = screened.replies;
        opts.onReplies?.(replies);
        return { status: "answered", done: this.track(this.send(platform, target, ev.keys, replies).then(() => replies)) };
      }
    }
    let accepted: Acceptance;
    try {
      accepted = await this.track(this.inbox.accept(platform, ev.keys, chatOf(ev), JSON.stringify(ev), this.owner));
    } catch (e) {
      // The store cannot take the event (locked, full, unreachable): the platform is asked to
      // deliver it again, and the person is told that nothing was saved.
      this.log("inbox.store_failed", { platform, type: ev.type, error: String((e as Error)?.message ?? e) });
      if (!target || !isStoreUnavailable(e) || opts.quiet) return { status: "failed", done: NOTHING };
      const reply: Reply = { ...errorReply(STORE_BUSY), retryable: true };
      const sender = this.platforms.get(platform)?.sender;
      const told = sender
        ?.send(target.chatId, { ...reply, deliveryId: `busy:${platform}:${ev.keys.at(-1) ?? ""}` }, { replyTo: target.replyTo })
        .then(
          () => [reply],
          () => [reply],
        );
      return { status: "failed", done: told ?? Promise.resolve([reply]) };
    }
    if (accepted.status === "duplicate") return { status: "duplicate", done: NOTHING };
    const event = accepted.status === "takenOver" ? storedEvent(accepted.payload) : ev;
    if (accepted.status === "takenOver") this.log("inbox.taken_over", { id: accepted.id, platform, via: "redelivery" });
    return { status: "stored", done: this.track(this.process(accepted.id, event, opts)) };
  }

  /**
   * Takes one event and waits until it is handled: the replies, or null when it was not for the
   * bot, a redelivery, or being handled elsewhere. (The console, tests, Lark's card callbacks.)
   */
  async handle(ev: CoreEvent, opts: { onReplies?: (replies: Reply[]) => void } = {}): Promise<Reply[] | null> {
    return (await this.receive(ev, opts)).done;
  }

  /** Processes one stored event, after the chat's earlier ones. */
  private process(id: number, ev: CoreEvent, opts: { onReplies?: (replies: Reply[]) => void } = {}): Promise<Reply[] | null> {
    if (this.processing.has(id)) return NOTHING;
    this.processing.add(id);
    // A chat move holds both chats, so the new chat's first commands wait for the binding.
    const chats = ev.type === "moved" ? [ev.from, ev.to] : [chatOf(ev)];
    const keys = chats.map((c) => `${platformOf(ev)}\u0000${c}`);
    const before = Promise.all(keys.map((k) => (this.chains.get(k) ?? Promise.resolve()).catch(() => undefined)));
    const run = before
      .then(() => this.handleStored(id, ev, opts))
      .finally(() => {
        this.processing.delete(id);
        for (const k of keys) if (this.chains.get(k) === run) this.chains.delete(k);
      });
    for (const k of keys) this.chains.set(k, run);
    return run;
  }

  private async handleStored(id: number, ev: CoreEvent, opts: { onReplies?: (replies: Reply[]) => void }): Promise<Reply[] | null> {
    const platform = platformOf(ev);
    const waits = this.o.retryWaitsMs ?? [200, 1000];
    let replies: Reply[] = [];
    for (let attempt = 0; ; attempt++) {
      try {
        replies = await this.respond(platform, ev);
      } catch (e) {
        // The store failed outside the router (a greeting's chat row, a chat move): the event
        // stays pending and is tried again by a later sweep, a few times.
        const attempts = await this.inbox.failed(id).catch(() => MAX_ATTEMPTS);
        this.log("inbox.event_failed", { id, platform, type: ev.type, attempts, error: String((e as Error)?.message ?? e) });
        if (attempts >= MAX_ATTEMPTS) await this.settle(() => this.inbox.drop(id));
        else this.processing.delete(id);
        return null;
      }
      // The store broke in the middle of the command (nothing was written): a moment later the
      // connection is usually back, so the command is tried again before anyone is bothered.
      if (!replies.some((r) => r.retryable) || attempt >= waits.length) break;
      await new Promise((r) => setTimeout(r, waits[attempt]));
    }
    opts.onReplies?.(replies);
    await this.send(platform, this.targetOf(ev), ev.keys, replies);
    // Still failing: the person was told to send it again, so the event is closed and its keys
    // given back (a redelivery is handled). Else it is done. A close that fails leaves the event
    // pending: a later sweep handles it again, and the record's own source key keeps the ledger
    // at one row.
    if (replies.some((r) => r.retryable)) await this.settle(() => this.inbox.drop(id));
    else await this.settle(() => this.inbox.done(id));
    return replies;
  }

  private async send(platform: string, target: Target | null, keys: string[], replies: Reply[]): Promise<void> {
    if (!target) return;
    const seed = keys[keys.length - 1] ?? target.chatId;
    for (const [i, reply] of replies.entries()) {
      await this.outbound
        .reply(platform, target, reply, `reply:${platform}:${seed}:${i}`)
        .catch((e) => this.log("reply.lost", { platform, chat: target.chatId, error: String((e as Error)?.message ?? e) }));
    }
  }

  /** Bookkeeping after the fact, retried briefly while the store reconnects; a failure is logged. */
  private async settle(fn: () => Promise<void>): Promise<void> {
    for (let attempt = 1; ; attempt++) {
      try {
        return await fn();
      } catch (e) {
        if (attempt >= 4 || !isStoreUnavailable(e)) {
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
      case "recalled":
        return { chatId: ev.chatId };
      default:
        return null;
    }
  }

  private async respond(platform: string, ev: CoreEvent): Promise<Reply[]> {
    switch (ev.type) {
      case "message":
      case "button": {
        // Screened again without counting against the budgets (it was counted when it arrived).
        // A press carries the message its button was on, so that a card can be updated in place.
        const msg = ev.type === "button" && ev.replyTo ? { ...evidenceLine(ev.msg), pressedOn: ev.replyTo } : evidenceLine(ev.msg);
        const screened = this.app.router.screen(msg, await this.names(platform), { limits: false });
        if (screened.kind === "run") {
          // Photos and files are fetched when the command keeps them (a record, the record a reply
          // answers): a photo answering nobody's record is never downloaded.
          const download = this.platforms.get(platform)?.download;
          const evidence = msg.attachments?.length
            ? lazyEvidence(() => takeEvidence(this.app.ledger, download, msg, { waitsMs: this.o.downloadWaitsMs, log: this.log }))
            : undefined;
          return this.app.router.run(msg, screened, { evidence });
        }
        return screened.kind === "reply" ? screened.replies : [];
      }
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
      case "recalled":
        return this.recalled(platform, ev);
    }
  }

  /** A recalled message's record no longer counts: voided (kept for the audit), said in the chat. */
  private async recalled(platform: string, ev: Extract<CoreEvent, { type: "recalled" }>): Promise<Reply[]> {
    const record = await this.app.ledger.recordBySource(platform, ev.chatId, ev.messageId);
    this.log("message.recalled", { platform, chat: ev.chatId, message: ev.messageId, record: record?.id ?? null });
    if (!record || record.deletedAt) return [];
    const done = await this.app.ledger.deleteRecord(record.id, `${platform}:${ev.userId ?? "recall"}`, "record.recall");
    return [text(`登记这条记录的消息已撤回，记录 #${done.id} 已作废，不再计入统计：${recordSummary(done)}（${dayLabel(done.day)}）。`)];
  }

  /**
   * Closes the sign-ins whose closing time has come and completes those a dead process closed
   * without recording: each makes its record once (claims in the store), and the chat gets the
   * final card and the confirmation through the outbound path (queued if the platform refuses).
   */
  async closeDueSignIns(): Promise<number> {
    const now = this.app.clock();
    const { signIns } = this.app.ledger;
    let closed = 0;
    const announce = async (s: SignInRow, replies: Reply[], what: string) => {
      for (const [i, reply] of replies.entries()) {
        await this.outbound
          .reply(s.platform, { chatId: s.chatExternalId }, reply, `signin:${s.id}:${what}:${i}`)
          .catch((e) =>
            this.log("reply.lost", { platform: s.platform, chat: s.chatExternalId, error: String((e as Error)?.message ?? e) }),
          );
      }
    };
    for (const s of await signIns.due(now)) {
      const { closedNow, replies } = await closeSignIn(this.app.ledger, s, `${s.platform}:system`, now);
      if (!closedNow) continue;
      closed++;
      this.log("signin.closed", { id: s.id, by: "time" });
      await announce(s, replies, "close");
    }
    // Closed a minute ago or more and still without its record: the closing process died.
    for (const s of await signIns.unrecorded(new Date(now.getTime() - 60_000))) {
      this.log("signin.completed", { id: s.id });
      await announce(s, await recordSignIn(this.app.ledger, s, `${s.platform}:system`, chinaDay(now)), "record");
    }
    return closed;
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
    if (parsed?.name && (this.app.router.table.has(parsed.name) || lookupWord(parsed.name))) return true;
    // A report of work in plain words, in reply to the bot, is for the bot (it is read back to confirm).
    return readPlainReport(normaliseText(line), chinaDay(this.app.clock())) !== null;
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
  /** Resolves once nothing taken so far is still being handled or answered (tests, tools). */
  async idle(): Promise<void> {
    while (this.inflight.size) await Promise.allSettled([...this.inflight]);
  }

  async drain(timeoutMs = this.o.stopTimeoutMs ?? 15_000): Promise<boolean> {
    this.stopping = true;
    if (this.timer) clearInterval(this.timer);
    this.timer = null;
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
    // Gone for good: another process takes over whatever is still pending at once.
    else await this.settle(() => this.inbox.leave(this.owner));
    return done;
  }
}

/**
 * A photo or file without a command (in reply to a record's confirmation or line, or the rest of
 * an album) is the /附件 command: it attaches to the record it answers.
 */
function evidenceLine(msg: InboundMessage): InboundMessage {
  if (!msg.attachments?.length || msg.text.trim()) return msg;
  return { ...msg, text: "/attach" };
}

/** An event as the inbox stored it, its message's instant a Date again (JSON keeps it as text). */
function storedEvent(payload: string): CoreEvent {
  const ev = JSON.parse(payload) as CoreEvent;
  if ((ev.type === "message" || ev.type === "button") && ev.msg.sentAt !== undefined) ev.msg.sentAt = new Date(ev.msg.sentAt);
  return ev;
}

function platformOf(ev: CoreEvent): string {
  return ev.type === "message" || ev.type === "button" ? ev.msg.platform : ev.platform;
}

function chatOf(ev: CoreEvent): string {
  if (ev.type === "message" || ev.type === "button") return ev.msg.chatId;
  return ev.type === "moved" ? ev.from : ev.chatId;
}
