// The reminder pass in a worker thread (pass-thread.ts starts it): its own read-only connection to
// the store, the deployment it was given, and one pass per message from the bot's thread, which
// sends the instant (the bot's one clock) and gets the counts back. The thread reads and plans;
// each batch it plans goes back to the bot's thread to be claimed there, so the bot's thread stays
// the store's one writer (SQLite's write lock has no queue: a second writer makes commands wait).
// Nothing here reads the clock.
import { parentPort, workerData } from "node:worker_threads";
import { openSql, type SqlSpec } from "../store/open-sql.js";
import type { Deployment } from "../config/deployment.js";
import { WorkCalendar } from "./calendar.js";
import { runPass, type BatchClaimed } from "./scheduler.js";
import type { PlannedMessage } from "./plan.js";

const { spec, config } = workerData as { spec: SqlSpec; config: Deployment };
const sql = await openSql(spec);
const calendar = new WorkCalendar(config.calendar);

let nextRef = 0;
const claims = new Map<number, { resolve: (c: BatchClaimed) => void; reject: (e: Error) => void }>();

/** Sends a batch to the bot's thread and waits for what it claimed. */
function claimThere(pass: number, batch: PlannedMessage[]): Promise<BatchClaimed> {
  const ref = ++nextRef;
  return new Promise((resolve, reject) => {
    claims.set(ref, { resolve, reject });
    parentPort!.postMessage({ claim: ref, pass, batch });
  });
}

type FromBot =
  "close" | { id: number; at: string } | { claimed: number; count: number; superseded: number } | { claimed: number; error: string };

parentPort!.on("message", async (msg: FromBot) => {
  if (msg === "close") {
    await sql.close().catch(() => {});
    parentPort!.close();
    return;
  }
  if ("claimed" in msg) {
    const waiting = claims.get(msg.claimed);
    claims.delete(msg.claimed);
    if ("error" in msg) waiting?.reject(new Error(msg.error));
    else waiting?.resolve({ count: msg.count, superseded: msg.superseded, queued: [] });
    return;
  }
  try {
    const r = await runPass({ sql }, config, calendar, new Date(msg.at), { keep: false, claim: (batch) => claimThere(msg.id, batch) });
    parentPort!.postMessage({ id: msg.id, enqueuedCount: r.enqueuedCount, plannedCount: r.plannedCount });
  } catch (e) {
    parentPort!.postMessage({ id: msg.id, error: String((e as Error)?.stack ?? e) });
  }
});
parentPort!.postMessage({ ready: true });
