import { expect, test, type Page } from '@playwright/test';
import { startSandbox, type Sandbox } from '../sandbox/sandbox';
import { FAST_SYNC, startApp, type RunningApp } from './harness';
import { addConnection, searchFor, ui } from './ui';
import { scanInto } from './scanner';

/**
 * Issue 11, points 2 and 5: a barcode scanner works wherever the focus is, and the keyboard does
 * everything (shortcuts, the command palette, focus that lands where the next key is meant).
 * A person is Playwright's keyboard, 120 ms a key. A scanner sends its keys 5 ms apart: they go
 * to Chromium in one batch with those timestamps (`scanner`), so a loaded test machine cannot
 * space them out as it would spread Playwright's one-at-a-time keys.
 * Pulls come only when asked (the first one, and "Sync now"), so the sync-now test can tell.
 */

let sandbox: Sandbox;
let app: RunningApp;
let page: Page;
const consoleErrors: string[] = [];

test.describe.configure({ mode: 'serial' });

/** A keyboard-wedge scanner (test/e2e/scanner.ts). */
const scanner = (code: string) => scanInto(page, code);
const person = (text: string) => page.keyboard.type(text, { delay: 120 });
/** The focus on the page itself: nothing focused. */
const focusPage = () => page.evaluate(() => (document.activeElement as HTMLElement | null)?.blur());
const scanBox = () => page.getByRole('textbox', { name: 'Scan an id or serial' });
const scanResult = () => page.getByRole('dialog', { name: 'Scan result' });
const heading = (name: string) => ui.detail(page).getByRole('heading', { level: 2, name });
const palette = () => page.getByRole('dialog', { name: 'Command palette' });
/** Ctrl+K, the words typed, then a click on the command they found. */
async function runCommand(typed: string, command: string) {
  await page.keyboard.press('Control+k');
  await page.keyboard.type(typed);
  await palette().getByRole('option', { name: command }).click();
}

test.beforeAll(async ({ browser }) => {
  sandbox = await startSandbox({ systems: ['cannlytics', 'atomscale', 'brainstem'] });
  app = await startApp({ ...FAST_SYNC, pullIntervalMs: 600_000 });
  page = await browser.newPage();
  page.on('console', (m) => {
    if (m.type() === 'error') consoleErrors.push(m.text());
  });
  page.on('pageerror', (e) => consoleErrors.push(e.message));
  const { cannlytics, atomscale, brainstem } = sandbox.emulators as Required<typeof sandbox.emulators>;
  await page.goto(app.server.url);
  await addConnection(page, {
    system: 'Cannlytics LIMS',
    name: 'QA lab LIMS',
    baseUrl: cannlytics.baseUrl,
    apiKey: cannlytics.users.member!,
    settings: { 'Organization ID': cannlytics.extra.organizationId! },
    synced: true,
  });
  await addConnection(page, { system: 'Atomscale', name: 'Thin films', baseUrl: atomscale.baseUrl, apiKey: atomscale.users.member!, synced: true });
  await addConnection(page, { system: 'BrainSTEM', name: 'Neuro lab', baseUrl: brainstem.baseUrl, apiKey: brainstem.users.member!, synced: true });
  await ui.tab(page, 'Records').click();
});

test.afterAll(async () => {
  await page?.close();
  await app?.close();
  await sandbox?.close();
});

test('a scan with the focus on the page (or on the list) opens its record', async () => {
  await focusPage();
  await scanner('DEAEX01234');
  await expect(heading('Potency HPLC 1')).toBeVisible();
  await expect(scanBox()).toHaveValue('DEAEX01234');
  await expect(scanBox()).not.toBeFocused();

  await ui.list(page).focus();
  await scanner('GEN10-00421');
  await expect(heading('MBE Chamber A')).toBeVisible();
  // The scanner's Enter did not open the list's active row instead.
  await expect(ui.list(page)).toBeFocused();
});

test('a scan fires none of the shortcuts its characters are; a person’s keys still do', async () => {
  await scanner('DEAEX01234');
  await expect(heading('Potency HPLC 1')).toBeVisible();
  await focusPage();
  // s (scan box), e (edit this record), 2 and 4 (views), 0: all inside the code.
  await scanner('asset-0042');
  await expect(scanResult().getByText('No record has the id or serial “asset-0042”.')).toBeVisible();
  await expect(scanBox()).toHaveValue('asset-0042');
  await expect(scanBox()).not.toBeFocused();
  await expect(page.getByRole('form')).toHaveCount(0);
  await expect(ui.tab(page, 'Records')).toHaveAttribute('aria-current', 'page');
  // Escape, the focus still on the page, closes the result.
  await page.keyboard.press('Escape');
  await expect(scanResult()).toHaveCount(0);

  await focusPage();
  await person('2');
  await expect(ui.tab(page, 'Pending changes')).toHaveAttribute('aria-current', 'page');
  await person('1');
  await expect(ui.tab(page, 'Records')).toHaveAttribute('aria-current', 'page');
  // `s` focuses the scan box, and what the person types next goes into it.
  await person('snap');
  await expect(scanBox()).toBeFocused();
  await expect(scanBox()).toHaveValue('nap');
  await page.keyboard.press('Escape');
  await expect(scanBox()).not.toBeFocused();
});

test('a QR label’s link is read for its code', async () => {
  await focusPage();
  await scanner('https://lab.example/assets/GEN10-00421');
  await expect(heading('MBE Chamber A')).toBeVisible();
  await expect(scanBox()).toHaveValue('GEN10-00421');

  await scanBox().fill('');
  await scanner('https://lab.example/label?lang=en&code=hplc-02');
  await expect(heading('Potency HPLC 2')).toBeVisible();
  await expect(scanBox()).toHaveValue('hplc-02');
});

test('a scan that opens a record clears the search before it; a scan into the search box is a scan', async () => {
  await searchFor(page, 'balance');
  await ui.list(page).focus();
  await scanner('DEAEX01234');
  await expect(heading('Potency HPLC 1')).toBeVisible();
  await expect(ui.search(page)).toHaveValue('');
  await expect(page.getByText(/^[\d,]+ records$/)).toBeVisible();

  await searchFor(page, 'balance');
  await ui.search(page).focus();
  await scanner('GEN10-00421');
  await expect(heading('MBE Chamber A')).toBeVisible();
  await expect(ui.search(page)).toHaveValue('');
  await expect(page.getByText(/^[\d,]+ records$/)).toBeVisible();

  // A code nothing has: the search the technician had stays as it was.
  await searchFor(page, 'balance');
  await ui.search(page).focus();
  await scanner('nothing-0077');
  await expect(scanResult().getByText('No record has the id or serial “nothing-0077”.')).toBeVisible();
  await expect(ui.search(page)).toHaveValue('balance');
  await expect(page.getByText(/match(es)? for “balance”/)).toBeVisible();
  await scanResult().getByRole('button', { name: 'Close' }).click();
  await searchFor(page, '');
});

test('“New record with this code” asks which connection and kind, and puts the code in the id or serial field', async () => {
  await focusPage();
  await scanner('asset-0042');
  await scanResult().getByRole('button', { name: 'New record with “asset-0042”' }).click();
  const choices = scanResult().getByRole('list', { name: 'Where the new record goes' }).getByRole('button');
  await expect(choices).toHaveCount(2);
  await expect(choices.nth(0)).toHaveText(/QA lab LIMS · Instrument.*goes in Instrument ID/);
  await expect(choices.nth(1)).toHaveText(/Thin films · Synthesis instrument.*goes in Serial ID/);
  await expect(scanResult().getByText('No id or serial field for it in: Neuro lab · Equipment, Neuro lab · Consumable.')).toBeVisible();
  // The first choice has the focus: arrows and Enter choose.
  await expect(choices.nth(0)).toBeFocused();
  await page.screenshot({ path: 'test-results/scan-new-record-where.png' });
  await page.keyboard.press('ArrowDown');
  await page.keyboard.press('Enter');

  const form = page.getByRole('form', { name: 'New synthesis instrument' });
  await expect(form.getByLabel('Connection').locator('option:checked')).toHaveText(/^Thin films/);
  await expect(form.getByLabel('Serial ID')).toHaveValue('asset-0042');
  await expect(form.getByLabel('Label', { exact: true })).toHaveValue('');
  await expect(form.getByText('it is filled in as Serial ID')).toBeVisible();

  // Scanning into a form's field fills it; the scanner's Enter does not save the half-filled form.
  await form.getByLabel('Serial ID').fill('');
  await form.getByLabel('Serial ID').focus();
  await scanner('GEN10-00999');
  await expect(form.getByLabel('Serial ID')).toHaveValue('GEN10-00999');
  await expect(form.getByRole('alert')).toHaveCount(0);
  await page.keyboard.press('Escape');
  await expect(form).toHaveCount(0);
});

test('after Ctrl+Enter saves (or Esc cancels) a form, the focus is on the record, not the page', async () => {
  await focusPage();
  await scanner('DEAEX01234');
  await expect(heading('Potency HPLC 1')).toBeVisible();
  await person('e');
  const form = page.getByRole('form', { name: 'Edit Potency HPLC 1' });
  await form.getByLabel('Description').fill('Quaternary pump, DAD; checked with the keyboard only.');
  await page.keyboard.press('Control+Enter');
  await expect(form).toHaveCount(0);
  await expect(heading('Potency HPLC 1')).toBeFocused();
  // Shown in the fields (and, until it is sent, in the queued change too).
  await expect(ui.detail(page).getByText('checked with the keyboard only').first()).toBeVisible();

  // From there the keys go on working: edit again, cancel, and the focus is back on the record.
  await person('e');
  await expect(form).toBeVisible();
  await page.keyboard.press('Escape');
  await expect(form).toHaveCount(0);
  await expect(heading('Potency HPLC 1')).toBeFocused();
});

test('Delete puts the focus on the question (the reason it asks for; “Yes, delete” when none is needed), and Esc cancels it', async () => {
  const detail = ui.detail(page);
  await expect(heading('Potency HPLC 1')).toBeVisible();
  await detail.getByRole('button', { name: 'Delete', exact: true }).click();
  await expect(detail.getByLabel('Reason')).toBeFocused();
  await page.keyboard.press('Escape');
  await expect(detail.getByRole('group', { name: 'Confirm delete' })).toHaveCount(0);
  await expect(detail.getByRole('button', { name: 'Delete', exact: true })).toBeFocused();

  // Escape with the focus left on the page cancels too.
  await detail.getByRole('button', { name: 'Delete', exact: true }).click();
  await focusPage();
  await page.keyboard.press('Escape');
  await expect(detail.getByRole('group', { name: 'Confirm delete' })).toHaveCount(0);
  await expect(detail.getByText('delete pending')).toHaveCount(0);
});

test('keys for delete, sync now and the views', async () => {
  const detail = ui.detail(page);
  await focusPage();
  await page.keyboard.press('Delete');
  await expect(detail.getByLabel('Reason')).toBeFocused();
  await page.keyboard.press('Escape');
  await expect(detail.getByRole('group', { name: 'Confirm delete' })).toHaveCount(0);

  await focusPage();
  await person('2');
  await expect(page.getByRole('region', { name: 'Pending changes' })).toBeVisible();
  await person('3');
  await expect(page.getByRole('region', { name: 'Connections' })).toBeVisible();
  await person('1');
  await expect(ui.list(page)).toBeVisible();

  // Someone adds an instrument on Atomscale; nothing pulls until asked.
  const { atomscale } = sandbox.emulators as Required<typeof sandbox.emulators>;
  const added = await fetch(`${atomscale.baseUrl}/instruments/synthesis`, {
    method: 'POST',
    headers: { 'x-api-key': atomscale.users.admin!, 'content-type': 'application/json' },
    body: JSON.stringify({ label: 'Bay 3 Evaporator', name: 'Kurt J. Lesker PVD 75', type: 'pvd', serial_id: 'PVD75-2201' }),
  });
  expect(added.ok).toBe(true);
  await searchFor(page, 'Bay 3 Evaporator');
  await expect(page.getByText('0 matches for “Bay 3 Evaporator”')).toBeVisible();
  await ui.list(page).focus();
  await person('r');
  await expect(page.getByRole('status').filter({ hasText: 'Syncing every connection now.' })).toBeVisible();
  await expect(ui.row(page, /Bay 3 Evaporator/)).toBeVisible({ timeout: 15_000 });
  await searchFor(page, '');
});

test('the command palette (Ctrl+K): views and the actions possible here, with their keys', async () => {
  await page.keyboard.press('Control+k');
  await expect(palette()).toBeVisible();
  await expect(palette().getByRole('combobox', { name: 'Commands' })).toBeFocused();
  await expect(palette().getByRole('option', { name: /^Sync now\s*r$/ })).toBeVisible();
  await expect(palette().getByRole('option', { name: /^New record\s*n$/ })).toBeVisible();
  await expect(palette().getByRole('option', { name: /^Pending changes\s*2$/ })).toBeVisible();
  await page.screenshot({ path: 'test-results/command-palette.png' });
  await page.keyboard.type('pending');
  await page.keyboard.press('Enter');
  await expect(palette()).toHaveCount(0);
  await expect(page.getByRole('region', { name: 'Pending changes' })).toBeVisible();

  // Esc closes it and gives the focus back.
  await ui.tab(page, 'Records').click();
  await ui.list(page).focus();
  await page.keyboard.press('Control+k');
  await page.keyboard.press('Escape');
  await expect(palette()).toHaveCount(0);
  await expect(ui.list(page)).toBeFocused();

  // A view's own actions: pause a connection (so what is deleted next waits here, to be discarded).
  await person('3');
  await page.keyboard.press('Control+k');
  await page.keyboard.type('pause thin');
  await expect(palette().getByRole('option', { name: 'Pause syncing: Thin films' })).toBeVisible();
  await page.keyboard.press('Enter');
  await expect(palette()).toHaveCount(0);
  const thinFilms = page.getByRole('listitem', { name: 'Thin films' });
  await expect(thinFilms.getByText('paused', { exact: true })).toBeVisible();
  await person('1');
  await expect(ui.list(page)).toBeVisible();

  // The record's own actions: an Atomscale instrument cannot be edited, only deleted.
  await focusPage();
  await scanner('NXD-19-0332');
  await expect(heading('Thermal Evaporator')).toBeVisible();
  await page.keyboard.press('Control+k');
  await page.keyboard.type('thermal');
  await expect(palette().getByRole('option', { name: /^Edit/ })).toHaveCount(0);
  await expect(palette().getByRole('option', { name: /^Delete “Thermal Evaporator”…\s*Del$/ })).toBeVisible();
  await palette().getByRole('combobox').fill('delete');
  await page.keyboard.press('Enter');
  await expect(palette()).toHaveCount(0);
  const detail = ui.detail(page);
  await expect(detail.getByLabel('Reason')).toBeFocused();
  await page.keyboard.type('Retired');
  await page.keyboard.press('Enter');
  await expect(detail.getByText('Deleted here.')).toBeVisible();
  await expect(heading('Thermal Evaporator')).toBeFocused();

  // A destructive command asks first, in the palette: discard the delete that waits (offline).
  await page.keyboard.press('Control+k');
  await page.keyboard.type('discard delete');
  await expect(palette().getByRole('option', { name: 'Discard: Delete of “Thermal Evaporator”…' })).toBeVisible();
  await page.keyboard.press('Enter');
  await expect(palette().getByText('Keep the record (discard the delete)?')).toBeVisible();
  await page.screenshot({ path: 'test-results/command-palette-confirm.png' });
  await expect(palette().getByRole('option', { name: 'Yes, discard' })).toHaveAttribute('aria-selected', 'true');
  await page.keyboard.press('Enter');
  await expect(palette()).toHaveCount(0);
  await expect(detail.getByText('Deleted here.')).toHaveCount(0);
  await expect(ui.pendingCount(page)).toHaveText('0 pending changes', { timeout: 15_000 });

  await person('3');
  await page.keyboard.press('Control+k');
  await page.keyboard.type('resume thin');
  await page.keyboard.press('Enter');
  await expect(thinFilms.getByText('paused', { exact: true })).toHaveCount(0);

  // Add a connection from anywhere; edit or remove one in Connections (removing asks on its card).
  await person('1');
  await runCommand('add connection', 'Add connection…');
  const addForm = page.getByRole('form', { name: 'Add connection' });
  await expect(addForm).toBeVisible();
  await addForm.getByRole('button', { name: 'Cancel' }).click();
  await person('3');
  await runCommand('edit connection thin', 'Edit connection: Thin films');
  await expect(page.getByRole('form', { name: /Thin films/ })).toBeVisible();
  await page.getByRole('form', { name: /Thin films/ }).getByRole('button', { name: 'Cancel' }).click();
  await person('3');
  await runCommand('remove connection thin', 'Remove connection: Thin films…');
  const confirm = thinFilms.getByRole('group', { name: 'Confirm removal' });
  await expect(confirm).toBeVisible();
  await confirm.getByRole('button', { name: 'Cancel' }).click();
  await expect(thinFilms).toBeVisible();

  // A record's bench actions: record a calibration, print its label (on the stock chosen last).
  await person('1');
  // The key is a shortcut only once no scan follows it within the detector's pause (150 ms): a scan
  // sooner would read it as the code's first character, so the scanner waits for the view.
  await expect(ui.tab(page, 'Records')).toHaveAttribute('aria-current', 'page');
  await focusPage();
  await scanner('DEAEX01234');
  await expect(heading('Potency HPLC 1')).toBeVisible();
  await runCommand('calibration done', 'Record calibration done now: “Potency HPLC 1”');
  await expect(page.getByText('Calibration recorded (queued for Cannlytics LIMS).')).toBeVisible();
  await page.keyboard.press('Control+k');
  await page.keyboard.type('print label');
  const download = page.waitForEvent('download');
  await palette().getByRole('option', { name: 'Print label: “Potency HPLC 1”' }).click();
  expect((await download).suggestedFilename()).toMatch(/^benchsync-label-HPLC-01-.*\.pdf$/);
  await expect(page.getByText(/^Saved the label \(.+\) as benchsync-label-HPLC-01-/)).toBeVisible();
});

test('nothing went wrong in the page or the core', () => {
  expect(consoleErrors).toEqual([]);
  expect(app.log).toEqual([]);
});
