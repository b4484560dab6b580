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
// The probe's own look-ups (which unit is the city, which chats to type in) are not bot work:
// plain SQL, so that they do not add a Prisma relation query's memory to the figure.
const [root] = await app.store.sql.all<{ id: number }>(`SELECT "id" FROM "Unit" WHERE "parentId" IS NULL ORDER BY "id" LIMIT 1`);
const leaves = await app.store.sql.all<{ externalId: string }>(
  `SELECT c."externalId" FROM "Chat" c WHERE NOT EXISTS (SELECT 1 FROM "Unit" u WHERE u."parentId" = c."unitId") ORDER BY c."id" LIMIT 2000`,
);
const afterRollup = { rss: 0 };
composeDraft(await loadDraftInput(app.ledger, app.config, Number(root.id), parsePeriod("2026Q4", "2026-12-20")!, "2026-12-20", {}));
afterRollup.rss = process.memoryUsage().rss;
// As the running bot passes (keep: false); the benchmark's own pass has claimed these already.
await runPass(app.store, app.config, new WorkCalendar(app.config.calendar), new Date("2026-12-17T09:30:00+08:00"), { keep: false });
for (let i = 0; i < 2000; i++) {
  await app.router.handle({
    platform: "bench",
    chatId: leaves[i % leaves.length].externalId,
    userId: "probe",
    userName: "probe",
    text: "/记录 学习 12人",
    messageId: `probe-${process.pid}-${i}`,
    sentAt: NOW,
  });
}
await app.close();
// maxRSS is in kilobytes: the high-water mark of the whole process.
process.stdout.write(`${(process.resourceUsage().maxRSS / 1024).toFixed(0)} ${(afterRollup.rss / 1048576).toFixed(0)}\n`);
