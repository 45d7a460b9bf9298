import { rmSync } from 'node:fs';
import { expect, type Locator, test, type Page } from '@playwright/test';
import type { Method, ReplyOf, RequestOf } from '../../src-shared/contract';
import { startHeadlessServer, type HeadlessServer } from '../../src-main/transports/headless-server';
import type { RunningEmulator } from '../sandbox/common/emulator-server';
import { startSandbox, type Sandbox } from '../sandbox/sandbox';
import { FAST_SYNC, RENDERER_DIR, startApp, type RunningApp } from './harness';
import { catalogHttp, escapeRegExp, openRecord, searchFor, ui } from './ui';

/**
 * Issue 11, points 1, 4, 8, 10, 12 and 14: a bench UI that tells the truth. One sandbox of all
 * four systems; each test has its own app (core + headless server), set up through the contract
 * where the set-up is not what the test is about.
 */

let sandbox: Sandbox;
let catalog: RunningEmulator;
let cannlytics: RunningEmulator;
let atomscale: RunningEmulator;
let brainstem: RunningEmulator;
const SCALE = 10;
/** The catalog's limit is scaled in the sandbox; BenchSync paces itself by the same shape, scaled. */
const SYNC = {
  ...FAST_SYNC,
  rateLimitFor: (system: string) =>
    system === 'catalog'
      ? [
          { limit: 2 * SCALE, windowMs: 1_000 },
          { limit: 50 * SCALE, windowMs: 60_000 },
        ]
      : undefined,
};

test.beforeAll(async () => {
  sandbox = await startSandbox({ rateLimitScale: SCALE });
  ({ catalog, cannlytics, atomscale, brainstem } = sandbox.emulators as Required<Sandbox['emulators']>);
});

test.afterAll(async () => {
  await sandbox?.close();
});

function contract(app: RunningApp) {
  return async <M extends Method>(method: M, payload: RequestOf<M>): Promise<ReplyOf<M>> => {
    const r = await app.core.dispatch(method, payload);
    if (!r.ok) throw new Error(`${method}: ${r.error.message} ${JSON.stringify(r.error.fieldErrors ?? {})}`);
    return r.value as ReplyOf<M>;
  };
}

type Call = ReturnType<typeof contract>;

async function connect(call: Call, c: RequestOf<'connections.save'>) {
  const saved = await call('connections.save', c);
  await expect.poll(async () => (await call('sync.status', {})).find((s) => s.connectionId === saved.id)?.lastPullAt, { timeout: 20_000 }).toBeTruthy();
  return saved;
}

const catalogConnection = (name: string, key: string): RequestOf<'connections.save'> => ({ system: 'catalog', name, baseUrl: catalog.baseUrl, apiKey: key });
const statusOf = async (call: Call, id: string) => (await call('sync.status', {})).find((s) => s.connectionId === id)!;
/** How many rows the status bar's items sit on (items on one row share their vertical middle). */
const rowsOf = (bar: Locator) =>
  bar.evaluate((el) => {
    const middles = [...el.querySelectorAll('.overall, .chip, .counter, .status-message, button')]
      .map((e) => e.getBoundingClientRect())
      .filter((r) => r.width > 0 && r.height > 0)
      .map((r) => r.top + r.height / 2);
    return middles.filter((m, i) => middles.findIndex((n) => Math.abs(n - m) < 4) === i).length;
  });

const cardOf = (page: Page, name: string) => page.getByRole('region', { name: 'Connections' }).getByRole('listitem', { name, exact: true });

test('point 1: one summary — nothing reads "up to date" beside 2 rejected and a conflict, and every count agrees', async ({ page }) => {
  const app = await startApp(SYNC);
  try {
    const call = contract(app);
    const lab = await connect(call, catalogConnection('Lab catalog', catalog.users.member!));
    await connect(call, { system: 'cannlytics', name: 'QA lab LIMS', baseUrl: cannlytics.baseUrl, settings: { organizationId: String(cannlytics.extra.organizationId) }, apiKey: cannlytics.users.member! });
    await connect(call, { system: 'atomscale', name: 'Thin films', baseUrl: atomscale.baseUrl, apiKey: atomscale.users.member! });

    // Two edits the server refuses (an image it cannot fetch), one that meets a change made on the server meanwhile.
    const member = catalogHttp(catalog.baseUrl, catalog.users.member!);
    const [a, b, c] = await member.mine();
    const records = (await call('records.list', { connectionId: lab.id, limit: 500 })).items;
    const local = (name: string) => records.find((r) => r.title === name)!.id;
    await call('connections.setPaused', { id: lab.id, paused: true });
    const missing = `${new URL(catalog.baseUrl).origin}/images/missing.jpg`;
    await call('records.update', { id: local(a!.name), fields: { image: missing } });
    await call('records.update', { id: local(b!.name), fields: { image: missing } });
    await call('records.update', { id: local(c!.name), fields: { description: 'Moved to the cold room.' } });
    await member.put(`/instruments/${c!.id}/`, { description: 'Out for service until Friday.' });
    // Its first send fails transiently (the last of the three to go), so the pull that follows sees the server's version first.
    for (let i = 0; i < 2; i++) catalog.faults.queue({ kind: 'status', status: 503, method: 'PUT', pathIncludes: `/instruments/${c!.id}/` });
    await call('connections.setPaused', { id: lab.id, paused: false });
    await expect
      .poll(async () => {
        const s = await statusOf(call, lab.id);
        return `${s.state} ${s.pending} ${s.rejected} ${s.conflicts}`;
      }, { timeout: 20_000 })
      .toBe('idle 1 2 1');

    await page.goto(app.server.url);
    const bar = ui.statusBar(page);
    await expect(ui.pendingCount(page)).toHaveText('3 pending changes');
    await expect(page.getByTestId('pending-tab-count')).toHaveText('3');
    await expect(bar.getByRole('button', { name: '2 rejected' })).toBeVisible();
    await expect(bar.getByText('1 conflict', { exact: true })).toBeVisible();
    await expect(bar.getByText('Lab catalog: online, needs you')).toBeVisible();
    await expect(bar.getByText('2 more in sync')).toBeVisible();
    await expect(page.locator('body')).not.toContainText('up to date');

    await ui.tab(page, 'Connections').click();
    const card = cardOf(page, 'Lab catalog');
    await expect(card.getByText('needs you', { exact: true })).toBeVisible();
    await expect(card.getByTestId('connection-counts')).toHaveText('3 pending changes · 2 rejected · 1 conflict');
    await expect(cardOf(page, 'Thin films').getByTestId('connection-counts')).toHaveText('0 pending changes');
    await expect(cardOf(page, 'Thin films').getByText('in sync', { exact: true })).toBeVisible();
    await expect(page.locator('body')).not.toContainText('up to date');

    await ui.tab(page, 'Pending changes').click();
    await expect(page.getByText('3 changes waiting, 2 refused by the server and waiting for you.', { exact: false })).toBeVisible();
    await expect(page.getByRole('table').getByRole('row')).toHaveCount(1 + 3);
    await page.screenshot({ path: 'test-results/truthful-status-needs-you.png' });

    // Once nothing needs the user, "up to date" comes back, everywhere at once.
    for (const op of (await call('outbox.list', {})).filter((o) => o.state === 'rejected')) await call('outbox.discard', { opId: op.id });
    await call('records.resolveConflict', { id: local(c!.name), keep: 'theirs' });
    await expect(bar.getByText('all 3 connections up to date')).toBeVisible({ timeout: 15_000 });
    await expect(ui.pendingCount(page)).toHaveText('0 pending changes');
    await expect(page.getByTestId('pending-tab-count')).toHaveCount(0);
    await expect(bar.getByRole('button', { name: /rejected/ })).toHaveCount(0);
    expect(app.log).toEqual([]);
  } finally {
    await app.close();
  }
});

test('point 4: losing the core is said everywhere, saving then claims nothing, and after a restart the page says exactly what to do', async ({ page }) => {
  const app = await startApp(SYNC);
  const port = Number(new URL(app.server.origin).port);
  let again: HeadlessServer | undefined;
  try {
    const call = contract(app);
    await connect(call, catalogConnection('Lab catalog', catalog.users.member!));
    const mine = (await catalogHttp(catalog.baseUrl, catalog.users.member!).mine())[0]!;
    await page.goto(app.server.url);
    await expect(ui.statusBar(page).getByText('Lab catalog: online, up to date')).toBeVisible();
    await openRecord(page, mine.name);
    await page.keyboard.press('e');
    const form = page.getByRole('form', { name: `Edit ${mine.name}` });
    await expect(form).toBeVisible();

    await app.server.close();
    const banner = page.getByRole('alert').filter({ hasText: /^Disconnected from BenchSync core\. Reconnecting/ });
    await expect(banner).toBeVisible();
    await expect(banner).toContainText('nothing you do here is saved until it is back');
    await expect(banner).not.toContainText('wait');
    await expect(ui.overall(page)).toHaveText('BenchSync core unreachable');
    await expect(ui.statusBar(page)).not.toContainText(/online|up to date/i);
    await expect(ui.statusBar(page).getByRole('button', { name: 'Sync now' })).toBeDisabled();

    // Saving while the core is gone: refused in words, and nothing pretends to be queued.
    await form.getByLabel('Description').fill('Edited while the core was away.');
    await page.keyboard.press('Control+Enter');
    await expect(form.getByRole('alert')).toHaveText('Disconnected from BenchSync core; nothing was changed. Try again once it is back.');
    await expect(ui.pendingCount(page)).toHaveText('0 pending changes');

    // The core comes back with a new token (as every launch does): the page cannot get in, and says how to.
    again = await startHeadlessServer({ core: app.core, rendererDir: RENDERER_DIR, port });
    expect(again.token).not.toBe(app.server.token);
    const restarted = page.getByRole('alert').filter({ hasText: 'BenchSync core was restarted' });
    await expect(restarted).toBeVisible({ timeout: 15_000 });
    await expect(restarted).toHaveText(
      'BenchSync core was restarted, and this page still holds the access token of its last run, which the new one refuses. To go on, open the address the core printed when it started again (http://127.0.0.1:…/#token=…), in this tab or a new one. Everything saved before the restart is kept.',
    );
    await expect(ui.overall(page)).toHaveText('Not connected to BenchSync core');
    await page.screenshot({ path: 'test-results/truthful-status-core-restarted.png' });

    // Doing what it says works, in the same tab; the token is still required.
    await page.goto(again.url);
    await expect(ui.statusBar(page).getByText('Lab catalog: online, up to date')).toBeVisible({ timeout: 15_000 });
    await expect(page.getByRole('alert')).toHaveCount(0);
    expect((await call('outbox.list', {})).length).toBe(0);
  } finally {
    await again?.close();
    await app.core.close();
    rmSync(app.dataDir, { recursive: true, force: true });
  }
});

test('point 8: quiet rows — short ids, the system once, two connections to one system told apart by whom they act as', async ({ page }) => {
  const app = await startApp(SYNC);
  try {
    const call = contract(app);
    // Two connections to the catalog with the name the form suggests, each with its own key.
    const first = await connect(call, catalogConnection('Instrument Catalog', catalog.users.member!));
    const second = await connect(call, catalogConnection('Instrument Catalog', catalog.users.other!));
    await connect(call, { system: 'brainstem', name: 'Neuro lab', baseUrl: brainstem.baseUrl, apiKey: brainstem.users.member! });
    const own = async (key: string) => (await catalogHttp(catalog.baseUrl, key).mine()).length;
    const accounts = [`owner of ${await own(catalog.users.member!)} instruments`, `owner of ${await own(catalog.users.other!)} instruments`];
    expect(accounts[0]).not.toBe(accounts[1]);
    expect((await statusOf(call, first.id)).account?.label).toBe(accounts[0]);
    expect((await statusOf(call, second.id)).account?.label).toBe(accounts[1]);

    await page.goto(app.server.url);
    await ui.tab(page, 'Connections').click();
    const cards = cardOf(page, 'Instrument Catalog');
    await expect(cards).toHaveCount(2);
    await expect(cards.getByTestId('connection-account')).toHaveText([
      `${accounts[0]}Instrument Catalog does not say whose key this is; this is what it shows of it.`,
      `${accounts[1]}Instrument Catalog does not say whose key this is; this is what it shows of it.`,
    ]);

    await ui.tab(page, 'Records').click();
    const instrument = (await catalogHttp(catalog.baseUrl, catalog.users.member!).mine())[0]!;
    await searchFor(page, instrument.name);
    const rows = ui.row(page, new RegExp(`^${escapeRegExp(instrument.name)}`));
    await expect(rows).toHaveCount(2);
    const metas = (await rows.locator('.row-meta').allTextContents()).sort();
    expect(metas).toEqual([`Instrument Catalog (${accounts[0]}) · Instrument · #${instrument.id}`, `Instrument Catalog (${accounts[1]}) · Instrument · #${instrument.id}`].sort());

    const rig = 'Sutter MP-285 micromanipulator';
    await searchFor(page, rig);
    const meta = ui.row(page, new RegExp(`^${escapeRegExp(rig)}`)).locator('.row-meta');
    const uuid = (await call('records.list', { text: rig, limit: 1 })).items[0]!.remoteId!;
    expect(uuid).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-/);
    await expect(meta).toHaveText(`BrainSTEM · Equipment · #${uuid.slice(0, 8)}…`);
    // The full id is still there for whoever needs it.
    await expect(meta).toHaveAttribute('title', `Neuro lab · BrainSTEM · Equipment · #${uuid}`);
    await page.screenshot({ path: 'test-results/truthful-status-rows.png' });
  } finally {
    await app.close();
  }
});

test('point 10: a key the server refuses is caught on save, kept only if the user insists, and the saved card is brought into view', async ({ page }) => {
  const app = await startApp(SYNC);
  try {
    const call = contract(app);
    for (const n of [1, 2, 3, 4]) await connect(call, { system: 'atomscale', name: `Thin films ${n}`, baseUrl: atomscale.baseUrl, apiKey: atomscale.users.member! });
    await page.goto(app.server.url);
    await ui.tab(page, 'Connections').click();

    const add = async (name: string, key: string) => {
      await page.getByRole('button', { name: 'Add connection' }).click();
      const form = page.getByRole('form', { name: 'Add connection' });
      await form.getByLabel('Name').fill(name);
      await form.getByLabel('Base URL').fill(catalog.baseUrl);
      await form.getByLabel('API key').fill(key);
      await form.getByRole('button', { name: 'Save connection' }).click();
      return form;
    };

    // A refused key: saved, but the form stays with the server's words; fixed there, it is the same connection.
    let form = await add('Lab catalog', 'MQ.not-a-real-signature');
    await expect(form.getByRole('alert', { name: 'Check failed' })).toContainText('Saved “Lab catalog”, but the check failed: Instrument Catalog rejected the API key.');
    await form.getByLabel('API key').fill(catalog.users.member!);
    await form.getByRole('button', { name: 'Save connection' }).click();
    await expect(form).toHaveCount(0);
    await expect(page.getByText('Saved “Lab catalog”. BenchSync is fetching its records now.')).toBeVisible();
    const card = cardOf(page, 'Lab catalog');
    await expect(card).toBeInViewport();
    await expect(card).toBeFocused();
    await expect(card.getByRole('status')).toContainText('Connected to Instrument Catalog: the key works and owns');
    // Brought into view: the list is longer than the window, its top scrolled away.
    await expect(cardOf(page, 'Thin films 1')).not.toBeInViewport();
    await expect(page.getByRole('region', { name: 'Connections' }).getByRole('listitem')).toHaveCount(5);

    // The user insists on a refused key: it is kept, with the reason on its card.
    await page.getByRole('button', { name: 'Add connection' }).scrollIntoViewIfNeeded();
    form = await add('Spare catalog', 'MQ.still-not-a-real-signature');
    await expect(form.getByRole('alert', { name: 'Check failed' })).toBeVisible();
    await form.getByRole('button', { name: 'Keep it anyway' }).click();
    await expect(page.getByText('Saved “Spare catalog” as you asked, although its check failed: Instrument Catalog rejected the API key.')).toBeVisible();
    const spare = cardOf(page, 'Spare catalog');
    await expect(spare).toBeInViewport();
    await expect(spare).toBeFocused();
    await expect(spare.getByRole('status')).toHaveText('Check failed: Instrument Catalog rejected the API key.');
    await expect(spare.getByText('API key rejected', { exact: true })).toBeVisible();
    await expect(page.getByRole('region', { name: 'Connections' }).getByRole('listitem')).toHaveCount(6);
    await page.screenshot({ path: 'test-results/truthful-status-kept-anyway.png' });
  } finally {
    await app.close();
  }
});

test('point 12: offline, the status bar stays one row, in plain words, with the raw detail as its tooltip', async ({ page }) => {
  // A small bench tablet: the old bar wrapped its chips to a second row here.
  await page.setViewportSize({ width: 800, height: 700 });
  const app = await startApp(SYNC);
  try {
    const call = contract(app);
    const lab = await connect(call, catalogConnection('Lab catalog', catalog.users.member!));
    await connect(call, { system: 'cannlytics', name: 'QA lab LIMS', baseUrl: cannlytics.baseUrl, settings: { organizationId: String(cannlytics.extra.organizationId) }, apiKey: cannlytics.users.member! });
    await page.goto(app.server.url);
    const bar = ui.statusBar(page);
    await expect(bar.getByText('Lab catalog: online, up to date')).toBeVisible();
    expect(await rowsOf(bar)).toBe(1);

    catalog.faults.set({ offline: true });
    await expect(bar.getByText('Lab catalog: offline', { exact: true })).toBeVisible({ timeout: 15_000 });
    const instrument = (await call('records.list', { connectionId: lab.id, text: 'Analytical Balance', limit: 1 })).items[0]!;
    await call('records.update', { id: instrument.id, fields: { description: 'Weighing room 2.' } });
    const message = bar.getByTestId('status-message');
    await expect(message).toHaveText('Lab catalog: The server cannot be reached. Your edits are kept here and sent when it is back.');
    await expect(message).toHaveAttribute('title', /Detail: Offline: 127\.0\.0\.1:\d+ cannot be reached \(ECONNREFUSED\)/);
    await expect(bar).not.toContainText('ECONNREFUSED');
    await expect(bar).not.toContainText('next try');
    expect(await rowsOf(bar)).toBe(1);

    // Both offline: still one row.
    cannlytics.faults.set({ offline: true });
    await expect(ui.overall(page)).toHaveText('Offline', { timeout: 15_000 });
    await expect(bar.getByText('QA lab LIMS: offline', { exact: true })).toBeVisible();
    await expect(bar).not.toContainText(/ECONN|HTTP \d/);
    expect(await rowsOf(bar)).toBe(1);
    await page.screenshot({ path: 'test-results/truthful-status-offline.png' });

    // The queue does not promise a next try while the server is away.
    await ui.tab(page, 'Pending changes').click();
    await expect(page.getByRole('table').getByRole('row', { name: /Analytical Balance/ })).toContainText('when the server is back');
    await expect(page.getByRole('table')).not.toContainText('next try');
  } finally {
    catalog.faults.set({ offline: false });
    cannlytics.faults.set({ offline: false });
    await app.close();
  }
});

test('point 14: the approvals queue follows proposals as they are made, with no timer and no pull', async ({ page }) => {
  // Pulls are as rare as BrainSTEM's own interval (5 min): the queue must not wait for one.
  const app = await startApp({ ...SYNC, pullIntervalMs: 5 * 60_000 });
  try {
    const call = contract(app);
    const member = await connect(call, { system: 'brainstem', name: 'Neuro lab', baseUrl: brainstem.baseUrl, apiKey: brainstem.users.member! });
    const admin = await connect(call, { system: 'brainstem', name: 'Neuro lab (admin)', baseUrl: brainstem.baseUrl, settings: { reviewer: 'yes' }, apiKey: brainstem.users.admin! });
    const pulledAt = (await statusOf(call, admin.id)).lastPullAt;
    const supplier = (await call('categories.list', { connectionId: member.id, source: 'suppliers' }))[0]!.remoteId;

    await page.goto(app.server.url);
    await ui.tab(page, 'Approvals').click();
    await expect(page.getByRole('region', { name: 'Approvals' }).getByText(/awaiting your decision|Nothing awaits/)).toBeVisible();

    // Proposed by this app's member connection while the queue is on screen.
    const ours = 'Pilot cohort cannula, 200 µm';
    await call('records.create', { connectionId: member.id, kind: 'consumable', fields: { name: ours, type: 'OpticFiberDesign', supplier, description: 'Mono fiber-optic cannula.' } });
    await expect(page.getByRole('listitem', { name: ours }).getByText('New consumable')).toBeVisible();

    // Proposed by someone else, straight to BrainSTEM, while the queue is not on screen: opening it fetches it.
    await ui.tab(page, 'Records').click();
    const theirs = 'Artificial CSF, 500 mL';
    const res = await fetch(`${brainstem.baseUrl}/api/private/resources/consumable/`, {
      method: 'POST',
      headers: { authorization: `Bearer ${brainstem.users.other}`, 'content-type': 'application/json' },
      body: JSON.stringify({ name: theirs, type: 'PhysiologicalSolution', supplier, description: 'Made up fresh.' }),
    });
    expect(res.status).toBe(201);
    await ui.tab(page, 'Approvals').click();
    await expect(page.getByRole('listitem', { name: theirs }).getByText('New consumable')).toBeVisible();
    // The queue came alone: the reviewer's connection did not pull everything again.
    expect((await statusOf(call, admin.id)).lastPullAt).toBe(pulledAt);
    expect(app.log).toEqual([]);
  } finally {
    await app.close();
  }
});
