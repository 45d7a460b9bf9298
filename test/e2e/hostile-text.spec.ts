import { expect, test, type Locator, type Page } from '@playwright/test';
import type { RunningEmulator } from '../sandbox/common/emulator-server';
import { startSandbox, type Sandbox } from '../sandbox/sandbox';
import { FAST_SYNC, startApp, type RunningApp } from './harness';
import { addConnection, openRecord, ui } from './ui';

/**
 * Remote text is whatever the remote holds: a right-to-left override shows in logical order and
 * cannot reorder what is around it, and one 5,000-character word wraps inside the detail panel and
 * the Approvals table instead of widening them by thousands of pixels. Records are seeded through
 * the contract (a BrainSTEM member's proposal), the admin's app shows them.
 */
let sandbox: Sandbox;
let brainstem: RunningEmulator;
let member: RunningApp;
let admin: RunningApp;

const SYNC = { ...FAST_SYNC, proposalPollMs: 500 };
const ADMIN_SETTING = 'This token belongs to a BrainSTEM administrator (review approvals, delete consumables)';
const RLO = '\u202E';
const SPOOFED = `abc${RLO}dcba`;
// BrainSTEM takes 100 characters of name and 500 of description, and any JSON in details.
const LONG_WORD = `W${'x'.repeat(4_998)}Z`;
const LONG_NAME = `Long ${'y'.repeat(90)}`;
const LONG_DESCRIPTION = `D${'d'.repeat(480)}`;

test.beforeAll(async () => {
  sandbox = await startSandbox({ systems: ['brainstem'], rateLimitScale: 10 });
  brainstem = sandbox.emulators.brainstem!;
  [member, admin] = await Promise.all([startApp(SYNC), startApp(SYNC)]);
  // A member proposes two consumables through the contract; BrainSTEM queues them for review.
  const call = async (method: string, payload: unknown) => {
    const r = await member.core.dispatch(method, payload);
    if (!r.ok) throw new Error(`${method}: ${r.error.message} ${JSON.stringify(r.error.fieldErrors ?? {})}`);
    return r.value as any;
  };
  const c = await call('connections.save', { system: 'brainstem', name: 'Neuro lab', baseUrl: brainstem.baseUrl, apiKey: brainstem.users.member });
  await expect.poll(async () => (await call('sync.status', {}))[0]?.lastPullAt, { timeout: 20_000 }).toBeTruthy();
  const suppliers = await call('categories.list', { connectionId: c.id, source: 'suppliers' });
  const supplier = suppliers[0].remoteId;
  for (const [name, description, details] of [
    [SPOOFED, `Made by ${SPOOFED} labs`, {}],
    [LONG_NAME, LONG_DESCRIPTION, { note: LONG_WORD }],
  ] as const) {
    await call('records.create', { connectionId: c.id, kind: 'consumable', fields: { name, type: 'PhysiologicalSolution', supplier, description, details } });
  }
  await expect.poll(async () => (await call('sync.status', {}))[0]?.pending, { timeout: 20_000 }).toBe(0);
});

test.afterAll(async () => {
  await member?.close();
  await admin?.close();
  await sandbox?.close();
});

/** Where each character of an element's text is drawn, left to right: the text in visual order. */
async function visualOrder(locator: Locator): Promise<string> {
  return locator.evaluate((el) => {
    const walker = document.createTreeWalker(el, NodeFilter.SHOW_TEXT);
    const chars: { x: number; c: string }[] = [];
    for (let n = walker.nextNode(); n; n = walker.nextNode()) {
      const text = n.textContent ?? '';
      for (let i = 0; i < text.length; i++) {
        const range = document.createRange();
        range.setStart(n, i);
        range.setEnd(n, i + 1);
        const r = range.getBoundingClientRect();
        if (r.width > 0) chars.push({ x: r.left, c: text[i]! });
      }
    }
    return chars
      .sort((a, b) => a.x - b.x)
      .map((c) => c.c)
      .join('');
  });
}

async function box(locator: Locator) {
  const b = await locator.boundingBox();
  expect(b).not.toBeNull();
  return b!;
}

async function withinCard(page: Page, inner: Locator, card: Locator, what: string) {
  const c = await box(card);
  const i = await box(inner);
  expect(i.x, what).toBeGreaterThanOrEqual(c.x - 1);
  expect(i.x + i.width, `${what}: ${i.x + i.width} > ${c.x + c.width}`).toBeLessThanOrEqual(c.x + c.width + 1);
  // Nothing scrolls sideways: the page is as wide as the window.
  expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(1280);
}

test('RTL overrides display in logical order, long words wrap in the detail panel and the Approvals table', async ({ page }) => {
  const consoleErrors: string[] = [];
  page.on('console', (m) => m.type() === 'error' && consoleErrors.push(m.text()));
  page.on('pageerror', (e) => consoleErrors.push(e.message));
  await page.goto(admin.server.url);
  await addConnection(page, { system: 'BrainSTEM', name: 'Neuro lab admin', baseUrl: brainstem.baseUrl, apiKey: brainstem.users.admin!, tick: [ADMIN_SETTING], synced: true });

  await test.step('the Approvals table stays within its card', async () => {
    await ui.tab(page, 'Approvals').click();
    const longCard = page.getByRole('listitem', { name: LONG_NAME });
    await expect(longCard).toBeVisible({ timeout: 15_000 });
    await withinCard(page, longCard.getByRole('table'), longCard, 'approvals table');
    await withinCard(page, longCard.getByText(/^Wxxxx/), longCard, 'the 5,000-character word');
    await withinCard(page, longCard.getByText(/^Dddd/), longCard, 'the long description');
    await withinCard(page, longCard.getByRole('heading', { level: 3 }), longCard, 'the long title');
    await page.screenshot({ path: test.info().outputPath('approvals-long-word.png') });

    const spoofCard = page.getByRole('listitem', { name: SPOOFED });
    await expect(spoofCard).toBeVisible();
    expect(await visualOrder(spoofCard.getByRole('heading', { level: 3 }))).toBe('abcdcba');
  });

  await test.step('the record list and detail show the override in logical order, isolated', async () => {
    // The proposer's app: the proposals are its records, awaiting approval.
    await page.goto(member.server.url);
    await ui.tab(page, 'Records').click();
    await page.getByLabel('Status', { exact: true }).selectOption('awaiting_approval');
    await ui.row(page, /abc/).first().click();
    const detail = ui.detail(page);
    const heading = detail.getByRole('heading', { level: 2 });
    await expect(heading).toBeVisible();
    expect(await visualOrder(heading)).toBe('abcdcba');
    // The description's override does not reverse " labs" after it.
    const description = detail.getByText(/^Made by/);
    expect(await visualOrder(description)).toBe('Made by abcdcba labs');
    expect(await visualOrder(ui.row(page, /abc/).first().locator('.row-title'))).toBe('abcdcba');
    // Only the display leaves the override out: the data keeps it.
    const listed = await member.core.dispatch('records.list', { text: '' });
    expect(listed.ok && (listed.value as { items: { title: string }[] }).items.map((i) => i.title)).toContain(SPOOFED);
  });

  await test.step('a 5,000-character word wraps inside the detail panel', async () => {
    await ui.search(page).fill('Long');
    await ui.row(page, /^Long/).first().click();
    const detail = ui.detail(page);
    await expect(detail.getByRole('heading', { level: 2 })).toBeVisible();
    const panel = await box(detail);
    expect(panel.width).toBeLessThan(1280);
    await withinCard(page, detail.getByText(/^Wxxxx/), detail, 'the 5,000-character word');
    await withinCard(page, detail.getByText(/^Dddd/), detail, 'the long description');
    await withinCard(page, detail.getByRole('heading', { level: 2 }), detail, 'the long title');
    await page.screenshot({ path: test.info().outputPath('detail-long-word.png') });
  });
  expect(consoleErrors).toEqual([]);
});
