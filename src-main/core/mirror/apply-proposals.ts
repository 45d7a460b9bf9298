import { sql } from 'kysely';
import type { RecordKind } from '../../../src-shared/domain/record-kinds';
import type { ProposalUpdate, RemoteApproval } from '../../connectors/connector';
import { nowIso, parseFields } from '../json';
import { insertOp, release } from './outbox-rows';
import { dropPulledTwin, forgetRecord, mapRemoteId, parseProposal, type Proposal, rebuildFromOutbox } from './rows';
import type { WriteScope } from './write-scope';

/** A reviewer's queue, replaced wholesale on every pull. */
export async function applyApprovals(s: WriteScope, connectionId: string, approvals: RemoteApproval[]): Promise<void> {
  await s.db.deleteFrom('approvals').where('connection_id', '=', connectionId).execute();
  for (const a of approvals) {
    await s.db
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
  s.noteConnection(connectionId);
}

/**
 * What admins decided on our proposals. Accepted: the record becomes (or follows) the live record
 * and the badge clears. Rejected: the proposal stays visible as rejected until edited or discarded.
 */
export async function applyProposalUpdates(s: WriteScope, connectionId: string, updates: ProposalUpdate[]): Promise<void> {
  const system = await s.system(connectionId);
  for (const u of updates) {
    if (u.status === 'Pending') continue;
    const rec = await s.db
      .selectFrom('records')
      .selectAll()
      .where('connection_id', '=', connectionId)
      .where('proposal', 'is not', null)
      .where(sql<boolean>`json_extract(proposal, '$.approvalId') = ${u.approvalId}`)
      .executeTakeFirst();
    if (!rec) continue;
    const proposal = parseProposal(rec.proposal)!;
    s.touch(connectionId, rec.id);
    const decided = u.status === 'Accepted' ? 'proposal_accepted' : 'proposal_rejected';
    s.sourceOf(rec.id, decided);
    s.opFate({
      opId: null,
      connectionId,
      recordId: rec.id,
      kind: rec.kind,
      remoteId: rec.remote_id ?? u.instanceRemoteId ?? null,
      event: 'proposal_decided',
      detail: `${proposal.action} proposal ${u.approvalId} ${u.status.toLowerCase()}${u.message ? `: ${u.message}` : ''}`,
      source: decided,
    });
    if (u.status === 'Rejected') {
      const message = u.message ?? 'An administrator rejected this proposal. Edit and resubmit it, or discard it.';
      if (rec.remote_id === null) {
        // A rejected Add never became live, so edits held behind it have nothing to apply to. As
        // after a rejected Change, they still go out: the Add again with them on top (a new
        // submission), while the rejection stays visible until it is answered.
        const held = await s.db.selectFrom('outbox').select(['id', 'type', 'payload']).where('record_id', '=', rec.id).where('state', '=', 'held_decision').orderBy('id').execute();
        if (held.length > 0) {
          let fields = proposal.fields;
          for (const op of held) if (op.type === 'update') fields = { ...fields, ...parseFields(op.payload) };
          await s.db.deleteFrom('outbox').where('id', 'in', held.map((o) => o.id)).execute();
          await insertOp(s, { connectionId, recordId: rec.id, kind: rec.kind as RecordKind, remoteId: null }, 'create', fields, {});
        }
      } else {
        // Edits held back for the decision go out now, on top of the live record.
        await release(s, rec.id, 'held_decision');
      }
      const rejected: Proposal = { ...proposal, status: 'Rejected', message };
      await s.db.updateTable('records').set({ proposal: JSON.stringify(rejected) }).where('id', '=', rec.id).execute();
      await rebuildFromOutbox(s.db, system, rec.id);
      continue;
    }
    // Edits held back for the decision go out now, on top of the accepted record.
    await release(s, rec.id, 'held_decision');
    const kind = rec.kind as RecordKind;
    if (proposal.action === 'Add') {
      if (!u.instanceRemoteId) {
        // Accepted, but the remote did not say which record it made: the next pull brings it.
        await forgetRecord(s.db, rec.id);
        continue;
      }
      // A pull may already have brought the new live record in as a separate row: keep ours.
      await dropPulledTwin(s.db, connectionId, kind, rec.id, u.instanceRemoteId);
      await mapRemoteId(s.db, connectionId, kind, rec.id, u.instanceRemoteId);
    }
    const live = u.liveFields ?? { ...parseFields(rec.base_fields), ...proposal.fields };
    await s.db.updateTable('records').set({ base_fields: JSON.stringify(live), proposal: null }).where('id', '=', rec.id).execute();
    await rebuildFromOutbox(s.db, system, rec.id);
  }
}
