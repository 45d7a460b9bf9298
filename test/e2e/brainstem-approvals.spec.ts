import { expect, test, type Page } from '@playwright/test';
import type { RunningEmulator } from '../sandbox/common/emulator-server';
import { startSandbox, type Sandbox } from '../sandbox/sandbox';
import { FAST_SYNC, startApp, type RunningApp } from './harness';
import { addConnection, openRecord, ui } from './ui';

/**
 * Issue 4's story, in two apps against one BrainSTEM: a technician moves a rig and proposes a new
 * consumable offline; back online the equipment is synced and the consumable awaits approval; an
 * administrator (a second app, their own token, the reviewer setting) accepts it, with the
 * decision queued while their connection is paused; the technician's app then shows it live.
 * Finally the technician ticks the administrator setting by mistake: BrainSTEM's 403 is shown as such.
 */

let sandbox: Sandbox;
let brainstem: RunningEmulator;
let tech: RunningApp;
let admin: RunningApp;

// Proposals are polled every half second here (BrainSTEM's default is 20 s).
const SYNC = { ...FAST_SYNC, proposalPollMs: 500 };
const ADMIN_SETTING = 'This token belongs to a BrainSTEM administrator (review approvals, delete consumables)';

test.beforeAll(async () => {
  sandbox = await startSandbox({ systems: ['brainstem'], rateLimitScale: 10 });
  brainstem = sandbox.emulators.brainstem!;
  [tech, admin] = await Promise.all([startApp(SYNC), startApp(SYNC)]);
});

test.afterAll(async () => {
  await tech?.close();
  await admin?.close();
  await sandbox?.close();
});

/** BrainSTEM as its web users see it (not through BenchSync). */
async function remote<T>(path: string, key: string): Promise<T> {
  const res = await fetch(`${brainstem.baseUrl}/api/private/${path}`, { headers: { authorization: `Bearer ${brainstem.users.admin}` } });
  expect(res.status).toBe(200);
  return ((await res.json()) as Record<string, T>)[key]!;
}
const named = (model: 'modules/equipment' | 'resources/consumable', key: string, name: string) =>
  remote<Record<string, unknown>[]>(`${model}/?${encodeURIComponent('filter{name}')}=${encodeURIComponent(name)}`, key);

const RIG = 'Sutter MP-285 micromanipulator';
const FIBER = 'MFC_400/430-0.57_6mm_MF2.5_FLT';

test('a technician proposes offline, an administrator accepts, the technician sees it live', async ({ page, browser }) => {
  const consoleErrors: string[] = [];
  const watch = (p: Page) => {
    p.on('console', (m) => {
      if (m.type() === 'error') consoleErrors.push(m.text());
    });
    p.on('pageerror', (e) => consoleErrors.push(e.message));
  };
  watch(page);
  const detail = ui.detail(page);

  await test.step('the technician connects BrainSTEM with their own token', async () => {
    await page.goto(tech.server.url);
    await addConnection(page, { system: 'BrainSTEM', name: 'Neuro lab', baseUrl: brainstem.baseUrl, apiKey: brainstem.users.member!, synced: true });
    // Not an administrator: no review queue, and consumables cannot be deleted.
    await expect(ui.tab(page, 'Approvals')).toHaveCount(0);
    await ui.tab(page, 'Records').click();
    await openRecord(page, 'Triton X-100');
    await expect(detail.getByRole('button', { name: 'Edit' })).toBeVisible();
    await expect(detail.getByRole('button', { name: 'Delete' })).toHaveCount(0);
  });

  await test.step('offline: move the rig to new coordinates of another system', async () => {
    brainstem.faults.set({ offline: true });
    await expect(ui.overall(page)).toHaveText('Offline', { timeout: 15_000 });
    await openRecord(page, RIG);
    await page.keyboard.press('e');
    const form = page.getByRole('form', { name: `Edit ${RIG}` });
    const position = form.getByRole('group', { name: 'Position' });
    await expect(position.getByLabel('DV', { exact: true })).toHaveValue('-1.8');
    await form.getByLabel('Coordinate system').selectOption({ label: 'Stereotaxic from bregma, depth below brain surface (mm)' });
    // The axes follow the system: depth below the surface instead of DV.
    await expect(position.getByLabel('DV', { exact: true })).toHaveCount(0);
    await expect(position.getByLabel('Rotation')).toBeVisible();
    await position.getByLabel('AP', { exact: true }).fill('-2.3');
    await position.getByLabel('ML', { exact: true }).fill('1.6');
    await position.getByLabel('Depth').fill('1.9');
    await position.getByLabel('Rotation').fill('400');
    await page.keyboard.press('Control+Enter');
    await expect(form.getByText('Rotation: must be between -180 and 360.')).toBeVisible();
    await position.getByLabel('Rotation').fill('90');
    await page.keyboard.press('Control+Enter');
    await expect(form).toHaveCount(0);
    await expect(detail.getByRole('definition').getByText('AP -2.3 mm · ML 1.6 mm · Depth 1.9 mm · AP angle 0 ° · ML angle 15 ° · Rotation 90 °')).toBeVisible();
    await expect(detail.getByText('pending', { exact: true })).toBeVisible();
  });

  await test.step('offline: propose a new consumable with typed details', async () => {
    await page.keyboard.press('n');
    let form = page.getByRole('form', { name: /^New / });
    await form.getByLabel('Kind').selectOption('consumable');
    form = page.getByRole('form', { name: 'New consumable' });
    const details = form.getByRole('group', { name: 'Details' });
    await expect(details.getByText('Choose a type to fill in its details')).toBeVisible();
    await form.getByLabel('Name', { exact: true }).fill(FIBER);
    await form.getByLabel('Type', { exact: true }).selectOption({ label: 'Optic fiber design' });
    await form.getByLabel('Supplier').selectOption({ label: 'Doric Lenses' });
    await details.getByLabel('Product ID').fill(FIBER);
    await details.getByLabel('Tip').fill('flat');
    await details.getByLabel('Core diameter').fill('400');
    await details.getByLabel('Outer diameter').fill('430');
    await details.getByLabel('Numerical aperture').fill('0.57');
    await details.getByLabel('Other details (JSON)').fill('{"lengthMm": 6}');

    // Another type keeps every key (in the JSON box); back again, the rows return.
    await form.getByLabel('Type', { exact: true }).selectOption({ label: 'Chemical reagent' });
    await expect(details.getByLabel('Product ID')).toHaveCount(0);
    const whole = JSON.parse(await details.getByLabel('Details (JSON)').inputValue()) as Record<string, unknown>;
    expect(whole).toEqual({ lengthMm: 6, productId: FIBER, tipDescription: 'flat', coreDiameter: 400, outerDiameter: 430, aperture: 0.57 });
    await form.getByLabel('Type', { exact: true }).selectOption({ label: 'Optic fiber design' });
    await expect(details.getByLabel('Core diameter')).toHaveValue('400');

    await form.getByLabel('Description').fill('Mono fiber-optic cannula, 400 µm core, NA 0.57, 6 mm.');
    await form.getByLabel('External identifiers').fill('[{"Source": "Other", "Identifier": "MFC_400-0.57", "URL": "https://doriclenses.com/"}]');
    await form.getByLabel('Comment for the reviewers').fill('For the NAc cohort starting next week.');
    await form.getByLabel('Type', { exact: true }).evaluate((el) => el.scrollIntoView({ block: 'start' }));
    await page.screenshot({ path: 'test-results/brainstem-consumable-form.png' });
    await page.keyboard.press('Control+Enter');
    await expect(form).toHaveCount(0);
    await expect(detail.getByRole('heading', { level: 2, name: FIBER })).toBeVisible();
    await expect(detail.getByText('pending', { exact: true })).toBeVisible();
    const shown = detail.getByRole('definition').filter({ hasText: 'Core diameter' });
    await expect(shown).toContainText('400 µm');
    await expect(shown).toContainText('lengthMm');
    await expect(ui.pendingCount(page)).toHaveText('2 pending changes');
  });

  await test.step('back online: the rig is synced, the consumable awaits approval', async () => {
    brainstem.faults.set({ offline: false });
    await expect(ui.pendingCount(page)).toHaveText('0 pending changes', { timeout: 20_000 });
    await expect
      .poll(async () => (await named('modules/equipment', 'equipment', RIG))[0], { timeout: 10_000 })
      .toMatchObject({
        coordinates_system: 'Stereotaxic_BregmaBrainSurface',
        coordinates_details: { apCoordinate: -2.3, mlCoordinate: 1.6, depth: 1.9, apAngle: 0, mlAngle: 15, rotation: 90 },
      });
    await expect(detail.getByText('awaiting approval', { exact: true })).toBeVisible();
    const proposal = detail.getByRole('region', { name: 'Proposed change' });
    await expect(proposal.getByText('Awaiting an administrator’s approval')).toBeVisible();
    // Nothing changes while the administrators decide.
    await expect(detail.getByRole('button', { name: 'Edit' })).toHaveCount(0);
    expect(await named('resources/consumable', 'consumables', FIBER)).toHaveLength(0);
    await openRecord(page, RIG);
    await expect(detail.locator('.badge')).toHaveCount(0);
    await page.getByLabel('Status', { exact: true }).selectOption('awaiting_approval');
    await ui.search(page).fill('');
    await expect(ui.row(page, new RegExp(FIBER))).toBeVisible();
    await ui.row(page, new RegExp(FIBER)).click();
    await page.screenshot({ path: 'test-results/brainstem-awaiting-approval.png' });
  });

  const adminContext = await browser.newContext({ viewport: { width: 1280, height: 800 } });
  const adminPage = await adminContext.newPage();
  watch(adminPage);

  await test.step('an administrator accepts it in their own app (the decision queued while paused)', async () => {
    await adminPage.goto(admin.server.url);
    await addConnection(adminPage, {
      system: 'BrainSTEM',
      name: 'BrainSTEM (admin)',
      baseUrl: brainstem.baseUrl,
      apiKey: brainstem.users.admin!,
      tick: [ADMIN_SETTING],
      synced: true,
    });
    const card = adminPage.getByRole('listitem', { name: 'BrainSTEM (admin)' });
    await card.getByRole('button', { name: 'Pause' }).click();
    await expect(card.getByText('paused', { exact: true })).toBeVisible();

    await ui.tab(adminPage, 'Approvals').click();
    const submission = adminPage.getByRole('listitem', { name: FIBER });
    await expect(submission.getByText('New consumable')).toBeVisible();
    const proposed = submission.getByRole('row', { name: /Details/ });
    await expect(proposed).toContainText('Numerical aperture');
    await expect(proposed).toContainText('0.57');
    await expect(submission.getByRole('row', { name: /Supplier/ })).toContainText('Doric Lenses');
    await submission.getByRole('button', { name: 'Accept' }).click();
    await expect(submission.getByText('accept queued')).toBeVisible();
    await expect(submission.getByText(/Your decision to accept is queued/)).toBeVisible();
    await adminPage.screenshot({ path: 'test-results/brainstem-admin-queued.png' });

    await ui.tab(adminPage, 'Connections').click();
    await card.getByRole('button', { name: 'Resume' }).click();
    await ui.tab(adminPage, 'Approvals').click();
    await expect(submission.getByText('accepted', { exact: true })).toBeVisible({ timeout: 15_000 });
    await expect(submission.getByRole('button', { name: 'Accept' })).toHaveCount(0);
    await expect.poll(async () => (await named('resources/consumable', 'consumables', FIBER))[0], { timeout: 10_000 }).toMatchObject({
      details: { productId: FIBER, tipDescription: 'flat', coreDiameter: 400, outerDiameter: 430, aperture: 0.57, lengthMm: 6 },
      external_identifiers: [{ Source: 'Other', Identifier: 'MFC_400-0.57', URL: 'https://doriclenses.com/' }],
    });
  });

  await test.step('the technician’s app shows it live after the next poll', async () => {
    const live = (await named('resources/consumable', 'consumables', FIBER))[0]!;
    await expect(detail.getByText(`#${String(live.id)} on the server`)).toBeVisible({ timeout: 15_000 });
    await expect(detail.locator('.badge')).toHaveCount(0);
    await expect(detail.getByRole('region', { name: 'Proposed change' })).toHaveCount(0);
    await expect(detail.getByRole('button', { name: 'Edit' })).toBeVisible();
    await page.getByLabel('Status', { exact: true }).selectOption('');
  });

  await test.step('a rejected change: edited and resubmitted, rejected again, discarded', async () => {
    const live = 'Non-ionic detergent for permeabilisation.';
    const reject = async () => {
      const card = adminPage.getByRole('listitem', { name: 'Triton X-100' });
      await expect(card.getByRole('button', { name: 'Reject' })).toBeVisible({ timeout: 15_000 });
      await expect(card.getByRole('row', { name: /Description/ })).toContainText(live);
      await card.getByRole('button', { name: 'Reject' }).click();
      await expect(card.getByText('rejected', { exact: true })).toBeVisible({ timeout: 15_000 });
    };
    const proposal = detail.getByRole('region', { name: 'Proposed change' });

    await openRecord(page, 'Triton X-100');
    await page.keyboard.press('e');
    let form = page.getByRole('form', { name: 'Edit Triton X-100' });
    await form.getByLabel('Description').fill('Detergent; use at 0.3% in PBS.');
    await page.keyboard.press('Control+Enter');
    await expect(detail.getByText('awaiting approval', { exact: true })).toBeVisible({ timeout: 15_000 });
    await expect(proposal.getByRole('row', { name: /Description/ })).toContainText(`${live}Detergent; use at 0.3% in PBS.`);
    await reject();

    await expect(proposal.getByRole('heading', { name: 'Proposal rejected' })).toBeVisible({ timeout: 15_000 });
    await expect(detail.getByText('rejected', { exact: true })).toBeVisible();
    await page.screenshot({ path: 'test-results/brainstem-rejected-proposal.png' });
    await proposal.getByRole('button', { name: 'Edit and resubmit' }).click();
    form = page.getByRole('form', { name: 'Resubmit Triton X-100' });
    await expect(form.getByLabel('Description')).toHaveValue('Detergent; use at 0.3% in PBS.');
    await form.getByLabel('Description').fill('Non-ionic detergent; permeabilise with 0.3% in PBS.');
    await form.getByRole('button', { name: 'Resubmit' }).click();
    await expect(form).toHaveCount(0);
    await expect(detail.getByText('awaiting approval', { exact: true })).toBeVisible({ timeout: 15_000 });
    await expect(proposal.getByRole('row', { name: /Description/ })).toContainText('permeabilise with 0.3%');
    await reject();

    await expect(proposal.getByRole('heading', { name: 'Proposal rejected' })).toBeVisible({ timeout: 15_000 });
    await proposal.getByRole('button', { name: 'Discard proposal' }).click();
    await proposal.getByRole('button', { name: 'Yes, discard' }).click();
    await expect(proposal).toHaveCount(0);
    await expect(detail.locator('.badge')).toHaveCount(0);
    await expect(detail.getByRole('definition').filter({ hasText: live })).toBeVisible();
    expect((await named('resources/consumable', 'consumables', 'Triton X-100'))[0]!.description).toBe(live);
  });

  await test.step('an account that is not an administrator: delete offered by the setting, the 403 shown as such', async () => {
    await ui.tab(page, 'Connections').click();
    const card = page.getByRole('listitem', { name: 'Neuro lab' });
    await card.getByRole('button', { name: 'Edit' }).click();
    const form = page.getByRole('form', { name: 'Edit Neuro lab' });
    await form.getByLabel(ADMIN_SETTING).check();
    await form.getByRole('button', { name: 'Save connection' }).click();
    await expect(form).toHaveCount(0);

    await ui.tab(page, 'Approvals').click();
    // BrainSTEM lists a member's own submissions; deciding on one is for administrators.
    const own = page.getByRole('listitem', { name: 'AAV9-CAG-FLEX-tdTomato' });
    await own.getByRole('button', { name: 'Accept' }).click();
    await expect(own.getByRole('alert')).toContainText('BrainSTEM refused your decision to accept', { timeout: 15_000 });
    await expect(own.getByRole('alert')).toContainText('You do not have permission to perform this action.');
    await expect(own.getByRole('button', { name: 'Accept again' })).toBeEnabled();
    await page.screenshot({ path: 'test-results/brainstem-403.png' });

    await ui.tab(page, 'Records').click();
    await openRecord(page, 'Triton X-100');
    await expect(detail.getByRole('button', { name: 'Delete' })).toBeVisible();
  });

  await adminContext.close();
  expect(consoleErrors).toEqual([]);
  expect(tech.log).toEqual([]);
  expect(admin.log).toEqual([]);
});
