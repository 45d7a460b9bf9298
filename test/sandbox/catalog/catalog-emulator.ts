import { STATUS_CODES } from 'node:http';
import {
  createEmulatorApp,
  listenOnLoopback,
  newFaultController,
  persistState,
  type EmulatorOptions,
  type RunningEmulator,
} from '../common/emulator-server';
import { FixedWindowLimiter, perSecondAndMinute } from '../common/fixed-window-limiter';
import { catalogUserKeys } from './catalog-auth';
import { initialCatalogState } from './catalog-demo-data';
import { checkImageUrl } from './catalog-images';
import { API_MESSAGES, envelope, registerCatalogApi } from './catalog-routes';
import { CatalogStore } from './catalog-store';

export { CATALOG_USERS, apiKeyFor } from './catalog-auth';

/** The documented limit: "50 requests per minute or 2 requests per second, whichever is reached first". */
export const DEFAULT_CATALOG_LIMITS = { perSecond: 2, perMinute: 50 } as const;

/** Effective limits, or undefined when rate limiting is off. `rateLimit` sets the base, `rateLimitScale` multiplies it. */
export function catalogRateLimits(options: EmulatorOptions): { perSecond: number; perMinute: number } | undefined {
  if (options.rateLimit === false) return undefined;
  const scale = options.rateLimitScale ?? 1;
  const scaled = (n: number) => Math.max(1, Math.round(n * scale));
  return {
    perSecond: scaled(options.rateLimit?.perSecond ?? DEFAULT_CATALOG_LIMITS.perSecond),
    perMinute: scaled(options.rateLimit?.perMinute ?? DEFAULT_CATALOG_LIMITS.perMinute),
  };
}

/**
 * The Instrument Catalog API (noahbrenner/instrument-catalog-py) on 127.0.0.1.
 * `baseUrl` is `http://127.0.0.1:PORT/api`; `users` are `member` (user 1) and `other` (user 2, owner of the seed rows).
 */
export async function startCatalogEmulator(options: EmulatorOptions = {}): Promise<RunningEmulator> {
  const faults = newFaultController(options);
  const store = new CatalogStore(initialCatalogState(options.records ?? 0, options.seed ?? 1));
  const limits = catalogRateLimits(options);
  const limiter = limits ? new FixedWindowLimiter(perSecondAndMinute(limits.perSecond, limits.perMinute)) : undefined;
  const perSecond = limits?.perSecond ?? DEFAULT_CATALOG_LIMITS.perSecond;

  const app = createEmulatorApp({
    faults,
    bodyLimit: options.bodyLimit,
    // Injected failures still speak the envelope; a 429 storm reads like a real breach (no Retry-After).
    errorBody: (status) => ({
      body: envelope({}, [
        status === 429 ? API_MESSAGES.rateLimited(`${perSecond} per 1 second`) : (STATUS_CODES[status] ?? 'Error'),
      ]),
    }),
  });
  persistState(app, store, options.statePath);
  registerCatalogApi(app, { store, limiter, checkImage: checkImageUrl, asPublished: options.asPublished });
  app.setNotFoundHandler((_request, reply) => reply.code(404).type('text/plain; charset=utf-8').send('Not Found'));

  let origin: string;
  try {
    origin = await listenOnLoopback(app, options.port ?? 0);
  } catch (error) {
    await app.close();
    throw error;
  }

  let closing: Promise<void> | undefined;
  return {
    system: 'catalog',
    baseUrl: `${origin}/api`,
    users: catalogUserKeys(),
    extra: options.asPublished ? { mode: 'published' } : {},
    faults,
    close: () => (closing ??= app.close()),
  };
}
