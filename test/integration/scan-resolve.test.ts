import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RunningEmulator } from '../sandbox/common/emulator-server';
import { startCannlyticsEmulator } from '../sandbox/cannlytics/cannlytics-emulator';
import { connectTo, startApp, tempDir, type TestApp, waitForDrain } from './harness';

/**
 * `scan.resolve` on a real mirror (SQLite file, records pulled from and sent to the Cannlytics
 * emulator): one code that is one record's key, another's serial, a third's name and words in a
 * fourth's name comes back in that order, each saying how it matched.
 */
let emulator: RunningEmulator;
let app: TestApp;
let dir: ReturnType<typeof tempDir>;
const ids: Record<'key' | 'serial' | 'name' | 'words', string> = { key: '', serial: '', name: '', words: '' };
let accented = '';

beforeAll(async () => {
  dir = tempDir();
  emulator = await startCannlyticsEmulator();
  app = await startApp(dir.path);
  const { id: connectionId } = await connectTo(app, emulator, 'member', { organizationId: emulator.extra.organizationId! });
  const make = async (fields: Record<string, string>) => (await app.client.call('records.create', { connectionId, kind: 'instrument', fields })).id;
  // Titles in the opposite order of the ranks, so the order cannot come from sorting by name.
  ids.words = await make({ instrument_id: 'holder-1', name: 'A spare QC-7731 holder' });
  ids.name = await make({ instrument_id: 'bal-3', name: 'qc-7731' });
  ids.serial = await make({ instrument_id: 'bal-2', name: 'Balance 2', serial_number: 'QC-7731' });
  ids.key = await make({ instrument_id: 'qc-7731', name: 'Zeta balance', serial_number: 'SN-1' });
  accented = await make({ instrument_id: 'ÄRZTE-Σ7', name: 'Waage Ärztehaus' });
  await waitForDrain(app, connectionId);
});

afterAll(async () => {
  await app?.close();
  await emulator?.close();
  dir?.remove();
});

describe('scan.resolve', () => {
  it('a key with capitals outside ASCII is found whatever the case of the scan (SQLite lower() folds ASCII only)', async () => {
    for (const code of ['ÄRZTE-Σ7', 'ärzte-σ7', 'Ärzte-σ7']) {
      const reply = await app.client.call('scan.resolve', { code });
      expect(reply.matches.filter((m) => m.exact).map((m) => [m.record.id, m.by]), code).toEqual([[accented, 'id']]);
      expect((await app.client.call('records.lookup', { code })).matches.map((m) => m.record.id), code).toEqual([accented]);
    }
  });

  it('answers exact matches first (key, serial, name), then search matches, each saying how it matched', async () => {
    const reply = await app.client.call('scan.resolve', { code: '  QC-7731 ' });
    expect(reply.code).toBe('QC-7731');
    expect(reply.matches.map((m) => [m.record.id, m.by, m.exact])).toEqual([
      [ids.key, 'id', true],
      [ids.serial, 'serial', true],
      [ids.name, 'name', true],
      [ids.words, 'search', false],
    ]);
    // The same exact matches as records.lookup, which it builds on.
    const lookup = await app.client.call('records.lookup', { code: 'qc-7731' });
    expect(new Set(lookup.matches.map((m) => m.record.id))).toEqual(new Set([ids.key, ids.serial, ids.name]));
  });

  it('a BenchSync id is an exact match of its record', async () => {
    const reply = await app.client.call('scan.resolve', { code: ids.serial });
    expect(reply.matches[0]).toMatchObject({ record: { id: ids.serial, title: 'Balance 2' }, by: 'id', exact: true });
    expect(reply.matches.filter((m) => m.record.id === ids.serial)).toHaveLength(1);
  });

  it('a code nothing has answers no match; one with no words lists nothing (not every record)', async () => {
    expect((await app.client.call('scan.resolve', { code: 'nothing-0077' })).matches).toEqual([]);
    expect((await app.client.call('scan.resolve', { code: '--//--' })).matches).toEqual([]);
    const words = await app.client.call('scan.resolve', { code: 'spare holder' });
    expect(words.matches.map((m) => [m.record.id, m.by])).toEqual([[ids.words, 'search']]);
  });

  it('refuses an empty or oversized code with a clear error', async () => {
    await expect(app.client.call('scan.resolve', { code: '   ' })).rejects.toMatchObject({ error: { code: 'invalid_request' } });
    await expect(app.client.call('scan.resolve', { code: 'x'.repeat(201) })).rejects.toMatchObject({ error: { code: 'invalid_request' } });
  });
});
