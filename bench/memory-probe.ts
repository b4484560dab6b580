// Started by the benchmark on its finished ledger, compiled into dist/ as npm start runs the bot:
// the bot's own memory, apart from the benchmark's generators and timers. Opens the app, does
// what a busy quarter-end hour does in one process — the city's roll-up draft, a reminder pass
// for every unit, 2,000 record commands — and prints the peak RSS in MB.
import { createApp } from "../src/app.js";
import { loadDraftInput } from "../src/report/load.js";
import { composeDraft } from "../src/report/draft.js";
import { parsePeriod } from "../src/domain/periods.js";
import { runPass } from "../src/scheduler/scheduler.js";
import { WorkCalendar } from "../src/scheduler/calendar.js";

const NOW = new Date("2026-12-20T10:00:00+08:00");
const app = await createApp({ clock: () => NOW, admins: [], limits: false });
const root = await app.store.db.unit.findFirstOrThrow({ where: { parentId: null }, orderBy: { id: "asc" } });
const leaves = await app.store.db.chat.findMany({ where: { unit: { children: { none: {} } } }, take: 2000, select: { externalId: true } });
const afterRollup = { rss: 0 };
composeDraft(await loadDraftInput(app.ledger, app.config, root.id, parsePeriod("2026Q4", "2026-12-20")!, "2026-12-20", {}));
afterRollup.rss = process.memoryUsage().rss;
// As the running bot passes (keep: false); the benchmark's own pass has claimed these already.
await runPass(app.store, app.config, new WorkCalendar(app.config.calendar), new Date("2026-12-17T09:30:00+08:00"), { keep: false });
for (let i = 0; i < 2000; i++) {
  await app.router.handle({ platform: "bench", chatId: leaves[i % leaves.length].externalId, userId: "probe", userName: "probe", text: "/记录 学习 12人", messageId: `probe-${process.pid}-${i}`, sentAt: NOW });
}
await app.close();
// maxRSS is in kilobytes: the high-water mark of the whole process.
process.stdout.write(`${(process.resourceUsage().maxRSS / 1024).toFixed(0)} ${(afterRollup.rss / 1048576).toFixed(0)}\n`);
