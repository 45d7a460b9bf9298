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
import { DJANGO_HTML, frontEndHtml, throttledDetail } from './responses';
import { registerInstrumentRoutes, sendDjangoPage } from './routes';
import { InstrumentStore } from './store';
import { TEST_COMPANY, USERS } from './users';

/**
 * Cannlytics LIMS `/api/instruments` (Django REST Framework `@api_view`, Firestore behind it).
 * `baseUrl` ends in `/api` like the documented `https://console.cannlytics.com/api`.
 */
export async function startCannlyticsEmulator(options: EmulatorOptions = {}): Promise<RunningEmulator> {
  const faults = newFaultController(options);
  const app = createEmulatorApp({ faults, errorBody, bodyLimit: options.bodyLimit });

  const store = new InstrumentStore();
  loadDemoData(store);
  if (options.records) loadGeneratedInstruments(store, options.records, options.seed ?? 1);
  persistState(app, store, options.statePath);

  // Unknown URLs get Django's production 404 page, as the real site does.
  app.setNotFoundHandler((_request, reply) => sendDjangoPage(reply, 404));
  app.setErrorHandler((error, request, reply) => {
    const status = (error as { statusCode?: number }).statusCode ?? 500;
    if (request.url.startsWith('/__sandbox/')) return reply.code(status).send({ error: String((error as Error).message) });
    // A body error on an unknown URL is still that URL's 404: Django resolves before it parses.
    if (request.is404) return sendDjangoPage(reply, 404);
    return sendDjangoPage(reply, status < 500 ? 400 : 500);
  });
  registerInstrumentRoutes(app, { store, limiter: buildLimiter(options), asPublished: options.asPublished });

  const origin = await listenOnLoopback(app, options.port);
  return {
    system: 'cannlytics',
    baseUrl: `${origin}/api`,
    users: Object.fromEntries(Object.entries(USERS).map(([role, user]) => [role, user.key])),
    extra: { organizationId: TEST_COMPANY, ...(options.asPublished ? { mode: 'published' } : {}) },
    faults,
    close: () => app.close(),
  };
}

/** Injected failures look like what each layer of the real stack would send. */
function errorBody(status: number): { body: unknown; headers?: Record<string, string> } {
  if (status === 429) return { body: { detail: throttledDetail(1) }, headers: { 'retry-after': '1' } };
  const html = { 'content-type': 'text/html; charset=utf-8' };
  if (status === 500) return { body: DJANGO_HTML[500], headers: html };
  return { body: frontEndHtml(status, STATUS_CODES[status] ?? 'Error'), headers: html };
}

/**
 * The real LIMS endpoints have no throttle, so there is none unless `options.rateLimit` asks for
 * one; it then behaves like a DRF throttle keyed by API key.
 */
function buildLimiter(options: EmulatorOptions): FixedWindowLimiter | undefined {
  const limit = options.rateLimit;
  if (!limit) return undefined;
  const scale = options.rateLimitScale ?? 1;
  const windows: RateLimitWindow[] = [];
  const add = (perWindow: number | undefined, windowMs: number, unit: string) => {
    if (perWindow === undefined) return;
    const n = Math.max(1, Math.floor(perWindow * scale));
    windows.push({ limit: n, windowMs, description: `${n} per 1 ${unit}` });
  };
  add(limit.perMinute, 60_000, 'minute');
  add(limit.perSecond, 1_000, 'second');
  return windows.length > 0 ? new FixedWindowLimiter(windows) : undefined;
}
