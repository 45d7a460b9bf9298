import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RunningEmulator } from '../sandbox/common/emulator-server';
import { startCannlyticsEmulator } from '../sandbox/cannlytics/cannlytics-emulator';
import { USERS } from '../sandbox/cannlytics/users';
import { startApp, tempDir, type TestApp, waitFor, waitForDrain } from './harness';

/**
 * Calibration against the Cannlytics emulator on loopback (docs/calibration.md): the schedules
 * live on the instrument document, "Record calibration" is a queued edit of `calibrated_at`, and
 * an undo before sending leaves nothing queued. One app and one emulator for the whole file.
 */
let emulator: RunningEmulator;
let app: TestApp;
let dir: ReturnType<typeof tempDir>;
let connectionId: string;
let org: string;

async function remoteDoc(key: string): Promise<Record<string, unknown>> {
  const res = await fetch(`${emulator.baseUrl}/instruments/${encodeURIComponent(key)}?organization_id=${org}`, { headers: { authorization: `Bearer ${USERS.owner.key}` } });
  return ((await res.json()) as { data: Record<string, unknown> }).data;
}
async function remotePost(body: unknown): Promise<void> {
  const res = await fetch(`${emulator.baseUrl}/instruments?organization_id=${org}`, {
    method: 'POST',
    headers: { authorization: `Bearer ${USERS.owner.key}`, 'content-type': 'application/json' },
    body: JSON.stringify(body),
  });
  expect(res.status).toBe(200);
}
const recordOf = async (key: string) => (await app.client.call('records.lookup', { code: key })).matches.find((m) => m.record.remoteId === key)!.record;
const boardRow = async (recordId: string, schedule: string) => (await app.client.call('calibration.board', {})).rows.find((r) => r.recordId === recordId && r.schedule === schedule);
const setPaused = (paused: boolean) => app.client.call('connections.setPaused', { id: connectionId, paused });

beforeAll(async () => {
  dir = tempDir();
  emulator = await startCannlyticsEmulator();
  org = emulator.extra.organizationId!;
  app = await startApp(dir.path);
  const c = await app.client.call('connections.save', { system: 'cannlytics', name: 'LIMS', baseUrl: emulator.baseUrl, settings: { organizationId: org }, apiKey: emulator.users.member! });
  connectionId = c.id;
  await waitFor('the first pull', async () => (await app.client.call('sync.status', {})).find((s) => s.connectionId === c.id)?.lastPullAt);
});

afterAll(async () => {
  await app.close();
  await emulator.close();
  dir.remove();
});

describe('calibration with Cannlytics', () => {
  it('schedules set here go to the instrument document; Record calibration pushes calibrated_at and the board turns green', async () => {
    const rec = await recordOf('UPLC-PDA-01');
    const before = await remoteDoc('UPLC-PDA-01');
    expect(before.calibrated_at).toBe('2023-07-27');
    const set = await app.client.call('calibration.setSchedules', {
      recordId: rec.id,
      schedules: [
        { name: 'calibration', intervalDays: 365, warningDays: 30 },
        { name: 'electrical check', intervalDays: 730, warningDays: 60 },
      ],
    });
    expect(set.lives).toBe('remote');
    expect(set.schedules.map((s) => [s.name, s.status])).toEqual([
      ['calibration', 'overdue'],
      ['electrical check', 'never'],
    ]);
    await waitForDrain(app, connectionId);
    expect((await remoteDoc('UPLC-PDA-01')).maintenance_schedules).toEqual([
      expect.objectContaining({ name: 'calibration', interval_days: 365, warning_days: 30 }),
      expect.objectContaining({ name: 'electrical check', interval_days: 730, warning_days: 60 }),
    ]);
    expect(await boardRow(rec.id, 'calibration')).toMatchObject({ status: 'overdue', lastDoneAt: '2023-07-27', location: 'Potency Lab', lives: 'remote' });

    const act = await app.client.call('bench.act', { recordId: rec.id, act: 'calibrate' });
    expect(act).toMatchObject({ how: 'edit', due: 'never', message: 'Calibration recorded (queued for Cannlytics LIMS).' });
    await waitForDrain(app, connectionId);
    const today = new Date().toISOString().slice(0, 10);
    const after = await remoteDoc('UPLC-PDA-01');
    expect(after.calibrated_at).toBe(today);
    expect(typeof after.calibrated_by).toBe('string');
    // The schedules the pull brings back are not lost, and nothing else of the document changed.
    expect(after).toMatchObject({ name: before.name, serial_number: before.serial_number, maintenance_schedules: expect.any(Array) });
    await app.client.call('sync.now', { connectionId });
    await waitForDrain(app, connectionId);
    expect(await boardRow(rec.id, 'calibration')).toMatchObject({ status: 'ok', lastDoneAt: today });
    expect((await app.client.call('calibration.schedules', { recordId: rec.id })).schedules).toHaveLength(2);
  });

  it('schedules another bench put on the document arrive with the pull', async () => {
    await remotePost([{ instrument_id: 'PCR-01', maintenance_schedules: [{ name: 'maintenance', interval_days: 90, warning_days: 10 }] }]);
    await app.client.call('sync.now', { connectionId });
    const rec = await recordOf('PCR-01');
    const s = await waitFor('the pulled schedule', async () => {
      const r = await app.client.call('calibration.schedules', { recordId: rec.id });
      return r.schedules.length > 0 ? r : undefined;
    });
    expect(s.schedules.map((x) => [x.name, x.intervalDays, x.status])).toEqual([['maintenance', 90, 'never']]);
  });

  it('undo of an act not sent yet leaves nothing queued; the remote never sees it', async () => {
    const rec = await recordOf('PIP-01');
    await setPaused(true);
    const act = await app.client.call('bench.act', { recordId: rec.id, act: 'move', place: 'Microbiology' });
    expect(act.how).toBe('edit');
    expect(await app.client.call('outbox.list', { connectionId })).toHaveLength(1);
    const undo = await app.client.call('bench.undo', { actId: act.actId });
    expect(undo.undone).toBe(true);
    expect(await app.client.call('outbox.list', { connectionId })).toEqual([]);
    await setPaused(false);
    await waitForDrain(app, connectionId);
    expect((await remoteDoc('PIP-01')).area_name).toBe((await app.client.call('records.get', { id: rec.id })).fields.area_name);
    // A log act on the same record: no op at all.
    const verify = await app.client.call('bench.act', { recordId: rec.id, act: 'verify_present', place: 'Potency Lab', sessionId: 'audit-1' });
    expect(verify.how).toBe('log');
    expect(await app.client.call('outbox.list', { connectionId })).toEqual([]);
    const places = (await app.client.call('bench.places', {})).places.map((p) => p.name);
    expect(places).toContain('Potency Lab');
  });
});
