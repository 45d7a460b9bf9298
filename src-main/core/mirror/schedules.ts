import { schedulesLiveOnRemote } from '../../../src-shared/domain/bench-acts';
import { CALIBRATION_SCHEDULE, readRemoteSchedules, REMOTE_SCHEDULES_FIELD, remoteSchedulesFor, type ScheduleRule } from '../../../src-shared/domain/calibration';
import type { RecordKind, SystemId } from '../../../src-shared/domain/record-kinds';
import type { RecordsTable } from '../db/schema';
import { UserFacingError } from '../errors';
import { nowIso, parseFields } from '../json';
import { prepareUpdate, writeUpdate } from './local-edits';
import type { Db } from './rows';
import type { Selectable } from 'kysely';
import type { WriteScope } from './write-scope';

type Rec = Pick<Selectable<RecordsTable>, 'id' | 'kind' | 'fields'>;

/** The names of a record's schedules, wherever they live. */
async function scheduleNames(db: Db, system: SystemId, rec: Rec): Promise<string[]> {
  if (schedulesLiveOnRemote(system, rec.kind as RecordKind)) return readRemoteSchedules(parseFields(rec.fields)[REMOTE_SCHEDULES_FIELD]).schedules.map((s) => s.name);
  return (await db.selectFrom('maintenance_schedules').select('name').where('record_id', '=', rec.id).orderBy('id').execute()).map((r) => r.name);
}

/** The schedule a "Record calibration" without a schedule completes: the record's calibration schedule, else 'calibration'. */
export async function calibrationScheduleOf(db: Db, system: SystemId, rec: Rec): Promise<string> {
  const names = await scheduleNames(db, system, rec);
  return (
    names.find((n) => n.toLowerCase() === CALIBRATION_SCHEDULE) ??
    names.find((n) => n.toLowerCase().includes('calibrat')) ??
    CALIBRATION_SCHEDULE
  );
}

/**
 * Replaces a record's schedules. A Cannlytics instrument keeps them on its document: an ordinary
 * queued edit of its `maintenance_schedules` field (refused where `recordState` forbids edits).
 * Elsewhere they are BenchSync's own, kept in the mirror (also for records this account may only
 * read on the remote: the schedule is the bench's, not the remote's).
 */
export async function writeSchedules(s: WriteScope, recordId: string, rules: readonly ScheduleRule[]): Promise<void> {
  const rec = await s.db.selectFrom('records').selectAll().where('id', '=', recordId).executeTakeFirst();
  if (!rec) throw new UserFacingError('not_found', 'That record no longer exists here.');
  if (rec.deleted === 1) throw new UserFacingError('conflict', `“${rec.title}” is deleted here; its schedules cannot change.`);
  const system = await s.system(rec.connection_id);
  const now = nowIso();
  if (schedulesLiveOnRemote(system, rec.kind as RecordKind)) {
    const fields = parseFields(rec.fields);
    const current = readRemoteSchedules(fields[REMOTE_SCHEDULES_FIELD]).schedules;
    if (rules.length === 0 && fields[REMOTE_SCHEDULES_FIELD] === undefined) return;
    const update = await prepareUpdate(s.db, (c) => s.system(c), recordId, { [REMOTE_SCHEDULES_FIELD]: remoteSchedulesFor(rules, current, now) });
    await writeUpdate(s, update);
    return;
  }
  const existing = await s.db.selectFrom('maintenance_schedules').selectAll().where('record_id', '=', recordId).execute();
  const wanted = new Map(rules.map((r) => [r.name.trim().toLowerCase(), r]));
  for (const old of existing) {
    const rule = wanted.get(old.name.toLowerCase());
    if (!rule) {
      await s.db.deleteFrom('maintenance_schedules').where('id', '=', old.id).execute();
    } else if (rule.name.trim() !== old.name || rule.intervalDays !== old.interval_days || rule.warningDays !== old.warning_days) {
      await s.db
        .updateTable('maintenance_schedules')
        .set({ name: rule.name.trim(), interval_days: rule.intervalDays, warning_days: rule.warningDays, updated_at: now })
        .where('id', '=', old.id)
        .execute();
    }
  }
  const have = new Set(existing.map((e) => e.name.toLowerCase()));
  for (const [key, rule] of wanted) {
    if (have.has(key)) continue;
    await s.db
      .insertInto('maintenance_schedules')
      .values({ record_id: recordId, name: rule.name.trim(), interval_days: rule.intervalDays, warning_days: rule.warningDays, created_at: now, updated_at: now })
      .execute();
  }
  s.note(rec.connection_id, [recordId]);
}

/** Several records' schedules at once (an import), each named by the rows it came from for errors. */
export async function writeScheduleSets(s: WriteScope, sets: readonly { recordId: string; rows: readonly number[]; rules: readonly ScheduleRule[] }[]): Promise<void> {
  for (const set of sets) {
    try {
      await writeSchedules(s, set.recordId, set.rules);
    } catch (error) {
      if (!(error instanceof UserFacingError)) throw error;
      const rows = set.rows.length === 1 ? `Row ${set.rows[0]}` : `Rows ${set.rows.join(', ')}`;
      throw new UserFacingError(error.code, `${rows}: ${error.message}${error.fieldErrors ? ` ${Object.values(error.fieldErrors).flat().join(' ')}` : ''} Nothing was imported.`);
    }
  }
}
