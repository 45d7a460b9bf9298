import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { kindProfile } from '../../src-shared/domain/remotes';
import type { RunningEmulator } from '../sandbox/common/emulator-server';
import { startCannlyticsEmulator } from '../sandbox/cannlytics/cannlytics-emulator';
import { USERS } from '../sandbox/cannlytics/users';
import { startApp, tempDir, type TestApp, waitFor, waitForDrain } from './harness';
import { tapHttp } from './http-tap';

/**
 * The engine and the Cannlytics connector against the Cannlytics emulator on loopback: real
 * SQLite, real HTTP, the real limiter. Every request the app sends is recorded (the test's own
 * requests to the emulator use the unrecorded fetch), so tests can count and inspect them.
 */
let emulator: RunningEmulator;
let app: TestApp;
let dir: ReturnType<typeof tempDir>;
let org: string;

const realFetch = globalThis.fetch;
interface Sent {
  method: string;
  path: string;
  query: URLSearchParams;
  body: unknown;
}
let sent: Sent[] = [];

beforeEach(async () => {
  dir = tempDir();
  emulator = await startCannlyticsEmulator();
  org = emulator.extra.organizationId!;
  app = await startApp(dir.path);
  sent = [];
  tapHttp(({ method, url, body }) => {
    sent.push({
      method,
      path: url.pathname.replace(/^\/api/, ''),
      query: url.searchParams,
      body: body === undefined ? undefined : JSON.parse(body),
    });
  });
});

afterEach(async () => {
  vi.restoreAllMocks();
  await app.close();
  await emulator.close();
  dir.remove();
});

async function connect(role: keyof typeof USERS = 'member', organizationId = org, name = `Cannlytics (${role})`) {
  const c = await app.client.call('connections.save', {
    system: 'cannlytics',
    name,
    baseUrl: emulator.baseUrl,
    settings: { organizationId },
    apiKey: emulator.users[role]!,
  });
  await waitFor('the first pull', async () => (await app.client.call('sync.status', {})).find((s) => s.connectionId === c.id)?.lastPullAt);
  return c.id;
}

/** The test's own view of the remote, as the owner (not counted among the app's requests). */
async function remote(method: 'GET' | 'POST' | 'DELETE', path: string, body?: unknown): Promise<any> {
  const res = await realFetch(`${emulator.baseUrl}${path}${path.includes('?') ? '&' : '?'}organization_id=${org}`, {
    method,
    headers: { authorization: `Bearer ${USERS.owner.key}`, 'content-type': 'application/json' },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  return ((await res.json()) as { data: unknown }).data;
}
const remoteDoc = (key: string) => remote('GET', `/instruments/${encodeURIComponent(key)}`);

const list = async (connectionId: string) => (await app.client.call('records.list', { connectionId, limit: 500 })).items;
const byKey = async (connectionId: string, key: string) => (await list(connectionId)).find((r) => r.remoteId === key)!;
const posts = () => sent.filter((s) => s.method === 'POST');
const setPaused = (id: string, paused: boolean) => app.client.call('connections.setPaused', { id, paused });
const statusOf = async (id: string) => (await app.client.call('sync.status', {})).find((s) => s.connectionId === id)!;

async function rejectedOp(recordId: string) {
  return waitFor('the rejection', async () => {
    const r = await app.client.call('records.get', { id: recordId });
    return r.ops.find((o) => o.state === 'rejected');
  });
}

describe('cannlytics sync', () => {
  it('pulls the organisation’s instruments keyed by instrument_id, keeping the lab’s own keys', async () => {
    const id = await connect();
    const remoteAll = (await remote('GET', '/instruments')) as any[];
    const local = await list(id);
    expect(local).toHaveLength(remoteAll.length);
    expect(local.map((r) => r.remoteId).sort()).toEqual(remoteAll.map((d) => d.id).sort());
    // Only test-company's: other-lab's HPLC-A is not here.
    expect(local.find((r) => r.remoteId === 'HPLC-A')).toBeUndefined();
    expect(local.every((r) => r.editable && r.status === 'synced')).toBe(true);
    const hplc = await app.client.call('records.get', { id: (await byKey(id, 'HPLC-01')).id });
    expect(hplc).toMatchObject({ title: 'Potency HPLC 1', subtitle: 'HPLC' });
    expect(hplc.fields).toMatchObject({ instrument_id: 'HPLC-01', vendor: 'Agilent', model: '1260 Infinity II', calibrated_at: '2024-02-12' });
    expect(hplc.fields).not.toHaveProperty('id');
    const get = sent.find((s) => s.method === 'GET' && s.path === '/instruments')!;
    expect(get.query.get('organization_id')).toBe(org);
    // Never `limit`: the published server fails on it (docs/remotes/cannlytics.md).
    expect(get.query.has('limit')).toBe(false);
  });

  it('offline, a create and its edit coalesce into one create; the key is proposed from the name; the saved record is what the server stores', async () => {
    const id = await connect();
    await setPaused(id, true);
    const created = await app.client.call('records.create', {
      connectionId: id,
      kind: 'instrument',
      fields: { name: 'HPLC Agilent 1260', instrument_type: 'HPLC', vendor: 'Agilent' },
    });
    expect(created.fields.instrument_id).toBe('hplc-agilent-1260');
    expect(created.status).toBe('pending');
    await app.client.call('records.update', { id: created.id, fields: { description: 'Bench 2, left' } });
    const ops = await app.client.call('outbox.list', { connectionId: id });
    expect(ops.map((o) => o.type)).toEqual(['create']);
    expect(ops[0]!.payload).toMatchObject({ instrument_id: 'hplc-agilent-1260', name: 'HPLC Agilent 1260', description: 'Bench 2, left' });

    await setPaused(id, false);
    await waitForDrain(app, id);
    const doc = await remoteDoc('hplc-agilent-1260');
    // The documented blanks are filled in; the server stamped who wrote it.
    expect(doc).toMatchObject({ name: 'HPLC Agilent 1260', description: 'Bench 2, left', calibrated_at: 0, data_path: '', updated_by: USERS.member.uid });
    const rec = await app.client.call('records.get', { id: created.id });
    expect(rec.status).toBe('synced');
    expect(rec.remoteId).toBe('hplc-agilent-1260');
    expect(rec.fields.updated_by).toBe(USERS.member.uid);
    expect(rec.fields.updated_at).toBe(doc.updated_at);
    expect(posts()).toHaveLength(1);
  });

  it('several queued edits go out in ONE POST of a list', async () => {
    const id = await connect();
    await setPaused(id, true);
    const keys = ['BAL-01', 'BAL-02', 'BAL-03', 'MOIST-01', 'PIP-01'];
    for (const key of keys) {
      await app.client.call('records.update', { id: (await byKey(id, key)).id, fields: { description: `Checked ${key}` } });
    }
    await app.client.call('records.create', { connectionId: id, kind: 'instrument', fields: { instrument_id: 'CENT-02', name: 'Centrifuge 2' } });
    expect(await app.client.call('outbox.list', { connectionId: id })).toHaveLength(6);
    sent = [];
    const before = app.core.engine.requestsSent(id);
    await setPaused(id, false);
    await waitForDrain(app, id);

    expect(posts()).toHaveLength(1);
    const body = posts()[0]!.body as any[];
    expect(body.map((b) => b.instrument_id)).toEqual([...keys, 'CENT-02']);
    // Updates carry the key and the changed field only.
    expect(body[0]).toEqual({ instrument_id: 'BAL-01', description: 'Checked BAL-01' });
    // One read before (which ids exist), the POST, one read after, and the pull the unpause asked for.
    expect(app.core.engine.requestsSent(id) - before).toBe(4);
    for (const key of keys) expect((await remoteDoc(key)).description).toBe(`Checked ${key}`);
    expect((await remoteDoc('CENT-02')).name).toBe('Centrifuge 2');
  });

  it('a delete is a DELETE with a JSON list body; a member is refused with the server’s message, an owner is not', async () => {
    const member = await connect('member');
    const doomed = await byKey(member, 'LCMS-04');
    await app.client.call('records.delete', { id: doomed.id, reason: 'No longer in the lab' });
    const op = await rejectedOp(doomed.id);
    expect(op.error).toBe('Your must be an owner or quality assurance to delete instruments.');
    expect((await app.client.call('records.get', { id: doomed.id })).status).toBe('rejected');
    const del = sent.find((s) => s.method === 'DELETE')!;
    expect(del.path).toBe('/instruments');
    expect(del.query.get('organization_id')).toBe(org);
    expect(del.body).toEqual([{ instrument_id: 'LCMS-04' }]);
    expect((await remoteDoc('LCMS-04')).name).toBe('QSight Triple Quad');

    const owner = await connect('owner', org, 'Cannlytics (owner)');
    await app.client.call('records.delete', { id: (await byKey(owner, 'LCMS-04')).id, reason: 'No longer in the lab' });
    await waitForDrain(app, owner);
    expect(await remoteDoc('LCMS-04')).toEqual({});
    expect(await byKey(owner, 'LCMS-04')).toBeUndefined();
  });

  it('after a write the record adopts what the server stores (its reply only echoes what was posted)', async () => {
    const id = await connect();
    const pulledAt = (await statusOf(id)).lastPullAt;
    const rec = await byKey(id, 'GCMS-01');
    const before = (await app.client.call('records.get', { id: rec.id })).fields;
    // A colleague moves it after our pull.
    await remote('POST', '/instruments', { instrument_id: 'GCMS-01', area_name: 'Residual Solvents Lab, room 2' });
    await app.client.call('records.update', { id: rec.id, fields: { description: 'Inlet liner replaced' } });
    await waitForDrain(app, id);

    const after = await app.client.call('records.get', { id: rec.id });
    const stored = await remoteDoc('GCMS-01');
    expect((await statusOf(id)).lastPullAt).toBe(pulledAt); // no pull brought it: the re-read did
    expect(after.fields.area_name).toBe('Residual Solvents Lab, room 2');
    expect(after.fields.description).toBe('Inlet liner replaced');
    expect(after.fields.model).toBe(before.model);
    expect(after.fields.updated_by).toBe(USERS.member.uid);
    expect(after.fields.updated_at).toBe(stored.updated_at);
    expect(after.fields.updated_at).not.toBe(before.updated_at);
  });

  it('“Record calibration” is an update that sends only the calibration fields', async () => {
    const id = await connect();
    const action = kindProfile('cannlytics', 'instrument').quickActions!.find((a) => a.id === 'calibrate')!;
    expect(action.fields).toEqual(['calibrated_at', 'calibrated_by', 'initials']);
    const rec = await byKey(id, 'HPLC-04');
    await remote('POST', '/instruments', { instrument_id: 'HPLC-04', name: 'Backup HPLC (on loan)' });
    await app.client.call('records.update', { id: rec.id, fields: { calibrated_at: '2026-11-25', calibrated_by: 'Maria Alvarez', initials: 'MA' } });
    await waitForDrain(app, id);

    expect(posts().map((p) => p.body)).toEqual([[{ instrument_id: 'HPLC-04', calibrated_at: '2026-11-25', calibrated_by: 'Maria Alvarez', initials: 'MA' }]]);
    const doc = await remoteDoc('HPLC-04');
    expect(doc).toMatchObject({ name: 'Backup HPLC (on loan)', vendor: 'Agilent', calibrated_at: '2026-11-25', calibrated_by: 'Maria Alvarez', initials: 'MA' });
    expect((await app.client.call('records.get', { id: rec.id })).title).toBe('Backup HPLC (on loan)');
  });

  it('upserts are guarded: no create over an instrument added remotely meanwhile, no update bringing back a deleted one', async () => {
    const id = await connect();
    await setPaused(id, true);
    const created = await app.client.call('records.create', { connectionId: id, kind: 'instrument', fields: { instrument_id: 'BAL-09', name: 'Balance 9' } });
    const edited = await byKey(id, 'BAL-05');
    await app.client.call('records.update', { id: edited.id, fields: { description: 'Level checked' } });
    await remote('POST', '/instruments', { instrument_id: 'BAL-09', name: 'Colleague’s balance' });
    await remote('DELETE', '/instruments', { instrument_id: 'BAL-05' });
    await setPaused(id, false);

    const createOp = await rejectedOp(created.id);
    expect(createOp.error).toMatch(/already has an instrument “BAL-09”/);
    expect(createOp.fieldErrors).toHaveProperty('instrument_id');
    const updateOp = await rejectedOp(edited.id);
    expect(updateOp.error).toMatch(/no longer in Cannlytics: someone deleted it/);
    expect(posts()).toHaveLength(0);
    expect((await remoteDoc('BAL-09')).name).toBe('Colleague’s balance');
    expect(await remoteDoc('BAL-05')).toEqual({});

    // The refused create never existed remotely, so its key may still change.
    await app.client.call('records.update', { id: created.id, fields: { instrument_id: 'BAL-10' } });
    await waitFor('the create', async () => (await app.client.call('records.get', { id: created.id })).status === 'synced');
    expect((await remoteDoc('BAL-10')).name).toBe('Balance 9');
    expect((await remoteDoc('BAL-09')).name).toBe('Colleague’s balance');
  });

  it('a create whose reply was lost is sent again (an idempotent upsert), not refused as a duplicate', async () => {
    const id = await connect();
    emulator.faults.queue({ kind: 'reset-after-commit', method: 'POST' });
    const created = await app.client.call('records.create', { connectionId: id, kind: 'instrument', fields: { instrument_id: 'PH-03', name: 'pH meter 3' } });
    await waitForDrain(app, id);
    const rec = await app.client.call('records.get', { id: created.id });
    expect(rec.status).toBe('synced');
    expect(rec.remoteId).toBe('PH-03');
    expect(posts()).toHaveLength(2);
    expect((await remoteDoc('PH-03')).name).toBe('pH meter 3');
    expect((await list(id)).filter((r) => r.remoteId === 'PH-03')).toHaveLength(1);
  });
});

describe('cannlytics keys and settings', () => {
  it('a duplicate instrument_id is refused offline, and a key is fixed once the create has gone out', async () => {
    const id = await connect();
    await setPaused(id, true);
    emulator.faults.set({ offline: true });
    await expect(
      app.client.call('records.create', { connectionId: id, kind: 'instrument', fields: { instrument_id: 'HPLC-01', name: 'Another HPLC' } }),
    ).rejects.toMatchObject({ error: { code: 'validation', fieldErrors: { instrument_id: [expect.stringMatching(/already used by “Potency HPLC 1”/)] } } });
    const a = await app.client.call('records.create', { connectionId: id, kind: 'instrument', fields: { instrument_id: 'new-1', name: 'New 1' } });
    await expect(
      app.client.call('records.create', { connectionId: id, kind: 'instrument', fields: { instrument_id: 'new-1', name: 'New 1 again' } }),
    ).rejects.toMatchObject({ error: { code: 'validation' } });
    await expect(
      app.client.call('records.create', { connectionId: id, kind: 'instrument', fields: { instrument_id: '__x__', name: 'Reserved' } }),
    ).rejects.toMatchObject({ error: { fieldErrors: { instrument_id: [expect.stringMatching(/reserved/)] } } });
    // Not sent yet: the key may change (into a free one only).
    await expect(app.client.call('records.update', { id: a.id, fields: { instrument_id: 'HPLC-02' } })).rejects.toMatchObject({ error: { code: 'validation' } });
    await app.client.call('records.update', { id: a.id, fields: { instrument_id: 'new-2' } });
    // A record that exists remotely keeps its key.
    const synced = await byKey(id, 'HPLC-03');
    await expect(app.client.call('records.update', { id: synced.id, fields: { instrument_id: 'HPLC-99' } })).rejects.toMatchObject({
      error: { code: 'validation', fieldErrors: { instrument_id: [expect.stringMatching(/cannot be changed/)] } },
    });
    const ops = await app.client.call('outbox.list', { connectionId: id });
    expect(ops.map((o) => [o.type, o.payload.instrument_id])).toEqual([['create', 'new-2']]);
    expect(sent.filter((s) => s.method !== 'GET')).toHaveLength(0);
  });

  it('the Organization ID is required, and one the user is not a member of is a clear connection error', async () => {
    await expect(
      app.client.call('connections.save', { system: 'cannlytics', name: 'No org', baseUrl: emulator.baseUrl, settings: {}, apiKey: emulator.users.member! }),
    ).rejects.toMatchObject({ error: { code: 'validation', fieldErrors: { organizationId: [expect.any(String)] } } });

    const c = await app.client.call('connections.save', {
      system: 'cannlytics',
      name: 'Wrong org',
      baseUrl: emulator.baseUrl,
      settings: { organizationId: 'other-lab' },
      apiKey: emulator.users.member!,
    });
    await waitFor('the connection to stop', async () => (await statusOf(c.id)).state === 'key_rejected');
    const check = await app.client.call('connections.check', { id: c.id });
    expect(check.ok).toBe(false);
    expect(check.message).toMatch(/refused this key for the organization “other-lab”.*not an owner, QA or team member/);
    expect(await list(c.id)).toHaveLength(0);
  });

  it('a bad key is key_rejected', async () => {
    const c = await app.client.call('connections.save', {
      system: 'cannlytics',
      name: 'Bad key',
      baseUrl: emulator.baseUrl,
      settings: { organizationId: org },
      apiKey: 'cl_not_a_key',
    });
    await waitFor('key rejected', async () => (await statusOf(c.id)).state === 'key_rejected');
    const check = await app.client.call('connections.check', { id: c.id });
    expect(check).toEqual({ ok: false, outcome: 'refused', message: 'Cannlytics did not accept the API key. Enter a valid key in the connection settings.' });
  });
});
