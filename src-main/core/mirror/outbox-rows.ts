import { sql } from 'kysely';
import { coalesce, type NewEdit, type OpType, type PendingOp } from '../../../src-shared/domain/coalesce';
import type { Fields, RecordKind } from '../../../src-shared/domain/record-kinds';
import { releasedState } from '../../../src-shared/domain/record-state';
import { UserFacingError } from '../errors';
import { nowIso, parseFields } from '../json';
import { rebuildFromOutbox } from './rows';
import type { WriteScope } from './write-scope';

/** The queue's own transitions (after PowerSync's ps_crud), used only inside mirror transactions. */
export interface OpKey {
  connectionId: string;
  recordId: string;
  kind: RecordKind;
  remoteId: string | null;
}

/**
 * Adds an edit to the outbox, merged into the record's last entry where `coalesce` allows.
 * Returns false when the edits cancelled out and the record itself is gone (create + delete).
 */
export async function enqueue(s: WriteScope, key: OpKey, edit: NewEdit): Promise<boolean> {
  const last = await s.db.selectFrom('outbox').selectAll().where('record_id', '=', key.recordId).orderBy('id', 'desc').limit(1).executeTakeFirst();
  const pending: PendingOp | undefined = last && {
    type: last.type as OpType,
    payload: parseFields(last.payload),
    base: parseFields(last.base),
    state: last.state,
  };
  let result;
  try {
    result = coalesce(pending, edit);
  } catch (error) {
    throw new UserFacingError('conflict', (error as Error).message);
  }
  s.touch(key.connectionId, key.recordId);
  const now = nowIso();
  if (result.action === 'drop') {
    await s.db.deleteFrom('outbox').where('id', '=', last!.id).execute();
    return rebuildFromOutbox(s.db, await s.system(key.connectionId), key.recordId);
  }
  if (result.action === 'replace') {
    await s.db
      .updateTable('outbox')
      .set({
        type: result.op.type,
        payload: JSON.stringify(result.op.payload),
        base: JSON.stringify(result.op.base),
        state: 'queued',
        attempts: 0,
        next_attempt_at: 0,
        last_error: null,
        field_errors: null,
        sent: null,
        sent_at: null,
        updated_at: now,
      })
      .where('id', '=', last!.id)
      .execute();
  } else {
    await insertOp(s, key, result.op.type, result.op.payload, result.op.base);
  }
  return true;
}

/** A new op at the end of the queue, never sent. */
export async function insertOp(s: WriteScope, key: OpKey, type: string, payload: Fields, base: Fields): Promise<void> {
  const now = nowIso();
  await s.db
    .insertInto('outbox')
    .values({
      connection_id: key.connectionId,
      record_id: key.recordId,
      kind: key.kind,
      type,
      payload: JSON.stringify(payload),
      base: JSON.stringify(base),
      remote_id: key.remoteId,
      state: 'queued',
      attempts: 0,
      next_attempt_at: 0,
      created_at: now,
      updated_at: now,
    })
    .execute();
}

/**
 * An op the remote refused did not happen there, so edits queued behind it (appended while its
 * outcome was unknown) fold into it by the usual coalescing rules: the user fixes one op, and a
 * retry sends the net change. Returns false when the edits cancelled out (create, then delete).
 */
export async function absorbIntoRejected(s: WriteScope, opId: number): Promise<boolean> {
  const rejected = await s.db.selectFrom('outbox').selectAll().where('id', '=', opId).executeTakeFirst();
  if (!rejected || rejected.state !== 'rejected') return true;
  const later = await s.db.selectFrom('outbox').selectAll().where('record_id', '=', rejected.record_id).where('id', '>', opId).orderBy('id').execute();
  if (later.length === 0 || later.some((o) => o.state === 'in_flight' || o.state === 'unknown')) return true;
  let pending: PendingOp = { type: rejected.type as OpType, payload: parseFields(rejected.payload), base: parseFields(rejected.base), state: 'rejected' };
  for (const o of later) {
    const result = coalesce(pending, { type: o.type as OpType, payload: parseFields(o.payload), base: parseFields(o.base) });
    if (result.action === 'append') return true;
    if (result.action === 'drop') {
      await s.db.deleteFrom('outbox').where('record_id', '=', rejected.record_id).where('id', '>=', opId).execute();
      return false;
    }
    pending = { ...result.op, state: 'rejected' };
  }
  await s.db.deleteFrom('outbox').where('record_id', '=', rejected.record_id).where('id', '>', opId).execute();
  await s.db
    .updateTable('outbox')
    .set({ type: pending.type, payload: JSON.stringify(pending.payload), base: JSON.stringify(pending.base), updated_at: nowIso() })
    .where('id', '=', opId)
    .execute();
  return true;
}

/** Ops of a record waiting for `state` to end go back to the queue (or to "outcome unknown" if a send of theirs may have landed). */
export async function release(s: WriteScope, recordId: string, state: 'held_conflict' | 'held_decision'): Promise<void> {
  const held = await s.db.selectFrom('outbox').select(['id', 'attempts']).where('record_id', '=', recordId).where('state', '=', state).execute();
  for (const op of held) {
    await s.db
      .updateTable('outbox')
      .set({ state: releasedState(op.attempts), next_attempt_at: 0, last_error: null, updated_at: nowIso() })
      .where('id', '=', op.id)
      .execute();
  }
}

/**
 * Ops of a record that could be sent now are held (their record went into conflict, or a proposal
 * awaits a decision). An op already held for the other reason keeps it: each release frees only its own.
 */
export async function hold(s: WriteScope, recordId: string, state: 'held_conflict' | 'held_decision'): Promise<void> {
  await s.db
    .updateTable('outbox')
    .set({ state, updated_at: nowIso() })
    .where('record_id', '=', recordId)
    .where('state', 'in', ['queued', 'unknown'])
    .execute();
}

/**
 * Back to the queue, due at `nextAttemptAt`. When this attempt certainly did not reach the remote
 * (429, connection refused, stopped before sending) it does not count, so an op whose earlier
 * sends had all been refused is plain `queued` again.
 */
export async function requeueOp(s: WriteScope, opId: number, nextAttemptAt: number, error: string | null, mayHaveApplied: boolean): Promise<void> {
  const attempts = mayHaveApplied ? sql<number>`attempts` : sql<number>`CASE WHEN state = 'in_flight' AND attempts > 0 THEN attempts - 1 ELSE attempts END`;
  await s.db
    .updateTable('outbox')
    .set({
      attempts,
      next_attempt_at: nextAttemptAt,
      last_error: error,
      updated_at: nowIso(),
    })
    .where('id', '=', opId)
    .where('state', 'in', ['queued', 'in_flight', 'unknown'])
    .execute();
  await s.db
    .updateTable('outbox')
    .set({ state: sql`CASE WHEN attempts > 0 THEN 'unknown' ELSE 'queued' END` })
    .where('id', '=', opId)
    .where('state', 'in', ['queued', 'in_flight', 'unknown'])
    .execute();
}
