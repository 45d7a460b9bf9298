import { sql } from 'kysely';
import type { RecordKind } from '../../../src-shared/domain/record-kinds';
import type { PushResult } from '../../connectors/connector';
import { nowIso, parseFields } from '../json';
import { hold } from './outbox-rows';
import { dropPulledTwin, forgetRecord, mapRemoteId, type Proposal, rebuildFromOutbox } from './rows';
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
  const rec = await s.db.selectFrom('records').select('base_fields').where('id', '=', op.record_id).executeTakeFirst();
  // A write the server took proves this account may write there.
  if (result.type === 'deleted' || result.type === 'saved') await acceptScopeOf(s, op, parseFields(rec?.base_fields));
  if (result.type === 'deleted') {
    s.sourceOf(op.record_id, 'sync');
    const later = await s.db.selectFrom('outbox').select('id').where('record_id', '=', op.record_id).executeTakeFirst();
    if (!later) await forgetRecord(s.db, op.record_id);
    return;
  }
  if (!rec) return;
  const system = await s.system(op.connection_id);
  if (result.type === 'proposed') {
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
  await dropPulledTwin(s.db, op.connection_id, kind, op.record_id, result.remoteId);
  await mapRemoteId(s.db, op.connection_id, kind, op.record_id, result.remoteId);
  const later = await s.db.selectFrom('outbox').select('id').where('record_id', '=', op.record_id).executeTakeFirst();
  // Nothing of ours left to send: the record is what the server holds.
  await s.db
    .updateTable('records')
    .set({ base_fields: JSON.stringify(result.fields), ...(later ? {} : { synced_at: nowIso() }) })
    .where('id', '=', op.record_id)
    .execute();
  await rebuildFromOutbox(s.db, system, op.record_id);
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
