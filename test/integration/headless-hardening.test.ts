import { readFileSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import BetterSqlite3 from 'better-sqlite3';
import { afterEach, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import { runHeadless } from '../../src-main/headless';
import { SECURITY_HEADERS } from '../../src-main/transports/headless-server';
import { startCatalogEmulator } from '../sandbox/catalog/catalog-emulator';
import type { RunningEmulator } from '../sandbox/common/emulator-server';
import { tempDir, waitFor } from './harness';

/**
 * The hardening findings through the running headless app (`npm run headless`'s entry, on a real
 * data folder): what the websocket answers, what the HTTP server sends, what lands on disk.
 */
type Reply = { id: number; ok: boolean; value?: any; error?: { code: string; message: string; fieldErrors?: Record<string, string[]> } };

let dir: ReturnType<typeof tempDir> | undefined;
let app: Awaited<ReturnType<typeof runHeadless>> | undefined;
let emulator: RunningEmulator | undefined;
let stderr: string[] = [];
const realWrite = process.stderr.write.bind(process.stderr);

afterEach(async () => {
  process.stderr.write = realWrite;
  await app?.close();
  await emulator?.close();
  dir?.remove();
  app = dir = emulator = undefined;
});

async function start() {
  dir = tempDir('benchsync-headless-');
  stderr = [];
  // The headless app logs to stderr: keep what it says, to check it.
  process.stderr.write = ((chunk: string | Uint8Array) => {
    stderr.push(String(chunk));
    return true;
  }) as typeof process.stderr.write;
  const dataDir = join(dir.path, 'BenchSync');
  app = await runHeadless(['--data-dir', dataDir, '--renderer-dir', join(process.cwd(), 'out', 'renderer')]);
  const url = new URL(app.url);
  const token = url.hash.replace('#token=', '');
  const ws = new WebSocket(`ws://${url.host}/ipc?token=${token}`, { headers: { origin: url.origin } });
  const waiting = new Map<number, (r: Reply) => void>();
  ws.on('message', (d) => {
    const m = JSON.parse(String(d)) as Reply & { event?: string };
    if (!m.event) waiting.get(m.id)?.(m);
  });
  await new Promise((r) => ws.once('open', r));
  let next = 1;
  const call = (method: string, payload: unknown) =>
    new Promise<Reply>((resolve) => {
      const id = next++;
      waiting.set(id, resolve);
      ws.send(JSON.stringify({ id, method, payload }));
    });
  return { dataDir, origin: url.origin, ws, call };
}

describe('the running headless app', () => {
  it('keeps its data folder 0700 and its files 0600', async () => {
    const { dataDir, call, ws } = await start();
    expect((await call('connections.save', { system: 'catalog', name: 'C', baseUrl: 'http://127.0.0.1:9/api', apiKey: 'k' })).ok).toBe(true);
    expect(statSync(dataDir).mode & 0o777).toBe(0o700);
    for (const f of ['benchsync.sqlite', 'benchsync.sqlite-wal', 'benchsync.sqlite-shm', 'secrets.json']) expect(statSync(join(dataDir, f)).mode & 0o777, f).toBe(0o600);
    ws.close();
  });

  it('sends CSP, X-Frame-Options and nosniff with the page, its assets, and errors', async () => {
    const { origin, ws } = await start();
    const page = await fetch(`${origin}/`);
    const html = await page.text();
    const asset = /src="\.\/(assets\/[^"]+\.js)"/.exec(html)?.[1];
    expect(asset).toBeDefined();
    const read = async (url: string) => {
      const res = await fetch(url);
      await res.arrayBuffer();
      return res;
    };
    for (const res of [page, await read(`${origin}/${asset}`), await read(`${origin}/no-such-file`)]) {
      for (const [name, value] of Object.entries(SECURITY_HEADERS)) expect(res.headers.get(name), `${res.url} ${name}`).toBe(value);
    }
    expect(page.headers.get('content-security-policy')).toContain("frame-ancestors 'none'");
    ws.close();
  });

  it('refuses a key with a line break or a non-Latin-1 character on the apiKey field, and stores nothing', async () => {
    const { call, dataDir, ws } = await start();
    for (const apiKey of ['abc\ndef', 'abc\r\nX-Injected: yes', 'abc€']) {
      const r = await call('connections.save', { system: 'catalog', name: 'C', baseUrl: 'http://127.0.0.1:9/api', apiKey });
      expect(r).toMatchObject({ ok: false, error: { code: 'validation', fieldErrors: { apiKey: [expect.any(String)] } } });
      expect(JSON.stringify(r)).not.toContain('X-Injected');
    }
    expect((await call('connections.list', {})).value).toEqual([]);
    expect(() => statSync(join(dataDir, 'secrets.json'))).toThrow();
    ws.close();
  });

  it('a damaged secrets.json is named with its problem; no part of a key reaches the reply, the status or the log', async () => {
    emulator = await startCatalogEmulator({ port: 0 });
    const { call, dataDir, ws } = await start();
    const key = emulator.users.member!;
    const saved = await call('connections.save', { system: 'catalog', name: 'C', baseUrl: emulator.baseUrl, apiKey: key });
    expect(saved.ok).toBe(true);
    const file = join(dataDir, 'secrets.json');
    // Cut off mid-key, as a full disk or a crash in an editor would leave it.
    const text = readFileSync(file, 'utf8');
    writeFileSync(file, text.slice(0, text.indexOf(key) + key.length - 2));
    // The connection is still listed (to enter its key again), without a usable key.
    const listed = await call('connections.list', {});
    expect(listed).toMatchObject({ ok: true, value: [{ id: saved.value.id, hasKey: false }] });
    // Sending needs the key: the status says what is wrong with which file.
    await call('sync.now', {});
    const status = await waitFor('the sync status to show the problem', async () => {
      const s = (await call('sync.status', {})).value as { state: string; message: string | null }[];
      return s[0]?.state === 'error' ? s : undefined;
    });
    expect(status[0]!.message).toBe(`The key file ${file} is damaged: it is not valid JSON. BenchSync has not changed it; move it aside and enter the connections' API keys again.`);
    // Entering a key again is refused while the file is damaged (it would lose the others), in the same words.
    const again = await call('connections.save', { id: saved.value.id, system: 'catalog', name: 'C', baseUrl: emulator.baseUrl, apiKey: key });
    expect(again).toMatchObject({ ok: false, error: { code: 'unavailable', message: status[0]!.message } });
    const everything = JSON.stringify([listed, status, again]) + stderr.join('');
    for (let i = 0; i + 8 <= key.length; i++) expect(everything).not.toContain(key.slice(i, i + 8));
    ws.close();
  });

  it('records.create of a kind the connection does not offer is a contract error', async () => {
    const { call, ws } = await start();
    const c = await call('connections.save', { system: 'catalog', name: 'C', baseUrl: 'http://127.0.0.1:9/api', apiKey: 'k' });
    const r = await call('records.create', { connectionId: c.value.id, kind: 'consumable', fields: { name: 'x' } });
    expect(r).toEqual({ id: r.id, ok: false, error: { code: 'invalid_request', message: 'Instrument Catalog has no consumable records.' } });
    expect((await call('records.list', {})).value.total).toBe(0);
    ws.close();
  });

  it('an unexpected failure is answered with an id, its details only in the log', async () => {
    const { call, dataDir, ws } = await start();
    const c = await call('connections.save', { system: 'catalog', name: 'C', baseUrl: 'http://127.0.0.1:9/api', apiKey: 'k' });
    // Something BenchSync does not expect: a table gone from under it.
    const other = new BetterSqlite3(join(dataDir, 'benchsync.sqlite'));
    other.exec('DROP TABLE categories');
    other.close();
    const r = await call('categories.list', { connectionId: c.value.id });
    expect(r.ok).toBe(false);
    expect(r.error!.code).toBe('internal');
    expect(r.error!.message).not.toMatch(/categories|no such table|SqliteError|\bat\b/);
    const id = /error ([0-9a-f]{8})/.exec(r.error!.message)![1]!;
    expect(stderr.join('')).toMatch(new RegExp(`\\[${id}\\] categories.list failed: SqliteError: no such table`));
    ws.close();
  });
});
