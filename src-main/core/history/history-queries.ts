import type { Selectable } from 'kysely';
import type { HistoryEvent, HistorySource } from '../../../src-shared/domain/history';
import type { Db } from '../db/schema';
import type { HistoryTable } from '../db/schema';
import { entryHash, GENESIS_HASH } from './history-chain';

export interface HistoryEntryRow {
  id: number;
  at: string;
  osUser: string;
  account: string | null;
  connectionId: string;
  recordId: string;
  remoteId: string | null;
  kind: string;
  source: HistorySource;
  event: HistoryEvent;
  field: string | null;
  /** undefined: no value (the field did not exist); JSON null is a value. */
  before: unknown;
  after: unknown;
  opId: number | null;
  /** For a local change: what became of the op that carries it (sent, acknowledged, rejected, or still queued). */
  opFate: { event: 'op_sent' | 'op_acknowledged' | 'op_rejected'; at: string; detail: string | null } | null;
  detail: string | null;
  reason: string | null;
}

export interface HistoryFilter {
  recordId?: string;
  connectionId?: string;
  since?: string;
  until?: string;
  osUser?: string;
  field?: string;
  source?: HistorySource;
  /** Newest first, entries older than this id (paging). */
  beforeId?: number;
  limit: number;
}

const parse = (text: string | null): unknown => (text === null ? undefined : JSON.parse(text));

/** Reads of the history (the mirror writes it). Newest first. */
export class HistoryQueries {
  constructor(private readonly db: Db) {}

  async list(f: HistoryFilter): Promise<HistoryEntryRow[]> {
    let q = this.db.selectFrom('history').selectAll();
    if (f.recordId) q = q.where('record_id', '=', f.recordId);
    if (f.connectionId) q = q.where('connection_id', '=', f.connectionId);
    if (f.since) q = q.where('at', '>=', f.since);
    if (f.until) q = q.where('at', '<', f.until);
    if (f.osUser) q = q.where('os_user', '=', f.osUser);
    if (f.field) q = q.where('field', '=', f.field);
    if (f.source) q = q.where('source', '=', f.source);
    if (f.beforeId !== undefined) q = q.where('id', '<', f.beforeId);
    const rows = await q.orderBy('id', 'desc').limit(f.limit).execute();
    return this.withFates(rows);
  }

  /** Every entry of a record, oldest first (for replay and export). */
  async ofRecord(recordId: string): Promise<HistoryEntryRow[]> {
    const rows = await this.db.selectFrom('history').selectAll().where('record_id', '=', recordId).orderBy('id').execute();
    return this.withFates(rows);
  }

  /**
   * Walks the chain from the first entry: each must chain to the one before, hash to what it
   * says, and carry the next id; the head must name the last. Reports the first entry that is
   * not what was written (altered, removed: the entry after the gap, reordered, or cut off the end).
   */
  async verify(): Promise<{ ok: boolean; checked: number; firstBadEntryId?: number }> {
    let prev = GENESIS_HASH;
    let expectedId = 1;
    let checked = 0;
    let lastId = 0;
    const page = 2_000;
    for (;;) {
      const rows = await this.db.selectFrom('history').selectAll().where('id', '>=', expectedId).orderBy('id').limit(page).execute();
      for (const r of rows) {
        const { prev_hash, hash, ...content } = r;
        if (r.id !== expectedId || prev_hash !== prev || entryHash(prev, content) !== hash) return { ok: false, checked, firstBadEntryId: Math.min(r.id, expectedId) };
        prev = hash;
        lastId = r.id;
        expectedId++;
        checked++;
      }
      if (rows.length < page) break;
    }
    const head = await this.db.selectFrom('history_head').selectAll().executeTakeFirst();
    if ((head?.last_id ?? 0) !== lastId || (head?.hash ?? GENESIS_HASH) !== prev) {
      // Entries after `lastId` were cut off (or the head was altered).
      return { ok: false, checked, firstBadEntryId: lastId + 1 };
    }
    return { ok: true, checked };
  }

  private async withFates(rows: Selectable<HistoryTable>[]): Promise<HistoryEntryRow[]> {
    const opIds = [...new Set(rows.filter((r) => r.event === 'field' && r.op_id !== null).map((r) => r.op_id!))];
    const fates = new Map<number, HistoryEntryRow['opFate']>();
    for (let i = 0; i < opIds.length; i += 500) {
      const found = await this.db
        .selectFrom('history')
        .select(['op_id', 'event', 'at', 'detail'])
        .where('op_id', 'in', opIds.slice(i, i + 500))
        .where('event', 'in', ['op_sent', 'op_acknowledged', 'op_rejected'])
        .orderBy('id')
        .execute();
      // The latest word on each op wins.
      for (const f of found) fates.set(f.op_id!, { event: f.event as 'op_sent', at: f.at, detail: f.detail });
    }
    return rows.map((r) => ({
      id: r.id,
      at: r.at,
      osUser: r.os_user,
      account: r.account,
      connectionId: r.connection_id,
      recordId: r.record_id,
      remoteId: r.remote_id,
      kind: r.kind,
      source: r.source as HistorySource,
      event: r.event as HistoryEvent,
      field: r.field,
      before: parse(r.before),
      after: parse(r.after),
      opId: r.op_id,
      opFate: r.op_id !== null && r.event === 'field' ? (fates.get(r.op_id) ?? null) : null,
      detail: r.detail,
      reason: r.reason,
    }));
  }
}
