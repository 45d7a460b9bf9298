import { join } from 'node:path';
import fc from 'fast-check';
import { Migrator, sql } from 'kysely';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { migrationProvider } from '../../migrations';
import type { RemoteRecord } from '../../src-main/connectors/connector';
import { ConnectionStore } from '../../src-main/core/connections/connection-store';
import { openDatabase, type OpenedDatabase } from '../../src-main/core/db/database';
import { Mirror } from '../../src-main/core/mirror/mirror';
import { OutboxQueries } from '../../src-main/core/outbox/outbox-queries';
import { choosePlan, counted, countRecords, countStatement, pageRows, pageStatement, type PagePlan, TITLE_WINDOW, windowFor, windowHolds } from '../../src-main/core/records/record-page';
import { type ListFilter, RecordQueries } from '../../src-main/core/records/record-queries';
import { searchWords } from '../../src-main/core/records/search-match';
import { fileModeOnlyCipher, SecretStore } from '../../src-main/core/secrets/secret-store';
import { RECORD_KINDS, RECORD_STATUSES, type RecordKind, type RecordStatus } from '../../src-shared/domain/record-kinds';
import { tempDir } from '../integration/harness';

/**
 * The records list's search on a real SQLite file, written only through the mirror: every page of
 * every plan equals a plain reading of the table (all rows in title order, filtered here in JS),
 * and the search index stays exactly what the rows say under every kind of write.
 */

let dir: ReturnType<typeof tempDir>;
let opened: OpenedDatabase;
let connections: ConnectionStore;
let mirror: Mirror;
let queries: RecordQueries;
let catalogId: string;
let brainstemId: string;
let generation = 0;

const WORDS = ['Microscope', 'micro', 'Laser', 'lamp', 'AMP', 'amplifier', 'rig', '2', 'HPLC', 'agilent', 'Veeco', 'MBE', 'camera', 'zeta', 'Élan'];
const CODES = ['ASSET-0042', 'asset-00421', 'SN 7731-B', 'x2'];

const catalogRecord = (remoteId: string, name: string, description: string, alternate: string[] = []): RemoteRecord => ({
  kind: 'instrument',
  remoteId,
  editable: true,
  fields: { name, description, image: null, category_id: 1, alternate_names: alternate },
});
const equipment = (remoteId: string, name: string, notes: string): RemoteRecord => ({
  kind: 'equipment',
  remoteId,
  editable: true,
  fields: { name, type: 'microscope_rig', notes },
});

async function pull(connectionId: string, ...records: RemoteRecord[]) {
  generation++;
  await mirror.applyPulledPage(connectionId, generation, records);
}

interface Row {
  id: string;
  kind: string;
  connection_id: string;
  status: string;
  title: string;
  subtitle: string;
  vendor: string;
  serial: string;
  notes: string;
  remote_id: string | null;
}

/** Every record in the list's order, read plainly; SQLite's NOCASE decides the order, as in the app. */
async function allRows(): Promise<Row[]> {
  const r = await sql<Row>`SELECT id, kind, connection_id, status, title, subtitle, vendor, serial, notes, remote_id
    FROM records ORDER BY title COLLATE NOCASE, id`.execute(opened.db);
  return r.rows;
}

/** What the list must show: every typed word a prefix of some word of the text columns, and the filters. */
function expected(rows: Row[], f: Omit<ListFilter, 'offset' | 'limit'>): string[] {
  const plain = (t: string) => t.normalize('NFD').replace(/\p{M}/gu, '');
  const words = searchWords(plain(f.text));
  return rows
    .filter((r) => (!f.kind || r.kind === f.kind) && (!f.connectionId || r.connection_id === f.connectionId) && (!f.status || r.status === f.status))
    .filter((r) => {
      const tokens = [r.title, r.subtitle, r.vendor, r.serial, r.notes, r.remote_id ?? '']
        .flatMap((t) => searchWords(plain(t)));
      return words.every((w) => tokens.some((t) => t.startsWith(w)));
    })
    .map((r) => r.id);
}

/** FTS5's own check of the index against its content (the `records_search` view over `records`). */
async function indexIsExact() {
  await sql`INSERT INTO records_fts(records_fts, rank) VALUES ('integrity-check', 1)`.execute(opened.db);
}

async function pageWith(plan: PagePlan, f: ListFilter) {
  return opened.db.transaction().execute(async (trx) => {
    const matching = await countRecords(trx, f, 0);
    return { total: matching.n, ids: (await pageRows(trx, f, matching, plan)).map((r) => r.id) };
  });
}

/** The window plan with a window of `size` entries: null when that window does not hold the page. */
async function pageFromWindow(f: ListFilter, size: number) {
  return opened.db.transaction().execute(async (trx) => {
    const matching = await countRecords(trx, f, size);
    if (!windowHolds(f, matching)) return null;
    return { total: matching.n, ids: (await pageRows(trx, f, matching, 'window')).map((r) => r.id) };
  });
}

beforeEach(async () => {
  dir = tempDir('benchsync-search-');
  opened = await openDatabase(join(dir.path, 'benchsync.sqlite'));
  connections = new ConnectionStore(opened.db, new SecretStore(join(dir.path, 'secrets.json'), fileModeOnlyCipher));
  mirror = new Mirror(opened.db, connections);
  queries = new RecordQueries(opened.db);
  catalogId = (await connections.save({ system: 'catalog', name: 'Catalog', baseUrl: 'http://127.0.0.1:9/api', settings: {}, apiKey: 'k' })).id;
  brainstemId = (await connections.save({ system: 'brainstem', name: 'BrainSTEM', baseUrl: 'http://127.0.0.1:9', settings: {}, apiKey: 'k' })).id;
  await mirror.applyPickList(catalogId, 'categories', [{ remoteId: '1', name: 'Microscopes', description: '' }]);
});

afterEach(async () => {
  await opened.close();
  dir.remove();
});

describe('records search', () => {
  it('every page of every plan is the plain reading of the table, for words, prefixes, codes and filters', async () => {
    const rnd = fc.sample(fc.tuple(fc.array(fc.constantFrom(...WORDS, ...CODES), { minLength: 1, maxLength: 3 }), fc.array(fc.constantFrom(...WORDS), { maxLength: 3 })), { numRuns: 80, seed: 42 });
    const records = rnd.map(([title, notes], i) => (i % 3 === 0 ? equipment(`e${i}`, title.join(i % 2 ? ' ' : '-'), notes.join(' ')) : catalogRecord(`${i}`, title.join(' '), notes.join(' '), i % 5 ? [] : ['Alt ' + title[0]])));
    await pull(catalogId, ...records.filter((r) => r.kind === 'instrument'));
    await pull(brainstemId, ...records.filter((r) => r.kind === 'equipment'));
    // Some pending and some deleted-here records, so the status filter has something to tell apart.
    const listed = (await queries.list({ text: '', connectionId: catalogId, offset: 0, limit: 500 })).items;
    for (const r of listed.slice(0, 6)) await mirror.edits.update(r.id, { description: 'edited here zeta' });
    for (const r of listed.slice(6, 9)) await mirror.edits.delete(r.id);
    const rows = await allRows();
    expect(new Set(rows.map((r) => r.status))).toEqual(new Set(['synced', 'pending']));
    // Equal titles (ignoring case), so the order of ties (by id) is checked on every walk too.
    expect(new Set(rows.map((r) => r.title.toLowerCase())).size).toBeLessThan(rows.length - 5);

    const text = fc.oneof(
      fc.constant(''),
      fc.constantFrom(...WORDS, ...CODES).chain((w) => fc.integer({ min: 1, max: w.length }).map((n) => w.slice(0, n))),
      fc.array(fc.constantFrom(...WORDS, ...CODES, 'a', 'm', '-', '0042', 'asset-004', 'sn 77'), { minLength: 1, maxLength: 3 }).map((ws) => ws.join(' ')),
    );
    const filters = fc.record(
      { kind: fc.constantFrom<RecordKind>('instrument', 'equipment'), connectionId: fc.constantFrom(catalogId, brainstemId), status: fc.constantFrom<RecordStatus>('synced', 'pending') },
      { requiredKeys: [] },
    );
    // Windows smaller than the table, so pages end both inside a window and past it.
    const windowRuns = { held: 0, notHeld: 0 };
    await fc.assert(
      fc.asyncProperty(text, filters, fc.nat(120), fc.integer({ min: 1, max: 40 }), fc.constantFrom(1, 7, 30, 60), async (t, f, offset, limit, size) => {
        const q: ListFilter = { text: t, ...f, offset, limit };
        const want = expected(rows, q);
        const page = want.slice(offset, offset + limit);
        const listedPage = await queries.list(q);
        expect(listedPage.total).toBe(want.length);
        expect(listedPage.items.map((r) => r.id)).toEqual(page);
        for (const plan of ['index', 'matches'] as const) expect(await pageWith(plan, q)).toEqual({ total: want.length, ids: page });
        // Also from near the top, where the window most often holds the page.
        for (const from of [offset, offset % 10]) {
          const fromWindow = await pageFromWindow({ ...q, offset: from }, size);
          if (fromWindow) expect(fromWindow).toEqual({ total: want.length, ids: want.slice(from, from + limit) });
          if (fromWindow && from < want.length) windowRuns.held++;
          else if (!fromWindow) windowRuns.notHeld++;
        }
      }),
      { numRuns: 150, seed: 7 },
    );
    expect(windowRuns.held).toBeGreaterThan(10);
    expect(windowRuns.notHeld).toBeGreaterThan(20);
  });

  it('finds hyphenated codes and serials by any of their parts, as prefixes, and nothing else', async () => {
    await pull(catalogId, catalogRecord('1', 'Balance ASSET-0042', 'SN 7731-B'), catalogRecord('2', 'Balance ASSET-0043', ''), catalogRecord('3', 'Asset tag printer', 'prints 0042 labels'));
    const titles = async (text: string) => (await queries.list({ text, offset: 0, limit: 50 })).items.map((r) => r.title);
    expect(await titles('asset-0042')).toEqual(['Asset tag printer', 'Balance ASSET-0042']);
    expect(await titles('ASSET-004')).toEqual(['Asset tag printer', 'Balance ASSET-0042', 'Balance ASSET-0043']);
    expect(await titles('asset-0043')).toEqual(['Balance ASSET-0043']);
    expect(await titles('7731-b')).toEqual(['Balance ASSET-0042']);
    expect(await titles('asset-00420')).toEqual([]);
    // A filter's token is never matched by typed text.
    expect(await titles('kinstrument')).toEqual([]);
    expect(await titles('ssynced')).toEqual([]);
  });

  it('the index follows every write: pulls, edits, renames, deletes, conflicts, rejections, removals and a removed connection', async () => {
    await pull(catalogId, catalogRecord('1', 'Laser A', 'one'), catalogRecord('2', 'Laser B', 'two'), catalogRecord('3', 'Camera C', 'three'));
    await pull(brainstemId, equipment('e1', 'Rig 2', 'laser bench'));
    await indexIsExact();
    const byRemote = new Map((await queries.list({ text: '', connectionId: catalogId, offset: 0, limit: 10 })).items.map((r) => [r.remoteId, r.id]));
    const [a, b, c] = ['1', '2', '3'].map((remoteId) => byRemote.get(remoteId));
    await mirror.edits.update(a!, { name: 'Spectrometer A' });
    expect((await queries.list({ text: 'spectro', offset: 0, limit: 10 })).items.map((r) => r.id)).toEqual([a]);
    expect((await queries.list({ text: 'laser', status: 'pending', offset: 0, limit: 10 })).total).toBe(0);
    expect((await queries.list({ text: 'spectro', status: 'pending', offset: 0, limit: 10 })).total).toBe(1);
    await pull(catalogId, catalogRecord('2', 'Laser Bee', 'two'));
    await mirror.edits.update(b!, { name: 'Mine' });
    await pull(catalogId, catalogRecord('2', 'Theirs', 'two'));
    expect((await queries.list({ text: 'mine', status: 'conflict', offset: 0, limit: 10 })).items.map((r) => r.id)).toEqual([b]);
    const created = await mirror.edits.create(catalogId, 'instrument', { name: 'Centrifuge new', description: 'Eppendorf', category_id: 1 });
    const op = (await new OutboxQueries(opened.db).list(catalogId)).find((o) => o.recordId === created)!;
    await mirror.reject(op.id, 'Name taken', { name: ['taken'] });
    expect((await queries.list({ text: 'centrifuge', status: 'rejected', offset: 0, limit: 10 })).items.map((r) => r.id)).toEqual([created]);
    await mirror.edits.delete(c!);
    await indexIsExact();
    expect(await mirror.applyPullComplete(brainstemId, 'equipment', generation + 1, true)).toEqual({ heldBack: null });
    expect((await queries.list({ text: 'rig', offset: 0, limit: 10 })).total).toBe(0);
    await indexIsExact();
    await connections.remove(catalogId, true);
    expect((await queries.list({ text: '', offset: 0, limit: 10 })).total).toBe(0);
    await indexIsExact();
  });

  it('every kind and status filter finds its records: the migration and search-match.ts spell the filters alike', async () => {
    await pull(catalogId, catalogRecord('1', 'Zeta one', ''));
    const { id } = (await queries.list({ text: 'zeta', offset: 0, limit: 1 })).items[0]!;
    for (const kind of RECORD_KINDS) {
      for (const status of RECORD_STATUSES) {
        // The schema under test, not the app: only this test writes the row itself.
        await sql`UPDATE records SET kind = ${kind}, status = ${status} WHERE id = ${id}`.execute(opened.db);
        const found = await queries.list({ text: 'zet', kind, status, connectionId: catalogId, offset: 0, limit: 5 });
        expect(found.items.map((r) => r.id), `${kind} ${status}`).toEqual([id]);
        const other = RECORD_STATUSES.find((s) => s !== status)!;
        expect((await queries.list({ text: '', status: other, offset: 0, limit: 5 })).total, `${kind} not ${other}`).toBe(0);
      }
    }
    await indexIsExact();
  });

  it('a mirror made before 0008 gets the new index on upgrade, and the downgrade restores the old one', async () => {
    await opened.close();
    dir.remove();
    dir = tempDir('benchsync-search-upgrade-');
    const path = join(dir.path, 'benchsync.sqlite');
    opened = await openDatabase(path);
    queries = new RecordQueries(opened.db);
    const migrator = new Migrator({ db: opened.db, provider: migrationProvider });
    expect((await migrator.migrateTo('0006_proposal_history')).error).toBeUndefined();
    // A 0006 mirror, written as that version's mirror wrote it (its triggers fill the old index).
    await sql`INSERT INTO connections (id, system, name, base_url, created_at) VALUES ('c1', 'catalog', 'Old', 'http://127.0.0.1:9/api', '2024-01-01')`.execute(opened.db);
    for (const [i, title] of ['Laser old', 'Camera old', 'Laser ASSET-0042'].entries()) {
      await sql`INSERT INTO records (id, connection_id, kind, remote_id, fields, title, updated_at) VALUES (${`r${i}`}, 'c1', 'instrument', ${String(i)}, '{}', ${title}, '2024-01-01')`.execute(opened.db);
    }
    expect((await migrator.migrateToLatest()).error).toBeUndefined();
    await indexIsExact();
    const found = await queries.list({ text: 'laser', kind: 'instrument', status: 'synced', offset: 0, limit: 10 });
    expect(found.items.map((r) => r.title)).toEqual(['Laser ASSET-0042', 'Laser old']);
    expect((await queries.list({ text: 'l', offset: 0, limit: 10 })).total).toBe(2);

    // Down to before 0008 (through 0012's and 0011's indexes, 0010 and 0009).
    expect((await migrator.migrateTo('0007_sync_times_and_write_refusals')).error).toBeUndefined();
    const old = await sql<{ rowid: number }>`SELECT rowid FROM records_fts WHERE records_fts MATCH '"laser"*'`.execute(opened.db);
    expect(old.rows).toHaveLength(2);
    await indexIsExact();
  });

  it('the first pages of an unfiltered walk step over the title-only index; deeper or filtered ones over the index with the id and filter columns', async () => {
    const explain = async (q: ListFilter) => {
      const c = pageStatement(q, counted(10_000), 'index')!.compile(opened.db);
      const r = await opened.db.executeQuery<{ detail: string }>({ ...c, sql: `EXPLAIN QUERY PLAN ${c.sql}` });
      return r.rows.map((x) => x.detail).join(' | ');
    };
    const first = await explain({ text: 'laser', offset: 0, limit: 100 });
    expect(first).toContain('SCAN r USING INDEX records_title_key');
    // Ties of equal titles are put in id order; nothing sorts the whole walk.
    expect(first).toContain('USE TEMP B-TREE FOR LAST TERM OF ORDER BY');
    expect(await explain({ text: '', offset: 400, limit: 100 })).toContain('INDEX records_title_key');
    expect(await explain({ text: '', offset: 900, limit: 100 })).toContain('COVERING INDEX records_list');
    expect(await explain({ text: 'laser', kind: 'instrument', offset: 0, limit: 100 })).toContain('COVERING INDEX records_list');
    expect(await explain({ text: '', status: 'pending', offset: 0, limit: 100 })).toContain('COVERING INDEX records_list');
    // From the end (the second half of the matches): the index that holds the id.
    expect(await explain({ text: '', offset: 9_000, limit: 100 })).toContain('COVERING INDEX records_list');
  });

  it('the count of every record is a bare count(*): SQLite counts the b-tree without reading rows', async () => {
    const opcodes = async (q: ListFilter) => {
      const c = countStatement(q).compile(opened.db);
      const r = await opened.db.executeQuery<{ opcode: string }>({ ...c, sql: `EXPLAIN ${c.sql}` });
      return r.rows.map((x) => x.opcode);
    };
    expect(await opcodes({ text: '', offset: 0, limit: 100 })).toContain('Count');
    // Any other column in that statement would make SQLite step through every row instead.
    expect(await opcodes({ text: '', offset: 0, limit: 100 })).not.toContain('Next');
  });

  it('few matches are sorted; more than the title index walked in full would cost are found by the walk', () => {
    const first = { text: 'laser', offset: 0, limit: 100 };
    expect(choosePlan(first, counted(3), 100_000)).toBe('matches');
    expect(choosePlan(first, counted(3_000), 100_000)).toBe('matches');
    expect(choosePlan(first, counted(5_000), 100_000)).toBe('index');
    expect(choosePlan(first, counted(100_000), 100_000)).toBe('index');
  });

  it('one-letter words are counted with a window on the first pages; the page comes from it only when it holds the whole page', () => {
    expect(windowFor({ text: 'a', offset: 0, limit: 100 })).toBe(TITLE_WINDOW);
    expect(windowFor({ text: 'rig 2', offset: 0, limit: 100 })).toBe(0);
    expect(windowFor({ text: 'a 2', offset: 100, limit: 100 })).toBe(TITLE_WINDOW);
    expect(windowFor({ text: 'É', kind: 'equipment', offset: 0, limit: 100 })).toBe(TITLE_WINDOW);
    expect(windowFor({ text: 'am', offset: 0, limit: 100 })).toBe(0);
    expect(windowFor({ text: 'a', offset: 300, limit: 100 })).toBe(0);
    expect(windowFor({ text: ' - ', kind: 'equipment', offset: 0, limit: 100 })).toBe(0);
    const q = { text: 'a', offset: 0, limit: 100 };
    const window = (inWindow: number, n = 60_000) => ({ n, window: '[]', inWindow });
    expect(choosePlan(q, window(100), 100_000)).toBe('window');
    expect(choosePlan(q, window(99), 100_000)).toBe('index');
    // Fewer matches than a page, all of them in the window.
    expect(choosePlan(q, window(40, 40), 100_000)).toBe('window');
    expect(choosePlan({ ...q, offset: 100 }, window(150), 100_000)).toBe('index');
    expect(() => pageStatement(q, window(99), 'window')).toThrow(/does not hold/);
  });

  it('a one-letter search past the window finds the same page as the walk; inside it, the page comes from the window', async () => {
    // 1,100 titles before the first "zeta" in title order: the window (the first 1,000) holds none of them.
    const early = Array.from({ length: TITLE_WINDOW + 100 }, (_, i) => catalogRecord(`b${i}`, `Balance ${String(i).padStart(4, '0')}`, i % 2 ? 'analytical' : ''));
    await pull(catalogId, ...early, catalogRecord('z1', 'Zeta meter', ''), catalogRecord('z2', 'Zeta sizer', 'zeta potential'));
    const rows = await allRows();
    const explainPage = async (q: ListFilter) =>
      opened.db.transaction().execute(async (trx) => {
        const matching = await countRecords(trx, q);
        return { matching, plan: choosePlan(q, matching, rows.length) };
      });
    const z = { text: 'z', offset: 0, limit: 100 };
    expect((await explainPage(z)).matching).toMatchObject({ n: 2, inWindow: 0 });
    expect((await explainPage(z)).plan).toBe('matches');
    expect((await queries.list(z)).items.map((r) => r.title)).toEqual(['Zeta meter', 'Zeta sizer']);
    // Every other balance is "analytical": 500 of the window's 1,000 entries match "a"... and all 1,102 match "b".
    const a = { text: 'a', offset: 100, limit: 100 };
    expect((await explainPage(a)).plan).toBe('window');
    expect((await explainPage(a)).matching).toMatchObject({ n: 550, inWindow: 500 });
    expect((await queries.list(a)).items.map((r) => r.id)).toEqual(expected(rows, a).slice(100, 200));
    const b = { text: 'b', offset: 200, limit: 100 };
    expect((await explainPage(b)).plan).toBe('window');
    expect((await queries.list(b)).items.map((r) => r.id)).toEqual(expected(rows, b).slice(200, 300));
    expect((await queries.list({ ...b, offset: 1_050, limit: 100 })).items.map((r) => r.id)).toEqual(expected(rows, b).slice(1_050, 1_150));
  });
});
