// The scheduler as it runs inside `npm start`: a pass and a delivery round every minute. Passes
// are idempotent (claims in the outbox), so overlapping processes or restarts are harmless.
import type { Db } from "../store/connect.js";
import type { Sql } from "../store/sql.js";
import type { Deployment } from "../config/deployment.js";
import { WorkCalendar } from "./calendar.js";
import { runPass } from "./scheduler.js";
import type { Outbound } from "../core/outbound.js";
import type { Clock } from "../time.js";

export interface SchedulerOptions {
  db: Db;
  sql: Sql;
  config: Deployment;
  /** The core's one outbound path, with every platform's sender registered. */
  outbound: Outbound;
  clock: Clock;
  intervalMs?: number;
  /**
   * Runs the pass (default: here, on this thread). The running bot passes a PassThread's, so that
   * a pass never holds up a command.
   */
  pass?: { run(at: Date): Promise<{ plannedCount: number; enqueuedCount: number }>; close(): Promise<void> };
  /** Work due at each round before delivery (the core closes sign-ins whose time has come). */
  beforeDelivery?: () => Promise<unknown>;
  log?: (event: string, detail: Record<string, unknown>) => void;
}

export class Scheduler {
  readonly calendar: WorkCalendar;
  private timer: NodeJS.Timeout | null = null;
  private running: Promise<void> | null = null;

  constructor(private readonly o: SchedulerOptions) {
    this.calendar = new WorkCalendar(o.config.calendar);
  }

  /** One pass and one delivery round; errors are logged, never thrown (the next tick retries). */
  async tick(): Promise<void> {
    const clock = this.o.clock;
    try {
      const at = clock();
      // Elapsed time on the monotonic timer (not a reading of the date): how long a pass takes is
      // what an operator watches as the ledger grows.
      const started = performance.now();
      const { plannedCount, enqueuedCount } = this.o.pass
        ? await this.o.pass.run(at)
        : await runPass(this.o, this.o.config, this.calendar, at, { keep: false });
      this.o.log?.("scheduler.pass", {
        ms: Math.round(performance.now() - started),
        planned: plannedCount,
        enqueued: enqueuedCount,
        thread: this.o.pass ? "worker" : "main",
      });
      if (enqueuedCount) this.o.log?.("scheduler.enqueued", { count: enqueuedCount });
      await this.o.beforeDelivery?.();
      await this.o.outbound.deliverDue();
    } catch (e) {
      this.o.log?.("scheduler.failed", { error: String((e as Error)?.stack ?? e) });
    }
  }

  start(): void {
    const run = () => {
      if (this.running) return;
      this.running = this.tick().finally(() => {
        this.running = null;
      });
    };
    run();
    this.timer = setInterval(run, this.o.intervalMs ?? 60_000);
    this.timer.unref();
  }

  /** Stops the timer and waits for the round in flight (graceful shutdown). */
  async stop(): Promise<void> {
    if (this.timer) clearInterval(this.timer);
    this.timer = null;
    await this.running;
    await this.o.pass?.close();
  }
}
