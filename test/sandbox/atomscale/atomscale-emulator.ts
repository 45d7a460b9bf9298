import { STATUS_CODES } from 'node:http';
import {
  createEmulatorApp,
  listenOnLoopback,
  newFaultController,
  persistState,
  type EmulatorOptions,
  type RunningEmulator,
} from '../common/emulator-server';
import { FixedWindowLimiter, type RateLimitWindow } from '../common/fixed-window-limiter';
import { loadDemoData, loadGeneratedInstruments } from './demo-data';
import { RATE_LIMITED, registerSynthesisRoutes } from './routes';
import { SynthesisStore } from './store';
import { KEY_HOLDERS } from './users';

/** Per key. Atomscale documents no limit; the SDK retries 429 honouring Retry-After, so one is emulated. */
export const DEFAULT_RATE_LIMIT = { perSecond: 10, perMinute: 300 } as const;

/**
 * Atomscale synthesis ("growth") instruments (FastAPI). `baseUrl` is the site root, like the
 * documented `https://api.atomscale.ai/`, without the trailing slash.
 */
export async function startAtomscaleEmulator(options: EmulatorOptions = {}): Promise<RunningEmulator> {
  const faults = newFaultController(options);
  const app = createEmulatorApp({ faults, errorBody, bodyLimit: options.bodyLimit });

  const store = new SynthesisStore();
  loadDemoData(store);
  if (options.records) loadGeneratedInstruments(store, options.records, options.seed ?? 1);
  persistState(app, store, options.statePath);

  app.setNotFoundHandler((_request, reply) => reply.code(404).send({ detail: 'Not Found' }));
  app.setErrorHandler((error, request, reply) => {
    const status = (error as { statusCode?: number }).statusCode ?? 500;
    if (request.url.startsWith('/__sandbox/')) return reply.code(status).send({ error: String((error as Error).message) });
    // Starlette routes before it reads a body: an unknown URL stays a 404 whatever the body.
    if (request.is404) return reply.code(404).send({ detail: 'Not Found' });
    return reply.code(500).type('text/plain; charset=utf-8').send('Internal Server Error');
  });
  registerSynthesisRoutes(app, { store, limiter: buildLimiter(options), asPublished: options.asPublished });

  const origin = await listenOnLoopback(app, options.port);
  return {
    system: 'atomscale',
    baseUrl: origin,
    users: Object.fromEntries(Object.entries(KEY_HOLDERS).map(([role, holder]) => [role, holder.key])),
    extra: { authHeader: 'X-API-KEY', ...(options.asPublished ? { mode: 'published' } : {}) },
    faults,
    close: () => app.close(),
  };
}

/** Injected failures: FastAPI's 429 body with Retry-After (the SDK honours it), uvicorn's plain 5xx text. */
function errorBody(status: number): { body: unknown; headers?: Record<string, string> } {
  if (status === 429) return { body: { detail: RATE_LIMITED }, headers: { 'retry-after': '1' } };
  if (status >= 500) return { body: STATUS_CODES[status] ?? 'Error', headers: { 'content-type': 'text/plain; charset=utf-8' } };
  return { body: { detail: STATUS_CODES[status] ?? 'Error' } };
}

function buildLimiter(options: EmulatorOptions): FixedWindowLimiter | undefined {
  if (options.rateLimit === false) return undefined;
  const perSecond = options.rateLimit?.perSecond ?? DEFAULT_RATE_LIMIT.perSecond;
  const perMinute = options.rateLimit?.perMinute ?? DEFAULT_RATE_LIMIT.perMinute;
  const scale = options.rateLimitScale ?? 1;
  const windows: RateLimitWindow[] = [];
  for (const [perWindow, windowMs, unit] of [
    [perMinute, 60_000, 'minute'],
    [perSecond, 1_000, 'second'],
  ] as const) {
    const n = Math.max(1, Math.floor(perWindow * scale));
    windows.push({ limit: n, windowMs, description: `${n} per 1 ${unit}` });
  }
  return new FixedWindowLimiter(windows);
}
