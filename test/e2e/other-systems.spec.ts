import { expect, test, type Page } from '@playwright/test';
import { startSandbox, type Sandbox } from '../sandbox/sandbox';
import { FAST_SYNC, startApp, type RunningApp } from './harness';
import { openRecord, ui } from './ui';

/**
 * The same generated forms for systems with other field kinds: BrainSTEM equipment (labelled
 * choices, a setups pick list, coordinates whose axes follow the coordinate system, a local
 * date and time stored in UTC, a quick action) and Cannlytics instruments (a client-chosen key
 * proposed from the name and fixed once sent, an organization setting, a calibration quick action).
 */

let sandbox: Sandbox;
let app: RunningApp;

// One app for both: the second test creates with two connections present.
test.describe.configure({ mode: 'serial' });

// Local time is Berlin's, so a date and time entered here must reach the server in UTC.
test.use({ timezoneId: 'Europe/Berlin' });

test.beforeAll(async () => {
  sandbox = await startSandbox({ systems: ['brainstem', 'cannlytics'], rateLimitScale: 10 });
  app = await startApp({ ...FAST_SYNC, pullIntervalMs: 5_000 });
});

test.afterAll(async () => {
  await app?.close();
  await sandbox?.close();
});

async function addConnection(page: Page, c: { system: string; name: string; baseUrl: string; apiKey: string; settings?: Record<string, string> }) {
  await ui.tab(page, 'Connections').click();
  await page.getByRole('button', { name: 'Add connection' }).click();
  const form = page.getByRole('form', { name: 'Add connection' });
  await form.getByLabel('System').selectOption({ label: c.system });
  // The name and base URL follow the chosen system until edited.
  await expect(form.getByLabel('Name')).toHaveValue(c.system);
  await form.getByLabel('Name').fill(c.name);
  await form.getByLabel('Base URL').fill(c.baseUrl);
  for (const [label, value] of Object.entries(c.settings ?? {})) await form.getByLabel(label).fill(value);
  await form.getByLabel('API key').fill(c.apiKey);
  await form.getByRole('button', { name: 'Save connection' }).click();
  await expect(page.getByText(`Saved “${c.name}”.`)).toBeVisible();
  await expect(ui.statusBar(page).getByText(`${c.name}: online, up to date`)).toBeVisible({ timeout: 15_000 });
}

test('BrainSTEM equipment: pick lists, coordinates, local time, a quick action', async ({ page }) => {
  const brainstem = sandbox.emulators.brainstem!;
  const token = brainstem.users.member!;
  const equipmentNamed = async (name: string) => {
    const res = await fetch(`${brainstem.baseUrl}/api/private/modules/equipment/?${encodeURIComponent(`filter{name}`)}=${encodeURIComponent(name)}`, {
      headers: { authorization: `Bearer ${token}` },
    });
    expect(res.status).toBe(200);
    return ((await res.json()) as { equipment: Record<string, unknown>[] }).equipment;
  };
  const detail = ui.detail(page);

  await page.goto(app.server.url);
  await addConnection(page, { system: 'BrainSTEM', name: 'Neuro lab', baseUrl: brainstem.baseUrl, apiKey: token });

  await ui.tab(page, 'Records').click();
  await page.keyboard.press('n');
  const form = page.getByRole('form', { name: 'New equipment' });
  await form.getByLabel('Name').fill('Thorlabs PM100D power meter');
  await form.getByLabel('Type', { exact: true }).selectOption({ label: 'Photodetector' });
  await form.getByLabel('Setup').selectOption({ label: '2P Imaging Suite' });
  await expect(form.getByText('Choose a coordinate system first.')).toBeVisible();
  await form.getByLabel('Coordinate system').selectOption({ label: 'Room, x/y/z (m)' });
  const position = form.getByRole('group', { name: 'Position' });
  await position.getByLabel('x', { exact: true }).fill('0.5');
  await position.getByLabel('y', { exact: true }).fill('0.25');
  await position.getByLabel('z', { exact: true }).fill('0.9');
  await position.getByLabel('z angle').fill('400');
  await form.getByLabel('Date and time').fill('2025-01-15T09:30:00');
  await page.keyboard.press('Control+Enter');
  await expect(form.getByText('z angle: must be between -180 and 360.')).toBeVisible();
  await position.getByLabel('z angle').fill('90');
  await page.keyboard.press('Control+Enter');
  await expect(form).toHaveCount(0);

  await expect(detail.getByRole('heading', { level: 2, name: 'Thorlabs PM100D power meter' })).toBeVisible();
  await expect(detail.getByRole('definition').filter({ hasText: /^2P Imaging Suite$/ })).toBeVisible();
  await expect(detail.getByText('x 0.5 m · y 0.25 m · z 0.9 m · z angle 90 °')).toBeVisible();
  await expect
    .poll(async () => (await equipmentNamed('Thorlabs PM100D power meter'))[0], { timeout: 15_000 })
    .toMatchObject({
    type: 'Photodetector',
    coordinates_system: 'External_XYZ_Absolute',
    coordinates_details: { x: 0.5, y: 0.25, z: 0.9, zAngle: 90 },
    date_time: '2025-01-15T08:30:00Z',
  });
  await expect(ui.pendingCount(page)).toHaveText('0 pending changes');

  await test.step('quick action: record a new position in another coordinate system', async () => {
    await detail.getByRole('button', { name: 'Record new position' }).click();
    const quick = page.getByRole('form', { name: 'Record new position: Thorlabs PM100D power meter' });
    await expect(quick.getByLabel('Name')).toHaveCount(0);
    await quick.getByLabel('Coordinate system').selectOption({ label: 'Stereotaxic from bregma, AP/ML/DV (mm)' });
    const axes = quick.getByRole('group', { name: 'Position' });
    await axes.getByLabel('AP', { exact: true }).fill('-2.1');
    await axes.getByLabel('ML', { exact: true }).fill('1.4');
    await axes.getByLabel('DV', { exact: true }).fill('-1.5');
    await quick.getByRole('button', { name: 'Save' }).click();
    await expect(quick).toHaveCount(0);
    await expect(detail.getByRole('definition').getByText('AP -2.1 mm · ML 1.4 mm · DV -1.5 mm')).toBeVisible();
    await expect
      .poll(async () => (await equipmentNamed('Thorlabs PM100D power meter'))[0], { timeout: 15_000 })
      .toMatchObject({
        coordinates_system: 'Stereotaxic_BregmaAbsolute',
        coordinates_details: { apCoordinate: -2.1, mlCoordinate: 1.4, dvCoordinate: -1.5 },
      });
  });

  await test.step('a record stored with units keeps them, with a unit picker', async () => {
    await openRecord(page, 'Cranial window (3 mm, V1)');
    await expect(detail.getByText('x 9.4 mm · y 1.2 mm · z 2.8 mm')).toBeVisible();
    await page.keyboard.press('e');
    const edit = page.getByRole('form', { name: 'Edit Cranial window (3 mm, V1)' });
    await expect(edit.getByLabel('x unit')).toHaveValue('mm');
    await edit.getByLabel('x unit').selectOption('µm');
    await edit.getByRole('group', { name: 'Position' }).getByLabel('x', { exact: true }).fill('9400');
    await page.keyboard.press('Control+Enter');
    await expect(detail.getByRole('definition').getByText('x 9400 µm · y 1.2 mm · z 2.8 mm')).toBeVisible();
    await expect
      .poll(async () => (await equipmentNamed('Cranial window (3 mm, V1)'))[0]?.coordinates_details, { timeout: 15_000 })
      .toEqual({ x: { value: 9400, unit: 'µm' }, y: { value: 1.2, unit: 'mm' }, z: { value: 2.8, unit: 'mm' } });
  });
  await page.screenshot({ path: 'test-results/brainstem-equipment.png' });
  expect(app.log).toEqual([]);
});

test('Cannlytics instruments: a key proposed from the name, fixed once sent; a calibration quick action', async ({ page }) => {
  const cannlytics = sandbox.emulators.cannlytics!;
  const key = cannlytics.users.member!;
  const org = cannlytics.extra.organizationId!;
  const instrument = async (id: string) => {
    const res = await fetch(`${cannlytics.baseUrl}/instruments/${encodeURIComponent(id)}?organization_id=${org}`, { headers: { authorization: `Bearer ${key}` } });
    return ((await res.json()) as { data: Record<string, unknown> }).data;
  };
  const detail = ui.detail(page);

  await page.goto(app.server.url);
  await addConnection(page, { system: 'Cannlytics LIMS', name: 'Cannabis QA lab', baseUrl: cannlytics.baseUrl, apiKey: key, settings: { 'Organization ID': org } });

  await ui.tab(page, 'Records').click();
  await page.getByRole('button', { name: 'New record' }).click();
  const form = page.getByRole('form', { name: /^New / });
  // Both connections can create: pick the kind and connection.
  await form.getByLabel('Kind').selectOption('instrument');
  await form.getByLabel('Connection').selectOption({ label: 'Cannabis QA lab (Cannlytics LIMS)' });
  await form.getByLabel('Name', { exact: true }).fill('Agilent 1260 HPLC (Bay 3)');
  await expect(form.getByLabel('Instrument ID')).toHaveValue('agilent-1260-hplc-bay-3');
  await form.getByLabel('Type').fill('HPLC');
  await page.keyboard.press('Control+Enter');
  await expect(form).toHaveCount(0);
  await expect(detail.getByRole('heading', { level: 2, name: 'Agilent 1260 HPLC (Bay 3)' })).toBeVisible();
  await expect
    .poll(() => instrument('agilent-1260-hplc-bay-3'), { timeout: 15_000 })
    .toMatchObject({ name: 'Agilent 1260 HPLC (Bay 3)', instrument_type: 'HPLC' });
  await expect(ui.pendingCount(page)).toHaveText('0 pending changes');
  await expect(detail.getByText('#agilent-1260-hplc-bay-3 on the server')).toBeVisible();

  await page.keyboard.press('e');
  const edit = page.getByRole('form', { name: 'Edit Agilent 1260 HPLC (Bay 3)' });
  await expect(edit.getByLabel('Instrument ID')).toBeDisabled();
  await expect(edit.getByText('It is fixed now that the record is on the server.')).toBeVisible();
  await page.keyboard.press('Escape');

  await detail.getByRole('button', { name: 'Record calibration' }).click();
  const quick = page.getByRole('form', { name: 'Record calibration: Agilent 1260 HPLC (Bay 3)' });
  const today = await page.evaluate(() => {
    const d = new Date();
    return `${d.getFullYear()}-${String(d.getMonth() + 1).padStart(2, '0')}-${String(d.getDate()).padStart(2, '0')}`;
  });
  await expect(quick.getByLabel('Calibrated on')).toHaveValue(today);
  await quick.getByLabel('Calibrated by').fill('Maria Alvarez');
  await quick.getByLabel('Initials').fill('MA');
  await page.keyboard.press('Control+Enter');
  await expect(quick).toHaveCount(0);
  await expect(detail.getByRole('definition').filter({ hasText: /^Maria Alvarez$/ })).toBeVisible();
  await expect
    .poll(() => instrument('agilent-1260-hplc-bay-3'), { timeout: 15_000 })
    .toMatchObject({ calibrated_at: today, calibrated_by: 'Maria Alvarez', initials: 'MA' });
  await expect(ui.pendingCount(page)).toHaveText('0 pending changes');
  await page.screenshot({ path: 'test-results/cannlytics-instrument.png' });
  expect(app.log).toEqual([]);
});
