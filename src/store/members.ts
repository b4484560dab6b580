// Members: a platform user's row, their role, and forgetting them. A role change or a forgotten
// member is written with its audit row in one transaction, and clears the caches.
import { lookupIdentity, toMemberRow, type StoreContext, type MemberRow, type Role } from "./shared.js";

export class MemberStore {
  constructor(private readonly ctx: StoreContext) {}

  /** The member row for a platform user, created on first sight; their display name kept current. */
  async member(platform: string, externalId: string, name: string): Promise<MemberRow> {
    const { ctx } = this;
    return lookupIdentity(
      ctx,
      ctx.members,
      "Member",
      platform,
      externalId,
      "name",
      name || null,
      toMemberRow,
      () => ctx.db.member.create({ data: { platform, externalId, name, createdAt: ctx.clock() } }),
      (id) => ctx.db.member.update({ where: { id }, data: { name } }),
    );
  }

  /**
   * The member with this platform identity, or null. Forgotten members (whose identity was
   * deleted) are never found.
   */
  async memberById(platform: string, externalId: string): Promise<MemberRow | null> {
    if (externalId.startsWith("forgotten:")) return null;
    return this.ctx.db.member.findUnique({ where: { platform_externalId: { platform, externalId } } });
  }

  /**
   * Members of a platform whose display name is exactly `name` (at most `limit`), each with how
   * many records they have made. A display name is whatever the person set on the platform, so
   * callers decide whom a name may pick (src/core/args.ts: only people with records or a role).
   */
  async membersNamed(platform: string, name: string, limit = 10): Promise<(MemberRow & { records: number })[]> {
    const rows = await this.ctx.db.member.findMany({
      where: { platform, name, NOT: { externalId: { startsWith: "forgotten:" } } },
      include: { _count: { select: { records: true } } },
      orderBy: { id: "asc" },
      take: limit,
    });
    return rows.map(({ _count, ...m }) => ({ ...m, records: _count.records }));
  }

  async setRole(member: MemberRow, role: Role, unitId: number | null, actor: string): Promise<void> {
    await this.ctx.db.$transaction(async (tx) => {
      await tx.member.update({ where: { id: member.id }, data: { role, unitId } });
      await this.ctx.audit(tx, actor, "member.role", "Member", member.id, { from: member.role, to: role, unitId });
    });
    this.ctx.invalidate();
  }

  /** People with a role: every administrator, and the officers of one unit. */
  roleHolders(unitId: number | null): Promise<MemberRow[]> {
    return this.ctx.db.member.findMany({
      where: { OR: [{ role: "admin" }, ...(unitId ? [{ role: "officer", unitId }] : [])] },
      orderBy: { id: "asc" },
    });
  }

  /**
   * Deletes a member's personal data — their name and platform identity, also in the audit log —
   * while their records stay in the ledger under an anonymous name, so no figure changes.
   */
  async forgetMember(member: MemberRow, actor: string): Promise<{ records: number; alias: string }> {
    const alias = `已删除成员${member.id}`;
    const identity = `${member.platform}:${member.externalId}`;
    const records = await this.ctx.db.$transaction(async (tx) => {
      await tx.member.update({
        where: { id: member.id },
        data: { name: alias, externalId: `forgotten:${member.id}`, role: "member", unitId: null },
      });
      await tx.auditLog.updateMany({ where: { actor: identity }, data: { actor: `forgotten:${member.id}` } });
      // Their presses on sign-ins keep counting, under the same anonymous name.
      await tx.signInEntry.updateMany({
        where: { memberId: member.id, paper: false },
        data: { name: alias, key: `forgotten:${member.id}` },
      });
      // Their web page sessions and links end, and no longer name them.
      const now = this.ctx.clock();
      const who = { platform: member.platform, userId: member.externalId };
      await tx.dashboardSession.updateMany({ where: who, data: { userName: alias, userId: `forgotten:${member.id}`, revokedAt: now } });
      await tx.dashboardLink.updateMany({ where: who, data: { userName: alias, userId: `forgotten:${member.id}`, usedAt: now } });
      await this.ctx.audit(tx, actor, "member.forget", "Member", member.id);
      return tx.record.count({ where: { memberId: member.id } });
    });
    this.ctx.invalidate();
    return { records, alias };
  }
}
