import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type ContractClient, createContractClient } from '../../src-shared/contract/client';
import { type AppCore, type AppCoreOptions, createAppCore } from '../../src-main/core/app-core';
import { inProcessTransport } from '../../src-main/transports/in-process';

/** A real core on a real SQLite file in a fresh folder, reached through the contract. */
export interface TestApp {
  core: AppCore;
  client: ContractClient;
  dataDir: string;
  close(): Promise<void>;
}

export const FAST_SYNC: AppCoreOptions['sync'] = {
  retryBackoff: { baseMs: 50, maxMs: 300 },
  connectionBackoff: { baseMs: 50, maxMs: 300 },
  pullIntervalMs: 60_000,
  requestTimeoutMs: 5_000,
};

export function tempDir(prefix = 'benchsync-test-'): { path: string; remove(): void } {
  const path = mkdtempSync(join(tmpdir(), prefix));
  return { path, remove: () => rmSync(path, { recursive: true, force: true }) };
}

export async function startApp(dataDir: string, sync: AppCoreOptions['sync'] = FAST_SYNC): Promise<TestApp> {
  const core = await createAppCore({ dataDir, transport: 'in-process', sync });
  return { core, client: createContractClient(inProcessTransport(core)), dataDir, close: () => core.close() };
}

export async function waitFor<T>(what: string, probe: () => Promise<T | undefined | false | null>, timeoutMs = 15_000, intervalMs = 40): Promise<T> {
  const until = Date.now() + timeoutMs;
  let last: unknown;
  for (;;) {
    try {
      const v = await probe();
      if (v !== undefined && v !== false && v !== null) return v;
    } catch (error) {
      last = error;
    }
    if (Date.now() > until) throw new Error(`Timed out waiting for ${what}${last ? `: ${String(last)}` : ''}`);
    await new Promise((r) => setTimeout(r, intervalMs));
  }
}

/** Waits until a connection has nothing queued and is idle. */
export async function waitForDrain(app: TestApp, connectionId: string, timeoutMs = 20_000) {
  return waitFor(
    'the outbox to drain',
    async () => {
      const s = (await app.client.call('sync.status', {})).find((x) => x.connectionId === connectionId);
      return s && s.pending === 0 && s.state === 'idle' ? s : undefined;
    },
    timeoutMs,
  );
}

/** GET against an emulator with a user's key, for asserting what the remote holds. */
/**
 * Waits out the Instrument Catalog's one-second window (2 requests per second at its published
 * limit), so a test's own read of the emulator after a drain is not the request that gets a 429.
 */
export const catalogQuietWindow = () => new Promise((r) => setTimeout(r, 1_100));

export async function remoteGet(baseUrl: string, path: string, key: string, headers: Record<string, string> = {}): Promise<any> {
  const res = await fetch(`${baseUrl}${path}`, { headers: { authorization: `Bearer ${key}`, ...headers } });
  return res.json();
}

/** Adds a connection to an emulator with one of its users' keys and waits for its first pull. */
export async function connectTo(
  app: TestApp,
  emulator: { system: string; baseUrl: string; users: Record<string, string> },
  role = 'member',
  settings: Record<string, string> = {},
) {
  const c = await app.client.call('connections.save', {
    system: emulator.system as 'catalog',
    name: emulator.system,
    baseUrl: emulator.baseUrl,
    settings,
    apiKey: emulator.users[role]!,
  });
  await waitFor('the first pull', async () => (await app.client.call('sync.status', {})).find((s) => s.connectionId === c.id)?.lastPullAt);
  return c;
}
