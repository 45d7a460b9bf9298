import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { RunningEmulator } from '../sandbox/common/emulator-server';
import { startCatalogEmulator } from '../sandbox/catalog/catalog-emulator';
import { connectTo, startApp, tempDir, type TestApp } from './harness';

let emulator: RunningEmulator;
let app: TestApp;
let dir: ReturnType<typeof tempDir>;
let connectionId: string;

beforeEach(async () => {
  dir = tempDir();
  emulator = await startCatalogEmulator({ rateLimitScale: 20 });
  app = await startApp(dir.path);
  connectionId = (await connectTo(app, emulator)).id;
});

afterEach(async () => {
  await app.close();
  await emulator.close();
  dir.remove();
});

describe('workspace exports and connection removal', () => {
  it('exports exactly the current view as CSV, never a key', async () => {
    const view = await app.client.call('records.list', { text: 'harp', limit: 500 });
    const out = await app.client.call('records.exportCsv', { text: 'harp' });
    expect(out.rows).toBe(view.total);
    const lines = out.csv.trimEnd().split('\r\n');
    expect(lines[0]).toBe('system,kind,remote_id,title,subtitle,status,alternate_names,category_id,description,image,name');
    expect(lines).toHaveLength(view.total + 1);
    expect(out.csv).toContain('Pedal Harp');
    expect(out.csv).not.toContain(emulator.users.member!);
  });

  it('a scanned code finds exact matches only: remote id, name, ignoring case', async () => {
    const harp = (await app.client.call('records.list', { text: 'pedal harp' })).items.find((r) => r.title === 'Pedal Harp')!;
    expect((await app.client.call('records.lookup', { code: '  PEDAL harp ' })).matches).toEqual([{ record: harp, by: 'name' }]);
    const byId = (await app.client.call('records.lookup', { code: harp.remoteId! })).matches;
    expect(byId).toContainEqual({ record: harp, by: 'id' });
    expect(byId.every((m) => m.record.remoteId === harp.remoteId || m.record.title === harp.remoteId)).toBe(true);
    expect((await app.client.call('records.lookup', { code: 'harp' })).matches).toEqual([]);
    await expect(app.client.call('records.lookup', { code: '   ' })).rejects.toMatchObject({ error: { code: 'invalid_request' } });
  });

  it('removing a connection with pending edits is refused until they are exported or discarded', async () => {
    await app.client.call('connections.setPaused', { id: connectionId, paused: true });
    const created = await app.client.call('records.create', { connectionId, kind: 'instrument', fields: { name: 'Spectrophotometer', description: 'NanoDrop One', category_id: 1 } });
    const refused = await app.client.call('connections.remove', { id: connectionId });
    expect(refused).toEqual({ removed: false, pendingEdits: 1 });
    expect((await app.client.call('records.get', { id: created.id })).status).toBe('pending');

    const exported = await app.client.call('outbox.export', { connectionId });
    const doc = JSON.parse(exported.json);
    expect(exported.ops).toBe(1);
    expect(doc.pendingEdits[0]).toMatchObject({ type: 'create', record: { fields: { name: 'Spectrophotometer' } } });
    expect(exported.json).not.toContain(emulator.users.member!);

    expect(await app.client.call('connections.remove', { id: connectionId, discardPending: true })).toEqual({ removed: true, pendingEdits: 1 });
    expect(await app.client.call('connections.list', {})).toEqual([]);
    expect((await app.client.call('records.list', {})).total).toBe(0);
    expect(await app.client.call('outbox.list', {})).toEqual([]);
  });
});
