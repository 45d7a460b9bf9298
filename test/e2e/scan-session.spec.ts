import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { expect, test, type Page } from '@playwright/test';
import { startSandbox, type Sandbox } from '../sandbox/sandbox';
import { FAST_SYNC, startApp, type RunningApp } from './harness';
import { addConnection, ui } from './ui';
import { scanInto } from './scanner';

/**
 * Issue 13, scan sessions: "Move to" chosen once, then five scans with the scanner alone (a
 * serial, a QR link, an unknown code, the first item again by its key, an overdue instrument),
 * and an undo. The connection is paused (an offline bench): the moves are queued edits, checked
 * in the core's outbox and bench log. Scans are keystroke bursts 5 ms apart, as a keyboard-wedge
 * scanner types them (the same as scanner-and-keyboard.spec.ts). The tones are read off the
 * page's Web Audio oscillators as they start.
 */

let sandbox: Sandbox;
let app: RunningApp;
let page: Page;
const consoleErrors: string[] = [];

test.describe.configure({ mode: 'serial' });

/** A keyboard-wedge scanner (test/e2e/scanner.ts). */
const scanner = (code: string) => scanInto(page, code);
const call = async <T>(method: string, payload: unknown): Promise<T> => {
  const reply = await app.core.dispatch(method, payload);
  if (!reply.ok) throw new Error(`${method}: ${reply.error.message}`);
  return reply.value as T;
};
const view = () => page.getByRole('region', { name: 'Scan session' });
const rows = () => view().getByRole('list', { name: 'Scanned items' }).getByRole('listitem');
const row = (n: number) => view().getByRole('listitem', { name: new RegExp(`^#${n} `) });
/** Every note played so far (lib/scan-sounds.ts), as waveform:Hz. */
const tonesPlayed = () => page.evaluate(() => (window as unknown as { tones: string[] }).tones);

let hplc3: string;

test.beforeAll(async ({ browser }) => {
  sandbox = await startSandbox({ systems: ['cannlytics'] });
  app = await startApp({ ...FAST_SYNC, pullIntervalMs: 600_000 });
  page = await browser.newPage();
  page.on('console', (m) => {
    if (m.type() === 'error') consoleErrors.push(m.text());
  });
  page.on('pageerror', (e) => consoleErrors.push(e.message));
  // Every note, as its oscillator starts: waveform and pitch.
  await page.addInitScript(() => {
    const w = window as unknown as { tones: string[] };
    w.tones = [];
    const start = OscillatorNode.prototype.start;
    OscillatorNode.prototype.start = function (when?: number) {
      w.tones.push(`${this.type}:${this.frequency.value}`);
      return start.call(this, when);
    };
  });
  const cannlytics = sandbox.emulators.cannlytics!;
  await page.goto(app.server.url);
  await addConnection(page, {
    system: 'Cannlytics LIMS',
    name: 'QA lab LIMS',
    baseUrl: cannlytics.baseUrl,
    apiKey: cannlytics.users.member!,
    settings: { 'Organization ID': cannlytics.extra.organizationId! },
    synced: true,
  });
  // HPLC-03 was last calibrated 2023-11-30: with a 180-day calibration schedule it is overdue.
  hplc3 = (await call<{ matches: { record: { id: string } }[] }>('scan.resolve', { code: 'HPLC-03' })).matches[0]!.record.id;
  await call('calibration.setSchedules', { recordId: hplc3, schedules: [{ name: 'calibration', intervalDays: 180, warningDays: 14 }] });
  await expect.poll(async () => (await call<unknown[]>('outbox.list', {})).length, { timeout: 20_000 }).toBe(0);
  const [connection] = await call<{ id: string }[]>('connections.list', {});
  await call('connections.setPaused', { id: connection!.id, paused: true });
  await ui.tab(page, 'Records').click();
});

test.afterAll(async () => {
  await page?.close();
  await app?.close();
  await sandbox?.close();
});

test('a five-scan “Move to” session with an unknown code, a repeat, an overdue instrument and an undo', async () => {
  await test.step('Shift+S opens the session; the act is chosen once', async () => {
    await page.evaluate(() => (document.activeElement as HTMLElement | null)?.blur());
    await page.keyboard.press('Shift+S');
    await expect(view().getByRole('heading', { name: 'Scan session' })).toBeVisible();
    await view().getByRole('radio', { name: /Move to/ }).check();
    // The places a move can go to are offered (Cannlytics areas in the mirror).
    await expect(view().locator('#session-places option[value="Potency Lab"]')).toHaveCount(1);
    await view().getByLabel('Move to', { exact: true }).fill('Cleanroom 2');
    await view().getByLabel('Move to', { exact: true }).press('Enter');
    await expect(view().getByRole('heading', { name: 'Scan session: Move to Cleanroom 2' })).toBeFocused();
  });

  await test.step('five scans, no mouse', async () => {
    await scanner('DEAEX01234');
    await expect(row(1)).toHaveAttribute('data-state', 'done');
    await scanner('https://lab.example/assets/HPLC-02');
    await expect(row(2)).toHaveAttribute('data-state', 'done');
    await scanner('asset-0042');
    await expect(row(3)).toHaveAttribute('data-state', 'unknown');
    await scanner('HPLC-01');
    await expect(row(4)).toHaveAttribute('data-state', 'duplicate');
    await scanner('HPLC-03');
    await expect(row(5)).toHaveAttribute('data-state', 'done');

    await expect(rows()).toHaveCount(5);
    await expect(row(1)).toHaveAccessibleName('#1 DEAEX01234: OK');
    await expect(row(1)).toContainText('Potency HPLC 1');
    await expect(row(1)).toContainText('Moved to Cleanroom 2 (queued for Cannlytics LIMS).');
    await expect(row(2)).toHaveAccessibleName('#2 HPLC-02: OK');
    await expect(row(3)).toHaveAccessibleName('#3 asset-0042: Unknown code');
    await expect(row(3).getByRole('button', { name: 'New record with “asset-0042”' })).toBeVisible();
    await expect(row(4)).toHaveAccessibleName('#4 HPLC-01: Already scanned');
    await expect(row(4)).toContainText('Already scanned in this session (#1); not done again.');
    await expect(row(5)).toHaveAccessibleName('#5 HPLC-03: Overdue');
    await expect(row(5)).toContainText('Potency UHPLC');
    // Green and red, with the words beside the colour.
    await expect(row(1)).toHaveClass(/session-row-good/);
    await expect(row(3)).toHaveClass(/session-row-bad/);
    await expect(row(5)).toHaveClass(/session-row-bad/);
    await expect(view().getByTestId('session-counts')).toHaveText('5 scans · 3 done (1 overdue) · 2 need you');
    // A tone per scan: ok, ok, problem, problem, overdue, each its own waveform and notes.
    const ok = ['sine:880', 'sine:1320'];
    const problem = ['square:196', 'square:196'];
    await expect.poll(tonesPlayed).toEqual([...ok, ...ok, ...problem, ...problem, 'sawtooth:660', 'sawtooth:440']);
    await page.screenshot({ path: 'test-results/scan-session-rows.png' });
  });

  await test.step('Ctrl+Z takes back the last scan: its queued move is gone', async () => {
    await page.keyboard.press('Control+z');
    await expect(row(5)).toHaveAccessibleName('#5 HPLC-03: Undone');
    await expect(row(5)).toContainText('Undone before it was sent');
    await expect(view().getByTestId('session-counts')).toHaveText('5 scans · 2 done · 2 need you · 1 undone');

    const ops = await call<{ recordTitle: string; type: string; payload: Record<string, unknown> }[]>('outbox.list', {});
    expect(ops.map((o) => [o.recordTitle, o.type, o.payload.area_name]).sort()).toEqual([
      ['Potency HPLC 1', 'update', 'Cleanroom 2'],
      ['Potency HPLC 2', 'update', 'Cleanroom 2'],
    ]);
    const db = new Database(join(app.dataDir, 'benchsync.sqlite'), { readonly: true, fileMustExist: true });
    try {
      const log = db.prepare('SELECT act, how, place, undoes IS NOT NULL AS undo, session_id FROM bench_log ORDER BY id').all() as { act: string; how: string; place: string | null; undo: number; session_id: string | null }[];
      expect(log.map((l) => [l.act, l.how, l.place, l.undo])).toEqual([
        ['move', 'edit', 'Cleanroom 2', 0],
        ['move', 'edit', 'Cleanroom 2', 0],
        ['move', 'edit', 'Cleanroom 2', 0],
        ['undo', 'edit', null, 1],
      ]);
      // The three moves carry the one session's id.
      expect(new Set(log.slice(0, 3).map((l) => l.session_id)).size).toBe(1);
      expect(log[0]!.session_id).toBeTruthy();
    } finally {
      db.close();
    }
  });

  await test.step('the summary exports to CSV, one line per scan', async () => {
    const downloading = page.waitForEvent('download');
    await view().getByRole('button', { name: 'Export CSV' }).click();
    const download = await downloading;
    expect(download.suggestedFilename()).toMatch(/^benchsync-scan-session-.*\.csv$/);
    const lines = readFileSync((await download.path())!, 'utf8').trimEnd().split('\r\n');
    expect(lines[0]).toBe('scan,scanned_at,code,result,record_id,title,system,remote_id,serial,act,place,recorded_as,due,message');
    expect(lines.slice(1).map((l) => l.split(',').slice(2, 4).join(','))).toEqual([
      'DEAEX01234,OK',
      'HPLC-02,OK',
      'asset-0042,Unknown code',
      'HPLC-01,Already scanned',
      'HPLC-03,Undone',
    ]);
    expect(lines[1]).toContain('Potency HPLC 1,cannlytics,HPLC-01,DEAEX01234,move,Cleanroom 2,queued edit');
    expect(lines[5]).toContain(`${hplc3},Potency UHPLC`);
  });

  await test.step('the unknown code offers a new record with it, through the scan box’s flow', async () => {
    await row(3).getByRole('button', { name: 'New record with “asset-0042”' }).click();
    const choices = page.getByRole('dialog', { name: 'Scan result' }).getByRole('list', { name: 'Where the new record goes' }).getByRole('button');
    await expect(choices).toHaveCount(1);
    await page.keyboard.press('Enter');
    const form = page.getByRole('form', { name: 'New instrument' });
    await expect(form.getByLabel('Instrument ID')).toHaveValue('asset-0042');
    await page.keyboard.press('Escape');
    await expect(form).toHaveCount(0);
    // Back to the session: it is still running, and a scan goes to it.
    await page.keyboard.press('Shift+S');
    await expect(view().getByRole('heading', { name: 'Scan session: Move to Cleanroom 2' })).toBeFocused();
    await scanner('HPLC-03');
    await expect(row(6)).toHaveAccessibleName('#6 HPLC-03: Overdue');
  });

  expect(consoleErrors).toEqual([]);
  expect(app.log).toEqual([]);
});
