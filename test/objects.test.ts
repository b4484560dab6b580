// Evidence bytes in an S3-compatible object store (configured by S3_*), through the real AWS SDK
// client against a local fake on 127.0.0.1: a captioned photo's bytes go to the bucket under
// their SHA-256 and the database keeps only the row; the pack and the xlsx read them back; a
// second bot on the same database reads the same bytes; an orphan's object is swept with its row;
// a bad configuration is refused by name.
import { describe, it, expect, beforeAll, afterAll } from "vitest";
import { createHash } from "node:crypto";
import { unzipSync } from "fflate";
import { makeHarness, type Harness } from "./harness.js";
import { FakeS3 } from "./fixtures/s3-fake.js";
import { jpegBytes } from "./fixtures/images.js";
import { objectStoreFromEnv } from "../src/config/object-store.js";
import { ConfigError } from "../src/config/deployment.js";
import type { ObjectStoreOptions } from "../src/store/objects.js";

let s3: FakeS3;
let options: ObjectStoreOptions;
let h: Harness;
const photo = jpegBytes(21);
const sha = createHash("sha256").update(photo).digest("hex");

beforeAll(async () => {
  s3 = await FakeS3.start();
  options = objectStoreFromEnv({
    S3_ENDPOINT: s3.url,
    S3_BUCKET: "ledger",
    S3_ACCESS_KEY_ID: "test-key",
    S3_SECRET_ACCESS_KEY: "test-secret",
    S3_PREFIX: "bot/",
  })!;
  h = await makeHarness({ now: "2026-12-02T10:00:00+08:00", objectStore: options });
  h.files.set("p", photo);
  await h.ask("/bind 金桥社区");
});

afterAll(async () => {
  await h?.close();
  await s3?.close();
});

describe("evidence in an object store", () => {
  it("a captioned photo's bytes go to the bucket; the database keeps the row without them", async () => {
    const reply = await h.ask("/记录 会议 专题会议 12人 11月20日", { attachments: [{ kind: "photo", ref: "p" }] });
    expect(reply).toContain("已附照片 1 张。");
    expect(s3.objects.get(`/ledger/bot/evidence/${sha}`)?.data.equals(photo)).toBe(true);
    const row = await h.app.store.db.storedFile.findUniqueOrThrow({ where: { sha256: sha } });
    expect([row.location, row.size, Buffer.from(row.data).length]).toEqual(["s3", photo.length, 0]);
  });

  it("the Word pack holds the photo read back from the bucket; a second bot on the database reads it too", async () => {
    const packOf = async (bot: Harness) => {
      const file = (await bot.say("/导出台账 2026Q4 文档")).find((r) => r.file)!.file!;
      return Object.entries(unzipSync(new Uint8Array(file.data)))
        .filter(([name]) => name.startsWith("word/media/"))
        .map(([, bytes]) => Buffer.from(bytes));
    };
    expect((await packOf(h)).some((m) => m.equals(photo))).toBe(true);
    const other = await makeHarness({ now: "2026-12-02T10:00:00+08:00", objectStore: options, sharedUrl: h.url });
    try {
      expect((await packOf(other)).some((m) => m.equals(photo))).toBe(true);
    } finally {
      await other.close();
    }
    // A bot without the object store cannot read those bytes and says so, instead of an empty photo.
    const blind = await makeHarness({ now: "2026-12-02T10:00:00+08:00", sharedUrl: h.url });
    try {
      expect(await blind.ask("/导出台账 2026Q4 文档")).toContain("没有配置对象存储");
    } finally {
      await blind.close();
    }
  });

  it("an orphan's object is swept with its row", async () => {
    const orphan = jpegBytes(22);
    const orphanSha = createHash("sha256").update(orphan).digest("hex");
    await h.app.ledger.attachments.putBytes({ sha256: orphanSha, name: "lost.jpg", mime: "image/jpeg", data: orphan });
    expect(s3.objects.has(`/ledger/bot/evidence/${orphanSha}`)).toBe(true);
    expect(await h.app.ledger.attachments.sweepOrphans(new Date(h.now.getTime() + 1000))).toBe(1);
    expect(s3.objects.has(`/ledger/bot/evidence/${orphanSha}`)).toBe(false);
    expect(s3.objects.has(`/ledger/bot/evidence/${sha}`)).toBe(true);
  });

  it("a bucket that fails is retried by the SDK; one that keeps failing keeps the record and names the photo not saved", async () => {
    const next = jpegBytes(23);
    h.files.set("q", next);
    s3.failNext = { count: 1, status: 503 };
    expect(await h.ask("/记录 学习 8人 11月21日", { attachments: [{ kind: "photo", ref: "q" }] })).toContain("已附照片 1 张。");
    s3.failNext = { count: 10, status: 503 };
    const records = await h.app.store.db.record.count();
    h.files.set("r", jpegBytes(24));
    const reply = await h.ask("/记录 学习 9人 11月22日", { attachments: [{ kind: "photo", ref: "r" }] });
    s3.failNext = { count: 0, status: 503 };
    // The record is kept; the photo is named as not saved, with how to send it again.
    expect(reply).toMatch(/^已记录 #\d+/);
    expect(reply).toContain("没有保存：存放照片和文件的对象存储暂时不能用，请稍后回复这条记录的确认消息重新发送。");
    expect(await h.app.store.db.record.count()).toBe(records + 1);
    const id = Number(/^已记录 #(\d+)/.exec(reply)![1]);
    expect(await h.app.store.db.attachment.count({ where: { recordId: id } })).toBe(0);
  });

  it("is configured all or nothing, each missing setting named", () => {
    expect(objectStoreFromEnv({})).toBeNull();
    expect(() => objectStoreFromEnv({ S3_ENDPOINT: "http://127.0.0.1:9000" })).toThrow(ConfigError);
    expect(() => objectStoreFromEnv({ S3_ENDPOINT: "http://127.0.0.1:9000" })).toThrow(/S3_BUCKET, S3_ACCESS_KEY_ID, S3_SECRET_ACCESS_KEY/);
    expect(() =>
      objectStoreFromEnv({ S3_ENDPOINT: "oss-cn-hangzhou", S3_BUCKET: "b", S3_ACCESS_KEY_ID: "k", S3_SECRET_ACCESS_KEY: "s" }),
    ).toThrow(/not an http\(s\) address/);
    expect(
      objectStoreFromEnv({
        S3_ENDPOINT: "https://oss.example.cn",
        S3_BUCKET: "b",
        AWS_ACCESS_KEY_ID: "k",
        AWS_SECRET_ACCESS_KEY: "s",
        S3_FORCE_PATH_STYLE: "0",
      }),
    ).toMatchObject({
      region: "us-east-1",
      forcePathStyle: false,
      prefix: "",
    });
  });
});

describe("a reply's file with the same bytes as evidence kept in the bucket", () => {
  it("is kept in the database too, so the outbox can send it", async () => {
    const s3b = await FakeS3.start();
    const opts = objectStoreFromEnv({ S3_ENDPOINT: s3b.url, S3_BUCKET: "b", S3_ACCESS_KEY_ID: "k", S3_SECRET_ACCESS_KEY: "s" })!;
    const bot = await makeHarness({ now: "2026-12-02T10:00:00+08:00", objectStore: opts });
    try {
      const bytes = jpegBytes(31);
      const sha256 = createHash("sha256").update(bytes).digest("hex");
      await bot.app.ledger.attachments.putBytes({ sha256, name: "a.jpg", mime: "image/jpeg", data: bytes });
      expect(await bot.app.ledger.outbox.putFile({ name: "a.jpg", mime: "image/jpeg", data: bytes })).toBe(sha256);
      expect((await bot.app.ledger.outbox.getFile(sha256))?.data.equals(bytes)).toBe(true);
      expect((await bot.app.ledger.attachments.bytes(sha256))?.equals(bytes)).toBe(true);
    } finally {
      await bot.close();
      await s3b.close();
    }
  });
});
