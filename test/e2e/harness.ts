import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { createAppCore, type AppCore, type AppCoreOptions } from '../../src-main/core/app-core';
import { startHeadlessServer, type HeadlessServer } from '../../src-main/transports/headless-server';
import type { RunningEmulator } from '../sandbox/common/emulator-server';
import { startSandbox, type Sandbox } from '../sandbox/sandbox';

/** The built renderer (electron-vite's output). */
export const RENDERER_DIR = fileURLToPath(new URL('../../out/renderer', import.meta.url));

/** Sync timings that keep a test short: the engine notices "back online" within a second. */
export const FAST_SYNC: NonNullable<AppCoreOptions['sync']> = {
  connectionBackoff: { baseMs: 200, maxMs: 1_000 },
  retryBackoff: { baseMs: 200, maxMs: 1_000 },
  pullIntervalMs: 2_000,
};

export interface RunningApp {
  core: AppCore;
  server: HeadlessServer;
  dataDir: string;
  /** Core log lines (dispatch failures, invalid replies), for assertions and failure output. */
  log: string[];
  close(): Promise<void>;
}

/** The whole app headless, in this process: a fresh data folder, the core, and the renderer over the token-protected socket. */
export async function startApp(sync: AppCoreOptions['sync'] = FAST_SYNC): Promise<RunningApp> {
  const dataDir = mkdtempSync(join(tmpdir(), 'benchsync-e2e-'));
  const log: string[] = [];
  const core = await createAppCore({ dataDir, transport: 'headless', sync, log: (m) => log.push(m) });
  let server: HeadlessServer;
  try {
    server = await startHeadlessServer({ core, rendererDir: RENDERER_DIR });
  } catch (error) {
    await core.close();
    throw error;
  }
  return {
    core,
    server,
    dataDir,
    log,
    close: async () => {
      await server.close();
      await core.close();
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
}

/**
 * The catalog emulator with its limit scaled (the limit is not what a UI story is about), and the
 * app with its own limiter scaled the same way, so BenchSync still paces itself by the same shape.
 */
export async function startScaledCatalog(scale: number): Promise<{ sandbox: Sandbox; catalog: RunningEmulator; app: RunningApp }> {
  const sandbox = await startSandbox({ systems: ['catalog'], rateLimitScale: scale });
  const app = await startApp({
    ...FAST_SYNC,
    rateLimitFor: () => [
      { limit: 2 * scale, windowMs: 1_000 },
      { limit: 50 * scale, windowMs: 60_000 },
    ],
  });
  return { sandbox, catalog: sandbox.emulators.catalog!, app };
}
