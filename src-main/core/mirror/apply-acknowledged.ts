import { type Selectable, sql } from 'kysely';
import type { RecordsTable } from '../db/schema';
import type { Fields, RecordKind, SystemId } from '../../../src-shared/domain/record-kinds';
import type { PushResult } from '../../connectors/connector';
import { nowIso } from '../json';
import { hold } from './outbox-rows';
import { dropPulledTwin, forgetRecord, pairRemoteId, type Proposal, rebuildFromOutbox, stateOfRow, summaryColumns, visibleFields } from './rows';
import { acceptScopeOf } from './write-access';
import type { WriteScope } from './write-scope';

/**
 * The remote acknowledged an op: drop it, map ids, and adopt what the server holds after it
 * (trimmed whitespace, final URLs...) as the new base, with later local edits still on top. The
 * connector's `fields` are the server's reply, or exactly what was sent: never a later queued edit.
 * A proposal changes nothing live: the record keeps the live version and carries the proposal.
 */
export async function applyAcknowledged(s: WriteScope, opId: number, result: PushResult): Promise<void> {
  const op = await s.db.selectFrom('outbox').selectAll().where('id', '=', opId).executeTakeFirst();
  if (!op) return;
  s.opFate({
    opId,
    connectionId: op.connection_id,
    recordId: op.record_id,
    kind: op.kind,
    remoteId: result.type === 'saved' ? result.remoteId : op.remote_id,
    event: 'op_acknowledged',
    detail: fateDetail(result),
    source: result.type === 'proposed' ? 'proposal_filed' : 'sync',
  });
  await s.db.deleteFrom('outbox').where('id', '=', opId).execute();
  const kind = op.kind as RecordKind;
  if (result.type === 'decided') {
    await s.db
      .updateTable('approvals')
      .set({ status: result.status, updated_at: nowIso() })
      .where('connection_id', '=', op.connection_id)
      .where('remote_id', '=', result.approvalId)
      .execute();
    s.noteConnection(op.connection_id);
    return;
  }
  s.touch(op.connection_id, op.record_id);
  // A write the server took proves this account may write there.
  if (result.type === 'deleted' || result.type === 'saved') await acceptScopeOf(s, op);
  if (result.type === 'deleted') {
    s.sourceOf(op.record_id, 'sync');
    const later = await s.db.selectFrom('outbox').select('id').where('record_id', '=', op.record_id).executeTakeFirst();
    if (!later) await forgetRecord(s.db, op.record_id);
    return;
  }
  const system = await s.system(op.connection_id);
  if (result.type === 'proposed') {
    const rec = await s.db.selectFrom('records').select('id').where('id', '=', op.record_id).executeTakeFirst();
    if (!rec) return;
    const proposal: Proposal = { approvalId: result.approvalId, action: result.action, status: 'Pending', fields: result.fields, message: null };
    await s.db
      .updateTable('records')
      .set({ proposal: JSON.stringify(proposal), proposal_history: sql`json_insert(proposal_history, '$[#]', ${result.approvalId})` })
      .where('id', '=', op.record_id)
      .execute();
    // Edits made while this one was in flight wait for the decision: sent now, they would become
    // a second proposal built on the live values, without this one's changes.
    await hold(s, op.record_id, 'held_decision');
    await rebuildFromOutbox(s.db, system, op.record_id);
    return;
  }
  // Read after the access check, which may have changed whether it is editable.
  const rec = await s.db.selectFrom('records').selectAll().where('id', '=', op.record_id).executeTakeFirst();
  if (!rec) return;
  await dropPulledTwin(s.db, op.connection_id, kind, op.record_id, result.remoteId);
  await pairRemoteId(s.db, op.connection_id, kind, op.record_id, result.remoteId);
  await settleSaved(s, system, rec, result.remoteId, result.fields);
}

/**
 * The record after a saved op, in one write: the server's version as the new base, the remote id
 * (on its later ops too), what the user sees (that base with the later ops on top) and the status
 * `recordState` derives. An acknowledgement is the drain's most frequent write, so it reads the
 * record and its ops once, instead of once for each of those steps.
 */
async function settleSaved(s: WriteScope, system: SystemId, rec: Selectable<RecordsTable>, remoteId: string, serverFields: Fields): Promise<void> {
  const recordId = rec.id;
  // Read after dropPulledTwin, which may have moved the twin's edits over.
  const later = await s.db.selectFrom('outbox').select(['type', 'payload', 'state', 'remote_id']).where('record_id', '=', recordId).orderBy('id').execute();
  // Later ops of this record that were queued before the id was known act on it now.
  if (later.some((o) => o.remote_id !== remoteId)) await s.db.updateTable('outbox').set({ remote_id: remoteId }).where('record_id', '=', recordId).execute();
  const base_fields = JSON.stringify(serverFields);
  // Never null: the base is set.
  const visible = visibleFields({ base_fields, proposal: rec.proposal }, later)!;
  const deleted = visible.deleted ? 1 : 0;
  const { status } = stateOfRow({ ...rec, remote_id: remoteId, deleted }, later);
  await s.db
    .updateTable('records')
    .set({
      remote_id: remoteId,
      base_fields,
      // Nothing of ours left to send: the record is what the server holds.
      ...(later.length === 0 ? { synced_at: nowIso() } : {}),
      ...summaryColumns(system, rec.kind as RecordKind, visible.fields),
      deleted,
      status,
      updated_at: nowIso(),
    })
    .where('id', '=', recordId)
    .execute();
  s.derived(rec.connection_id, recordId);
}

/** What the remote said it did, for the op's history entry. */
function fateDetail(result: PushResult): string {
  switch (result.type) {
    case 'saved':
      return `saved as ${result.remoteId}`;
    case 'deleted':
      return 'deleted';
    case 'proposed':
      return `${result.action} proposal ${result.approvalId} filed`;
    case 'decided':
      return `proposal ${result.approvalId} ${result.status.toLowerCase()}`;
  }
}
