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

  /** Members of a platform by display name or by id ("telegram:123" or "123"). */
  async findMembers(platform: string, who: string): Promise<MemberRow[]> {
    const id = who.replace(new RegExp(`^${platform}:`), "");
    const byId = await this.ctx.db.member.findMany({ where: { platform, externalId: id } });
    if (byId.length) return byId;
    return this.ctx.db.member.findMany({ where: { platform, name: who.replace(/^@/, "") }, take: 5 });
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
      await this.ctx.audit(tx, actor, "member.forget", "Member", member.id);
      return tx.record.count({ where: { memberId: member.id } });
    });
    this.ctx.invalidate();
    return { records, alias };
  }
}
