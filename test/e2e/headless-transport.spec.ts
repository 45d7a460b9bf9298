import { rmSync } from 'node:fs';
import { expect, test } from '@playwright/test';
import WebSocket from 'ws';
import { startHeadlessServer, type HeadlessServer } from '../../src-main/transports/headless-server';
import type { RunningEmulator } from '../sandbox/common/emulator-server';
import { startSandbox, type Sandbox } from '../sandbox/sandbox';
import { RENDERER_DIR, startApp, type RunningApp } from './harness';

/**
 * The headless transport is a local server: only the page it served (with the per-launch token,
 * from its own origin) may drive the core, and garbage on the socket is answered in words and
 * changes nothing.
 */

let sandbox: Sandbox;
let catalog: RunningEmulator;
let app: RunningApp;

test.beforeAll(async () => {
  sandbox = await startSandbox({ systems: ['catalog'], rateLimitScale: 10 });
  catalog = sandbox.emulators.catalog!;
  app = await startApp();
});

test.afterAll(async () => {
  await app?.close();
  await sandbox?.close();
});

type Message = { id?: number; ok?: boolean; value?: unknown; error?: { code: string; message: string }; event?: string };

/** A raw client of the core's socket: replies in order, events dropped. */
function socket(query: string, headers: Record<string, string> = {}) {
  const ws = new WebSocket(`ws://127.0.0.1:${new URL(app.server.origin).port}/ipc${query}`, { headers: { origin: app.server.origin, ...headers } });
  const replies: Message[] = [];
  const waiters: ((m: Message) => void)[] = [];
  ws.on('message', (data) => {
    const m = JSON.parse(String(data)) as Message;
    if (m.event) return;
    const w = waiters.shift();
    if (w) w(m);
    else replies.push(m);
  });
  const closed = new Promise<{ code: number; reason: string }>((resolve) => ws.on('close', (code, reason) => resolve({ code, reason: String(reason) })));
  const opened = new Promise<void>((resolve, reject) => {
    ws.on('open', () => resolve());
    ws.on('error', reject);
  });
  return {
    ws,
    opened,
    closed,
    reply: () => new Promise<Message>((resolve) => (replies.length ? resolve(replies.shift()!) : waiters.push(resolve))),
    async call(method: string, payload: unknown, id = Math.floor(Math.random() * 1e6)) {
      ws.send(JSON.stringify({ id, method, payload }));
      const m = await this.reply();
      expect(m.id).toBe(id);
      return m;
    },
  };
}

test('the socket refuses a client without the token, with a wrong one, or from another origin', async ({ page }) => {
  // One non-ASCII character of the right length used to make the server throw (1006).
  const nonAscii = `é${app.server.token.slice(1)}`;
  for (const query of ['', '?token=', '?token=not-the-token', `?token=${encodeURIComponent(nonAscii)}`]) {
    const s = socket(query);
    await expect(s.closed).resolves.toEqual({ code: 4401, reason: 'Missing or wrong token.' });
  }
  const foreign = socket(`?token=${app.server.token}`, { origin: 'http://evil.example' });
  await expect(foreign.closed).resolves.toEqual({ code: 4401, reason: 'Wrong origin.' });

  // A page opened without the token in its address says what to do instead of half-working.
  const served = await page.goto(app.server.origin);
  await expect(page.getByRole('alert')).toContainText('BenchSync core refused this window: Missing or wrong token.');

  // With it, the same page works, under the CSP the server sends (not only the page's meta tag).
  const violations: string[] = [];
  page.on('console', (m) => {
    if (/Content Security Policy|Refused to/.test(m.text())) violations.push(m.text());
  });
  expect(served?.headers()['content-security-policy']).toContain("frame-ancestors 'none'");
  expect(served?.headers()['x-frame-options']).toBe('DENY');
  expect(served?.headers()['x-content-type-options']).toBe('nosniff');
  await page.goto(app.server.url);
  await expect(page.getByText('No connections yet.')).toBeVisible();
  await expect(page.getByRole('alert')).toHaveCount(0);
  expect(violations).toEqual([]);
});

test('malformed messages get a clear error and change nothing', async () => {
  const s = socket(`?token=${app.server.token}`);
  await s.opened;
  const saved = await s.call('connections.save', { system: 'catalog', name: 'Lab catalog', baseUrl: catalog.baseUrl, apiKey: catalog.users.member! });
  expect(saved.ok).toBe(true);
  await expect
    .poll(async () => ((await s.call('records.list', { limit: 1 })).value as { total: number }).total, { timeout: 15_000 })
    .toBeGreaterThan(0);
  const snapshot = async () => ({
    records: (await s.call('records.list', { limit: 500 })).value,
    outbox: (await s.call('outbox.list', {})).value,
    connections: (await s.call('connections.list', {})).value,
  });
  await expect.poll(async () => ((await s.call('sync.status', {})).value as { state: string }[])[0]?.state).toBe('idle');
  const before = await snapshot();

  s.ws.send('{"id": 1, "method": "records.create", "payload": ');
  expect(await s.reply()).toEqual({ id: -1, ok: false, error: { code: 'invalid_request', message: 'The message is not JSON.' } });

  s.ws.send(JSON.stringify({ id: 'seven', method: 'records.delete', payload: {} }));
  expect(await s.reply()).toMatchObject({ id: -1, ok: false, error: { code: 'invalid_request', message: 'A request needs a numeric id, a method and a payload.' } });

  s.ws.send(JSON.stringify({ id: 8, payload: {} }));
  expect(await s.reply()).toMatchObject({ id: 8, ok: false, error: { code: 'invalid_request', message: 'A request needs a numeric id, a method and a payload.' } });

  expect(await s.call('records.dropEverything', {}, 9)).toMatchObject({ ok: false, error: { code: 'invalid_request', message: 'Unknown request "records.dropEverything".' } });
  expect(await s.call('__proto__', {}, 10)).toMatchObject({ ok: false, error: { code: 'invalid_request' } });

  const badCreate = await s.call('records.create', { connectionId: 42, kind: 'spaceship', fields: 'all of them' }, 11);
  expect(badCreate).toMatchObject({ ok: false, error: { code: 'invalid_request' } });
  expect(badCreate.error!.message).toMatch(/^Invalid records\.create request: .*connectionId/);

  const badUpdate = await s.call('records.update', { id: 'no-such-record', fields: { name: 'x' } }, 12);
  expect(badUpdate).toMatchObject({ ok: false, error: { code: 'not_found', message: 'That record no longer exists here.' } });

  const badRemove = await s.call('connections.remove', { id: ['a'] }, 13);
  expect(badRemove).toMatchObject({ ok: false, error: { code: 'invalid_request' } });

  expect(await snapshot()).toEqual(before);
  // The socket is still usable after all that.
  expect(await s.call('app.info', {}, 14)).toMatchObject({ ok: true, value: { transport: 'headless' } });
  s.ws.close();
  expect(app.log).toEqual([]);
});

test('a dropped socket is shown, actions fail in words meanwhile, and it recovers on its own', async ({ page }) => {
  const own = await startApp();
  const port = Number(new URL(own.server.origin).port);
  let again: HeadlessServer | undefined;
  try {
    await page.goto(own.server.url);
    await expect(page.getByText('No connections yet.')).toBeVisible();

    await own.server.close();
    await expect(page.getByRole('alert').filter({ hasText: /^Disconnected from BenchSync core\. Reconnecting/ })).toBeVisible();
    await page.getByRole('navigation', { name: 'Views' }).getByRole('button', { name: 'Connections' }).click();
    await page.getByRole('button', { name: 'Add connection' }).click();
    const form = page.getByRole('form', { name: 'Add connection' });
    await form.getByLabel('Base URL').fill(catalog.baseUrl);
    await form.getByLabel('API key').fill(catalog.users.member!);
    await form.getByRole('button', { name: 'Save connection' }).click();
    await expect(form.getByRole('alert')).toHaveText('Disconnected from BenchSync core; nothing was changed. Try again once it is back.');

    again = await startHeadlessServer({ core: own.core, rendererDir: RENDERER_DIR, port, token: own.server.token });
    await expect(page.getByText(/Reconnecting \(attempt \d+\)/)).toHaveCount(0, { timeout: 15_000 });
    await form.getByRole('button', { name: 'Save connection' }).click();
    await expect(page.getByText('Saved “Instrument Catalog”.')).toBeVisible();
    // Events flow again: the first pull shows up in the status bar.
    await expect(page.getByRole('contentinfo', { name: 'Sync status' }).getByText('Instrument Catalog: online')).toBeVisible();
  } finally {
    await again?.close();
    await own.core.close();
    rmSync(own.dataDir, { recursive: true, force: true });
  }
});
