import type { Fields, RecordKind, SystemId } from '../../../src-shared/domain/record-kinds';
import { type OpState, type OpType, recordState } from '../../../src-shared/domain/record-state';
import { kindProfile } from '../../../src-shared/domain/remotes';
import type { Selectable } from 'kysely';
import type { Db, RecordsTable } from '../db/schema';
import { nowIso, parseFields } from '../json';
import { parseProposal } from '../records/proposal';

export { approvalOpRecordId, parseProposal, type Proposal } from '../records/proposal';

/**
 * Row-level helpers of the mirror, used only inside its transactions (see `mirror.ts`). Nothing
 * outside `core/mirror/` imports this file.
 */
export type { Db };

/** The record's visible fields and searchable columns, written together so search never lags. */
export function summaryColumns(system: SystemId, kind: RecordKind, fields: Fields) {
  const s = kindProfile(system, kind).summarize(fields);
  return { fields: JSON.stringify(fields), title: s.title, subtitle: s.subtitle, vendor: s.vendor, serial: s.serial, notes: s.notes };
}

type StateColumns = Pick<Selectable<RecordsTable>, 'conflict_fields' | 'proposal' | 'editable' | 'deleted' | 'remote_id'>;

/** `recordState` of a record's row and its ops, in order (and the refused choice it lies in, when known). */
export function stateOfRow(rec: StateColumns, ops: readonly { type: string; state: OpState }[], refusedScope: string | null = null) {
  return recordState({
    remoteEditable: rec.editable === 1,
    refusedScope,
    deleted: rec.deleted === 1,
    inConflict: rec.conflict_fields !== null,
    proposal: parseProposal(rec.proposal)?.status ?? null,
    onRemote: rec.remote_id !== null,
    ops: ops.map((o) => ({ type: o.type as OpType, state: o.state })),
  });
}

/** The record's state by `recordState`, from its row and its ops (and the refused choice it lies in, when known). */
export async function stateOf(db: Db, rec: StateColumns & { id: string }, refusedScope: string | null = null) {
  const ops = await db.selectFrom('outbox').select(['type', 'state']).where('record_id', '=', rec.id).orderBy('id').execute();
  return stateOfRow(rec, ops, refusedScope);
}

/** Stores the status `recordState` derives from the record and its ops. */
export async function recomputeStatus(db: Db, recordId: string): Promise<void> {
  const rec = await db.selectFrom('records').select(['id', 'conflict_fields', 'proposal', 'editable', 'deleted', 'remote_id']).where('id', '=', recordId).executeTakeFirst();
  if (!rec) return;
  const { status } = await stateOf(db, rec);
  await db.updateTable('records').set({ status, updated_at: nowIso() }).where('id', '=', recordId).execute();
}

/**
 * What the user sees: the last remote version (or, for a record only proposed to the remote, an
 * Add awaiting approval, its proposed values) with the edits still queued on top, in order. Null
 * when nothing is left (a discarded create).
 */
export function visibleFields(rec: Pick<Selectable<RecordsTable>, 'base_fields' | 'proposal'>, ops: readonly { type: string; payload: string }[]): { fields: Fields; deleted: boolean } | null {
  const proposal = parseProposal(rec.proposal);
  let fields: Fields | null = rec.base_fields !== null ? parseFields(rec.base_fields) : proposal?.action === 'Add' ? proposal.fields : null;
  let deleted = false;
  for (const op of ops) {
    if (op.type === 'create' || op.type === 'update') fields = { ...(fields ?? {}), ...parseFields(op.payload) };
    else if (op.type === 'delete') deleted = true;
  }
  return fields === null ? null : { fields, deleted };
}

/**
 * Rebuilds what the user sees from the last remote version plus the edits still queued, in order.
 * Returns false when nothing is left (a discarded create), and removes the row then.
 */
export async function rebuildFromOutbox(db: Db, system: SystemId, recordId: string): Promise<boolean> {
  const rec = await db.selectFrom('records').selectAll().where('id', '=', recordId).executeTakeFirst();
  if (!rec) return false;
  const ops = await db.selectFrom('outbox').select(['type', 'payload']).where('record_id', '=', recordId).orderBy('id').execute();
  const visible = visibleFields(rec, ops);
  if (visible === null) {
    await forgetRecord(db, recordId);
    return false;
  }
  await db
    .updateTable('records')
    .set({ ...summaryColumns(system, rec.kind as RecordKind, visible.fields), deleted: visible.deleted ? 1 : 0 })
    .where('id', '=', recordId)
    .execute();
  return true;
}

/** Removes a record with its ops and id pairing. */
export async function forgetRecord(db: Db, recordId: string): Promise<void> {
  await db.deleteFrom('outbox').where('record_id', '=', recordId).execute();
  await db.deleteFrom('records').where('id', '=', recordId).execute();
  await db.deleteFrom('id_map').where('local_id', '=', recordId).execute();
}

/** Records the local<->remote id pair in the id map, on the record and on its queued ops. */
export async function mapRemoteId(db: Db, connectionId: string, kind: RecordKind, localId: string, remoteId: string): Promise<void> {
  await pairRemoteId(db, connectionId, kind, localId, remoteId);
  await db.updateTable('records').set({ remote_id: remoteId }).where('id', '=', localId).execute();
  // Later ops of this record that were queued before the id was known act on it now.
  await db.updateTable('outbox').set({ remote_id: remoteId }).where('record_id', '=', localId).execute();
}

/** The id map's half of `mapRemoteId` (for a writer that sets the record's and its ops' remote id itself). */
export async function pairRemoteId(db: Db, connectionId: string, kind: RecordKind, localId: string, remoteId: string): Promise<void> {
  // A remote id belongs to one local record: an older pairing (of a record since removed) gives way.
  await db.deleteFrom('id_map').where('connection_id', '=', connectionId).where('kind', '=', kind).where('remote_id', '=', remoteId).execute();
  await db
    .insertInto('id_map')
    .values({ connection_id: connectionId, kind, remote_id: remoteId, local_id: localId })
    .onConflict((oc) => oc.column('local_id').doUpdateSet({ remote_id: remoteId }))
    .execute();
}

/**
 * A pull may have brought the record our create made in as a separate row before the create's
 * answer was known. Ours wins (the user may have it open); the twin goes, and edits made to it
 * move over (they are edits of the same remote record).
 */
export async function dropPulledTwin(db: Db, connectionId: string, kind: RecordKind, localId: string, remoteId: string): Promise<void> {
  const twin = await db
    .selectFrom('records')
    .select(['id'])
    .where('connection_id', '=', connectionId)
    .where('kind', '=', kind)
    .where('remote_id', '=', remoteId)
    .where('id', '!=', localId)
    .executeTakeFirst();
  if (!twin) return;
  await db.updateTable('outbox').set({ record_id: localId }).where('record_id', '=', twin.id).execute();
  await db.deleteFrom('records').where('id', '=', twin.id).execute();
  await db.deleteFrom('id_map').where('local_id', '=', twin.id).execute();
}

export async function systemOf(db: Db, connectionId: string): Promise<SystemId> {
  const c = await db.selectFrom('connections').select('system').where('id', '=', connectionId).executeTakeFirstOrThrow();
  return c.system as SystemId;
}
