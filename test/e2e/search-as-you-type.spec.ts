import { expect, test, type WebSocketRoute } from '@playwright/test';
import { startSandbox, type Sandbox } from '../sandbox/sandbox';
import { FAST_SYNC, startApp, type RunningApp } from './harness';
import { ui } from './ui';

/**
 * Search as you type: every keystroke is a search of its own (no pause to wait for), and an answer
 * that arrives after a newer one is never shown. The late answer is made late on the wire: the test
 * sits between the page and the real core and holds one reply back, as a slow network would.
 */

let sandbox: Sandbox;
let app: RunningApp;

test.beforeAll(async () => {
  sandbox = await startSandbox({ systems: ['catalog'], rateLimit: false });
  app = await startApp({ ...FAST_SYNC, pullIntervalMs: 600_000, rateLimitFor: () => [{ limit: 100, windowMs: 1_000 }] });
  const catalog = sandbox.emulators.catalog!;
  const saved = await app.core.dispatch('connections.save', { system: 'catalog', name: 'Catalog', baseUrl: catalog.baseUrl, apiKey: catalog.users.member! });
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

interface Frame {
  id?: number;
  method?: string;
  payload?: { text?: string };
}

test('each keystroke searches at once, and a late answer to an older keystroke never replaces the newer one', async ({ page }) => {
  // The reply to the search for "h" is held until the page shows the answer for "harp".
  let heldId: number | undefined;
  let held: string | undefined;
  let page2core: WebSocketRoute | undefined;
  const searched: string[] = [];
  await page.routeWebSocket(/\/ipc/, (ws) => {
    page2core = ws;
    const core = ws.connectToServer();
    ws.onMessage((message) => {
      const m = JSON.parse(String(message)) as Frame;
      if (m.method === 'records.list' && typeof m.payload?.text === 'string') {
        searched.push(m.payload.text);
        if (m.payload.text === 'h') heldId = m.id;
      }
      core.send(message);
    });
    core.onMessage((message) => {
      const m = JSON.parse(String(message)) as Frame;
      if (heldId !== undefined && m.id === heldId) held = String(message);
      else ws.send(message);
    });
  });

  const answer = await app.core.dispatch('records.list', { text: 'harp' });
  if (!answer.ok) throw new Error(answer.error.message);
  const harpTitles = (answer.value as { items: { title: string }[] }).items.map((r) => r.title);
  expect(harpTitles.length).toBeGreaterThan(1);
  const shownTitles = () => ui.list(page).getByRole('option').evaluateAll((rows) => rows.map((r) => r.querySelector('.row-title')?.textContent));

  await page.goto(app.server.url);
  await expect(page.getByText(/^\d+ records$/)).toBeVisible();

  await ui.search(page).pressSequentially('harp');
  await expect(page.getByText(/^\d+ match(es)? for “harp”$/)).toBeVisible();
  await expect(ui.list(page)).toHaveAttribute('aria-busy', 'false');
  expect(await shownTitles()).toEqual(harpTitles);
  // No debounce: each keystroke asked for its own answer.
  expect(searched.filter(Boolean)).toEqual(['h', 'ha', 'har', 'harp']);

  // From now on, every change on screen is written down: a stale answer shown even for a moment counts.
  await page.evaluate(() => {
    const seen: string[] = [];
    (window as unknown as { seen: string[] }).seen = seen;
    const list = document.querySelector('.list-pane')!;
    const note = () => seen.push(`${list.querySelector('.result-count [aria-live]')?.textContent} | ${list.querySelector('.row-title')?.textContent}`);
    new MutationObserver(note).observe(list, { subtree: true, childList: true, characterData: true });
  });

  // Now the answer for "h" arrives, after the one for "harp".
  expect(held).toBeDefined();
  page2core!.send(held!);
  // A round trip sent after it on the same socket (opening a record): once its answer is on screen,
  // the late one has been handled too.
  await ui.list(page).getByRole('option').first().click();
  await expect(ui.detail(page).getByRole('heading', { level: 2 })).toBeVisible();
  await expect(page.getByText(/^\d+ match(es)? for “harp”$/)).toBeVisible();
  expect(await shownTitles()).toEqual(harpTitles);
  const seen = await page.evaluate(() => (window as unknown as { seen: string[] }).seen);
  for (const s of seen) expect(s).toMatch(new RegExp(`for “harp” \\| ${harpTitles[0]}$`));

  // Clearing the search shows everything again (Escape), also without a pause.
  await ui.search(page).press('Escape');
  await expect(page.getByText(/^\d+ records$/)).toBeVisible();
});

test('rows are reused in place as answers change: each shows and opens its own record, a tick follows its record, and a new answer starts at the top', async ({ page }) => {
  const rowsOnScreen = () =>
    ui.list(page).getByRole('option').evaluateAll((rows) => rows.map((r) => ({ id: r.id.replace(/^row-/, ''), title: r.querySelector('.row-title')?.textContent ?? '', ticked: r.getAttribute('aria-selected') })));
  const coreAnswer = async (text: string) => {
    const reply = await app.core.dispatch('records.list', { text, limit: 100 });
    if (!reply.ok) throw new Error(reply.error.message);
    return (reply.value as { items: { id: string; title: string }[] }).items.map((r) => ({ id: r.id, title: r.title }));
  };

  await page.goto(app.server.url);
  await expect(page.getByText(/^\d+ records$/)).toBeVisible();
  const all = await coreAnswer('');
  expect(all.length).toBeGreaterThan(30);
  // Tick the first record for a bulk edit.
  await ui.list(page).getByRole('option').first().locator('.row-check').click();
  await expect(ui.list(page).getByRole('option').first()).toHaveAttribute('aria-selected', 'true');

  for (const text of ['h', 'ha', 'har', 'harp']) {
    await ui.search(page).press(text.at(-1)!);
    await expect(page.getByText(new RegExp(`match(es)? for “${text}”$`))).toBeVisible();
    await expect(ui.list(page)).toHaveAttribute('aria-busy', 'false');
    const want = await coreAnswer(text);
    const shown = await rowsOnScreen();
    // Every place shows the record of its answer, in order; only the ticked record reads as ticked.
    expect(shown.map(({ id, title }) => ({ id, title }))).toEqual(want.slice(0, shown.length));
    for (const r of shown) expect(r.ticked).toBe(r.id === all[0]!.id ? 'true' : 'false');
  }
  // The second place opens the record it shows now, not the one it showed before.
  const second = (await rowsOnScreen())[1]!;
  await ui.list(page).getByRole('option').nth(1).click();
  await expect(ui.detail(page).getByRole('heading', { level: 2, name: second.title })).toBeVisible();

  // Back to every record: the ticked one is ticked again, in its place.
  await ui.search(page).fill('');
  await expect(page.getByText(/^\d+ records$/)).toBeVisible();
  await expect(ui.list(page).getByRole('option').first()).toHaveAttribute('aria-selected', 'true');
  await ui.list(page).getByRole('option').first().locator('.row-check').click();

  // Scrolled down, a new search shows its answer from the top.
  await ui.list(page).evaluate((el) => (el.scrollTop = 1_500));
  await expect.poll(() => ui.list(page).evaluate((el) => el.scrollTop)).toBeGreaterThan(1_000);
  await ui.search(page).fill('harp');
  await expect(page.getByText(/match(es)? for “harp”$/)).toBeVisible();
  await expect.poll(() => ui.list(page).evaluate((el) => el.scrollTop)).toBe(0);
  expect((await rowsOnScreen())[0]!.id).toBe((await coreAnswer('harp'))[0]!.id);

  // The table reuses its rows the same way: each shows the record of its answer, in order.
  await ui.search(page).fill('');
  await page.getByRole('group', { name: 'Show records as' }).getByRole('button', { name: 'Table' }).click();
  const table = page.getByRole('grid', { name: 'Records table' });
  const tableRows = () =>
    table.locator('.table-body [role="row"]').evaluateAll((rows) => rows.map((r) => ({ id: r.querySelector('.title-cell')?.id.replace(/^cell-/, ''), title: r.querySelector('.title-cell')?.textContent ?? '' })));
  for (const text of ['h', 'ha', 'har']) {
    await ui.search(page).press(text.at(-1)!);
    await expect(page.getByText(new RegExp(`match(es)? for “${text}”$`))).toBeVisible();
    const shown = await tableRows();
    expect(shown.length).toBeGreaterThan(0);
    expect(shown).toEqual((await coreAnswer(text)).slice(0, shown.length));
  }
  await page.getByRole('group', { name: 'Show records as' }).getByRole('button', { name: 'List' }).click();
});
