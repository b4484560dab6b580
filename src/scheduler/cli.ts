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
import type { ComposedMessage } from "./plan.js";

/** A message as a chat shows it: whom it mentions, its text, its buttons. */
export function asPrinted(m: ComposedMessage): string {
  const mentions = m.mentions.length ? `${m.mentions.map((p) => `@${p.name}`).join(" ")}\n` : "";
  const buttons = m.actions.length ? `\n${m.actions.map((a) => `[${a.label}] → ${a.command}`).join("  ")}` : "";
  return `${mentions}${m.body}${buttons}`;
}

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
    const { planned, enqueued, supersededCount } = await runPass(store, config, new WorkCalendar(config.calendar), at, {
      dryRun: values["dry-run"],
    });
    const verb = values["dry-run"] ? "would send" : "queued";
    const chats = new Set(enqueued.map((m) => `${m.platform}:${m.chatExternalId}`)).size;
    out.write(
      `scheduler pass at ${chinaTime(at).format("YYYY-MM-DD HH:mm")} (China time): ${planned.length} messages due, ${enqueued.length} ${verb} to ${chats} chats` +
        `${supersededCount ? ` (${supersededCount} older reminders folded into newer ones)` : ""}, ${planned.length - enqueued.length} already claimed\n`,
    );
    for (const m of enqueued) {
      out.write(`${verb} ${m.kind} → ${m.platform}:${m.chatExternalId} at ${chinaTime(m.dueAt).format("YYYY-MM-DD HH:mm")}\n`);
      out.write(`  ${asPrinted(m).replace(/\n/g, "\n  ")}\n`);
    }
    if (!values["dry-run"] && enqueued.length) {
      out.write(`the running bot (npm start) sends them from ${chinaTime(at).format("YYYY-MM-DD HH:mm")}; /发送记录 lists them\n`);
    }
    return 0;
  } finally {
    await store.close();
  }
}
