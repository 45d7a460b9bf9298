import { randomUUID } from 'node:crypto';
import { sameValue } from '../../../src-shared/domain/field-diff';
import { threeWayMerge } from '../../../src-shared/domain/merge';
import type { Fields, RecordKind, SystemId } from '../../../src-shared/domain/record-kinds';
import type { RemoteCategory, RemoteRecord } from '../../connectors/connector';
import { checkpointPause } from '../db/database';
import { nowIso, parseFields } from '../json';
import { type Db, refreshStatus, summaryColumns } from '../records/record-writer';

/**
 * Applying what a remote says to the mirror. A pull never overwrites local edits: a record with
 * pending edits is merged three-way against the version those edits were based on; a field changed
 * on both sides becomes a conflict that keeps both versions.
 */
export async function applyPulledPage(
  db: Db,
  connectionId: string,
  system: SystemId,
  generation: number,
  records: RemoteRecord[],
): Promise<string[]> {
  const changed: string[] = [];
  // Small transactions with a yield between them keep IPC answering during a 100k-record pull.
  for (let i = 0; i < records.length; i += CHUNK) {
    const chunk = records.slice(i, i + CHUNK);
    // Lets the WAL start over when the checkpointer asks (a pull writes without pause otherwise).
    await checkpointPause(db);
    await db.transaction().execute(async (trx) => {
      changed.push(...(await applyChunk(trx, connectionId, system, generation, chunk)));
    });
    if (i + CHUNK < records.length) await new Promise((r) => setImmediate(r));
  }
  return changed;
}

// A chunk's transaction runs without yielding (kysely's awaits are microtasks), so its length is
// how long an IPC request can wait. 500 records took 50+ ms and 100 (one BrainSTEM page) 12-25 ms
// (records + FTS5 index writes); 50 halves that for about 20% more pull time. Measured with the
// WAL checkpoints off the main thread (see db/wal-checkpointer.ts).
const CHUNK = 50;
const INSERT_ROWS = 100;

/**
 * The common cases in bulk (new records inserted together, unchanged ones only marked as seen);
 * records that changed, or carry local edits, go one by one through the merge.
 */
async function applyChunk(db: Db, connectionId: string, system: SystemId, generation: number, chunk: RemoteRecord[]): Promise<string[]> {
  const changed: string[] = [];
  const byKind = new Map<RecordKind, RemoteRecord[]>();
  for (const r of chunk) byKind.set(r.kind, [...(byKind.get(r.kind) ?? []), r]);
  for (const [kind, remotes] of byKind) {
    const locals = await db
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
        local.editable === (remote.editable ? 1 : 0) &&
        sameValue(parseFields(local.base_fields), remote.fields)
      ) {
        seen.push(local.id);
      } else {
        const id = await applyPulledRecord(db, connectionId, system, generation, remote);
        if (id) changed.push(id);
      }
    }
    if (seen.length > 0) await db.updateTable('records').set({ seen_generation: generation }).where('id', 'in', seen).execute();
    const now = nowIso();
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
        editable: remote.editable ? 1 : 0,
        status: 'synced',
        deleted: 0,
        seen_generation: generation,
        updated_at: now,
      }));
      await db.insertInto('records').values(rows).execute();
      await db
        .insertInto('id_map')
        .values(rows.map((r) => ({ connection_id: connectionId, kind, remote_id: r.remote_id, local_id: r.id })))
        .onConflict((oc) => oc.doNothing())
        .execute();
      changed.push(...rows.map((r) => r.id));
    }
  }
  return changed;
}

async function applyPulledRecord(db: Db, connectionId: string, system: SystemId, generation: number, remote: RemoteRecord): Promise<string | null> {
  const local = await db
    .selectFrom('records')
    .selectAll()
    .where('connection_id', '=', connectionId)
    .where('kind', '=', remote.kind)
    .where('remote_id', '=', remote.remoteId)
    .executeTakeFirst();
  const editable = remote.editable ? 1 : 0;
  if (!local) {
    const id = randomUUID();
    await db
      .insertInto('records')
      .values({
        id,
        connection_id: connectionId,
        kind: remote.kind,
        remote_id: remote.remoteId,
        ...summaryColumns(system, remote.kind, remote.fields),
        base_fields: JSON.stringify(remote.fields),
        remote_fields: null,
        conflict_fields: null,
        editable,
        status: 'synced',
        deleted: 0,
        seen_generation: generation,
        updated_at: nowIso(),
      })
      .execute();
    await db
      .insertInto('id_map')
      .values({ connection_id: connectionId, kind: remote.kind, remote_id: remote.remoteId, local_id: id })
      .onConflict((oc) => oc.doNothing())
      .execute();
    return id;
  }
  const base = parseFields(local.base_fields);
  const hasOps = local.status !== 'synced' || local.conflict_fields !== null;
  if (!hasOps) {
    if (sameValue(base, remote.fields) && local.editable === editable) {
      await db.updateTable('records').set({ seen_generation: generation }).where('id', '=', local.id).execute();
      return null;
    }
    await db
      .updateTable('records')
      .set({ ...summaryColumns(system, remote.kind, remote.fields), base_fields: JSON.stringify(remote.fields), editable, seen_generation: generation, updated_at: nowIso() })
      .where('id', '=', local.id)
      .execute();
    return local.id;
  }
  if (sameValue(base, remote.fields)) {
    // The remote has not moved since our edits were made; they stand.
    await db.updateTable('records').set({ seen_generation: generation, editable }).where('id', '=', local.id).execute();
    return null;
  }
  const mine = parseFields(local.fields);
  const { merged, conflicts } = threeWayMerge(base, mine, remote.fields);
  if (conflicts.length === 0) {
    // Disjoint changes: the remote's become the new base, ours stay on top and stay queued.
    await db
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
    if (local.conflict_fields !== null) {
      await db.updateTable('outbox').set({ state: 'queued' }).where('record_id', '=', local.id).where('state', '=', 'held').execute();
      await refreshStatus(db, local.id);
    }
    return local.id;
  }
  await markConflict(db, local.id, remote.fields, conflicts);
  await db.updateTable('records').set({ seen_generation: generation, editable }).where('id', '=', local.id).execute();
  return local.id;
}

/** Keeps both versions: ours in `fields`, theirs in `remote_fields`; queued ops wait for the user. */
async function markConflict(db: Db, recordId: string, remote: Fields | null, fields: string[]): Promise<void> {
  await db
    .updateTable('records')
    .set({ remote_fields: remote === null ? null : JSON.stringify(remote), conflict_fields: JSON.stringify(fields) })
    .where('id', '=', recordId)
    .execute();
  await db.updateTable('outbox').set({ state: 'held' }).where('record_id', '=', recordId).where('state', '=', 'queued').execute();
  await refreshStatus(db, recordId);
}

/**
 * After a complete pull of `kind`: records the remote no longer has are dropped if untouched here,
 * or become conflicts ("deleted on the server") if the user edited them.
 */
export async function applyPullComplete(db: Db, connectionId: string, kind: RecordKind, generation: number): Promise<string[]> {
  return db.transaction().execute(async (trx) => {
    const gone = await trx
      .selectFrom('records')
      .select(['id', 'status', 'deleted', 'conflict_fields'])
      .where('connection_id', '=', connectionId)
      .where('kind', '=', kind)
      .where('remote_id', 'is not', null)
      .where('seen_generation', '<', generation)
      .execute();
    const changed: string[] = [];
    for (const r of gone) {
      const ops = await trx.selectFrom('outbox').select(['id', 'state', 'type']).where('record_id', '=', r.id).execute();
      // Someone else deleted what we also deleted (or nothing was edited here): nothing to keep.
      const onlyDelete = ops.length > 0 && ops.every((o) => o.type === 'delete' && o.state !== 'in_flight');
      if (ops.length === 0 || onlyDelete) {
        await trx.deleteFrom('outbox').where('record_id', '=', r.id).execute();
        await trx.deleteFrom('records').where('id', '=', r.id).execute();
        await trx.deleteFrom('id_map').where('local_id', '=', r.id).execute();
      } else if (!ops.some((o) => o.state === 'in_flight')) {
        await markConflict(trx, r.id, null, ['_deleted']);
      }
      changed.push(r.id);
    }
    return changed;
  });
}

export async function applyCategories(db: Db, connectionId: string, categories: RemoteCategory[]): Promise<void> {
  await applyPickList(db, connectionId, 'categories', categories);
}

/** A pick list (e.g. BrainSTEM's setups) replaces the connection's previous copy of the same list, in one transaction. */
export async function applyPickList(db: Db, connectionId: string, source: string, items: RemoteCategory[]): Promise<void> {
  await db.transaction().execute(async (trx) => {
    await trx.deleteFrom('categories').where('connection_id', '=', connectionId).where('source', '=', source).execute();
    for (const c of items) {
      await trx
        .insertInto('categories')
        .values({ connection_id: connectionId, source, remote_id: c.remoteId, name: c.name, description: c.description })
        .execute();
    }
  });
}
