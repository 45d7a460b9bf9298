import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { ConnectionStore } from '../../src-main/core/connections/connection-store';
import { openDatabase, type OpenedDatabase } from '../../src-main/core/db/database';
import { type MirrorChange, Mirror } from '../../src-main/core/mirror/mirror';
import { OutboxQueries } from '../../src-main/core/outbox/outbox-queries';
import { RecordQueries } from '../../src-main/core/records/record-queries';
import { SyncReads } from '../../src-main/core/sync/sync-reads';
import { fileModeOnlyCipher, SecretStore } from '../../src-main/core/secrets/secret-store';
import type { RemoteRecord } from '../../src-main/connectors/connector';
import { tempDir } from '../integration/harness';

/**
 * The mirror's owner on its own: a real SQLite file, no HTTP. Every transition of an op, and the
 * reproductions of the exactly-once defects at the lowest level that shows them.
 */
let dir: ReturnType<typeof tempDir>;
let opened: OpenedDatabase;
let mirror: Mirror;
let outbox: OutboxQueries;
let queries: RecordQueries;
let connectionId: string;
let changes: MirrorChange[];
let generation = 0;

const instrument = (remoteId: string, name: string, extra: Record<string, unknown> = {}): RemoteRecord => ({
  kind: 'instrument',
  remoteId,
  editable: true,
  fields: { name, description: 'Bench microscope', image: null, category_id: 1, alternate_names: [], ...extra },
});

async function pull(...records: RemoteRecord[]) {
  generation++;
  await mirror.applyPulledPage(connectionId, generation, records);
}

async function ops(recordId?: string) {
  return (await outbox.list(connectionId)).filter((o) => !recordId || o.recordId === recordId);
}

/** Sends the next op as the engine does: snapshot, claim. */
async function send(recordId: string) {
  const [op] = (await outbox.nextReady(connectionId, Date.now(), 50)).filter((o) => o.record_id === recordId);
  if (!op) throw new Error('nothing ready for that record');
  const sent = await outbox.sendSnapshot(op);
  expect(await mirror.claim([{ op, sent }])).toEqual([op.id]);
  return { op, sent };
}

beforeEach(async () => {
  dir = tempDir('benchsync-mirror-');
  opened = await openDatabase(join(dir.path, 'benchsync.sqlite'));
  const connections = new ConnectionStore(opened.db, new SecretStore(join(dir.path, 'secrets.json'), fileModeOnlyCipher));
  mirror = new Mirror(opened.db, connections);
  outbox = new OutboxQueries(opened.db);
  queries = new RecordQueries(opened.db);
  connectionId = (await connections.save({ system: 'catalog', name: 'Catalog', baseUrl: 'http://127.0.0.1:9/api', settings: {}, apiKey: 'k' })).id;
  await mirror.applyPickList(connectionId, 'categories', [{ remoteId: '1', name: 'Microscopes', description: '' }]);
  changes = [];
  mirror.onChange((c) => changes.push(c));
});

afterEach(async () => {
  await opened.close();
  dir.remove();
});

describe('the mirror', () => {
  it('a create is one queued op and a pending record, announced once as a local change', async () => {
    const id = await mirror.edits.create(connectionId, 'instrument', { name: 'Scope A', description: 'Zeiss', category_id: 1 });
    expect(changes).toEqual([{ connectionId, ids: [id], local: true }]);
    expect((await queries.get(id)).status).toBe('pending');
    expect((await ops(id)).map((o) => [o.type, o.state, o.attempts])).toEqual([['create', 'queued', 0]]);
  });

  it('edits merge into a queued op, never into one in flight or with an unknown outcome', async () => {
    const id = await mirror.edits.create(connectionId, 'instrument', { name: 'Scope A', description: 'Zeiss', category_id: 1 });
    await mirror.edits.update(id, { description: 'Zeiss Axio' });
    expect(await ops(id)).toHaveLength(1);
    const { op } = await send(id);
    expect((await ops(id))[0]).toMatchObject({ state: 'in_flight', attempts: 1 });
    await mirror.edits.update(id, { name: 'Scope B' });
    await mirror.requeue([op.id], 0, 'The connection broke.', true);
    expect((await ops(id)).map((o) => [o.type, o.state])).toEqual([
      ['create', 'unknown'],
      ['update', 'queued'],
    ]);
    await mirror.edits.update(id, { description: 'Zeiss Axio 5' });
    expect((await ops(id)).map((o) => [o.type, o.state, o.payload])).toEqual([
      ['create', 'unknown', { name: 'Scope A', description: 'Zeiss Axio', image: null, category_id: 1, alternate_names: [] }],
      ['update', 'queued', { name: 'Scope B', description: 'Zeiss Axio 5' }],
    ]);
  });

  it('an op edited between its snapshot and its claim is not claimed: that send would miss the edit', async () => {
    const id = await mirror.edits.create(connectionId, 'instrument', { name: 'Scope A', description: 'Zeiss', category_id: 1 });
    const [op] = await outbox.nextReady(connectionId, Date.now(), 5);
    const sent = await outbox.sendSnapshot(op!);
    await mirror.edits.update(id, { description: 'Zeiss Axio' });
    expect(await mirror.claim([{ op: op!, sent }])).toEqual([]);
    const [again] = await outbox.nextReady(connectionId, Date.now(), 5);
    expect(again!.state).toBe('queued');
    const resent = await outbox.sendSnapshot(again!);
    expect(resent.payload).toMatchObject({ name: 'Scope A', description: 'Zeiss Axio' });
    expect(await mirror.claim([{ op: again!, sent: resent }])).toEqual([again!.id]);
  });

  it('an op claimed ahead of its slot and never sent goes back to the queue as it was, and takes edits again', async () => {
    const id = await mirror.edits.create(connectionId, 'instrument', { name: 'Scope A', description: 'Zeiss', category_id: 1 });
    const { op } = await send(id);
    const sentOne = await outbox.nextReady(connectionId, Date.now(), 5);
    expect(sentOne).toEqual([]);
    await mirror.unclaim([op]);
    const back = (await outbox.get(op.id))!;
    expect({ state: back.state, attempts: back.attempts, sent: back.sent, sent_at: back.sent_at }).toEqual({ state: 'queued', attempts: 0, sent: null, sent_at: null });
    expect((await queries.get(id)).status).toBe('pending');
    // Queued with nothing to look up: the next edit merges into it.
    await mirror.edits.update(id, { name: 'Scope B' });
    expect((await ops(id)).map((o) => [o.type, o.state, o.payload.name])).toEqual([['create', 'queued', 'Scope B']]);
  });

  it('unclaim leaves alone an op that is no longer in flight (answered or given up meanwhile)', async () => {
    const id = await mirror.edits.create(connectionId, 'instrument', { name: 'Scope A', description: 'Zeiss', category_id: 1 });
    const { op } = await send(id);
    await mirror.requeue([op.id], 0, 'reset', true);
    await mirror.unclaim([op]);
    expect((await outbox.get(op.id))!).toMatchObject({ state: 'unknown', attempts: 1 });
    await mirror.acknowledge(op.id, { type: 'saved', remoteId: '5', fields: instrument('5', 'Scope A').fields });
    await mirror.unclaim([op]);
    expect(await outbox.get(op.id)).toBeUndefined();
    expect((await queries.get(id)).status).toBe('synced');
  });

  it('snapshots read together are the snapshots read one by one', async () => {
    await pull(instrument('9', 'Scope Z'));
    const [pulled] = (await queries.list({ text: '', offset: 0, limit: 10 })).items;
    const a = await mirror.edits.create(connectionId, 'instrument', { name: 'Scope A', description: 'Zeiss', category_id: 1 });
    await mirror.edits.update(pulled!.id, { description: 'Now with camera' });
    const b = await mirror.edits.create(connectionId, 'instrument', { name: 'Scope B', description: 'Leica', category_id: 1 });
    const { op } = await send(b);
    await mirror.requeue([op.id], 0, 'reset', true);
    await mirror.edits.update(a, { name: 'Scope A2' });
    const all = (await outbox.forRecord(a)).concat(await outbox.forRecord(pulled!.id), await outbox.forRecord(b));
    const together = await outbox.sendSnapshots(all);
    const alone = [];
    for (const o of all) alone.push(await outbox.sendSnapshot(o));
    expect(together).toEqual(alone);
    expect(together.map((t) => t.fields.name)).toEqual(['Scope A2', 'Scope Z', 'Scope B']);
    expect(together[1]!.fields.description).toBe('Now with camera');
  });

  it('a resend of a create whose reply was lost carries what was sent, not the rename queued since (duplicate create)', async () => {
    const id = await mirror.edits.create(connectionId, 'instrument', { name: 'Scope A', description: 'Zeiss', category_id: 1 });
    const { op } = await send(id);
    await mirror.requeue([op.id], 0, 'reset', true);
    await mirror.edits.update(id, { name: 'Scope B' });
    const unknown = (await outbox.get(op.id))!;
    expect(unknown.state).toBe('unknown');
    expect((await outbox.sendSnapshot(unknown)).fields).toMatchObject({ name: 'Scope A' });
    // Found by the lookup: acknowledged with what the server holds; the rename then goes as an update of that record.
    await mirror.acknowledge(op.id, { type: 'saved', remoteId: '77', fields: instrument('77', 'Scope A').fields });
    const [rename] = await outbox.nextReady(connectionId, Date.now());
    expect(rename).toMatchObject({ type: 'update', remote_id: '77' });
    expect(JSON.parse(rename!.payload)).toEqual({ name: 'Scope B' });
    expect((await queries.get(id)).fields.name).toBe('Scope B');
  });

  it('a 429 or refused connection does not count as an attempt: the op is plain queued again and can absorb edits', async () => {
    const id = await mirror.edits.create(connectionId, 'instrument', { name: 'Scope A', description: 'Zeiss', category_id: 1 });
    const { op } = await send(id);
    await mirror.requeue([op.id], 0, 'HTTP 429', false);
    expect((await outbox.get(op.id))).toMatchObject({ state: 'queued', attempts: 0 });
    await mirror.edits.update(id, { name: 'Scope B' });
    expect(await ops(id)).toHaveLength(1);
  });

  it('an update’s snapshot is the base plus its own change, never an edit queued behind it (lost update)', async () => {
    await pull(instrument('5', 'Old name', { description: 'Old vendor' }));
    const [rec] = (await queries.list({ text: '', offset: 0, limit: 10 })).items;
    await mirror.edits.update(rec!.id, { description: 'Vendor A' });
    const a = await send(rec!.id);
    await mirror.edits.update(rec!.id, { name: 'Name B' });
    expect(a.sent.fields).toMatchObject({ name: 'Old name', description: 'Vendor A' });
    // The connector could not re-read after the write: it acknowledges with what was sent.
    await mirror.acknowledge(a.op.id, { type: 'saved', remoteId: '5', fields: a.sent.fields });
    const detail = await queries.get(rec!.id);
    expect(detail.fields).toMatchObject({ name: 'Name B', description: 'Vendor A' });
    expect(detail.ops.map((o) => o.payload)).toEqual([{ name: 'Name B' }]);
    const b = await send(rec!.id);
    expect(b.sent.fields).toMatchObject({ name: 'Name B', description: 'Vendor A' });
    await mirror.acknowledge(b.op.id, { type: 'saved', remoteId: '5', fields: b.sent.fields });
    // A later pull of the old name would now be someone else's change, not ours being forgotten.
    expect((await queries.get(rec!.id)).status).toBe('synced');
  });

  it('a pull showing what an unanswered update sent acknowledges it: no conflict with oneself', async () => {
    await pull(instrument('5', 'Old name'));
    const [rec] = (await queries.list({ text: '', offset: 0, limit: 10 })).items;
    await mirror.edits.update(rec!.id, { name: 'Name A' });
    const a = await send(rec!.id);
    await mirror.requeue([a.op.id], 0, 'reset', true);
    await mirror.edits.update(rec!.id, { name: 'Name B' });
    await pull(instrument('5', 'Name A'));
    const detail = await queries.get(rec!.id);
    expect(detail.conflictFields).toEqual([]);
    expect(detail.status).toBe('pending');
    expect(detail.fields.name).toBe('Name B');
    expect(detail.ops.map((o) => [o.type, o.state, o.payload])).toEqual([['update', 'queued', { name: 'Name B' }]]);
  });

  it('a value someone else set is a conflict; ops are held, keep the unknown outcome, and are released by "keep mine"', async () => {
    await pull(instrument('5', 'Old name'));
    const [rec] = (await queries.list({ text: '', offset: 0, limit: 10 })).items;
    await mirror.edits.update(rec!.id, { name: 'Mine' });
    await pull(instrument('5', 'Theirs'));
    let detail = await queries.get(rec!.id);
    expect(detail).toMatchObject({ status: 'conflict', conflictFields: ['name'], remoteFields: { name: 'Theirs' } });
    expect(detail.ops.map((o) => o.state)).toEqual(['held_conflict']);
    await expect(mirror.edits.update(rec!.id, { name: 'Other' })).rejects.toThrow(/conflict/);
    await mirror.edits.resolveConflict(rec!.id, 'mine');
    detail = await queries.get(rec!.id);
    expect(detail.status).toBe('pending');
    expect(detail.ops.map((o) => [o.state, o.payload])).toEqual([['queued', { name: 'Mine' }]]);
  });

  it('a disjoint change on the server merges and releases held ops to where they were', async () => {
    await pull(instrument('5', 'Old name'));
    const [rec] = (await queries.list({ text: '', offset: 0, limit: 10 })).items;
    await mirror.edits.update(rec!.id, { name: 'Mine' });
    await pull(instrument('5', 'Theirs'));
    await pull(instrument('5', 'Old name', { description: 'New description' }));
    const detail = await queries.get(rec!.id);
    expect(detail.conflictFields).toEqual([]);
    expect(detail.fields).toMatchObject({ name: 'Mine', description: 'New description' });
    expect(detail.ops.map((o) => o.state)).toEqual(['queued']);
  });

  it('a refusal parks the op with the server’s words, later edits fold into it, retry queues it, discard restores the remote version', async () => {
    await pull(instrument('5', 'Old name'));
    const [rec] = (await queries.list({ text: '', offset: 0, limit: 10 })).items;
    await mirror.edits.update(rec!.id, { name: 'Bad' });
    const a = await send(rec!.id);
    await mirror.edits.update(rec!.id, { description: 'Later' });
    await mirror.reject(a.op.id, 'No.', { name: ['No.'] });
    let detail = await queries.get(rec!.id);
    expect(detail.status).toBe('rejected');
    expect(detail.ops.map((o) => [o.state, o.payload, o.error])).toEqual([['rejected', { name: 'Bad', description: 'Later' }, 'No.']]);
    await mirror.edits.retry(a.op.id);
    expect((await ops(rec!.id)).map((o) => o.state)).toEqual(['queued']);
    await mirror.edits.discard(a.op.id);
    detail = await queries.get(rec!.id);
    expect(detail).toMatchObject({ status: 'synced', ops: [] });
    expect(detail.fields).toMatchObject({ name: 'Old name', description: 'Bench microscope' });
  });

  it('after a crash, sends in flight have an unknown outcome, and a create with one holds pulls back', async () => {
    const id = await mirror.edits.create(connectionId, 'instrument', { name: 'Scope A', description: 'Zeiss', category_id: 1 });
    await send(id);
    expect(await outbox.hasUncertainCreate(connectionId)).toBe(true);
    expect(await mirror.recoverInFlight()).toBe(1);
    expect((await ops(id))[0]).toMatchObject({ state: 'unknown', attempts: 1 });
    expect(await outbox.hasUncertainCreate(connectionId)).toBe(true);
  });

  it('a complete pull forgets what the remote no longer has, and keeps edited records as "deleted on the server" conflicts', async () => {
    await pull(instrument('5', 'Kept'), instrument('6', 'Edited'), instrument('7', 'Gone'));
    const items = (await queries.list({ text: '', offset: 0, limit: 10 })).items;
    const edited = items.find((r) => r.title === 'Edited')!;
    await mirror.edits.update(edited.id, { description: 'Changed here' });
    await pull(instrument('5', 'Kept'));
    await mirror.applyPullComplete(connectionId, 'instrument', generation);
    const left = (await queries.list({ text: '', offset: 0, limit: 10 })).items;
    expect(left.map((r) => [r.title, r.status]).sort()).toEqual([
      ['Edited', 'conflict'],
      ['Kept', 'synced'],
    ]);
    expect((await queries.get(edited.id)).conflictFields).toEqual(['_deleted']);
  });

  it('a proposal holds later edits for the decision; the decision releases them', async () => {
    await pull(instrument('5', 'Old name'));
    const [rec] = (await queries.list({ text: '', offset: 0, limit: 10 })).items;
    await mirror.edits.update(rec!.id, { name: 'Proposed' });
    const a = await send(rec!.id);
    await mirror.edits.update(rec!.id, { description: 'Made meanwhile' });
    await mirror.acknowledge(a.op.id, { type: 'proposed', approvalId: 'ap-1', action: 'Change', fields: { name: 'Proposed' } });
    let detail = await queries.get(rec!.id);
    expect(detail.proposal).toMatchObject({ approvalId: 'ap-1', status: 'Pending' });
    expect(detail.ops.map((o) => o.state)).toEqual(['held_decision']);
    expect(await outbox.nextReady(connectionId, Date.now())).toEqual([]);
    await mirror.applyProposalUpdates(connectionId, [{ approvalId: 'ap-1', status: 'Accepted', instanceRemoteId: '5' }]);
    detail = await queries.get(rec!.id);
    expect(detail.proposal).toBeNull();
    expect(detail.ops.map((o) => o.state)).toEqual(['queued']);
    expect(detail.fields).toMatchObject({ name: 'Proposed', description: 'Made meanwhile' });
  });

  it('a write that fails changes nothing and announces nothing', async () => {
    await expect(mirror.edits.create(connectionId, 'instrument', { name: '', description: 'x', category_id: 1 })).rejects.toThrow(/attention/);
    await expect(mirror.edits.create(connectionId, 'equipment', { name: 'x' })).rejects.toThrow(/no equipment records/);
    expect(changes).toEqual([]);
    expect(await ops()).toEqual([]);
  });

  it('an op the server keeps failing on is shown like a refusal; retrying it looks it up first (it may have landed)', async () => {
    await pull(instrument('5', 'Old name'));
    const [rec] = (await queries.list({ text: '', offset: 0, limit: 10 })).items;
    await mirror.edits.update(rec!.id, { name: 'New' });
    const a = await send(rec!.id);
    await mirror.markFailing(a.op.id, 'HTTP 500');
    expect((await queries.get(rec!.id)).status).toBe('rejected');
    expect(await outbox.nextReady(connectionId, Date.now())).toEqual([]);
    expect((await outbox.counts(connectionId)).rejected).toBe(1);
    await mirror.edits.retry(a.op.id);
    expect((await outbox.get(a.op.id))).toMatchObject({ state: 'unknown', attempts: 1 });
    expect((await queries.get(rec!.id)).status).toBe('pending');
  });

  it('an edit held behind an Add that is rejected goes out as the Add again with the edit; the old approval stays known', async () => {
    const id = await mirror.edits.create(connectionId, 'instrument', { name: 'Scope A', description: 'Zeiss', category_id: 1 });
    const a = await send(id);
    await mirror.edits.update(id, { description: 'Zeiss Axio' });
    await mirror.acknowledge(a.op.id, { type: 'proposed', approvalId: 'ap-add', action: 'Add', fields: a.sent.fields });
    expect((await ops(id)).map((o) => o.state)).toEqual(['held_decision']);
    await mirror.applyProposalUpdates(connectionId, [{ approvalId: 'ap-add', status: 'Rejected', instanceRemoteId: null }]);
    const detail = await queries.get(id);
    expect(detail.proposal).toMatchObject({ status: 'Rejected' });
    expect(detail.ops.map((o) => [o.type, o.state, o.payload.name, o.payload.description])).toEqual([['create', 'queued', 'Scope A', 'Zeiss Axio']]);
    expect(detail.fields).toMatchObject({ description: 'Zeiss Axio' });
    // The rejected submission is still this record's, so a lookup after a lost reply never takes it for the new one.
    expect(await new SyncReads(opened.db).isKnownApprovalId(connectionId, 'ap-add')).toBe(true);
    expect(await new SyncReads(opened.db).isKnownApprovalId(connectionId, 'ap-other')).toBe(false);
  });

  it('a pull showing a pending proposal accepted is not a conflict with the edit held behind it', async () => {
    await pull(instrument('5', 'Old name'));
    const [rec] = (await queries.list({ text: '', offset: 0, limit: 10 })).items;
    await mirror.edits.update(rec!.id, { name: 'Proposed' });
    const a = await send(rec!.id);
    await mirror.edits.update(rec!.id, { name: 'Held edit', description: 'Also held' });
    await mirror.acknowledge(a.op.id, { type: 'proposed', approvalId: 'ap-ch', action: 'Change', fields: { ...a.sent.fields } });
    await pull(instrument('5', 'Proposed'));
    const detail = await queries.get(rec!.id);
    expect(detail.conflictFields).toEqual([]);
    expect(detail.fields).toMatchObject({ name: 'Held edit', description: 'Also held' });
    expect(detail.ops.map((o) => o.state)).toEqual(['held_decision']);
  });
});
