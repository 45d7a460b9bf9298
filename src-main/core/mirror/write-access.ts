import { sql } from 'kysely';
import type { Fields, RecordKind, SystemId } from '../../../src-shared/domain/record-kinds';
import { refusedScopeOf, type ScopeChoice } from '../../../src-shared/domain/record-state';
import { writeScopeOf } from '../../../src-shared/domain/remotes';
import { nowIso, parseFields } from '../json';
import type { Db } from './rows';
import type { WriteScope } from './write-scope';

/**
 * Write permission that follows a pick list (`KindProfile.writeScopeField`, the rule in
 * src-shared/domain/record-state.ts). The server's refusal of a write through a choice is kept on
 * the pick-list row (`categories.write_refused_at`); the records of that choice are not editable
 * (`records.editable`, which lists and the record's state read). A write through it that the
 * server takes again ends the refusal. Used only inside mirror transactions.
 */
export type WriteScopeSpec = NonNullable<ReturnType<typeof writeScopeOf>>;

/** The scope's choices as the shared rule takes them. */
export async function scopeChoices(db: Db, connectionId: string, scope: WriteScopeSpec): Promise<ScopeChoice[]> {
  const rows = await db
    .selectFrom('categories')
    .select(['remote_id', 'name', 'write_refused_at'])
    .where('connection_id', '=', connectionId)
    .where('source', '=', scope.source)
    .execute();
  return rows.map((r) => ({ remoteId: r.remote_id, name: r.name, writeRefused: r.write_refused_at !== null }));
}

/** The refused choice a record lies in (by the fields the user sees), or null. */
export async function refusedScopeOfRecord(db: Db, system: SystemId, rec: { connection_id: string; kind: string; fields: string }): Promise<ScopeChoice | null> {
  const scope = writeScopeOf(system, rec.kind as RecordKind);
  if (!scope) return null;
  return refusedScopeOf(scope.field, parseFields(rec.fields), await scopeChoices(db, rec.connection_id, scope));
}

/**
 * The choice an op wrote through, when that is certain: a create's (or a delete's) own, an
 * update's when it left the choice as it was. An update that moved the record to another choice
 * could have been refused for either, so it names none.
 */
export function scopeValueOfOp(scope: WriteScopeSpec, op: { type: string; payload: Fields }, base: Fields): string | null {
  const value = (v: unknown) => (v === undefined || v === null || v === '' ? null : String(v));
  if (op.type === 'create') return value(op.payload[scope.field]);
  if (op.type === 'update' && Object.hasOwn(op.payload, scope.field) && value(op.payload[scope.field]) !== value(base[scope.field])) return null;
  if (op.type === 'update' || op.type === 'delete') return value(base[scope.field]);
  return null;
}

/** Sets the records of one choice (editable or not), announcing them. */
async function setEditable(s: WriteScope, connectionId: string, kind: RecordKind, scope: WriteScopeSpec, value: string, editable: 0 | 1): Promise<void> {
  const inScope = sql<string>`json_extract(fields, ${`$."${scope.field}"`})`;
  const ids = await s.db
    .selectFrom('records')
    .select('id')
    .where('connection_id', '=', connectionId)
    .where('kind', '=', kind)
    .where(inScope, '=', value)
    .where('editable', '!=', editable)
    .execute();
  if (ids.length === 0) return;
  await s.db
    .updateTable('records')
    .set({ editable })
    .where('connection_id', '=', connectionId)
    .where('kind', '=', kind)
    .where(inScope, '=', value)
    .execute();
  // Editability is not part of the status; the rows are only announced.
  s.note(connectionId, ids.map((r) => r.id));
}

/** The server refused this account a write through `value`: its records become read-only and the choice is not offered. */
export async function markWriteRefused(s: WriteScope, connectionId: string, kind: RecordKind, scope: WriteScopeSpec, value: string): Promise<void> {
  await s.db
    .updateTable('categories')
    .set({ write_refused_at: nowIso() })
    .where('connection_id', '=', connectionId)
    .where('source', '=', scope.source)
    .where('remote_id', '=', value)
    .execute();
  s.noteConnection(connectionId);
  await setEditable(s, connectionId, kind, scope, value, 0);
}

/**
 * A write through `value` was taken (or the user wants to try again): the refusal ends. Records
 * of the choice are editable again; the next pull applies the remote's own per-record flag.
 */
export async function clearWriteRefused(s: WriteScope, connectionId: string, kind: RecordKind, scope: WriteScopeSpec, value: string): Promise<void> {
  const r = await s.db
    .updateTable('categories')
    .set({ write_refused_at: null })
    .where('connection_id', '=', connectionId)
    .where('source', '=', scope.source)
    .where('remote_id', '=', value)
    .where('write_refused_at', 'is not', null)
    .executeTakeFirst();
  if (Number(r.numUpdatedRows) === 0) return;
  s.noteConnection(connectionId);
  await setEditable(s, connectionId, kind, scope, value, 1);
}

/** A refused op of a kind whose permission follows a pick list: the choice it certainly wrote through is refused. */
export async function refuseScopeOf(s: WriteScope, op: { connection_id: string; record_id: string; kind: string; type: string; payload: string }): Promise<void> {
  const kind = op.kind as RecordKind;
  const scope = writeScopeOf(await s.system(op.connection_id), kind);
  if (!scope) return;
  const rec = await s.db.selectFrom('records').select('base_fields').where('id', '=', op.record_id).executeTakeFirst();
  const value = scopeValueOfOp(scope, { type: op.type, payload: parseFields(op.payload) }, parseFields(rec?.base_fields));
  if (value) await markWriteRefused(s, op.connection_id, kind, scope, value);
}

/** An acknowledged write of such a kind: the choice it wrote through takes this account's writes (again). */
export async function acceptScopeOf(s: WriteScope, op: { connection_id: string; record_id: string; kind: string; type: string; payload: string }): Promise<void> {
  const kind = op.kind as RecordKind;
  const scope = writeScopeOf(await s.system(op.connection_id), kind);
  if (!scope) return;
  const rec = await s.db.selectFrom('records').select('base_fields').where('id', '=', op.record_id).executeTakeFirst();
  const base = parseFields(rec?.base_fields);
  const value = op.type === 'create' || op.type === 'update' ? (parseFields(op.payload)[scope.field] ?? base[scope.field]) : base[scope.field];
  if (value !== undefined && value !== null && value !== '') await clearWriteRefused(s, op.connection_id, kind, scope, String(value));
}
