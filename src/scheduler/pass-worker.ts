// The reminder pass in a worker thread (pass-thread.ts starts it): its own connection to the
// store, the deployment it was given, and one pass per message from the bot's thread, which
// sends the instant (the bot's one clock) and gets the counts back. Nothing here reads the clock.
import { parentPort, workerData } from "node:worker_threads";
import { openSql, type SqlSpec } from "../store/connect.js";
import type { Deployment } from "../config/deployment.js";
import { WorkCalendar } from "./calendar.js";
import { runPass } from "./scheduler.js";

const { spec, config } = workerData as { spec: SqlSpec; config: Deployment };
const sql = await openSql(spec);
const calendar = new WorkCalendar(config.calendar);

parentPort!.on("message", async (msg: { id: number; at: string } | "close") => {
  if (msg === "close") {
    await sql.close().catch(() => {});
    parentPort!.close();
    return;
  }
  try {
    const r = await runPass({ sql }, config, calendar, new Date(msg.at), { keep: false });
    parentPort!.postMessage({ id: msg.id, enqueuedCount: r.enqueuedCount, plannedCount: r.plannedCount });
  } catch (e) {
    parentPort!.postMessage({ id: msg.id, error: String((e as Error)?.stack ?? e) });
  }
});
parentPort!.postMessage({ ready: true });
