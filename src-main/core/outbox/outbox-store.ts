import { sql } from 'kysely';
import { coalesce, type OpType, type PendingOp } from '../../../src-shared/domain/coalesce';
import type { PendingOpDto } from '../../../src-shared/contract/records';
import type { Selectable } from 'kysely';
import type { OutboxTable } from '../db/schema';
import { nowIso, parseFields } from '../json';
import type { Db } from '../records/record-writer';

export type OutboxRow = Selectable<OutboxTable>;

/**
 * The upload queue (after PowerSync's ps_crud): one row per pending edit, read in id order,
 * removed only when the remote acknowledged it. States: `queued` (waiting or backing off),
 * `in_flight` (sent, no answer yet), `rejected` (the remote refused it; waits for the user),
 * `held` (its record is in conflict; waits for the user's choice).
 */
export class OutboxStore {
  constructor(private readonly db: Db) {}

  /**
   * The next ops to send for a connection (at most `max`): due, and each the first of its record
   * still waiting, so one record's edits reach the remote in order while other records' keep flowing.
   */
  async nextReady(connectionId: string, now: number, max = 1): Promise<OutboxRow[]> {
    return this.db
      .selectFrom('outbox as o')
      .selectAll('o')
      .where('o.connection_id', '=', connectionId)
      .where('o.state', '=', 'queued')
      .where('o.next_attempt_at', '<=', now)
      .where(({ not, exists, selectFrom }) =>
        not(exists(selectFrom('outbox as e').select('e.id').whereRef('e.record_id', '=', 'o.record_id').whereRef('e.id', '<', 'o.id'))),
      )
      .orderBy('o.id')
      .limit(max)
      .execute();
  }

  /**
   * When the earliest sendable op becomes due (for the engine's timer). Same rule as nextReady:
   * an op waiting behind an earlier op of its record (rejected, held) is not sendable.
   */
  async nextDueAt(connectionId: string): Promise<number | null> {
    const row = await this.db
      .selectFrom('outbox as o')
      .select((eb) => eb.fn.min('o.next_attempt_at').as('at'))
      .where('o.connection_id', '=', connectionId)
      .where('o.state', '=', 'queued')
      .where(({ not, exists, selectFrom }) =>
        not(exists(selectFrom('outbox as e').select('e.id').whereRef('e.record_id', '=', 'o.record_id').whereRef('e.id', '<', 'o.id'))),
      )
      .executeTakeFirst();
    return row?.at ?? null;
  }

  /**
   * An op the remote refused did not happen there, so edits queued behind it (appended while its
   * outcome was unknown) fold into it by the usual coalescing rules: the user fixes one op, and a
   * retry sends the net change. Returns false when the edits cancelled out (create, then delete).
   */
  async absorbIntoRejected(opId: number): Promise<boolean> {
    const rejected = await this.get(opId);
    if (!rejected || rejected.state !== 'rejected') return true;
    const later = await this.db.selectFrom('outbox').selectAll().where('record_id', '=', rejected.record_id).where('id', '>', opId).orderBy('id').execute();
    if (later.length === 0 || later.some((o) => o.state === 'in_flight')) return true;
    let pending: PendingOp = {
      type: rejected.type as OpType,
      payload: parseFields(rejected.payload),
      base: parseFields(rejected.base),
      state: 'rejected',
      attempts: 0,
    };
    for (const o of later) {
      const next = { type: o.type as OpType, payload: parseFields(o.payload), base: parseFields(o.base) };
      const result = coalesce(pending, next);
      if (result.action === 'append') return true;
      if (result.action === 'drop') {
        await this.db.deleteFrom('outbox').where('record_id', '=', rejected.record_id).where('id', '>=', opId).execute();
        return false;
      }
      pending = { ...result.op, state: 'rejected', attempts: 0 };
    }
    await this.db.deleteFrom('outbox').where('record_id', '=', rejected.record_id).where('id', '>', opId).execute();
    await this.db
      .updateTable('outbox')
      .set({ type: pending.type, payload: JSON.stringify(pending.payload), base: JSON.stringify(pending.base), updated_at: nowIso() })
      .where('id', '=', opId)
      .execute();
    return true;
  }

  /** Whether a create of this connection was sent without an answer (it may exist remotely). */
  async hasUncertainCreate(connectionId: string): Promise<boolean> {
    const row = await this.db
      .selectFrom('outbox')
      .select('id')
      .where('connection_id', '=', connectionId)
      .where('type', '=', 'create')
      .where('attempts', '>', 0)
      .where('state', 'in', ['queued', 'in_flight'])
      .executeTakeFirst();
    return Boolean(row);
  }

  /** Counted before sending, so a crash mid-request leaves the op marked "outcome unknown". */
  async markInFlight(opId: number): Promise<void> {
    await this.db
      .updateTable('outbox')
      .set((eb) => ({ state: 'in_flight', attempts: eb('attempts', '+', 1), updated_at: nowIso() }))
      .where('id', '=', opId)
      .execute();
  }

  /**
   * Back to the queue, due at `nextAttemptAt`. `certainlyNotApplied` (429, connection refused)
   * undoes the attempt counted by markInFlight, so the op's outcome counts as known again.
   */
  async requeue(opId: number, nextAttemptAt: number, error: string | null, certainlyNotApplied: boolean): Promise<void> {
    await this.db
      .updateTable('outbox')
      .set({
        state: 'queued',
        next_attempt_at: nextAttemptAt,
        last_error: error,
        attempts: certainlyNotApplied ? sql<number>`CASE WHEN state = 'in_flight' THEN attempts - 1 ELSE attempts END` : sql<number>`attempts`,
        updated_at: nowIso(),
      })
      .where('id', '=', opId)
      .where('state', 'in', ['queued', 'in_flight'])
      .execute();
  }

  async reject(opId: number, message: string, fieldErrors: Record<string, string[]>): Promise<void> {
    await this.db
      .updateTable('outbox')
      // A refused op did not happen remotely: its outcome is known again.
      .set({ state: 'rejected', last_error: message, field_errors: JSON.stringify(fieldErrors), attempts: 0, updated_at: nowIso() })
      .where('id', '=', opId)
      .execute();
  }

  async retry(opId: number): Promise<boolean> {
    const op = await this.get(opId);
    const rec = op && (await this.db.selectFrom('records').select('conflict_fields').where('id', '=', op.record_id).executeTakeFirst());
    // A record in conflict keeps its ops held until the user resolves it.
    const state = rec?.conflict_fields ? 'held' : 'queued';
    const r = await this.db
      .updateTable('outbox')
      .set({ state, next_attempt_at: 0, last_error: null, field_errors: null, updated_at: nowIso() })
      .where('id', '=', opId)
      .where('state', '=', 'rejected')
      .executeTakeFirst();
    return Number(r.numUpdatedRows) > 0;
  }

  async get(opId: number): Promise<OutboxRow | undefined> {
    return this.db.selectFrom('outbox').selectAll().where('id', '=', opId).executeTakeFirst();
  }

  async forRecord(recordId: string): Promise<OutboxRow[]> {
    return this.db.selectFrom('outbox').selectAll().where('record_id', '=', recordId).orderBy('id').execute();
  }

  /** After a restart nothing is in flight any more; those sends have an unknown outcome (attempts stays). */
  async recoverInFlight(): Promise<number> {
    const r = await this.db.updateTable('outbox').set({ state: 'queued', next_attempt_at: 0 }).where('state', '=', 'in_flight').executeTakeFirst();
    return Number(r.numUpdatedRows);
  }

  async counts(connectionId: string): Promise<{ pending: number; rejected: number; ready: number }> {
    const rows = await this.db
      .selectFrom('outbox')
      .select(['state', sql<number>`count(*)`.as('n')])
      .where('connection_id', '=', connectionId)
      .groupBy('state')
      .execute();
    const n = (s: string) => Number(rows.find((r) => r.state === s)?.n ?? 0);
    return { pending: n('queued') + n('in_flight') + n('held'), rejected: n('rejected'), ready: n('queued') + n('in_flight') };
  }

  /** Pending edits with the records they belong to, as a JSON document a person can read or re-enter. */
  async exportJson(connectionId: string): Promise<{ filename: string; json: string; ops: number }> {
    const ops = await this.list(connectionId);
    const records = await this.db
      .selectFrom('records')
      .select(['id', 'kind', 'remote_id', 'fields'])
      .where('id', 'in', ops.length > 0 ? ops.map((o) => o.recordId) : [''])
      .execute();
    const byId = new Map(records.map((r) => [r.id, { kind: r.kind, remoteId: r.remote_id, fields: parseFields(r.fields) }]));
    const doc = {
      exportedAt: nowIso(),
      connectionId,
      pendingEdits: ops.map((o) => ({ ...o, record: byId.get(o.recordId) ?? null })),
    };
    const stamp = new Date().toISOString().slice(0, 16).replace(/[:T]/g, '-');
    return { filename: `benchsync-pending-edits-${stamp}.json`, json: JSON.stringify(doc, null, 2), ops: ops.length };
  }

  async list(connectionId?: string): Promise<PendingOpDto[]> {
    let q = this.db
      .selectFrom('outbox as o')
      .leftJoin('records as r', 'r.id', 'o.record_id')
      .selectAll('o')
      .select(['r.title as record_title']);
    if (connectionId) q = q.where('o.connection_id', '=', connectionId);
    const rows = await q.orderBy('o.id').execute();
    return rows.map((r) => toDto(r, r.record_title ?? (r.type === 'accept' || r.type === 'reject' ? `Decision on approval ${r.remote_id ?? ''}` : '')));
  }
}

export function toDto(r: OutboxRow, recordTitle: string): PendingOpDto {
  return {
    id: r.id,
    connectionId: r.connection_id,
    recordId: r.record_id,
    recordTitle,
    type: r.type as PendingOpDto['type'],
    state: r.state as PendingOpDto['state'],
    payload: parseFields(r.payload),
    attempts: r.attempts,
    nextAttemptAt: r.next_attempt_at > 0 ? new Date(r.next_attempt_at).toISOString() : null,
    error: r.last_error,
    fieldErrors: r.field_errors ? (JSON.parse(r.field_errors) as Record<string, string[]>) : null,
    createdAt: r.created_at,
  };
}
