// Evidence that comes with a message: each photo or file is fetched from the platform through the
// adapter's download hook, checked (size, and what its bytes are: an image, a PDF, a Word or Excel
// file), and stored by its SHA-256 before any record refers to it. A download the platform fails
// is thrown, so the stored event is tried again later; a file refused says why, in Chinese.
import { createHash } from "node:crypto";
import type { Attachment, InboundMessage } from "./types.js";
import type { Ledger, EvidenceFile } from "../store/ledger.js";
import { LedgerError } from "../store/ledger.js";

/** The platform will never give this file (too big for its API, gone): said to the person, not retried. */
export class EvidenceRefused extends Error {}

/** Fetches an attachment's bytes from its platform (Telegram getFile, Lark message resources, a console path). */
export type Download = (attachment: Attachment, msg: InboundMessage) => Promise<Buffer>;

export interface EvidenceLimits {
  /** One file at most (Telegram's Bot API serves files up to 20 MB). */
  maxFileBytes: number;
  /** All of a unit's live attachments together. */
  unitBudgetBytes: number;
}

export const DEFAULT_EVIDENCE_LIMITS: EvidenceLimits = { maxFileBytes: 20 * 1024 * 1024, unitBudgetBytes: 2 * 1024 * 1024 * 1024 };

/** What the message brought: the files stored, and a sentence for each one refused. */
export interface Evidence {
  files: EvidenceFile[];
  refused: string[];
}

const MB = 1024 * 1024;
const mb = (n: number) => `${n >= 10 * MB ? Math.round(n / MB) : Math.round((n / MB) * 10) / 10} MB`;

/** What the bytes are, by their first bytes (a name or a declared type can lie). */
function sniff(data: Buffer, name: string): { kind: "photo" | "file"; mime: string; ext: string } | null {
  const starts = (...bytes: number[]) => bytes.every((b, i) => data[i] === b);
  if (starts(0xff, 0xd8, 0xff)) return { kind: "photo", mime: "image/jpeg", ext: "jpg" };
  if (starts(0x89, 0x50, 0x4e, 0x47)) return { kind: "photo", mime: "image/png", ext: "png" };
  if (starts(0x47, 0x49, 0x46, 0x38)) return { kind: "photo", mime: "image/gif", ext: "gif" };
  if (starts(0x52, 0x49, 0x46, 0x46) && data.subarray(8, 12).toString("latin1") === "WEBP")
    return { kind: "photo", mime: "image/webp", ext: "webp" };
  if (starts(0x25, 0x50, 0x44, 0x46)) return { kind: "file", mime: "application/pdf", ext: "pdf" };
  const lower = name.toLowerCase();
  // Word and Excel: a zip (docx, xlsx) or an OLE compound file (doc, xls), told apart by the name.
  if (starts(0x50, 0x4b, 0x03, 0x04)) {
    if (lower.endsWith(".docx"))
      return { kind: "file", mime: "application/vnd.openxmlformats-officedocument.wordprocessingml.document", ext: "docx" };
    if (lower.endsWith(".xlsx"))
      return { kind: "file", mime: "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", ext: "xlsx" };
    return null;
  }
  if (starts(0xd0, 0xcf, 0x11, 0xe0)) {
    if (lower.endsWith(".doc")) return { kind: "file", mime: "application/msword", ext: "doc" };
    if (lower.endsWith(".xls")) return { kind: "file", mime: "application/vnd.ms-excel", ext: "xls" };
    return null;
  }
  return null;
}

const ACCEPTED = "图片（JPG、PNG、GIF、WEBP）、PDF、Word（doc、docx）或 Excel（xls、xlsx）";

/** Fetches, checks and stores every attachment of the message. */
export async function takeEvidence(
  ledger: Ledger,
  download: Download | undefined,
  msg: InboundMessage,
  opts: { limits?: EvidenceLimits; waitsMs?: number[]; log?: (event: string, detail: Record<string, unknown>) => void } = {},
): Promise<Evidence> {
  const limits = opts.limits ?? DEFAULT_EVIDENCE_LIMITS;
  const waits = opts.waitsMs ?? [500, 2000, 5000];
  const out: Evidence = { files: [], refused: [] };
  const groupKey = albumKey(msg);
  for (const [i, att] of (msg.attachments ?? []).entries()) {
    const label = att.name ? `「${att.name}」` : att.kind === "photo" ? "这张照片" : "这个文件";
    if (!download) {
      out.refused.push(`${label}没有保存：这个平台暂不支持接收附件。`);
      continue;
    }
    if (att.size !== undefined && att.size > limits.maxFileBytes) {
      out.refused.push(`${label}有 ${mb(att.size)}，超过单个附件 ${mb(limits.maxFileBytes)} 的上限，没有保存。`);
      continue;
    }
    let data: Buffer | null = null;
    // The platform answered 500 or the network dropped: tried again a few times, then the person
    // is told to send it again (the record itself is kept either way).
    for (let attempt = 0; data === null; attempt++) {
      try {
        data = await download(att, msg);
      } catch (e) {
        if (e instanceof EvidenceRefused) {
          out.refused.push(`${label}没有保存：${e.message}`);
          break;
        }
        opts.log?.("evidence.download_failed", { platform: msg.platform, attempt: attempt + 1, error: String((e as Error)?.message ?? e) });
        if (attempt >= waits.length) {
          out.refused.push(`${label}暂时无法从平台下载，没有保存。请稍后回复这条消息重新发送。`);
          break;
        }
        await new Promise((r) => setTimeout(r, waits[attempt]));
      }
    }
    if (data === null) continue;
    if (data.length > limits.maxFileBytes) {
      out.refused.push(`${label}有 ${mb(data.length)}，超过单个附件 ${mb(limits.maxFileBytes)} 的上限，没有保存。`);
      continue;
    }
    const type = sniff(data, att.name ?? "");
    if (!type) {
      out.refused.push(`${label}不是${ACCEPTED}，没有保存。`);
      continue;
    }
    const name = att.name ?? `照片${i + 1}.${type.ext}`;
    const sha256 = createHash("sha256").update(data).digest("hex");
    try {
      await ledger.attachments.putBytes({ sha256, name, mime: type.mime, data });
    } catch (e) {
      // The object store (or the database) would not take the bytes: the record is kept, the
      // person is told which file to send again.
      if (!(e instanceof LedgerError)) throw e;
      opts.log?.("evidence.store_failed", { platform: msg.platform, error: e.message });
      out.refused.push(`${label}没有保存：${e.message}`);
      continue;
    }
    out.files.push({ sha256, kind: type.kind, name, mime: type.mime, size: data.length, groupKey });
  }
  return out;
}

/** The album a message belongs to, as attachments keep it: its later photos join the same record. */
export function albumKey(msg: Pick<InboundMessage, "platform" | "chatId" | "album">): string | undefined {
  return msg.album ? `${msg.platform}:${msg.chatId}:${msg.album}` : undefined;
}

/** Photos and other files among attachments. */
export function evidenceCounts(files: { kind: string }[]): { photos: number; files: number } {
  const photos = files.filter((f) => f.kind === "photo").length;
  return { photos, files: files.length - photos };
}

/** "照片 2 张、文件 1 个". */
export function evidenceWords(c: { photos: number; files: number }): string {
  return [c.photos ? `照片 ${c.photos} 张` : "", c.files ? `文件 ${c.files} 个` : ""].filter(Boolean).join("、");
}

/** "照片 2 张（现场1.jpg、现场2.jpg）；文件 1 个（签到表.pdf）": a record's evidence by name. */
export function evidenceList(files: { kind: string; name: string }[]): string {
  const photos = files.filter((f) => f.kind === "photo");
  const others = files.filter((f) => f.kind !== "photo");
  return [
    photos.length ? `照片 ${photos.length} 张（${photos.map((f) => f.name).join("、")}）` : "",
    others.length ? `文件 ${others.length} 个（${others.map((f) => f.name).join("、")}）` : "",
  ]
    .filter(Boolean)
    .join("；");
}

/** The message's evidence, fetched and stored on the first call only: a command that does not keep it downloads nothing. */
export function lazyEvidence(fetch: () => Promise<Evidence>): () => Promise<Evidence> {
  let taken: Promise<Evidence> | null = null;
  return () => (taken ??= fetch());
}

/**
 * Attaches the stored files to a record within the unit's budget; returns the sentence for the
 * reply ("已附照片 2 张。"), with each refusal.
 */
export async function attachEvidence(
  ledger: Ledger,
  recordId: number,
  unitId: number,
  evidence: Evidence,
  actor: string,
  limits: EvidenceLimits = DEFAULT_EVIDENCE_LIMITS,
): Promise<string> {
  const parts: string[] = [];
  if (evidence.files.length) {
    const used = await ledger.attachments.unitBytes(unitId);
    const adding = evidence.files.reduce((a, f) => a + f.size, 0);
    if (used + adding > limits.unitBudgetBytes) {
      parts.push(
        `本单位的附件已用 ${mb(used)}，再存这 ${evidence.files.length} 个就超过 ${mb(limits.unitBudgetBytes)} 的存储上限，没有保存。请联系管理员。`,
      );
    } else {
      try {
        const added = await ledger.attachments.attach(recordId, evidence.files, actor);
        const all = (await ledger.attachments.counts([recordId])).get(recordId) ?? { photos: 0, files: 0 };
        const total = evidenceWords(all);
        if (!added) parts.push(`这些附件已经附在 #${recordId} 上了（${total}），没有重复保存。`);
        else if (added === all.photos + all.files) parts.push(`已附${total}。`);
        else parts.push(`已附上 ${added} 个附件，#${recordId} 共有${total}。`);
      } catch (e) {
        if (e instanceof LedgerError) parts.push(e.message);
        else throw e;
      }
    }
  }
  parts.push(...evidence.refused);
  return parts.join("");
}
