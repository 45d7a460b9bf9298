import { expect, test, type Page } from '@playwright/test';
import type { RunningEmulator } from '../sandbox/common/emulator-server';
import type { Sandbox } from '../sandbox/sandbox';
import { startScaledCatalog, type RunningApp } from './harness';
import { catalogHttp, searchFor, ui } from './ui';

/**
 * Issue 11, point 15: working on many records. Tick records (a box per row, Shift for a range,
 * Space from the keyboard, select all in view), set one field on all of them with a preview of
 * what will change and what cannot take it, and see it reach the Instrument Catalog; then the
 * table: sorted by its headers (mouse and keyboard), with chosen columns that are remembered.
 */

let sandbox: Sandbox;
let catalog: RunningEmulator;
let app: RunningApp;

test.beforeAll(async () => {
  ({ sandbox, catalog, app } = await startScaledCatalog(10));
  const saved = await app.core.dispatch('connections.save', { system: 'catalog', name: 'Lab catalog', baseUrl: catalog.baseUrl, apiKey: catalog.users.member! });
  expect(saved.ok).toBe(true);
  await expect
    .poll(async () => {
      const reply = await app.core.dispatch('sync.status', {});
      return reply.ok ? (reply.value as { lastPullAt: string | null }[])[0]?.lastPullAt : null;
    }, { timeout: 30_000 })
    .toBeTruthy();
});

test.afterAll(async () => {
  await app?.close();
  await sandbox?.close();
});

test.describe.configure({ mode: 'serial' });

const ticked = (page: Page) => page.getByRole('group', { name: 'Ticked records' });
const box = (page: Page, name: string) => ui.row(page, new RegExp(`^${name}`)).locator('.row-check');

test('tick a range, one field for all of them: a preview, then the catalog has it', async ({ page }) => {
  const errors: string[] = [];
  page.on('pageerror', (e) => errors.push(e.message));
  const web = catalogHttp(catalog.baseUrl, catalog.users.member!);
  const categories = await web.get<{ id: number; name: string }[]>('/categories/');
  const microscopy = categories.find((c) => c.name === 'Microscopy')!;

  await page.goto(app.server.url);
  await searchFor(page, 'spectrometer');
  const names = (await ui.list(page).locator('.row-title').allTextContents()).map((t) => t.trim());
  // Someone else's (read-only here) and two of ours, with whatever the search has between them.
  const first = names.indexOf('Benchtop NMR Spectrometer');
  expect(first).toBeGreaterThanOrEqual(0);

  await test.step('a box, then Shift on another: every row between is ticked', async () => {
    await box(page, 'Benchtop NMR Spectrometer').click();
    await expect(ticked(page)).toContainText('1 record ticked');
    await searchFor(page, 'spectrophotometer');
    const mine = ['Microvolume Spectrophotometer', 'UV-Vis Spectrophotometer'];
    const rows = (await ui.list(page).locator('.row-title').allTextContents()).map((t) => t.trim());
    const [a, b] = mine.map((m) => rows.indexOf(m)).sort((x, y) => x - y);
    await box(page, rows[a!]!).click();
    await box(page, rows[b!]!).click({ modifiers: ['Shift'] });
    await expect(ticked(page)).toContainText(`${1 + b! - a! + 1} records ticked`);
    for (const m of mine) await expect(ui.row(page, new RegExp(`^${m}`))).toHaveAttribute('aria-selected', 'true');
    // Shift ticks; it never opens the record.
    await expect(ui.detail(page).getByRole('heading', { level: 2 })).toHaveCount(0);
  });

  await test.step('the preview: how many will change, which cannot take it and why; nothing is saved yet', async () => {
    await ticked(page).getByRole('button', { name: 'Edit a field…' }).click();
    const panel = page.getByRole('region', { name: 'Bulk edit' });
    await expect(panel.getByRole('heading', { name: /^Edit \d+ ticked records$/ })).toBeVisible();
    await expect(panel.getByLabel('Field to set')).toHaveValue(/category_id/);
    await expect(panel.getByText('Choose the category to set')).toBeVisible();
    await panel.getByLabel('Category', { exact: true }).selectOption({ label: 'Microscopy' });
    const refused = panel.getByRole('list', { name: 'Records that cannot take it' });
    await expect(refused.getByRole('listitem').filter({ hasText: 'Benchtop NMR Spectrometer' })).toContainText('belongs to someone else');
    const changing = Number((await panel.getByTestId('bulk-changing').textContent())!.match(/\d+/)![0]);
    expect(changing).toBeGreaterThanOrEqual(2);
    await page.screenshot({ path: 'test-results/bulk-edit-preview.png' });
    // A dry run only: the mirror and the outbox are as they were.
    await expect(ui.pendingCount(page)).toHaveText('0 pending changes');

    // Leaving out those that cannot take it, then applying to the rest.
    await panel.getByRole('button', { name: /^Untick these \d+$/ }).click();
    await expect(refused).toHaveCount(0);
    await panel.getByRole('button', { name: `Set Category on ${changing} records` }).click();
    await expect(panel.getByRole('status').filter({ hasText: `Category set on ${changing} records.` })).toBeVisible();
    await expect(panel.getByText(`${changing} already have this value`)).toBeVisible();
  });

  await test.step('each record goes to the catalog as its own change', async () => {
    await expect(ui.pendingCount(page)).toHaveText('0 pending changes', { timeout: 20_000 });
    const remote = await web.mine();
    for (const name of ['Microvolume Spectrophotometer', 'UV-Vis Spectrophotometer']) {
      expect(remote.find((i) => i.name === name)?.category_id, name).toBe(microscopy.id);
    }
    const theirs = (await web.instruments()).find((i) => i.name === 'Benchtop NMR Spectrometer')!;
    expect(theirs.category_id).not.toBe(microscopy.id);
  });

  await test.step('Space ticks from the keyboard; select all in view ticks what the search shows', async () => {
    await page.getByRole('group', { name: 'Ticked records' }).getByRole('button', { name: 'Untick all' }).click();
    await expect(ticked(page)).toHaveCount(0);
    await searchFor(page, 'balance');
    await ui.list(page).focus();
    await page.keyboard.press('Space');
    await expect(ticked(page)).toContainText('1 record ticked');
    await page.keyboard.press('ArrowDown');
    await page.keyboard.press('ArrowDown');
    await page.keyboard.press('Shift+Space');
    await expect(ticked(page)).toContainText('3 records ticked');
    const shown = (await page.getByText(/^\d+ matches for “balance”$/).textContent())!.match(/\d+/)![0];
    await page.getByLabel('Select all in view').check();
    await expect(ticked(page)).toContainText(`${shown} records ticked`);
    await expect(page.getByLabel('Select all in view')).toBeChecked();
    await page.getByLabel('Select all in view').uncheck();
    await expect(ticked(page)).toHaveCount(0);
  });
  expect(errors).toEqual([]);
});

test('the table: sorted by its headers, by mouse and keyboard; the columns chosen are remembered', async ({ page }) => {
  const requested: number[] = [];
  page.on('websocket', (ws) =>
    ws.on('framesent', ({ payload }) => {
      const m = JSON.parse(String(payload)) as { method?: string; payload?: { limit?: number } };
      if (m.method === 'records.list') requested.push(m.payload?.limit ?? 100);
    }),
  );
  await page.goto(app.server.url);
  await searchFor(page, '');
  await page.getByRole('button', { name: 'Table', exact: true }).click();
  const table = page.getByRole('grid', { name: 'Records table' });
  const header = (name: string) => table.getByRole('columnheader', { name: new RegExp(`^${name}`) });
  // A column's cells on screen, once the page for the new order is in (no row still loading).
  const column = async (index: number) => {
    await expect(table.locator('.table-loading')).toHaveCount(0);
    return table.locator(`.table-body [role=row] > [aria-colindex="${index}"]`).allTextContents();
  };
  await expect(header('Name')).toHaveAttribute('aria-sort', 'ascending');
  // Virtualized: the rows on screen, not the whole list.
  const total = Number((await page.getByText(/^\d+ records$/).textContent())!.match(/\d+/)![0]);
  expect(await table.getByRole('row').count()).toBeLessThan(Math.min(total, 40));

  await test.step('a click on a header sorts by it; again, the other way', async () => {
    await header('ID').getByRole('button').click();
    await expect(header('ID')).toHaveAttribute('aria-sort', 'ascending');
    await expect(header('Name')).toHaveAttribute('aria-sort', 'none');
    await expect.poll(async () => (await column(5))[0]).toBe('1');
    const ids = (await column(5)).map(Number);
    expect(ids.length).toBeGreaterThan(5);
    // As numbers: 9 before 10.
    expect(ids).toEqual([...ids].sort((a, b) => a - b));
    await header('ID').getByRole('button').click();
    await expect(header('ID')).toHaveAttribute('aria-sort', 'descending');
    await expect.poll(async () => Number((await column(5))[0])).toBeGreaterThan(ids.at(-1)!);
    const down = (await column(5)).map(Number);
    expect(down).toEqual([...down].sort((a, b) => b - a));
  });

  await test.step('from the keyboard: a header is a button; the rows take arrows, Enter and Space', async () => {
    await header('Status').getByRole('button').focus();
    await page.keyboard.press('Enter');
    await expect(header('Status')).toHaveAttribute('aria-sort', 'ascending');
    await header('Name').getByRole('button').focus();
    await page.keyboard.press('Enter');
    await page.keyboard.press('Enter');
    await expect(header('Name')).toHaveAttribute('aria-sort', 'descending');
    // As SQLite's NOCASE compares: code units, ignoring ASCII case.
    const byName = (a: string, b: string) => (a.toUpperCase() < b.toUpperCase() ? 1 : a.toUpperCase() > b.toUpperCase() ? -1 : 0);
    await expect.poll(async () => { const n = await column(2); return n.join('|') === [...n].sort(byName).join('|'); }).toBe(true);
    const names = await column(2);
    await table.focus();
    await page.keyboard.press('ArrowDown');
    await page.keyboard.press('Space');
    await expect(table.getByRole('row', { selected: true })).toHaveCount(1);
    await expect(table.getByRole('row', { selected: true })).toContainText(names[1]!);
    await page.keyboard.press('Enter');
    await expect(ui.detail(page).getByRole('heading', { level: 2, name: names[1] })).toBeVisible();
  });

  await test.step('columns: chosen in the picker, remembered after a reload', async () => {
    await page.getByRole('button', { name: 'Columns' }).click();
    const picker = page.getByRole('dialog', { name: 'Table columns' });
    await picker.getByLabel('Serial').check();
    await picker.getByLabel('Kind').uncheck();
    await picker.getByLabel('Vendor').check();
    await page.keyboard.press('Escape');
    await expect(picker).toHaveCount(0);
    await expect(page.getByRole('button', { name: 'Columns' })).toBeFocused();
    const headers = ['Name', 'System', 'ID', 'Serial', 'Vendor', 'Status'];
    await expect(table.getByRole('columnheader')).toHaveText(['Ticked', ...headers].map((h) => new RegExp(`^${h}`)));
    await header('Vendor').getByRole('button').click();
    await expect(header('Vendor')).toHaveAttribute('aria-sort', 'ascending');
    await page.screenshot({ path: 'test-results/records-table.png' });

    await page.reload();
    const again = page.getByRole('grid', { name: 'Records table' });
    await expect(again.getByRole('columnheader')).toHaveText(['Ticked', ...headers].map((h) => new RegExp(`^${h}`)));
  });

  // Pages of 100 as the table scrolls, never the table.
  expect(Math.max(...requested)).toBeLessThanOrEqual(100);
});
