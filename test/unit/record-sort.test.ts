import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { RecordSort } from '../../src-shared/contract';
import { ConnectionStore } from '../../src-main/core/connections/connection-store';
import { openDatabase, type OpenedDatabase } from '../../src-main/core/db/database';
import { Mirror } from '../../src-main/core/mirror/mirror';
import { RecordQueries } from '../../src-main/core/records/record-queries';
import { fileModeOnlyCipher, SecretStore } from '../../src-main/core/secrets/secret-store';
import type { RemoteRecord } from '../../src-main/connectors/connector';
import { tempDir } from '../integration/harness';

/** The records list's order, as the table's headers ask for it, on a real SQLite file. */
let dir: ReturnType<typeof tempDir>;
let opened: OpenedDatabase;
let mirror: Mirror;
let queries: RecordQueries;
let catalog: string;
let atomscale: string;

const instrument = (remoteId: string, name: string): RemoteRecord => ({
  kind: 'instrument',
  remoteId,
  editable: true,
  fields: { name, description: '', image: null, category_id: 1, alternate_names: [] },
});
const synthesis = (remoteId: string, label: string, serial: string): RemoteRecord => ({
  kind: 'instrument',
  remoteId,
  editable: true,
  fields: { source_name: label, source_make: '', synth_source_type: 'mbe', serial_identifier: serial },
});

const titles = async (sort?: RecordSort) => (await queries.list({ text: '', sort, offset: 0, limit: 100 })).items.map((r) => r.title);

beforeEach(async () => {
  dir = tempDir('benchsync-sort-');
  opened = await openDatabase(join(dir.path, 'benchsync.sqlite'));
  const connections = new ConnectionStore(opened.db, new SecretStore(join(dir.path, 'secrets.json'), fileModeOnlyCipher));
  mirror = new Mirror(opened.db, connections);
  queries = new RecordQueries(opened.db);
  catalog = (await connections.save({ system: 'catalog', name: 'Alpha catalog', baseUrl: 'http://127.0.0.1:9/api', settings: {}, apiKey: 'k' })).id;
  atomscale = (await connections.save({ system: 'atomscale', name: 'Zeta films', baseUrl: 'http://127.0.0.1:9', settings: {}, apiKey: 'k' })).id;
  await mirror.applyPickList(catalog, 'categories', [{ remoteId: '1', name: 'Microscopes', description: '' }]);
  await mirror.applyPulledPage(catalog, 1, [instrument('10', 'beta scope'), instrument('9', 'Alpha scope'), instrument('100', 'Gamma scope')]);
  await mirror.applyPulledPage(atomscale, 1, [synthesis('x-7', 'MBE one', 'SN-2'), synthesis('2', 'MBE two', '')]);
});

afterEach(async () => {
  await opened.close();
  dir.remove();
});

describe('sorting the records list', () => {
  it('by name without a sort, ignoring case', async () => {
    expect(await titles()).toEqual(['Alpha scope', 'beta scope', 'Gamma scope', 'MBE one', 'MBE two']);
    expect(await titles({ by: 'title', dir: 'desc' })).toEqual(['MBE two', 'MBE one', 'Gamma scope', 'beta scope', 'Alpha scope']);
  });

  it('ids as numbers where they are numbers (9 before 10), before other ids; records not on the server last either way', async () => {
    await mirror.edits.create(catalog, 'instrument', { name: 'New scope', description: 'Zeiss', category_id: 1 });
    expect(await titles({ by: 'remoteId', dir: 'asc' })).toEqual(['MBE two', 'Alpha scope', 'beta scope', 'Gamma scope', 'MBE one', 'New scope']);
    expect(await titles({ by: 'remoteId', dir: 'desc' })).toEqual(['MBE one', 'Gamma scope', 'beta scope', 'Alpha scope', 'MBE two', 'New scope']);
  });

  it('systems and kinds by the labels shown, connections by name, empty serials last', async () => {
    // "Atomscale" before "Instrument Catalog"; within a system, by name.
    expect(await titles({ by: 'system', dir: 'asc' })).toEqual(['MBE one', 'MBE two', 'Alpha scope', 'beta scope', 'Gamma scope']);
    // Both kinds are `instrument`, but Atomscale's reads "Synthesis instrument": after "Instrument".
    expect(await titles({ by: 'kind', dir: 'desc' })).toEqual(['MBE one', 'MBE two', 'Alpha scope', 'beta scope', 'Gamma scope']);
    expect(await titles({ by: 'connection', dir: 'asc' })).toEqual(['Alpha scope', 'beta scope', 'Gamma scope', 'MBE one', 'MBE two']);
    expect((await titles({ by: 'serial', dir: 'desc' }))[0]).toBe('MBE one');
    expect((await titles({ by: 'serial', dir: 'asc' }))[0]).toBe('MBE one');
  });

  it('statuses most urgent first; pages of a sorted list never overlap or skip', async () => {
    const { items } = await queries.list({ text: '', offset: 0, limit: 10 });
    await mirror.edits.update(items.find((r) => r.title === 'Gamma scope')!.id, { description: 'Moved' });
    expect((await titles({ by: 'status', dir: 'asc' }))[0]).toBe('Gamma scope');
    expect((await titles({ by: 'status', dir: 'desc' })).at(-1)).toBe('Gamma scope');
    for (const sort of [{ by: 'status', dir: 'asc' }, { by: 'system', dir: 'desc' }, { by: 'updatedAt', dir: 'desc' }] as RecordSort[]) {
      const whole = await titles(sort);
      const paged: string[] = [];
      for (let offset = 0; offset < whole.length; offset += 2) {
        paged.push(...(await queries.list({ text: '', sort, offset, limit: 2 })).items.map((r) => r.title));
      }
      expect(paged).toEqual(whole);
    }
  });
});
