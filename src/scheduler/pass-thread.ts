// The running bot's reminder pass, off its event loop. A pass reads every unit's counts and plans
// every rule: on a large ledger hundreds of milliseconds of synchronous SQLite and planning, during
// which no command would be answered. Here it reads and plans in a worker thread with its own
// read-only connection (as the WAL checkpointer has its own); the bot's thread sends the instant
// and claims what the thread planned, a few messages per transaction with its event loop free in
// between. The claims stay on the bot's thread because SQLite's write lock has no queue: a second
// writer's claims made the commands' writes back off and wait. They are the same INSERT … ON
// CONFLICT DO NOTHING, so a pass here and one elsewhere never queue a message twice.
import { Worker } from "node:worker_threads";
import fs from "node:fs";
import path from "node:path";
import { createRequire } from "node:module";
import { fileURLToPath, pathToFileURL } from "node:url";
import { PROJECT_ROOT } from "../paths.js";
import type { SqlSpec } from "../store/open-sql.js";
import type { Sql } from "../store/sql.js";
import type { Deployment } from "../config/deployment.js";
import { claimBatch } from "./scheduler.js";
import type { PlannedMessage } from "./plan.js";

export interface PassCounts {
  plannedCount: number;
  enqueuedCount: number;
}

/**
 * The worker: compiled beside the bot (npm start), or else the source, loaded through tsx's
 * loader registered inside the thread (Node 20 does not pass --import hooks to workers).
 */
function newWorker(workerData: unknown): Worker {
  const compiled = path.join(PROJECT_ROOT, "dist", "src", "scheduler", "pass-worker.js");
  const fromSource = fileURLToPath(import.meta.url).endsWith(".ts");
  if (!fromSource && fs.existsSync(compiled)) return new Worker(compiled, { workerData });
  // tsx's ESM entry, by its package's exports map (require.resolve would give the CommonJS one).
  const pkg = createRequire(import.meta.url).resolve("tsx/package.json");
  const esm = (JSON.parse(fs.readFileSync(pkg, "utf8")) as { exports: Record<string, { import: { default: string } }> }).exports[
    "./esm/api"
  ];
  const tsx = pathToFileURL(path.join(path.dirname(pkg), esm.import.default)).href;
  const entry = pathToFileURL(path.join(PROJECT_ROOT, "src", "scheduler", "pass-worker.ts")).href;
  const boot = `import(${JSON.stringify(tsx)}).then((m) => { m.register(); return import(${JSON.stringify(entry)}); })`;
  return new Worker(boot, { eval: true, workerData });
}

/**
 * Messages claimed per transaction on the bot's thread: a transaction of this many (their parts
 * and rows, ≈ 60 inserts) holds the loop for about a millisecond, so a command waits no longer.
 */
const CLAIM_STEP = 10;

/**
 * Claims a batch the thread planned, CLAIM_STEP messages at a time, the event loop free between
 * (and, with `between`, the commands in flight finished first: the core's whenQuiet). After each
 * step the loop is left to others for as long as the step took: the claims take at most half of
 * the bot's thread, so that the commands arriving meanwhile never queue behind a quarter's
 * thousands of claims (measured on the monotonic timer: a duration, not a reading of the date).
 */
async function claimInSteps(
  sql: Sql,
  batch: PlannedMessage[],
  at: Date,
  between: () => Promise<void>,
): Promise<{ count: number; superseded: number }> {
  let count = 0;
  let superseded = 0;
  for (let i = 0; i < batch.length; i += CLAIM_STEP) {
    await between();
    const started = performance.now();
    const r = await claimBatch(sql, batch.slice(i, i + CLAIM_STEP), at);
    count += r.count;
    superseded += r.superseded;
    const took = performance.now() - started;
    if (took >= 1) await new Promise((resolve) => setTimeout(resolve, took));
  }
  return { count, superseded };
}

export class PassThread {
  private worker: Worker | null = null;
  private ready: Promise<void> | null = null;
  private nextId = 0;
  private readonly waiting = new Map<number, { at: Date; resolve: (c: PassCounts) => void; reject: (e: Error) => void }>();

  /**
   * `spec`: the store, opened read-only in the thread; `writer`: the bot's own connection, which
   * claims; `between`: awaited before each step of claims (default: one turn of the event loop).
   */
  constructor(
    private readonly spec: SqlSpec,
    private readonly config: Deployment,
    private readonly writer: Sql,
    private readonly between: () => Promise<void> = () => new Promise((resolve) => setImmediate(resolve)),
  ) {}

  /** A batch the thread planned for pass `id`, claimed here; the thread waits for the counts. */
  private claim(worker: Worker, ref: number, id: number, batch: PlannedMessage[]): void {
    const pass = this.waiting.get(id);
    const answer = (m: object) => {
      if (this.worker === worker) worker.postMessage({ claimed: ref, ...m });
    };
    if (!pass) return answer({ error: "no such pass" });
    claimInSteps(this.writer, batch, pass.at, this.between).then(answer, (e: Error) => answer({ error: String(e?.stack ?? e) }));
  }

  /** Started at the first pass, and again after the thread died (the next tick retries). */
  private start(): Promise<void> {
    if (this.ready) return this.ready;
    const worker = newWorker({ spec: { ...this.spec, readonly: true }, config: this.config });
    this.worker = worker;
    this.ready = new Promise<void>((resolve, reject) => {
      const gone = (e: Error) => {
        if (this.worker === worker) {
          this.worker = null;
          this.ready = null;
        }
        for (const w of this.waiting.values()) w.reject(e);
        this.waiting.clear();
        reject(e);
      };
      type FromThread = {
        ready?: true;
        id?: number;
        error?: string;
        claim?: number;
        pass?: number;
        batch?: PlannedMessage[];
      } & Partial<PassCounts>;
      worker.on("message", (m: FromThread) => {
        if (m.ready) return resolve();
        if (m.claim !== undefined) return this.claim(worker, m.claim, m.pass!, m.batch!);
        const w = this.waiting.get(m.id!);
        if (!w) return;
        this.waiting.delete(m.id!);
        if (m.error) w.reject(new Error(m.error));
        else w.resolve({ plannedCount: m.plannedCount!, enqueuedCount: m.enqueuedCount! });
      });
      worker.on("error", gone);
      worker.on("exit", (code) => gone(new Error(`reminder pass thread exited (${code})`)));
    });
    // A failed start is reported by the pass that waited for it; nobody else awaits this.
    this.ready.catch(() => {});
    return this.ready;
  }

  async run(at: Date): Promise<PassCounts> {
    await this.start();
    const id = ++this.nextId;
    return new Promise<PassCounts>((resolve, reject) => {
      this.waiting.set(id, { at, resolve, reject });
      this.worker!.postMessage({ id, at: at.toISOString() });
    });
  }

  /** Closes the thread's connection and ends it (a pass in flight is awaited by the scheduler first). */
  async close(): Promise<void> {
    const worker = this.worker;
    if (!worker) return;
    this.worker = null;
    this.ready = null;
    await new Promise<void>((resolve) => {
      worker.once("exit", () => resolve());
      worker.postMessage("close");
      setTimeout(() => void worker.terminate().then(() => resolve()), 5_000).unref();
    });
  }
}
