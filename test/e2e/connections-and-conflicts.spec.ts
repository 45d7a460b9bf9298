import { expect, test } from '@playwright/test';
import type { RunningEmulator } from '../sandbox/common/emulator-server';
import type { Sandbox } from '../sandbox/sandbox';
import { type RunningApp, startScaledCatalog } from './harness';
import { addConnection, catalogHttp, openRecord, ui } from './ui';

/**
 * The connection's life: a key the server refuses, replaced; pausing; the same field changed on
 * the server while an edit waited (a conflict, both ways out); removal that would lose edits.
 */

let sandbox: Sandbox;
let catalog: RunningEmulator;
let app: RunningApp;
const SCALE = 10;

test.beforeAll(async () => {
  ({ sandbox, catalog, app } = await startScaledCatalog(SCALE));
});

test.afterAll(async () => {
  await app?.close();
  await sandbox?.close();
});

const { statusBar, detail, tab, pendingCount } = ui;

test('keys, pause, conflicts and removal', async ({ page }) => {
  const member = catalogHttp(catalog.baseUrl, catalog.users.member!);
  const card = page.getByRole('listitem', { name: 'Lab catalog' });
  await page.goto(app.server.url);

  await test.step('a key the server refuses is named as such, and can be replaced', async () => {
    // Checked on save: the form stays with the server's words until the user keeps it anyway.
    await addConnection(page, { name: 'Lab catalog', baseUrl: catalog.baseUrl, apiKey: 'MQ.not-a-real-signature', checkFails: true });
    await expect(page.getByText('Saved “Lab catalog” as you asked, although its check failed: Instrument Catalog rejected the API key.')).toBeVisible();
    await expect(statusBar(page).getByText('Lab catalog: online, API key rejected')).toBeVisible();
    await expect(statusBar(page).getByText(/rejected the API key/)).toBeVisible();
    await card.getByRole('button', { name: 'Check connection' }).click();
    await expect(card.getByRole('status').filter({ hasText: 'rejected the API key' })).toBeVisible();

    await card.getByRole('button', { name: 'Edit' }).click();
    const form = page.getByRole('form', { name: 'Edit Lab catalog' });
    await expect(form.getByLabel('API key')).toHaveValue('');
    await form.getByLabel('API key').fill(catalog.users.member!);
    await page.keyboard.press('Control+Enter');
    await expect(form).toHaveCount(0);
    await expect(statusBar(page).getByText('Lab catalog: online, up to date')).toBeVisible();
    await tab(page, 'Records').click();
    await expect(page.getByText(`${(await member.instruments()).length} records`)).toBeVisible();
  });

  const balance = (await member.mine()).find((i) => i.name === 'Analytical Balance')!;
  const centrifuge = (await member.mine()).find((i) => i.name === 'Refrigerated Microcentrifuge')!;

  await test.step('paused: edits stay queued', async () => {
    await tab(page, 'Connections').click();
    await card.getByRole('button', { name: 'Pause' }).click();
    await expect(card.getByText('paused', { exact: true })).toBeVisible();
    await expect(ui.overall(page)).toHaveText('All connections paused');

    await tab(page, 'Records').click();
    for (const [name, description] of [
      [balance.name, 'Semi-micro balance. Moved to weighing room 2.'],
      [centrifuge.name, 'Cold room only; rotor F-45-24-11.'],
    ] as const) {
      await openRecord(page, name);
      await page.keyboard.press('e');
      await page.getByLabel('Description').fill(description);
      await page.keyboard.press('Control+Enter');
      await expect(detail(page).getByRole('definition').getByText(description)).toBeVisible();
    }
    await expect(pendingCount(page)).toHaveText('2 pending changes');
    await page.waitForTimeout(1_500);
    await expect(pendingCount(page)).toHaveText('2 pending changes');
  });

  await test.step('the same field changed on the server meanwhile: a conflict, shown side by side', async () => {
    await member.put(`/instruments/${balance.id}/`, { description: 'Balance recalibrated by the vendor on site.' });
    await member.put(`/instruments/${centrifuge.id}/`, { description: 'Out of service until the lid latch is replaced.' });
    // The first sends fail transiently, so the pull that follows sees the server's versions first.
    catalog.faults.queue({ kind: 'status', status: 503, method: 'PUT' });
    catalog.faults.queue({ kind: 'status', status: 503, method: 'PUT' });
    await tab(page, 'Connections').click();
    await card.getByRole('button', { name: 'Resume' }).click();
    await expect(statusBar(page).getByText('2 conflicts')).toBeVisible({ timeout: 15_000 });

    await tab(page, 'Records').click();
    await openRecord(page, balance.name);
    const conflict = detail(page).getByRole('region', { name: 'Conflict' });
    await expect(detail(page).getByText('conflict', { exact: true }).first()).toBeVisible();
    const descriptionRow = conflict.getByRole('row', { name: /Description/ });
    await expect(descriptionRow.getByRole('cell').nth(0)).toHaveText('Semi-micro balance. Moved to weighing room 2.');
    await expect(descriptionRow.getByRole('cell').nth(1)).toHaveText('Balance recalibrated by the vendor on site.');
    await expect(detail(page).getByRole('button', { name: 'Edit' })).toHaveCount(0);
    await page.screenshot({ path: 'test-results/conflict.png' });
  });

  await test.step('keep mine on one, the server’s on the other', async () => {
    await detail(page).getByRole('button', { name: 'Keep mine' }).click();
    await expect(detail(page).getByRole('region', { name: 'Conflict' })).toHaveCount(0);
    await openRecord(page, centrifuge.name);
    await detail(page).getByRole('button', { name: "Use server's" }).click();
    await expect(detail(page).getByText('Out of service until the lid latch is replaced.')).toBeVisible();
    await expect(pendingCount(page)).toHaveText('0 pending changes', { timeout: 15_000 });
    await expect(statusBar(page).getByText(/conflict/)).toHaveCount(0);
    const mine = await member.mine();
    expect(mine.find((i) => i.id === balance.id)?.description).toBe('Semi-micro balance. Moved to weighing room 2.');
    expect(mine.find((i) => i.id === centrifuge.id)?.description).toBe('Out of service until the lid latch is replaced.');
  });

  await test.step('removing a connection with unsent edits warns with the count', async () => {
    await tab(page, 'Connections').click();
    await card.getByRole('button', { name: 'Pause' }).click();
    await expect(card.getByText('paused', { exact: true })).toBeVisible();
    await tab(page, 'Records').click();
    await openRecord(page, balance.name);
    await page.keyboard.press('e');
    await page.getByLabel('Description').fill('This edit will be discarded.');
    await page.keyboard.press('Control+Enter');
    await expect(pendingCount(page)).toHaveText('1 pending change');

    await tab(page, 'Connections').click();
    await card.getByRole('button', { name: 'Remove' }).click();
    await card.getByRole('button', { name: 'Yes, remove' }).click();
    await expect(card.getByText('“Lab catalog” has 1 edit not yet sent to the server.')).toBeVisible();
    await card.getByRole('button', { name: 'Keep the connection' }).click();
    await expect(card).toBeVisible();

    await card.getByRole('button', { name: 'Remove' }).click();
    await card.getByRole('button', { name: 'Yes, remove' }).click();
    await card.getByRole('button', { name: 'Discard 1 edit and remove' }).click();
    await expect(page.getByText('Removed “Lab catalog” and discarded 1 unsent edit.')).toBeVisible();
    await expect(card).toHaveCount(0);
    await expect(ui.overall(page)).toHaveText('No connections');
    await tab(page, 'Records').click();
    await expect(page.getByText('No connections yet.')).toBeVisible();
    expect((await member.mine()).find((i) => i.id === balance.id)?.description).toBe('Semi-micro balance. Moved to weighing room 2.');
  });
  expect(app.log).toEqual([]);
});
