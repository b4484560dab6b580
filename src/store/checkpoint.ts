// SQLite WAL checkpoints off the request path. By default the connection whose commit pushes the
// WAL past 1000 pages copies it back into the database file, synchronously — on a ledger of two
// million records that stalled a record command for ~100 ms now and then (the benchmark's p99).
// Here the app's connections never checkpoint; a worker thread with its own connection runs a
// PASSIVE checkpoint every few seconds, which never blocks readers or the writer's event loop.
import { Worker } from "node:worker_threads";
import { createRequire } from "node:module";

const require = createRequire(import.meta.url);

const WORKER = `
const { parentPort, workerData } = require("node:worker_threads");
const Database = require(workerData.driver);
const db = new Database(workerData.file, { timeout: 0 });
const timer = setInterval(() => { try { db.pragma("wal_checkpoint(PASSIVE)"); } catch {} }, workerData.everyMs);
parentPort.on("message", () => { clearInterval(timer); try { db.pragma("wal_checkpoint(PASSIVE)"); } catch {} db.close(); process.exit(0); });
`;

export interface Checkpointer {
  stop(): Promise<void>;
}

export function startCheckpointer(file: string, everyMs = 5_000): Checkpointer {
  const worker = new Worker(WORKER, { eval: true, workerData: { file, everyMs, driver: require.resolve("better-sqlite3") } });
  // A checkpointer that fails (a busy file at the wrong moment) must never take the bot down:
  // the next start checkpoints again, and the WAL stays correct meanwhile, only larger.
  worker.on("error", () => {});
  worker.unref();
  return {
    stop: () =>
      new Promise<void>((resolve) => {
        worker.once("exit", () => resolve());
        // Keep the process alive until the worker has closed its connection.
        worker.ref();
        worker.postMessage("stop");
        setTimeout(() => {
          void worker.terminate().then(() => resolve());
        }, 2_000).unref();
      }),
  };
}
