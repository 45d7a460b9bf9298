import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { ConnectionStore } from '../../src-main/core/connections/connection-store';
import { openDatabase, type OpenedDatabase } from '../../src-main/core/db/database';
import { Mirror } from '../../src-main/core/mirror/mirror';
import { OutboxQueries } from '../../src-main/core/outbox/outbox-queries';
import { RecordQueries } from '../../src-main/core/records/record-queries';
import { fileModeOnlyCipher, SecretStore } from '../../src-main/core/secrets/secret-store';
import type { RemoteRecord } from '../../src-main/connectors/connector';
import { tempDir } from '../integration/harness';

/**
 * The mirror on a real SQLite file, for what the bench UI shows: conflicts resolved field by
 * field in one transaction, the write permission BrainSTEM refuses per setup (kept across pulls,
 * enforced on edits), and when a record last matched the server.
 */
let dir: ReturnType<typeof tempDir>;
let opened: OpenedDatabase;
let connections: ConnectionStore;
let mirror: Mirror;
let outbox: OutboxQueries;
let queries: RecordQueries;
let generation = 0;

beforeEach(async () => {
  dir = tempDir('benchsync-mirror-forms-');
  opened = await openDatabase(join(dir.path, 'benchsync.sqlite'));
  connections = new ConnectionStore(opened.db, new SecretStore(join(dir.path, 'secrets.json'), fileModeOnlyCipher));
  mirror = new Mirror(opened.db, connections);
  outbox = new OutboxQueries(opened.db);
  queries = new RecordQueries(opened.db);
});

afterEach(async () => {
  await opened.close();
  dir.remove();
});

/** Sends the record's next op as the engine does: snapshot, claim. */
async function send(connectionId: string, recordId: string) {
  const [op] = (await outbox.nextReady(connectionId, Date.now(), 50)).filter((o) => o.record_id === recordId);
  if (!op) throw new Error('nothing ready for that record');
  const sent = await outbox.sendSnapshot(op);
  expect(await mirror.claim([{ op, sent }])).toEqual([op.id]);
  return { op, sent };
}

const titled = async (title: string) => (await queries.list({ text: '', offset: 0, limit: 50 })).items.find((r) => r.title === title)!;

describe('conflicts resolved field by field', () => {
  let connectionId: string;
  const instrument = (fields: Record<string, unknown>): RemoteRecord => ({
    kind: 'instrument',
    remoteId: '5',
    editable: true,
    fields: { name: 'Scope A', description: 'Bench microscope', image: null, category_id: 1, alternate_names: [], ...fields },
  });
  const pull = async (r: RemoteRecord) => mirror.applyPulledPage(connectionId, ++generation, [r]);

  /** Here: name (only here) and description; on the server: description and alternate names (only there). */
  async function conflicted() {
    connectionId = (await connections.save({ system: 'catalog', name: 'Catalog', baseUrl: 'http://127.0.0.1:9/api', settings: {}, apiKey: 'k' })).id;
    await mirror.applyPickList(connectionId, 'categories', [{ remoteId: '1', name: 'Microscopes', description: '' }]);
    await pull(instrument({}));
    const rec = await titled('Scope A');
    await mirror.edits.update(rec.id, { name: 'Scope B', description: 'Mine: moved to room 2' });
    await pull(instrument({ description: 'Theirs: recalibrated', alternate_names: ['Axio'] }));
    const detail = await queries.get(rec.id);
    expect(detail).toMatchObject({ status: 'conflict', conflictFields: ['description'] });
    return rec.id;
  }

  it('“theirs” for the conflicting field keeps my other edit and the server’s other change; one update carries only mine', async () => {
    const id = await conflicted();
    await mirror.edits.resolveConflict(id, { description: 'theirs' });
    const detail = await queries.get(id);
    expect(detail).toMatchObject({ status: 'pending', conflictFields: [], remoteFields: null });
    expect(detail.fields).toMatchObject({ name: 'Scope B', description: 'Theirs: recalibrated', alternate_names: ['Axio'] });
    expect(detail.ops.map((o) => [o.type, o.state, o.payload, o.base])).toEqual([['update', 'queued', { name: 'Scope B' }, { name: 'Scope A' }]]);
    // What the next send carries: my edit on top of the server's version.
    const { sent } = await send(connectionId, id);
    expect(sent.fields).toMatchObject({ name: 'Scope B', description: 'Theirs: recalibrated', alternate_names: ['Axio'] });
  });

  it('“mine” for it sends my value and my other edit, and leaves the server’s change to another field alone', async () => {
    const id = await conflicted();
    await mirror.edits.resolveConflict(id, { description: 'mine' });
    const detail = await queries.get(id);
    expect(detail.fields).toMatchObject({ name: 'Scope B', description: 'Mine: moved to room 2', alternate_names: ['Axio'] });
    expect(detail.ops.map((o) => o.payload)).toEqual([{ name: 'Scope B', description: 'Mine: moved to room 2' }]);
  });

  it('two conflicting fields, one each way, in one transaction', async () => {
    connectionId = (await connections.save({ system: 'catalog', name: 'Catalog', baseUrl: 'http://127.0.0.1:9/api', settings: {}, apiKey: 'k' })).id;
    await mirror.applyPickList(connectionId, 'categories', [{ remoteId: '1', name: 'Microscopes', description: '' }]);
    await pull(instrument({}));
    const { id } = await titled('Scope A');
    await mirror.edits.update(id, { name: 'Mine', description: 'Mine too' });
    await pull(instrument({ name: 'Theirs', description: 'Theirs too' }));
    await mirror.edits.resolveConflict(id, { name: 'theirs', description: 'mine' });
    const detail = await queries.get(id);
    expect(detail.fields).toMatchObject({ name: 'Theirs', description: 'Mine too' });
    expect(detail.ops.map((o) => [o.payload, o.base])).toEqual([[{ description: 'Mine too' }, { description: 'Theirs too' }]]);
  });

  it('“theirs” for every conflicting field with nothing else edited leaves nothing to send: synced now', async () => {
    connectionId = (await connections.save({ system: 'catalog', name: 'Catalog', baseUrl: 'http://127.0.0.1:9/api', settings: {}, apiKey: 'k' })).id;
    await mirror.applyPickList(connectionId, 'categories', [{ remoteId: '1', name: 'Microscopes', description: '' }]);
    await pull(instrument({}));
    const { id } = await titled('Scope A');
    const syncedBefore = (await queries.get(id)).lastSyncedAt;
    await mirror.edits.update(id, { description: 'Mine' });
    await pull(instrument({ description: 'Theirs' }));
    await new Promise((r) => setTimeout(r, 5));
    await mirror.edits.resolveConflict(id, { description: 'theirs' });
    const detail = await queries.get(id);
    expect(detail).toMatchObject({ status: 'synced', ops: [] });
    expect(detail.fields.description).toBe('Theirs');
    expect(detail.lastSyncedAt! > syncedBefore!).toBe(true);
  });

  it('choices that leave a conflicting field open, or name a field not in conflict, change nothing', async () => {
    const id = await conflicted();
    const before = await queries.get(id);
    await expect(mirror.edits.resolveConflict(id, { name: 'mine' })).rejects.toMatchObject({ code: 'invalid_request' });
    await expect(mirror.edits.resolveConflict(id, {})).rejects.toMatchObject({ code: 'validation', message: expect.stringContaining('description') });
    expect(await queries.get(id)).toEqual(before);
  });

  it('a record deleted on the server is resolved as a whole, not field by field', async () => {
    const id = await conflicted();
    await mirror.applyPulledPage(connectionId, ++generation, []);
    await mirror.applyPullComplete(connectionId, 'instrument', generation);
    expect((await queries.get(id)).conflictFields).toEqual(['_deleted']);
    await expect(mirror.edits.resolveConflict(id, { _deleted: 'mine' })).rejects.toMatchObject({ code: 'conflict' });
    await mirror.edits.resolveConflict(id, 'mine');
    expect((await queries.get(id)).ops.map((o) => o.type)).toEqual(['create']);
  });
});

describe('BrainSTEM setups the account may only read (write permission follows the setup)', () => {
  const RIG = 'aaaaaaaa-0000-4000-8000-000000000001';
  const ARENA = 'bbbbbbbb-0000-4000-8000-000000000002';
  let connectionId: string;
  const setups = [
    { remoteId: RIG, name: 'Ephys Rig 2', description: '' },
    { remoteId: ARENA, name: 'Miniscope Arena', description: '' },
  ];
  const equipment = (remoteId: string, name: string, setup: string, notes = ''): RemoteRecord => ({
    kind: 'equipment',
    remoteId,
    editable: true,
    fields: {
      name,
      type: 'Camera',
      notes,
      setup,
      date_time: null,
      consumable: null,
      hardwaredevice: null,
      details: {},
      coordinates_system: 'External_XYZ_Absolute',
      coordinates_details: {},
    },
  });
  const pullAll = async (...records: RemoteRecord[]) => {
    await mirror.applyPickList(connectionId, 'setups', setups);
    await mirror.applyPulledPage(connectionId, ++generation, records);
  };

  beforeEach(async () => {
    connectionId = (await connections.save({ system: 'brainstem', name: 'BrainSTEM', baseUrl: 'http://127.0.0.1:9', settings: {}, apiKey: 'k' })).id;
    await pullAll(equipment('e1', 'Headstage', RIG), equipment('e2', 'Miniscope v4', ARENA), equipment('e3', 'Arena camera', ARENA));
  });

  /** The server refuses an edit of the Miniscope with 403. */
  async function refuseMiniscope() {
    const miniscope = await titled('Miniscope v4');
    await mirror.edits.update(miniscope.id, { notes: 'Focus re-checked' });
    const { op } = await send(connectionId, miniscope.id);
    await mirror.reject(op.id, 'You do not have permission to perform this action.', {}, true);
    return { miniscope, op };
  }

  it('one refused write makes the setup’s equipment read-only, and the setup is not offered any more', async () => {
    const { miniscope } = await refuseMiniscope();
    const detail = await queries.get(miniscope.id);
    expect(detail).toMatchObject({ status: 'rejected', editable: false, readOnlyScope: { field: 'setup', label: 'Setup', name: 'Miniscope Arena' } });
    expect((await titled('Arena camera')).editable).toBe(false);
    expect((await titled('Headstage')).editable).toBe(true);
    expect((await queries.categories(connectionId, 'setups')).map((c) => [c.name, c.writable])).toEqual([
      ['Ephys Rig 2', true],
      ['Miniscope Arena', false],
    ]);
    // The core refuses what the rule forbids, in words.
    await expect(mirror.edits.update((await titled('Arena camera')).id, { notes: 'x' })).rejects.toMatchObject({
      code: 'read_only',
      message: '“Arena camera” is in setup “Miniscope Arena”, which the server lets this account only read; you can view it but not edit it.',
    });
    await expect(mirror.edits.delete((await titled('Arena camera')).id)).rejects.toMatchObject({ code: 'read_only' });
    const create = { ...equipment('', 'New camera', ARENA).fields };
    await expect(mirror.edits.create(connectionId, 'equipment', create)).rejects.toMatchObject({
      code: 'validation',
      fieldErrors: { setup: ['The server lets this account only read “Miniscope Arena”; choose a setup you may write to.'] },
    });
    // Moving a writable rig's equipment into it is refused too; the other setup still takes edits.
    await expect(mirror.edits.update((await titled('Headstage')).id, { setup: ARENA })).rejects.toMatchObject({ code: 'validation' });
    await mirror.edits.update((await titled('Headstage')).id, { notes: 'Fine here' });
    expect(await mirror.edits.create(connectionId, 'equipment', { ...create, setup: RIG })).toEqual(expect.any(String));
  });

  it('the refusal outlives pulls (the setups list says nothing of it); a write the server takes there ends it', async () => {
    const { miniscope, op } = await refuseMiniscope();
    await pullAll(equipment('e1', 'Headstage', RIG), equipment('e2', 'Miniscope v4', ARENA), equipment('e3', 'Arena camera', ARENA, 'renamed lens'));
    expect((await titled('Arena camera')).editable).toBe(false);
    expect((await queries.categories(connectionId, 'setups')).find((c) => c.remoteId === ARENA)?.writable).toBe(false);
    // Made a contributor meanwhile: the user retries the refused change and the server takes it.
    await mirror.edits.retry(op.id);
    const again = await send(connectionId, miniscope.id);
    await mirror.acknowledge(again.op.id, { type: 'saved', remoteId: 'e2', fields: again.sent.fields });
    expect((await titled('Arena camera')).editable).toBe(true);
    expect((await queries.get(miniscope.id)).readOnlyScope).toBeNull();
    expect((await queries.categories(connectionId, 'setups')).find((c) => c.remoteId === ARENA)?.writable).toBe(true);
  });

  it('the user may clear the refusal to try again; a record in a writable setup has none to clear', async () => {
    await refuseMiniscope();
    const camera = await titled('Arena camera');
    await mirror.edits.clearWriteRefusal(camera.id);
    expect((await queries.get(camera.id)).editable).toBe(true);
    await mirror.edits.update(camera.id, { notes: 'Trying again' });
    await expect(mirror.edits.clearWriteRefusal((await titled('Headstage')).id)).rejects.toMatchObject({ code: 'conflict' });
  });

  it('a refusal of a move to another setup names neither setup (it could be either), nor does a refusal of the values', async () => {
    const headstage = await titled('Headstage');
    await mirror.edits.update(headstage.id, { setup: ARENA });
    const { op } = await send(connectionId, headstage.id);
    await mirror.reject(op.id, 'You do not have permission to perform this action.', {}, true);
    const miniscope = await titled('Miniscope v4');
    await mirror.edits.update(miniscope.id, { notes: 'x'.repeat(10) });
    const second = await send(connectionId, miniscope.id);
    await mirror.reject(second.op.id, 'notes: Ensure this field has no more than 500 characters.', { notes: ['Ensure this field has no more than 500 characters.'] });
    expect((await queries.categories(connectionId, 'setups')).every((c) => c.writable)).toBe(true);
    expect((await queries.list({ text: '', offset: 0, limit: 50 })).items.every((r) => r.editable)).toBe(true);
  });

  it('last synced: set by a pull, kept by a local edit, moved on by the acknowledgement', async () => {
    const headstage = await titled('Headstage');
    const pulledAt = (await queries.get(headstage.id)).lastSyncedAt;
    expect(pulledAt).toEqual(expect.any(String));
    await mirror.edits.update(headstage.id, { notes: 'Cable replaced' });
    expect((await queries.get(headstage.id)).lastSyncedAt).toBe(pulledAt);
    const { op, sent } = await send(connectionId, headstage.id);
    await new Promise((r) => setTimeout(r, 5));
    await mirror.acknowledge(op.id, { type: 'saved', remoteId: 'e1', fields: sent.fields });
    expect((await queries.get(headstage.id)).lastSyncedAt! > pulledAt!).toBe(true);
    const created = await mirror.edits.create(connectionId, 'equipment', { ...equipment('', 'New camera', RIG).fields });
    expect((await queries.get(created)).lastSyncedAt).toBeNull();
  });
});
