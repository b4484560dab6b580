// Records awaiting their author's 确认: read from a plain-language message, or with a figure far
// beyond what a unit could do. Nothing counts until the author confirms; the record is then made
// under the original message's key, so pressing 确认 twice finds the record instead of a second.
import type { RecordDraft } from "../domain/parser.js";
import type { StoreContext } from "./shared.js";

export interface PendingRow {
  id: number;
  platform: string;
  chatExternalId: string;
  userId: string;
  unitId: number;
  sourceMessageId: string;
  draft: RecordDraft;
  status: "pending" | "confirmed" | "cancelled";
  reason: string;
  createdAt: Date;
}

/** How long a reading waits for its author: after that, 确认 asks for the line again. */
export const PENDING_HOURS = 24;

type Raw = Omit<PendingRow, "draft" | "status"> & { draft: string; status: string; updatedAt: Date };

function toRow(r: Raw): PendingRow {
  return { ...r, draft: JSON.parse(r.draft) as RecordDraft, status: r.status as PendingRow["status"] };
}

export class PendingStore {
  constructor(private readonly ctx: StoreContext) {}

  /** Keeps a reading for its author; the same message again (a redelivery) returns the first. */
  async create(p: Omit<PendingRow, "id" | "status" | "createdAt">): Promise<PendingRow> {
    const now = this.ctx.clock();
    const where = {
      platform_chatExternalId_sourceMessageId: {
        platform: p.platform,
        chatExternalId: p.chatExternalId,
        sourceMessageId: p.sourceMessageId,
      },
    };
    const row = await this.ctx.db.pendingRecord.upsert({
      where,
      create: { ...p, draft: JSON.stringify(p.draft), status: "pending", createdAt: now, updatedAt: now },
      update: {},
    });
    return toRow(row);
  }

  async get(id: number): Promise<PendingRow | null> {
    const row = await this.ctx.db.pendingRecord.findUnique({ where: { id } });
    return row ? toRow(row) : null;
  }

  /** The author's latest reading still waiting in this chat (for a bare 确认). */
  async latest(platform: string, chatExternalId: string, userId: string): Promise<PendingRow | null> {
    const since = new Date(this.ctx.clock().getTime() - PENDING_HOURS * 3600_000);
    const row = await this.ctx.db.pendingRecord.findFirst({
      where: { platform, chatExternalId, userId, status: "pending", createdAt: { gte: since } },
      orderBy: { id: "desc" },
    });
    return row ? toRow(row) : null;
  }

  /** Closes a reading once: true for the one call that moved it from pending. */
  async close(id: number, status: "confirmed" | "cancelled", actor: string): Promise<boolean> {
    const { ctx } = this;
    return ctx.db.$transaction(async (tx) => {
      const { count } = await tx.pendingRecord.updateMany({ where: { id, status: "pending" }, data: { status, updatedAt: ctx.clock() } });
      if (count === 1) await ctx.audit(tx, actor, `pending.${status}`, "PendingRecord", id);
      return count === 1;
    });
  }

  /** A confirmed reading goes back to pending when its record could not be made (the store failed). */
  async reopen(id: number): Promise<void> {
    await this.ctx.db.pendingRecord.updateMany({
      where: { id, status: "confirmed" },
      data: { status: "pending", updatedAt: this.ctx.clock() },
    });
  }
}
