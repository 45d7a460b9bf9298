import { execFileSync } from 'node:child_process';
import { readdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RecordSummaryDto } from '../../src-shared/contract';
import { LABEL_STOCK_IDS, LABEL_STOCKS, labelsPerPage, pageSize } from '../../src-shared/domain/label-stocks';
import { scanCodeOf } from '../../src-shared/domain/scan-code';
import { codeFromScan } from '../../src-renderer/lib/scan';
import type { RunningEmulator } from '../sandbox/common/emulator-server';
import { startSandbox, type Sandbox } from '../sandbox/sandbox';
import { connectTo, startApp, tempDir, type TestApp } from './harness';

/**
 * Issue 13, labels: the round trip. A PDF per stock for records of every system in the sandbox
 * (real emulators, real SQLite mirror), rasterised by Debian's poppler (`pdftoppm`), its codes
 * decoded by zbar (`zbarimg`), and each decoded text scanned as the scan box does it
 * (`codeFromScan`, then `records.lookup`) must reach exactly the record the label was for.
 */

let sandbox: Sandbox;
let app: TestApp;
let dir: ReturnType<typeof tempDir>;
let chosen: RecordSummaryDto[];
/** A Cannlytics instrument made here while paused: not on the server yet, with a name no font has whole. */
let unsent: RecordSummaryDto;
let cannlyticsId: string;

const HOSTILE_NAME = `מכשיר מדידה ${'Спектрометр '.repeat(6)}高效液相色谱 👩‍🔬 \u202Eevil\u202C \uD800 tab\there`;

beforeAll(async () => {
  dir = tempDir();
  sandbox = await startSandbox({ systems: ['catalog', 'cannlytics', 'brainstem', 'atomscale'], rateLimitScale: 20 });
  app = await startApp(dir.path);
  const e = sandbox.emulators as Required<typeof sandbox.emulators>;
  const ids: Record<string, string> = {};
  for (const em of [e.catalog, e.cannlytics, e.brainstem, e.atomscale] as RunningEmulator[]) {
    const settings: Record<string, string> = em.system === 'cannlytics' ? { organizationId: em.extra.organizationId! } : {};
    ids[em.system] = (await connectTo(app, em, 'member', settings)).id;
  }
  cannlyticsId = ids.cannlytics!;
  await app.client.call('connections.setPaused', { id: cannlyticsId, paused: true });
  const created = await app.client.call('records.create', { connectionId: cannlyticsId, kind: 'instrument', fields: { instrument_id: 'LBL-ROUNDTRIP-7', name: HOSTILE_NAME } });
  unsent = created;
  // Two records of each kind of every system, in the list's order.
  const all = (await app.client.call('records.list', { limit: 500 })).items;
  const groups = new Map<string, RecordSummaryDto[]>();
  for (const r of all) {
    if (r.id === unsent.id) continue;
    const key = `${r.system}/${r.kind}`;
    const group = groups.get(key) ?? [];
    if (group.length < 2) groups.set(key, [...group, r]);
  }
  chosen = [...[...groups.values()].flat(), unsent];
  expect(new Set(chosen.map((r) => `${r.system}/${r.kind}`)).size).toBe(5);
}, 60_000);

afterAll(async () => {
  await app?.close();
  await sandbox?.close();
  dir?.remove();
});

const pdfinfo = (file: string) => {
  const text = execFileSync('pdfinfo', [file], { encoding: 'utf8' });
  const pages = Number(/^Pages:\s+(\d+)/m.exec(text)![1]);
  const [, w, h] = /^Page size:\s+([\d.]+) x ([\d.]+) pts/m.exec(text)!;
  return { pages, width: Number(w), height: Number(h) };
};

/** Every code on every page, as zbar reads them from poppler's 300 dpi rendering. */
const decode = (file: string, prefix: string): string[] => {
  execFileSync('pdftoppm', ['-r', '300', '-png', file, join(dir.path, prefix)]);
  const images = readdirSync(dir.path).filter((f) => f.startsWith(`${prefix}-`) && f.endsWith('.png')).map((f) => join(dir.path, f));
  const out = execFileSync('zbarimg', ['--raw', '-q', ...images], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] });
  return out.split('\n').filter((l) => l.length > 0);
};

const mmToPt = (mm: number) => (mm * 72) / 25.4;

describe('labels: render, rasterise, decode, scan back', () => {
  it.each(LABEL_STOCK_IDS)('%s: every code decodes and scans back to its own record; pages as the stock has them', async (stockId) => {
    const stock = LABEL_STOCKS[stockId];
    const reply = await app.client.call('labels.pdf', { recordIds: chosen.map((r) => r.id), stock: stockId });
    expect(reply.filename).toMatch(new RegExp(`^benchsync-labels-${chosen.length}-${stockId}-.*\\.pdf$`));
    const file = join(dir.path, `${stockId}.pdf`);
    writeFileSync(file, Buffer.from(reply.pdfBase64, 'base64'));

    const info = pdfinfo(file);
    const page = pageSize(stock);
    expect(info.pages).toBe(Math.ceil(chosen.length / labelsPerPage(stock)));
    expect(info.width).toBeCloseTo(mmToPt(page.width), 1);
    expect(info.height).toBeCloseTo(mmToPt(page.height), 1);

    const decoded = decode(file, stockId);
    const expected = chosen.map((r) => scanCodeOf(r)!);
    expect([...decoded].sort()).toEqual([...expected].sort());
    for (const record of chosen) {
      const text = decoded.find((d) => d === scanCodeOf(record));
      expect(text, record.title).toBeDefined();
      const { matches } = await app.client.call('records.lookup', { code: codeFromScan(text!) });
      expect(matches.map((m) => m.record.id), `${record.system} “${record.title}” by ${text}`).toEqual([record.id]);
    }

    // The readable text is there too (a short code prints whole on every stock; a long one may be cut).
    const words = execFileSync('pdftotext', ['-raw', file, '-'], { encoding: 'utf8' });
    const balance = chosen.find((r) => r.system === 'cannlytics')!;
    expect(words).toContain(`${balance.remoteId}\ncannlytics\n`);
    expect(words).not.toContain('Due ');
  }, 60_000);

  it('a record with a calibration schedule prints its next calibration due', async () => {
    const scope = chosen.find((r) => r.system === 'catalog')!;
    await app.client.call('calibration.setSchedules', { recordId: scope.id, schedules: [{ name: 'calibration', intervalDays: 365, warningDays: 30 }] });
    await app.client.call('bench.act', { recordId: scope.id, act: 'calibrate', at: '2026-06-01T12:00:00' });
    const reply = await app.client.call('labels.pdf', { recordIds: [scope.id], stock: 'dymo-99012' });
    const file = join(dir.path, 'due.pdf');
    writeFileSync(file, Buffer.from(reply.pdfBase64, 'base64'));
    expect(execFileSync('pdftotext', ['-raw', file, '-'], { encoding: 'utf8' })).toContain('Due 2027-06-01');
    expect(decode(file, 'due')).toEqual([scanCodeOf(scope)]);
  });

  it('the code of each system is its key or id, or its serial where the id is a bare row number', () => {
    const by = (system: string) => chosen.filter((r) => r.system === system && r.id !== unsent.id);
    for (const r of by('cannlytics')) expect(scanCodeOf(r)).toBe(r.remoteId); // instrument_id, e.g. HPLC-01
    for (const r of by('brainstem')) expect(scanCodeOf(r)).toBe(r.remoteId); // a UUID
    for (const r of by('catalog')) expect(scanCodeOf(r)).toBe(r.remoteId); // the only id it has
    for (const r of by('atomscale')) expect(scanCodeOf(r)).toBe(r.serial); // serial_identifier, not "42"
    // Not sent yet: the key the lab chose, which the summary shows as its serial until then.
    expect(unsent.remoteId).toBeNull();
    expect(scanCodeOf(unsent)).toBe('LBL-ROUNDTRIP-7');
  });

  it('refuses what it cannot print, and prints nothing then', async () => {
    const one = chosen[0]!.id;
    await expect(app.client.call('labels.pdf', { recordIds: [one, 'no-such-record'], stock: 'zebra-2x1' })).rejects.toMatchObject({
      error: { code: 'not_found', message: 'One of the records is no longer here; nothing was printed.' },
    });
    await expect(app.client.call('labels.pdf', { recordIds: [], stock: 'zebra-2x1' })).rejects.toMatchObject({ error: { code: 'invalid_request' } });
    await expect(app.client.call('labels.pdf', { recordIds: [one], stock: 'a4-plain' as 'zebra-2x1' })).rejects.toMatchObject({ error: { code: 'invalid_request' } });
    await expect(app.client.call('labels.pdf', { recordIds: Array.from({ length: 651 }, () => one), stock: 'avery-l7651' })).rejects.toMatchObject({
      error: { code: 'invalid_request' },
    });
    // A catalog instrument made here and not sent: no id yet, and the catalog has no serial.
    const catalog = chosen.find((r) => r.system === 'catalog')!;
    await app.client.call('connections.setPaused', { id: catalog.connectionId, paused: true });
    const fresh = await app.client.call('records.create', { connectionId: catalog.connectionId, kind: 'instrument', fields: { name: 'Unsent Centrifuge', description: 'x', category_id: 1 } });
    await expect(app.client.call('labels.pdf', { recordIds: [one, fresh.id], stock: 'zebra-2x1' })).rejects.toMatchObject({
      error: { code: 'validation', message: expect.stringContaining('“Unsent Centrifuge” has no id or serial a scan could find yet') },
    });
  });

  it('one record named three times: three labels, one file named for its code', async () => {
    const r = chosen.find((x) => x.system === 'cannlytics')!;
    const reply = await app.client.call('labels.pdf', { recordIds: [r.id, r.id, r.id], stock: 'avery-l7651' });
    expect(reply.filename).toMatch(/^benchsync-labels-3-avery-l7651-/);
    const single = await app.client.call('labels.pdf', { recordIds: [r.id], stock: 'dymo-99012' });
    expect(single.filename).toMatch(new RegExp(`^benchsync-label-${r.remoteId}-dymo-99012-`));
    const file = join(dir.path, 'thrice.pdf');
    writeFileSync(file, Buffer.from(reply.pdfBase64, 'base64'));
    expect(decode(file, 'thrice')).toEqual([r.remoteId, r.remoteId, r.remoteId]);
  });

  it('a batch one label past a full Avery sheet starts a second sheet holding the 66th label alone', async () => {
    const ids = Array.from({ length: 66 }, (_, i) => chosen[i % chosen.length]!.id);
    const reply = await app.client.call('labels.pdf', { recordIds: ids, stock: 'avery-l7651' });
    const file = join(dir.path, 'sheets.pdf');
    writeFileSync(file, Buffer.from(reply.pdfBase64, 'base64'));
    expect(pdfinfo(file).pages).toBe(2);
    execFileSync('pdftoppm', ['-r', '300', '-png', '-f', '2', '-l', '2', file, join(dir.path, 'second')]);
    const second = readdirSync(dir.path).filter((f) => f.startsWith('second-')).map((f) => join(dir.path, f));
    const onSecond = execFileSync('zbarimg', ['--raw', '-q', ...second], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] }).split('\n').filter(Boolean);
    expect(onSecond).toEqual([scanCodeOf(chosen[65 % chosen.length]!)]);
  }, 60_000);
});
