import { expect, test, type Page } from '@playwright/test';
import type { RunningEmulator } from '../sandbox/common/emulator-server';
import { startSandbox, type Sandbox } from '../sandbox/sandbox';
import { FAST_SYNC, startApp, type RunningApp } from './harness';
import { catalogHttp, openRecord, ui } from './ui';

/**
 * A bench UI that tells the truth (issue 11, points 6, 7, 9, 11, 13), in one app with a catalog
 * and a BrainSTEM connection: form messages in plain words on the right fields with the server's
 * words folded; a setup BrainSTEM refused is read-only and not offered; Markdown drawn safely;
 * queued changes as before → after with "last synced"; a conflict resolved field by field.
 */
let sandbox: Sandbox;
let catalog: RunningEmulator;
let brainstem: RunningEmulator;
let app: RunningApp;
const ids = { catalog: '', brainstem: '' };
const SCALE = 10;

test.describe.configure({ mode: 'serial' });

async function call<T = any>(method: string, payload: unknown): Promise<T> {
  const r = await app.core.dispatch(method, payload);
  if (!r.ok) throw new Error(`${method}: ${r.error.message}`);
  return r.value as T;
}

test.beforeAll(async () => {
  sandbox = await startSandbox({ systems: ['catalog', 'brainstem'], rateLimitScale: SCALE });
  catalog = sandbox.emulators.catalog!;
  brainstem = sandbox.emulators.brainstem!;
  app = await startApp({
    ...FAST_SYNC,
    rateLimitFor: () => [
      { limit: 2 * SCALE, windowMs: 1_000 },
      { limit: 50 * SCALE, windowMs: 60_000 },
    ],
  });
  ids.catalog = (await call('connections.save', { system: 'catalog', name: 'Lab catalog', baseUrl: catalog.baseUrl, settings: {}, apiKey: catalog.users.member })).id;
  ids.brainstem = (await call('connections.save', { system: 'brainstem', name: 'Neuro lab', baseUrl: brainstem.baseUrl, settings: {}, apiKey: brainstem.users.member })).id;
  await expect.poll(async () => (await call<any[]>('sync.status', {})).filter((s) => s.lastPullAt).length, { timeout: 30_000 }).toBe(2);
});

test.afterAll(async () => {
  await app?.close();
  await sandbox?.close();
});

const { detail, tab, pendingCount } = ui;
const setPaused = (id: string, paused: boolean) => call('connections.setPaused', { id, paused });

async function newForm(page: Page, kind: 'Instrument' | 'Equipment', connection: string) {
  await tab(page, 'Records').click();
  await page.getByRole('button', { name: 'New record' }).click();
  const form = page.getByRole('form', { name: /^New / });
  await form.getByLabel('Kind').selectOption(kind);
  await form.getByLabel('Connection').selectOption({ label: connection });
  return page.getByRole('form', { name: `New ${kind.toLowerCase()}` });
}

test('6: form messages in plain words, on every field they name, with the server’s words kept', async ({ page }) => {
  await page.goto(app.server.url);
  const form = await newForm(page, 'Instrument', 'Lab catalog (Instrument Catalog)');
  await form.getByLabel('Name', { exact: true }).fill('Benchtop conductivity meter');
  await page.keyboard.press('Control+Enter');
  const description = form.locator('#field-description-errors');
  const category = form.locator('#field-category_id-errors');
  // "Required data is missing: description, category_id" names two fields: it is on both, in words.
  await expect(description).toContainText('Description is required.');
  await expect(category).toContainText('Choose a category.');
  await expect(form.locator('#field-name-errors')).toHaveCount(0);
  await expect(description.getByText('Required data is missing: description, category_id')).toBeHidden();
  await description.getByText('Server’s words').click();
  await expect(description.getByText('Required data is missing: description, category_id')).toBeVisible();
  await expect(form.getByLabel('Description')).toHaveAttribute('aria-invalid', 'true');

  const equipment = await newForm(page, 'Equipment', 'Neuro lab (BrainSTEM)');
  await equipment.getByLabel('Name').fill('Spare pupil camera');
  await page.keyboard.press('Control+Enter');
  await expect(equipment.locator('#field-type-errors')).toContainText('Choose a type.');
  await expect(equipment.locator('#field-setup-errors')).toContainText('Choose a setup.');
  await expect(equipment.locator('#field-coordinates_system-errors')).toContainText('Choose a coordinate system.');
  await equipment.locator('#field-setup-errors').getByText('Server’s words').click();
  await expect(equipment.locator('#field-setup-errors').getByText('This field may not be null.')).toBeVisible();
  await expect(equipment.getByText('"" is not a valid choice.')).toHaveCount(2);
  await expect(equipment.getByText('"" is not a valid choice.').first()).toBeHidden();
  await page.screenshot({ path: 'test-results/forms-plain-messages.png' });
  await page.keyboard.press('Escape');
});

test('7: a setup BrainSTEM refused is read-only, not offered, and refused by the core', async ({ page }) => {
  await page.goto(app.server.url);
  await openRecord(page, 'UCLA Miniscope v4');
  // Nothing says yet that this account only reads its setup: BrainSTEM publishes no permission.
  await page.keyboard.press('e');
  await page.getByRole('form', { name: 'Edit UCLA Miniscope v4' }).getByLabel('Notes').fill('Focus re-checked');
  await page.keyboard.press('Control+Enter');
  await expect(detail(page).getByText('rejected', { exact: true })).toBeVisible({ timeout: 15_000 });
  const notice = detail(page).getByRole('group', { name: 'Read-only for you' });
  await expect(notice).toContainText('“Miniscope Open-Field Arena”');
  await expect(detail(page).getByRole('button', { name: 'Edit' })).toHaveCount(0);
  await expect(detail(page).getByRole('button', { name: 'Delete' })).toHaveCount(0);
  const refused = detail(page).getByRole('group', { name: 'Rejected change' });
  await expect(refused.getByText('The server does not let this account make this change.')).toBeVisible();
  await refused.getByText('Server’s words').click();
  await expect(refused.getByText('You do not have permission to perform this action.')).toBeVisible();
  await page.screenshot({ path: 'test-results/forms-setup-read-only.png' });

  // The rest of that setup's equipment is read-only too, before anyone tries.
  await openRecord(page, 'Miniscope DAQ v3.3');
  await expect(detail(page).getByText('read-only', { exact: true })).toBeVisible();
  await expect(detail(page).getByRole('button', { name: 'Edit' })).toHaveCount(0);

  const form = await newForm(page, 'Equipment', 'Neuro lab (BrainSTEM)');
  const arena = form.getByLabel('Setup').getByRole('option', { name: 'Miniscope Open-Field Arena (read only for you)' });
  await expect(arena).toBeDisabled();
  await expect(form.getByLabel('Setup').getByRole('option', { name: '2P Imaging Suite' })).toBeEnabled();
  await page.keyboard.press('Escape');

  // Discard the refused change; then the user says they may write there now: Edit is back.
  await openRecord(page, 'UCLA Miniscope v4');
  await refused.getByRole('button', { name: 'Discard' }).click();
  await refused.getByRole('button', { name: 'Yes, discard' }).click();
  await expect(refused).toHaveCount(0);
  await notice.getByRole('button', { name: 'I may write there now' }).click();
  await expect(detail(page).getByRole('button', { name: 'Edit' })).toBeVisible();
  await expect(pendingCount(page)).toHaveText('0 pending changes');
});

test('9: Markdown descriptions are drawn formatted, with nothing that runs or fetches', async ({ page }) => {
  const outside: string[] = [];
  page.on('request', (r) => {
    if (!/^(https?|wss?):\/\/127\.0\.0\.1[:/]/.test(r.url()) && !r.url().startsWith('data:')) outside.push(r.url());
  });
  await page.goto(app.server.url);
  await openRecord(page, 'UV-Vis Spectrophotometer');
  const description = detail(page).locator('.field-row').filter({ has: page.getByRole('term').filter({ hasText: /^Description$/ }) }).getByRole('definition');
  await expect(description.locator('strong').filter({ hasText: 'Vendor:' })).toBeVisible();
  await expect(description.getByRole('listitem').filter({ hasText: 'Range: 190–1100 nm' })).toBeVisible();
  await expect(description).not.toContainText('**');

  const hostile = [
    'Serviced **yearly**.',
    '<img src="https://example.org/x.png" onerror="window.__pwned = 1">',
    '[Manual](https://example.org/manual.pdf) · [bad](javascript:window.__pwned=1) · [inside](/#token=x)',
    '![Front panel](https://example.org/panel.png)',
  ].join('\n\n');
  await page.keyboard.press('e');
  await page.getByRole('form', { name: 'Edit UV-Vis Spectrophotometer' }).getByLabel('Description').fill(hostile);
  await page.keyboard.press('Control+Enter');
  await expect(description.locator('strong').filter({ hasText: 'yearly' })).toBeVisible();
  // Raw HTML is text; no image element, no script; only the absolute https link is a link.
  await expect(description.getByText('<img src="https://example.org/x.png" onerror="window.__pwned = 1">')).toBeVisible();
  await expect(description.locator('img, script, iframe')).toHaveCount(0);
  await expect(description.getByRole('link', { name: 'Manual' })).toHaveAttribute('href', 'https://example.org/manual.pdf');
  await expect(description.getByRole('link', { name: 'bad' })).toHaveCount(0);
  await expect(description.getByRole('link', { name: 'inside' })).toHaveCount(0);
  await expect(description.getByText('Image: Front panel')).toBeVisible();
  await expect(pendingCount(page)).toHaveText('0 pending changes', { timeout: 15_000 });
  expect(await page.evaluate(() => (window as unknown as { __pwned?: number }).__pwned)).toBeUndefined();
  expect(outside).toEqual([]);
});

test('11: queued changes say what they change, refusals do not pose as waiting, and records say when they last synced', async ({ page }) => {
  await page.goto(app.server.url);
  await openRecord(page, 'Microvolume Spectrophotometer');
  await expect(detail(page).getByText(/^Last synced (just now|\d+ (s|min) ago)$/)).toBeVisible();
  await setPaused(ids.catalog, true);
  await page.keyboard.press('e');
  const edit = page.getByRole('form', { name: 'Edit Microvolume Spectrophotometer' });
  await edit.getByLabel('Name', { exact: true }).fill('NanoDrop One (bench 2)');
  await edit.getByLabel('Category').selectOption({ label: 'Microscopy' });
  await page.keyboard.press('Control+Enter');
  await expect(detail(page).getByText('your changes since are not on the server yet')).toBeVisible();

  const form = await newForm(page, 'Instrument', 'Lab catalog (Instrument Catalog)');
  await form.getByLabel('Name', { exact: true }).fill('Bench pH meter');
  await form.getByLabel('Category').selectOption({ label: 'Electronic' });
  await form.getByLabel('Description').fill('Mettler Toledo S220.');
  // Offline only the scheme is checked; the server also wants a jpg, png or gif.
  await form.getByLabel('Image URL').fill('https://example.org/ph-meter.bmp');
  await page.keyboard.press('Control+Enter');
  await expect(detail(page).getByText('Never synced with the server.')).toBeVisible();

  await tab(page, 'Pending changes').click();
  const table = page.getByRole('region', { name: 'Pending changes' }).getByRole('table');
  await expect(table.getByRole('columnheader', { name: 'Attempts' })).toHaveCount(0);
  const update = table.getByRole('row', { name: /NanoDrop One \(bench 2\)/ });
  const changed = update.getByRole('list', { name: 'Changed fields' });
  await expect(changed.getByRole('listitem').filter({ hasText: 'Name' })).toHaveText('Name: Microvolume Spectrophotometer → NanoDrop One (bench 2)');
  // Pick lists by name, not by id.
  await expect(changed.getByRole('listitem').filter({ hasText: 'Category' })).toHaveText('Category: Spectroscopy → Microscopy');
  await expect(table.getByRole('row', { name: /Bench pH meter/ }).getByRole('list', { name: 'New record' })).toContainText('Category: Electronic');
  await page.screenshot({ path: 'test-results/forms-pending-before-after.png' });

  await setPaused(ids.catalog, false);
  const create = table.getByRole('row', { name: /Bench pH meter/ });
  await expect(create.getByText('rejected by the server')).toBeVisible({ timeout: 15_000 });
  await expect(table.getByRole('row', { name: /NanoDrop One/ })).toHaveCount(0);
  await expect(create).toContainText('Image URL: The image must be a jpg, png, or gif.');
  await expect(create).not.toContainText(/attempt|\bsent\b/i);

  await create.getByRole('button', { name: 'Bench pH meter' }).click();
  const ops = detail(page).getByRole('region', { name: 'Pending changes to this record' });
  await expect(ops.getByRole('heading', { name: 'Changes the server has not taken' })).toBeVisible();
  await expect(ops).not.toContainText('waiting to be sent');
  await expect(ops.getByText('Not sent again until you fix, retry or discard it (above).')).toBeVisible();
  await detail(page).getByRole('group', { name: 'Rejected change' }).getByRole('button', { name: 'Discard' }).click();
  await detail(page).getByRole('button', { name: 'Yes, discard' }).click();
  await openRecord(page, 'NanoDrop One (bench 2)');
  await expect(detail(page).getByText(/^Last synced (just now|\d+ s ago)$/)).toBeVisible();
  expect((await catalogHttp(catalog.baseUrl, catalog.users.member!).mine()).some((i) => i.name === 'Bench pH meter')).toBe(false);
});

test('13: a conflict resolved field by field keeps every other change, mine and the server’s', async ({ page }) => {
  const member = catalogHttp(catalog.baseUrl, catalog.users.member!);
  const qpcr = (await member.mine()).find((i) => i.name === 'Real-Time PCR System')!;
  await page.goto(app.server.url);
  await setPaused(ids.catalog, true);
  await openRecord(page, 'Real-Time PCR System');
  await page.keyboard.press('e');
  const edit = page.getByRole('form', { name: 'Edit Real-Time PCR System' });
  await edit.getByLabel('Name', { exact: true }).fill('qPCR (CFX Opus 96)');
  await edit.getByLabel('Description').fill('Moved to room C301.');
  await page.keyboard.press('Control+Enter');
  await member.put(`/instruments/${qpcr.id}/`, { description: 'Block replaced by the vendor.', alternate_names: ['qPCR', 'CFX'] });
  // The first send fails, so the pull that follows meets the server's version.
  catalog.faults.queue({ kind: 'status', status: 503, method: 'PUT' });
  await setPaused(ids.catalog, false);

  const conflict = detail(page).getByRole('region', { name: 'Conflict' });
  await expect(conflict).toBeVisible({ timeout: 15_000 });
  const apply = conflict.getByRole('button', { name: /^Use my choices/ });
  await expect(apply).toHaveText('Use my choices (0 of 1 chosen)');
  await expect(apply).toBeDisabled();
  const row = conflict.getByRole('row', { name: /Description/ });
  await expect(row.getByRole('cell').nth(0)).toHaveText('Moved to room C301.');
  await expect(row.getByRole('cell').nth(1)).toHaveText('Block replaced by the vendor.');
  // The whole cell is the target (gloves).
  await row.getByRole('cell').nth(1).click();
  await expect(conflict.getByRole('radio', { name: 'Server’s for Description' })).toBeChecked();
  await page.screenshot({ path: 'test-results/forms-conflict-per-field.png' });
  await apply.click();
  await expect(conflict).toHaveCount(0);
  await expect(pendingCount(page)).toHaveText('0 pending changes', { timeout: 15_000 });
  expect((await member.mine()).find((i) => i.id === qpcr.id)).toMatchObject({
    name: 'qPCR (CFX Opus 96)',
    description: 'Block replaced by the vendor.',
    alternate_names: ['qPCR', 'CFX'],
  });
  await expect(detail(page).getByRole('heading', { level: 2, name: 'qPCR (CFX Opus 96)' })).toBeVisible();
  expect(app.log).toEqual([]);
});
