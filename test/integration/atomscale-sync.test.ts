import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import type { EmulatorOptions, RunningEmulator } from '../sandbox/common/emulator-server';
import { startAtomscaleEmulator } from '../sandbox/atomscale/atomscale-emulator';
import { startApp, tempDir, type TestApp, waitFor, waitForDrain } from './harness';
import { tapHttp } from './http-tap';

/**
 * The engine and the Atomscale connector against the Atomscale emulator on loopback. Every
 * request the app sends is recorded with its timing and status (the test's own requests use the
 * unrecorded fetch).
 */
let emulator: RunningEmulator;
let app: TestApp;
let dir: ReturnType<typeof tempDir>;

const realFetch = globalThis.fetch;
interface Sent {
  method: string;
  path: string;
  query: URLSearchParams;
  body: unknown;
  startedAt: number;
  answeredAt: number;
  status: number;
}
let sent: Sent[] = [];

async function start(options: EmulatorOptions = {}) {
  emulator = await startAtomscaleEmulator(options);
}

beforeEach(async () => {
  dir = tempDir();
  await start();
  app = await startApp(dir.path);
  sent = [];
  tapHttp(({ method, url, body, answered }) => {
    const entry: Sent = {
      method,
      path: url.pathname,
      query: url.searchParams,
      body: body === undefined ? undefined : JSON.parse(body),
      startedAt: Date.now(),
      answeredAt: 0,
      status: 0,
    };
    sent.push(entry);
    void answered.then((status) => {
      entry.answeredAt = Date.now();
      entry.status = status;
    });
  });
});

afterEach(async () => {
  vi.restoreAllMocks();
  await app.close();
  await emulator.close();
  dir.remove();
});

async function connect(role = 'member') {
  const c = await app.client.call('connections.save', { system: 'atomscale', name: 'Atomscale', baseUrl: emulator.baseUrl, settings: {}, apiKey: emulator.users[role]! });
  await waitFor('the first pull', async () => (await app.client.call('sync.status', {})).find((s) => s.connectionId === c.id)?.lastPullAt);
  return c.id;
}

/** The remote as a role's organisation sees it (waiting out a 429 where the test lowered the limit). */
async function remoteList(role = 'member'): Promise<any[]> {
  for (;;) {
    const res = await realFetch(`${emulator.baseUrl}/instruments/synthesis/`, { headers: { 'x-api-key': emulator.users[role]! } });
    if (res.status !== 429) return (await res.json()) as any[];
    await new Promise((r) => setTimeout(r, Number(res.headers.get('retry-after')) * 1000));
  }
}
const list = async (connectionId: string) => (await app.client.call('records.list', { connectionId, limit: 500 })).items;
const statusOf = async (id: string) => (await app.client.call('sync.status', {})).find((s) => s.connectionId === id)!;
const setPaused = (id: string, paused: boolean) => app.client.call('connections.setPaused', { id, paused });
const posts = () => sent.filter((s) => s.method === 'POST');

const NEW_MBE = { source_name: 'MBE Chamber C', source_make: 'Veeco GEN10', synth_source_type: 'mbe', serial_identifier: 'GEN10-01234' };

describe('atomscale sync', () => {
  it('pulls the organisation’s synthesis instruments only, with source_metadata flattened', async () => {
    const id = await connect();
    const mine = await remoteList();
    const theirs = await remoteList('outsider');
    const local = await list(id);
    expect(local.map((r) => r.remoteId).sort()).toEqual(mine.map((i) => String(i.synth_source_id)).sort());
    for (const other of theirs) expect(local.find((r) => r.title === other.source_name)).toBeUndefined();
    const chamber = local.find((r) => r.title === 'MBE Chamber A')!;
    expect(chamber.remoteId).toBe(String(mine.find((i) => i.source_name === 'MBE Chamber A').synth_source_id));
    expect((await app.client.call('records.get', { id: chamber.id })).fields).toMatchObject({
      source_make: 'Veeco GEN10',
      source_manufacturer: 'Veeco',
      source_model: 'GEN10',
      synth_source_type: 'mbe',
      serial_identifier: 'GEN10-00421',
      manufacture_year: 2021,
      inputs: 8,
      user_name: 'Jane Smith',
      last_updated: '2024-01-15T10:00:00Z',
    });
    expect(sent[0]).toMatchObject({ method: 'GET', path: '/instruments/synthesis/' });
  });

  it('a create goes out as {label, name, type, serial_id} and the record gets the integer id', async () => {
    const id = await connect();
    const created = await app.client.call('records.create', { connectionId: id, kind: 'instrument', fields: NEW_MBE });
    await waitForDrain(app, id);
    expect(posts().map((p) => [p.path, p.body])).toEqual([
      ['/instruments/synthesis', { label: 'MBE Chamber C', name: 'Veeco GEN10', type: 'mbe', serial_id: 'GEN10-01234' }],
    ]);
    const made = (await remoteList()).filter((i) => i.source_name === 'MBE Chamber C');
    expect(made).toHaveLength(1);
    const rec = await app.client.call('records.get', { id: created.id });
    expect(rec.status).toBe('synced');
    expect(rec.remoteId).toMatch(/^\d+$/);
    expect(rec.remoteId).toBe(String(made[0].synth_source_id));
    expect(rec.fields).toMatchObject({ source_manufacturer: 'Veeco', source_model: 'GEN10', user_name: 'Jane Smith', serial_identifier: 'GEN10-01234' });
  });

  it('a delete goes out with synthesis_instrument_ids and removes the instrument', async () => {
    const id = await connect();
    const doomed = (await list(id)).find((r) => r.title === 'Sputter 2')!;
    await app.client.call('records.delete', { id: doomed.id, reason: 'No longer in the lab' });
    await waitForDrain(app, id);
    const del = sent.filter((s) => s.method === 'DELETE');
    expect(del).toHaveLength(1);
    expect(del[0]!.query.getAll('synthesis_instrument_ids')).toEqual([doomed.remoteId]);
    expect((await remoteList()).find((i) => String(i.synth_source_id) === doomed.remoteId)).toBeUndefined();
    expect((await list(id)).find((r) => r.id === doomed.id)).toBeUndefined();
  });

  it('an update is refused by main as read_only: Atomscale has no update', async () => {
    const id = await connect();
    const rec = (await list(id))[0]!;
    const before = sent.length;
    await expect(app.client.call('records.update', { id: rec.id, fields: { source_name: 'Renamed' } })).rejects.toMatchObject({
      error: { code: 'read_only' },
    });
    expect(await app.client.call('outbox.list', { connectionId: id })).toEqual([]);
    expect((await app.client.call('records.get', { id: rec.id })).title).toBe(rec.title);
    expect(sent.length).toBe(before);
  });

  it('on 429 the connection waits the Retry-After and delivers every create once', async () => {
    await emulator.close();
    // One request a second at the server, five at our client: 429s with Retry-After: 1.
    await start({ rateLimit: { perSecond: 1, perMinute: 300 } });
    const id = await connect();
    await setPaused(id, true);
    const labels = ['Sputter 3', 'Sputter 4', 'Sputter 5'];
    for (const label of labels) {
      await app.client.call('records.create', {
        connectionId: id,
        kind: 'instrument',
        fields: { source_name: label, source_make: 'AJA International ATC 2200', synth_source_type: 'sputter' },
      });
    }
    await setPaused(id, false);
    const limited = await waitFor('the rate_limited state', async () => {
      const s = await statusOf(id);
      return s.state === 'rate_limited' ? s : undefined;
    });
    expect(limited.message).toMatch(/Atomscale asked us to slow down: Rate limit exceeded\. Waiting 1 s/);
    await waitForDrain(app, id);

    const remote = await remoteList();
    for (const label of labels) expect(remote.filter((i) => i.source_name === label)).toHaveLength(1);
    const refused = sent.filter((s) => s.status === 429);
    expect(refused.length).toBeGreaterThan(0);
    expect(app.core.engine.sync(id)!.rateLimitedAnswers).toBe(refused.length);
    // After each 429, nothing was sent before its Retry-After (1 s) had passed.
    for (const r of refused) {
      const next = sent.find((s) => s.startedAt >= r.answeredAt && s !== r)!;
      expect(next.startedAt - r.answeredAt).toBeGreaterThanOrEqual(950);
    }
  });

  it('a create whose reply was lost is found on the remote, not created twice', async () => {
    const id = await connect();
    emulator.faults.queue({ kind: 'reset-after-commit', method: 'POST' });
    const created = await app.client.call('records.create', { connectionId: id, kind: 'instrument', fields: NEW_MBE });
    await waitForDrain(app, id);
    const made = (await remoteList()).filter((i) => i.source_name === 'MBE Chamber C');
    expect(made).toHaveLength(1);
    expect(posts()).toHaveLength(1);
    const rec = await app.client.call('records.get', { id: created.id });
    expect(rec.status).toBe('synced');
    expect(rec.remoteId).toBe(String(made[0].synth_source_id));
  });
});

describe('atomscale connection errors', () => {
  it('a bad key is key_rejected, and edits wait', async () => {
    const c = await app.client.call('connections.save', { system: 'atomscale', name: 'Bad key', baseUrl: emulator.baseUrl, settings: {}, apiKey: 'as_wrong' });
    await waitFor('key rejected', async () => (await statusOf(c.id)).state === 'key_rejected');
    expect(sent[0]!.status).toBe(401);
    const check = await app.client.call('connections.check', { id: c.id });
    expect(check).toMatchObject({ ok: false, outcome: 'refused' });
    expect(check.message).toMatch(/Atomscale did not accept the API key \(Invalid API key\)/);
    await app.client.call('records.create', { connectionId: c.id, kind: 'instrument', fields: NEW_MBE });
    expect((await statusOf(c.id)).pending).toBe(1);
  });

  it('a create the server would refuse is refused offline with a message on the field', async () => {
    const id = await connect();
    await expect(
      app.client.call('records.create', { connectionId: id, kind: 'instrument', fields: { source_name: ' ', source_make: 'Veeco GEN10', synth_source_type: 'mocvd' } }),
    ).rejects.toMatchObject({ error: { code: 'validation', fieldErrors: { source_name: [expect.any(String)], synth_source_type: [expect.any(String)] } } });
    expect(await app.client.call('outbox.list', { connectionId: id })).toEqual([]);
  });
});
