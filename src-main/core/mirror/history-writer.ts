import type { Selectable } from 'kysely';
import { fieldChanges, type HistoryEvent, type HistorySource } from '../../../src-shared/domain/history';
import type { HistoryStagingTable, HistoryTable } from '../db/schema';
import { GENESIS_HASH, entryHash, type HashedContent } from '../history/history-chain';
import { nowIso, parseFields } from '../json';
import type { Db } from './rows';

/** Who acts on this workstation: its OS user, and the account each connection acts as. */
export interface HistoryActor {
  osUser: string;
  accountOf(connectionId: string): string | null;
}

/** An op's fate (or a decision on a proposal), noted by the mirror method that learnt it. */
export interface OpFate {
  opId: number | null;
  connectionId: string;
  recordId: string;
  kind: string;
  remoteId: string | null;
  event: Extract<HistoryEvent, 'op_sent' | 'op_acknowledged' | 'op_rejected' | 'proposal_decided'>;
  detail: string | null;
  source?: HistorySource;
}

export interface HistoryContext {
  actor: HistoryActor;
  /** What this write is (a record may say otherwise: `sourceFor`). */
  source: HistorySource;
  sourceFor: ReadonlyMap<string, HistorySource>;
  reason: string | null;
  fates: readonly OpFate[];
}

type Entry = Omit<HashedContent, 'id'>;

/** Local sources whose field entries belong to the record's queued op. */
const CARRIED_BY_AN_OP = new Set<HistorySource>(['local_edit', 'bulk_edit', 'scan_session', 'bench_act', 'conflict_resolution']);

/**
 * Turns what this transaction did to `records` (staged by triggers) and the ops' fates into
 * history entries, chained to the last one; runs inside the write's transaction, before commit.
 */
export async function writeHistory(db: Db, ctx: HistoryContext): Promise<void> {
  const staged = await db.selectFrom('history_staging').selectAll().orderBy('id').execute();
  if (staged.length === 0 && ctx.fates.length === 0) return;
  if (staged.length > 0) await db.deleteFrom('history_staging').execute();
  const at = nowIso();
  const entries: Entry[] = [];
  // What became of ops first: a change the server's answer brought follows the answer.
  for (const f of ctx.fates) {
    entries.push({
      at,
      os_user: ctx.actor.osUser,
      account: ctx.actor.accountOf(f.connectionId),
      connection_id: f.connectionId,
      record_id: f.recordId,
      remote_id: f.remoteId,
      kind: f.kind,
      source: f.source ?? ctx.source,
      event: f.event,
      field: null,
      before: null,
      after: null,
      op_id: f.opId,
      detail: f.detail,
      reason: null,
    });
  }
  const gone = await missingConnections(db, staged);
  for (const row of staged) {
    const source = gone.has(row.connection_id) ? 'connection_removed' : (ctx.sourceFor.get(row.record_id) ?? ctx.source);
    const opId = CARRIED_BY_AN_OP.has(source) ? await latestOp(db, row.record_id) : null;
    const base = {
      at,
      os_user: ctx.actor.osUser,
      account: ctx.actor.accountOf(row.connection_id),
      connection_id: row.connection_id,
      record_id: row.record_id,
      remote_id: row.remote_id,
      kind: row.kind,
      source,
      op_id: opId,
      detail: null,
      reason: ctx.reason,
    };
    entries.push(...entriesFor(row, base));
  }
  if (entries.length > 0) await append(db, entries);
}

function entriesFor(row: Selectable<HistoryStagingTable>, base: Omit<Entry, 'event' | 'field' | 'before' | 'after'>): Entry[] {
  const one = (event: HistoryEvent, field: string | null, before: unknown, after: unknown): Entry => ({
    ...base,
    event,
    field,
    before: before === undefined ? null : JSON.stringify(before),
    after: after === undefined ? null : JSON.stringify(after),
  });
  if (row.before_fields === null) {
    // A record a pull brings is one entry with all its fields, as stored (a first pull can bring
    // 100k); one created here is one entry per field, like every later change.
    if (base.source === 'pull') return [{ ...base, event: 'record_added', field: null, before: null, after: row.after_fields }];
    const fields = parseFields(row.after_fields);
    return [one('record_added', null, undefined, undefined), ...fieldChanges({}, fields).map((c) => one('field', c.field, c.before, c.after))];
  }
  if (row.after_fields === null) return [one('record_removed', null, parseFields(row.before_fields), undefined)];
  const out = fieldChanges(parseFields(row.before_fields), parseFields(row.after_fields)).map((c) => one('field', c.field, c.before, c.after));
  if (row.before_deleted === 0 && row.after_deleted === 1) out.push(one('record_deleted', null, undefined, undefined));
  if (row.before_deleted === 1 && row.after_deleted === 0) out.push(one('record_restored', null, undefined, undefined));
  return out;
}

async function append(db: Db, entries: Entry[]): Promise<void> {
  const head = await db.selectFrom('history_head').selectAll().executeTakeFirst();
  const max = await db.selectFrom('history').select((eb) => eb.fn.max('id').as('id')).executeTakeFirst();
  // Past both the head and the highest id: an entry removed behind our back must not make an insert fail.
  let id = Math.max(head?.last_id ?? 0, Number(max?.id ?? 0));
  let prev = head?.hash ?? GENESIS_HASH;
  const rows: HistoryTable[] = [];
  for (const e of entries) {
    const content: HashedContent = { id: ++id, ...e };
    const hash = entryHash(prev, content);
    rows.push({ ...content, prev_hash: prev, hash });
    prev = hash;
  }
  // SQLite takes at most 32766 bound values per statement: 18 columns a row.
  for (let i = 0; i < rows.length; i += 1_000) await db.insertInto('history').values(rows.slice(i, i + 1_000)).execute();
  await db
    .insertInto('history_head')
    .values({ one: 1, last_id: id, hash: prev })
    .onConflict((oc) => oc.column('one').doUpdateSet({ last_id: id, hash: prev }))
    .execute();
}

async function latestOp(db: Db, recordId: string): Promise<number | null> {
  const row = await db.selectFrom('outbox').select((eb) => eb.fn.max('id').as('id')).where('record_id', '=', recordId).executeTakeFirst();
  return row?.id ?? null;
}

async function missingConnections(db: Db, staged: readonly Selectable<HistoryStagingTable>[]): Promise<Set<string>> {
  const gone = new Set<string>();
  const removed = [...new Set(staged.filter((r) => r.after_fields === null).map((r) => r.connection_id))];
  for (const id of removed) {
    const c = await db.selectFrom('connections').select('id').where('id', '=', id).executeTakeFirst();
    if (!c) gone.add(id);
  }
  return gone;
}
