// Wires the store, the deployment config and the command router: what every entry point shares.
import { objectStoreFromEnv } from "./config/object-store.js";
import { s3ObjectStore, type ObjectStoreOptions } from "./store/objects.js";
import { openStore, type Store, type StoreOptions } from "./store/connect.js";
import { Ledger } from "./store/ledger.js";
import { loadDeployment, type Deployment } from "./config/deployment.js";
import { Router } from "./core/router.js";
import { COMMANDS } from "../commands/index.js";
import { logEvent } from "./log.js";
import { DashboardAuth, SESSION_TTL_MS, DASHBOARD_PATH } from "./web/auth.js";
import { systemClock, type Clock } from "./time.js";
import type { AbuseLimits } from "./core/abuse.js";

export interface App {
  store: Store;
  ledger: Ledger;
  config: Deployment;
  router: Router;
  /** The one clock: the store's timestamps, the parser's "today", the scheduler, the outbox, caches and limits. */
  clock: Clock;
  /** The web page (/看板), when PUBLIC_URL is set: where users reach it and its credentials. */
  web: { publicUrl: string; auth: DashboardAuth } | null;
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
  /** The address users reach the web page at (default PUBLIC_URL); null turns the page off. */
  publicUrl?: string | null;
  /** Signs the page's links and cookies (default DASHBOARD_SECRET, else a secret kept in the store). */
  dashboardSecret?: string;
}

/** PUBLIC_URL as the page's base (no trailing slash); a value that is not an http(s) address is refused at start. */
export function readPublicUrl(value: string | undefined | null): string | null {
  const v = value?.trim();
  if (!v) return null;
  let url: URL;
  try {
    url = new URL(v);
  } catch {
    throw new Error(`PUBLIC_URL「${v}」不是网址：请写用户能打开的地址，例如 https://bot.example.cn`);
  }
  if (url.protocol !== "http:" && url.protocol !== "https:") throw new Error(`PUBLIC_URL「${v}」须以 http:// 或 https:// 开头`);
  return url.toString().replace(/\/+$/, "");
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
  const publicUrl = readPublicUrl(opts.publicUrl === undefined ? process.env.PUBLIC_URL : opts.publicUrl);
  const auth = publicUrl ? new DashboardAuth(ledger.dashboard, opts.dashboardSecret ?? (process.env.DASHBOARD_SECRET || undefined)) : null;
  const router = new Router({
    dashboard: auth
      ? {
          async link(person) {
            const { token, expiresAt } = await auth.issueLink(person);
            return { url: `${publicUrl}${DASHBOARD_PATH}/login?t=${token}`, expiresAt, sessionHours: SESSION_TTL_MS / 3600_000 };
          },
        }
      : undefined,
    ledger,
    config,
    commands: COMMANDS,
    clock,
    admins: opts.admins ?? parseAdmins(process.env.ADMINS),
    trustedPlatforms: opts.trustedPlatforms,
    limits: opts.limits,
    log: logEvent,
  });
  return { store, ledger, config, router, clock, web: auth && publicUrl ? { publicUrl, auth } : null, close: () => store.close() };
}
