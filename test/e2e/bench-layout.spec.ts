import { expect, test, type Browser, type Page } from '@playwright/test';
import { startSandbox, type Sandbox } from '../sandbox/sandbox';
import { FAST_SYNC, startApp, type RunningApp } from './harness';
import { GLOVE, layoutOffenders, type Check } from './layout-audit';
import { openRecord, searchFor, ui } from './ui';

/**
 * Issue 11, point 3: a bench UI for gloved hands. Every main view (records as a list and as a
 * table, ticked records and their bulk edit, a record, its form, pending changes, connections and
 * their form, approvals) is measured whole by test/e2e/layout-audit.ts: every visible interactive
 * element and text, at 1280×800, at 1024×600 and at 150 % zoom.
 *
 * 150 % zoom is emulated as what zoom does to a page's layout: 1024×600 device pixels become a
 * viewport of 1024/1.5 × 600/1.5 CSS px at a device scale factor of 1.5 (Electron's setZoomFactor
 * and Chromium's page zoom do the same; fonts and media queries follow the CSS px). Playwright
 * cannot press Chromium's zoom keys in headless mode, and CDP's page scale factor is a pinch zoom
 * that does not lay the page out again, so it would test nothing here.
 */

let sandbox: Sandbox;
let app: RunningApp;
const ZOOM = 1.5;
const SIZES = {
  desk: { width: 1280, height: 800 },
  small: { width: 1024, height: 600 },
  zoomed: { width: Math.round(1024 / ZOOM), height: Math.round(600 / ZOOM) },
  laptop: { width: 1366, height: 768 },
};

async function dispatch<T>(method: string, payload: unknown): Promise<T> {
  const reply = await app.core.dispatch(method, payload);
  if (!reply.ok) throw new Error(`${method}: ${JSON.stringify(reply)}`);
  return reply.value as T;
}

test.beforeAll(async () => {
  test.setTimeout(60_000);
  sandbox = await startSandbox({ systems: ['catalog', 'cannlytics', 'brainstem'], rateLimitScale: 10 });
  app = await startApp({
    ...FAST_SYNC,
    rateLimitFor: (system) => (system === 'catalog' ? [{ limit: 20, windowMs: 1_000 }, { limit: 500, windowMs: 60_000 }] : undefined),
  });
  const { catalog, cannlytics, brainstem } = sandbox.emulators as Required<typeof sandbox.emulators>;
  const connections = [
    { system: 'catalog', name: 'Lab catalog', baseUrl: catalog.baseUrl, apiKey: catalog.users.member!, settings: {} },
    { system: 'cannlytics', name: 'QA lab LIMS', baseUrl: cannlytics.baseUrl, apiKey: cannlytics.users.member!, settings: { organizationId: cannlytics.extra.organizationId! } },
    // An administrator's token: the Approvals view is there too.
    { system: 'brainstem', name: 'Neuro lab', baseUrl: brainstem.baseUrl, apiKey: brainstem.users.admin!, settings: { reviewer: 'yes' } },
  ];
  for (const c of connections) await dispatch('connections.save', c);
  await expect.poll(async () => (await dispatch<{ lastPullAt: string | null }[]>('sync.status', {})).every((s) => s.lastPullAt), { timeout: 30_000 }).toBe(true);

  // Pending changes in every state the views show: queued (the LIMS is unreachable) and refused by the catalog.
  cannlytics.faults.set({ offline: true });
  const potency = await dispatch<{ items: { id: string }[] }>('records.list', { text: 'Potency HPLC', limit: 5 });
  for (const r of potency.items) await dispatch('records.update', { id: r.id, fields: { area_name: 'Cleanroom 2' } });
  catalog.faults.queue({ kind: 'status', status: 400, method: 'PUT' });
  const hplc = await dispatch<{ items: { id: string }[] }>('records.list', { text: 'HPLC System', limit: 1 });
  await dispatch('records.update', { id: hplc.items[0]!.id, fields: { description: 'Quaternary pump; moved to bench 4.' } });
  await expect.poll(async () => (await dispatch<{ state: string }[]>('outbox.list', {})).some((o) => o.state === 'rejected'), { timeout: 15_000 }).toBe(true);
});

test.afterAll(async () => {
  await app?.close();
  await sandbox?.close();
});

async function openPage(browser: Browser, viewport: { width: number; height: number }, deviceScaleFactor = 1): Promise<Page> {
  const context = await browser.newContext({ viewport, deviceScaleFactor });
  const page = await context.newPage();
  const errors: string[] = [];
  page.on('pageerror', (e) => errors.push(e.message));
  page.on('close', () => expect(errors).toEqual([]));
  await page.goto(app.server.url);
  await expect(page.getByText(/^[\d,]+ records$/)).toBeVisible();
  return page;
}

/** Visits every main view, calling `check` on each once it is drawn. */
async function tour(page: Page, check: (view: string) => Promise<void>): Promise<void> {
  await page.getByRole('button', { name: 'List', exact: true }).click();
  await check('records (list)');

  await page.getByRole('button', { name: 'Table', exact: true }).click();
  await expect(page.getByRole('grid', { name: 'Records table' }).getByRole('row').nth(3)).toBeVisible();
  await check('records (table)');

  const rows = page.getByRole('grid', { name: 'Records table' }).locator('.table-body .row-check');
  await rows.nth(0).click();
  await rows.nth(2).click({ modifiers: ['Shift'] });
  await page.getByRole('button', { name: 'Edit a field…' }).click();
  const bulk = page.getByRole('form', { name: /^Set .* on ticked records$/ });
  const value = bulk.locator('select, input').first();
  if ((await value.evaluate((el) => el.tagName)) === 'SELECT') await value.selectOption({ index: 1 });
  else await value.fill('Bench 4');
  await expect(bulk.getByTestId('bulk-changing')).toBeVisible();
  await check('ticked records and their bulk edit');
  await bulk.getByRole('button', { name: 'Close' }).click();
  await page.getByRole('button', { name: 'Untick all' }).click();
  await page.getByRole('button', { name: 'List', exact: true }).click();

  await openRecord(page, 'Potency HPLC 1');
  await check('a record');
  await ui.detail(page).getByRole('button', { name: 'Edit' }).click();
  await expect(page.getByRole('form', { name: 'Edit Potency HPLC 1' })).toBeVisible();
  await check('its form');
  await page.keyboard.press('Escape');

  await ui.tab(page, 'Pending changes').click();
  await expect(page.getByRole('button', { name: 'Retry' })).toBeVisible();
  await check('pending changes');

  await ui.tab(page, 'Connections').click();
  await expect(page.getByRole('region', { name: 'Connections' }).getByRole('listitem')).toHaveCount(3);
  await check('connections');
  await page.getByRole('button', { name: 'Add connection' }).click();
  const form = page.getByRole('form', { name: 'Add connection' });
  await form.getByLabel('System').selectOption({ label: 'BrainSTEM' });
  await check('a connection’s form');
  await form.getByRole('button', { name: 'Cancel' }).click();

  await ui.tab(page, 'Approvals').click();
  await expect(page.getByRole('button', { name: 'Accept' }).first()).toBeVisible();
  await check('approvals');

  await ui.tab(page, 'What changed').click();
  await expect(page.getByRole('heading', { name: 'What changed' })).toBeVisible();
  await check('what changed');

  await ui.tab(page, 'Due dates').click();
  await expect(page.getByRole('heading', { name: 'Calibration and maintenance' })).toBeVisible();
  await check('the calibration board');

  // A running scan session: its tab joins the row.
  await page.evaluate(() => (document.activeElement as HTMLElement | null)?.blur());
  await page.keyboard.press('Shift+S');
  const session = page.getByRole('region', { name: 'Scan session' });
  await session.getByRole('radio', { name: /Verify present/ }).check();
  await check('a scan session’s setup');
  await session.getByRole('button', { name: /^Start/ }).click();
  await expect(session.getByRole('heading', { name: /^Scan session: / })).toBeVisible();
  await check('a running scan session');
  await session.getByRole('button', { name: 'End session' }).click();
}

async function expectFits(page: Page, where: string, checks: readonly Check[]): Promise<void> {
  await tour(page, async (view) => {
    expect(await layoutOffenders(page, checks), `${view} at ${where}`).toEqual([]);
  });
}

test('every control is a glove-sized target and every text at least 12 px, on every view', async ({ browser }) => {
  const page = await openPage(browser, SIZES.desk);
  // Defined once, as custom properties every stylesheet uses.
  const sizes = await page.evaluate(() => {
    const s = getComputedStyle(document.documentElement);
    return ['--target-min', '--target-main', '--text-min'].map((p) => s.getPropertyValue(p).trim());
  });
  expect(sizes).toEqual([`${GLOVE.targetMin}px`, `${GLOVE.targetMain}px`, `${GLOVE.textMin}px`]);
  await expectFits(page, '1280×800', ['size']);
  await page.close();
});

test('1024×600: nothing cut off, no label wraps, every target still glove-sized', async ({ browser }) => {
  const page = await openPage(browser, SIZES.small);
  await expectFits(page, '1024×600', ['size', 'overflow', 'wrap']);
  await page.close();
});

test('150 % zoom on a 1024×600 screen: nothing cut off, the filters in reach, no label wraps', async ({ browser }) => {
  const page = await openPage(browser, SIZES.zoomed, ZOOM);
  await searchFor(page, '');
  for (const filter of ['Kind', 'Connection', 'Status']) await expect(page.getByLabel(filter, { exact: true })).toBeInViewport({ ratio: 1 });
  await page.getByLabel('Status', { exact: true }).selectOption('pending');
  await expect(page.getByText(/^\d+ match(es)?$/)).toBeVisible();
  await page.getByLabel('Status', { exact: true }).selectOption('');
  await page.screenshot({ path: 'test-results/bench-layout-zoomed.png' });
  await expectFits(page, '150 % zoom', ['size', 'overflow', 'wrap']);
  await page.close();
});

test('a long form keeps Save in sight: at 1366×768, 1024×600 and zoomed, without scrolling', async ({ browser }) => {
  for (const [where, viewport, scale] of [
    ['1366×768', SIZES.laptop, 1],
    ['1024×600', SIZES.small, 1],
    ['150 % zoom', SIZES.zoomed, ZOOM],
  ] as const) {
    const page = await openPage(browser, viewport, scale);
    await openRecord(page, 'Potency HPLC 1');
    await ui.detail(page).getByRole('button', { name: 'Edit' }).click();
    const form = page.getByRole('form', { name: 'Edit Potency HPLC 1' });
    const save = form.getByRole('button', { name: 'Save', exact: true });
    const pane = page.getByRole('region', { name: 'Edit record' });
    // The form is longer than its pane, or this would prove nothing.
    expect(await pane.evaluate((el) => el.scrollHeight > el.clientHeight + 100), where).toBe(true);
    const onTop = async () =>
      save.evaluate((el) => {
        const r = el.getBoundingClientRect();
        return el.contains(document.elementFromPoint(r.left + r.width / 2, r.top + r.height / 2));
      });
    // At the top of the form (where it opens), halfway down its fields, and at its end: Save is in sight, and nothing covers it.
    for (const at of [0, 0.5, 1]) {
      await pane.evaluate((el, f) => el.scrollTo(0, (el.scrollHeight - el.clientHeight) * f), at);
      await expect(save, `${where}, scrolled ${at * 100} %`).toBeInViewport({ ratio: 1 });
      expect(await onTop(), `${where}, scrolled ${at * 100} %: nothing covers Save`).toBe(true);
      if (at === 0) await page.screenshot({ path: `test-results/bench-layout-footer-${viewport.width}.png` });
    }
    await page.close();
  }
});
