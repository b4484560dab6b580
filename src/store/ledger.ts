// The ledger's data access: chats, units, members, records, figures and the audit log.
// Every change is written together with its audit row in one transaction: nothing half-written.
//
// A thin façade over the store modules, split by concern: units.ts (units and chats),
// members.ts, records.ts, figures.ts, and shared.ts (row types, caches, the audit writer). They
// share one StoreContext, so the caches are one set per Ledger and invalidate() clears them all.
import type { Prisma } from "../generated/prisma/client.ts";
import type { Db } from "./connect.js";
import type { Sql } from "./sql.js";
import type { RecordDraft } from "../domain/parser.js";
import type { FigureRow } from "../domain/figures.js";
import type { Period } from "../domain/periods.js";
import type { Clock } from "../time.js";
import { StoreContext, type ChatRow, type UnitRow, type MemberRow, type RecordRow, type Role } from "./shared.js";
import { UnitStore } from "./units.js";
import { OutboxStore } from "./outbox.js";
import { MemberStore } from "./members.js";
import { RecordStore, type RecordFields } from "./records.js";
import { PendingStore, type PendingRow } from "./pending.js";
import { AttachmentStore } from "./attachments.js";
import { DashboardStore } from "./dashboard.js";
import type { ObjectStore } from "./objects.js";
import { SignInStore } from "./signins.js";
import { FigureStore, type RuleWindow, type DraftName, type DraftUnit, type SituationNote } from "./figures.js";

export { LedgerError, quietRuleIds } from "./shared.js";
export type { Role, ChatRow, UnitRow, MemberRow, RecordRow } from "./shared.js";
export { windowSums, type RuleWindow, type DraftName, type DraftUnit, type SituationNote } from "./figures.js";
export type { RecordFields } from "./records.js";
export type { PendingRow } from "./pending.js";
export type { SignInRow, SignInEntryRow } from "./signins.js";
export type { EvidenceFile, AttachmentRow, EvidenceCount } from "./attachments.js";
export type { DashboardPerson, DashboardSessionRow, MonthFigures } from "./dashboard.js";

export class Ledger {
  private readonly ctx: StoreContext;
  private readonly unitStore: UnitStore;
  private readonly memberStore: MemberStore;
  private readonly recordStore: RecordStore;
  private readonly figureStore: FigureStore;
  /** The outbox's rows and stored files (what /发送记录 lists and re-queues). */
  readonly outbox: OutboxStore;
  /** Records read from plain language (or with an implausible figure), awaiting their author's 确认. */
  readonly pending: PendingStore;
  /** Evidence (photos, files) attached to records. */
  readonly attachments: AttachmentStore;
  /** Sign-ins (签到) and their lists. */
  readonly signIns: SignInStore;
  /** The web page's links, sessions and monthly figures. */
  readonly dashboard: DashboardStore;

  /**
   * `clock` is the bot's one clock: every timestamp written here and every cache expiry reads it.
   * `objects`: the configured object store, where evidence bytes go instead of the database.
   */
  constructor(
    readonly db: Db,
    readonly sql: Sql,
    readonly clock: Clock,
    objects?: ObjectStore,
  ) {
    this.ctx = new StoreContext(db, sql, clock);
    this.unitStore = new UnitStore(this.ctx);
    this.memberStore = new MemberStore(this.ctx);
    this.recordStore = new RecordStore(this.ctx);
    this.figureStore = new FigureStore(this.ctx);
    this.outbox = new OutboxStore(db, clock);
    this.pending = new PendingStore(this.ctx);
    this.attachments = new AttachmentStore(this.ctx, objects);
    this.signIns = new SignInStore(this.ctx);
    this.dashboard = new DashboardStore(this.ctx);
  }

  /** Forgets cached rows (after a change to chats, units or roles). */
  invalidate(): void {
    this.ctx.invalidate();
  }

  audit(
    tx: Prisma.TransactionClient | Db,
    actor: string | null,
    action: string,
    entity: string,
    entityId: string | number | null,
    detail?: unknown,
  ): Promise<void> {
    return this.ctx.audit(tx, actor, action, entity, entityId, detail);
  }

  // Units and chats (units.ts).

  /** The chat row for a platform chat, created on first sight (unbound); its title kept current. */
  chat(platform: string, externalId: string, title?: string): Promise<ChatRow> {
    return this.unitStore.chat(platform, externalId, title);
  }

  /** A chat moved to a new id (a Telegram group upgraded to a supergroup): the binding and history follow it. */
  migrateChat(platform: string, fromExternalId: string, toExternalId: string, actor: string): Promise<ChatRow | null> {
    return this.unitStore.migrateChat(platform, fromExternalId, toExternalId, actor);
  }

  unit(id: number): Promise<UnitRow | null> {
    return this.unitStore.unit(id);
  }

  unitByName(name: string): Promise<UnitRow | null> {
    return this.unitStore.unitByName(name);
  }

  /** The unit and all its descendants' ids (a town's villages and their branches). */
  subtreeIds(unitId: number): Promise<number[]> {
    return this.unitStore.subtreeIds(unitId);
  }

  /** The unit and its descendants with their parents, for roll-ups. */
  subtree(unitId: number): Promise<{ id: number; name: string; parentId: number | null }[]> {
    return this.unitStore.subtree(unitId);
  }

  /**
   * Units of `rootId`'s subtree (the root included) whose name contains `text` (LIKE wildcards in
   * it escaped, ASCII case ignored): the exact name first, then shorter names; at most `limit`.
   */
  subtreeUnitsNamedLike(rootId: number, text: string, limit = 20): Promise<{ id: number; name: string; parentId: number | null }[]> {
    return this.unitStore.subtreeUnitsNamedLike(rootId, text, limit);
  }

  /** Each unit's own sessions in every rule window, for many units in one query per 500: a town's units × requirements table. */
  unitsWindowCounts(unitIds: number[], windows: RuleWindow[]): Promise<Map<number, number[]>> {
    return this.unitStore.unitsWindowCounts(unitIds, windows);
  }

  children(unitId: number): Promise<UnitRow[]> {
    return this.unitStore.children(unitId);
  }

  /** A unit's bound chats and live records (its own, and with its subtree's), for /bind's question. */
  unitFootprint(unitId: number): Promise<{ chats: number; records: number; subtreeRecords: number }> {
    return this.unitStore.unitFootprint(unitId);
  }

  /**
   * Binds a chat to a unit by name, creating the unit (and the parent, if named and new).
   * Returns what changed, for the reply; the caller has already confirmed a rebind.
   */
  bind(chat: ChatRow, unitName: string, parentName: string | null, actor: string) {
    return this.unitStore.bind(chat, unitName, parentName, actor);
  }

  setRemindersMuted(unitId: number, muted: boolean, actor: string): Promise<void> {
    return this.unitStore.setRemindersMuted(unitId, muted, actor);
  }

  setRuleQuiet(unitId: number, ruleId: string, quiet: boolean, actor: string): Promise<void> {
    return this.unitStore.setRuleQuiet(unitId, ruleId, quiet, actor);
  }

  // Members (members.ts).

  /** The member row for a platform user, created on first sight; their display name kept current. */
  member(platform: string, externalId: string, name: string): Promise<MemberRow> {
    return this.memberStore.member(platform, externalId, name);
  }

  /** The member with this platform identity (never a forgotten one), or null. */
  memberById(platform: string, externalId: string): Promise<MemberRow | null> {
    return this.memberStore.memberById(platform, externalId);
  }

  /** Members of a platform whose display name is exactly `name`, with how many records each made. */
  membersNamed(platform: string, name: string, limit?: number): Promise<(MemberRow & { records: number })[]> {
    return this.memberStore.membersNamed(platform, name, limit);
  }

  setRole(member: MemberRow, role: Role, unitId: number | null, actor: string): Promise<void> {
    return this.memberStore.setRole(member, role, unitId, actor);
  }

  /** People with a role: every administrator, and the officers of one unit. */
  roleHolders(unitId: number | null): Promise<MemberRow[]> {
    return this.memberStore.roleHolders(unitId);
  }

  /** Deletes a member's personal data; their records stay under an anonymous name. */
  forgetMember(member: MemberRow, actor: string): Promise<{ records: number; alias: string }> {
    return this.memberStore.forgetMember(member, actor);
  }

  // Records (records.ts).

  /** Creates a record with its audit row, once per source message (a redelivery: duplicate = true). */
  createRecord(
    draft: RecordDraft,
    where: { unitId: number; chatId: number; memberId: number; platform: string; sourceChat: string; messageId: string; actor: string },
  ): Promise<{ record: RecordRow; duplicate: boolean }> {
    return this.recordStore.createRecord(draft, where);
  }

  record(id: number): Promise<RecordRow | null> {
    return this.recordStore.record(id);
  }

  /** The record a platform message made, if any. */
  recordBySource(platform: string, sourceChat: string, messageId: string): Promise<RecordRow | null> {
    return this.recordStore.recordBySource(platform, sourceChat, messageId);
  }

  /** Changes fields of a live record, audited with each field's before and after. */
  updateRecord(
    id: number,
    changes: Partial<RecordFields>,
    actor: string,
    action: "record.edit" | "record.amend",
  ): Promise<{ before: RecordRow; after: RecordRow }> {
    return this.recordStore.updateRecord(id, changes, actor, action);
  }

  /** The member's most recent live record in the unit created since `since`. */
  lastRecordBy(memberId: number, unitId: number, since: Date): Promise<RecordRow | null> {
    return this.recordStore.lastRecordBy(memberId, unitId, since);
  }

  /** Soft-deletes a record (kept for the audit trail; excluded from every figure). */
  deleteRecord(
    id: number,
    actor: string,
    action: "record.undo" | "record.delete" | "record.recall",
  ): Promise<RecordRow & { attachmentsRemoved: number }> {
    return this.recordStore.deleteRecord(id, actor, action);
  }

  listRecords(unitIds: number[], period: Period, limit = 50) {
    return this.recordStore.listRecords(unitIds, period, limit);
  }

  /** Every live record of the period, for the ledger export (no limit). */
  exportRecords(unitIds: number[], period: Period) {
    return this.recordStore.exportRecords(unitIds, period);
  }

  countRecords(unitIds: number[], period: Period): Promise<number> {
    return this.recordStore.countRecords(unitIds, period);
  }

  // Figures (figures.ts).

  /** The period's figures of these units' own records per (kind, subtype, item), from the monthly rows. */
  figures(unitIds: number[], period: Period, kind?: string): Promise<FigureRow[]> {
    return this.figureStore.figures(unitIds, period, kind);
  }

  /** The period's figures of a unit's whole subtree per (kind, subtype, item), from the monthly rows. */
  subtreeFigures(rootId: number, period: { start: string; end: string }): Promise<FigureRow[]> {
    return this.figureStore.subtreeFigures(rootId, period);
  }

  /** What a draft reads: current figures per child's subtree, the previous period's, and rule-window counts. */
  draftFigures(
    rootId: number,
    period: { start: string; end: string },
    previous: { start: string; end: string },
    windows: RuleWindow[],
  ): Promise<{ current: (FigureRow & { topId: number })[]; previous: FigureRow[]; counts: Map<number, number[]> }> {
    return this.figureStore.draftFigures(rootId, period, previous, windows);
  }

  /** One unit's own sessions in each rule window, in the windows' order: one query for /统计 and /截止. */
  unitWindowCounts(unitId: number, windows: RuleWindow[]): Promise<number[]> {
    return this.figureStore.unitWindowCounts(unitId, windows);
  }

  /** The period's recorded topics and activity names for a draft: a few per kind, own and below. */
  draftNames(rootId: number, period: { start: string; end: string }, perKind = 3): Promise<DraftName[]> {
    return this.figureStore.draftNames(rootId, period, perKind);
  }

  /** The period's observations of the 意识形态领域 in the subtree, for the 分析研判报告. */
  situationNotes(rootId: number, period: { start: string; end: string }, limit = 20): Promise<SituationNote[]> {
    return this.figureStore.situationNotes(rootId, period, limit);
  }

  /** The subtree's units with their ledger's start (createdAt) and officer count. */
  draftUnits(rootId: number): Promise<DraftUnit[]> {
    return this.figureStore.draftUnits(rootId);
  }
}
