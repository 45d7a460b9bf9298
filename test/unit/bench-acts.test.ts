import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { CalibrationReads } from '../../src-main/core/bench/calibration-reads';
import { parseSchedulesCsv, schedulesCsv } from '../../src-main/core/bench/schedules-csv';
import { ConnectionStore } from '../../src-main/core/connections/connection-store';
import { openDatabase, type OpenedDatabase } from '../../src-main/core/db/database';
import { Mirror } from '../../src-main/core/mirror/mirror';
import { OutboxQueries } from '../../src-main/core/outbox/outbox-queries';
import { RecordQueries } from '../../src-main/core/records/record-queries';
import { fileModeOnlyCipher, SecretStore } from '../../src-main/core/secrets/secret-store';
import { UserFacingError } from '../../src-main/core/errors';
import { tempDir } from '../integration/harness';

/** Bench acts and schedules through the mirror on a real SQLite file (docs/calibration.md). */
let dir: ReturnType<typeof tempDir>;
let opened: OpenedDatabase;
let mirror: Mirror;
let outbox: OutboxQueries;
let queries: RecordQueries;
let reads: CalibrationReads;
let now: number;
let cannlytics: string;
let catalog: string;
let brainstem: string;

const DAY = 86_400_000;

async function idOf(connectionId: string, remoteId: string): Promise<string> {
  const r = await opened.db.selectFrom('records').select('id').where('connection_id', '=', connectionId).where('remote_id', '=', remoteId).executeTakeFirstOrThrow();
  return r.id;
}

async function refusal(p: Promise<unknown>): Promise<UserFacingError> {
  const e = await p.then(
    () => null,
    (error: unknown) => error,
  );
  expect(e).toBeInstanceOf(UserFacingError);
  return e as UserFacingError;
}

beforeEach(async () => {
  dir = tempDir('benchsync-bench-');
  opened = await openDatabase(join(dir.path, 'benchsync.sqlite'));
  const connections = new ConnectionStore(opened.db, new SecretStore(join(dir.path, 'secrets.json'), fileModeOnlyCipher));
  mirror = new Mirror(opened.db, connections, { osUser: 'tech1', accountOf: () => null });
  outbox = new OutboxQueries(opened.db);
  queries = new RecordQueries(opened.db);
  now = Date.parse('2024-06-01T12:00:00Z');
  reads = new CalibrationReads(opened.db, () => now);
  cannlytics = (await connections.save({ system: 'cannlytics', name: 'LIMS', baseUrl: 'http://127.0.0.1:9/api', settings: { organizationId: 'test-company' }, apiKey: 'k' })).id;
  catalog = (await connections.save({ system: 'catalog', name: 'Catalog', baseUrl: 'http://127.0.0.1:9/api', settings: {}, apiKey: 'k' })).id;
  brainstem = (await connections.save({ system: 'brainstem', name: 'Lab', baseUrl: 'http://127.0.0.1:9', settings: {}, apiKey: 'k' })).id;
  await mirror.applyPulledPage(cannlytics, 1, [
    { kind: 'instrument', remoteId: 'hplc-1', editable: true, fields: { instrument_id: 'hplc-1', name: 'HPLC 1', area_name: 'Lab A', calibrated_at: '2023-01-10', calibrated_by: 'kim' } },
  ]);
  await mirror.applyPickList(catalog, 'categories', [{ remoteId: '1', name: 'Microscopes', description: '' }]);
  await mirror.applyPulledPage(catalog, 1, [
    { kind: 'instrument', remoteId: '7', editable: true, fields: { name: 'Scope', description: '', image: null, category_id: 1, alternate_names: [] } },
  ]);
  await mirror.applyPickList(brainstem, 'setups', [
    { remoteId: '1', name: 'Rig 1', description: '' },
    { remoteId: '2', name: 'Cleanroom 2', description: '' },
  ]);
  await mirror.applyPulledPage(brainstem, 1, [
    {
      kind: 'equipment',
      remoteId: '40',
      editable: true,
      fields: { name: 'Laser', type: 'Amplifier', notes: '', setup: '1', date_time: null, consumable: null, hardwaredevice: null, details: {}, coordinates_system: 'External_XYZ_Absolute', coordinates_details: {} },
    },
  ]);
});

afterEach(async () => {
  await opened.close();
  dir.remove();
});

describe('bench acts', () => {
  it('Record calibration on a Cannlytics instrument is one queued edit of calibrated_at and calibrated_by, logged', async () => {
    const id = await idOf(cannlytics, 'hplc-1');
    const done = await mirror.benchAct({ recordId: id, act: 'calibrate', at: '2024-06-01T09:30:00Z' });
    expect(done.how).toBe('edit');
    expect(done.message).toBe('Calibration recorded (queued for Cannlytics LIMS).');
    const ops = await outbox.list(cannlytics);
    expect(ops.map((o) => [o.type, o.state, o.payload])).toEqual([['update', 'queued', { calibrated_at: '2024-06-01', calibrated_by: 'tech1' }]]);
    expect((await queries.get(id)).fields).toMatchObject({ calibrated_at: '2024-06-01', calibrated_by: 'tech1' });
    // The history says it was a bench act, carried by that op.
    const history = await opened.db.selectFrom('history').selectAll().where('record_id', '=', id).where('event', '=', 'field').execute();
    expect(history.map((h) => [h.field, h.source, h.op_id])).toEqual([
      ['calibrated_at', 'bench_act', ops[0]!.id],
      ['calibrated_by', 'bench_act', ops[0]!.id],
    ]);
  });

  it('undo of an unsent act leaves nothing queued and the record as it was', async () => {
    const id = await idOf(cannlytics, 'hplc-1');
    const done = await mirror.benchAct({ recordId: id, act: 'calibrate' });
    const undo = await mirror.undoBenchAct(done.actId);
    expect(undo.undone).toBe(true);
    expect(await outbox.list(cannlytics)).toEqual([]);
    const rec = await queries.get(id);
    expect(rec.fields).toMatchObject({ calibrated_at: '2023-01-10', calibrated_by: 'kim' });
    expect(rec.status).toBe('synced');
    // Both entries stay in the log; a second undo changes nothing.
    expect((await opened.db.selectFrom('bench_log').select(['act', 'undoes']).orderBy('id').execute())).toEqual([
      { act: 'calibrate', undoes: null },
      { act: 'undo', undoes: done.actId },
    ]);
    expect((await mirror.undoBenchAct(done.actId)).undone).toBe(false);
  });

  it('undo of an act merged into a queued edit puts that op back exactly as it was', async () => {
    const id = await idOf(cannlytics, 'hplc-1');
    await mirror.edits.update(id, { calibrated_by: 'lee', vendor: 'Agilent' });
    const done = await mirror.benchAct({ recordId: id, act: 'calibrate', at: '2024-06-01T09:30:00Z' });
    expect((await outbox.list(cannlytics)).map((o) => o.payload)).toEqual([{ calibrated_by: 'tech1', vendor: 'Agilent', calibrated_at: '2024-06-01' }]);
    await mirror.undoBenchAct(done.actId);
    const ops = await outbox.list(cannlytics);
    expect(ops.map((o) => [o.payload, o.base])).toEqual([[{ calibrated_by: 'lee', vendor: 'Agilent' }, { calibrated_by: 'kim', vendor: null }]]);
    expect((await queries.get(id)).fields).toMatchObject({ calibrated_at: '2023-01-10', calibrated_by: 'lee', vendor: 'Agilent' });
  });

  it('undo of a sent act is a new queued edit back to the values before; a field changed since is not overwritten', async () => {
    const id = await idOf(cannlytics, 'hplc-1');
    const done = await mirror.benchAct({ recordId: id, act: 'move', place: 'Lab B' });
    const [op] = await outbox.nextReady(cannlytics, Date.now(), 10);
    await mirror.claim(new Map([[op!.id, await outbox.sendSnapshot(op!)]]));
    await mirror.acknowledge(op!.id, { type: 'saved', remoteId: 'hplc-1', fields: { instrument_id: 'hplc-1', name: 'HPLC 1', area_name: 'Lab B', calibrated_at: '2023-01-10', calibrated_by: 'kim' } });
    expect(await outbox.list(cannlytics)).toEqual([]);
    await mirror.undoBenchAct(done.actId);
    expect((await outbox.list(cannlytics)).map((o) => o.payload)).toEqual([{ area_name: 'Lab A' }]);

    const again = await mirror.benchAct({ recordId: id, act: 'move', place: 'Lab C' });
    await mirror.edits.update(id, { area_name: 'Lab D' });
    const e = await refusal(mirror.undoBenchAct(again.actId));
    expect(e.code).toBe('conflict');
    expect((await queries.get(id)).fields.area_name).toBe('Lab D');
  });

  it('moves a BrainSTEM item by setup name; an unknown or refused setup is refused and changes nothing', async () => {
    const id = await idOf(brainstem, '40');
    const done = await mirror.benchAct({ recordId: id, act: 'move', place: 'cleanroom 2' });
    expect(done).toMatchObject({ how: 'edit', message: 'Moved to cleanroom 2 (queued for BrainSTEM).' });
    expect((await outbox.list(brainstem)).map((o) => o.payload)).toEqual([{ setup: '2' }]);
    expect((await refusal(mirror.benchAct({ recordId: id, act: 'move', place: 'Nowhere' }))).code).toBe('not_found');
    await opened.db.updateTable('categories').set({ write_refused_at: '2024-01-01T00:00:00Z' }).where('connection_id', '=', brainstem).where('remote_id', '=', '1').execute();
    expect((await refusal(mirror.benchAct({ recordId: id, act: 'move', place: 'Rig 1' }))).code).toBe('read_only');
    expect(await opened.db.selectFrom('bench_log').select('id').execute()).toHaveLength(1);
  });

  it('acts the remote has no field for are bench log entries; their undo appends an entry', async () => {
    const id = await idOf(catalog, '7');
    const done = await mirror.benchAct({ recordId: id, act: 'out_of_service', note: 'lamp broken', sessionId: 's1' });
    expect(done.how).toBe('log');
    expect(done.message).toBe("Marked out of service (kept in BenchSync's bench log: Instrument Catalog has no field for it).");
    expect(await outbox.list(catalog)).toEqual([]);
    await mirror.undoBenchAct(done.actId);
    const log = await opened.db.selectFrom('bench_log').select(['act', 'note', 'session_id', 'undoes', 'os_user']).orderBy('id').execute();
    expect(log).toEqual([
      { act: 'out_of_service', note: 'lamp broken', session_id: 's1', undoes: null, os_user: 'tech1' },
      { act: 'undo', note: null, session_id: 's1', undoes: done.actId, os_user: 'tech1' },
    ]);
    // The log is append-only.
    await expect(opened.db.deleteFrom('bench_log').execute()).rejects.toThrow(/append-only/);
  });

  it('refuses bad requests and read-only records with plain words, and changes nothing', async () => {
    const id = await idOf(cannlytics, 'hplc-1');
    expect((await refusal(mirror.benchAct({ recordId: id, act: 'move' }))).code).toBe('invalid_request');
    expect((await refusal(mirror.benchAct({ recordId: id, act: 'calibrate', place: 'Lab A' }))).code).toBe('invalid_request');
    expect((await refusal(mirror.benchAct({ recordId: 'gone', act: 'verify_present' }))).code).toBe('not_found');
    await opened.db.updateTable('records').set({ editable: 0 }).where('id', '=', id).execute();
    const e = await refusal(mirror.benchAct({ recordId: id, act: 'calibrate' }));
    expect(e.code).toBe('read_only');
    expect(await opened.db.selectFrom('bench_log').select('id').execute()).toEqual([]);
    expect(await outbox.list(cannlytics)).toEqual([]);
  });
});

describe('schedules and the board', () => {
  it('a Cannlytics instrument keeps its schedules on the record (a queued edit); calibrated_at drives calibration', async () => {
    const id = await idOf(cannlytics, 'hplc-1');
    await mirror.setSchedules(id, [
      { name: 'calibration', intervalDays: 365, warningDays: 30 },
      { name: 'maintenance', intervalDays: 90, warningDays: 7 },
    ]);
    const [op] = await outbox.list(cannlytics);
    expect(op!.payload.maintenance_schedules).toEqual([
      expect.objectContaining({ name: 'calibration', interval_days: 365, warning_days: 30 }),
      expect.objectContaining({ name: 'maintenance', interval_days: 90, warning_days: 7 }),
    ]);
    let s = await reads.schedules(id);
    expect(s.lives).toBe('remote');
    expect(s.schedules.map((x) => [x.name, x.status, x.lastDoneFrom, x.nextDueAt])).toEqual([
      ['calibration', 'overdue', 'remote', '2024-01-10T00:00:00.000Z'],
      ['maintenance', 'never', 'none', null],
    ]);
    expect(s.worst).toBe('overdue');
    await mirror.benchAct({ recordId: id, act: 'calibrate', at: new Date(now).toISOString() });
    await mirror.benchAct({ recordId: id, act: 'calibrate', schedule: 'maintenance', at: new Date(now - 85 * DAY).toISOString() });
    s = await reads.schedules(id);
    expect(s.schedules.map((x) => [x.name, x.status, x.lastDoneFrom])).toEqual([
      ['calibration', 'ok', 'remote'],
      ['maintenance', 'due_soon', 'log'],
    ]);
    const board = await reads.board({});
    expect(board.map((r) => [r.schedule, r.status, r.location, r.lives])).toEqual([
      ['calibration', 'ok', 'Lab A', 'remote'],
      ['maintenance', 'due_soon', 'Lab A', 'remote'],
    ]);
  });

  it('elsewhere schedules live in the mirror; the board filters by connection and location', async () => {
    const scope = await idOf(catalog, '7');
    const laser = await idOf(brainstem, '40');
    await mirror.setSchedules(scope, [{ name: 'Electrical check', intervalDays: 365, warningDays: 30 }]);
    await mirror.setSchedules(laser, [{ name: 'calibration', intervalDays: 30, warningDays: 5 }]);
    expect(await outbox.list()).toEqual([]);
    expect((await reads.schedules(scope)).lives).toBe('local');
    await mirror.benchAct({ recordId: laser, act: 'calibrate', at: new Date(now - 10 * DAY).toISOString() });
    await mirror.benchAct({ recordId: scope, act: 'move', place: 'Bench 3' });
    const board = await reads.board({});
    expect(board.map((r) => [r.title, r.schedule, r.status, r.location]).sort()).toEqual([
      ['Laser', 'calibration', 'ok', 'Rig 1'],
      ['Scope', 'Electrical check', 'never', 'Bench 3'],
    ]);
    expect((await reads.board({ connectionId: brainstem })).map((r) => r.title)).toEqual(['Laser']);
    expect((await reads.board({ location: 'bench 3' })).map((r) => r.title)).toEqual(['Scope']);
    // Removing one schedule keeps the others.
    await mirror.setSchedules(scope, []);
    expect((await reads.board({})).map((r) => r.title)).toEqual(['Laser']);
  });

  it('bench.places lists BrainSTEM setups, Cannlytics areas and places used before', async () => {
    const scope = await idOf(catalog, '7');
    await mirror.benchAct({ recordId: scope, act: 'verify_present', place: 'Bench 3' });
    expect(await reads.places()).toEqual([
      { name: 'Bench 3', systems: ['catalog'] },
      { name: 'Cleanroom 2', systems: ['brainstem'] },
      { name: 'Lab A', systems: ['cannlytics'] },
      { name: 'Rig 1', systems: ['brainstem'] },
    ]);
  });
});

describe('schedules as CSV', () => {
  it('export then import on another bench matches records by system and remote id, and sets exactly those schedules', async () => {
    const scope = await idOf(catalog, '7');
    const hplc = await idOf(cannlytics, 'hplc-1');
    await mirror.setSchedules(scope, [
      { name: '=Electrical check', intervalDays: 365, warningDays: 30 },
      { name: 'maintenance', intervalDays: 90, warningDays: 7 },
    ]);
    await mirror.setSchedules(hplc, [{ name: 'calibration', intervalDays: 180, warningDays: 14 }]);
    const { csv, rows } = await schedulesCsv(reads);
    expect(rows).toBe(3);
    // The formula guard is on in the file and off again when read.
    expect(csv).toContain("'=Electrical check");

    // "Another bench": the same records under other local ids, no schedules yet.
    const other = csv.replaceAll(scope, 'not-here').replaceAll(hplc, 'not-here-either');
    await mirror.setSchedules(scope, [{ name: 'old', intervalDays: 10, warningDays: 1 }]);
    await mirror.setSchedules(hplc, []);
    const sets = await parseSchedulesCsv(opened.db, other);
    await mirror.setScheduleSets(sets);
    expect((await reads.schedules(scope)).schedules.map((s) => [s.name, s.intervalDays, s.warningDays])).toEqual([
      ['=Electrical check', 365, 30],
      ['maintenance', 90, 7],
    ]);
    // The Cannlytics one travels as a queued edit of the remote record.
    expect((await reads.schedules(hplc)).schedules.map((s) => s.name)).toEqual(['calibration']);
    expect((await outbox.list(cannlytics)).at(-1)!.payload.maintenance_schedules).toEqual([expect.objectContaining({ name: 'calibration', interval_days: 180 })]);
  });

  it('a bad row is an error naming it, and nothing changes', async () => {
    const scope = await idOf(catalog, '7');
    await mirror.setSchedules(scope, [{ name: 'keep', intervalDays: 10, warningDays: 1 }]);
    const head = 'record_id,system,remote_id,schedule,interval_days,warning_days\r\n';
    const cases: [string, RegExp][] = [
      [`${head}${scope},catalog,7,a,30,3\r\n,catalog,999,b,30,3\r\n`, /^Row 3: no catalog record with remote id “999”/],
      [`${head}${scope},catalog,7,a,30,31\r\n`, /^Row 2: warningDays: The warning window cannot be longer than the interval\./],
      [`${head}${scope},catalog,7,a,thirty,3\r\n`, /^Row 2: interval_days must be a whole number/],
      [`${head}${scope},catalog,7,a,30,3\r\n${scope},catalog,7,A,60,3\r\n`, /^Row 3: the schedule “A” of this record is already given in row 2/],
      ['schedule,interval_days\r\nx,1\r\n', /lacks the columns warning_days, record_id/],
      [`${head}"${scope},catalog\r\n`, /cannot be read/],
    ];
    for (const [text, message] of cases) {
      const e = await refusal(parseSchedulesCsv(opened.db, text));
      expect(e.code).toBe('validation');
      expect(e.message).toMatch(message);
      expect(e.message).toContain('Nothing was imported.');
    }
    // A row the mirror refuses (a read-only Cannlytics record) rolls back the rows before it.
    const hplc = await idOf(cannlytics, 'hplc-1');
    await opened.db.updateTable('records').set({ editable: 0 }).where('id', '=', hplc).execute();
    const sets = await parseSchedulesCsv(opened.db, `${head}${scope},catalog,7,new,30,3\r\n${hplc},cannlytics,hplc-1,calibration,30,3\r\n`);
    const e = await refusal(mirror.setScheduleSets(sets));
    expect(e.message).toMatch(/^Row 3: .*Nothing was imported\.$/);
    expect((await reads.schedules(scope)).schedules.map((s) => s.name)).toEqual(['keep']);
  });
});
