// Wires the store, the deployment config and the command router: what every entry point shares.
import { objectStoreFromEnv } from "./config/object-store.js";
import { s3ObjectStore, type ObjectStoreOptions } from "./store/objects.js";
import { openStore, type Store, type StoreOptions } from "./store/connect.js";
import { Ledger } from "./store/ledger.js";
import { loadDeployment, type Deployment } from "./config/deployment.js";
import { Router } from "./core/router.js";
import { COMMANDS } from "../commands/index.js";
import { logEvent } from "./log.js";
import { systemClock, type Clock } from "./time.js";
import type { AbuseLimits } from "./core/abuse.js";

export interface App {
  store: Store;
  ledger: Ledger;
  config: Deployment;
  router: Router;
  /** The one clock: the store's timestamps, the parser's "today", the scheduler, the outbox, caches and limits. */
  clock: Clock;
  close(): Promise<void>;
}

export interface AppOptions {
  databaseUrl?: string;
  /** Where evidence bytes go: an S3-compatible object store, or null for the database (default: from S3_* in the environment). */
  objectStore?: ObjectStoreOptions | null;
  /** How the store is opened (the bot process opens a SQLite file exclusively). */
  store?: Omit<StoreOptions, "clock">;
  config?: Deployment;
  admins?: string[];
  clock?: Clock;
  trustedPlatforms?: string[];
  /** Command budgets per user and chat; false for the local console, tests and benchmarks. */
  limits?: AbuseLimits | false;
}

/** ADMINS=telegram:123,lark:ou_x → ["telegram:123", "lark:ou_x"]. */
export function parseAdmins(value: string | undefined): string[] {
  return (value ?? "")
    .split(/[,\s]+/)
    .map((s) => s.trim())
    .filter(Boolean);
}

export async function createApp(opts: AppOptions = {}): Promise<App> {
  const config = opts.config ?? loadDeployment();
  const clock = opts.clock ?? systemClock;
  const objectOptions = opts.objectStore === undefined ? objectStoreFromEnv(process.env) : opts.objectStore;
  const objects = objectOptions ? await s3ObjectStore(objectOptions) : undefined;
  const store = await openStore(opts.databaseUrl, { ...opts.store, clock });
  const ledger = new Ledger(store.db, store.sql, clock, objects);
  const router = new Router({
    ledger,
    config,
    commands: COMMANDS,
    clock,
    admins: opts.admins ?? parseAdmins(process.env.ADMINS),
    trustedPlatforms: opts.trustedPlatforms,
    limits: opts.limits,
    log: logEvent,
  });
  return { store, ledger, config, router, clock, close: () => store.close() };
}
