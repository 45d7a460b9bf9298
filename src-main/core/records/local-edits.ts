import { randomUUID } from 'node:crypto';
import { sql } from 'kysely';
import { canMergeInto, coalesce, type NewEdit } from '../../../src-shared/domain/coalesce';
import { changedFields, sameValue } from '../../../src-shared/domain/field-diff';
import type { Fields, RecordKind, SystemId } from '../../../src-shared/domain/record-kinds';
import { kindProfile, pickListOf, systemProfile } from '../../../src-shared/domain/remotes';
import type { KindProfile } from '../../../src-shared/domain/remotes/profile';
import { type FieldErrors, validateWith } from '../../../src-shared/domain/validation';
import type { ConnectionStore } from '../connections/connection-store';
import { UserFacingError } from '../errors';
import { nowIso, parseFields } from '../json';
import { approvalOpRecordId } from '../sync/apply-acknowledged';
import { type Db, parseProposal, rebuildFromOutbox, refreshStatus, summaryColumns } from './record-writer';

/**
 * The technician's edits: each writes the mirror row and its outbox entry in ONE transaction,
 * coalesced with the record's pending entry, so an edit is never half-recorded and the remote
 * later sees the net effect.
 */
export class LocalEdits {
  constructor(
    private readonly db: Db,
    private readonly connections: ConnectionStore,
  ) {}

  async create(connectionId: string, kind: RecordKind, input: Fields): Promise<string> {
    const system = await this.connections.system(connectionId);
    const profile = kindProfile(system, kind);
    if (!profile.canCreate) throw new UserFacingError('read_only', `${systemProfile(system).label} does not allow creating ${kind} records.`);
    const fields = await this.validate(connectionId, system, kind, withProposedKey(profile, input));
    await this.checkRemoteKeyFree(connectionId, profile, fields, null);
    await this.checkUnique(connectionId, profile, fields, null, null);
    const id = randomUUID();
    await this.db.transaction().execute(async (trx) => {
      await trx
        .insertInto('records')
        .values({
          id,
          connection_id: connectionId,
          kind,
          remote_id: null,
          ...summaryColumns(system, kind, fields),
          base_fields: null,
          remote_fields: null,
          conflict_fields: null,
          editable: 1,
          status: 'pending',
          deleted: 0,
          seen_generation: 0,
          updated_at: nowIso(),
        })
        .execute();
      await this.enqueue(trx, { connectionId, recordId: id, kind, remoteId: null }, { type: 'create', payload: fields, base: {} });
    });
    return id;
  }

  async update(id: string, patch: Fields): Promise<void> {
    const rec = await this.editableRecord(id, 'edit');
    const system = await this.connections.system(rec.connection_id);
    const kind = rec.kind as RecordKind;
    const profile = kindProfile(system, kind);
    if (!profile.canUpdate) {
      throw new UserFacingError('read_only', `${systemProfile(system).label} has no way to change ${kind} records, so BenchSync shows them read-only.`);
    }
    const current = parseFields(rec.fields);
    const fields = await this.validate(rec.connection_id, system, kind, { ...current, ...patch });
    const changed = changedFields(current, fields);
    if (Object.keys(changed).length === 0) return;
    await this.checkCreateOnly(rec, profile, current, fields);
    await this.checkUnique(rec.connection_id, profile, fields, current, id);
    const base = parseFields(rec.base_fields);
    const changedBase = Object.fromEntries(Object.keys(changed).map((k) => [k, base[k] ?? null]));
    const key = { connectionId: rec.connection_id, recordId: id, kind, remoteId: rec.remote_id };
    await this.db.transaction().execute(async (trx) => {
      await trx.updateTable('records').set({ ...summaryColumns(system, kind, fields), proposal: null }).where('id', '=', id).execute();
      const queued = await trx.selectFrom('outbox').select('id').where('record_id', '=', id).executeTakeFirst();
      if (rec.remote_id === null && !queued) {
        // A rejected Add never became live: resubmitting it is a new create.
        await this.enqueue(trx, key, { type: 'create', payload: fields, base: {} });
      } else {
        await this.enqueue(trx, key, { type: 'update', payload: changed, base: changedBase });
      }
    });
  }

  async delete(id: string): Promise<void> {
    const rec = await this.editableRecord(id, 'delete');
    const system = await this.connections.system(rec.connection_id);
    const profile = kindProfile(system, rec.kind as RecordKind);
    if (!profile.canDelete) {
      throw new UserFacingError('read_only', `${systemProfile(system).label} does not allow deleting ${rec.kind} records from BenchSync.`);
    }
    const needs = profile.deleteRequiresSetting;
    if (needs) {
      const connection = await this.connections.get(rec.connection_id);
      if (connection.settings[needs] !== 'yes') {
        const setting = systemProfile(system).settings.find((s) => s.name === needs)?.label ?? needs;
        throw new UserFacingError(
          'read_only',
          `“${rec.title}” cannot be deleted through “${connection.name}”: ${systemProfile(system).label} lets only some accounts delete ${rec.kind} records, and this connection's setting “${setting}” is not ticked.`,
        );
      }
    }
    await this.db.transaction().execute(async (trx) => {
      const left = await this.enqueue(trx, { connectionId: rec.connection_id, recordId: id, kind: rec.kind as RecordKind, remoteId: rec.remote_id }, {
        type: 'delete',
        payload: {},
        base: parseFields(rec.base_fields),
      });
      if (left) await trx.updateTable('records').set({ deleted: 1 }).where('id', '=', id).execute();
    });
  }

  /** Recomputes a record's status after its outbox changed outside an edit (e.g. a retry). */
  async refresh(recordId: string): Promise<void> {
    await refreshStatus(this.db, recordId);
  }

  /** Removes an op the user no longer wants and shows the record as the remote last had it (plus any later edits). */
  async discard(opId: number): Promise<boolean> {
    return this.db.transaction().execute(async (trx) => {
      const op = await trx.selectFrom('outbox').selectAll().where('id', '=', opId).executeTakeFirst();
      if (!op) return false;
      if (op.state === 'in_flight') throw new UserFacingError('conflict', 'This change is being sent right now; wait for the answer before discarding it.');
      await trx.deleteFrom('outbox').where('id', '=', opId).execute();
      if (op.type === 'create') {
        // Discarding a create means the record should not exist: edits queued behind it go with it.
        await trx.deleteFrom('outbox').where('record_id', '=', op.record_id).where('state', '!=', 'in_flight').execute();
      }
      const system = await this.connectionSystem(trx, op.connection_id);
      await rebuildFromOutbox(trx, system, op.record_id);
      return true;
    });
  }

  /** Sends a rejected proposal again as it was: an Add as a new create, a Change as an update of the live record. */
  async resubmitProposal(id: string): Promise<void> {
    await this.db.transaction().execute(async (trx) => {
      const rec = await trx.selectFrom('records').selectAll().where('id', '=', id).executeTakeFirst();
      if (!rec) throw new UserFacingError('not_found', 'That record no longer exists here.');
      const proposal = parseProposal(rec.proposal);
      if (proposal?.status !== 'Rejected') throw new UserFacingError('conflict', `“${rec.title}” has no rejected proposal to resubmit.`);
      const key = { connectionId: rec.connection_id, recordId: id, kind: rec.kind as RecordKind, remoteId: rec.remote_id };
      await trx.updateTable('records').set({ proposal: null }).where('id', '=', id).execute();
      if (rec.remote_id === null) {
        await this.enqueue(trx, key, { type: 'create', payload: proposal.fields, base: {} });
      } else {
        const live = parseFields(rec.base_fields);
        const changed = changedFields(live, proposal.fields);
        if (Object.keys(changed).length === 0) throw new UserFacingError('conflict', 'The live record already has these values; there is nothing to propose.');
        const base = Object.fromEntries(Object.keys(changed).map((k) => [k, live[k] ?? null]));
        await this.enqueue(trx, key, { type: 'update', payload: changed, base });
      }
      await rebuildFromOutbox(trx, await this.connectionSystem(trx, rec.connection_id), id);
    });
  }

  /** Forgets a proposal an administrator rejected: an Add disappears, a Change leaves the live record as it is. */
  async discardProposal(id: string): Promise<boolean> {
    return this.db.transaction().execute(async (trx) => {
      const rec = await trx.selectFrom('records').selectAll().where('id', '=', id).executeTakeFirst();
      if (!rec) throw new UserFacingError('not_found', 'That record no longer exists here.');
      const proposal = parseProposal(rec.proposal);
      if (!proposal) throw new UserFacingError('conflict', `“${rec.title}” has no proposal to discard.`);
      if (proposal.status === 'Pending') {
        throw new UserFacingError('conflict', 'This proposal still awaits an administrator; it can be discarded once decided.');
      }
      await trx.updateTable('records').set({ proposal: null }).where('id', '=', id).execute();
      const system = await this.connectionSystem(trx, rec.connection_id);
      return rebuildFromOutbox(trx, system, id);
    });
  }

  /**
   * A reviewer's accept/reject, queued like any edit (so it works offline). A second decision
   * on the same approval replaces one that has not been sent yet.
   */
  async decide(connectionId: string, approvalId: string, decision: 'accept' | 'reject'): Promise<void> {
    const connection = await this.connections.get(connectionId);
    if (connection.settings.reviewer !== 'yes') {
      throw new UserFacingError('read_only', `“${connection.name}” is not set up as a reviewer (administrator) account.`);
    }
    await this.db.transaction().execute(async (trx) => {
      const approval = await trx
        .selectFrom('approvals')
        .selectAll()
        .where('connection_id', '=', connectionId)
        .where('remote_id', '=', approvalId)
        .executeTakeFirst();
      if (!approval) throw new UserFacingError('not_found', 'That approval is not in the review queue any more.');
      if (approval.status !== 'Pending') throw new UserFacingError('conflict', `That proposal was already ${approval.status.toLowerCase()}.`);
      const recordId = approvalOpRecordId(connectionId, approvalId);
      const existing = await trx.selectFrom('outbox').selectAll().where('record_id', '=', recordId).orderBy('id', 'desc').executeTakeFirst();
      const now = nowIso();
      if (existing && ((existing.state === 'queued' && existing.attempts === 0) || existing.state === 'rejected')) {
        await trx
          .updateTable('outbox')
          .set({ type: decision, state: 'queued', next_attempt_at: 0, last_error: null, field_errors: null, updated_at: now })
          .where('id', '=', existing.id)
          .execute();
        return;
      }
      if (existing) throw new UserFacingError('conflict', 'A decision on this proposal is being sent right now.');
      await trx
        .insertInto('outbox')
        .values({
          connection_id: connectionId,
          record_id: recordId,
          kind: approval.kind,
          type: decision,
          payload: '{}',
          base: '{}',
          remote_id: approvalId,
          state: 'queued',
          attempts: 0,
          next_attempt_at: 0,
          created_at: now,
          updated_at: now,
        })
        .execute();
    });
  }

  /**
   * Ends a conflict. `theirs`: take the remote version and drop the local edits.
   * `mine`: keep the local version and send it on top of the remote one.
   */
  async resolveConflict(id: string, keep: 'mine' | 'theirs'): Promise<void> {
    await this.db.transaction().execute(async (trx) => {
      const rec = await trx.selectFrom('records').selectAll().where('id', '=', id).executeTakeFirst();
      if (!rec) throw new UserFacingError('not_found', 'That record no longer exists here.');
      if (!rec.conflict_fields) throw new UserFacingError('conflict', 'This record has no conflict to resolve.');
      const system = await this.connectionSystem(trx, rec.connection_id);
      const kind = rec.kind as RecordKind;
      const remote = rec.remote_fields === null ? null : parseFields(rec.remote_fields);
      const ops = await trx.selectFrom('outbox').selectAll().where('record_id', '=', id).orderBy('id').execute();
      const inFlight = ops.some((o) => o.state === 'in_flight');
      if (inFlight) throw new UserFacingError('conflict', 'A change to this record is being sent; try again in a moment.');
      await trx.deleteFrom('outbox').where('record_id', '=', id).execute();
      if (keep === 'theirs') {
        if (remote === null) {
          await trx.deleteFrom('records').where('id', '=', id).execute();
          await trx.deleteFrom('id_map').where('local_id', '=', id).execute();
          return;
        }
        await trx
          .updateTable('records')
          .set({ ...summaryColumns(system, kind, remote), base_fields: JSON.stringify(remote), remote_fields: null, conflict_fields: null, deleted: 0 })
          .where('id', '=', id)
          .execute();
      } else {
        const mine = parseFields(rec.fields);
        const key = { connectionId: rec.connection_id, recordId: id, kind, remoteId: rec.remote_id };
        await trx.updateTable('records').set({ remote_fields: null, conflict_fields: null }).where('id', '=', id).execute();
        if (rec.deleted === 1) {
          await trx.updateTable('records').set({ base_fields: remote === null ? null : JSON.stringify(remote) }).where('id', '=', id).execute();
          if (remote !== null) await this.enqueue(trx, key, { type: 'delete', payload: {}, base: remote });
          else await trx.deleteFrom('records').where('id', '=', id).execute();
          return;
        }
        if (remote === null) {
          // Deleted remotely but the user keeps their version: it becomes a new record there.
          await trx.updateTable('records').set({ base_fields: null, remote_id: null }).where('id', '=', id).execute();
          await trx.deleteFrom('id_map').where('local_id', '=', id).execute();
          await this.enqueue(trx, { ...key, remoteId: null }, { type: 'create', payload: mine, base: {} });
        } else {
          await trx.updateTable('records').set({ base_fields: JSON.stringify(remote) }).where('id', '=', id).execute();
          const changed = changedFields(remote, mine);
          if (Object.keys(changed).length > 0) {
            const base = Object.fromEntries(Object.keys(changed).map((k) => [k, remote[k] ?? null]));
            await this.enqueue(trx, key, { type: 'update', payload: changed, base });
          }
        }
      }
      await refreshStatus(trx, id);
    });
  }

  /**
   * Adds an edit to the outbox, merged into the record's last entry where allowed.
   * Returns false when the edits cancelled out and the record itself is gone (create + delete).
   */
  private async enqueue(
    trx: Db,
    key: { connectionId: string; recordId: string; kind: RecordKind; remoteId: string | null },
    edit: NewEdit,
  ): Promise<boolean> {
    const last = await trx.selectFrom('outbox').selectAll().where('record_id', '=', key.recordId).orderBy('id', 'desc').limit(1).executeTakeFirst();
    const pending = last && {
      type: last.type as NewEdit['type'],
      payload: parseFields(last.payload),
      base: parseFields(last.base),
      state: last.state as 'queued' | 'in_flight' | 'rejected',
      attempts: last.attempts,
    };
    let result;
    try {
      result = coalesce(pending, edit);
    } catch (error) {
      throw new UserFacingError('conflict', (error as Error).message);
    }
    const now = nowIso();
    if (result.action === 'drop') {
      await trx.deleteFrom('outbox').where('id', '=', last!.id).execute();
      const system = await this.connectionSystem(trx, key.connectionId);
      return rebuildFromOutbox(trx, system, key.recordId);
    }
    if (result.action === 'replace') {
      await trx
        .updateTable('outbox')
        .set({
          type: result.op.type,
          payload: JSON.stringify(result.op.payload),
          base: JSON.stringify(result.op.base),
          state: 'queued',
          next_attempt_at: 0,
          last_error: null,
          field_errors: null,
          updated_at: now,
        })
        .where('id', '=', last!.id)
        .execute();
    } else {
      await trx
        .insertInto('outbox')
        .values({
          connection_id: key.connectionId,
          record_id: key.recordId,
          kind: key.kind,
          type: result.op.type,
          payload: JSON.stringify(result.op.payload),
          base: JSON.stringify(result.op.base),
          remote_id: key.remoteId,
          state: 'queued',
          attempts: 0,
          next_attempt_at: 0,
          created_at: now,
          updated_at: now,
        })
        .execute();
    }
    await refreshStatus(trx, key.recordId);
    return true;
  }

  private async editableRecord(id: string, action: 'edit' | 'delete') {
    const rec = await this.db.selectFrom('records').selectAll().where('id', '=', id).executeTakeFirst();
    if (!rec) throw new UserFacingError('not_found', 'That record no longer exists here.');
    if (rec.editable !== 1) {
      throw new UserFacingError('read_only', `“${rec.title}” belongs to someone else on the remote system; you can view it but not ${action} it.`);
    }
    if (rec.deleted === 1) throw new UserFacingError('conflict', `“${rec.title}” is already deleted here; discard the delete to ${action} it.`);
    if (rec.conflict_fields) throw new UserFacingError('conflict', `“${rec.title}” has a conflict with the server's version; resolve it first.`);
    if (parseProposal(rec.proposal)?.status === 'Pending') {
      throw new UserFacingError('conflict', `“${rec.title}” awaits an administrator's decision on your proposal; you can ${action} it once it is accepted or rejected.`);
    }
    return rec;
  }

  /** Same rules as the server, plus references to remote lists we mirror (categories, setups...). */
  private async validate(connectionId: string, system: SystemId, kind: RecordKind, input: Fields): Promise<Fields> {
    const profile = kindProfile(system, kind);
    const result = validateWith(profile.schema, input);
    if (!result.ok) throw new UserFacingError('validation', 'Some fields need attention.', result.errors);
    const errors: FieldErrors = {};
    for (const spec of profile.fields) {
      const list = pickListOf(spec);
      if (!list) continue;
      const value = result.fields[spec.name];
      if (value === undefined || value === null || value === '') continue;
      const found = await this.db
        .selectFrom('categories')
        .select('remote_id')
        .where('connection_id', '=', connectionId)
        .where('source', '=', list.source)
        .where('remote_id', '=', String(value))
        .executeTakeFirst();
      if (!found) errors[spec.name] = [(list.invalid ?? '“{value}” is not among the choices last pulled from the server.').replace('{value}', String(value))];
    }
    if (Object.keys(errors).length > 0) throw new UserFacingError('validation', 'Some fields need attention.', errors);
    return result.fields;
  }

  /**
   * `createOnly` fields may change only while the record's create has not left the machine (the
   * change then merges into that create); a client-chosen remote key must stay unique.
   */
  private async checkCreateOnly(rec: { id: string; connection_id: string; remote_id: string | null }, profile: KindProfile, current: Fields, next: Fields) {
    const fixed = profile.fields.filter((s) => s.createOnly && !sameValue(current[s.name], next[s.name]));
    if (fixed.length === 0) return;
    const last = await this.db.selectFrom('outbox').select(['type', 'state', 'attempts']).where('record_id', '=', rec.id).orderBy('id', 'desc').executeTakeFirst();
    const unsent =
      rec.remote_id === null &&
      (!last || (last.type === 'create' && canMergeInto({ type: 'create', payload: {}, base: {}, state: last.state as 'queued', attempts: last.attempts })));
    if (!unsent) {
      const errors = Object.fromEntries(fixed.map((s) => [s.name, [`${s.label} cannot be changed once the record has been sent to the server.`]]));
      throw new UserFacingError('validation', 'Some fields need attention.', errors);
    }
    await this.checkRemoteKeyFree(rec.connection_id, profile, next, rec.id);
  }

  /**
   * `uniqueFields`: a new or changed value must not be another record's of the connection and
   * kind. A rejected Add that was not resubmitted holds nothing on the server, so it does not count.
   */
  private async checkUnique(connectionId: string, profile: KindProfile, fields: Fields, current: Fields | null, selfId: string | null) {
    const errors: FieldErrors = {};
    for (const [field, message] of Object.entries(profile.uniqueFields ?? {})) {
      const value = fields[field];
      if ((typeof value !== 'string' && typeof value !== 'number') || value === '') continue;
      if (current && sameValue(current[field], value)) continue;
      let q = this.db
        .selectFrom('records')
        .select('id')
        .where('connection_id', '=', connectionId)
        .where('kind', '=', profile.kind)
        .where(sql<unknown>`json_extract(fields, ${`$."${field}"`})`, '=', value)
        .where((eb) => eb.not(eb.and([eb('remote_id', 'is', null), eb(sql<string>`json_extract(proposal, '$.status')`, '=', 'Rejected')])));
      if (selfId) q = q.where('id', '!=', selfId);
      if (await q.executeTakeFirst()) errors[field] = [message];
    }
    if (Object.keys(errors).length > 0) throw new UserFacingError('validation', 'Some fields need attention.', errors);
  }

  /** A client-chosen remote key must not name another record of the connection (synced, pending or being deleted). */
  private async checkRemoteKeyFree(connectionId: string, profile: KindProfile, fields: Fields, selfId: string | null) {
    const field = profile.remoteKeyField;
    const key = field ? fields[field] : undefined;
    if (!field || key === undefined || key === null || key === '') return;
    let q = this.db
      .selectFrom('records')
      .select(['id', 'title'])
      .where('connection_id', '=', connectionId)
      .where('kind', '=', profile.kind)
      .where((eb) => eb.or([eb('remote_id', '=', String(key)), eb(sql<string>`json_extract(fields, ${`$."${field}"`})`, '=', String(key))]));
    if (selfId) q = q.where('id', '!=', selfId);
    const other = await q.executeTakeFirst();
    if (!other) return;
    const label = profile.fields.find((s) => s.name === field)?.label ?? field;
    throw new UserFacingError('validation', 'Some fields need attention.', {
      [field]: [`${label} “${String(key)}” is already used by “${other.title}”; choose another.`],
    });
  }

  private async connectionSystem(db: Db, connectionId: string): Promise<SystemId> {
    const c = await db.selectFrom('connections').select('system').where('id', '=', connectionId).executeTakeFirstOrThrow();
    return c.system as SystemId;
  }
}

/** A create that leaves a client-chosen remote key blank gets the profile's proposal (e.g. from the name). */
function withProposedKey(profile: KindProfile, input: Fields): Fields {
  const field = profile.remoteKeyField;
  if (!field || !profile.proposeRemoteKey) return input;
  const given = input[field];
  if (given !== undefined && given !== null && String(given).trim() !== '') return input;
  return { ...input, [field]: profile.proposeRemoteKey(input) };
}
