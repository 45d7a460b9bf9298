import { describe, expect, it } from 'vitest';
import type { Connection } from '../../src-shared/contract';
import { connectionLabels, rowMeta, rowSource, shortRemoteId } from '../../src-renderer/lib/connection-labels';

let n = 0;
const connection = (c: Partial<Connection>): Connection => ({
  id: `00000000-0000-4000-8000-00000000000${++n}`,
  system: 'catalog',
  name: 'Instrument Catalog',
  baseUrl: 'https://instrument-catalog-py.herokuapp.com/api',
  settings: {},
  hasKey: true,
  paused: false,
  createdAt: '2025-01-01T00:00:00.000Z',
  ...c,
});

describe('list rows and connection labels', () => {
  it('a UUID is cut to 8 characters, short ids stay, long ones are cut', () => {
    expect(shortRemoteId('3f9a2c1d-5b6e-4f70-8a9b-0c1d2e3f4a5b')).toBe('3f9a2c1d…');
    expect(shortRemoteId('42')).toBe('42');
    expect(shortRemoteId('HPLC-04')).toBe('HPLC-04');
    expect(shortRemoteId('a-very-long-instrument-key-01')).toBe('a-very-long-…');
  });

  it('two connections with one name are told apart by whom they act as, else by host, else by place', () => {
    const a = connection({});
    const b = connection({});
    const c = connection({ system: 'brainstem', name: 'Neuro lab', baseUrl: 'https://www.brainstem.org' });
    const byAccount = connectionLabels([a, b, c], new Map([[a.id, 'owner of 3 instruments'], [b.id, 'owner of 12 instruments']]));
    expect([...byAccount.values()]).toEqual(['Instrument Catalog (owner of 3 instruments)', 'Instrument Catalog (owner of 12 instruments)', 'Neuro lab']);
    const d = connection({ baseUrl: 'http://127.0.0.1:4010/api' });
    expect(connectionLabels([a, d], new Map()).get(d.id)).toBe('Instrument Catalog (127.0.0.1:4010)');
    const same = connectionLabels([a, b], new Map());
    expect(new Set(same.values()).size).toBe(2);
  });

  it('a row names its system once, or its connection where the system has several; the title has it all', () => {
    const lab = connection({ name: 'Instrument Catalog (sandbox)' });
    const neuro = connection({ system: 'brainstem', name: 'Neuro lab', baseUrl: 'https://www.brainstem.org' });
    const alone = rowSource([lab, neuro], connectionLabels([lab, neuro], new Map()));
    const uuid = '3f9a2c1d-5b6e-4f70-8a9b-0c1d2e3f4a5b';
    expect(rowMeta({ connectionId: lab.id, system: 'catalog', kind: 'instrument', remoteId: '12' }, alone)).toEqual({
      text: 'Instrument Catalog · Instrument · #12',
      title: 'Instrument Catalog (sandbox) · Instrument · #12',
    });
    expect(rowMeta({ connectionId: neuro.id, system: 'brainstem', kind: 'equipment', remoteId: uuid }, alone)).toEqual({
      text: 'BrainSTEM · Equipment · #3f9a2c1d…',
      title: `Neuro lab · BrainSTEM · Equipment · #${uuid}`,
    });
    const spare = connection({ name: 'Spare catalog' });
    const shared = rowSource([lab, spare], connectionLabels([lab, spare], new Map()));
    expect(rowMeta({ connectionId: spare.id, system: 'catalog', kind: 'instrument', remoteId: null }, shared).text).toBe('Spare catalog · Instrument · not on the server yet');
  });
});
