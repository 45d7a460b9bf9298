import { join } from 'node:path';
import BetterSqlite3 from 'better-sqlite3';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { catalogConnector } from '../../src-main/connectors/catalog/catalog-connector';
import { startBrainstemEmulator } from '../sandbox/brainstem/brainstem-emulator';
import { startCannlyticsEmulator } from '../sandbox/cannlytics/cannlytics-emulator';
import { USERS } from '../sandbox/cannlytics/users';
import { startCatalogEmulator } from '../sandbox/catalog/catalog-emulator';
import type { RunningEmulator } from '../sandbox/common/emulator-server';
import { startTamperingProxy, type TamperingProxy } from '../sandbox/common/tampering-proxy';
import { catalogQuietWindow, connectTo, FAST_SYNC, remoteGet, startApp, tempDir, type TestApp, waitFor, waitForDrain } from './harness';
import { tapHttp } from './http-tap';

/**
 * Exactly-once under lost replies, through the engine against the emulators: each case is one of
 * the defects found from outside (duplicate create, conflict with oneself, lost update, quitting
 * while pushing, a relaunch forgetting the rate limit), replayed with the sandbox's faults.
 */
const realFetch = globalThis.fetch;
const SLOW_RETRY = { ...FAST_SYNC, retryBackoff: { baseMs: 1_500, maxMs: 1_500 } };
let emulator: RunningEmulator | undefined;
let app: TestApp | undefined;
let dir: ReturnType<typeof tempDir> | undefined;

afterEach(async () => {
  vi.restoreAllMocks();
  await app?.close();
  await emulator?.close();
  dir?.remove();
  app = emulator = dir = undefined;
});

async function setUp(start: () => Promise<RunningEmulator>, sync = FAST_SYNC, role = 'member') {
  dir = tempDir();
  emulator = await start();
  app = await startApp(dir.path, sync);
  const settings: Record<string, string> = emulator.extra.organizationId ? { organizationId: emulator.extra.organizationId } : {};
  const c = await connectTo(app, emulator, role, settings);
  return { app, emulator, connectionId: c.id };
}

const opsOf = async (a: TestApp, id: string) => (await a.client.call('records.get', { id })).ops;
async function cannlyticsDoc(e: RunningEmulator, key: string): Promise<Record<string, unknown>> {
  const res = await realFetch(`${e.baseUrl}/instruments/${encodeURIComponent(key)}?organization_id=${e.extra.organizationId}`, {
    headers: { authorization: `Bearer ${USERS.owner.key}` },
  });
  return ((await res.json()) as { data: Record<string, unknown> }).data;
}

const noConflicts = async (a: TestApp) => (await a.client.call('sync.status', {})).every((s) => s.conflicts === 0);

describe('exactly once, under lost replies', () => {
  it('Catalog: a create whose reply was lost, renamed while it waits, exists once, renamed', async () => {
    const { app, emulator, connectionId } = await setUp(() => startCatalogEmulator({ rateLimitScale: 20 }), SLOW_RETRY);
    emulator.faults.queue({ kind: 'reset-after-commit', method: 'POST' });
    const rec = await app.client.call('records.create', { connectionId, kind: 'instrument', fields: { name: 'Incubator BX-17', description: 'Binder CB 170', category_id: 1 } });
    await waitFor('the lost reply', async () => { const [op] = await opsOf(app, rec.id); return op !== undefined && op.attempts === 1 && op.state !== 'in_flight'; });
    await app.client.call('records.update', { id: rec.id, fields: { name: 'Incubator BX-18' } });
    await waitForDrain(app, connectionId);
    const mine = (await remoteGet(emulator.baseUrl, '/myinstruments/', emulator.users.member!)).data as { name: string; description: string }[];
    expect(mine.filter((i) => i.description === 'Binder CB 170').map((i) => i.name)).toEqual(['Incubator BX-18']);
    expect((await app.client.call('records.list', { text: 'Binder', limit: 50 })).items).toHaveLength(1);
  });

  it('BrainSTEM equipment: a create whose reply was lost, renamed while it waits, exists once, renamed', async () => {
    const { app, emulator, connectionId } = await setUp(() => startBrainstemEmulator({}), SLOW_RETRY);
    const setup = (await app.client.call('categories.list', { connectionId, source: 'setups' }))[0]!.remoteId;
    emulator.faults.queue({ kind: 'reset-after-commit', method: 'POST', pathIncludes: 'equipment' });
    const rec = await app.client.call('records.create', {
      connectionId,
      kind: 'equipment',
      fields: { name: 'Rig camera 9', setup, type: 'Camera', notes: 'Basler', coordinates_system: 'External_XYZ_Absolute', coordinates_details: { x: 0.5, y: 0.2, z: 0.8, zAngle: 30 } },
    });
    await waitFor('the lost reply', async () => { const [op] = await opsOf(app, rec.id); return op !== undefined && op.attempts === 1 && op.state !== 'in_flight'; });
    await app.client.call('records.update', { id: rec.id, fields: { name: 'Rig camera 10' } });
    await waitForDrain(app, connectionId);
    const all: { name: string; notes: string }[] = [];
    for (let offset = 0; offset < 10_000; offset += 100) {
      const page = await remoteGet(emulator.baseUrl, `/api/private/modules/equipment/?limit=100&offset=${offset}`, emulator.users.member!);
      all.push(...page.equipment);
      if (!page.next) break;
    }
    expect(all.filter((e) => e.notes === 'Basler').map((e) => e.name)).toEqual(['Rig camera 10']);
  });

  it('Catalog: an update whose reply was lost, edited again before its retry, is not a conflict with oneself', async () => {
    const { app, emulator, connectionId } = await setUp(() => startCatalogEmulator({ rateLimitScale: 20 }), SLOW_RETRY);
    const own = (await app.client.call('records.list', { limit: 500 })).items.find((r) => r.editable)!;
    emulator.faults.queue({ kind: 'reset-after-commit', method: 'PUT' });
    await app.client.call('records.update', { id: own.id, fields: { description: 'First' } });
    await waitFor('the lost reply', async () => { const [op] = await opsOf(app, own.id); return op !== undefined && op.attempts === 1 && op.state !== 'in_flight'; });
    await app.client.call('records.update', { id: own.id, fields: { description: 'Second' } });
    // A pull before the retry sees the first value on the server: ours, not someone else's.
    await app.client.call('sync.now', { connectionId });
    await waitForDrain(app, connectionId);
    expect(await noConflicts(app)).toBe(true);
    const remote = (await remoteGet(emulator.baseUrl, `/instruments/${own.remoteId}/`, emulator.users.member!)).data;
    expect(remote.description).toBe('Second');
    expect((await app.client.call('records.get', { id: own.id })).status).toBe('synced');
  });

  it('Cannlytics: an update acknowledged without a re-read keeps what it sent as the base: the edit queued behind it is not lost to a pull', async () => {
    const { app, emulator, connectionId } = await setUp(() => startCannlyticsEmulator(), SLOW_RETRY);
    const hplc = (await app.client.call('records.list', { connectionId, limit: 500 })).items.find((r) => r.remoteId === 'HPLC-01')!;
    let posts = 0;
    let rereadFailed = false;
    let stalled: (() => void) | undefined;
    tapHttp(async ({ method, url }) => {
      if (method === 'POST') posts++;
      // A's first POST: held until B is queued, then answered 503 without being applied.
      if (method === 'POST' && posts === 1) {
        await new Promise<void>((r) => (stalled = r));
        return new Response('{"success": false, "message": "unavailable"}', { status: 503 });
      }
      // A's retry is applied, but the re-read after it fails: the connector falls back on what it sent.
      if (method === 'GET' && url.pathname.endsWith('/instruments/HPLC-01') && posts === 2 && !rereadFailed) {
        rereadFailed = true;
        return new Response('{"success": false}', { status: 503 });
      }
      // B's first POST fails too, so a pull comes before B's retry.
      if (method === 'POST' && posts === 3) return new Response('{"success": false}', { status: 503 });
    });
    await app.client.call('records.update', { id: hplc.id, fields: { vendor: 'Vendor A' } });
    await waitFor('the first POST', async () => stalled);
    await app.client.call('records.update', { id: hplc.id, fields: { name: 'Name B' } });
    stalled!();
    await waitFor('B’s failed POST', async () => posts >= 3, 10_000);
    await app.client.call('sync.now', { connectionId });
    await waitForDrain(app, connectionId);
    const doc = await cannlyticsDoc(emulator, 'HPLC-01');
    expect(doc).toMatchObject({ vendor: 'Vendor A', name: 'Name B' });
    expect((await app.client.call('records.get', { id: hplc.id })).fields).toMatchObject({ vendor: 'Vendor A', name: 'Name B' });
  });

  it('Cannlytics: quitting right after launch, with batches waiting for the limiter, marks nothing rejected; the next launch sends everything once', async () => {
    const { emulator, connectionId } = await setUp(() => startCannlyticsEmulator(), FAST_SYNC, 'owner');
    let a = app!;
    const records = (await a.client.call('records.list', { connectionId, limit: 500 })).items;
    expect(records.length).toBeGreaterThan(8);
    const [gone, ...kept] = records;
    emulator.faults.set({ offline: true });
    // 29 creates and updates plus a delete: two batches, about 7 requests, more than the 5 a second the limiter allows.
    for (const [i, r] of kept.entries()) await a.client.call('records.update', { id: r.id, fields: { description: `Quit test ${i}` } });
    const made: string[] = [];
    for (let i = 0; kept.length + made.length < 29; i++) {
      made.push((await a.client.call('records.create', { connectionId, kind: 'instrument', fields: { name: `Quit pipette ${i}`, instrument_id: `quit-${i}` } })).id);
    }
    await a.client.call('records.delete', { id: gone!.id, reason: 'No longer in the lab' });
    await a.close();
    emulator.faults.set({ offline: false });
    let requests = 0;
    tapHttp(() => {
      requests++;
    });
    a = app = await startApp(dir!.path);
    await waitFor('the limiter to fill', async () => requests >= 5, 10_000);
    await a.close();
    const afterQuit = requests;
    a = app = await startApp(dir!.path, { ...FAST_SYNC, pullIntervalMs: 60_000 });
    const ops = await a.client.call('outbox.list', {});
    expect(ops.filter((o) => o.state === 'rejected')).toEqual([]);
    expect(afterQuit).toBeLessThan(12);
    await waitForDrain(a, connectionId);
    expect((await a.client.call('outbox.list', {})).length).toBe(0);
    for (const [i, r] of kept.entries()) expect((await cannlyticsDoc(emulator, r.remoteId!)).description).toBe(`Quit test ${i}`);
    for (let i = 0; i < made.length; i++) expect((await cannlyticsDoc(emulator, `quit-${i}`)).name).toBe(`Quit pipette ${i}`);
    expect(await cannlyticsDoc(emulator, gone!.remoteId!)).toEqual({});
  });

  it('Catalog: never-sent creates go out together when the limit has room; one lost reply among them still ends with each record once', async () => {
    dir = tempDir();
    emulator = await startCatalogEmulator({ rateLimitScale: 20 });
    // The proxy sees how many creates are at the server at once (each is held until it is answered).
    const proxy: TamperingProxy = await startTamperingProxy(emulator.baseUrl);
    let atOnce = 0;
    let mostAtOnce = 0;
    proxy.rules.push({
      match: (method) => method === 'POST' && ++atOnce > 0 && (mostAtOnce = Math.max(mostAtOnce, atOnce)) > 0,
      passThroughFirst: true,
      reply: (upstream) => {
        atOnce--;
        return upstream ?? { status: 502, body: '' };
      },
    });
    try {
      // Our limit scaled like the emulator's, so a second of it has room for several creates.
      const scaled = catalogConnector.rateLimit.map((w) => ({ limit: w.limit * 20, windowMs: w.windowMs }));
      app = await startApp(dir.path, { ...SLOW_RETRY, rateLimitFor: () => scaled });
      const { id: connectionId } = await connectTo(app, { ...emulator, baseUrl: proxy.baseUrl });
      await waitForDrain(app, connectionId);
      await app.client.call('connections.setPaused', { id: connectionId, paused: true });
      const names = Array.from({ length: 9 }, (_, i) => `Shaker ${i + 1}`);
      const create = (name: string) => app!.client.call('records.create', { connectionId, kind: 'instrument', fields: { name, description: 'IKA KS 4000', category_id: 1 } });
      for (const name of names.slice(0, 6)) await create(name);
      emulator.faults.set({ latencyMs: 150 });
      await app.client.call('connections.setPaused', { id: connectionId, paused: false });
      await waitForDrain(app, connectionId, 30_000);
      expect(mostAtOnce).toBeGreaterThan(1);
      expect(atOnce).toBe(0);
      // Then a reply lost among creates sent together: that one is looked up, alone, and found.
      await app.client.call('connections.setPaused', { id: connectionId, paused: true });
      for (const name of names.slice(6)) await create(name);
      emulator.faults.queue({ kind: 'reset-after-commit', method: 'POST' });
      await app.client.call('connections.setPaused', { id: connectionId, paused: false });
      await waitForDrain(app, connectionId, 30_000);
      const mine = (await remoteGet(emulator.baseUrl, '/myinstruments/', emulator.users.member!)).data as { name: string; description: string }[];
      expect(mine.filter((i) => i.description === 'IKA KS 4000').map((i) => i.name).sort()).toEqual(names);
      expect((await app.client.call('records.list', { text: 'Shaker', limit: 50 })).items.map((r) => r.status)).toEqual(names.map(() => 'synced'));
      expect(await noConflicts(app)).toBe(true);
    } finally {
      await proxy.close();
    }
  });

  it('Catalog: a create made ready for a later window and edited while it waits goes out once, with the edit', async () => {
    // At the real 2 per second, ten creates take five windows; all ten are read ahead at the start.
    const { app, emulator, connectionId } = await setUp(() => startCatalogEmulator(), SLOW_RETRY);
    await waitForDrain(app, connectionId);
    await app.client.call('connections.setPaused', { id: connectionId, paused: true });
    const names = Array.from({ length: 10 }, (_, i) => `Vortex ${i + 1}`);
    const made: { id: string }[] = [];
    for (const name of names) made.push(await app.client.call('records.create', { connectionId, kind: 'instrument', fields: { name, description: 'Scientific Industries', category_id: 1 } }));
    await app.client.call('connections.setPaused', { id: connectionId, paused: false });
    await waitFor('the first window answered', async () => (await app.client.call('records.get', { id: made[0]!.id })).status === 'synced', 10_000);
    // The ninth goes in the fifth window, two seconds on: its create is still queued, and takes the rename.
    expect((await opsOf(app, made[8]!.id)).map((o) => o.state)).toEqual(['queued']);
    await app.client.call('records.update', { id: made[8]!.id, fields: { name: 'Vortex 9 (bench 2)' } });
    await waitForDrain(app, connectionId, 20_000);
    await catalogQuietWindow();
    const mine = (await remoteGet(emulator.baseUrl, '/myinstruments/', emulator.users.member!)).data as { name: string; description: string }[];
    const want = names.map((n) => (n === 'Vortex 9' ? 'Vortex 9 (bench 2)' : n));
    expect(mine.filter((i) => i.description === 'Scientific Industries').map((i) => i.name).sort()).toEqual(want.sort());
    expect(await noConflicts(app)).toBe(true);
  });

  it('Catalog: a quit between windows puts back the ops claimed for the next one, unsent and with nothing to look up', async () => {
    // At the real 2 per second: the first window sends two; between windows the next two are
    // claimed for the window to come. A quit then must not leave them "outcome unknown".
    const { app: first, emulator: remote, connectionId } = await setUp(() => startCatalogEmulator(), SLOW_RETRY);
    await waitForDrain(first, connectionId);
    await first.client.call('connections.setPaused', { id: connectionId, paused: true });
    const made: { id: string }[] = [];
    for (let i = 1; i <= 6; i++) made.push(await first.client.call('records.create', { connectionId, kind: 'instrument', fields: { name: `Shaker ${i}`, description: 'IKA', category_id: 1 } }));
    // The drain starts from a quiet window.
    await catalogQuietWindow();
    await first.client.call('connections.setPaused', { id: connectionId, paused: false });
    await waitFor('the next window’s ops claimed', async () => (await opsOf(first, made[2]!.id))[0]?.state === 'in_flight', 10_000);
    await first.close();
    app = undefined;
    const file = new BetterSqlite3(join(dir!.path, 'benchsync.sqlite'), { readonly: true });
    const rows = file.prepare('SELECT record_id, state, attempts, sent FROM outbox ORDER BY id').all() as { record_id: string; state: string; attempts: number; sent: string | null }[];
    file.close();
    const mine = async () => {
      await catalogQuietWindow();
      const list = (await remoteGet(remote.baseUrl, '/myinstruments/', remote.users.member!)).data as { name: string }[];
      await catalogQuietWindow();
      return list.map((i) => i.name).filter((n) => n.startsWith('Shaker'));
    };
    const sentBeforeQuit = await mine();
    expect(sentBeforeQuit.sort()).toEqual(['Shaker 1', 'Shaker 2']);
    expect(rows.map((r) => [r.record_id, r.state, r.attempts, r.sent])).toEqual(made.slice(2).map((m) => [m.id, 'queued', 0, null]));
    // The next launch sends them once each, with no lookup first.
    app = await startApp(dir!.path, SLOW_RETRY);
    await waitForDrain(app, connectionId, 20_000);
    expect((await mine()).sort()).toEqual(['Shaker 1', 'Shaker 2', 'Shaker 3', 'Shaker 4', 'Shaker 5', 'Shaker 6']);
    expect(app.core.engine.requestsSent(connectionId)).toBeLessThanOrEqual(4 + 3);
  });

  it('Catalog: a relaunch remembers the requests already sent in the rate-limit window (no 429 across relaunches)', async () => {
    const limits = [
      { limit: 5, windowMs: 1_000 },
      { limit: 8, windowMs: 60_000 },
    ];
    dir = tempDir();
    emulator = await startCatalogEmulator({ rateLimit: { perSecond: 5, perMinute: 8 } });
    const sync = { ...FAST_SYNC, rateLimitFor: () => limits };
    app = await startApp(dir.path, sync);
    const c = await connectTo(app, emulator);
    // Each launch pulls at once: 3 requests. Launch 1 and 2 take 6 of the minute's 8.
    await app.close();
    app = await startApp(dir.path, sync);
    await waitFor('the second launch’s pull', async () => (await app!.client.call('sync.status', {}))[0]?.lastPullAt !== null && app!.core.engine.requestsSent(c.id) >= 3);
    await app.close();
    app = await startApp(dir.path, sync);
    // The third pull needs a 9th request in the minute: the limiter holds it back instead of earning a 429.
    await new Promise((r) => setTimeout(r, 1_500));
    const sent = app.core.engine.requestsSent(c.id);
    expect(sent).toBe(2);
    expect(app.core.engine.sync(c.id)!.rateLimitedAnswers).toBe(0);
    const status = (await app.client.call('sync.status', {}))[0]!;
    expect(status.message ?? '').not.toMatch(/429|slow down/i);
  });
});
