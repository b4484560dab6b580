// npm run remind -- --at 2026-12-17T09:00:00+08:00 [--dry-run]
// One scheduler pass as if at that instant: prints what it enqueued (or, with --dry-run, what it
// would enqueue). For tests, previews before a deadline, and cron-style deployments; `npm start`
// runs passes on its own and delivers the outbox.
import "../env.js";
import { parseArgs } from "node:util";
import { openStore } from "../store/connect.js";
import { loadDeployment } from "../config/deployment.js";
import { WorkCalendar } from "./calendar.js";
import { runPass } from "./scheduler.js";
import { chinaTime, systemClock } from "../time.js";

export async function main(argv = process.argv.slice(2), out: NodeJS.WritableStream = process.stdout): Promise<number> {
  const { values } = parseArgs({ args: argv, options: { at: { type: "string" }, "dry-run": { type: "boolean", default: false } } });
  const at = values.at ? new Date(values.at) : systemClock();
  if (Number.isNaN(at.getTime())) {
    console.error(`--at: not a time: ${values.at} (use ISO 8601, e.g. 2026-12-17T09:00:00+08:00)`);
    return 2;
  }
  const config = loadDeployment();
  const store = await openStore();
  try {
    const { planned, enqueued } = await runPass(store, config, new WorkCalendar(config.calendar), at, { dryRun: values["dry-run"] });
    const verb = values["dry-run"] ? "would enqueue" : "enqueued";
    out.write(
      `scheduler pass at ${chinaTime(at).format("YYYY-MM-DD HH:mm")} (China time): ${planned.length} due, ${enqueued.length} ${verb}, ${planned.length - enqueued.length} already claimed\n`,
    );
    for (const m of enqueued) {
      out.write(
        `${verb} ${m.kind}${m.superseded ? " (superseded, not sent)" : ""} → ${m.platform}:${m.chatExternalId} [${m.dedupeKey}]\n  ${m.body.replace(/\n/g, "\n  ")}\n`,
      );
    }
    return 0;
  } finally {
    await store.close();
  }
}
