import { randomUUID } from 'node:crypto';
import { sameValue } from '../../../src-shared/domain/field-diff';
import { threeWayMerge } from '../../../src-shared/domain/merge';
import type { Fields, RecordKind, SystemId } from '../../../src-shared/domain/record-kinds';
import { refusedScopeOf, remoteWritable } from '../../../src-shared/domain/record-state';
import { writeScopeOf } from '../../../src-shared/domain/remotes';
import type { RemoteCategory, RemoteRecord } from '../../connectors/connector';
import { nowIso, parseFields } from '../json';
import { parseSent } from '../outbox/sent-snapshot';
import { hold, release } from './outbox-rows';
import { forgetRecord, parseProposal, rebuildFromOutbox, summaryColumns } from './rows';
import { scopeChoices } from './write-access';
import type { WriteScope } from './write-scope';

/**
 * Applying what a remote says to the mirror. A pull never overwrites local edits: a record with
 * pending edits is merged three-way against the version those edits were based on; a field changed
 * on both sides becomes a conflict that keeps both versions. A value the server holds that one of
 * our own sends carried is ours, not a conflict: that send landed and its reply was lost.
 */
const INSERT_ROWS = 100;

/**
 * One chunk of a pulled page. The common cases in bulk (new records inserted together, unchanged
 * ones only marked as seen); records that changed, or carry local edits, go one by one.
 */
export async function applyPulledChunk(s: WriteScope, connectionId: string, generation: number, chunk: RemoteRecord[]): Promise<void> {
  const system = await s.system(connectionId);
  const byKind = new Map<RecordKind, RemoteRecord[]>();
  for (const r of chunk) byKind.set(r.kind, [...(byKind.get(r.kind) ?? []), r]);
  const now = nowIso();
  for (const [kind, remotes] of byKind) {
    // What the remote says of each record, less what it refused this account (a setup it only reads).
    const scope = writeScopeOf(system, kind);
    const choices = scope ? (await scopeChoices(s.db, connectionId, scope)).filter((c) => c.writeRefused) : [];
    const editableOf = (r: RemoteRecord): 0 | 1 => (remoteWritable(r.editable, refusedScopeOf(scope?.field, r.fields, choices)) ? 1 : 0);
    const locals = await s.db
      .selectFrom('records')
      .select(['id', 'remote_id', 'base_fields', 'status', 'conflict_fields', 'editable'])
      .where('connection_id', '=', connectionId)
      .where('kind', '=', kind)
      .where('remote_id', 'in', remotes.map((r) => r.remoteId))
      .execute();
    const localByRemote = new Map(locals.map((l) => [l.remote_id!, l]));
    const fresh: RemoteRecord[] = [];
    const seen: string[] = [];
    for (const remote of remotes) {
      const local = localByRemote.get(remote.remoteId);
      if (!local) fresh.push(remote);
      else if (
        local.status === 'synced' &&
        local.conflict_fields === null &&
        local.editable === editableOf(remote) &&
        sameValue(parseFields(local.base_fields), remote.fields)
      ) {
        seen.push(local.id);
      } else {
        await applyPulledRecord(s, connectionId, system, generation, local.id, remote, editableOf(remote));
      }
    }
    // Seen as we have it: in sync with the server now.
    if (seen.length > 0) await s.db.updateTable('records').set({ seen_generation: generation, synced_at: now }).where('id', 'in', seen).execute();
    for (let i = 0; i < fresh.length; i += INSERT_ROWS) {
      const rows = fresh.slice(i, i + INSERT_ROWS).map((remote) => ({
        id: randomUUID(),
        connection_id: connectionId,
        kind,
        remote_id: remote.remoteId,
        ...summaryColumns(system, kind, remote.fields),
        base_fields: JSON.stringify(remote.fields),
        remote_fields: null,
        conflict_fields: null,
        editable: editableOf(remote),
        status: 'synced',
        deleted: 0,
        seen_generation: generation,
        updated_at: now,
        synced_at: now,
      }));
      await s.db.insertInto('records').values(rows).execute();
      await s.db
        .insertInto('id_map')
        .values(rows.map((r) => ({ connection_id: connectionId, kind, remote_id: r.remote_id, local_id: r.id })))
        .onConflict((oc) => oc.doNothing())
        .execute();
      s.note(connectionId, rows.map((r) => r.id));
    }
  }
}

async function applyPulledRecord(
  s: WriteScope,
  connectionId: string,
  system: SystemId,
  generation: number,
  localId: string,
  remote: RemoteRecord,
  editable: 0 | 1,
): Promise<void> {
  const local = await s.db.selectFrom('records').selectAll().where('id', '=', localId).executeTakeFirstOrThrow();
  s.touch(connectionId, local.id);
  let base = parseFields(local.base_fields);
  const ops = await s.db.selectFrom('outbox').select(['id', 'type', 'state', 'attempts', 'payload', 'sent']).where('record_id', '=', local.id).orderBy('id').execute();
  // Updates sent without an answer whose every value the server now shows took effect: acknowledged, in order.
  let acknowledged = 0;
  for (const op of ops) {
    if (op.type !== 'update' || op.attempts === 0 || op.state === 'in_flight') break;
    const sent = parseSent(op.sent)?.payload ?? parseFields(op.payload);
    if (!Object.entries(sent).every(([k, v]) => sameValue(remote.fields[k], v))) break;
    await s.db.deleteFrom('outbox').where('id', '=', op.id).execute();
    base = { ...base, ...sent };
    acknowledged++;
  }
  const left = ops.slice(acknowledged);
  if (left.length === 0) {
    // Nothing of ours is waiting: the remote's version is the record.
    await s.db
      .updateTable('records')
      .set({
        ...summaryColumns(system, remote.kind, remote.fields),
        base_fields: JSON.stringify(remote.fields),
        remote_fields: null,
        conflict_fields: null,
        deleted: 0,
        editable,
        seen_generation: generation,
        synced_at: nowIso(),
      })
      .where('id', '=', local.id)
      .execute();
    return;
  }
  if (sameValue(base, remote.fields) && local.conflict_fields === null) {
    // The remote has not moved since our edits were made; they stand.
    await s.db.updateTable('records').set({ base_fields: JSON.stringify(base), seen_generation: generation, editable }).where('id', '=', local.id).execute();
    if (acknowledged > 0) await rebuildFromOutbox(s.db, system, local.id);
    return;
  }
  // Values our unanswered sends carried count as ours wherever the server shows them, and so do a
  // pending proposal's (an administrator accepting it is our change landing, not someone else's).
  const ours: Record<string, unknown[]> = {};
  for (const op of left) {
    if (op.attempts === 0) continue;
    for (const [k, v] of Object.entries(parseSent(op.sent)?.payload ?? parseFields(op.payload))) (ours[k] ??= []).push(v);
  }
  const proposal = parseProposal(local.proposal);
  if (proposal?.status === 'Pending') for (const [k, v] of Object.entries(proposal.fields)) (ours[k] ??= []).push(v);
  const mine = parseFields(local.fields);
  const { merged, conflicts } = threeWayMerge(base, mine, remote.fields, ours);
  if (conflicts.length === 0) {
    // Disjoint changes: the remote's become the new base, ours stay on top and stay queued.
    await s.db
      .updateTable('records')
      .set({
        ...summaryColumns(system, remote.kind, merged),
        base_fields: JSON.stringify(remote.fields),
        remote_fields: null,
        conflict_fields: null,
        editable,
        seen_generation: generation,
      })
      .where('id', '=', local.id)
      .execute();
    if (local.conflict_fields !== null) await release(s, local.id, 'held_conflict');
    return;
  }
  if (acknowledged > 0) await s.db.updateTable('records').set({ base_fields: JSON.stringify(base) }).where('id', '=', local.id).execute();
  await markConflict(s, local.id, remote.fields, conflicts);
  await s.db.updateTable('records').set({ seen_generation: generation, editable }).where('id', '=', local.id).execute();
}

/** Keeps both versions: ours in `fields`, theirs in `remote_fields`; queued ops wait for the user. */
async function markConflict(s: WriteScope, recordId: string, remote: Fields | null, fields: string[]): Promise<void> {
  await s.db
    .updateTable('records')
    .set({ remote_fields: remote === null ? null : JSON.stringify(remote), conflict_fields: JSON.stringify(fields) })
    .where('id', '=', recordId)
    .execute();
  await hold(s, recordId, 'held_conflict');
}

/** A pull that would remove more than this share of a connection's records of a kind (and more than MASS_REMOVAL_MIN) asks first. */
export const MASS_REMOVAL_SHARE = 0.5;
export const MASS_REMOVAL_MIN = 20;

export interface PullCompleteResult {
  /** Records the listing lacked that were left alone because so many would go: the user confirms first. */
  heldBack: { missing: number; of: number } | null;
}

/**
 * After a complete pull of `kind`: records the remote no longer has are dropped if untouched here,
 * or become conflicts ("deleted on the server") if the user edited them. A listing lacking most
 * of what the mirror holds is more likely a wrong answer than a lab emptied: unless the user
 * allowed it, nothing is removed and the caller asks.
 */
export async function applyPullComplete(s: WriteScope, connectionId: string, kind: RecordKind, generation: number, allowMassRemoval: boolean): Promise<PullCompleteResult> {
  const gone = await s.db
    .selectFrom('records')
    .select(['id'])
    .where('connection_id', '=', connectionId)
    .where('kind', '=', kind)
    .where('remote_id', 'is not', null)
    .where('seen_generation', '<', generation)
    .execute();
  if (gone.length > MASS_REMOVAL_MIN && !allowMassRemoval) {
    const { n } = await s.db
      .selectFrom('records')
      .select((eb) => eb.fn.countAll<number>().as('n'))
      .where('connection_id', '=', connectionId)
      .where('kind', '=', kind)
      .where('remote_id', 'is not', null)
      .executeTakeFirstOrThrow();
    if (gone.length > Number(n) * MASS_REMOVAL_SHARE) return { heldBack: { missing: gone.length, of: Number(n) } };
  }
  for (const r of gone) {
    const ops = await s.db.selectFrom('outbox').select(['id', 'state', 'type']).where('record_id', '=', r.id).execute();
    s.touch(connectionId, r.id);
    // Someone else deleted what we also deleted (or nothing was edited here): nothing to keep.
    const onlyDelete = ops.length > 0 && ops.every((o) => o.type === 'delete' && o.state !== 'in_flight');
    if (ops.length === 0 || onlyDelete) await forgetRecord(s.db, r.id);
    else if (!ops.some((o) => o.state === 'in_flight')) await markConflict(s, r.id, null, ['_deleted']);
  }
  return { heldBack: null };
}

/** A pick list (e.g. BrainSTEM's setups) replaces the connection's previous copy of the same list. */
export async function applyPickList(s: WriteScope, connectionId: string, source: string, items: RemoteCategory[]): Promise<void> {
  // The server's refusals of writes through a choice outlive the refresh (its lists do not say them).
  const refusals = await s.db
    .selectFrom('categories')
    .select(['remote_id', 'write_refused_at'])
    .where('connection_id', '=', connectionId)
    .where('source', '=', source)
    .where('write_refused_at', 'is not', null)
    .execute();
  const refusedAt = new Map(refusals.map((r) => [r.remote_id, r.write_refused_at]));
  await s.db.deleteFrom('categories').where('connection_id', '=', connectionId).where('source', '=', source).execute();
  for (const c of items) {
    await s.db
      .insertInto('categories')
      .values({ connection_id: connectionId, source, remote_id: c.remoteId, name: c.name, description: c.description, write_refused_at: refusedAt.get(c.remoteId) ?? null })
      .execute();
  }
  s.noteConnection(connectionId);
}
