import { expect, test } from '@playwright/test';
import type { RunningEmulator } from '../sandbox/common/emulator-server';
import { startSandbox, type Sandbox } from '../sandbox/sandbox';
import { type RunningApp, startApp } from './harness';
import { addConnection, openRecord, ui } from './ui';

/**
 * The calibration story (docs/calibration.md): a Cannlytics instrument last calibrated in 2023
 * gets a yearly calibration schedule (kept on its Cannlytics document), shows as overdue on the
 * record, in the list and on the board, turns green after "Record calibration", and after sync
 * the Cannlytics emulator holds today's `calibrated_at` and the schedule.
 */
let sandbox: Sandbox;
let cannlytics: RunningEmulator;
let app: RunningApp;

test.beforeAll(async () => {
  sandbox = await startSandbox({ systems: ['cannlytics'], rateLimitScale: 10 });
  cannlytics = sandbox.emulators.cannlytics!;
  app = await startApp();
});

test.afterAll(async () => {
  await app?.close();
  await sandbox?.close();
});

async function remoteDoc(id: string): Promise<Record<string, unknown>> {
  const org = cannlytics.extra.organizationId!;
  const res = await fetch(`${cannlytics.baseUrl}/instruments/${encodeURIComponent(id)}?organization_id=${org}`, { headers: { authorization: `Bearer ${cannlytics.users.member!}` } });
  return ((await res.json()) as { data: Record<string, unknown> }).data;
}

test('an overdue Cannlytics instrument turns green on the board after Record calibration and sync', async ({ page }) => {
  const name = 'Terpene UPLC';
  expect((await remoteDoc('UPLC-PDA-01')).calibrated_at).toBe('2023-07-27');
  await page.goto(app.server.url);
  await addConnection(page, {
    system: 'Cannlytics LIMS',
    name: 'QA lab',
    baseUrl: cannlytics.baseUrl,
    apiKey: cannlytics.users.member!,
    settings: { 'Organization ID': cannlytics.extra.organizationId! },
    synced: true,
  });
  await ui.tab(page, 'Records').click();

  const schedules = ui.detail(page).getByRole('region', { name: 'Calibration and maintenance schedules' });
  await test.step('give it a yearly calibration schedule: it is overdue on the record and in the list', async () => {
    await openRecord(page, name);
    await schedules.getByRole('button', { name: 'Edit schedules' }).click();
    await schedules.getByRole('button', { name: 'Add a schedule' }).click();
    await expect(schedules.getByLabel('Name')).toHaveValue('calibration');
    await expect(schedules.getByLabel('Interval (days)')).toHaveValue('365');
    await schedules.getByRole('button', { name: 'Save schedules' }).click();
    await expect(schedules.getByTestId('record-overdue')).toContainText('Overdue: calibration (overdue since 2024-07-26)');
    await expect(schedules.getByTestId('schedules-live')).toContainText('Kept on the Cannlytics LIMS record');
    await expect(ui.row(page, new RegExp(name)).getByTestId('due-badge')).toHaveText(/Calibration overdue/);
  });

  const row = page.getByRole('table', { name: 'Calibration board' }).getByTestId('calibration-row').filter({ hasText: name });
  await test.step('the board says Overdue in words; Record calibration turns it In date', async () => {
    await ui.tab(page, 'Calibration').click();
    await expect(row).toContainText('Overdue');
    await expect(row).toContainText('Potency Lab');
    await expect(row).toHaveClass(/due-row-overdue/);
    await row.getByRole('button', { name: 'Record calibration' }).click();
    await expect(page.getByRole('status').filter({ hasText: 'Calibration recorded (queued for Cannlytics LIMS).' })).toBeVisible();
    await expect(row).toContainText('In date');
    await expect(row).toHaveClass(/due-row-ok/);
    // Sorting and filtering keep it: by location, then by the connection.
    await page.getByLabel('Location').selectOption({ label: 'Potency Lab' });
    await expect(row).toBeVisible();
    await page.getByLabel('Connection').selectOption({ label: 'QA lab' });
    await page.getByRole('button', { name: /^Next due/ }).click();
    await expect(row).toBeVisible();
  });

  await test.step('after sync the Cannlytics emulator holds today’s calibration and the schedule', async () => {
    await ui.statusBar(page).getByRole('button', { name: 'Sync now' }).click();
    await expect(ui.pendingCount(page)).toHaveText('0 pending changes', { timeout: 20_000 });
    const today = new Date().toISOString().slice(0, 10);
    await expect.poll(async () => (await remoteDoc('UPLC-PDA-01')).calibrated_at, { timeout: 15_000 }).toBe(today);
    const doc = await remoteDoc('UPLC-PDA-01');
    expect(doc.maintenance_schedules).toEqual([expect.objectContaining({ name: 'calibration', interval_days: 365, warning_days: 30 })]);
    await page.reload();
    await ui.tab(page, 'Calibration').click();
    await expect(row).toContainText('In date');
    await expect(row).toContainText(`last done ${today}`);
  });
});
