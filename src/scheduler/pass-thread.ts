// The running bot's reminder pass, off its event loop. A pass reads every unit's counts and plans
// every rule: on a large ledger hundreds of milliseconds of synchronous SQLite and planning, during
// which no command would be answered. Here it runs in a worker thread with its own connection (as
// the WAL checkpointer does); the bot's thread only sends the instant and waits for the counts. The
// claims are the same INSERT … ON CONFLICT DO NOTHING, so a pass here and one elsewhere never
// queue a message twice.
import { Worker } from "node:worker_threads";
import fs from "node:fs";
import path from "node:path";
import { createRequire } from "node:module";
import { fileURLToPath, pathToFileURL } from "node:url";
import { PROJECT_ROOT } from "../paths.js";
import type { SqlSpec } from "../store/connect.js";
import type { Deployment } from "../config/deployment.js";

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

export class PassThread {
  private worker: Worker | null = null;
  private ready: Promise<void> | null = null;
  private nextId = 0;
  private readonly waiting = new Map<number, { resolve: (c: PassCounts) => void; reject: (e: Error) => void }>();

  constructor(
    private readonly spec: SqlSpec,
    private readonly config: Deployment,
  ) {}

  /** Started at the first pass, and again after the thread died (the next tick retries). */
  private start(): Promise<void> {
    if (this.ready) return this.ready;
    const worker = newWorker({ spec: this.spec, config: this.config });
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
      worker.on("message", (m: { ready?: true; id?: number; error?: string } & Partial<PassCounts>) => {
        if (m.ready) return resolve();
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
      this.waiting.set(id, { resolve, reject });
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
