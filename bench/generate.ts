// A realistic ledger for the benchmark: one city, towns of about fifty units each, and records
// over two years with kinds, subtypes and quantities distributed like the seeds' figures.
// Written with the raw driver in large transactions: generation is setup, not what is measured.
import Database from "better-sqlite3";
import pg from "pg";
import { KINDS } from "../src/domain/catalog.js";
import { addDays, chinaDay } from "../src/time.js";

export interface GenUnit {
  id: number;
  chatId: number;
  memberId: number;
}
export interface Generated {
  units: number;
  root: GenUnit;
  towns: GenUnit[];
  leafUnits: GenUnit[];
}

// Shares of records per kind, roughly as often as the seeds mention each.
const KIND_WEIGHTS: Record<string, number> = {
  study: 35,
  meeting: 10,
  distribution: 18,
  lecture: 10,
  activity: 12,
  publication: 11,
  opinion: 2,
  report: 2,
};

function rng(seed: number) {
  let s = seed >>> 0;
  return () => {
    s = (s * 1664525 + 1013904223) >>> 0;
    return s / 2 ** 32;
  };
}

interface Opts {
  units: number;
  records: number;
  store: "sqlite" | "postgres";
  url: string;
  now: Date;
}

export async function generateLedger(o: Opts): Promise<Generated> {
  const rand = rng(42);
  const pick = <T>(xs: readonly T[]) => xs[Math.floor(rand() * xs.length)];
  const towns = Math.max(2, Math.round(o.units / 50));
  const unitRows: { name: string; parent: number | null }[] = [{ name: "某市", parent: null }];
  for (let t = 0; t < towns; t++) unitRows.push({ name: `第${t + 1}镇`, parent: 0 });
  for (let i = unitRows.length; i < o.units; i++) unitRows.push({ name: `单位${i}`, parent: 1 + (i % towns) });

  const weights = Object.entries(KIND_WEIGHTS);
  const totalW = weights.reduce((a, [, w]) => a + w, 0);
  const kindOf = () => {
    let x = rand() * totalW;
    for (const [k, w] of weights) {
      if ((x -= w) < 0) return k;
    }
    return "study";
  };
  const today = chinaDay(o.now);
  const firstDay = "2025-01-01";
  const span = Math.round((Date.parse(today) - Date.parse(firstDay)) / 86_400_000);
  // Prisma's own DateTime text format in SQLite (see src/store/sql.ts).
  const now = o.store === "sqlite" ? o.now.toISOString().replace("Z", "+00:00") : o.now.toISOString();

  function recordRow(unitId: number, chatId: number, memberId: number, i: number): unknown[] {
    const code = kindOf();
    const kind = KINDS.find((k) => k.code === code)!;
    const sub = kind.subtypes.length && rand() < 0.7 ? pick(kind.subtypes).name : null;
    let participants: number | null = null,
      quantity: number | null = null,
      item: string | null = null,
      sessions = 1;
    let pApprox = false,
      qApprox = false;
    if (code === "study") participants = 8 + Math.floor(rand() * 40);
    if (code === "meeting") participants = rand() < 0.5 ? 5 + Math.floor(rand() * 20) : null;
    if (code === "lecture") {
      sessions = 1 + Math.floor(rand() * 4);
      participants = 20 + Math.floor(rand() * 300);
      pApprox = rand() < 0.3;
    }
    if (code === "activity") {
      sessions = 1 + Math.floor(rand() * 3);
      participants = 20 + Math.floor(rand() * 500);
      pApprox = rand() < 0.3;
    }
    if (code === "distribution") {
      item = pick(kind.items).name;
      quantity = Math.round(Math.exp(3 + rand() * 6));
      qApprox = rand() < 0.4;
    }
    if (code === "publication") sessions = 1 + Math.floor(rand() * 6);
    const day = addDays(firstDay, Math.floor(rand() * (span + 1)));
    return [
      unitId,
      code,
      sub,
      sessions,
      participants,
      pApprox,
      quantity,
      qApprox,
      item,
      day,
      null,
      null,
      memberId,
      chatId,
      "bench-gen",
      `c${chatId}`,
      `g${i}`,
      now,
    ];
  }

  const COLS = `"unitId","kind","subtype","sessions","participants","participantsApprox","quantity","quantityApprox","item","day","topic","note","memberId","chatId","sourcePlatform","sourceChat","sourceMessageId","createdAt"`;
  let all: GenUnit[];

  if (o.store === "sqlite") {
    const db = new Database(o.url.replace(/^file:/, ""), { timeout: 30_000 });
    db.pragma("synchronous = OFF");
    const ids: number[] = [];
    db.transaction(() => {
      const ins = db.prepare(`INSERT INTO "Unit" ("name","parentId","remindersMuted","createdAt") VALUES (?, ?, 0, ?) RETURNING "id"`);
      for (const u of unitRows) ids.push(Number((ins.get(u.name, u.parent === null ? null : ids[u.parent], now) as { id: number }).id));
    })();
    all = db.transaction(() => {
      const chat = db.prepare(
        `INSERT INTO "Chat" ("platform","externalId","title","unitId","createdAt") VALUES ('bench', ?, ?, ?, ?) RETURNING "id"`,
      );
      const member = db.prepare(
        `INSERT INTO "Member" ("platform","externalId","name","role","unitId","createdAt") VALUES ('bench', ?, ?, 'member', ?, ?) RETURNING "id"`,
      );
      return ids.map((id, i) => {
        const c = Number((chat.get(`c${id}`, unitRows[i].name, id, now) as { id: number }).id);
        const m = Number((member.get(`u${id}`, `成员${id}`, id, now) as { id: number }).id);
        return { id, chatId: c, memberId: m };
      });
    })();
    // The chats' external ids name the unit ids, as the benchmark's commands address them.
    const marks = COLS.split(",")
      .map(() => "?")
      .join(",");
    const rec = db.prepare(`INSERT INTO "Record" (${COLS}) VALUES (${marks})`);
    const leaves = all.slice(1 + towns);
    const batch = 50_000;
    for (let start = 0; start < o.records; start += batch) {
      db.transaction(() => {
        for (let i = start; i < Math.min(o.records, start + batch); i++) {
          const u = rand() < 0.9 ? pick(leaves) : pick(all.slice(1, 1 + towns));
          rec.run(...recordRow(u.id, u.chatId, u.memberId, i).map((v) => (typeof v === "boolean" ? (v ? 1 : 0) : v)));
        }
      })();
    }
    db.pragma("synchronous = NORMAL");
    db.exec("ANALYZE");
    db.close();
  } else {
    const client = new pg.Client({ connectionString: o.url });
    await client.connect();
    const ids: number[] = [];
    for (const u of unitRows)
      ids.push(
        (
          await client.query(`INSERT INTO "Unit" ("name","parentId","remindersMuted","createdAt") VALUES ($1,$2,false,$3) RETURNING "id"`, [
            u.name,
            u.parent === null ? null : ids[u.parent],
            now,
          ])
        ).rows[0].id,
      );
    all = [];
    for (let i = 0; i < ids.length; i++) {
      const c = (
        await client.query(
          `INSERT INTO "Chat" ("platform","externalId","title","unitId","createdAt") VALUES ('bench',$1,$2,$3,$4) RETURNING "id"`,
          [`c${ids[i]}`, unitRows[i].name, ids[i], now],
        )
      ).rows[0].id;
      const m = (
        await client.query(
          `INSERT INTO "Member" ("platform","externalId","name","role","unitId","createdAt") VALUES ('bench',$1,$2,'member',$3,$4) RETURNING "id"`,
          [`u${ids[i]}`, `成员${ids[i]}`, ids[i], now],
        )
      ).rows[0].id;
      all.push({ id: ids[i], chatId: c, memberId: m });
    }
    const leaves = all.slice(1 + towns);
    const per = 1000;
    const ncol = COLS.split(",").length;
    for (let start = 0; start < o.records; start += per) {
      const rows: unknown[] = [];
      const tuples: string[] = [];
      for (let i = start; i < Math.min(o.records, start + per); i++) {
        const u = rand() < 0.9 ? pick(leaves) : pick(all.slice(1, 1 + towns));
        const r = recordRow(u.id, u.chatId, u.memberId, i);
        tuples.push(`(${r.map((_, j) => `$${rows.length + j + 1}`).join(",")})`);
        rows.push(...r);
      }
      if (rows.length / ncol !== tuples.length) throw new Error("bad batch");
      await client.query(`INSERT INTO "Record" (${COLS}) VALUES ${tuples.join(",")}`, rows);
    }
    await client.query("ANALYZE");
    await client.end();
  }
  return { units: all.length, root: all[0], towns: all.slice(1, 1 + towns), leafUnits: all.slice(1 + towns) };
}
