import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import type { RunningEmulator } from '../sandbox/common/emulator-server';
import { startBrainstemEmulator } from '../sandbox/brainstem/brainstem-emulator';
import { FAST_SYNC, remoteGet, startApp, tempDir, type TestApp, waitFor, waitForDrain } from './harness';
import { tapHttp } from './http-tap';

/**
 * BrainSTEM equipment against the BrainSTEM emulator on loopback: real SQLite, real HTTP, the
 * connector's own limiter. The connector's requests are observed where they leave (./http-tap.ts).
 */
let emulator: RunningEmulator;
let app: TestApp;
let dir: ReturnType<typeof tempDir>;
let connectionId: string;
let sent: Array<{ method: string; url: URL; body: unknown }>;

const EQUIPMENT = '/api/private/modules/equipment/';
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

async function connect(role: 'member' | 'admin' | 'other' = 'member') {
  const c = await app.client.call('connections.save', { system: 'brainstem', name: 'BrainSTEM', baseUrl: emulator.baseUrl, settings: {}, apiKey: emulator.users[role]! });
  connectionId = c.id;
  await waitFor('the first pull', async () => (await app.client.call('sync.status', {}))[0]?.lastPullAt);
}

/** Every equipment row the user can see, straight from the emulator (paged like any client). */
async function remoteEquipment(role = 'member'): Promise<any[]> {
  const out: any[] = [];
  for (let offset = 0; ; offset += 100) {
    const page = await remoteGet(emulator.baseUrl, `${EQUIPMENT}?limit=100&offset=${offset}`, emulator.users[role]!);
    out.push(...page.equipment);
    if (!page.next) return out;
  }
}
const remoteOne = async (id: string, role = 'member') => (await remoteGet(emulator.baseUrl, `${EQUIPMENT}${id}/`, emulator.users[role]!)).equipment;
const setups = async () => (await remoteGet(emulator.baseUrl, '/api/private/personal_attributes/setup/?limit=100', emulator.users.member!)).setups as any[];
const setupId = async (name: string) => (await setups()).find((s) => s.name.startsWith(name))!.id as string;
const list = async () => (await app.client.call('records.list', { kind: 'equipment', limit: 500 })).items;
const byTitle = async (title: string) => (await list()).find((r) => r.title === title)!;

function write(method: 'PATCH' | 'POST', path: string, role: string, body: object) {
  return fetch(`${emulator.baseUrl}${path}`, {
    method,
    headers: { authorization: `Bearer ${emulator.users[role]}`, 'content-type': 'application/json' },
    body: JSON.stringify(body),
  });
}

function watchRequests() {
  sent = [];
  tapHttp(({ method, url, body }) => {
    if (url.pathname.startsWith('/api/')) sent.push({ method, url, body: body === undefined ? undefined : JSON.parse(body) });
  });
}

const rigFields = (setup: string) => ({
  name: 'Pupil camera (rig 3)',
  type: 'Camera',
  setup,
  coordinates_system: 'External_XYZ_Absolute',
  coordinates_details: { x: 0.55, y: 0.2, z: 0.88, zAngle: 35 },
  notes: 'FLIR Blackfly S, 100 fps',
  date_time: '2026-11-25T09:30:00+01:00',
});

beforeEach(async () => {
  dir = tempDir();
  emulator = await startBrainstemEmulator({});
  app = await startApp(dir.path);
});

afterEach(async () => {
  vi.restoreAllMocks();
  await app.close();
  await emulator.close();
  dir.remove();
});

describe('brainstem equipment: pull', () => {
  it('pulls 250+ records page by page (100 per request), applying each page before asking for the next', async () => {
    await emulator.close();
    emulator = await startBrainstemEmulator({ records: 250 });
    const remote = await remoteEquipment();
    expect(remote.length).toBeGreaterThan(250);
    const pages: Array<{ offset: string | null; limit: string | null; localBefore: number }> = [];
    tapHttp(async ({ method, url }) => {
      if (url.pathname === EQUIPMENT && method === 'GET') {
        pages.push({ offset: url.searchParams.get('offset'), limit: url.searchParams.get('limit'), localBefore: (await app.client.call('records.list', { kind: 'equipment', limit: 1 })).total });
      }
    });
    await connect();

    const expectedPages = Math.ceil(remote.length / 100);
    expect(pages).toHaveLength(expectedPages);
    expect(pages.map((p) => p.offset)).toEqual(Array.from({ length: expectedPages }, (_, i) => String(i * 100)));
    expect(pages.every((p) => p.limit === '100')).toBe(true);
    // Page k is requested only after pages 0..k-1 are in the mirror.
    expect(pages.map((p) => p.localBefore)).toEqual(Array.from({ length: expectedPages }, (_, i) => i * 100));

    const local = await list();
    expect(local).toHaveLength(remote.length);
    expect(local.map((r) => r.remoteId).sort()).toEqual(remote.map((e) => e.id).sort());
    expect(local.every((r) => r.kind === 'equipment' && r.status === 'synced' && r.editable)).toBe(true);
    const sample = remote.find((e) => e.name.endsWith('#125'))!;
    const rec = await app.client.call('records.get', { id: local.find((r) => r.remoteId === sample.id)!.id });
    const { id, type_schema_version, coordinates_schema_version, ...fields } = sample;
    expect(rec.fields).toEqual(fields);
    expect(rec.title).toBe(sample.name);
    // The type in words, e.g. TwoPhotonMicroscope -> "Two photon microscope", so searching "microscope" finds it.
    expect(rec.subtitle.replace(/ /g, '').toLowerCase()).toBe(sample.type.toLowerCase());
  });

  it('pulls the setups the token can see, for the setup picker', async () => {
    await connect('other');
    const picker = await app.client.call('categories.list', { connectionId, source: 'setups' });
    const visible = (await remoteGet(emulator.baseUrl, '/api/private/personal_attributes/setup/?limit=100', emulator.users.other!)).setups as any[];
    expect(visible.length).toBeLessThan((await setups()).length); // `other` cannot see the surgery room
    expect(picker.map((s) => s.remoteId).sort()).toEqual(visible.map((s) => s.id).sort());
    expect(picker.find((s) => s.remoteId === visible[0].id)!.name).toBe(visible[0].name);
    // Setups are their own list, not categories.
    expect(await app.client.call('categories.list', { connectionId })).toEqual([]);
  });
});

describe('brainstem equipment: local edits reach the server', () => {
  it('a record created offline is sent when the server is back, and gets the server’s UUID', async () => {
    await connect();
    const setup = await setupId('Ephys Rig 2');
    emulator.faults.set({ offline: true });
    const created = await app.client.call('records.create', { connectionId, kind: 'equipment', fields: rigFields(setup) });
    expect(created.status).toBe('pending');
    expect(created.remoteId).toBeNull();
    // Normalised as the server will store it.
    expect(created.fields.date_time).toBe('2026-11-25T08:30:00Z');
    await waitFor('offline', async () => (await app.client.call('sync.status', {}))[0]!.state === 'offline');

    emulator.faults.set({ offline: false });
    await app.client.call('sync.now', { connectionId });
    await waitForDrain(app, connectionId);
    const made = (await remoteEquipment()).filter((e) => e.name === 'Pupil camera (rig 3)');
    expect(made).toHaveLength(1);
    expect(made[0]).toMatchObject({ type: 'Camera', setup, notes: 'FLIR Blackfly S, 100 fps', date_time: '2026-11-25T08:30:00Z', details: {} });
    expect(made[0].coordinates_details).toEqual({ x: 0.55, y: 0.2, z: 0.88, zAngle: 35 });
    const rec = await app.client.call('records.get', { id: created.id });
    expect(rec.remoteId).toBe(made[0].id);
    expect(rec.remoteId).toMatch(UUID);
    expect(rec.status).toBe('synced');
  });

  it('a delete is sent as DELETE (204) and the record is gone on both sides', async () => {
    await connect();
    watchRequests();
    const doomed = await byTitle('Tektronix TBS2104 oscilloscope');
    await app.client.call('records.delete', { id: doomed.id, reason: 'No longer in the lab' });
    await waitForDrain(app, connectionId);
    expect(sent.filter((r) => r.method === 'DELETE').map((r) => r.url.pathname)).toEqual([`${EQUIPMENT}${doomed.remoteId}/`]);
    const res = await fetch(`${emulator.baseUrl}${EQUIPMENT}${doomed.remoteId}/`, { headers: { authorization: `Bearer ${emulator.users.admin}` } });
    expect(res.status).toBe(404);
    await expect(app.client.call('records.get', { id: doomed.id })).rejects.toMatchObject({ error: { code: 'not_found' } });
  });

  it('a create whose reply was lost is found again by name, setup and type, not created twice', async () => {
    await connect();
    watchRequests();
    const setup = await setupId('Ephys Rig 2');
    emulator.faults.queue({ kind: 'reset-after-commit', method: 'POST' });
    const created = await app.client.call('records.create', { connectionId, kind: 'equipment', fields: rigFields(setup) });
    await waitForDrain(app, connectionId);
    const made = (await remoteEquipment()).filter((e) => e.name === 'Pupil camera (rig 3)');
    expect(made).toHaveLength(1);
    expect((await app.client.call('records.get', { id: created.id })).remoteId).toBe(made[0].id);
    expect(sent.filter((r) => r.method === 'POST')).toHaveLength(1);
    // The lookup used the API's filters, percent-encoded as BrainSTEM's own clients send them.
    const lookup = sent.find((r) => r.method === 'GET' && r.url.searchParams.has('filter{name}'))!;
    expect(lookup.url.search).toContain(`filter%7Bname%7D=Pupil+camera+%28rig+3%29`);
    expect(lookup.url.search).toContain(`filter%7Bsetup.id%7D=${setup}`);
  });

  it('the server’s 403 (a setup the user may only read) parks the edit with the server’s message', async () => {
    await connect();
    const theirs = await byTitle('UCLA Miniscope v4'); // in `other`'s setup, where member is a reader
    await app.client.call('records.update', { id: theirs.id, fields: { notes: 'Focus re-checked' } });
    const rec = await waitFor('the rejection', async () => {
      const r = await app.client.call('records.get', { id: theirs.id });
      return r.status === 'rejected' ? r : undefined;
    });
    expect(rec.ops[0]!.error).toBe('You do not have permission to perform this action.');
    expect((await remoteOne(theirs.remoteId!)).notes).toBe('EWL focus 0-255, 30 fps');
  });

  it('after the 403 the setup’s equipment is read-only and the setup not offered, across pulls; the core refuses what the server would', async () => {
    await connect();
    const miniscope = await byTitle('UCLA Miniscope v4');
    const arena = await setupId('Miniscope Open-Field Arena');
    await app.client.call('records.update', { id: miniscope.id, fields: { notes: 'Focus re-checked' } });
    const rec = await waitFor('the rejection', async () => {
      const r = await app.client.call('records.get', { id: miniscope.id });
      return r.status === 'rejected' ? r : undefined;
    });
    expect(rec).toMatchObject({ editable: false, readOnlyScope: { field: 'setup', label: 'Setup', name: 'Miniscope Open-Field Arena' } });
    const daq = await byTitle('Miniscope DAQ v3.3');
    expect(daq.editable).toBe(false);
    expect((await byTitle('Intan RHD 128ch amplifier')).editable).toBe(true);
    // A full pull later (setups refreshed, equipment listed again) keeps what the server said.
    const pulledBefore = (await app.client.call('sync.status', {}))[0]!.lastPullAt;
    await app.client.call('sync.now', { connectionId });
    await waitFor('another pull', async () => (await app.client.call('sync.status', {}))[0]!.lastPullAt !== pulledBefore);
    expect((await byTitle('Miniscope DAQ v3.3')).editable).toBe(false);
    const setupsHere = await app.client.call('categories.list', { connectionId, source: 'setups' });
    expect(setupsHere.find((s) => s.remoteId === arena)?.writable).toBe(false);
    expect(setupsHere.filter((s) => s.remoteId !== arena).every((s) => s.writable)).toBe(true);
    // Nothing more is sent there: the core refuses with the reason.
    await expect(app.client.call('records.update', { id: daq.id, fields: { notes: 'x' } })).rejects.toMatchObject({ error: { code: 'read_only' } });
    await expect(app.client.call('records.create', { connectionId, kind: 'equipment', fields: { ...rigFields(arena), name: 'Second overhead camera' } })).rejects.toMatchObject({
      error: { code: 'validation', fieldErrors: { setup: [expect.stringContaining('only read “Miniscope Open-Field Arena”')] } },
    });
    expect((await app.client.call('outbox.list', {})).map((o) => o.recordId)).toEqual([miniscope.id]);
    expect((await remoteEquipment()).some((e) => e.name === 'Second overhead camera')).toBe(false);
    // The user discards the refused change and the record is the server's again (still read-only).
    await app.client.call('outbox.discard', { opId: rec.ops[0]!.id });
    expect(await app.client.call('records.get', { id: miniscope.id })).toMatchObject({ status: 'synced', editable: false, fields: { notes: 'EWL focus 0-255, 30 fps' } });
  });

  it('an invalid position is refused offline with the messages the server gives, and nothing is queued', async () => {
    await connect();
    await app.client.call('connections.setPaused', { id: connectionId, paused: true });
    const setup = await setupId('Surgery');
    const bad = {
      name: 'Injection arm',
      type: 'InjectionSystem',
      setup,
      coordinates_system: 'Stereotaxic_BregmaBrainSurface',
      coordinates_details: { x: 1, apCoordinate: 1.2, depth: { value: 2, unit: 'cm' }, rotation: 400, mlAngle: '15' },
      notes: 'n'.repeat(501),
    };
    const server = await write('POST', EQUIPMENT, 'member', bad);
    expect(server.status).toBe(400);
    const serverErrors = await server.json();
    const local = await app.client.call('records.create', { connectionId, kind: 'equipment', fields: bad }).catch((e) => e.error);
    expect(local.code).toBe('validation');
    expect(local.fieldErrors).toEqual(serverErrors);
    expect(local.fieldErrors.coordinates_details).toContain("Additional properties are not allowed ('x' was unexpected)");

    // An edit of an existing rig: a key of another system.
    const rig = await byTitle('Kopf Model 940 stereotaxic frame');
    const patch = { coordinates_details: { apCoordinate: 0, x: 2 } };
    const serverPatch = await (await write('PATCH', `${EQUIPMENT}${rig.remoteId}/`, 'member', patch)).json();
    const localPatch = await app.client.call('records.update', { id: rig.id, fields: patch }).catch((e) => e.error);
    expect(localPatch.fieldErrors).toEqual(serverPatch);
    expect(await app.client.call('outbox.list', {})).toEqual([]);
    // A setup that was not pulled: the server's words for an unknown pk.
    const unknown = await app.client
      .call('records.create', { connectionId, kind: 'equipment', fields: { ...bad, coordinates_details: {}, notes: '', setup: '00000000-0000-4000-8000-000000000000' } })
      .catch((e) => e.error);
    expect(unknown.fieldErrors).toEqual({ setup: ['Invalid pk "00000000-0000-4000-8000-000000000000" - object does not exist.'] });
  });
});

describe('brainstem equipment: three-way merge on pull', () => {
  // A pull only meets a pending edit when it could not go out first: a 503 puts the PATCH in
  // backoff and "Sync now" forces the pull in the same cycle (see catalog-sync.test.ts).
  beforeEach(async () => {
    await app.close();
    app = await startApp(dir.path, { ...FAST_SYNC, retryBackoff: { baseMs: 2_500, maxMs: 2_500 } });
  });

  async function moveWhileRemoteChanged(title: string, local: Record<string, unknown>, role: string, remote: object) {
    await connect();
    const rig = await byTitle(title);
    expect((await write('PATCH', `${EQUIPMENT}${rig.remoteId}/`, role, remote)).status).toBe(200);
    watchRequests();
    emulator.faults.queue({ kind: 'status', status: 503, method: 'PATCH' });
    await app.client.call('records.update', { id: rig.id, fields: local });
    await app.client.call('sync.now', { connectionId });
    return rig;
  }

  it('a rig moved offline while someone edited its notes: both survive, the PATCH carries only the coordinates', async () => {
    const moved = { x: 0.5, y: 0.47, z: 0.95, xAngle: 0, yAngle: 0, zAngle: 90 };
    const rig = await moveWhileRemoteChanged('Linear treadmill (belt, 180 cm)', { coordinates_details: moved }, 'other', { notes: 'Belt replaced 2026-11-24' });
    await waitFor('the merge', async () => {
      const r = await app.client.call('records.get', { id: rig.id });
      return r.fields.notes === 'Belt replaced 2026-11-24' && r.status === 'pending' ? r : undefined;
    });
    await waitForDrain(app, connectionId);
    const patches = sent.filter((r) => r.method === 'PATCH');
    expect(patches).toHaveLength(2); // the 503, then the retry
    for (const p of patches) expect(p.body).toEqual({ coordinates_details: moved });
    const remote = await remoteOne(rig.remoteId!);
    expect(remote.notes).toBe('Belt replaced 2026-11-24');
    expect(remote.coordinates_details).toEqual(moved);
    const rec = await app.client.call('records.get', { id: rig.id });
    expect(rec.status).toBe('synced');
    expect(rec.fields).toMatchObject({ notes: 'Belt replaced 2026-11-24', coordinates_details: moved });
  });

  it('the same field changed on both sides: a conflict keeping both; "keep mine" sends mine', async () => {
    const mine = { x: 1.25, y: 0.4, z: 0.9 };
    const theirs = { x: 2.0, y: 0.1, z: 0.9 };
    const rig = await moveWhileRemoteChanged('Tektronix TBS2104 oscilloscope', { coordinates_details: mine }, 'admin', { coordinates_details: theirs });
    const rec = await waitFor('the conflict', async () => {
      const r = await app.client.call('records.get', { id: rig.id });
      return r.status === 'conflict' ? r : undefined;
    });
    expect(rec.conflictFields).toEqual(['coordinates_details']);
    expect(rec.fields.coordinates_details).toEqual(mine);
    expect(rec.remoteFields!.coordinates_details).toEqual(theirs);
    // Held while in conflict, even past the retry time.
    await new Promise((r) => setTimeout(r, 3_000));
    expect((await remoteOne(rig.remoteId!)).coordinates_details).toEqual(theirs);

    await app.client.call('records.resolveConflict', { id: rig.id, keep: 'mine' });
    await waitForDrain(app, connectionId);
    expect((await remoteOne(rig.remoteId!)).coordinates_details).toEqual(mine);
    expect(sent.filter((r) => r.method === 'PATCH').at(-1)!.body).toEqual({ coordinates_details: mine });
  });
});

describe('brainstem connection errors', () => {
  it('a rejected token (401) puts the connection in key_rejected with a clear message', async () => {
    const c = await app.client.call('connections.save', { system: 'brainstem', name: 'Bad token', baseUrl: emulator.baseUrl, settings: {}, apiKey: 'not-a-token' });
    const status = await waitFor('key rejected', async () => (await app.client.call('sync.status', {})).find((s) => s.state === 'key_rejected'));
    expect(status.message).toMatch(/BrainSTEM rejected the API token.*Your edits stay queued\./);
    const check = await app.client.call('connections.check', { id: c.id });
    expect(check).toMatchObject({ ok: false, outcome: 'refused' });
    expect(check.message).toMatch(/^BrainSTEM rejected the API token \(key rejected: Invalid token\.\)/);
  });

  it('check() reports how many equipment records the token sees, in one request', async () => {
    await connect();
    watchRequests();
    const check = await app.client.call('connections.check', { id: connectionId });
    expect(check).toEqual({ ok: true, outcome: 'ok', message: `Connected to BrainSTEM: ${(await remoteEquipment()).length} equipment records visible to this token.` });
    const checks = sent.filter((r) => r.url.searchParams.get('limit') === '1');
    expect(checks).toHaveLength(1);
  });
});
