import { execFileSync } from 'node:child_process';
import { mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { expect, test, type Page } from '@playwright/test';
import { startSandbox, type Sandbox } from '../sandbox/sandbox';
import { FAST_SYNC, startApp, type RunningApp } from './harness';
import { layoutOffenders } from './layout-audit';
import { searchFor, ui } from './ui';
import { scanInto } from './scanner';

/**
 * Issue 13, labels: a batch ticked in the list, printed as labels; the PDF the page downloads is
 * rasterised (poppler) and its codes decoded (zbar); each decoded text, typed by a scanner into
 * the app, opens the record its label was for. Then one record's label from its detail, on the
 * stock chosen last time.
 */

let sandbox: Sandbox;
let app: RunningApp;
let page: Page;
let work: string;

test.describe.configure({ mode: 'serial' });

/** A keyboard-wedge scanner (test/e2e/scanner.ts). */
const scanner = (code: string) => scanInto(page, code);
const ticked = () => page.getByRole('group', { name: 'Ticked records' });
const box = (name: string) => ui.row(page, new RegExp(`^${name}`)).locator('.row-check');
const heading = (name: string) => ui.detail(page).getByRole('heading', { level: 2, name });

/** The codes on every page of a PDF, as zbar reads poppler's 300 dpi rendering. */
function decodePdf(file: string, prefix: string): string[] {
  execFileSync('pdftoppm', ['-r', '300', '-png', file, join(work, prefix)]);
  const images = readdirSync(work).filter((f) => f.startsWith(`${prefix}-`) && f.endsWith('.png')).map((f) => join(work, f));
  return execFileSync('zbarimg', ['--raw', '-q', ...images], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] }).split('\n').filter(Boolean);
}

const pages = (file: string) => Number(/^Pages:\s+(\d+)/m.exec(execFileSync('pdfinfo', [file], { encoding: 'utf8' }))![1]);

test.beforeAll(async ({ browser }) => {
  work = mkdtempSync(join(tmpdir(), 'benchsync-labels-e2e-'));
  sandbox = await startSandbox({ systems: ['cannlytics', 'atomscale', 'brainstem'] });
  app = await startApp({ ...FAST_SYNC, pullIntervalMs: 600_000 });
  const { cannlytics, atomscale, brainstem } = sandbox.emulators as Required<typeof sandbox.emulators>;
  const connect = async (system: string, name: string, baseUrl: string, apiKey: string, settings: Record<string, string> = {}) => {
    const saved = await app.core.dispatch('connections.save', { system, name, baseUrl, apiKey, settings });
    expect(saved.ok).toBe(true);
  };
  await connect('cannlytics', 'QA lab LIMS', cannlytics.baseUrl, cannlytics.users.member!, { organizationId: cannlytics.extra.organizationId! });
  await connect('atomscale', 'Thin films', atomscale.baseUrl, atomscale.users.member!);
  await connect('brainstem', 'Neuro lab', brainstem.baseUrl, brainstem.users.member!);
  await expect
    .poll(async () => {
      const reply = await app.core.dispatch('sync.status', {});
      return reply.ok ? (reply.value as { lastPullAt: string | null }[]).filter((s) => s.lastPullAt).length : 0;
    }, { timeout: 30_000 })
    .toBe(3);
  page = await browser.newPage({ acceptDownloads: true });
  await page.goto(app.server.url);
});

test.afterAll(async () => {
  await page?.close();
  await app?.close();
  await sandbox?.close();
  if (work) rmSync(work, { recursive: true, force: true });
});

test('a ticked batch printed as labels: each decoded code, scanned, opens its record', async () => {
  const errors: string[] = [];
  page.on('pageerror', (e) => errors.push(e.message));
  // Three systems in one batch: Cannlytics instruments, an Atomscale one, BrainSTEM equipment.
  const batch = ['Potency HPLC 1', 'Potency HPLC 2', 'MBE Chamber A', 'Thorlabs LEDD1B LED driver (465 nm)'];
  await searchFor(page, 'potency hplc');
  await box('Potency HPLC 1').click();
  await box('Potency HPLC 2').click();
  await searchFor(page, 'MBE Chamber A');
  await box('MBE Chamber A').click();
  await searchFor(page, 'LEDD1B');
  await box('Thorlabs LEDD1B').click();
  await expect(ticked()).toContainText('4 records ticked');

  await ticked().getByRole('button', { name: 'Print labels…' }).click();
  const panel = ticked().getByRole('group', { name: 'Print labels' });
  await panel.getByLabel('Label stock').selectOption({ label: 'Avery L7651 (65 per A4 sheet)' });
  await expect(panel).toContainText('A4 sheets of 5 × 13 labels');
  expect(await layoutOffenders(page)).toEqual([]);
  const downloading = page.waitForEvent('download');
  await panel.getByRole('button', { name: 'Download PDF (4 labels)' }).click();
  const download = await downloading;
  expect(download.suggestedFilename()).toMatch(/^benchsync-labels-4-avery-l7651-.*\.pdf$/);
  await expect(panel.getByRole('status')).toContainText(`Saved 4 labels as ${download.suggestedFilename()}.`);
  const file = join(work, 'batch.pdf');
  await download.saveAs(file);
  expect(pages(file)).toBe(1);

  const decoded = decodePdf(file, 'batch');
  expect(decoded).toHaveLength(4);
  await ticked().getByRole('button', { name: 'Untick all' }).click();
  const reached: string[] = [];
  for (const code of decoded) {
    await page.evaluate(() => (document.activeElement as HTMLElement | null)?.blur());
    await scanner(code);
    await expect(page.getByRole('textbox', { name: 'Scan an id or serial' })).toHaveValue(code);
    const title = ui.detail(page).getByRole('heading', { level: 2 });
    // Each label is another record: the scan opened a new one (not still the last one shown).
    if (reached.length > 0) await expect(title).not.toHaveText(reached.at(-1)!);
    await expect(title).toHaveText(new RegExp(`^(${batch.map((b) => b.replace(/[()]/g, '\\$&')).join('|')})$`));
    reached.push((await title.textContent())!);
  }
  expect(reached.sort()).toEqual([...batch].sort());
  expect(errors).toEqual([]);
});

test('one record’s label from its detail, on the stock chosen last; the code is the key it scans by', async () => {
  await searchFor(page, 'Potency HPLC 1');
  await ui.row(page, /^Potency HPLC 1/).first().click();
  await expect(heading('Potency HPLC 1')).toBeVisible();
  await ui.detail(page).getByRole('button', { name: 'Print label…' }).click();
  const panel = ui.detail(page).getByRole('group', { name: 'Print label' });
  // Remembered from the batch.
  await expect(panel.getByLabel('Label stock')).toHaveValue('avery-l7651');
  await panel.getByLabel('Label stock').selectOption({ label: 'Zebra 2 × 1 in' });
  const downloading = page.waitForEvent('download');
  await panel.getByRole('button', { name: 'Download PDF (1 label)' }).click();
  const download = await downloading;
  expect(download.suggestedFilename()).toMatch(/^benchsync-label-HPLC-01-zebra-2x1-.*\.pdf$/);
  const file = join(work, 'one.pdf');
  await download.saveAs(file);
  expect(decodePdf(file, 'one')).toEqual(['HPLC-01']);

  // The stock stays chosen after a reload.
  await page.reload();
  await searchFor(page, 'Potency HPLC 2');
  await ui.row(page, /^Potency HPLC 2/).first().click();
  await ui.detail(page).getByRole('button', { name: 'Print label…' }).click();
  await expect(ui.detail(page).getByRole('group', { name: 'Print label' }).getByLabel('Label stock')).toHaveValue('zebra-2x1');
});
