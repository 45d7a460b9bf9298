import { sql } from 'kysely';
import { sameValue } from '../../../src-shared/domain/field-diff';
import type { Fields, RecordKind, SystemId } from '../../../src-shared/domain/record-kinds';
import { choiceOffered, type EditBlock } from '../../../src-shared/domain/record-state';
import { kindProfile, pickListOf, writeScopeOf } from '../../../src-shared/domain/remotes';
import type { KindProfile } from '../../../src-shared/domain/remotes/profile';
import { type FieldErrors, validateWith } from '../../../src-shared/domain/validation';
import type { RecordsTable } from '../db/schema';
import { UserFacingError } from '../errors';
import { type Db, stateOf, systemOf } from './rows';
import { refusedScopeOfRecord } from './write-access';
import type { Selectable } from 'kysely';

/** The checks an edit passes before it is written: the remote's rules, our pick lists, uniqueness. */
export type RecordRow = Selectable<RecordsTable>;

const BLOCKED: Record<Exclude<EditBlock, null>, (title: string, action: string, scope: string) => string> = {
  read_only: (t, a) => `“${t}” belongs to someone else on the remote system; you can view it but not ${a} it.`,
  scope_read_only: (t, a, scope) => `“${t}” is in ${scope}, which the server lets this account only read; you can view it but not ${a} it.`,
  deleted: (t, a) => `“${t}” is already deleted here; discard the delete to ${a} it.`,
  conflict: (t) => `“${t}” has a conflict with the server's version; resolve it first.`,
  awaiting_decision: (t, a) => `“${t}” awaits an administrator's decision on your proposal; you can ${a} it once it is accepted or rejected.`,
};

/** Reads the record inside the write's transaction and refuses what `recordState` forbids. */
export async function editableRecord(db: Db, id: string, action: 'edit' | 'delete'): Promise<RecordRow> {
  const rec = await db.selectFrom('records').selectAll().where('id', '=', id).executeTakeFirst();
  if (!rec) throw new UserFacingError('not_found', 'That record no longer exists here.');
  const scope = rec.editable === 0 ? await refusedScopeOfRecord(db, await systemOf(db, rec.connection_id), rec) : null;
  const { block } = await stateOf(db, rec, scope?.name ?? null);
  if (block) {
    const where = scope ? `${scopeLabel(await systemOf(db, rec.connection_id), rec.kind as RecordKind)} “${scope.name}”` : '';
    throw new UserFacingError(block === 'read_only' || block === 'scope_read_only' ? 'read_only' : 'conflict', BLOCKED[block](rec.title, action, where));
  }
  return rec;
}

function scopeLabel(system: SystemId, kind: RecordKind): string {
  return (writeScopeOf(system, kind)?.label ?? 'the choice').toLowerCase();
}

/**
 * Same rules as the server, plus references to remote lists we mirror (categories, setups...),
 * and no choice the server refused this account a write through (`choiceOffered`), unless the
 * record already has it (`current`).
 */
export async function validateFields(db: Db, connectionId: string, system: SystemId, kind: RecordKind, input: Fields, current: Fields = {}): Promise<Fields> {
  const profile = kindProfile(system, kind);
  const result = validateWith(profile.schema, input);
  if (!result.ok) throw new UserFacingError('validation', 'Some fields need attention.', result.errors);
  const errors: FieldErrors = {};
  for (const spec of profile.fields) {
    const list = pickListOf(spec);
    if (!list) continue;
    const value = result.fields[spec.name];
    if (value === undefined || value === null || value === '') continue;
    const found = await db
      .selectFrom('categories')
      .select(['remote_id', 'name', 'write_refused_at'])
      .where('connection_id', '=', connectionId)
      .where('source', '=', list.source)
      .where('remote_id', '=', String(value))
      .executeTakeFirst();
    if (!found) errors[spec.name] = [(list.invalid ?? '“{value}” is not among the choices last pulled from the server.').replace('{value}', String(value))];
    else if (!choiceOffered(profile.writeScopeField, spec.name, { remoteId: found.remote_id, name: found.name, writeRefused: found.write_refused_at !== null }, current[spec.name])) {
      errors[spec.name] = [`The server lets this account only read “${found.name}”; choose a ${spec.label.toLowerCase()} you may write to.`];
    }
  }
  if (Object.keys(errors).length > 0) throw new UserFacingError('validation', 'Some fields need attention.', errors);
  return result.fields;
}

/**
 * `createOnly` fields may change only while the record's create has not left the machine (the
 * change then merges into that create); a client-chosen remote key must stay unique.
 */
export async function checkCreateOnly(db: Db, rec: RecordRow, profile: KindProfile, current: Fields, next: Fields): Promise<void> {
  const fixed = profile.fields.filter((s) => s.createOnly && !sameValue(current[s.name], next[s.name]));
  if (fixed.length === 0) return;
  if (!(await stateOf(db, rec)).createOnlyOpen) {
    const errors = Object.fromEntries(fixed.map((s) => [s.name, [`${s.label} cannot be changed once the record has been sent to the server.`]]));
    throw new UserFacingError('validation', 'Some fields need attention.', errors);
  }
  await checkRemoteKeyFree(db, rec.connection_id, profile, next, rec.id);
}

/**
 * `uniqueFields`: a new or changed value must not be another record's of the connection and
 * kind. A rejected Add that was not resubmitted holds nothing on the server, so it does not count.
 */
export async function checkUnique(db: Db, connectionId: string, profile: KindProfile, fields: Fields, current: Fields | null, selfId: string | null): Promise<void> {
  const errors: FieldErrors = {};
  for (const [field, message] of Object.entries(profile.uniqueFields ?? {})) {
    const value = fields[field];
    if ((typeof value !== 'string' && typeof value !== 'number') || value === '') continue;
    if (current && sameValue(current[field], value)) continue;
    let q = db
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
export async function checkRemoteKeyFree(db: Db, connectionId: string, profile: KindProfile, fields: Fields, selfId: string | null): Promise<void> {
  const field = profile.remoteKeyField;
  const key = field ? fields[field] : undefined;
  if (!field || key === undefined || key === null || key === '') return;
  let q = db
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

/** A create that leaves a client-chosen remote key blank gets the profile's proposal (e.g. from the name). */
export function withProposedKey(profile: KindProfile, input: Fields): Fields {
  const field = profile.remoteKeyField;
  if (!field || !profile.proposeRemoteKey) return input;
  const given = input[field];
  if (given !== undefined && given !== null && String(given).trim() !== '') return input;
  return { ...input, [field]: profile.proposeRemoteKey(input) };
}
