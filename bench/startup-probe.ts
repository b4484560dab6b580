// Started by the benchmark: opens the app on an already-migrated database and prints the
// milliseconds from process start to ready.
import { performance } from "node:perf_hooks";
import { createApp } from "../src/app.js";

const app = await createApp();
await app.store.db.unit.count();
process.stdout.write(`${performance.now().toFixed(1)}\n`);
await app.close();
