import { expect, test } from '@playwright/test';
import type { RunningEmulator } from '../sandbox/common/emulator-server';
import { startSandbox, type Sandbox } from '../sandbox/sandbox';
import { FAST_SYNC, startApp, type RunningApp } from './harness';
import { ui } from './ui';

/**
 * 100k records: the list fetches only the pages on screen, however far the user jumps, and
 * answers in well under a second. (Most of this file's time is the core's first pull.)
 */

const EXTRA = 100_000;
let sandbox: Sandbox;
let catalog: RunningEmulator;
let app: RunningApp;

test.beforeAll(async () => {
  test.setTimeout(120_000);
  // Rate limits are not under test here; one pull of 100k rows is.
  sandbox = await startSandbox({ systems: ['catalog'], records: EXTRA, rateLimit: false });
  catalog = sandbox.emulators.catalog!;
  app = await startApp({ ...FAST_SYNC, pullIntervalMs: 600_000, rateLimitFor: () => [{ limit: 100, windowMs: 1_000 }] });
  const saved = await app.core.dispatch('connections.save', { system: 'catalog', name: 'Big catalog', baseUrl: catalog.baseUrl, apiKey: catalog.users.member! });
  expect(saved.ok).toBe(true);
  await expect
    .poll(async () => {
      const reply = await app.core.dispatch('sync.status', {});
      return reply.ok ? (reply.value as { lastPullAt: string | null }[])[0]?.lastPullAt : null;
    }, { timeout: 100_000, intervals: [250] })
    .toBeTruthy();
});

test.afterAll(async () => {
  await app?.close();
  await sandbox?.close();
});

test('the records list pages through 100k records on demand', async ({ page }) => {
  const requested: number[] = [];
  page.on('websocket', (ws) =>
    ws.on('framesent', ({ payload }) => {
      const m = JSON.parse(String(payload)) as { method?: string; payload?: { limit?: number } };
      if (m.method === 'records.list') requested.push(m.payload?.limit ?? 100);
    }),
  );
  const list = ui.list(page);
  const loaded = async () => {
    await expect(list.getByRole('option').first()).toBeVisible({ timeout: 2_000 });
    await expect(list.locator('.row-loading')).toHaveCount(0, { timeout: 2_000 });
  };

  await page.goto(app.server.url);
  await expect(page.getByText(`${(EXTRA + 43).toLocaleString('en-US')} records`)).toBeVisible();
  await loaded();

  await list.focus();
  await page.keyboard.press('End');
  await loaded();
  await page.keyboard.press('Enter');
  await expect(ui.detail(page).getByRole('heading', { level: 2 })).toBeVisible();

  for (const fraction of [0.5, 0.25, 0.8]) {
    const started = Date.now();
    await list.evaluate((el, f) => (el.scrollTop = el.scrollHeight * f), fraction);
    await loaded();
    expect(Date.now() - started).toBeLessThan(1_500);
  }
  for (let i = 0; i < 15; i++) await page.keyboard.press('PageDown');
  await loaded();

  await ui.search(page).fill('spectrophotometer');
  await expect(page.getByText(/^[\d,]+ matches for “spectrophotometer”$/)).toBeVisible();
  await loaded();

  // Pages of 100 for what was on screen, never the table.
  expect(Math.max(...requested)).toBeLessThanOrEqual(100);
  expect(requested.reduce((a, b) => a + b, 0)).toBeLessThan(3_000);
});

test('the records table over the same 100k: sorted in the core, still one page at a time', async ({ page }) => {
  const requested: { limit: number; sort?: unknown }[] = [];
  page.on('websocket', (ws) =>
    ws.on('framesent', ({ payload }) => {
      const m = JSON.parse(String(payload)) as { method?: string; payload?: { limit?: number; sort?: unknown } };
      if (m.method === 'records.list') requested.push({ limit: m.payload?.limit ?? 100, sort: m.payload?.sort });
    }),
  );
  await page.goto(app.server.url);
  await page.getByRole('button', { name: 'Table', exact: true }).click();
  const table = page.getByRole('grid', { name: 'Records table' });
  const loaded = async () => {
    await expect(table.locator('.table-body [role=row]').first()).toBeVisible({ timeout: 5_000 });
    await expect(table.locator('.table-loading')).toHaveCount(0, { timeout: 5_000 });
  };
  const ids = async () => (await table.locator('.table-body [role=row] > [aria-colindex="5"]').allTextContents()).map(Number);
  await loaded();
  await expect(table).toHaveAttribute('aria-rowcount', String(EXTRA + 43 + 1));

  const id = table.getByRole('columnheader', { name: /^ID/ }).getByRole('button');
  await id.click();
  await id.click();
  await expect(table.getByRole('columnheader', { name: /^ID/ })).toHaveAttribute('aria-sort', 'descending');
  await expect.poll(async () => (await ids())[0], { timeout: 5_000 }).toBeGreaterThanOrEqual(EXTRA);
  await loaded();
  const first = await ids();
  expect(first).toEqual([...first].sort((a, b) => b - a));

  // The far end of the sorted 100k: the smallest ids, the rows on screen only.
  await table.focus();
  await page.keyboard.press('End');
  await expect.poll(async () => (await ids()).includes(1), { timeout: 5_000 }).toBe(true);
  expect(await table.getByRole('row').count()).toBeLessThan(60);
  expect(requested.some((r) => JSON.stringify(r.sort) === JSON.stringify({ by: 'remoteId', dir: 'desc' }))).toBe(true);
  expect(Math.max(...requested.map((r) => r.limit))).toBeLessThanOrEqual(100);
});
