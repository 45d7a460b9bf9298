import type { Kysely } from 'kysely';
import type { Fields, RecordKind, RecordStatus, SystemId } from '../../../src-shared/domain/record-kinds';
import { kindProfile } from '../../../src-shared/domain/remotes';
import type { Database } from '../db/schema';
import { nowIso, parseFields } from '../json';

export type Db = Kysely<Database>;

/** A change the remote holds as a proposal until an admin decides (stored on the record as JSON). */
export interface Proposal {
  approvalId: string;
  action: 'Add' | 'Change';
  status: 'Pending' | 'Rejected';
  fields: Fields;
  message: string | null;
}

export function parseProposal(text: string | null | undefined): Proposal | null {
  return text ? (JSON.parse(text) as Proposal) : null;
}

/** The record's visible fields and searchable columns, written together so search never lags. */
export function summaryColumns(system: SystemId, kind: RecordKind, fields: Fields) {
  const s = kindProfile(system, kind).summarize(fields);
  return { fields: JSON.stringify(fields), title: s.title, subtitle: s.subtitle, vendor: s.vendor, serial: s.serial, notes: s.notes };
}

/**
 * What the user sees is derived from the record's outbox entries and conflict marker;
 * call this after anything that changes either, in the same transaction.
 */
export async function refreshStatus(db: Db, recordId: string): Promise<RecordStatus> {
  const rec = await db.selectFrom('records').select(['conflict_fields', 'proposal']).where('id', '=', recordId).executeTakeFirst();
  if (!rec) return 'synced';
  const ops = await db.selectFrom('outbox').select(['state']).where('record_id', '=', recordId).execute();
  const proposal = parseProposal(rec.proposal);
  let status: RecordStatus = 'synced';
  if (rec.conflict_fields) status = 'conflict';
  else if (ops.some((o) => o.state === 'rejected')) status = 'rejected';
  else if (ops.length > 0) status = 'pending';
  else if (proposal?.status === 'Pending') status = 'awaiting_approval';
  else if (proposal?.status === 'Rejected') status = 'rejected';
  await db.updateTable('records').set({ status, updated_at: nowIso() }).where('id', '=', recordId).execute();
  return status;
}

/**
 * Rebuilds what the user sees from the last remote version plus the edits still queued, in order.
 * Used after an acknowledgement or a discard. Returns false when nothing is left (a discarded create).
 */
export async function rebuildFromOutbox(db: Db, system: SystemId, recordId: string): Promise<boolean> {
  const rec = await db.selectFrom('records').selectAll().where('id', '=', recordId).executeTakeFirst();
  if (!rec) return false;
  const ops = await db.selectFrom('outbox').selectAll().where('record_id', '=', recordId).orderBy('id').execute();
  // A record only proposed to the remote (an Add awaiting approval) shows its proposed values.
  const proposal = parseProposal(rec.proposal);
  let fields: Fields | null =
    rec.base_fields !== null ? parseFields(rec.base_fields) : proposal?.action === 'Add' ? proposal.fields : null;
  let deleted = false;
  for (const op of ops) {
    if (op.type === 'create') fields = { ...(fields ?? {}), ...parseFields(op.payload) };
    else if (op.type === 'update') fields = { ...(fields ?? {}), ...parseFields(op.payload) };
    else deleted = true;
  }
  if (fields === null) {
    await db.deleteFrom('records').where('id', '=', recordId).execute();
    return false;
  }
  await db
    .updateTable('records')
    .set({ ...summaryColumns(system, rec.kind as RecordKind, fields), deleted: deleted ? 1 : 0 })
    .where('id', '=', recordId)
    .execute();
  await refreshStatus(db, recordId);
  return true;
}

/** Records the local<->remote id pair in the id map and on the record. */
export async function mapRemoteId(db: Db, connectionId: string, kind: RecordKind, localId: string, remoteId: string): Promise<void> {
  // A remote id belongs to one local record: an older pairing (of a record since removed) gives way.
  await db.deleteFrom('id_map').where('connection_id', '=', connectionId).where('kind', '=', kind).where('remote_id', '=', remoteId).execute();
  await db
    .insertInto('id_map')
    .values({ connection_id: connectionId, kind, remote_id: remoteId, local_id: localId })
    .onConflict((oc) => oc.column('local_id').doUpdateSet({ remote_id: remoteId }))
    .execute();
  await db.updateTable('records').set({ remote_id: remoteId }).where('id', '=', localId).execute();
}
