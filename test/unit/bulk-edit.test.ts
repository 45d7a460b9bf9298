import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { ConnectionStore } from '../../src-main/core/connections/connection-store';
import { openDatabase, type OpenedDatabase } from '../../src-main/core/db/database';
import { UserFacingError } from '../../src-main/core/errors';
import { type MirrorChange, Mirror } from '../../src-main/core/mirror/mirror';
import { OutboxQueries } from '../../src-main/core/outbox/outbox-queries';
import { RecordQueries } from '../../src-main/core/records/record-queries';
import { fileModeOnlyCipher, SecretStore } from '../../src-main/core/secrets/secret-store';
import type { RemoteRecord } from '../../src-main/connectors/connector';
import { SYSTEM_PROFILES } from '../../src-shared/domain/remotes';
import { tempDir } from '../integration/harness';

/**
 * A bulk edit on the mirror itself (a real SQLite file): one transaction for all the records,
 * each record its own op merged as a single edit would be, and all or nothing.
 */
let dir: ReturnType<typeof tempDir>;
let opened: OpenedDatabase;
let mirror: Mirror;
let outbox: OutboxQueries;
let queries: RecordQueries;
let connectionId: string;
let changes: MirrorChange[];
let generation = 0;

const instrument = (remoteId: string, name: string, extra: Partial<RemoteRecord> & { fields?: Record<string, unknown> } = {}): RemoteRecord => ({
  kind: 'instrument',
  remoteId,
  editable: extra.editable ?? true,
  fields: { name, description: 'Bench microscope', image: null, category_id: 1, alternate_names: [], ...extra.fields },
});

async function pull(...records: RemoteRecord[]) {
  generation++;
  await mirror.applyPulledPage(connectionId, generation, records);
}

/** The pulled records' local ids, by name. */
async function idsByName(): Promise<Record<string, string>> {
  const { items } = await queries.list({ text: '', offset: 0, limit: 100 });
  return Object.fromEntries(items.map((r) => [r.title, r.id]));
}

/** Everything a bulk edit could change: each record's fields and status, and the whole queue. */
async function snapshot() {
  const { items } = await queries.list({ text: '', offset: 0, limit: 100 });
  const details = await Promise.all(items.map((r) => queries.get(r.id)));
  return { records: details.map((d) => [d.title, d.status, d.fields]), ops: await outbox.list(connectionId) };
}

beforeEach(async () => {
  dir = tempDir('benchsync-bulk-');
  opened = await openDatabase(join(dir.path, 'benchsync.sqlite'));
  const connections = new ConnectionStore(opened.db, new SecretStore(join(dir.path, 'secrets.json'), fileModeOnlyCipher));
  mirror = new Mirror(opened.db, connections);
  outbox = new OutboxQueries(opened.db);
  queries = new RecordQueries(opened.db);
  connectionId = (await connections.save({ system: 'catalog', name: 'Catalog', baseUrl: 'http://127.0.0.1:9/api', settings: {}, apiKey: 'k' })).id;
  await mirror.applyPickList(connectionId, 'categories', [
    { remoteId: '1', name: 'Microscopes', description: '' },
    { remoteId: '2', name: 'Balances', description: '' },
  ]);
  await pull(instrument('1', 'Scope A'), instrument('2', 'Scope B'), instrument('3', 'Scope C'), instrument('4', 'Theirs', { editable: false }));
  changes = [];
  mirror.onChange((c) => changes.push(c));
});

afterEach(async () => {
  await opened.close();
  dir.remove();
});

describe('a bulk edit in the mirror', () => {
  it('changes every record in one transaction: one announcement, one op per record, merged into what was queued', async () => {
    const ids = await idsByName();
    await mirror.edits.update(ids['Scope A']!, { description: 'Moved to room 2' });
    changes = [];

    const outcome = await mirror.edits.updateMany([ids['Scope A']!, ids['Scope B']!, ids['Scope C']!], { category_id: 2 }, false);

    expect(outcome.changed.map((r) => r.title)).toEqual(['Scope A', 'Scope B', 'Scope C']);
    expect(outcome).toMatchObject({ unchanged: [], refused: [] });
    expect(changes).toEqual([{ connectionId, ids: expect.arrayContaining(Object.values(outcome.changed.map((r) => r.id))), local: true }]);
    const ops = await outbox.list(connectionId);
    expect(ops.map((o) => [o.recordTitle, o.type, o.state, o.payload])).toEqual([
      ['Scope A', 'update', 'queued', { description: 'Moved to room 2', category_id: 2 }],
      ['Scope B', 'update', 'queued', { category_id: 2 }],
      ['Scope C', 'update', 'queued', { category_id: 2 }],
    ]);
    for (const name of ['Scope A', 'Scope B', 'Scope C']) {
      expect(await queries.get(ids[name]!)).toMatchObject({ status: 'pending', fields: { category_id: 2 } });
    }
  });

  it('records that already have the values are left alone (no op)', async () => {
    const ids = await idsByName();
    const outcome = await mirror.edits.updateMany([ids['Scope A']!, ids['Scope B']!], { category_id: 1 }, false);
    expect(outcome.changed).toEqual([]);
    expect(outcome.unchanged.map((r) => r.title)).toEqual(['Scope A', 'Scope B']);
    expect(await outbox.list(connectionId)).toEqual([]);
    expect(changes).toEqual([]);
  });

  it('all or nothing: one read-only record among them, and nothing changes; the error names it', async () => {
    const ids = await idsByName();
    const before = await snapshot();
    const error = await mirror.edits.updateMany([ids['Scope A']!, ids['Theirs']!, ids['Scope B']!], { category_id: 2 }, false).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(UserFacingError);
    expect((error as UserFacingError).code).toBe('read_only');
    expect((error as Error).message).toMatch(/^Nothing was changed: 1 of 3 records cannot take this edit\. “Theirs”: .*belongs to someone else/);
    expect(await snapshot()).toEqual(before);
    expect(changes).toEqual([]);
  });

  it('all or nothing: a record in conflict, or one whose values the remote would refuse, stops the whole edit', async () => {
    // Scope B conflicts (someone renamed it while ours was queued); Scope C came from the server with a name too long to save.
    const ids = await idsByName();
    await mirror.edits.update(ids['Scope B']!, { name: 'Scope B (ours)' });
    await pull(instrument('1', 'Scope A'), instrument('2', 'Scope B (theirs)'), instrument('3', 'Scope C', { fields: { name: 'x'.repeat(200) } }), instrument('4', 'Theirs', { editable: false }));
    const all = Object.values(await idsByName());
    const before = await snapshot();
    changes = [];

    const error = (await mirror.edits.updateMany(all, { category_id: 2 }, false).catch((e: unknown) => e)) as UserFacingError;
    expect(error).toBeInstanceOf(UserFacingError);
    expect(error.message).toMatch(/^Nothing was changed: 3 of 4 records cannot take this edit\./);
    expect(error.message).toContain('“Scope B (ours)”: “Scope B (ours)” has a conflict');
    expect(error.message).toMatch(/“x{200}”: .*128/);
    expect(await snapshot()).toEqual(before);
    expect(changes).toEqual([]);
  });

  it('a dry run says what would happen, record by record, and changes nothing', async () => {
    const ids = await idsByName();
    await mirror.edits.update(ids['Scope C']!, { category_id: 2 });
    const before = await snapshot();
    changes = [];

    const outcome = await mirror.edits.updateMany(Object.values(ids), { category_id: 2 }, true);

    expect(outcome.changed.map((r) => r.title).sort()).toEqual(['Scope A', 'Scope B']);
    expect(outcome.unchanged.map((r) => r.title)).toEqual(['Scope C']);
    expect(outcome.refused).toEqual([expect.objectContaining({ id: ids['Theirs'], title: 'Theirs', code: 'read_only' })]);
    expect(await snapshot()).toEqual(before);
    expect(changes).toEqual([]);
  });

  it('refuses a field the kind does not have, or cannot set, and a value not among the pulled choices', async () => {
    const ids = await idsByName();
    const dry = await mirror.edits.updateMany([ids['Scope A']!], { setup: '7' }, true);
    expect(dry.refused).toEqual([expect.objectContaining({ code: 'invalid_request', reason: expect.stringMatching(/no field “setup”/) })]);
    const invalid = await mirror.edits.updateMany([ids['Scope A']!, ids['Scope B']!], { category_id: 99 }, true);
    expect(invalid.refused.map((r) => [r.title, r.code, r.fieldErrors])).toEqual([
      ['Scope A', 'validation', { category_id: ['An invalid category ID was provided.'] }],
      ['Scope B', 'validation', { category_id: ['An invalid category ID was provided.'] }],
    ]);
    await expect(mirror.edits.updateMany([ids['Scope A']!], { category_id: 99 }, false)).rejects.toMatchObject({ code: 'validation' });
    expect(await outbox.list(connectionId)).toEqual([]);
  });

  it('a record deleted meanwhile is named, not skipped', async () => {
    const ids = await idsByName();
    const outcome = await mirror.edits.updateMany([ids['Scope A']!, 'no-such-record'], { category_id: 2 }, true);
    expect(outcome.refused).toEqual([expect.objectContaining({ id: 'no-such-record', code: 'not_found' })]);
    expect(outcome.changed.map((r) => r.title)).toEqual(['Scope A']);
  });
});

describe('the fields offered for bulk edits', () => {
  it('are fields of their kind that can be set (not read-only, not create-only), of kinds that can be changed', () => {
    const offered = Object.values(SYSTEM_PROFILES).flatMap((p) => (p?.kinds ?? []).map((k) => ({ p: p!, k })));
    expect(offered.some(({ k }) => (k.bulkFields ?? []).length > 0)).toBe(true);
    for (const { p, k } of offered) {
      for (const name of k.bulkFields ?? []) {
        const spec = k.fields.find((f) => f.name === name);
        expect(spec, `${p.system}/${k.kind}: ${name}`).toBeDefined();
        expect(spec!.readOnly || spec!.createOnly, `${p.system}/${k.kind}: ${name}`).toBeFalsy();
        expect(k.canUpdate, `${p.system}/${k.kind}`).toBe(true);
      }
    }
  });
});
