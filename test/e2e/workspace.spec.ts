import { readFileSync } from 'node:fs';
import { expect, test } from '@playwright/test';
import { startSandbox, type Sandbox } from '../sandbox/sandbox';
import { FAST_SYNC, startApp, type RunningApp } from './harness';
import { addConnection, openRecord, searchFor, ui } from './ui';

/**
 * Issue 5's story: one workspace over four systems. Add the sandbox connections through the UI,
 * sync, search one word that three systems have, filter by pending (with per-connection progress
 * in Pending changes), scan ids and serials into the scan box, and export the view as CSV.
 */

let sandbox: Sandbox;
let app: RunningApp;
const SCALE = 10;

test.beforeAll(async () => {
  sandbox = await startSandbox({ systems: ['catalog', 'cannlytics', 'brainstem', 'atomscale'], rateLimitScale: SCALE });
  app = await startApp({
    ...FAST_SYNC,
    // The catalog's client-side limit (2/s, 50/min), scaled like the emulator's.
    rateLimitFor: (system) =>
      system === 'catalog'
        ? [
            { limit: 2 * SCALE, windowMs: 1_000 },
            { limit: 50 * SCALE, windowMs: 60_000 },
          ]
        : undefined,
  });
});

test.afterAll(async () => {
  await app?.close();
  await sandbox?.close();
});

test('one workspace: four systems, one search, pending, the scan box, CSV', async ({ page }) => {
  const consoleErrors: string[] = [];
  page.on('console', (m) => {
    if (m.type() === 'error') consoleErrors.push(m.text());
  });
  page.on('pageerror', (e) => consoleErrors.push(e.message));
  const { catalog, cannlytics, brainstem, atomscale } = sandbox.emulators as Required<typeof sandbox.emulators>;
  const detail = ui.detail(page);
  const scanBox = page.getByRole('textbox', { name: 'Scan an id or serial' });
  const scan = async (code: string) => {
    // From the list (not typing), `s` goes to the scan box.
    await ui.list(page).focus();
    await page.keyboard.press('s');
    await expect(scanBox).toBeFocused();
    await page.keyboard.type(code);
    await page.keyboard.press('Enter');
  };

  await test.step('add the four sandbox connections through the UI', async () => {
    await page.goto(app.server.url);
    await addConnection(page, { system: 'Instrument Catalog', name: 'Lab catalog', baseUrl: catalog.baseUrl, apiKey: catalog.users.member!, synced: true });
    await addConnection(page, {
      system: 'Cannlytics LIMS',
      name: 'QA lab LIMS',
      baseUrl: cannlytics.baseUrl,
      apiKey: cannlytics.users.member!,
      settings: { 'Organization ID': cannlytics.extra.organizationId! },
      synced: true,
    });
    await addConnection(page, { system: 'BrainSTEM', name: 'Neuro lab', baseUrl: brainstem.baseUrl, apiKey: brainstem.users.member!, synced: true });
    await addConnection(page, { system: 'Atomscale', name: 'Thin films', baseUrl: atomscale.baseUrl, apiKey: atomscale.users.member!, synced: true });
    await expect(page.getByRole('region', { name: 'Connections' }).getByRole('listitem')).toHaveCount(4);
    const lims = page.getByRole('listitem', { name: 'QA lab LIMS' });
    await lims.getByRole('button', { name: 'Check connection' }).click();
    await expect(lims.getByRole('status')).toContainText('Cannlytics');
    await expect(ui.overall(page)).toHaveText('Online');
  });

  await test.step('one search across systems', async () => {
    await ui.tab(page, 'Records').click();
    await page.keyboard.press('/');
    await expect(ui.search(page)).toBeFocused();
    await searchFor(page, 'thermal');
    await expect(ui.row(page, /^Thermal Cycler/)).toContainText('Instrument Catalog');
    await expect(ui.row(page, /^Thermal Evaporator/)).toContainText('Atomscale');
    await expect(ui.row(page, /homeothermic blanket/)).toContainText('BrainSTEM');
    const systems = new Set((await ui.list(page).locator('.row-meta').allTextContents()).map((m) => m.split(' · ')[0]));
    expect([...systems].sort()).toEqual(['Atomscale', 'BrainSTEM', 'Instrument Catalog']);
    // Arrows and Enter open a row.
    await ui.search(page).press('ArrowDown');
    await expect(ui.list(page)).toBeFocused();
    await page.keyboard.press('ArrowDown');
    await page.keyboard.press('Enter');
    await expect(detail.getByRole('heading', { level: 2 })).toBeVisible();
    await page.screenshot({ path: 'test-results/workspace-search.png' });
  });

  await test.step('edits while two systems are unreachable: filter by pending, progress per connection', async () => {
    cannlytics.faults.set({ offline: true });
    catalog.faults.set({ offline: true });
    await expect(ui.statusBar(page).getByText('QA lab LIMS: offline', { exact: true })).toBeVisible({ timeout: 15_000 });
    await expect(ui.statusBar(page).getByText('Lab catalog: offline', { exact: true })).toBeVisible({ timeout: 15_000 });

    await openRecord(page, 'Potency HPLC 1');
    await detail.getByRole('button', { name: 'Record calibration' }).click();
    const quick = detail.getByRole('form', { name: 'Record calibration: Potency HPLC 1' });
    await quick.getByLabel('Calibrated by').fill('Priya Nair');
    await quick.getByLabel('Initials').fill('PN');
    await page.screenshot({ path: 'test-results/workspace-quick-action.png' });
    await page.keyboard.press('Control+Enter');
    await expect(quick).toHaveCount(0);
    await expect(detail.getByRole('definition').filter({ hasText: /^Priya Nair$/ })).toBeVisible();

    for (const [name, description] of [
      ['Analytical Balance', 'Semi-micro balance, weighing room 2.'],
      ['Refrigerated Microcentrifuge', 'Cold room; rotor F-45-24-11.'],
      // Three for the catalog: two fit its limit at once (they go together), the third waits for it.
      ['Microplate Reader', 'Lid heater checked.'],
    ] as const) {
      await openRecord(page, name);
      await page.keyboard.press('e');
      await page.getByRole('form', { name: `Edit ${name}` }).getByLabel('Description').fill(description);
      await page.keyboard.press('Control+s');
      await expect(detail.getByRole('definition').getByText(description)).toBeVisible();
    }

    await ui.search(page).fill('');
    await page.getByLabel('Status', { exact: true }).selectOption('pending');
    await expect(page.getByText('4 matches')).toBeVisible();
    await expect(ui.row(page, /Potency HPLC 1/)).toContainText('pending');
    await expect(ui.row(page, /Analytical Balance/)).toContainText('pending');

    await ui.tab(page, 'Pending changes').click();
    const progress = page.getByRole('list', { name: 'Progress by connection' });
    const lims = progress.getByRole('listitem', { name: 'QA lab LIMS' });
    const labCatalog = progress.getByRole('listitem', { name: 'Lab catalog' });
    await expect(lims).toContainText('0 of 1 sent');
    await expect(lims).toContainText('cannot be reached');
    await expect(labCatalog).toContainText('0 of 3 sent');
    await expect(progress.getByRole('listitem', { name: 'Neuro lab' })).toContainText('Everything is sent.');
    await page.screenshot({ path: 'test-results/workspace-pending.png' });

    // Back, slowly. The catalog's three edits go out together (its limit has room for them at
    // once), so its card goes from "0 of 3 sent" to everything sent.
    catalog.faults.set({ offline: false, latencyMs: 1_500 });
    cannlytics.faults.set({ offline: false });
    await page.screenshot({ path: 'test-results/workspace-pending-eta.png' });
    await expect(lims).toContainText('Everything is sent.', { timeout: 20_000 });
    await expect(labCatalog).toContainText('Everything is sent.', { timeout: 20_000 });
    catalog.faults.set({ latencyMs: 0 });
    await expect(ui.pendingCount(page)).toHaveText('0 pending changes', { timeout: 20_000 });
    await ui.tab(page, 'Records').click();
    await page.getByLabel('Status', { exact: true }).selectOption('');
  });

  await test.step('the scan box: serials and ids open their record; several are listed; none offers a new one', async () => {
    await scan('DEAEX01234');
    await expect(detail.getByRole('heading', { level: 2, name: 'Potency HPLC 1' })).toBeVisible();
    // The code stays selected, so the next scan replaces it.
    await expect(scanBox).toBeFocused();
    await page.keyboard.type('GEN10-00421');
    await page.keyboard.press('Enter');
    await expect(detail.getByRole('heading', { level: 2, name: 'MBE Chamber A' })).toBeVisible();
    await scan('hplc-02');
    await expect(detail.getByRole('heading', { level: 2, name: 'Potency HPLC 2' })).toBeVisible();

    await scan('Microbalance');
    const result = page.getByRole('dialog', { name: 'Scan result' });
    await expect(result.getByText('2 records match')).toBeVisible();
    await expect(result.getByRole('button', { name: /Instrument Catalog/ })).toBeVisible();
    await page.screenshot({ path: 'test-results/workspace-scan-several.png' });
    await scanBox.press('ArrowDown');
    await page.keyboard.press('ArrowDown');
    const chosen = await result.getByRole('button').nth(1).textContent();
    await page.keyboard.press('Enter');
    await expect(result).toHaveCount(0);
    await expect(detail.getByRole('heading', { level: 2, name: 'Microbalance' })).toBeVisible();
    await expect(detail.getByText(chosen!.includes('Cannlytics') ? 'Cannlytics LIMS' : 'Instrument Catalog').first()).toBeVisible();

    await scan('BN-2024-0042');
    await expect(result.getByText('No record has the id or serial')).toBeVisible();
    await result.getByRole('button', { name: 'New record with “BN-2024-0042”' }).click();
    // Asked where it goes: the connections and kinds with an id or serial field for it.
    await result.getByRole('button', { name: /^QA lab LIMS · Instrument/ }).click();
    const form = page.getByRole('form', { name: /^New / });
    await expect(form.getByLabel('Connection').locator('option:checked')).toHaveText('QA lab LIMS (Cannlytics LIMS)');
    await expect(form.getByLabel('Instrument ID')).toHaveValue('BN-2024-0042');
    await expect(form.getByText('it is filled in as Instrument ID')).toBeVisible();
    // The name does not replace a scanned key.
    await form.getByLabel('Name', { exact: true }).fill('Benchtop pH meter');
    await expect(form.getByLabel('Instrument ID')).toHaveValue('BN-2024-0042');
    await form.getByLabel('Connection').selectOption({ label: 'Thin films (Atomscale)' });
    await expect(form.getByLabel('Serial ID')).toHaveValue('BN-2024-0042');
    await page.screenshot({ path: 'test-results/workspace-scan-create.png' });
    await page.keyboard.press('Escape');
    await expect(form).toHaveCount(0);
  });

  await test.step('export the current view as CSV', async () => {
    await searchFor(page, 'thermal');
    const shown = await page.getByText(/\d+ matches for “thermal”/).textContent();
    const downloading = page.waitForEvent('download');
    await page.getByRole('button', { name: 'Export CSV' }).click();
    const download = await downloading;
    expect(download.suggestedFilename()).toMatch(/^benchsync-records-.*\.csv$/);
    const csv = readFileSync((await download.path())!, 'utf8');
    const lines = csv.trim().split('\r\n');
    expect(lines[0]).toMatch(/^system,kind,remote_id,title,subtitle,status,/);
    expect(lines).toHaveLength(Number(shown!.match(/\d+/)![0]) + 1);
    expect(csv).toContain('Thermal Evaporator');
    expect(csv).toContain('Thermal Cycler');
  });

  expect(consoleErrors).toEqual([]);
  expect(app.log).toEqual([]);
});
