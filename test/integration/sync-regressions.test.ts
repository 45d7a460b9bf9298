import { createServer, type Server } from 'node:http';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { RunningEmulator } from '../sandbox/common/emulator-server';
import { startBrainstemEmulator } from '../sandbox/brainstem/brainstem-emulator';
import { startCatalogEmulator } from '../sandbox/catalog/catalog-emulator';
import { connectTo, FAST_SYNC, remoteGet, startApp, tempDir, type TestApp, waitFor, waitForDrain } from './harness';

/** Defects found in review, each pinned by the scenario that exposed it. */
let emulator: RunningEmulator;
let app: TestApp;
let dir: ReturnType<typeof tempDir>;
let connectionId: string;

async function connect() {
  connectionId = (await connectTo(app, emulator)).id;
}

beforeEach(async () => {
  dir = tempDir();
  emulator = await startCatalogEmulator({ rateLimitScale: 20 });
  app = await startApp(dir.path);
});

afterEach(async () => {
  await app.close();
  await emulator.close();
  dir.remove();
});

describe('sync regressions', () => {
  it('an edit queued behind a refused one folds into it, and the loop does not spin meanwhile', async () => {
    await connect();
    const own = (await app.client.call('records.list', { limit: 500 })).items.find((r) => r.editable)!;
    emulator.faults.set({ latencyMs: 400 });
    emulator.faults.queue({ kind: 'status', status: 404, method: 'PUT' });
    await app.client.call('records.update', { id: own.id, fields: { description: 'First edit' } });
    await waitFor('the PUT in flight', async () => (await app.client.call('outbox.list', {}))[0]?.state === 'in_flight');
    await app.client.call('records.update', { id: own.id, fields: { alternate_names: ['Second edit'] } });
    const rejected = await waitFor('the refusal', async () => {
      const ops = await app.client.call('outbox.list', {});
      return ops.length === 1 && ops[0]!.state === 'rejected' ? ops[0] : undefined;
    });
    expect(rejected.payload).toEqual({ description: 'First edit', alternate_names: ['Second edit'] });
    // Timers still run on time: the engine is asleep, not spinning on an op it cannot send.
    let ticks = 0;
    const timer = setInterval(() => ticks++, 10);
    await new Promise((r) => setTimeout(r, 500));
    clearInterval(timer);
    expect(ticks).toBeGreaterThan(30);
    emulator.faults.set({ latencyMs: 0 });
    await app.client.call('outbox.retry', { opId: rejected.id });
    await waitForDrain(app, connectionId);
    const remote = (await remoteGet(emulator.baseUrl, `/instruments/${own.remoteId}/`, emulator.users.member!)).data;
    expect(remote).toMatchObject({ description: 'First edit', alternate_names: ['Second edit'] });
  });

  it('a create whose reply was lost is not duplicated when a pull comes before its retry', async () => {
    await app.close();
    app = await startApp(dir.path, { ...FAST_SYNC, retryBackoff: { baseMs: 1_500, maxMs: 1_500 } });
    await connect();
    emulator.faults.queue({ kind: 'reset-after-commit', method: 'POST' });
    await app.client.call('records.create', { connectionId, kind: 'instrument', fields: { name: 'Benchtop incubator BX-17', description: 'Binder CB 170', category_id: 1 } });
    await waitFor('the lost reply', async () => (await app.client.call('outbox.list', {}))[0]?.attempts === 1);
    await app.client.call('sync.now', { connectionId });
    await waitForDrain(app, connectionId);
    await app.client.call('sync.now', { connectionId });
    await waitFor('a later pull', async () => (await app.client.call('sync.status', {}))[0]!.state === 'idle');
    const remote = ((await remoteGet(emulator.baseUrl, '/instruments/', emulator.users.member!)).data as { name: string }[]).filter((i) => i.name === 'Benchtop incubator BX-17');
    expect(remote).toHaveLength(1);
    expect((await app.client.call('records.list', { text: 'BX-17', limit: 500 })).items.filter((r) => r.title === 'Benchtop incubator BX-17')).toHaveLength(1);
  });

  it('a stored key is not sent to a new base URL: changing the URL asks for the key again', async () => {
    await connect();
    const c = (await app.client.call('connections.list', {}))[0]!;
    await expect(
      app.client.call('connections.save', { id: c.id, system: 'catalog', name: c.name, baseUrl: 'http://127.0.0.1:9/api', settings: {} }),
    ).rejects.toMatchObject({ error: { code: 'validation', fieldErrors: { apiKey: [expect.stringMatching(/Enter the API key again/)] } } });
    expect((await app.client.call('connections.list', {}))[0]!.baseUrl).toBe(emulator.baseUrl);
    // Renaming alone keeps the key.
    await app.client.call('connections.save', { id: c.id, system: 'catalog', name: 'Renamed', baseUrl: c.baseUrl, settings: {} });
    expect((await app.client.call('connections.list', {}))[0]).toMatchObject({ name: 'Renamed', hasKey: true });
  });

  it('a redirect to another origin is refused and the key does not follow it', async () => {
    const seen: string[] = [];
    const elsewhere: Server = createServer((req, res) => {
      seen.push(String(req.headers.authorization));
      res.end('{}');
    });
    await new Promise<void>((r) => elsewhere.listen(0, '127.0.0.1', r));
    const port = (elsewhere.address() as { port: number }).port;
    const redirecting: Server = createServer((_req, res) => {
      res.writeHead(302, { location: `http://localhost:${port}/api/categories/` }).end();
    });
    await new Promise<void>((r) => redirecting.listen(0, '127.0.0.1', r));
    try {
      const c = await app.client.call('connections.save', {
        system: 'catalog',
        name: 'Redirects',
        baseUrl: `http://127.0.0.1:${(redirecting.address() as { port: number }).port}/api`,
        settings: {},
        apiKey: 'secret-key',
      });
      const check = await app.client.call('connections.check', { id: c.id });
      expect(check).toMatchObject({ ok: false, outcome: 'failed' });
      expect(check.message).toMatch(/redirected to localhost/);
      expect(seen).toEqual([]);
    } finally {
      redirecting.close();
      elsewhere.close();
    }
  });
});

describe('sync regressions: BrainSTEM consumables', () => {
  let brainstem: RunningEmulator;
  beforeEach(async () => {
    brainstem = await startBrainstemEmulator({});
  });
  afterEach(async () => {
    await brainstem.close();
  });

  it('a change whose reply was lost files one proposal, not two', async () => {
    const c = await app.client.call('connections.save', { system: 'brainstem', name: 'BrainSTEM', baseUrl: brainstem.baseUrl, settings: {}, apiKey: brainstem.users.member! });
    await waitFor('the first pull', async () => (await app.client.call('sync.status', {}))[0]?.lastPullAt);
    const consumable = (await app.client.call('records.list', { kind: 'consumable', limit: 500 })).items[0]!;
    brainstem.faults.queue({ kind: 'reset-after-commit', method: 'PATCH' });
    await app.client.call('records.update', { id: consumable.id, fields: { description: 'Aliquoted into 50 µL tubes, -80 °C' } });
    await waitFor('awaiting approval', async () => (await app.client.call('records.get', { id: consumable.id })).status === 'awaiting_approval');
    await waitForDrain(app, c.id).catch(() => undefined);
    const res = await fetch(
      `${brainstem.baseUrl}/api/private/resources/consumableapproval/?limit=100&filter%7Binstance_id%7D=${consumable.remoteId}&filter%7Baction%7D=Change`,
      { headers: { authorization: `Bearer ${brainstem.users.admin}` } },
    );
    const changes = ((await res.json()).consumable_approvals as { description: string; status: string }[]).filter(
      (a) => a.description === 'Aliquoted into 50 µL tubes, -80 °C' && a.status === 'Pending',
    );
    expect(changes).toHaveLength(1);
  });

  it('a rejected proposal can be resubmitted as is', async () => {
    await app.close();
    app = await startApp(dir.path, { ...FAST_SYNC, proposalPollMs: 300 });
    await app.client.call('connections.save', { system: 'brainstem', name: 'BrainSTEM', baseUrl: brainstem.baseUrl, settings: {}, apiKey: brainstem.users.member! });
    await waitFor('the first pull', async () => (await app.client.call('sync.status', {}))[0]?.lastPullAt);
    const consumable = (await app.client.call('records.list', { kind: 'consumable', limit: 500 })).items[0]!;
    const text = 'Store at 4 °C; protect from light.';
    await app.client.call('records.update', { id: consumable.id, fields: { description: text } });
    const first = await waitFor('the proposal', async () => {
      const r = await app.client.call('records.get', { id: consumable.id });
      return r.status === 'awaiting_approval' ? r : undefined;
    });
    const reject = await fetch(`${brainstem.baseUrl}/api/private/resources/consumableapproval/${first.proposal!.approvalId}/reject/`, {
      method: 'PATCH',
      headers: { authorization: `Bearer ${brainstem.users.admin}` },
    });
    expect(reject.status).toBe(200);
    await waitFor('the rejection', async () => (await app.client.call('records.get', { id: consumable.id })).status === 'rejected');

    await app.client.call('records.resubmitProposal', { id: consumable.id });
    const second = await waitFor('the new proposal', async () => {
      const r = await app.client.call('records.get', { id: consumable.id });
      return r.status === 'awaiting_approval' ? r : undefined;
    });
    expect(second.proposal!.approvalId).not.toBe(first.proposal!.approvalId);
    expect(second.proposal!.fields.description).toBe(text);
    await expect(app.client.call('records.resubmitProposal', { id: consumable.id })).rejects.toMatchObject({ error: { code: 'conflict' } });
  });
});
