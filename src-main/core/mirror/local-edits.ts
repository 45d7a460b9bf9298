import { randomUUID } from 'node:crypto';
import { changedFields } from '../../../src-shared/domain/field-diff';
import type { BulkEditOutcome } from '../../../src-shared/contract/records';
import { choiceProblems, type FieldChoice, resolveByField } from '../../../src-shared/domain/merge';
import type { Fields, RecordKind, SystemId } from '../../../src-shared/domain/record-kinds';
import { mayHaveReachedRemote } from '../../../src-shared/domain/record-state';
import { kindProfile, systemProfile, type KindProfile, writeScopeOf } from '../../../src-shared/domain/remotes';
import type { ConnectionStore } from '../connections/connection-store';
import { UserFacingError } from '../errors';
import { nowIso, parseFields } from '../json';
import { checkCreateOnly, checkRemoteKeyFree, checkUnique, editableRecord, type RecordRow, validateFields, withProposedKey } from './edit-checks';
import { enqueue, insertOp, type OpKey } from './outbox-rows';
import { approvalOpRecordId, type Db, forgetRecord, parseProposal, rebuildFromOutbox, summaryColumns } from './rows';
import { clearWriteRefused, refusedScopeOfRecord } from './write-access';
import type { WriteScope } from './write-scope';

export type RunWrite = <T>(fn: (s: WriteScope) => Promise<T>) => Promise<T>;

export interface PreparedUpdate {
  id: string;
  title: string;
  system: SystemId;
  profile: KindProfile;
  /** The whole record after the patch, validated. */
  fields: Fields;
}

/**
 * What an update needs, read and checked: the record may be edited (`recordState`), its system
 * can change it, and the patched record passes the remote's rules. `strict`: each patched field
 * must be one of the kind's fields that can be set (a bulk edit's patch names fields of one kind).
 */
export async function prepareUpdate(db: Db, systemOf: (connectionId: string) => Promise<SystemId>, id: string, patch: Fields, strict = false): Promise<PreparedUpdate> {
  const before = await editableRecord(db, id, 'edit');
  const system = await systemOf(before.connection_id);
  const kind = before.kind as RecordKind;
  const profile = kindProfile(system, kind);
  if (!profile.canUpdate) {
    throw new UserFacingError('read_only', `${systemProfile(system).label} has no way to change ${kind} records, so BenchSync shows them read-only.`);
  }
  if (strict) {
    const foreign = Object.keys(patch).filter((name) => !profile.fields.some((f) => f.name === name && !f.readOnly));
    if (foreign.length > 0) {
      throw new UserFacingError('invalid_request', `${systemProfile(system).label} ${profile.label.toLowerCase()} records have no field ${foreign.map((f) => `“${f}”`).join(', ')} that can be set.`);
    }
  }
  const fields = await validateFields(db, before.connection_id, system, kind, { ...parseFields(before.fields), ...patch }, parseFields(before.fields));
  return { id, title: before.title, system, profile, fields };
}

/** Writes a prepared update and queues its op; false when the record already had those values. */
export async function writeUpdate(s: WriteScope, { id, system, profile, fields }: PreparedUpdate): Promise<boolean> {
  const kind = profile.kind;
  const rec = await editableRecord(s.db, id, 'edit');
  const current = parseFields(rec.fields);
  const changed = changedFields(current, fields);
  if (Object.keys(changed).length === 0) return false;
  await checkCreateOnly(s.db, rec, profile, current, fields);
  await checkUnique(s.db, rec.connection_id, profile, fields, current, id);
  const base = parseFields(rec.base_fields);
  const changedBase = Object.fromEntries(Object.keys(changed).map((k) => [k, base[k] ?? null]));
  const key = { connectionId: rec.connection_id, recordId: id, kind, remoteId: rec.remote_id };
  await s.db.updateTable('records').set({ ...summaryColumns(system, kind, fields), proposal: null }).where('id', '=', id).execute();
  const queued = await s.db.selectFrom('outbox').select('id').where('record_id', '=', id).executeTakeFirst();
  if (rec.remote_id === null && !queued) {
    // A rejected Add never became live: resubmitting it is a new create.
    await enqueue(s, key, { type: 'create', payload: fields, base: {} });
  } else {
    await enqueue(s, key, { type: 'update', payload: changed, base: changedBase });
  }
  return true;
}

/** A refusal in a few words for a list of records: the message, with the fields' own messages when it is a validation error. */
function refusalReason(error: UserFacingError): string {
  const fieldMessages = Object.values(error.fieldErrors ?? {}).flat();
  return fieldMessages.length > 0 ? fieldMessages.join(' ') : error.message;
}

/** Names (up to a few) the records that could not take a bulk edit. */
function bulkRefusal(outcome: BulkEditOutcome): UserFacingError {
  const { refused } = outcome;
  const shown = refused.slice(0, 5).map((r) => `“${r.title || r.id}”: ${r.reason}`);
  const more = refused.length > shown.length ? ` And ${refused.length - shown.length} more.` : '';
  const total = outcome.changed.length + outcome.unchanged.length + refused.length;
  return new UserFacingError(
    refused.every((r) => r.code === 'read_only') ? 'read_only' : refused.some((r) => r.code === 'validation') ? 'validation' : 'conflict',
    `Nothing was changed: ${refused.length} of ${total} records cannot take this edit. ${shown.join(' ')}${more}`,
  );
}

/**
 * The technician's edits: each writes the mirror row and its outbox entry in ONE transaction,
 * coalesced with the record's pending entry, so an edit is never half-recorded and the remote
 * later sees the net effect. Checks that only read (the remote's rules, pick lists) run first;
 * what depends on the record's state is read again inside the transaction.
 */
export class LocalEdits {
  constructor(
    private readonly db: Db,
    private readonly connections: ConnectionStore,
    private readonly write: RunWrite,
    /** Runs like `write`, then rolls back: nothing is kept or announced. */
    private readonly rehearse: RunWrite,
  ) {}

  async create(connectionId: string, kind: RecordKind, input: Fields): Promise<string> {
    const system = await this.connections.system(connectionId);
    const systemInfo = systemProfile(system);
    if (!systemInfo.kinds.some((k) => k.kind === kind)) {
      throw new UserFacingError('invalid_request', `${systemInfo.label} has no ${kind} records.`);
    }
    const profile = kindProfile(system, kind);
    if (!profile.canCreate) throw new UserFacingError('read_only', `${systemInfo.label} does not allow creating ${kind} records.`);
    const fields = await validateFields(this.db, connectionId, system, kind, withProposedKey(profile, input));
    return this.write(async (s) => {
      await checkRemoteKeyFree(s.db, connectionId, profile, fields, null);
      await checkUnique(s.db, connectionId, profile, fields, null, null);
      const id = randomUUID();
      await s.db
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
      await enqueue(s, { connectionId, recordId: id, kind, remoteId: null }, { type: 'create', payload: fields, base: {} });
      return id;
    });
  }

  async update(id: string, patch: Fields, reason: string | null = null): Promise<void> {
    const update = await prepareUpdate(this.db, (c) => this.connections.system(c), id, patch);
    await this.write((s) => {
      s.reason = reason;
      return writeUpdate(s, update);
    });
  }

  /**
   * The same patch on many records in ONE transaction, each checked and queued exactly as
   * `update` does (its own op, merged with what it has queued). All or nothing: when any record
   * cannot take it, nothing is written and the error names them. `dryRun` runs every check in
   * a transaction that is rolled back, and says what would happen.
   */
  async updateMany(ids: readonly string[], patch: Fields, dryRun: boolean): Promise<BulkEditOutcome> {
    const attempt = async (s: WriteScope): Promise<BulkEditOutcome> => {
      s.source = 'bulk_edit';
      const outcome: BulkEditOutcome = { changed: [], unchanged: [], refused: [] };
      for (const id of ids) {
        let title = '';
        try {
          const update = await prepareUpdate(s.db, (c) => s.system(c), id, patch, true);
          title = update.title;
          (await writeUpdate(s, update)) ? outcome.changed.push({ id, title }) : outcome.unchanged.push({ id, title });
        } catch (error) {
          if (!(error instanceof UserFacingError)) throw error;
          title ||= (await s.db.selectFrom('records').select('title').where('id', '=', id).executeTakeFirst())?.title ?? '';
          outcome.refused.push({ id, title, code: error.code, reason: refusalReason(error), ...(error.fieldErrors ? { fieldErrors: error.fieldErrors } : {}) });
        }
      }
      return outcome;
    };
    if (dryRun) return this.rehearse(attempt);
    return this.write(async (s) => {
      const outcome = await attempt(s);
      // Throwing rolls the whole transaction back: the records that could take the edit are not changed either.
      if (outcome.refused.length > 0) throw bulkRefusal(outcome);
      return outcome;
    });
  }

  async delete(id: string, reason: string | null = null): Promise<void> {
    const before = await editableRecord(this.db, id, 'delete');
    const system = await this.connections.system(before.connection_id);
    const profile = kindProfile(system, before.kind as RecordKind);
    if (!profile.canDelete) {
      throw new UserFacingError('read_only', `${systemProfile(system).label} does not allow deleting ${before.kind} records from BenchSync.`);
    }
    const needs = profile.deleteRequiresSetting;
    if (needs) {
      const connection = await this.connections.get(before.connection_id);
      if (connection.settings[needs] !== 'yes') {
        const setting = systemProfile(system).settings.find((x) => x.name === needs)?.label ?? needs;
        throw new UserFacingError(
          'read_only',
          `“${before.title}” cannot be deleted through “${connection.name}”: ${systemProfile(system).label} lets only some accounts delete ${before.kind} records, and this connection's setting “${setting}” is not ticked.`,
        );
      }
    }
    await this.write(async (s) => {
      s.reason = reason;
      const rec = await editableRecord(s.db, id, 'delete');
      const key = { connectionId: rec.connection_id, recordId: id, kind: rec.kind as RecordKind, remoteId: rec.remote_id };
      const left = await enqueue(s, key, { type: 'delete', payload: {}, base: parseFields(rec.base_fields) });
      if (left) await s.db.updateTable('records').set({ deleted: 1 }).where('id', '=', id).execute();
    });
  }

  /** Removes an op the user no longer wants and shows the record as the remote last had it (plus any later edits). */
  async discard(opId: number): Promise<{ connectionId: string; recordId: string } | null> {
    return this.write(async (s) => {
      s.source = 'discard';
      const op = await s.db.selectFrom('outbox').selectAll().where('id', '=', opId).executeTakeFirst();
      if (!op) return null;
      if (op.state === 'in_flight') throw new UserFacingError('conflict', 'This change is being sent right now; wait for the answer before discarding it.');
      await s.db.deleteFrom('outbox').where('id', '=', opId).execute();
      if (op.type === 'create') {
        // Discarding a create means the record should not exist: edits queued behind it go with it.
        await s.db.deleteFrom('outbox').where('record_id', '=', op.record_id).where('state', '!=', 'in_flight').execute();
      }
      s.touch(op.connection_id, op.record_id);
      await rebuildFromOutbox(s.db, await s.system(op.connection_id), op.record_id);
      return { connectionId: op.connection_id, recordId: op.record_id };
    });
  }

  /** Sends a refused op again as it is (a record in conflict keeps it held until the user resolves it). */
  async retry(opId: number): Promise<{ ok: boolean; connectionId: string; recordId: string } | null> {
    return this.write(async (s) => {
      const op = await s.db.selectFrom('outbox').selectAll().where('id', '=', opId).executeTakeFirst();
      if (!op) return null;
      if (op.state !== 'rejected' && op.state !== 'failing') return { ok: false, connectionId: op.connection_id, recordId: op.record_id };
      const rec = await s.db.selectFrom('records').select('conflict_fields').where('id', '=', op.record_id).executeTakeFirst();
      // A failing op may have been applied (a 5xx after the commit), so it stays "outcome unknown" and is looked up first.
      const state = rec?.conflict_fields ? 'held_conflict' : op.state === 'failing' && op.attempts > 0 ? 'unknown' : 'queued';
      await s.db
        .updateTable('outbox')
        .set({ state, next_attempt_at: 0, last_error: null, field_errors: null, updated_at: nowIso() })
        .where('id', '=', opId)
        .execute();
      s.touch(op.connection_id, op.record_id);
      return { ok: true, connectionId: op.connection_id, recordId: op.record_id };
    });
  }

  /** Sends a rejected proposal again as it was: an Add as a new create, a Change as an update of the live record. */
  async resubmitProposal(id: string): Promise<void> {
    await this.write(async (s) => {
      const rec = await s.db.selectFrom('records').selectAll().where('id', '=', id).executeTakeFirst();
      if (!rec) throw new UserFacingError('not_found', 'That record no longer exists here.');
      const proposal = parseProposal(rec.proposal);
      if (proposal?.status !== 'Rejected') throw new UserFacingError('conflict', `“${rec.title}” has no rejected proposal to resubmit.`);
      const key: OpKey = { connectionId: rec.connection_id, recordId: id, kind: rec.kind as RecordKind, remoteId: rec.remote_id };
      await s.db.updateTable('records').set({ proposal: null }).where('id', '=', id).execute();
      if (rec.remote_id === null) {
        await enqueue(s, key, { type: 'create', payload: proposal.fields, base: {} });
      } else {
        const live = parseFields(rec.base_fields);
        const changed = changedFields(live, proposal.fields);
        if (Object.keys(changed).length === 0) throw new UserFacingError('conflict', 'The live record already has these values; there is nothing to propose.');
        const base = Object.fromEntries(Object.keys(changed).map((k) => [k, live[k] ?? null]));
        await enqueue(s, key, { type: 'update', payload: changed, base });
      }
      await rebuildFromOutbox(s.db, await s.system(rec.connection_id), id);
    });
  }

  /** Forgets a proposal an administrator rejected: an Add disappears, a Change leaves the live record as it is. */
  async discardProposal(id: string): Promise<{ kept: boolean; connectionId: string }> {
    return this.write(async (s) => {
      s.source = 'discard';
      const rec = await s.db.selectFrom('records').selectAll().where('id', '=', id).executeTakeFirst();
      if (!rec) throw new UserFacingError('not_found', 'That record no longer exists here.');
      const proposal = parseProposal(rec.proposal);
      if (!proposal) throw new UserFacingError('conflict', `“${rec.title}” has no proposal to discard.`);
      if (proposal.status === 'Pending') {
        throw new UserFacingError('conflict', 'This proposal still awaits an administrator; it can be discarded once decided.');
      }
      await s.db.updateTable('records').set({ proposal: null }).where('id', '=', id).execute();
      s.touch(rec.connection_id, id);
      return { kept: await rebuildFromOutbox(s.db, await s.system(rec.connection_id), id), connectionId: rec.connection_id };
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
    await this.write(async (s) => {
      const approval = await s.db
        .selectFrom('approvals')
        .selectAll()
        .where('connection_id', '=', connectionId)
        .where('remote_id', '=', approvalId)
        .executeTakeFirst();
      if (!approval) throw new UserFacingError('not_found', 'That approval is not in the review queue any more.');
      if (approval.status !== 'Pending') throw new UserFacingError('conflict', `That proposal was already ${approval.status.toLowerCase()}.`);
      const recordId = approvalOpRecordId(connectionId, approvalId);
      const existing = await s.db.selectFrom('outbox').selectAll().where('record_id', '=', recordId).orderBy('id', 'desc').executeTakeFirst();
      const now = nowIso();
      s.noteConnection(connectionId);
      if (existing && (existing.state === 'queued' || existing.state === 'rejected')) {
        await s.db
          .updateTable('outbox')
          .set({ type: decision, state: 'queued', attempts: 0, next_attempt_at: 0, last_error: null, field_errors: null, updated_at: now })
          .where('id', '=', existing.id)
          .execute();
        return;
      }
      if (existing) throw new UserFacingError('conflict', 'A decision on this proposal is being sent right now.');
      await insertOp(s, { connectionId, recordId, kind: approval.kind as RecordKind, remoteId: approvalId }, decision, {}, {});
    });
  }

  /**
   * Ends a conflict. `theirs`: take the remote version and drop the local edits.
   * `mine`: keep the local version and send it on top of the remote one.
   * Field by field (`{field: 'mine' | 'theirs'}` for every conflicting field): the remote version
   * with every local edit on top, each conflicting field as chosen, sent as one change; edits of
   * fields no choice is about are kept, whatever the choices (`resolveByField`).
   */
  async resolveConflict(id: string, keep: 'mine' | 'theirs' | Readonly<Record<string, FieldChoice>>): Promise<{ connectionId: string; removed: boolean }> {
    return this.write(async (s) => {
      s.source = 'conflict_resolution';
      const rec = await s.db.selectFrom('records').selectAll().where('id', '=', id).executeTakeFirst();
      if (!rec) throw new UserFacingError('not_found', 'That record no longer exists here.');
      if (!rec.conflict_fields) throw new UserFacingError('conflict', 'This record has no conflict to resolve.');
      const system = await s.system(rec.connection_id);
      const kind = rec.kind as RecordKind;
      const remote = rec.remote_fields === null ? null : parseFields(rec.remote_fields);
      const byField = typeof keep === 'object' ? checkedChoices(rec, remote, keep) : null;
      const ops = await s.db.selectFrom('outbox').select(['state']).where('record_id', '=', id).execute();
      // A send that may have landed is not undone by a choice here: wait for its answer, or its lookup.
      if (ops.some((o) => mayHaveReachedRemote(o.state) && o.state !== 'failing')) {
        throw new UserFacingError('conflict', 'A change to this record is being sent; try again in a moment.');
      }
      s.touch(rec.connection_id, id);
      await s.db.deleteFrom('outbox').where('record_id', '=', id).execute();
      const key: OpKey = { connectionId: rec.connection_id, recordId: id, kind, remoteId: rec.remote_id };
      if (byField && remote) {
        const resolved = resolveByField(parseFields(rec.base_fields), parseFields(rec.fields), remote, byField);
        const changed = changedFields(remote, resolved);
        await s.db
          .updateTable('records')
          .set({
            ...summaryColumns(system, kind, resolved),
            base_fields: JSON.stringify(remote),
            remote_fields: null,
            conflict_fields: null,
            // Nothing left to send: the record is the server's version.
            ...(Object.keys(changed).length === 0 ? { synced_at: nowIso() } : {}),
          })
          .where('id', '=', id)
          .execute();
        if (Object.keys(changed).length > 0) {
          const base = Object.fromEntries(Object.keys(changed).map((k) => [k, remote[k] ?? null]));
          await enqueue(s, key, { type: 'update', payload: changed, base });
        }
        return { connectionId: rec.connection_id, removed: false };
      }
      if (keep === 'theirs') {
        if (remote === null) {
          await forgetRecord(s.db, id);
          return { connectionId: rec.connection_id, removed: true };
        }
        await s.db
          .updateTable('records')
          .set({
            ...summaryColumns(system, kind, remote),
            base_fields: JSON.stringify(remote),
            remote_fields: null,
            conflict_fields: null,
            deleted: 0,
            synced_at: nowIso(),
          })
          .where('id', '=', id)
          .execute();
        return { connectionId: rec.connection_id, removed: false };
      }
      const mine = parseFields(rec.fields);
      await s.db.updateTable('records').set({ remote_fields: null, conflict_fields: null }).where('id', '=', id).execute();
      if (rec.deleted === 1) {
        if (remote === null) {
          await forgetRecord(s.db, id);
          return { connectionId: rec.connection_id, removed: true };
        }
        await s.db.updateTable('records').set({ base_fields: JSON.stringify(remote) }).where('id', '=', id).execute();
        await enqueue(s, key, { type: 'delete', payload: {}, base: remote });
        return { connectionId: rec.connection_id, removed: false };
      }
      if (remote === null) {
        // Deleted remotely but the user keeps their version: it becomes a new record there.
        await s.db.updateTable('records').set({ base_fields: null, remote_id: null }).where('id', '=', id).execute();
        await s.db.deleteFrom('id_map').where('local_id', '=', id).execute();
        await enqueue(s, { ...key, remoteId: null }, { type: 'create', payload: mine, base: {} });
      } else {
        await s.db.updateTable('records').set({ base_fields: JSON.stringify(remote) }).where('id', '=', id).execute();
        const changed = changedFields(remote, mine);
        if (Object.keys(changed).length > 0) {
          const base = Object.fromEntries(Object.keys(changed).map((k) => [k, remote[k] ?? null]));
          await enqueue(s, key, { type: 'update', payload: changed, base });
        }
      }
      return { connectionId: rec.connection_id, removed: false };
    });
  }

  /**
   * The user says the server may take writes through the record's refused choice now (e.g. they
   * were made a contributor of the setup): the refusal is forgotten, and the next write tells.
   */
  async clearWriteRefusal(id: string): Promise<void> {
    await this.write(async (s) => {
      const rec = await s.db.selectFrom('records').select(['connection_id', 'kind', 'fields']).where('id', '=', id).executeTakeFirst();
      if (!rec) throw new UserFacingError('not_found', 'That record no longer exists here.');
      const system = await s.system(rec.connection_id);
      const scope = writeScopeOf(system, rec.kind as RecordKind);
      const refused = await refusedScopeOfRecord(s.db, system, rec);
      if (!scope || !refused) throw new UserFacingError('conflict', 'The server has not refused this account a change to this record.');
      await clearWriteRefused(s, rec.connection_id, rec.kind as RecordKind, scope, refused.remoteId);
    });
  }
}

/** Per-field choices must be about this conflict's fields, all of them; a record deleted on one side has no fields to choose. */
function checkedChoices(rec: RecordRow, remote: Fields | null, choices: Readonly<Record<string, FieldChoice>>): Readonly<Record<string, FieldChoice>> {
  const conflicts = JSON.parse(rec.conflict_fields ?? '[]') as string[];
  if (remote === null || rec.deleted === 1 || conflicts.includes('_deleted')) {
    throw new UserFacingError('conflict', 'This record was deleted on one side: keep your version or the server’s as a whole.');
  }
  const { open, unknown } = choiceProblems(conflicts, choices);
  if (unknown.length > 0) throw new UserFacingError('invalid_request', `Not in conflict: ${unknown.join(', ')}.`);
  if (open.length > 0) throw new UserFacingError('validation', `Choose your value or the server’s for every field in conflict (still open: ${open.join(', ')}).`);
  return choices;
}
