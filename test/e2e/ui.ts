import { expect, type Page } from '@playwright/test';

/** Locators the specs share: by role and accessible name, as a technician would find them. */
export const ui = {
  tab: (page: Page, name: string) => page.getByRole('navigation', { name: 'Views' }).getByRole('button', { name: new RegExp(`^${name}`) }),
  statusBar: (page: Page) => page.getByRole('contentinfo', { name: 'Sync status' }),
  list: (page: Page) => page.getByRole('listbox', { name: 'Records list' }),
  row: (page: Page, name: string | RegExp) => ui.list(page).getByRole('option', { name }),
  detail: (page: Page) => page.getByRole('region', { name: 'Record details' }),
  search: (page: Page) => page.getByRole('searchbox', { name: 'Search records' }),
  pendingCount: (page: Page) => ui.statusBar(page).getByTestId('pending-count'),
  overall: (page: Page) => ui.statusBar(page).getByTestId('overall-status'),
};

export function escapeRegExp(s: string): string {
  return s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

export async function searchFor(page: Page, text: string): Promise<void> {
  await ui.search(page).fill(text);
  await expect(page.getByText(text ? new RegExp(`match(es)? for “${escapeRegExp(text)}”`) : /^[\d,]+ records?$/)).toBeVisible();
}

export async function openRecord(page: Page, name: string): Promise<void> {
  await searchFor(page, name);
  await ui.row(page, new RegExp(escapeRegExp(name))).first().click();
  await expect(ui.detail(page).getByRole('heading', { level: 2, name })).toBeVisible();
}

export interface NewConnection {
  name: string;
  baseUrl: string;
  apiKey: string;
  /** The System picker's label (e.g. 'BrainSTEM'); the form's first system when absent. */
  system?: string;
  /** Text settings by label, e.g. {'Organization ID': 'test-company'}. */
  settings?: Record<string, string>;
  /** Checkbox settings to tick, by label. */
  tick?: string[];
  /** Wait until the first pull is done. */
  synced?: boolean;
  /** The server refuses the key: the check on save fails, and the connection is kept anyway. */
  checkFails?: boolean;
}

/** Adds a connection through the Connections view. */
export async function addConnection(page: Page, c: NewConnection): Promise<void> {
  await ui.tab(page, 'Connections').click();
  await page.getByRole('button', { name: 'Add connection' }).click();
  const form = page.getByRole('form', { name: 'Add connection' });
  if (c.system) await form.getByLabel('System').selectOption({ label: c.system });
  await form.getByLabel('Name').fill(c.name);
  await form.getByLabel('Base URL').fill(c.baseUrl);
  for (const [label, value] of Object.entries(c.settings ?? {})) await form.getByLabel(label).fill(value);
  for (const label of c.tick ?? []) await form.getByLabel(label).check();
  await form.getByLabel('API key').fill(c.apiKey);
  await form.getByRole('button', { name: 'Save connection' }).click();
  if (c.checkFails) {
    await expect(form.getByRole('alert', { name: 'Check failed' })).toContainText(`Saved “${c.name}”, but the check failed`);
    await form.getByRole('button', { name: 'Keep it anyway' }).click();
    await expect(form).toHaveCount(0);
    return;
  }
  await expect(page.getByText(`Saved “${c.name}”.`)).toBeVisible();
  if (c.synced) {
    const card = page.getByRole('listitem', { name: c.name });
    await expect(card.getByText('up to date', { exact: true })).toBeVisible({ timeout: 15_000 });
    await expect(card.getByRole('definition').filter({ hasText: /ago|now/ })).toBeVisible();
  }
}

export interface CatalogInstrument {
  id: number;
  name: string;
  description: string;
  image: string | null;
  category_id: number;
  alternate_names: string[];
}

/** The catalog as its web users see it: plain HTTP with a user's key (not through BenchSync). */
export function catalogHttp(baseUrl: string, key: string) {
  const call = async <T>(method: string, path: string, body?: unknown): Promise<T> => {
    const res = await fetch(`${baseUrl}${path}`, {
      method,
      headers: { authorization: `Bearer ${key}`, ...(body ? { 'content-type': 'application/json' } : {}) },
      body: body ? JSON.stringify(body) : undefined,
    });
    const envelope = (await res.json()) as { errors: string[]; data: T };
    if (!res.ok) throw new Error(`${method} ${path}: HTTP ${res.status} ${envelope.errors.join(' ')}`);
    return envelope.data;
  };
  return {
    get: <T>(path: string) => call<T>('GET', path),
    put: <T>(path: string, body: unknown) => call<T>('PUT', path, body),
    instruments: () => call<CatalogInstrument[]>('GET', '/instruments/'),
    mine: () => call<CatalogInstrument[]>('GET', '/myinstruments/'),
  };
}
