import { readFileSync } from 'node:fs';
import { expect, test } from '@playwright/test';
import type { RunningEmulator } from '../sandbox/common/emulator-server';
import type { Sandbox } from '../sandbox/sandbox';
import { type RunningApp, startScaledCatalog } from './harness';
import { addConnection, catalogHttp, openRecord, ui } from './ui';

/**
 * A record's history as an auditor reads it: an edit made offline (with its reason), its sync, a
 * change someone made on the server, both in the History tab, in "What changed", and in the export.
 */
let sandbox: Sandbox;
let catalog: RunningEmulator;
let app: RunningApp;

test.beforeAll(async () => {
  ({ sandbox, catalog, app } = await startScaledCatalog(10));
});

test.afterAll(async () => {
  await app?.close();
  await sandbox?.close();
});

test('edit offline, sync, the server changes a field: both in the History tab, in What changed and in the export', async ({ page }) => {
  const member = catalogHttp(catalog.baseUrl, catalog.users.member!);
  const mine = (await member.mine())[0]!;
  await page.goto(app.server.url);
  await addConnection(page, { name: 'Lab catalog', baseUrl: catalog.baseUrl, apiKey: catalog.users.member!, synced: true });
  await ui.tab(page, 'Records').click();

  await test.step('edit offline', async () => {
    catalog.faults.set({ offline: true });
    await openRecord(page, mine.name);
    await ui.detail(page).getByRole('button', { name: 'Edit' }).click();
    const form = page.getByRole('form', { name: `Edit ${mine.name}` });
    await form.getByLabel('Description').fill('Recalibrated on bench 3');
    await form.getByRole('button', { name: 'Save' }).click();
    await expect(form).toHaveCount(0);
  });

  const history = ui.detail(page).getByRole('region', { name: 'History' });
  await test.step('the History tab shows the edit as waiting to be sent', async () => {
    await ui.detail(page).getByRole('tab', { name: 'History' }).click();
    const edit = history.getByRole('listitem').filter({ hasText: 'Recalibrated on bench 3' });
    await expect(edit).toContainText('Edit on this workstation');
    await expect(edit).toContainText('waiting to be sent');
  });

  await test.step('back online: the edit reaches the server; then someone renames it there', async () => {
    catalog.faults.set({ offline: false });
    await ui.statusBar(page).getByRole('button', { name: 'Sync now' }).click();
    await expect(history.getByRole('listitem').filter({ hasText: 'Recalibrated on bench 3' })).toContainText('on the server', { timeout: 20_000 });
    expect((await member.get<{ description: string }>(`/instruments/${mine.id}/`)).description).toBe('Recalibrated on bench 3');
    const current = await member.get<Record<string, unknown>>(`/instruments/${mine.id}/`);
    const { id: _id, ...fields } = current;
    await member.put(`/instruments/${mine.id}/`, { ...fields, name: 'Renamed at the front desk' });
    await ui.statusBar(page).getByRole('button', { name: 'Sync now' }).click();
    const rename = history.getByRole('listitem').filter({ hasText: 'Renamed at the front desk' });
    await expect(rename).toContainText('Changed on the server', { timeout: 20_000 });
    await expect(rename).toContainText(mine.name);
    // Newest first: the server's rename above the local edit.
    await expect(history.getByRole('listitem').first()).toContainText('Renamed at the front desk');
  });

  await test.step('filter by where it came from, and by field', async () => {
    await history.getByLabel('From').selectOption({ label: 'Changed on the server' });
    await expect(history.getByRole('listitem').filter({ hasText: 'Recalibrated on bench 3' })).toHaveCount(0);
    await expect(history.getByRole('listitem').filter({ hasText: 'Renamed at the front desk' })).toBeVisible();
    await history.getByLabel('From').selectOption({ label: 'Anywhere' });
    await history.getByLabel('Field').selectOption({ label: 'Description' });
    await expect(history.getByRole('listitem').filter({ hasText: 'Renamed at the front desk' })).toHaveCount(0);
    await expect(history.getByRole('listitem').filter({ hasText: 'Recalibrated on bench 3' })).toBeVisible();
    await history.getByLabel('Field').selectOption({ label: 'All fields' });
  });

  await test.step('export the record’s history as CSV and PDF', async () => {
    const csvDownload = page.waitForEvent('download');
    await history.getByRole('button', { name: 'Export CSV' }).click();
    const csv = readFileSync((await (await csvDownload).path())!, 'utf8');
    expect(csv).toContain('Recalibrated on bench 3');
    expect(csv).toContain('Renamed at the front desk');
    expect(csv).toContain('Changed on the server');
    const pdfDownload = page.waitForEvent('download');
    await history.getByRole('button', { name: 'Export PDF' }).click();
    const pdf = readFileSync((await (await pdfDownload).path())!);
    expect(pdf.subarray(0, 5).toString()).toBe('%PDF-');
  });

  await test.step('What changed, across records, and the integrity check', async () => {
    await ui.tab(page, 'What changed').click();
    const view = page.getByRole('region', { name: 'What changed' });
    await view.getByLabel('From').selectOption({ label: 'Edit on this workstation' });
    const entry = view.getByRole('listitem').filter({ hasText: 'Recalibrated on bench 3' });
    await expect(entry).toBeVisible();
    await view.getByRole('button', { name: 'Check integrity' }).click();
    await expect(view.getByRole('status')).toContainText('The history is intact');
    await entry.getByRole('button', { name: 'Renamed at the front desk' }).click();
    await expect(ui.detail(page).getByRole('heading', { level: 2, name: 'Renamed at the front desk' })).toBeVisible();
  });
});
