import { gzipSync } from 'node:zlib';
import { afterEach, describe, expect, it } from 'vitest';
import { startAtomscaleEmulator } from '../sandbox/atomscale/atomscale-emulator';
import { startCannlyticsEmulator } from '../sandbox/cannlytics/cannlytics-emulator';
import { startCatalogEmulator } from '../sandbox/catalog/catalog-emulator';
import type { RunningEmulator } from '../sandbox/common/emulator-server';
import { startTamperingProxy, type TamperingProxy, type TamperRule } from '../sandbox/common/tampering-proxy';
import { connectTo, startApp, tempDir, type TestApp, waitFor } from './harness';

/**
 * No remote reply can wreck the mirror: a listing that is not complete and well formed changes
 * nothing, one lacking most records asks first, and huge, nested, redirected or rate-limiting
 * replies are refused with a clear message while the app keeps answering.
 */
let emulator: RunningEmulator | undefined;
let proxy: TamperingProxy | undefined;
let app: TestApp | undefined;
let dir: ReturnType<typeof tempDir> | undefined;

afterEach(async () => {
  await app?.close();
  await proxy?.close();
  await emulator?.close();
  dir?.remove();
  app = proxy = emulator = dir = undefined;
});

/** An app connected to `start`'s emulator through a tampering proxy, after a clean first pull. */
async function setUp(start: () => Promise<RunningEmulator>) {
  dir = tempDir();
  emulator = await start();
  proxy = await startTamperingProxy(emulator.baseUrl);
  app = await startApp(dir.path);
  const settings: Record<string, string> = emulator.extra.organizationId ? { organizationId: emulator.extra.organizationId } : {};
  const c = await connectTo(app, { ...emulator, baseUrl: proxy.baseUrl }, 'member', settings);
  const before = await snapshot(app);
  expect(before.length).toBeGreaterThan(0);
  return { app, proxy, connectionId: c.id, before };
}

/** The mirror as the user sees it; the app must answer at once however the remote behaved. */
async function snapshot(a: TestApp) {
  const t = performance.now();
  const items = (await a.client.call('records.list', { limit: 500 })).items;
  expect(performance.now() - t).toBeLessThan(1_000);
  return items.map((r) => `${r.remoteId} ${r.title}`).sort();
}

/** Forces a pull and waits for the connection to report `pattern`. */
async function pullAndExpect(a: TestApp, connectionId: string, pattern: RegExp) {
  const before = (await a.client.call('sync.status', {}))[0]!.lastPullAt;
  await a.client.call('sync.now', { connectionId });
  return waitFor(`a status matching ${pattern}`, async () => {
    const s = (await a.client.call('sync.status', {}))[0]!;
    return s.message && pattern.test(s.message) && s.lastPullAt === before ? s : undefined;
  });
}

const on = (method: string, pathStart: string, reply: TamperRule['reply'], passThroughFirst = false): TamperRule => ({
  match: (m, p) => m === method && p.startsWith(pathStart),
  reply,
  passThroughFirst,
});
const catalogEnvelope = (data: unknown) => JSON.stringify({ successful: true, errors: [], data });

describe('hostile or broken replies', () => {
  it('Cannlytics: a listing with an id of the wrong type changes nothing and says so', async () => {
    const { app, proxy, connectionId, before } = await setUp(() => startCannlyticsEmulator());
    proxy.rules.push(
      on('GET', '/api/instruments?', (up) => {
        const docs = JSON.parse(up!.body.toString()).data as Record<string, unknown>[];
        return { status: 200, body: JSON.stringify({ success: true, data: docs.map((d, i) => (i === 0 ? { ...d, id: 42 } : d)) }) };
      }, true),
    );
    await pullAndExpect(app, connectionId, /without a usable id/);
    expect(await snapshot(app)).toEqual(before);
  });

  it('Atomscale: FastAPI’s route-not-found (a wrong base URL) is an error, not an empty list', async () => {
    const { app, proxy, connectionId, before } = await setUp(() => startAtomscaleEmulator({}));
    proxy.rules.push(on('GET', '/instruments/synthesis', () => ({ status: 404, body: '{"detail":"Not Found"}' })));
    await pullAndExpect(app, connectionId, /base URL/);
    expect(await snapshot(app)).toEqual(before);
    // Any other 404 is the SDK's "none": too weak to delete on.
    proxy.rules[0] = on('GET', '/instruments/synthesis', () => ({ status: 404, body: '{"detail":"No instruments"}' }));
    await app.client.call('sync.now', { connectionId });
    await waitFor('a quiet pull', async () => (await app.client.call('sync.status', {}))[0]!.state === 'idle');
    expect(await snapshot(app)).toEqual(before);
  });

  it('Catalog: a list that is not an array, an HTML page or a truncated body changes nothing', async () => {
    const { app, proxy, connectionId, before } = await setUp(() => startCatalogEmulator({ rateLimitScale: 20 }));
    const bodies = [catalogEnvelope({ instruments: [] }), '<html><body>Bad gateway</body></html>', catalogEnvelope([]).slice(0, 20)];
    for (const body of bodies) {
      proxy.rules[0] = on('GET', '/api/instruments/', () => ({ status: 200, body }));
      await pullAndExpect(app, connectionId, /shape|format|not JSON|Instrument Catalog/);
      expect(await snapshot(app)).toEqual(before);
    }
  });

  it('Catalog: a listing lacking most records removes nothing until the user confirms', async () => {
    const { app, proxy, connectionId, before } = await setUp(() => startCatalogEmulator({ rateLimitScale: 20, records: 40 }));
    proxy.rules.push(
      on('GET', '/api/instruments/', (up) => ({ status: 200, body: catalogEnvelope((JSON.parse(up!.body.toString()).data as unknown[]).slice(0, 3)) }), true),
    );
    await app.client.call('sync.now', { connectionId });
    const status = await waitFor('the removal held back', async () => (await app.client.call('sync.status', {})).find((s) => s.removalToConfirm !== null));
    expect(status.message).toMatch(/lacks \d+ of the \d+ instrument records here, so nothing was removed/);
    expect(status.removalToConfirm).toBe(before.length - 3);
    expect(await snapshot(app)).toEqual(before);
    expect((await app.client.call('sync.confirmRemoval', { connectionId })).ok).toBe(true);
    await waitFor('the confirmed removal', async () => (await snapshot(app)).length === 3);
    expect((await app.client.call('sync.status', {}))[0]!.removalToConfirm).toBeNull();
  });

  it('Catalog: a huge body and a gzip bomb are refused without being read whole; the app keeps answering', async () => {
    const { app, proxy, connectionId, before } = await setUp(() => startCatalogEmulator({ rateLimitScale: 20 }));
    const huge = Buffer.alloc(80 * 1024 * 1024, 0x20);
    const bomb = gzipSync(Buffer.alloc(300 * 1024 * 1024, 0x20));
    for (const reply of [{ status: 200, body: huge }, { status: 200, headers: { 'content-encoding': 'gzip' }, body: bomb }]) {
      proxy.rules[0] = on('GET', '/api/categories/', () => reply);
      const rss = process.memoryUsage().rss;
      await pullAndExpect(app, connectionId, /larger than 64 MB/);
      expect(process.memoryUsage().rss - rss).toBeLessThan(200 * 1024 * 1024);
      const t = performance.now();
      await app.client.call('sync.status', {});
      expect(performance.now() - t).toBeLessThan(1_000);
      expect(await snapshot(app)).toEqual(before);
    }
  });

  it('Catalog: JSON nested a hundred thousand levels deep is refused cleanly', async () => {
    const { app, proxy, connectionId, before } = await setUp(() => startCatalogEmulator({ rateLimitScale: 20 }));
    const deep = `${'['.repeat(100_000)}${']'.repeat(100_000)}`;
    proxy.rules.push(on('GET', '/api/categories/', () => ({ status: 200, body: `{"successful":true,"errors":[],"data":${deep}}` })));
    await pullAndExpect(app, connectionId, /nested more than 64 levels/);
    expect(await snapshot(app)).toEqual(before);
  });

  it('Catalog: a redirect to another path on the same host is not followed with the key', async () => {
    const { app, proxy, connectionId, before } = await setUp(() => startCatalogEmulator({ rateLimitScale: 20 }));
    proxy.rules.push(on('GET', '/api/categories/', () => ({ status: 307, headers: { location: '/elsewhere/categories/' }, body: '' })));
    await pullAndExpect(app, connectionId, /outside this connection's base URL/);
    expect(proxy.seen.filter((s) => s.path.startsWith('/elsewhere'))).toEqual([]);
    expect(await snapshot(app)).toEqual(before);
  });

  it('Cannlytics: Retry-After of thirty years waits an hour at most, and "Check connection" answers at once', async () => {
    const { app, proxy, connectionId } = await setUp(() => startCannlyticsEmulator());
    proxy.rules.push(on('GET', '/api/instruments', () => ({ status: 429, headers: { 'retry-after': '999999999' }, body: '{"success":false,"message":"slow down"}' })));
    const status = await pullAndExpect(app, connectionId, /Waiting \d+ s/);
    const waiting = Number(/Waiting (\d+) s/.exec(status.message!)![1]);
    expect(waiting).toBeLessThanOrEqual(3600);
    expect(waiting).toBeGreaterThan(3500);
    const t = performance.now();
    const check = await app.client.call('connections.check', { id: connectionId });
    expect(performance.now() - t).toBeLessThan(1_000);
    expect(check).toMatchObject({ ok: false, outcome: 'not_checked', message: expect.stringMatching(/slow down/) });
  });

  it('Cannlytics: an item the server fails on (5xx) stops holding back the other records batched with it', async () => {
    const { app, proxy, connectionId } = await setUp(() => startCannlyticsEmulator());
    const [poisoned, ...others] = (await app.client.call('records.list', { connectionId, limit: 500 })).items.slice(0, 3);
    // The server fails (and applies nothing) on any write carrying this item.
    proxy.rules.push({
      match: (method, _path, body) => method === 'POST' && body.includes('POISON'),
      reply: () => ({ status: 500, headers: { 'content-type': 'text/html' }, body: '<h1>Server Error (500)</h1>' }),
    });
    await app.client.call('connections.setPaused', { id: connectionId, paused: true });
    await app.client.call('records.update', { id: poisoned!.id, fields: { description: 'POISON' } });
    for (const r of others) await app.client.call('records.update', { id: r.id, fields: { description: `Fine ${r.remoteId}` } });
    await app.client.call('connections.setPaused', { id: connectionId, paused: false });
    const failing = await waitFor('the poisoned op failing', async () => (await app.client.call('outbox.list', {})).find((o) => o.state === 'failing'), 25_000);
    expect(failing.recordId).toBe(poisoned!.id);
    expect(failing.error).toMatch(/HTTP 500.*Server Error \(500\)/);
    expect((await app.client.call('outbox.list', {})).map((o) => o.recordId)).toEqual([poisoned!.id]);
    for (const r of others) expect((await app.client.call('records.get', { id: r.id })).status).toBe('synced');
  });
});
