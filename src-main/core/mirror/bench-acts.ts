import { sql } from 'kysely';
import { actFieldsOf, actPatch, BENCH_ACT_LABELS, type BenchAct } from '../../../src-shared/domain/bench-acts';
import { sameValue } from '../../../src-shared/domain/field-diff';
import type { Fields, RecordKind, SystemId } from '../../../src-shared/domain/record-kinds';
import { canMergeInto } from '../../../src-shared/domain/record-state';
import { systemProfile } from '../../../src-shared/domain/remotes';
import { UserFacingError } from '../errors';
import { nowIso, parseFields } from '../json';
import { prepareUpdate, writeUpdate } from './local-edits';
import { type Db, rebuildFromOutbox } from './rows';
import { calibrationScheduleOf } from './schedules';
import type { WriteScope } from './write-scope';

/** A bench act as the mirror takes it (the contract's `bench.act`, checked). */
export interface BenchActInput {
  recordId: string;
  act: BenchAct;
  place?: string;
  schedule?: string;
  at?: string;
  sessionId?: string;
  note?: string;
}

export interface BenchActDone {
  actId: number;
  how: 'edit' | 'log';
  recordId: string;
  message: string;
}

/** The record's last op as it was before an act merged into it (or null: the act made a new op). */
interface OpBefore {
  id: number;
  payload: Fields;
  base: Fields;
}

const placeWanted = (act: BenchAct) => act === 'move' || act === 'verify_present';

/**
 * Resolves a move's place to the value its field stores: a BrainSTEM setup's id by its name (a
 * setup the server refused this account writing to is refused here), the name itself elsewhere.
 */
async function placeValue(db: Db, connectionId: string, system: SystemId, kind: RecordKind, place: string): Promise<string | undefined> {
  const move = actFieldsOf(system, kind).move;
  if (!move) return undefined;
  if (!move.byName) return place;
  const found = await db
    .selectFrom('categories')
    .select(['remote_id', 'name', 'write_refused_at'])
    .where('connection_id', '=', connectionId)
    .where('source', '=', move.byName.source)
    .where(sql<boolean>`lower(trim(name)) = lower(trim(${place}))`)
    .execute();
  const label = systemProfile(system).label;
  if (found.length === 0) throw new UserFacingError('not_found', `${label} has no setup “${place}” (as last refreshed); choose one of the places listed.`);
  if (found.length > 1) throw new UserFacingError('conflict', `${label} has ${found.length} setups named “${place}”; move it in the record's form, where they are told apart.`);
  if (found[0]!.write_refused_at) {
    throw new UserFacingError('read_only', `${label} refused this account writing to setup “${found[0]!.name}” (you are not a contributor of it), so nothing was moved there.`);
  }
  return found[0]!.remote_id;
}

function describeAct(input: BenchActInput, schedule: string): string {
  switch (input.act) {
    case 'move':
      return `Moved to ${input.place}`;
    case 'calibrate':
      return schedule.toLowerCase() === 'calibration' ? 'Calibration recorded' : `${schedule} recorded as done`;
    case 'verify_present':
      return input.place ? `Verified present at ${input.place}` : 'Verified present';
    case 'out_of_service':
      return 'Marked out of service';
  }
}

/**
 * One bench act in the write's transaction: an ordinary queued edit of the record where its
 * remote has a field for the act (so coalescing, history and the outbox all apply), else an
 * entry of the bench log only. Every act gets a log entry; its id is the act's id.
 */
export async function writeBenchAct(s: WriteScope, input: BenchActInput, osUser: string): Promise<BenchActDone> {
  const rec = await s.db.selectFrom('records').selectAll().where('id', '=', input.recordId).executeTakeFirst();
  if (!rec) throw new UserFacingError('not_found', 'That record no longer exists here.');
  if (rec.deleted === 1) throw new UserFacingError('conflict', `“${rec.title}” is deleted here; discard the delete first.`);
  if (input.act === 'move' && !input.place) throw new UserFacingError('invalid_request', 'Say where to move it to (a place).');
  if (input.place && !placeWanted(input.act)) throw new UserFacingError('invalid_request', `${BENCH_ACT_LABELS[input.act]} takes no place; only a move or a presence check does.`);
  if (input.schedule && input.act !== 'calibrate') throw new UserFacingError('invalid_request', `${BENCH_ACT_LABELS[input.act]} takes no schedule; only recording a calibration does.`);
  const system = await s.system(rec.connection_id);
  const kind = rec.kind as RecordKind;
  const at = input.at ? new Date(input.at).toISOString() : nowIso();
  const schedule = input.act === 'calibrate' ? (input.schedule ?? (await calibrationScheduleOf(s.db, system, rec))) : null;
  const value = input.act === 'move' ? await placeValue(s.db, rec.connection_id, system, kind, input.place!) : undefined;
  const patch = actPatch(system, kind, { act: input.act, placeValue: value, schedule: schedule ?? '', at, by: osUser });
  const what = describeAct(input, schedule ?? '');
  const label = systemProfile(system).label;
  const entry = {
    record_id: rec.id,
    connection_id: rec.connection_id,
    act: input.act,
    at,
    os_user: osUser,
    session_id: input.sessionId ?? null,
    place: input.place ?? null,
    schedule,
    note: input.note || null,
    created_at: nowIso(),
  };

  if (!patch) {
    s.note(rec.connection_id, [rec.id]);
    const message = `${what} (kept in BenchSync's bench log: ${label} has no field for it).`;
    const row = await s.db.insertInto('bench_log').values({ ...entry, how: 'log', message }).returning('id').executeTakeFirstOrThrow();
    return { actId: row.id, how: 'log', recordId: rec.id, message };
  }

  s.source = input.sessionId ? 'scan_session' : 'bench_act';
  s.reason = input.note || null;
  const last = await s.db.selectFrom('outbox').select(['id', 'payload', 'base', 'state']).where('record_id', '=', rec.id).orderBy('id', 'desc').limit(1).executeTakeFirst();
  const opBefore: OpBefore | null = last && canMergeInto(last.state) ? { id: last.id, payload: parseFields(last.payload), base: parseFields(last.base) } : null;
  const current = parseFields(rec.fields);
  // Refuses what `recordState` forbids (read-only, conflict, awaiting a decision) and what the remote's rules refuse.
  const update = await prepareUpdate(s.db, (c) => s.system(c), rec.id, patch);
  const changed = await writeUpdate(s, update);
  const before = Object.fromEntries(Object.keys(patch).map((k) => [k, current[k] ?? null]));
  const after = Object.fromEntries(Object.keys(patch).map((k) => [k, update.fields[k] ?? null]));
  const op = changed ? await s.db.selectFrom('outbox').select('id').where('record_id', '=', rec.id).orderBy('id', 'desc').limit(1).executeTakeFirst() : undefined;
  const message = changed ? `${what} (queued for ${label}).` : `${what}: the record already says so, nothing to send to ${label}.`;
  const row = await s.db
    .insertInto('bench_log')
    .values({
      ...entry,
      how: 'edit',
      op_id: op?.id ?? null,
      before: JSON.stringify(before),
      after: JSON.stringify(after),
      op_before: opBefore && opBefore.id === op?.id ? JSON.stringify(opBefore) : null,
      message,
    })
    .returning('id')
    .executeTakeFirstOrThrow();
  return { actId: row.id, how: 'edit', recordId: rec.id, message };
}

export interface UndoDone {
  undone: boolean;
  message: string;
  connectionId: string | null;
}

/**
 * Undoes one act. A log act gets an "undone" entry (the log is append-only). An edit act is
 * reverted exactly: while its op has not left the machine, the op goes back to what it was
 * before the act (an op the act made, with nothing else in it, goes away); once sent, a new
 * queued edit puts the act's fields back. A field changed since the act is not overwritten.
 */
export async function undoBenchAct(s: WriteScope, actId: number, osUser: string): Promise<UndoDone> {
  const act = await s.db.selectFrom('bench_log').selectAll().where('id', '=', actId).executeTakeFirst();
  if (!act) throw new UserFacingError('not_found', 'There is no such bench act.');
  if (act.act === 'undo') throw new UserFacingError('invalid_request', 'That entry is an undo itself; it cannot be undone.');
  const done = await s.db.selectFrom('bench_log').select('id').where('undoes', '=', actId).executeTakeFirst();
  if (done) return { undone: false, message: 'That act was already undone.', connectionId: null };

  const undoEntry = async (message: string) => {
    await s.db
      .insertInto('bench_log')
      .values({
        record_id: act.record_id,
        connection_id: act.connection_id,
        act: 'undo',
        at: nowIso(),
        os_user: osUser,
        session_id: act.session_id,
        place: null,
        schedule: act.schedule,
        note: null,
        how: act.how,
        undoes: act.id,
        message,
        created_at: nowIso(),
      })
      .execute();
  };
  const rec = await s.db.selectFrom('records').selectAll().where('id', '=', act.record_id).executeTakeFirst();
  if (act.how === 'log' || act.op_id === null) {
    const message = `Undone: ${act.message.replace(/\.$/, '')}.`;
    await undoEntry(message);
    if (rec) s.note(rec.connection_id, [rec.id]);
    return { undone: true, message, connectionId: act.connection_id };
  }
  if (!rec) throw new UserFacingError('not_found', 'That record no longer exists here, so the act cannot be undone.');

  const before = parseFields(act.before);
  const after = parseFields(act.after);
  const current = parseFields(rec.fields);
  const moved = Object.keys(after).filter((k) => !sameValue(current[k] ?? null, after[k]));
  if (moved.length > 0) {
    throw new UserFacingError('conflict', `“${rec.title}” was changed after this act (${moved.join(', ')}); nothing was undone. Edit the record instead.`);
  }
  s.source = act.session_id ? 'scan_session' : 'bench_act';
  s.reason = `Undo of bench act ${act.id}`;
  const system = await s.system(rec.connection_id);
  const label = systemProfile(system).label;
  const op = await s.db.selectFrom('outbox').selectAll().where('id', '=', act.op_id).executeTakeFirst();
  const later = op ? await s.db.selectFrom('outbox').select('id').where('record_id', '=', rec.id).where('id', '>', op.id).executeTakeFirst() : undefined;
  let message: string;
  if (op && canMergeInto(op.state) && !later) {
    // Not sent yet: the op goes back to what it was before the act.
    const opBefore = act.op_before ? (JSON.parse(act.op_before) as OpBefore) : null;
    const payload = parseFields(op.payload);
    const base = parseFields(op.base);
    for (const k of Object.keys(after)) {
      if (opBefore && k in opBefore.payload) {
        payload[k] = opBefore.payload[k];
        if (k in opBefore.base) base[k] = opBefore.base[k];
      } else {
        delete payload[k];
        delete base[k];
      }
    }
    if (op.type === 'update' && Object.keys(payload).length === 0) await s.db.deleteFrom('outbox').where('id', '=', op.id).execute();
    else await s.db.updateTable('outbox').set({ payload: JSON.stringify(payload), base: JSON.stringify(base), updated_at: nowIso() }).where('id', '=', op.id).execute();
    s.touch(rec.connection_id, rec.id);
    await rebuildFromOutbox(s.db, system, rec.id);
    message = `Undone before it was sent: ${act.message.replace(/ \(queued for .*\)\.$/, '').replace(/\.$/, '')}.`;
  } else {
    // It left the machine (or may have): a new edit puts the fields back as they were.
    const update = await prepareUpdate(s.db, (c) => s.system(c), rec.id, before);
    await writeUpdate(s, update);
    message = `Undone: the change is put back (queued for ${label}).`;
  }
  await undoEntry(message);
  return { undone: true, message, connectionId: rec.connection_id };
}
