import { createHash } from 'node:crypto';
import type { RecordKind, SystemId } from '../../../src-shared/domain/record-kinds';
import type { PushResult } from '../../connectors/connector';
import { nowIso } from '../json';
import { type Db, mapRemoteId, type Proposal, rebuildFromOutbox } from '../records/record-writer';

/** Why an op waits: a proposal of its record is with the administrators (released on their decision). */
export const AWAITING_DECISION = 'Waits for the administrators’ decision on the proposal before it is sent.';

/**
 * Outbox ops for a reviewer's decision act on an approval, not a record; their record id says
 * which. Hashed, because the contract's ids are at most 64 characters (a connection's UUID and a
 * remote's approval id side by side are longer).
 */
export function approvalOpRecordId(connectionId: string, approvalId: string): string {
  return `approval:${createHash('sha256').update(`${connectionId}\n${approvalId}`).digest('hex').slice(0, 32)}`;
}

/**
 * The remote acknowledged an op: drop it, map ids, and adopt the server's version of the record
 * (trimmed whitespace, final URLs...) with any later local edits still on top. A proposal changes
 * nothing live: the record keeps the live version and carries the proposal until an admin decides.
 */
export async function applyAcknowledged(db: Db, system: SystemId, opId: number, result: PushResult): Promise<void> {
  await db.transaction().execute(async (trx) => {
    const op = await trx.selectFrom('outbox').selectAll().where('id', '=', opId).executeTakeFirst();
    if (!op) return;
    await trx.deleteFrom('outbox').where('id', '=', opId).execute();
    const kind = op.kind as RecordKind;
    if (result.type === 'decided') {
      await trx
        .updateTable('approvals')
        .set({ status: result.status, updated_at: nowIso() })
        .where('connection_id', '=', op.connection_id)
        .where('remote_id', '=', result.approvalId)
        .execute();
      return;
    }
    if (result.type === 'deleted') {
      const later = await trx.selectFrom('outbox').select('id').where('record_id', '=', op.record_id).execute();
      if (later.length === 0) {
        await trx.deleteFrom('records').where('id', '=', op.record_id).execute();
        await trx.deleteFrom('id_map').where('local_id', '=', op.record_id).execute();
      }
      return;
    }
    const exists = await trx.selectFrom('records').select('id').where('id', '=', op.record_id).executeTakeFirst();
    if (!exists) return;
    if (result.type === 'proposed') {
      const proposal: Proposal = { approvalId: result.approvalId, action: result.action, status: 'Pending', fields: result.fields, message: null };
      await trx.updateTable('records').set({ proposal: JSON.stringify(proposal) }).where('id', '=', op.record_id).execute();
      // Edits made while this one was in flight wait for the decision: sent now, they would become
      // a second proposal built on the live values, without this one's changes.
      await trx
        .updateTable('outbox')
        .set({ state: 'held', last_error: AWAITING_DECISION })
        .where('record_id', '=', op.record_id)
        .where('state', '=', 'queued')
        .execute();
      await rebuildFromOutbox(trx, system, op.record_id);
      return;
    }
    await dropPulledTwin(trx, op.connection_id, kind, op.record_id, result.remoteId);
    await mapRemoteId(trx, op.connection_id, kind, op.record_id, result.remoteId);
    // Later ops of this record that were queued before the id was known act on it now.
    await trx.updateTable('outbox').set({ remote_id: result.remoteId }).where('record_id', '=', op.record_id).execute();
    await trx.updateTable('records').set({ base_fields: JSON.stringify(result.fields) }).where('id', '=', op.record_id).execute();
    await rebuildFromOutbox(trx, system, op.record_id);
  });
}

/**
 * A pull may have brought the record our create made in as a separate row before the create's
 * answer was known. Ours wins (the user may have it open); the twin goes.
 */
export async function dropPulledTwin(db: Db, connectionId: string, kind: RecordKind, localId: string, remoteId: string): Promise<void> {
  const twin = await db
    .selectFrom('records')
    .select(['id', 'status'])
    .where('connection_id', '=', connectionId)
    .where('kind', '=', kind)
    .where('remote_id', '=', remoteId)
    .where('id', '!=', localId)
    .executeTakeFirst();
  if (!twin) return;
  // Edits made to the twin are edits of the same remote record: they move over, none is lost.
  await db.updateTable('outbox').set({ record_id: localId }).where('record_id', '=', twin.id).execute();
  await db.deleteFrom('records').where('id', '=', twin.id).execute();
  await db.deleteFrom('id_map').where('local_id', '=', twin.id).execute();
}
