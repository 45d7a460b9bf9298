import { expect, test } from '@playwright/test';
import type { RunningEmulator } from '../sandbox/common/emulator-server';
import type { Sandbox } from '../sandbox/sandbox';
import { type RunningApp, startScaledCatalog } from './harness';
import { catalogHttp, openRecord, searchFor, ui, type CatalogInstrument as Instrument } from './ui';

/**
 * A technician's day, offline in the middle: connect the catalog, work without network,
 * come back, and find on the server exactly what they did, once. Then a change the server
 * refuses, with its own words, fixed and resent while other edits keep flowing.
 */

let sandbox: Sandbox;
let catalog: RunningEmulator;
let app: RunningApp;

// The catalog's limit (2/s, 50/min) is not what this story is about: scale it, and BenchSync's with it.
const SCALE = 10;

test.beforeAll(async () => {
  ({ sandbox, catalog, app } = await startScaledCatalog(SCALE));
});

test.afterAll(async () => {
  await app?.close();
  await sandbox?.close();
});

const { tab, statusBar, list, row, detail, search } = ui;

test('a technician works offline and everything reaches the catalog once', async ({ page }) => {
  const consoleErrors: string[] = [];
  page.on('console', (m) => {
    if (m.type() === 'error') consoleErrors.push(m.text());
  });
  page.on('pageerror', (e) => consoleErrors.push(e.message));

  const member = catalogHttp(catalog.baseUrl, catalog.users.member!);
  const before = {
    all: await member.instruments(),
    mine: await member.mine(),
    categories: await member.get<{ id: number; name: string }[]>('/categories/'),
  };
  const categoryId = (name: string) => before.categories.find((c) => c.name === name)!.id;
  const origin = new URL(catalog.baseUrl).origin;

  await test.step('add a Catalog connection in the Connections view', async () => {
    await page.goto(app.server.url);
    await expect(page.getByText('No connections yet.')).toBeVisible();
    await tab(page, 'Connections').click();
    await page.getByRole('button', { name: 'Add connection' }).click();
    const form = page.getByRole('form', { name: 'Add connection' });
    await expect(form.getByLabel('System')).toHaveValue('catalog');
    // Prefilled from the profile; the sandbox stands in for the public service.
    await expect(form.getByLabel('Base URL')).toHaveValue('https://instrument-catalog-py.herokuapp.com/api');
    await form.getByLabel('Name').fill('Lab catalog');
    await form.getByLabel('Base URL').fill(catalog.baseUrl);
    // Without a key the core says what is missing, on the field.
    await form.getByRole('button', { name: 'Save connection' }).click();
    await expect(form.getByText('Enter the API key for this connection.')).toBeVisible();
    await form.getByLabel('API key').fill(catalog.users.member!);
    await form.getByRole('button', { name: 'Save connection' }).click();
    await expect(page.getByText('Saved “Lab catalog”.')).toBeVisible();

    const card = page.getByRole('listitem', { name: 'Lab catalog' });
    await expect(card.getByText('stored')).toBeVisible();
    await card.getByRole('button', { name: 'Check connection' }).click();
    await expect(card.getByText(`Connected to Instrument Catalog: the key works and owns ${before.mine.length} instruments.`)).toBeVisible();
    await expect(statusBar(page).getByText('Lab catalog: online')).toBeVisible();
    await page.screenshot({ path: 'test-results/technician-connections.png' });

    // The key is write-only: editing never shows it.
    await card.getByRole('button', { name: 'Edit' }).click();
    const edit = page.getByRole('form', { name: 'Edit Lab catalog' });
    await expect(edit.getByLabel('API key')).toHaveValue('');
    await expect(edit.getByText('Leave empty to keep the stored key')).toBeVisible();
    await edit.getByRole('button', { name: 'Cancel' }).click();
  });

  await test.step('see categories and instruments after the first sync', async () => {
    await tab(page, 'Records').click();
    await expect(page.getByText(`${before.all.length} records`)).toBeVisible();
    await openRecord(page, 'Pedal Harp');
    // The category is shown by name, from the pulled categories.
    await expect(detail(page).getByRole('definition').filter({ hasText: /^Strings$/ })).toBeVisible();
    await expect(detail(page).getByText('Concert Harp')).toBeVisible();
  });

  await test.step('go offline: the status bar says so', async () => {
    catalog.faults.set({ offline: true });
    await expect(statusBar(page).getByTestId('overall-status')).toHaveText('Offline', { timeout: 15_000 });
    await expect(statusBar(page).getByText('Lab catalog: offline')).toBeVisible();
  });

  await test.step('search while offline', async () => {
    await page.keyboard.press('/');
    await expect(search(page)).toBeFocused();
    await searchFor(page, 'spectro');
    await expect(row(page, /UV-Vis Spectrophotometer/)).toBeVisible();
    await expect(row(page, /Pedal Harp/)).toHaveCount(0);
    // Keyboard: down into the list, Enter opens.
    await search(page).press('ArrowDown');
    await expect(list(page)).toBeFocused();
    await page.keyboard.press('Enter');
    await expect(detail(page).getByRole('heading', { level: 2 })).toBeVisible();
  });

  const created = { name: 'Benchtop   pH  Meter ', normalised: 'Benchtop pH Meter' };
  await test.step('create an instrument (validated offline by the server’s rules)', async () => {
    await search(page).fill('');
    await list(page).focus();
    await page.keyboard.press('n');
    const form = page.getByRole('form', { name: 'New instrument' });
    await expect(form.getByLabel('Connection')).toHaveValue(/.+/);
    await form.getByLabel('Name', { exact: true }).fill(created.name);
    await form.getByLabel('Category').selectOption({ label: 'Electronic' });
    await form.getByLabel('Alternate names').fill('pH Meter\nBenchtop   pH  Meter');
    await page.keyboard.press('Control+Enter');
    // The same schema as the server: messages under the fields, nothing sent.
    await expect(form.getByText('Description is required.')).toBeVisible();
    await expect(form.getByText('Alternate names must not include the primary name.')).toBeVisible();
    await page.screenshot({ path: 'test-results/technician-form-errors.png' });
    await form.getByLabel('Description').fill('Mettler Toledo SevenCompact S220. Calibrate with pH 4, 7 and 10 buffers.');
    await form.getByLabel('Alternate names').fill('pH Meter\nS220');
    await page.keyboard.press('Control+Enter');
    await expect(form).toHaveCount(0);
    await expect(detail(page).getByRole('heading', { level: 2, name: created.normalised })).toBeVisible();
    await expect(detail(page).getByText('pending', { exact: true })).toBeVisible();
    await expect(detail(page).getByText('not on the server yet')).toBeVisible();
  });

  await test.step('edit it twice (after changing their mind once)', async () => {
    await page.keyboard.press('e');
    let form = page.getByRole('form', { name: `Edit ${created.normalised}` });
    await form.getByLabel('Description').fill('Never mind.');
    await page.keyboard.press('Escape');
    await expect(form).toHaveCount(0);
    await expect(detail(page).getByText('Never mind.')).toHaveCount(0);

    await page.keyboard.press('e');
    await form.getByLabel('Description').fill('Mettler Toledo SevenCompact S220 with InLab Expert Pro electrode.');
    await page.keyboard.press('Control+s');
    await expect(form).toHaveCount(0);
    await expect(detail(page).getByRole('definition').getByText('InLab Expert Pro electrode')).toBeVisible();

    await detail(page).getByRole('button', { name: 'Edit' }).click();
    form = page.getByRole('form', { name: `Edit ${created.normalised}` });
    await form.getByLabel('Category').selectOption({ label: 'Spectroscopy' });
    await form.getByLabel('Alternate names').fill('pH Meter\nS220\nSevenCompact');
    await form.getByRole('button', { name: 'Save' }).click();
    await expect(form).toHaveCount(0);
    await expect(detail(page).getByRole('definition').filter({ hasText: /^Spectroscopy$/ })).toBeVisible();
    await expect(detail(page).getByText('pending', { exact: true })).toBeVisible();
    await expect(row(page, new RegExp(created.normalised))).toContainText('pending');
  });

  await test.step('someone else’s instrument is read-only', async () => {
    await page.keyboard.press('/');
    await expect(search(page)).toBeFocused();
    await openRecord(page, 'Pedal Harp');
    await expect(detail(page).getByText('belongs to someone else')).toBeVisible();
    await expect(detail(page).getByText('read-only', { exact: true })).toBeVisible();
    await expect(detail(page).getByRole('button', { name: 'Edit' })).toHaveCount(0);
    await expect(detail(page).getByRole('button', { name: 'Delete' })).toHaveCount(0);
    await page.keyboard.press('e');
    await expect(page.getByRole('form')).toHaveCount(0);
  });

  await test.step('delete one of their own', async () => {
    await openRecord(page, 'Stereo Microscope');
    await detail(page).getByRole('button', { name: 'Delete' }).click();
    // A delete says why (kept in the record's history): without a reason nothing happens.
    await detail(page).getByRole('button', { name: 'Yes, delete' }).click();
    await expect(detail(page).getByText('Say why it is deleted')).toBeVisible();
    await expect(detail(page).getByLabel('Reason')).toBeFocused();
    await expect(detail(page).getByText('delete pending')).toHaveCount(0);
    await detail(page).getByLabel('Reason').fill('Moved to another lab');
    await detail(page).getByRole('button', { name: 'Yes, delete' }).click();
    await expect(detail(page).getByText('delete pending')).toBeVisible();
    const r = row(page, /Stereo Microscope/);
    await expect(r).toContainText('delete pending');
    await expect(r.locator('.row-title')).toHaveCSS('text-decoration-line', 'line-through');
  });

  await test.step('every change is pending at once, and the count matches', async () => {
    await search(page).fill('');
    await page.getByLabel('Status', { exact: true }).selectOption('pending');
    await expect(page.getByText('2 matches')).toBeVisible();
    await expect(row(page, new RegExp(created.normalised))).toBeVisible();
    await expect(row(page, /Stereo Microscope/)).toBeVisible();

    await tab(page, 'Pending changes').click();
    const table = page.getByRole('region', { name: 'Pending changes' }).getByRole('table');
    const rows = table.locator('tbody tr');
    await expect(rows.first()).toBeVisible();
    const n = await rows.count();
    expect(n).toBeGreaterThanOrEqual(2);
    await expect(statusBar(page).getByTestId('pending-count')).toHaveText(`${n} pending changes`);
    await expect(table.getByRole('row', { name: /Stereo Microscope/ })).toContainText('Delete');
    await expect(table.getByRole('row', { name: new RegExp(created.normalised) }).first()).toContainText('Create');
    await page.screenshot({ path: 'test-results/technician-offline-pending.png' });
  });

  await test.step('back online: the queue drains on its own', async () => {
    catalog.faults.set({ offline: false });
    await expect(statusBar(page).getByTestId('pending-count')).toHaveText('0 pending changes', { timeout: 20_000 });
    await expect(statusBar(page).getByTestId('overall-status')).toHaveText('Online');
    await expect(page.getByText('Nothing is waiting')).toBeVisible();
    await tab(page, 'Records').click();
    await expect(page.getByText('0 matches')).toBeVisible();
    await page.getByLabel('Status', { exact: true }).selectOption('');
    await openRecord(page, created.normalised);
    await expect(detail(page).getByText(/#\d+ on the server/)).toBeVisible();
    await expect(detail(page).locator('.badge')).toHaveCount(0);
  });

  await test.step('the catalog holds exactly what they did, once', async () => {
    const mine = await member.mine();
    const all = await member.instruments();
    const made = mine.filter((i) => i.name.includes('pH'));
    expect(made).toHaveLength(1);
    expect(made[0]).toMatchObject({
      name: created.normalised,
      description: 'Mettler Toledo SevenCompact S220 with InLab Expert Pro electrode.',
      category_id: categoryId('Spectroscopy'),
      alternate_names: ['pH Meter', 'S220', 'SevenCompact'],
      image: null,
    });
    expect(all.find((i) => i.name === 'Stereo Microscope')).toBeUndefined();
    expect(mine).toHaveLength(before.mine.length); // one added, one deleted
    expect(all).toHaveLength(before.all.length);
    // Nothing else changed on the server.
    const untouched = (list: Instrument[]) => list.filter((i) => i.name !== 'Stereo Microscope' && i.id !== made[0]!.id);
    expect(untouched(all)).toEqual(untouched(before.all));
  });

  await test.step('a change the server refuses: its own words, fixed and resent, while other edits flow', async () => {
    const missing = `${origin}/images/missing.jpg`;
    await page.keyboard.press('e');
    let form = page.getByRole('form', { name: `Edit ${created.normalised}` });
    // Fine by the offline rules (an http URL); only the server can find it missing.
    await form.getByLabel('Image URL').fill(missing);
    await page.keyboard.press('Control+Enter');
    await expect(form).toHaveCount(0);
    const refusal = 'Image URL: A request for the image failed with status code 404.';
    const rejectedBox = detail(page).getByRole('group', { name: 'Rejected change' });
    await expect(rejectedBox.getByText(refusal).first()).toBeVisible({ timeout: 15_000 });
    await expect(detail(page).getByText('rejected', { exact: true })).toBeVisible();
    await expect(statusBar(page).getByRole('button', { name: '1 rejected' })).toBeVisible();

    await page.screenshot({ path: 'test-results/technician-rejected.png' });
    // Retry as is: the server says the same again.
    await rejectedBox.getByRole('button', { name: 'Retry' }).click();
    await expect(rejectedBox.getByText(refusal).first()).toBeVisible({ timeout: 15_000 });

    // Meanwhile another record's edit goes through.
    await openRecord(page, 'UV-Vis Spectrophotometer');
    await page.keyboard.press('e');
    form = page.getByRole('form', { name: 'Edit UV-Vis Spectrophotometer' });
    await form.getByLabel('Alternate names').fill('UV-Vis\nCary 60\nSpectrophotometer 1');
    await page.keyboard.press('Control+Enter');
    await expect(detail(page).getByRole('definition').getByText('Spectrophotometer 1')).toBeVisible();
    await expect(detail(page).locator('.badge')).toHaveCount(0, { timeout: 15_000 });
    await expect.poll(async () => (await member.mine()).find((i) => i.name === 'UV-Vis Spectrophotometer')?.alternate_names).toEqual([
      'UV-Vis',
      'Cary 60',
      'Spectrophotometer 1',
    ]);

    // Back to the refused one: the form shows the server's message on the field; fix it and save.
    await openRecord(page, created.normalised);
    await detail(page).getByRole('button', { name: 'Fix and resend' }).click();
    form = page.getByRole('form', { name: `Edit ${created.normalised}` });
    await expect(form.getByText(refusal).first()).toBeVisible();
    await expect(form.getByLabel('Image URL')).toHaveAttribute('aria-invalid', 'true');
    // A link that redirects to a real image: the server stores the final URL, and BenchSync adopts it.
    await form.getByLabel('Image URL').fill(`${origin}/img/ph-meter`);
    await page.keyboard.press('Control+Enter');
    await expect(form).toHaveCount(0);
    const finalUrl = `${origin}/images/ph-meter.png`;
    await expect(detail(page).getByRole('link', { name: finalUrl })).toBeVisible({ timeout: 15_000 });
    await expect(detail(page).locator('.badge')).toHaveCount(0);
    await expect(statusBar(page).getByTestId('pending-count')).toHaveText('0 pending changes');
    await expect(statusBar(page).getByRole('button', { name: /rejected/ })).toHaveCount(0);
    const made = (await member.mine()).filter((i) => i.name === created.normalised);
    expect(made).toHaveLength(1);
    expect(made[0]!.image).toBe(finalUrl);
  });

  await page.screenshot({ path: 'test-results/technician-story.png' });
  expect(consoleErrors).toEqual([]);
  expect(app.log).toEqual([]);
});
