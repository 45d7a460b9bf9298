import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { startBrainstemEmulator } from '../sandbox/brainstem/brainstem-emulator';
import type { RunningEmulator } from '../sandbox/common/emulator-server';
import { startTamperingProxy, type TamperingProxy } from '../sandbox/common/tampering-proxy';
import { remoteGet, startApp, tempDir, type TestApp, waitFor, waitForDrain } from './harness';

/**
 * A bulk edit through the engine: `records.updateMany` on BrainSTEM equipment (one PATCH per
 * record), the sync loop, the emulator on loopback. A proxy in front of the emulator counts the
 * requests, so each record's change is seen to arrive exactly once, also for a record whose
 * earlier edit was still queued (the two go out as one PATCH).
 */
let emulator: RunningEmulator;
let proxy: TamperingProxy;
let app: TestApp;
let dir: ReturnType<typeof tempDir>;
let connectionId: string;

const EQUIPMENT = '/api/private/modules/equipment/';
const remoteOne = async (id: string) => (await remoteGet(emulator.baseUrl, `${EQUIPMENT}${id}/`, emulator.users.member!)).equipment;

beforeEach(async () => {
  dir = tempDir();
  emulator = await startBrainstemEmulator({});
  proxy = await startTamperingProxy(emulator.baseUrl);
  app = await startApp(dir.path);
  const c = await app.client.call('connections.save', { system: 'brainstem', name: 'Neuro lab', baseUrl: proxy.baseUrl, settings: {}, apiKey: emulator.users.member! });
  connectionId = c.id;
  await waitFor('the first pull', async () => (await app.client.call('sync.status', {}))[0]?.lastPullAt);
});

afterEach(async () => {
  await app.close();
  await proxy.close();
  await emulator.close();
  dir.remove();
});

describe('a bulk edit reaches the server', () => {
  it('sets the setup of several rigs: one PATCH per record, exactly once, merged with an edit queued before', async () => {
    const setups = await app.client.call('categories.list', { connectionId, source: 'setups' });
    const equipment = (await app.client.call('records.list', { kind: 'equipment', limit: 500 })).items.filter((r) => r.editable);
    const target = setups.find((s) => s.name.startsWith('Ephys Rig 2'))!;
    // The member only reads the miniscope arena (BrainSTEM would refuse moving its rigs: another test's story).
    const readOnly = setups.find((s) => s.name.startsWith('Miniscope'))!;
    // Five rigs not in that setup yet.
    const rigs = [];
    for (const r of equipment) {
      const detail = await app.client.call('records.get', { id: r.id });
      if (detail.fields.setup !== target.remoteId && detail.fields.setup !== readOnly.remoteId) rigs.push(detail);
      if (rigs.length === 5) break;
    }
    expect(rigs).toHaveLength(5);

    // Held back while the connection is paused: a note on the first rig, then the bulk edit.
    await app.client.call('connections.setPaused', { id: connectionId, paused: true });
    await app.client.call('records.update', { id: rigs[0]!.id, fields: { notes: 'Moved with the rest of the rig' } });
    const preview = await app.client.call('records.updateMany', { ids: rigs.map((r) => r.id), fields: { setup: target.remoteId }, dryRun: true });
    expect(preview.changed).toHaveLength(5);
    expect((await app.client.call('outbox.list', {})).map((o) => o.recordId)).toEqual([rigs[0]!.id]);
    const outcome = await app.client.call('records.updateMany', { ids: rigs.map((r) => r.id), fields: { setup: target.remoteId } });
    expect(outcome.changed.map((r) => r.id)).toEqual(rigs.map((r) => r.id));
    const queued = await app.client.call('outbox.list', {});
    expect(queued.map((o) => [o.recordId, o.type, o.payload])).toEqual([
      [rigs[0]!.id, 'update', { notes: 'Moved with the rest of the rig', setup: target.remoteId }],
      ...rigs.slice(1).map((r) => [r.id, 'update', { setup: target.remoteId }]),
    ]);

    proxy.seen.length = 0;
    await app.client.call('connections.setPaused', { id: connectionId, paused: false });
    await waitForDrain(app, connectionId);

    const patches = proxy.seen.filter((r) => r.method === 'PATCH').map((r) => r.path.replace(/\?.*$/, ''));
    expect(patches.sort()).toEqual(rigs.map((r) => `${EQUIPMENT}${r.remoteId}/`).sort());
    for (const rig of rigs) expect((await remoteOne(rig.remoteId!)).setup).toBe(target.remoteId);
    expect((await remoteOne(rigs[0]!.remoteId!)).notes).toBe('Moved with the rest of the rig');
    for (const rig of rigs) expect((await app.client.call('records.get', { id: rig.id })).status).toBe('synced');
  });

  it('a setup the server does not have: nothing is queued and the error names the records', async () => {
    const rigs = (await app.client.call('records.list', { kind: 'equipment', limit: 3 })).items;
    const error = await app.client.call('records.updateMany', { ids: rigs.map((r) => r.id), fields: { setup: 'no-such-setup' } }).catch((e: unknown) => e as Error);
    expect(error).toBeInstanceOf(Error);
    expect((error as Error).message).toMatch(/^Nothing was changed: 3 of 3 records cannot take this edit/);
    for (const r of rigs) expect((error as Error).message).toContain(`“${r.title}”`);
    expect(await app.client.call('outbox.list', {})).toEqual([]);
  });
});
