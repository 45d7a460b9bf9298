import { afterEach, describe, expect, it } from 'vitest';
import { startAtomscaleEmulator } from '../sandbox/atomscale/atomscale-emulator';
import { startBrainstemEmulator } from '../sandbox/brainstem/brainstem-emulator';
import { startCannlyticsEmulator } from '../sandbox/cannlytics/cannlytics-emulator';
import { startCatalogEmulator } from '../sandbox/catalog/catalog-emulator';
import type { RunningEmulator } from '../sandbox/common/emulator-server';
import { connectTo, FAST_SYNC, remoteGet, startApp, tempDir, type TestApp, waitFor, waitForDrain } from './harness';

/**
 * The connectors against the emulators in their published-code mode (what the services' own
 * server code does, docs/remotes/<system>.md): they pull, push what the service can do, and say
 * plainly what it cannot, without retrying forever.
 */
let emulator: RunningEmulator | undefined;
let app: TestApp | undefined;
let dir: ReturnType<typeof tempDir> | undefined;

afterEach(async () => {
  await app?.close();
  await emulator?.close();
  dir?.remove();
  app = emulator = dir = undefined;
});

const realFetch = globalThis.fetch;

async function setUp(start: () => Promise<RunningEmulator>, role = 'member', sync = FAST_SYNC) {
  dir = tempDir();
  emulator = await start();
  app = await startApp(dir.path, sync);
  const settings: Record<string, string> = emulator.extra.organizationId ? { organizationId: emulator.extra.organizationId } : {};
  const c = await connectTo(app, emulator, role, settings);
  return { app, emulator, connectionId: c.id };
}

describe('against the published server code', () => {
  it('Catalog: pulls; an edit its PUT cannot take ends failing on the server with its words, without holding back other records', async () => {
    const { app, emulator, connectionId } = await setUp(() => startCatalogEmulator({ rateLimitScale: 20, asPublished: true }));
    const own = (await app.client.call('records.list', { limit: 500 })).items.filter((r) => r.editable);
    expect(own.length).toBeGreaterThan(1);
    const [edited, deleted] = own;
    await app.client.call('records.update', { id: edited!.id, fields: { description: 'Recalibrated today' } });
    await app.client.call('records.delete', { id: deleted!.id, reason: 'No longer in the lab' });
    const failing = await waitFor('the edit to be failing', async () => (await app.client.call('records.get', { id: edited!.id })).ops.find((o) => o.state === 'failing'));
    expect(failing.error).toMatch(/HTTP 500/);
    expect(failing.error).toMatch(/stopped retrying/);
    expect((await app.client.call('records.get', { id: edited!.id })).status).toBe('rejected');
    // The delete of another record went out meanwhile.
    await waitFor('the delete', async () => (await app.client.call('outbox.list', {})).every((o) => o.recordId !== deleted!.id));
    expect((await remoteGet(emulator.baseUrl, `/instruments/${deleted!.remoteId}/`, emulator.users.member!)).successful).toBe(false);
    const status = (await app.client.call('sync.status', {})).find((s) => s.connectionId === connectionId)!;
    expect(status.rejected).toBe(1);
    // Retry sends it again (and it fails again, in words); Discard restores the server's version.
    expect((await app.client.call('outbox.retry', { opId: failing.id })).ok).toBe(true);
    await waitFor('it to fail again', async () => (await app.client.call('records.get', { id: edited!.id })).ops[0]?.state === 'failing');
    await app.client.call('outbox.discard', { opId: failing.id });
    await waitForDrain(app, connectionId);
    expect((await app.client.call('records.get', { id: edited!.id })).fields.description).not.toBe('Recalibrated today');
  });

  it('Catalog: a server failing at random (70 % 503) fails no op for good: every edit gets through in the end', async () => {
    const { app, emulator, connectionId } = await setUp(() => startCatalogEmulator({ rateLimitScale: 20 }));
    const own = (await app.client.call('records.list', { limit: 500 })).items.filter((r) => r.editable).slice(0, 10);
    emulator.faults.set({ errorRate: 0.7, errorStatus: 503 });
    for (const [i, r] of own.entries()) await app.client.call('records.update', { id: r.id, fields: { description: `Flaky server edit ${i}` } });
    // Until every edit is through, or one is given up on as failing on the server.
    const ops = await waitFor('every edit through, or one failing', async () => {
      const left = await app.client.call('outbox.list', {});
      return left.length === 0 || left.some((o) => o.state === 'failing') ? left : undefined;
    }, 60_000);
    expect(ops.map((o) => o.state)).toEqual([]);
    emulator.faults.set({ errorRate: 0 });
    await waitForDrain(app, connectionId);
    for (const [i, r] of own.entries()) {
      expect((await remoteGet(emulator.baseUrl, `/instruments/${r.remoteId}/`, emulator.users.member!)).data.description).toBe(`Flaky server edit ${i}`);
    }
  }, 90_000);

  it('Cannlytics: an owner’s key pulls and pushes without `limit`; a team key is told why it is refused, and its edits wait', async () => {
    const { app, emulator, connectionId } = await setUp(() => startCannlyticsEmulator({ asPublished: true }), 'owner');
    const items = (await app.client.call('records.list', { connectionId, limit: 500 })).items;
    expect(items.length).toBeGreaterThan(0);
    await app.client.call('records.update', { id: items[0]!.id, fields: { description: 'Published-mode edit' } });
    await app.client.call('records.create', { connectionId, kind: 'instrument', fields: { name: 'Published pipette', instrument_id: 'pub-1' } });
    await waitForDrain(app, connectionId);
    const org = emulator.extra.organizationId!;
    const read = async (key: string) =>
      ((await (await realFetch(`${emulator.baseUrl}/instruments/${key}?organization_id=${org}`, { headers: { authorization: `Bearer ${emulator.users.owner}` } })).json()) as { data: Record<string, unknown> }).data;
    expect((await read(items[0]!.remoteId!)).description).toBe('Published-mode edit');
    expect((await read('pub-1')).name).toBe('Published pipette');

    const team = await app.client.call('connections.save', { system: 'cannlytics', name: 'Team key', baseUrl: emulator.baseUrl, settings: { organizationId: org }, apiKey: emulator.users.member! });
    const status = await waitFor('the refusal', async () => (await app.client.call('sync.status', {})).find((s) => s.connectionId === team.id && s.state === 'key_rejected'));
    expect(status.message).toMatch(/only the organization’s owners/);
  });

  it('Atomscale: a refused key (403 Not authenticated) waits for a new key instead of refusing the edits', async () => {
    const { app, emulator, connectionId } = await setUp(() => startAtomscaleEmulator({ asPublished: true }));
    const items = (await app.client.call('records.list', { connectionId, limit: 500 })).items;
    expect(items.length).toBeGreaterThan(0);
    const c = (await app.client.call('connections.list', {}))[0]!;
    await app.client.call('connections.save', { id: c.id, system: 'atomscale', name: c.name, baseUrl: c.baseUrl, settings: c.settings, apiKey: 'not-a-key' });
    await app.client.call('records.delete', { id: items[0]!.id, reason: 'No longer in the lab' });
    const status = await waitFor('the key refused', async () => (await app.client.call('sync.status', {})).find((s) => s.state === 'key_rejected'));
    expect(status.message).toMatch(/did not accept the API key/);
    expect((await app.client.call('outbox.list', {})).map((o) => o.state)).toEqual(['queued']);
    await app.client.call('connections.save', { id: c.id, system: 'atomscale', name: c.name, baseUrl: c.baseUrl, settings: c.settings, apiKey: emulator.users.member! });
    await waitForDrain(app, connectionId);
    expect((await app.client.call('records.list', { connectionId, limit: 500 })).items.map((r) => r.id)).not.toContain(items[0]!.id);
  });

  it('BrainSTEM: with undocumented filters refused, a proposal still resolves (read by id) and the fallback is shown', async () => {
    const { app, emulator, connectionId } = await setUp(() => startBrainstemEmulator({ asPublished: true }), 'member', { ...FAST_SYNC, proposalPollMs: 300 });
    const suppliers = await app.client.call('categories.list', { connectionId, source: 'suppliers' });
    const supplier = suppliers.find((x) => x.name === 'Doric Lenses')!.remoteId;
    const created = await app.client.call('records.create', {
      connectionId,
      kind: 'consumable',
      fields: {
        name: 'MFC_200/245-0.37_5mm_MF1.25_FLT',
        type: 'OpticFiberDesign',
        supplier,
        description: 'Mono fiber-optic cannula, 200 µm core.',
        details: { productId: 'MFC_200/245-0.37_5mm_MF1.25_FLT', tipDescription: 'flat', coreDiameter: 200, outerDiameter: 245, aperture: 0.37 },
        rrid: '',
        external_identifiers: [],
        comments: '',
      },
    });
    const waiting = await waitFor('the proposal', async () => {
      const r = await app.client.call('records.get', { id: created.id });
      return r.status === 'awaiting_approval' ? r : undefined;
    });
    const accept = await realFetch(`${emulator.baseUrl}/api/private/resources/consumableapproval/${waiting.proposal!.approvalId}/accept/`, {
      method: 'PATCH',
      headers: { authorization: `Bearer ${emulator.users.admin}` },
    });
    expect(accept.status).toBe(200);
    await waitFor('the accepted proposal', async () => {
      const r = await app.client.call('records.get', { id: created.id }).catch(() => null);
      return r && r.status === 'synced' && r.remoteId ? r : undefined;
    });
    const status = (await app.client.call('sync.status', {}))[0]!;
    expect(status.notices.join(' ')).toMatch(/refused the filter filter\{id\.in\}/);
  });

  it('Atomscale: a delete whose reply was lost is done when its resend finds the instrument gone (the published server answers 400)', async () => {
    const { app, emulator, connectionId } = await setUp(() => startAtomscaleEmulator({ asPublished: true }));
    const [gone] = (await app.client.call('records.list', { connectionId, limit: 500 })).items;
    emulator.faults.queue({ kind: 'reset-after-commit', method: 'DELETE' });
    await app.client.call('records.delete', { id: gone!.id, reason: 'No longer in the lab' });
    await waitForDrain(app, connectionId);
    expect((await app.client.call('outbox.list', {})).length).toBe(0);
    expect((await app.client.call('records.list', { connectionId, limit: 500 })).items.map((r) => r.id)).not.toContain(gone!.id);
  });
});
