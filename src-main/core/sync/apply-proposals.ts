import { sql } from 'kysely';
import type { RecordKind, SystemId } from '../../../src-shared/domain/record-kinds';
import type { ProposalUpdate, RemoteApproval } from '../../connectors/connector';
import { nowIso, parseFields } from '../json';
import { AWAITING_DECISION, dropPulledTwin } from './apply-acknowledged';
import { type Db, mapRemoteId, parseProposal, type Proposal, rebuildFromOutbox, refreshStatus } from '../records/record-writer';

/** A reviewer's queue, replaced wholesale on every pull. */
export async function applyApprovals(db: Db, connectionId: string, approvals: RemoteApproval[]): Promise<void> {
  await db.transaction().execute(async (trx) => {
    await trx.deleteFrom('approvals').where('connection_id', '=', connectionId).execute();
    for (const a of approvals) {
      await trx
        .insertInto('approvals')
        .values({
          connection_id: connectionId,
          remote_id: a.approvalId,
          kind: a.kind,
          action: a.action,
          status: a.status,
          instance_remote_id: a.instanceRemoteId,
          fields: JSON.stringify(a.fields),
          updated_at: nowIso(),
        })
        .execute();
    }
  });
}

/** The approval ids of proposals this connection submitted that still wait for a decision. */
export async function pendingProposalIds(db: Db, connectionId: string): Promise<string[]> {
  const rows = await db
    .selectFrom('records')
    .select('proposal')
    .where('connection_id', '=', connectionId)
    .where('proposal', 'is not', null)
    .execute();
  return rows.map((r) => parseProposal(r.proposal)!).filter((p) => p.status === 'Pending').map((p) => p.approvalId);
}

/**
 * What admins decided on our proposals. Accepted: the record becomes (or follows) the live record
 * and the badge clears. Rejected: the proposal stays visible as rejected until edited or discarded.
 * Returns the ids of records that changed.
 */
export async function applyProposalUpdates(db: Db, connectionId: string, system: SystemId, updates: ProposalUpdate[]): Promise<string[]> {
  const changed: string[] = [];
  await db.transaction().execute(async (trx) => {
    for (const u of updates) {
      if (u.status === 'Pending') continue;
      const rec = await trx
        .selectFrom('records')
        .selectAll()
        .where('connection_id', '=', connectionId)
        .where('proposal', 'is not', null)
        .where(sql<boolean>`json_extract(proposal, '$.approvalId') = ${u.approvalId}`)
        .executeTakeFirst();
      if (!rec) continue;
      const proposal = parseProposal(rec.proposal)!;
      changed.push(rec.id);
      // Edits held back for the decision go out now (on top of the live record, accepted or not).
      await trx
        .updateTable('outbox')
        .set({ state: 'queued', last_error: null, next_attempt_at: 0 })
        .where('record_id', '=', rec.id)
        .where('state', '=', 'held')
        .where('last_error', '=', AWAITING_DECISION)
        .execute();
      if (u.status === 'Rejected') {
        const message = u.message ?? 'An administrator rejected this proposal. Edit and resubmit it, or discard it.';
        const rejected: Proposal = { ...proposal, status: 'Rejected', message };
        await trx.updateTable('records').set({ proposal: JSON.stringify(rejected) }).where('id', '=', rec.id).execute();
        await refreshStatus(trx, rec.id);
        continue;
      }
      const kind = rec.kind as RecordKind;
      if (proposal.action === 'Add') {
        if (!u.instanceRemoteId) {
          // Accepted, but the remote did not say which record it made: the next pull brings it.
          await trx.deleteFrom('outbox').where('record_id', '=', rec.id).execute();
          await trx.deleteFrom('records').where('id', '=', rec.id).execute();
          continue;
        }
        // A pull may already have brought the new live record in as a separate row: keep ours.
        await dropPulledTwin(trx, connectionId, kind, rec.id, u.instanceRemoteId);
        await mapRemoteId(trx, connectionId, kind, rec.id, u.instanceRemoteId);
        await trx.updateTable('outbox').set({ remote_id: u.instanceRemoteId }).where('record_id', '=', rec.id).execute();
      }
      const live = u.liveFields ?? { ...parseFields(rec.base_fields), ...proposal.fields };
      await trx.updateTable('records').set({ base_fields: JSON.stringify(live), proposal: null }).where('id', '=', rec.id).execute();
      await rebuildFromOutbox(trx, system, rec.id);
    }
  });
  return changed;
}
