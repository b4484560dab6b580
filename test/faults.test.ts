// Fault injection against the real store (issue 9 §4) and unauthorised actions (§1). The scenarios
// live in fixtures/reliability-faults.ts, shared with scripts/reliability-report.ts; each returns
// its counts and a plain-language list of what broke, asserted here.
//   SQLite (default): the file locked by another connection — answered after SQLite's busy timeout
//   (10 s per command; two commands) — plus the store-agnostic scenarios.
//   TEST_STORE=postgres: backends terminated mid-command instead of the lock.
import { describe, it, expect } from "vitest";
import { TEST_STORE } from "./db.js";
import {
  sqliteLockScenario,
  pgTerminateScenario,
  pgDropAfterCommitScenario,
  pgIdleTerminateScenario,
  crashBeforeReplyScenario,
  fullDiskScenario,
  platformFaultsScenario,
  clockJumpScenario,
  authzScenario,
  type ScenarioResult,
} from "./fixtures/reliability-faults.js";

const PG = TEST_STORE === "postgres";

function expectClean(r: ScenarioResult) {
  expect({
    violations: r.violations,
    lost: r.lost,
    duplicates: r.duplicates,
    internalErrors: r.internalErrors,
    falseNotSaved: r.falseNotSaved,
    accepted: r.accepted,
  }).toEqual({ violations: [], lost: 0, duplicates: 0, internalErrors: 0, falseNotSaved: 0, accepted: 0 });
}

describe("the database fails in the middle of a command", () => {
  it.skipIf(PG)(
    "SQLite locked by another connection: a retry reply, nothing half-written, then recorded once",
    async () => {
      const r = await sqliteLockScenario();
      expect(r.faults["sqlite-lock"]).toBe(2);
      expectClean(r);
      // The reply comes after SQLite's busy timeout (10 s), not before.
      for (const note of r.notes) expect(Number(/after (\d+) ms/.exec(note)?.[1])).toBeGreaterThanOrEqual(9_000);
    },
    60_000,
  );

  it.runIf(PG)(
    "PostgreSQL backends terminated while commands are in flight: each command recorded once or told to retry",
    async () => {
      const r = await pgTerminateScenario();
      expect(r.faults["pg-terminate-backends"]).toBeGreaterThan(0);
      expectClean(r);
    },
    120_000,
  );

  it.runIf(PG)(
    "PostgreSQL connection dropped after the commit: the user is not told 'not saved', and resending does not duplicate",
    async () => {
      const r = await pgDropAfterCommitScenario();
      expect(r.faults["pg-terminate-after-commit"]).toBe(1);
      expectClean(r);
    },
    60_000,
  );

  it.runIf(PG)(
    "PostgreSQL idle connections terminated: the process survives",
    async () => {
      const r = await pgIdleTerminateScenario();
      expectClean(r);
    },
    90_000,
  );
});

describe("the disk is full", () => {
  it("stores nothing, tells the person, and records the resent message once there is room", async () => {
    const r = await fullDiskScenario();
    if (TEST_STORE !== "sqlite") return;
    expect(r.faults).toEqual({ "disk-full": 10 });
    expectClean(r);
  }, 60_000);
});

describe("the process is killed between writing a record and replying", () => {
  it("the record exists and the event stays pending; a redelivery while its owner lives is a duplicate; a restarted process takes it over at once and replies once, without a second record", async () => {
    const r = await crashBeforeReplyScenario();
    expect(r.faults).toEqual({ "killed-before-reply": 1, redelivery: 2, "takeover-at-start": 1 });
    expectClean(r);
    expect(r.notes[0]).toMatch(/^reply after the takeover: 这条消息已经记录过了（#\d+），没有重复登记。已记录 #\d+：/);
  }, 60_000);
});

describe("the platform returns 500, 429 or times out", () => {
  it("the outbox retries each message until it is delivered, exactly once", async () => {
    const r = await platformFaultsScenario();
    expect(r.faults).toEqual({ "http-500": 4, "http-429": 2, timeout: 3 });
    expectClean(r);
  }, 60_000);
});

describe("the clock jumps", () => {
  it("forward a month and back a day: nothing claimed twice, the latest missed reminder sent, older ones superseded", async () => {
    const r = await clockJumpScenario();
    expect(r.faults).toEqual({ "clock-jump-forward": 1, "clock-jump-back": 1 });
    expectClean(r);
    expect(r.notes[0]).toMatch(/\(\d+ sent, [1-9]\d* superseded\)/);
  }, 120_000);
});

describe("unauthorised actions", () => {
  it("members, other units' chats, a child's chat and an unbound chat change nothing and see nothing they may not", async () => {
    const r = await authzScenario();
    expect(r.attempts).toBeGreaterThan(35);
    expectClean(r);
  }, 120_000);
});
