import { afterEach, describe, expect, it } from 'vitest';
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

async function setUp(start: () => Promise<RunningEmulator>, role = 'member') {
  dir = tempDir();
  emulator = await start();
  app = await startApp(dir.path, FAST_SYNC);
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
    await app.client.call('records.delete', { id: deleted!.id });
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
});
