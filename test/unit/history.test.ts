import { join } from 'node:path';
import BetterSqlite3 from 'better-sqlite3';
import fc from 'fast-check';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { RemoteRecord } from '../../src-main/connectors/connector';
import { ConnectionStore } from '../../src-main/core/connections/connection-store';
import { openDatabase, type OpenedDatabase } from '../../src-main/core/db/database';
import { HistoryQueries } from '../../src-main/core/history/history-queries';
import { Mirror } from '../../src-main/core/mirror/mirror';
import { OutboxQueries } from '../../src-main/core/outbox/outbox-queries';
import { RecordQueries } from '../../src-main/core/records/record-queries';
import { fileModeOnlyCipher, SecretStore } from '../../src-main/core/secrets/secret-store';
import { replayFields } from '../../src-shared/domain/history';
import { tempDir } from '../integration/harness';

/**
 * The record history on a real SQLite file, no HTTP: written by the mirror in the same
 * transaction as each change, chained by hashes, checked by `verify` after tampering with the file.
 */
let dir: ReturnType<typeof tempDir>;
let file: string;
let opened: OpenedDatabase;
let mirror: Mirror;
let history: HistoryQueries;
let outbox: OutboxQueries;
let queries: RecordQueries;
let connectionId: string;
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

async function sendAndAck(recordId: string, remoteId: string, fields?: Record<string, unknown>) {
  const [op] = (await outbox.nextReady(connectionId, Date.now(), 50)).filter((o) => o.record_id === recordId);
  const sent = await outbox.sendSnapshot(op!);
  await mirror.claim([{ op: op!, sent }]);
  await mirror.acknowledge(op!.id, { type: 'saved', remoteId, fields: fields ?? sent.fields });
  return op!;
}

async function open() {
  opened = await openDatabase(file);
  const connections = new ConnectionStore(opened.db, new SecretStore(join(dir.path, 'secrets.json'), fileModeOnlyCipher));
  mirror = new Mirror(opened.db, connections, { osUser: 'tech1', accountOf: () => 'member@lab' });
  history = new HistoryQueries(opened.db);
  outbox = new OutboxQueries(opened.db);
  queries = new RecordQueries(opened.db);
  return connections;
}

/** Runs SQL on the file directly, as someone with the file and no BenchSync would (triggers dropped first). */
function tamper(sql: string) {
  const raw = new BetterSqlite3(file);
  raw.exec('DROP TRIGGER IF EXISTS history_no_update; DROP TRIGGER IF EXISTS history_no_delete;');
  raw.exec(sql);
  raw.close();
}

beforeEach(async () => {
  dir = tempDir('benchsync-history-');
  file = join(dir.path, 'benchsync.sqlite');
  const connections = await open();
  connectionId = (await connections.save({ system: 'catalog', name: 'Catalog', baseUrl: 'http://127.0.0.1:9/api', settings: {}, apiKey: 'k' })).id;
  await mirror.applyPickList(connectionId, 'categories', [{ remoteId: '1', name: 'Microscopes', description: '' }]);
});

afterEach(async () => {
  await opened.close();
  dir.remove();
});

/** A little of everything: a pull, a local create sent and acknowledged, an edit, a remote change, a delete. */
async function story() {
  await pull(instrument('1', 'Scope A'), instrument('2', 'Scope B'));
  const id = await mirror.edits.create(connectionId, 'instrument', { name: 'Pipette 7', description: 'Eppendorf', category_id: 1 });
  await sendAndAck(id, '3');
  await mirror.edits.update(id, { description: 'Eppendorf Research plus' }, 'Recalibrated');
  const a = (await queries.list({ text: 'Scope A', limit: 5, offset: 0 })).items[0]!;
  await pull(instrument('1', 'Scope A2'), instrument('2', 'Scope B'), { ...instrument('3', 'Pipette 7'), fields: { ...instrument('3', 'Pipette 7').fields, description: 'Eppendorf' } });
  return { id, a };
}

describe('record history', () => {
  it('records each field change with who, when, where from and the op that carries it, and what became of the op', async () => {
    const { id, a } = await story();
    const mine = await history.ofRecord(id);
    expect(mine.map((e) => [e.event, e.source, e.field])).toEqual([
      ['record_added', 'local_edit', null],
      // Every field the create carries, defaults included.
      ['field', 'local_edit', 'alternate_names'],
      ['field', 'local_edit', 'category_id'],
      ['field', 'local_edit', 'description'],
      ['field', 'local_edit', 'image'],
      ['field', 'local_edit', 'name'],
      ['op_acknowledged', 'sync', null],
      ['field', 'local_edit', 'description'],
    ]);
    const create = mine[3]!;
    expect(create).toMatchObject({ osUser: 'tech1', account: 'member@lab', before: undefined, after: 'Eppendorf', reason: null });
    expect(create.opFate).toMatchObject({ event: 'op_acknowledged', detail: 'saved as 3' });
    const edit = mine[7]!;
    expect(edit).toMatchObject({ before: 'Eppendorf', after: 'Eppendorf Research plus', reason: 'Recalibrated' });
    // Still queued: no fate yet beyond being recorded.
    expect(edit.opFate).toBeNull();
    const remote = await history.ofRecord(a.id);
    expect(remote.map((e) => [e.event, e.source, e.field, e.before, e.after])).toEqual([
      ['record_added', 'pull', null, undefined, instrument('1', 'Scope A').fields],
      ['field', 'pull', 'name', 'Scope A', 'Scope A2'],
    ]);
  });

  it('keeps a deleted record’s history, with the reason and the op’s fate', async () => {
    const { a } = await story();
    await mirror.edits.delete(a.id, 'Broken beyond repair');
    const [op] = (await outbox.nextReady(connectionId, Date.now(), 50)).filter((o) => o.record_id === a.id);
    await mirror.claim([{ op: op!, sent: await outbox.sendSnapshot(op!) }]);
    await mirror.acknowledge(op!.id, { type: 'deleted' });
    await expect(queries.get(a.id)).rejects.toThrow();
    const entries = await history.ofRecord(a.id);
    expect(entries.slice(2).map((e) => [e.event, e.source, e.reason])).toEqual([
      ['record_deleted', 'local_edit', 'Broken beyond repair'],
      ['op_acknowledged', 'sync', null],
      ['record_removed', 'sync', null],
    ]);
  });

  it('a discarded edit and a rejected op are in the history with the server’s words', async () => {
    await pull(instrument('1', 'Scope A'));
    const a = (await queries.list({ text: 'Scope', limit: 5, offset: 0 })).items[0]!;
    await mirror.edits.update(a.id, { name: 'Scope Z' });
    const [op] = await outbox.nextReady(connectionId, Date.now(), 50);
    await mirror.claim([{ op: op!, sent: await outbox.sendSnapshot(op!) }]);
    await mirror.reject(op!.id, 'This field may not be blank.', { name: ['This field may not be blank.'] });
    await mirror.edits.discard(op!.id);
    const entries = await history.ofRecord(a.id);
    expect(entries.slice(1).map((e) => [e.event, e.source, e.field, e.after ?? e.detail])).toEqual([
      ['field', 'local_edit', 'name', 'Scope Z'],
      ['op_rejected', 'sync', null, 'This field may not be blank.'],
      ['field', 'discard', 'name', 'Scope A'],
    ]);
    expect(entries[1]!.opFate).toMatchObject({ event: 'op_rejected', detail: 'This field may not be blank.' });
  });

  it('a send with no answer is in the history as sent; one that never left is not', async () => {
    await pull(instrument('1', 'Scope A'));
    const a = (await queries.list({ text: 'Scope', limit: 5, offset: 0 })).items[0]!;
    await mirror.edits.update(a.id, { name: 'Scope Y' });
    const [op] = await outbox.nextReady(connectionId, Date.now(), 50);
    await mirror.claim([{ op: op!, sent: await outbox.sendSnapshot(op!) }]);
    await mirror.requeue([op!.id], 0, 'The server cannot be reached (ECONNREFUSED).', false);
    expect((await history.ofRecord(a.id)).map((e) => e.event)).toEqual(['record_added', 'field']);
    await mirror.claim([{ op: (await outbox.get(op!.id))!, sent: await outbox.sendSnapshot((await outbox.get(op!.id))!) }]);
    await mirror.requeue([op!.id], 0, 'The connection broke while reading the reply.', true);
    const entries = await history.ofRecord(a.id);
    expect(entries.map((e) => e.event)).toEqual(['record_added', 'field', 'op_sent']);
    expect(entries[1]!.opFate).toMatchObject({ event: 'op_sent', detail: 'The connection broke while reading the reply.' });
  });

  it('verify passes on an untouched history, also after a reopen', async () => {
    await story();
    const first = await history.verify();
    expect(first.ok).toBe(true);
    expect(first.checked).toBeGreaterThan(10);
    await opened.close();
    await open();
    expect(await history.verify()).toEqual(first);
  });

  it('refuses to alter or delete entries through SQLite', async () => {
    await story();
    expect(() => opened.sqlite.exec("UPDATE history SET after = '\"x\"' WHERE id = 3")).toThrow(/append-only/);
    expect(() => opened.sqlite.exec('DELETE FROM history WHERE id = 3')).toThrow(/append-only/);
  });

  for (const [what, sql, bad] of [
    ['altered', `UPDATE history SET after = '"Scope X"' WHERE id = 5`, 5],
    ['altered in who made it', `UPDATE history SET os_user = 'someone' WHERE id = 4`, 4],
    ['removed', 'DELETE FROM history WHERE id = 6', 6],
    ['reordered', `UPDATE history SET id = -1 WHERE id = 7; UPDATE history SET id = 7 WHERE id = 8; UPDATE history SET id = 8 WHERE id = -1`, 7],
    ['cut off the end', 'DELETE FROM history WHERE id = (SELECT MAX(id) FROM history)', -1],
  ] as const) {
    it(`verify names the first entry ${what}`, async () => {
      await story();
      const last = (await history.verify()).checked;
      await opened.close();
      tamper(sql);
      await open();
      const result = await history.verify();
      expect(result.ok).toBe(false);
      expect(result.firstBadEntryId).toBe(bad === -1 ? last : bad);
    });
  }

  it('entries go on after tampering (a broken chain never stops an edit), and verify still names the break', async () => {
    await story();
    await opened.close();
    tamper('DELETE FROM history WHERE id = (SELECT MAX(id) FROM history)');
    await open();
    const a = (await queries.list({ text: 'Scope', limit: 5, offset: 0 })).items[0]!;
    await mirror.edits.update(a.id, { description: 'After the break' });
    expect((await queries.get(a.id)).fields.description).toBe('After the break');
    expect((await history.verify()).ok).toBe(false);
  });

  it('replaying a record’s history from empty gives its current local fields (property)', async () => {
    const names = fc.constantFrom('Scope A', 'Scope B', 'Scope C', '  Scope D ');
    const step = fc.oneof(
      fc.record({ t: fc.constant('edit' as const), name: names, description: fc.constantFrom('Zeiss', 'Leica', 'Nikon') }),
      fc.record({ t: fc.constant('pull' as const), name: names, description: fc.constantFrom('Zeiss', 'Olympus') }),
      fc.record({ t: fc.constant('send' as const), normalise: fc.boolean() }),
      fc.record({ t: fc.constant('discard' as const) }),
    );
    let n = 0;
    await fc.assert(
      fc.asyncProperty(fc.array(step, { minLength: 1, maxLength: 8 }), async (steps) => {
        const remoteId = `p${++n}`;
        let remote = instrument(remoteId, 'Start');
        await pull(remote);
        const rec = (await queries.list({ text: 'Start', limit: 50, offset: 0 })).items.find((r) => r.remoteId === remoteId)!;
        for (const s of steps) {
          const ops = (await outbox.list(connectionId)).filter((o) => o.recordId === rec.id);
          if (s.t === 'edit') await mirror.edits.update(rec.id, { name: s.name, description: s.description }).catch(() => undefined);
          else if (s.t === 'pull') {
            remote = { ...remote, fields: { ...remote.fields, name: s.name, description: s.description } };
            await pull(remote);
          } else if (s.t === 'send' && ops[0]?.state === 'queued') {
            const [op] = (await outbox.nextReady(connectionId, Date.now(), 50)).filter((o) => o.record_id === rec.id);
            if (!op) continue;
            const sent = await outbox.sendSnapshot(op);
            await mirror.claim([{ op, sent }]);
            const stored = s.normalise ? Object.fromEntries(Object.entries(sent.fields).map(([k, v]) => [k, typeof v === 'string' ? v.trim() : v])) : sent.fields;
            remote = { ...remote, fields: stored };
            await mirror.acknowledge(op.id, { type: 'saved', remoteId, fields: stored });
          } else if (s.t === 'discard' && ops[0] && ops[0].state !== 'in_flight') await mirror.edits.discard(ops[0].id);
        }
        const current = (await queries.get(rec.id)).fields;
        expect(replayFields(await history.ofRecord(rec.id))).toEqual(current);
      }),
      { numRuns: 40, seed: 12_345 },
    );
    expect((await history.verify()).ok).toBe(true);
  });
});
