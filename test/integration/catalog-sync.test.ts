import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { ContractCallError } from '../../src-shared/contract/client';
import type { RunningEmulator } from '../sandbox/common/emulator-server';
import { startCatalogEmulator } from '../sandbox/catalog/catalog-emulator';
import { catalogQuietWindow, connectTo, FAST_SYNC, remoteGet, startApp, tempDir, type TestApp, waitFor, waitForDrain } from './harness';

/**
 * The engine against the Instrument Catalog emulator on loopback: a real SQLite file, real HTTP,
 * the real limiter. The emulator's limit is scaled up where the limit is not what is tested.
 */
let emulator: RunningEmulator;
let app: TestApp;
let dir: ReturnType<typeof tempDir>;
let connectionId: string;

async function connect(role: 'member' | 'other' = 'member') {
  const c = await connectTo(app, emulator, role);
  connectionId = c.id;
  return c;
}

const remoteInstruments = async () => (await remoteGet(emulator.baseUrl, '/instruments/', emulator.users.member!)).data as any[];
const list = async (text = '') => (await app.client.call('records.list', { text, limit: 500 })).items;
const byTitle = async (title: string) => (await list()).find((r) => r.title === title);

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

describe('catalog sync', () => {
  it('pulls categories and instruments; only the user’s own are editable', async () => {
    await connect();
    const categories = await app.client.call('categories.list', { connectionId });
    expect(categories.map((c) => c.name)).toContain('Strings');
    const remote = await remoteInstruments();
    const mine = (await remoteGet(emulator.baseUrl, '/myinstruments/', emulator.users.member!)).data as any[];
    const local = await list();
    expect(local).toHaveLength(remote.length);
    expect(local.filter((r) => r.editable).map((r) => r.remoteId).sort()).toEqual(mine.map((i) => String(i.id)).sort());
    const harp = local.find((r) => r.title === 'Pedal Harp')!;
    expect(harp.editable).toBe(false);
    expect(harp.status).toBe('synced');
    // Searching is done in SQL over the mirror.
    expect((await list('harp')).map((r) => r.title)).toEqual(expect.arrayContaining(['Pedal Harp', 'Lever Harp']));
  });

  it('offline edits are pending at once and reach the remote exactly once when it is back', async () => {
    // Once it has seen the network gone, the engine waits a while before trying again.
    await app.close();
    app = await startApp(dir.path, { ...FAST_SYNC, connectionBackoff: { baseMs: 60_000, maxMs: 60_000 } });
    await connect();
    const before = await remoteInstruments();
    const own = (await list()).filter((r) => r.editable);
    emulator.faults.set({ offline: true });

    const created = await app.client.call('records.create', {
      connectionId,
      kind: 'instrument',
      fields: { name: '  Bench   pH meter ', description: 'Mettler Toledo SevenCompact S220\n\nRoom B214', category_id: 1, alternate_names: ['pH meter 2'] },
    });
    expect(created.status).toBe('pending');
    expect(created.title).toBe('Bench pH meter');
    const offline = await waitFor('offline', async () => (await app.client.call('sync.status', {})).find((s) => s.state === 'offline'));
    expect(offline.online).toBe(false);
    expect(offline.message).toMatch(/Offline/);
    await app.client.call('records.update', { id: created.id, fields: { description: 'Mettler Toledo S220, bench 3' } });
    await app.client.call('records.update', { id: created.id, fields: { alternate_names: ['pH meter 2', 'S220'] } });
    const edited = own[0]!;
    await app.client.call('records.update', { id: edited.id, fields: { description: 'Recalibrated 2026-11-25' } });
    const doomed = own[1]!;
    await app.client.call('records.delete', { id: doomed.id, reason: 'No longer in the lab' });

    // Someone else's instrument is refused before anything is queued.
    const theirs = (await list()).find((r) => !r.editable)!;
    await expect(app.client.call('records.update', { id: theirs.id, fields: { description: 'x' } })).rejects.toMatchObject({
      error: { code: 'read_only' },
    });

    const queued = await app.client.call('outbox.list', {});
    // The create was tried once on a dead connection, so it may have reached the server: later edits
    // queue behind it instead of merging into it; the two edits merged with each other.
    const forNew = queued.filter((o) => o.recordId === created.id);
    expect(forNew.map((o) => o.type)).toEqual(['create', 'update']);
    expect(forNew[1]!.payload).toEqual({ description: 'Mettler Toledo S220, bench 3', alternate_names: ['pH meter 2', 'S220'] });
    expect(queued).toHaveLength(4);
    expect((await byTitle('Bench pH meter'))!.status).toBe('pending');

    emulator.faults.set({ offline: false });
    app.client.call('sync.now', {});
    await waitForDrain(app, connectionId);

    const after = await remoteInstruments();
    const made = after.filter((i) => i.name === 'Bench pH meter');
    expect(made).toHaveLength(1);
    expect(made[0]).toMatchObject({ description: 'Mettler Toledo S220, bench 3', alternate_names: ['pH meter 2', 'S220'], category_id: 1 });
    expect(after.find((i) => String(i.id) === edited.remoteId).description).toBe('Recalibrated 2026-11-25');
    expect(after.find((i) => String(i.id) === doomed.remoteId)).toBeUndefined();
    expect(after).toHaveLength(before.length);
    const local = await list();
    expect(local.every((r) => r.status === 'synced')).toBe(true);
    expect(local.find((r) => r.title === 'Bench pH meter')!.remoteId).toBe(String(made[0].id));
  });

  it('queued edits coalesce in the outbox: create+update+update is one create, create+delete is nothing', async () => {
    await connect();
    await app.client.call('connections.setPaused', { id: connectionId, paused: true });
    const own = (await list()).filter((r) => r.editable);
    const a = await app.client.call('records.create', { connectionId, kind: 'instrument', fields: { name: 'Stirrer', description: 'IKA', category_id: 1 } });
    await app.client.call('records.update', { id: a.id, fields: { description: 'IKA RCT basic' } });
    await app.client.call('records.update', { id: a.id, fields: { name: 'Magnetic stirrer' } });
    const b = await app.client.call('records.create', { connectionId, kind: 'instrument', fields: { name: 'Typo', description: 'x', category_id: 1 } });
    await app.client.call('records.delete', { id: b.id, reason: 'No longer in the lab' });
    await app.client.call('records.update', { id: own[0]!.id, fields: { description: 'first' } });
    await app.client.call('records.delete', { id: own[0]!.id, reason: 'No longer in the lab' });
    const ops = await app.client.call('outbox.list', {});
    expect(ops.map((o) => [o.recordId, o.type])).toEqual([
      [a.id, 'create'],
      [own[0]!.id, 'delete'],
    ]);
    expect(ops[0]!.payload).toMatchObject({ name: 'Magnetic stirrer', description: 'IKA RCT basic' });
    await expect(app.client.call('records.get', { id: b.id })).rejects.toMatchObject({ error: { code: 'not_found' } });
    const status = (await app.client.call('sync.status', {}))[0]!;
    expect(status.pending).toBe(2);
    expect(status.state).toBe('paused');
  });

  it('adopts the server’s normalised values, including the final image URL after redirects', async () => {
    await connect();
    const origin = new URL(emulator.baseUrl).origin;
    const created = await app.client.call('records.create', {
      connectionId,
      kind: 'instrument',
      fields: { name: 'Rotary evaporator', description: 'Buchi R-300', category_id: 1, image: `${origin}/img/rotavap` },
    });
    await waitForDrain(app, connectionId);
    const rec = await app.client.call('records.get', { id: created.id });
    expect(rec.fields.image).toBe(`${origin}/images/rotavap.png`);
    expect(rec.status).toBe('synced');
  });

  it('a rejected op shows the server’s message and does not block the queue; fixing it retries', async () => {
    await connect();
    const origin = new URL(emulator.baseUrl).origin;
    emulator.faults.set({ offline: true });
    const bad = await app.client.call('records.create', {
      connectionId,
      kind: 'instrument',
      fields: { name: 'Centrifuge 5810R', description: 'Eppendorf', category_id: 1, image: `${origin}/images/missing.txt` },
    });
    const good = await app.client.call('records.create', {
      connectionId,
      kind: 'instrument',
      fields: { name: 'Vortex Genie 2', description: 'Scientific Industries', category_id: 1 },
    });
    emulator.faults.set({ offline: false });
    app.client.call('sync.now', {});
    const rejected = await waitFor('the rejection', async () => {
      const r = await app.client.call('records.get', { id: bad.id });
      return r.status === 'rejected' ? r : undefined;
    });
    expect(rejected.ops[0]!.error).toBe('Image URL: The image must be a jpg, png, or gif.');
    expect(rejected.ops[0]!.fieldErrors).toEqual({ image: ['Image URL: The image must be a jpg, png, or gif.'] });
    await waitFor('the other create', async () => (await app.client.call('records.get', { id: good.id })).status === 'synced');

    await app.client.call('records.update', { id: bad.id, fields: { image: null } });
    await waitForDrain(app, connectionId);
    expect((await app.client.call('records.get', { id: bad.id })).status).toBe('synced');
    expect((await remoteInstruments()).filter((i) => i.name === 'Centrifuge 5810R')).toHaveLength(1);
  });

  it('a rejected op can be discarded, restoring the remote version', async () => {
    await connect();
    const own = (await list()).find((r) => r.editable)!;
    const original = (await app.client.call('records.get', { id: own.id })).fields;
    // The server refuses this update (404: gone there): parked as rejected, not retried.
    emulator.faults.queue({ kind: 'status', status: 404, method: 'PUT' });
    await app.client.call('records.update', { id: own.id, fields: { description: 'Will be refused' } });
    const rec = await waitFor('rejection', async () => {
      const r = await app.client.call('records.get', { id: own.id });
      return r.status === 'rejected' ? r : undefined;
    });
    await app.client.call('outbox.discard', { opId: rec.ops[0]!.id });
    const back = await app.client.call('records.get', { id: own.id });
    expect(back.status).toBe('synced');
    expect(back.fields).toEqual(original);
  });

  it('on 429 the connection pauses, backs off and still delivers everything once', async () => {
    await connect();
    await app.client.call('connections.setPaused', { id: connectionId, paused: true });
    const names = ['Hotplate A', 'Hotplate B', 'Hotplate C'];
    for (const name of names) {
      await app.client.call('records.create', { connectionId, kind: 'instrument', fields: { name, description: 'IKA C-MAG HS 7', category_id: 1 } });
    }
    emulator.faults.storm429(2_000);
    await app.client.call('connections.setPaused', { id: connectionId, paused: false });
    const limited = await waitFor('rate limited state', async () => (await app.client.call('sync.status', {})).find((s) => s.state === 'rate_limited'));
    expect(limited.message).toMatch(/Rate limit exceeded/);
    expect(limited.pending).toBe(3);
    await waitForDrain(app, connectionId);
    const remote = await remoteInstruments();
    for (const name of names) expect(remote.filter((i) => i.name === name)).toHaveLength(1);
  });

  it('the real limit (2/s, 50/min) is respected: no 429 while draining a burst', async () => {
    await emulator.close();
    emulator = await startCatalogEmulator({}); // the published limit
    await connect();
    const limited = app.core.engine.sync(connectionId)!;
    for (let i = 0; i < 6; i++) {
      await app.client.call('records.create', { connectionId, kind: 'instrument', fields: { name: `Pipette P${i}`, description: 'Gilson', category_id: 1 } });
    }
    const t0 = Date.now();
    await waitForDrain(app, connectionId, 30_000);
    expect(limited.state).toBe('idle');
    // Six writes plus the pull before them at 2/s cannot be faster than ~2.5 s; a 429 would have shown as rate_limited.
    expect(Date.now() - t0).toBeGreaterThanOrEqual(2_000);
    await catalogQuietWindow();
    expect((await remoteInstruments()).filter((i) => i.name.startsWith('Pipette P'))).toHaveLength(6);
  });

  it('a create whose reply was lost is found again, not created twice', async () => {
    await connect();
    emulator.faults.queue({ kind: 'reset-after-commit', method: 'POST' });
    const created = await app.client.call('records.create', {
      connectionId,
      kind: 'instrument',
      fields: { name: 'Analytical balance XS205', description: 'Mettler Toledo', category_id: 1 },
    });
    await waitForDrain(app, connectionId);
    const remote = (await remoteInstruments()).filter((i) => i.name === 'Analytical balance XS205');
    expect(remote).toHaveLength(1);
    expect((await app.client.call('records.get', { id: created.id })).remoteId).toBe(String(remote[0].id));
  });

  it('edits pending at shutdown are sent after a restart', async () => {
    await connect();
    emulator.faults.set({ offline: true });
    const created = await app.client.call('records.create', {
      connectionId,
      kind: 'instrument',
      fields: { name: 'Fume hood monitor', description: 'TSI 8682', category_id: 1 },
    });
    await app.close();
    emulator.faults.set({ offline: false });
    app = await startApp(dir.path);
    expect((await app.client.call('records.get', { id: created.id })).status).not.toBe('synced');
    await waitForDrain(app, connectionId);
    expect((await remoteInstruments()).filter((i) => i.name === 'Fume hood monitor')).toHaveLength(1);
  });

});

describe('catalog sync: three-way merge on pull', () => {
  // A pull only meets pending edits when they could not go out first: here a 503 puts the PUT in
  // backoff and "Sync now" forces the pull in the same cycle.
  const put = (id: string | null, body: object) =>
    fetch(`${emulator.baseUrl}/instruments/${id}/`, {
      method: 'PUT',
      headers: { authorization: `Bearer ${emulator.users.member}`, 'content-type': 'application/json' },
      body: JSON.stringify(body),
    });

  beforeEach(async () => {
    await app.close();
    // Long enough that the forced pull (3 requests at 2/s) lands well before the retry.
    app = await startApp(dir.path, { ...FAST_SYNC, retryBackoff: { baseMs: 10_000, maxMs: 10_000 } });
  });

  async function editWhileRemoteMoved(local: Record<string, unknown>, remote: object) {
    await connect();
    const own = (await list()).find((r) => r.editable)!;
    await put(own.remoteId, remote);
    emulator.faults.queue({ kind: 'status', status: 503, method: 'PUT' });
    await app.client.call('records.update', { id: own.id, fields: local });
    await app.client.call('sync.now', { connectionId });
    return own;
  }

  it('same field changed on both sides: a conflict keeping both versions; "keep mine" sends mine', async () => {
    const own = await editWhileRemoteMoved({ description: 'Local: moved to bench 4' }, { description: 'Remote: sent for repair' });
    const rec = await waitFor('the conflict', async () => {
      const r = await app.client.call('records.get', { id: own.id });
      return r.status === 'conflict' ? r : undefined;
    });
    expect(rec.fields.description).toBe('Local: moved to bench 4');
    expect(rec.remoteFields!.description).toBe('Remote: sent for repair');
    expect(rec.conflictFields).toEqual(['description']);
    // Held while in conflict: nothing goes out, even after the backoff.
    const due = Date.parse(rec.ops[0]!.nextAttemptAt!);
    await new Promise((r) => setTimeout(r, Math.max(0, due - Date.now()) + 300));
    expect((await remoteGet(emulator.baseUrl, `/instruments/${own.remoteId}/`, emulator.users.member!)).data.description).toBe('Remote: sent for repair');

    await app.client.call('records.resolveConflict', { id: own.id, keep: 'mine' });
    await waitForDrain(app, connectionId);
    expect((await remoteGet(emulator.baseUrl, `/instruments/${own.remoteId}/`, emulator.users.member!)).data.description).toBe('Local: moved to bench 4');
    expect((await app.client.call('records.get', { id: own.id })).status).toBe('synced');
  });

  it('field by field: the server’s description, my name, and the server’s change to another field all survive', async () => {
    const own = await editWhileRemoteMoved(
      { name: 'Bench scope (room 4)', description: 'Local: moved to bench 4' },
      { description: 'Remote: sent for repair', alternate_names: ['Loaner'] },
    );
    await waitFor('the conflict', async () => (await app.client.call('records.get', { id: own.id })).status === 'conflict');
    await expect(app.client.call('records.resolveConflict', { id: own.id, fields: { name: 'mine' } })).rejects.toBeInstanceOf(ContractCallError);
    await app.client.call('records.resolveConflict', { id: own.id, fields: { description: 'theirs' } });
    await waitForDrain(app, connectionId, 20_000);
    const remote = (await remoteGet(emulator.baseUrl, `/instruments/${own.remoteId}/`, emulator.users.member!)).data;
    expect(remote).toMatchObject({ name: 'Bench scope (room 4)', description: 'Remote: sent for repair', alternate_names: ['Loaner'] });
    const rec = await app.client.call('records.get', { id: own.id });
    expect(rec).toMatchObject({ status: 'synced', fields: { name: 'Bench scope (room 4)', description: 'Remote: sent for repair', alternate_names: ['Loaner'] } });
  });

  it('"use server’s" drops the local edit', async () => {
    const own = await editWhileRemoteMoved({ description: 'Local text' }, { description: 'Server text' });
    await waitFor('the conflict', async () => (await app.client.call('records.get', { id: own.id })).status === 'conflict');
    const resolved = await app.client.call('records.resolveConflict', { id: own.id, keep: 'theirs' });
    expect(resolved.status).toBe('synced');
    expect(resolved.fields.description).toBe('Server text');
    expect(await app.client.call('outbox.list', {})).toEqual([]);
  });

  it('disjoint fields: both edits survive and only the local field is sent', async () => {
    const own = await editWhileRemoteMoved({ alternate_names: ['Bench alias'] }, { description: 'Remote notes changed' });
    await waitFor('the merge', async () => {
      const r = await app.client.call('records.get', { id: own.id });
      return r.fields.description === 'Remote notes changed' && r.status === 'pending';
    });
    await waitForDrain(app, connectionId, 20_000);
    const remote = (await remoteGet(emulator.baseUrl, `/instruments/${own.remoteId}/`, emulator.users.member!)).data;
    expect(remote.description).toBe('Remote notes changed');
    expect(remote.alternate_names).toEqual(['Bench alias']);
  });
});

describe('catalog connection errors', () => {
  it('a rejected key puts the connection in key_rejected and keeps edits', async () => {
    const c = await app.client.call('connections.save', { system: 'catalog', name: 'Bad key', baseUrl: emulator.baseUrl, settings: {}, apiKey: 'not-a-key' });
    await waitFor('key rejected', async () => (await app.client.call('sync.status', {}))[0]!.state === 'key_rejected');
    const check = await app.client.call('connections.check', { id: c.id });
    expect(check).toMatchObject({ ok: false, outcome: 'refused' });
    expect(check.message).toMatch(/rejected the API key/);
    // The key never comes back to the renderer.
    expect(JSON.stringify(await app.client.call('connections.list', {}))).not.toContain('not-a-key');
  });

  it('malformed requests get a clear error and change nothing', async () => {
    await connect();
    const before = await app.client.call('records.list', {});
    await expect(app.client.call('records.create', { connectionId, kind: 'gadget' } as never)).rejects.toBeInstanceOf(ContractCallError);
    await expect(app.client.call('nope' as never, {} as never)).rejects.toMatchObject({ error: { code: 'invalid_request' } });
    await expect(
      app.client.call('records.create', { connectionId, kind: 'instrument', fields: { name: 'x', description: 'y', category_id: 999 } }),
    ).rejects.toMatchObject({ error: { code: 'validation', fieldErrors: { category_id: ['An invalid category ID was provided.'] } } });
    expect((await app.client.call('records.list', {})).total).toBe(before.total);
    expect(await app.client.call('outbox.list', {})).toEqual([]);
  });
});
