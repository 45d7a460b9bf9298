import { afterEach, describe, expect, it } from 'vitest';
import { startCatalogEmulator } from '../sandbox/catalog/catalog-emulator';
import type { RunningEmulator } from '../sandbox/common/emulator-server';
import { connectTo, startApp, tempDir, type TestApp, waitFor, waitForDrain } from './harness';

/**
 * The record history through the engine, against the Catalog emulator: an offline edit, its sync,
 * a change made on the server by someone else, all read back with `history.record` and exported.
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

describe('record history through the engine', () => {
  it('keeps the offline edit with its op’s fate and the server’s later change, exports them, and verifies', async () => {
    dir = tempDir();
    emulator = await startCatalogEmulator({ rateLimitScale: 20 });
    app = await startApp(dir.path);
    const { id: connectionId } = await connectTo(app, emulator);
    const mine = (await app.client.call('records.list', { limit: 500 })).items.find((r) => r.editable)!;

    emulator.faults.set({ offline: true });
    await app.client.call('records.update', { id: mine.id, fields: { description: 'Recalibrated on bench 3' }, reason: 'Annual calibration' });
    emulator.faults.set({ offline: false });
    await app.client.call('sync.now', {});
    await waitForDrain(app, connectionId);

    // Someone else changes it on the server (the owner's key, straight over HTTP).
    const url = `${emulator.baseUrl}/instruments/${mine.remoteId}/`;
    const auth = { authorization: `Bearer ${emulator.users.member}` };
    const current = (await (await fetch(url, { headers: auth })).json()) as { data: Record<string, unknown> };
    const { id: _id, ...fields } = current.data;
    const put = await fetch(url, { method: 'PUT', headers: { ...auth, 'content-type': 'application/json' }, body: JSON.stringify({ ...fields, name: 'Renamed on the server' }) });
    expect(put.status).toBe(200);
    await app.client.call('sync.now', {});
    await waitFor('the server’s rename', async () => (await app!.client.call('records.get', { id: mine.id })).title === 'Renamed on the server');

    const { entries } = await app.client.call('history.record', { recordId: mine.id });
    // Newest first.
    const rename = entries.find((e) => e.field === 'name')!;
    expect(rename).toMatchObject({ source: 'pull', beforeText: mine.title, afterText: 'Renamed on the server', connectionName: 'catalog' });
    const edit = entries.find((e) => e.field === 'description' && e.source === 'local_edit')!;
    expect(edit).toMatchObject({ afterText: 'Recalibrated on bench 3', reason: 'Annual calibration', opFate: { event: 'op_acknowledged' } });
    expect(edit.osUser).not.toBe('');
    expect(entries.indexOf(rename)).toBeLessThan(entries.indexOf(edit));
    expect(entries.map((e) => e.event)).toEqual(expect.arrayContaining(['op_acknowledged', 'record_added']));

    const filtered = await app.client.call('history.record', { recordId: mine.id, source: 'pull' });
    expect(filtered.entries.every((e) => e.source === 'pull')).toBe(true);

    const csv = await app.client.call('history.export', { recordId: mine.id, format: 'csv' });
    const text = Buffer.from(csv.base64, 'base64').toString('utf8');
    expect(text.split('\r\n')[0]).toContain('When (UTC),Who');
    expect(text).toContain('Recalibrated on bench 3');
    expect(text).toContain('Annual calibration');
    expect(text).toContain('Renamed on the server');
    const pdf = await app.client.call('history.export', { recordId: mine.id, format: 'pdf' });
    expect(Buffer.from(pdf.base64, 'base64').subarray(0, 5).toString()).toBe('%PDF-');
    expect(pdf.entries).toBe(entries.length);

    expect(await app.client.call('history.verify', {})).toMatchObject({ ok: true });
    const across = await app.client.call('history.list', { connectionId, source: 'local_edit', limit: 10 });
    expect(across.entries.map((e) => e.recordId)).toContain(mine.id);
  });

  it('a delete needs a reason unless the policy says otherwise, and a refused delete changes nothing', async () => {
    dir = tempDir();
    emulator = await startCatalogEmulator({ rateLimitScale: 20 });
    app = await startApp(dir.path);
    await connectTo(app, emulator);
    const mine = (await app.client.call('records.list', { limit: 500 })).items.find((r) => r.editable)!;
    await expect(app.client.call('records.delete', { id: mine.id })).rejects.toMatchObject({ error: { code: 'validation', fieldErrors: { reason: expect.any(Array) } } });
    await expect(app.client.call('records.delete', { id: mine.id, reason: '   ' })).rejects.toMatchObject({ error: { code: 'validation' } });
    expect((await app.client.call('records.get', { id: mine.id })).deleted).toBe(false);
    expect(await app.client.call('history.setPolicy', { requireReasonForDelete: false })).toEqual({ requireReasonForDelete: false });
    await app.client.call('records.delete', { id: mine.id });
    expect((await app.client.call('history.record', { recordId: mine.id })).entries[0]).toMatchObject({ event: 'record_deleted', reason: null });
  });
});
