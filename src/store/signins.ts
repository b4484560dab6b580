// Sign-ins (签到): opened by an officer, pressed by members, closed once. Every step is a claim
// the database decides, so that a double press, a redelivered press, two processes closing the
// same sign-in at its closing time, or a crash between closing and recording never count a name
// twice, never make two records and never lose one.
import type { RecordDraft } from "../domain/parser.js";
import type { StoreContext } from "./shared.js";

export interface SignInRow {
  id: number;
  unitId: number;
  chatId: number;
  platform: string;
  chatExternalId: string;
  sourceMessageId: string;
  memberId: number;
  actor: string;
  draft: RecordDraft;
  closesAt: Date | null;
  cardMessageId: string | null;
  createdAt: Date;
  closedAt: Date | null;
  closedBy: string | null;
  outcome: "closed" | "empty" | "cancelled" | null;
  recordId: number | null;
}

export interface SignInEntryRow {
  name: string;
  paper: boolean;
  memberId: number | null;
  at: Date;
}

/** The most names one sign-in takes: a whole Party committee's meeting, with a wide margin. */
export const MAX_SIGN_IN_ENTRIES = 500;

type Raw = Omit<SignInRow, "draft" | "outcome"> & { draft: string; outcome: string | null };

function toRow(r: Raw): SignInRow {
  return { ...r, draft: JSON.parse(r.draft) as RecordDraft, outcome: r.outcome as SignInRow["outcome"] };
}

export class SignInStore {
  constructor(private readonly ctx: StoreContext) {}

  /** Opens a sign-in; the same message again (a redelivery) returns the first. */
  async open(
    s: Pick<
      SignInRow,
      "unitId" | "chatId" | "platform" | "chatExternalId" | "sourceMessageId" | "memberId" | "actor" | "draft" | "closesAt"
    >,
  ): Promise<{ signIn: SignInRow; created: boolean }> {
    const where = {
      platform_chatExternalId_sourceMessageId: {
        platform: s.platform,
        chatExternalId: s.chatExternalId,
        sourceMessageId: s.sourceMessageId,
      },
    };
    const prior = await this.ctx.db.signIn.findUnique({ where });
    if (prior) return { signIn: toRow(prior), created: false };
    const { ctx } = this;
    try {
      const row = await ctx.db.$transaction(async (tx) => {
        const created = await tx.signIn.create({ data: { ...s, draft: JSON.stringify(s.draft), createdAt: ctx.clock() } });
        await ctx.audit(tx, s.actor, "signin.open", "SignIn", created.id, { kind: s.draft.kind, closesAt: s.closesAt });
        return created;
      });
      return { signIn: toRow(row), created: true };
    } catch (e) {
      // The same message taken by another process at the same moment: its sign-in is the one.
      const raced = await ctx.db.signIn.findUnique({ where });
      if (raced) return { signIn: toRow(raced), created: false };
      throw e;
    }
  }

  async get(id: number): Promise<SignInRow | null> {
    const row = await this.ctx.db.signIn.findUnique({ where: { id } });
    return row ? toRow(row) : null;
  }

  /** The chat's sign-ins still open, newest first. */
  async openIn(platform: string, chatExternalId: string): Promise<SignInRow[]> {
    const rows = await this.ctx.db.signIn.findMany({
      where: { platform, chatExternalId, closedAt: null },
      orderBy: { id: "desc" },
      take: 20,
    });
    return rows.map(toRow);
  }

  /** Remembers the card's message id (the first post wins: later posts are copies). */
  async setCard(id: number, messageId: string): Promise<void> {
    await this.ctx.db.signIn.updateMany({ where: { id, cardMessageId: null }, data: { cardMessageId: messageId } });
  }

  /**
   * Puts a name on the list once: a member by their platform user id (a second press finds the
   * first), a paper name by the name itself. Refused once the sign-in is closed or full.
   */
  async add(
    id: number,
    entry: { key: string; name: string; memberId: number | null; paper: boolean },
  ): Promise<"added" | "already" | "closed" | "full"> {
    const { ctx } = this;
    return ctx.db
      .$transaction(async (tx) => {
        const s = await tx.signIn.findUnique({ where: { id }, select: { closedAt: true } });
        if (!s || s.closedAt) return "closed";
        if ((await tx.signInEntry.count({ where: { signInId: id } })) >= MAX_SIGN_IN_ENTRIES) return "full";
        await tx.signInEntry.create({ data: { signInId: id, ...entry, at: ctx.clock() } });
        return "added";
      })
      .catch(async (e) => {
        // A second press of the same person, a redelivery, or two processes at the same moment:
        // the unique key (sign-in, person) took the first, and the transaction wrote nothing.
        if ((e as { code?: string }).code === "P2002") return "already" as const;
        throw e;
      });
  }

  /** The list in the order people signed in. */
  async entries(id: number): Promise<SignInEntryRow[]> {
    return this.ctx.db.signInEntry.findMany({
      where: { signInId: id },
      orderBy: { id: "asc" },
      select: { name: true, paper: true, memberId: true, at: true },
    });
  }

  /** Closes a sign-in once: true for the one call that closed it. */
  async close(id: number, outcome: "closed" | "cancelled", actor: string): Promise<boolean> {
    const { ctx } = this;
    return ctx.db.$transaction(async (tx) => {
      const { count } = await tx.signIn.updateMany({
        where: { id, closedAt: null },
        data: { closedAt: ctx.clock(), closedBy: actor, outcome },
      });
      if (count === 1) await ctx.audit(tx, actor, outcome === "closed" ? "signin.close" : "signin.cancel", "SignIn", id);
      return count === 1;
    });
  }

  /** A closed sign-in nobody signed: no record to make. */
  async markEmpty(id: number): Promise<void> {
    await this.ctx.db.signIn.updateMany({ where: { id, outcome: "closed", recordId: null }, data: { outcome: "empty" } });
  }

  /** Links the record the close made, once: true for the one call that linked it (it announces it). */
  async linkRecord(id: number, recordId: number): Promise<boolean> {
    const { count } = await this.ctx.db.signIn.updateMany({ where: { id, recordId: null }, data: { recordId } });
    return count === 1;
  }

  /** Open sign-ins whose closing time has come. */
  async due(at: Date, take = 50): Promise<SignInRow[]> {
    const rows = await this.ctx.db.signIn.findMany({ where: { closedAt: null, closesAt: { lte: at } }, orderBy: { id: "asc" }, take });
    return rows.map(toRow);
  }

  /** Sign-ins closed with names whose record was never linked (the process died in between), closed before `before`. */
  async unrecorded(before: Date, take = 50): Promise<SignInRow[]> {
    const rows = await this.ctx.db.signIn.findMany({
      where: { outcome: "closed", recordId: null, closedAt: { lte: before } },
      orderBy: { id: "asc" },
      take,
    });
    return rows.map(toRow);
  }
}
