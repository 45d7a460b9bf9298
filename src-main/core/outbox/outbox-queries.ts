import { type Kysely, type Selectable, sql } from 'kysely';
import type { PendingOpDto } from '../../../src-shared/contract/records';
import type { Database, OutboxTable } from '../db/schema';
import { nowIso, parseFields } from '../json';
import { fieldsAfter, parseSent, type SentSnapshot } from './sent-snapshot';

export type OutboxRow = Selectable<OutboxTable>;

/**
 * Reads of the upload queue (after PowerSync's ps_crud): one row per pending edit, read in id
 * order, removed only when the remote acknowledged it. Its states are `OpState`
 * (src-shared/domain/record-state.ts); only the mirror (core/mirror/) writes it.
 */
export class OutboxQueries {
  constructor(private readonly db: Kysely<Database>) {}

  /**
   * The next ops to send for a connection (at most `max`): due, and each the first of its record
   * still waiting, so one record's edits reach the remote in order while other records' keep flowing.
   */
  async nextReady(connectionId: string, now: number, max = 1): Promise<OutboxRow[]> {
    return this.db
      .selectFrom('outbox as o')
      .selectAll('o')
      .where('o.connection_id', '=', connectionId)
      .where('o.state', 'in', ['queued', 'unknown'])
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
      .where('o.state', 'in', ['queued', 'unknown'])
      .where(({ not, exists, selectFrom }) =>
        not(exists(selectFrom('outbox as e').select('e.id').whereRef('e.record_id', '=', 'o.record_id').whereRef('e.id', '<', 'o.id'))),
      )
      .executeTakeFirst();
    return row?.at ?? null;
  }

  /** Whether a create of this connection was sent without an answer (it may exist remotely). */
  async hasUncertainCreate(connectionId: string): Promise<boolean> {
    const row = await this.db
      .selectFrom('outbox')
      .select('id')
      .where('connection_id', '=', connectionId)
      .where('type', '=', 'create')
      .where('state', 'in', ['unknown', 'in_flight'])
      .executeTakeFirst();
    return Boolean(row);
  }

  /**
   * What an attempt of this op carries: for a send whose outcome is unknown, exactly what the
   * earlier attempt carried (its lookup matches on that); otherwise the op's own changes on top of
   * the record's last remote version and the ops before it, never an edit queued after it.
   */
  async sendSnapshot(op: OutboxRow): Promise<SentSnapshot> {
    return (await this.sendSnapshots([op]))[0]!;
  }

  /** `sendSnapshot` of several ops at once (a parallel drain reads ahead): two reads in all. */
  async sendSnapshots(ops: readonly OutboxRow[]): Promise<SentSnapshot[]> {
    const recordIds = [...new Set(ops.filter((op) => !(op.attempts > 0 && op.sent) && (op.type === 'create' || op.type === 'update')).map((op) => op.record_id))];
    const records = recordIds.length === 0 ? [] : await this.db.selectFrom('records').select(['id', 'base_fields']).where('id', 'in', recordIds).execute();
    const queued = recordIds.length === 0 ? [] : await this.db.selectFrom('outbox').select(['id', 'record_id', 'type', 'payload']).where('record_id', 'in', recordIds).orderBy('id').execute();
    const baseOf = new Map(records.map((r) => [r.id, r.base_fields]));
    return ops.map((op) => {
      const earlier = parseSent(op.sent);
      if (earlier && op.attempts > 0) return earlier;
      const payload = parseFields(op.payload);
      if (op.type !== 'create' && op.type !== 'update') return { payload, fields: {} };
      const base = baseOf.get(op.record_id);
      const before = queued.filter((o) => o.record_id === op.record_id && o.id <= op.id);
      return { payload, fields: fieldsAfter(base ? parseFields(base) : null, before) };
    });
  }

  async get(opId: number): Promise<OutboxRow | undefined> {
    return this.db.selectFrom('outbox').selectAll().where('id', '=', opId).executeTakeFirst();
  }

  async forRecord(recordId: string): Promise<OutboxRow[]> {
    return this.db.selectFrom('outbox').selectAll().where('record_id', '=', recordId).orderBy('id').execute();
  }

  async counts(connectionId: string): Promise<{ pending: number; rejected: number; ready: number }> {
    const rows = await this.db
      .selectFrom('outbox')
      .select(['state', sql<number>`count(*)`.as('n')])
      .where('connection_id', '=', connectionId)
      .groupBy('state')
      .execute();
    const n = (s: string) => Number(rows.find((r) => r.state === s)?.n ?? 0);
    const ready = n('queued') + n('in_flight') + n('unknown');
    return { pending: ready + n('held_conflict') + n('held_decision'), rejected: n('rejected') + n('failing'), ready };
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
    kind: r.kind as PendingOpDto['kind'],
    type: r.type as PendingOpDto['type'],
    state: r.state as PendingOpDto['state'],
    payload: parseFields(r.payload),
    base: parseFields(r.base),
    attempts: r.attempts,
    nextAttemptAt: r.next_attempt_at > 0 ? new Date(r.next_attempt_at).toISOString() : null,
    error: r.last_error,
    fieldErrors: r.field_errors ? (JSON.parse(r.field_errors) as Record<string, string[]>) : null,
    createdAt: r.created_at,
  };
}
