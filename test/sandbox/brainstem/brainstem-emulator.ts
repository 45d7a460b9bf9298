/**
 * BrainSTEM emulator: equipment, setups, consumables, suppliers, hardware devices and the approval
 * workflow of www.brainstem.org's Django REST Framework + dynamic-rest API, on 127.0.0.1.
 * `baseUrl` is the site root; clients add `/api/private/...` or `/api/public/...`.
 */
import {
  createEmulatorApp,
  listenOnLoopback,
  newFaultController,
  persistState,
  type EmulatorOptions,
  type RunningEmulator,
} from '../common/emulator-server';
import { FixedWindowLimiter, type RateLimitWindow } from '../common/fixed-window-limiter';
import { USER_BY_ROLE } from './auth';
import { addGeneratedEquipment, seedDemoData } from './demo-data';
import { PUBLISHED_REFUSED_FILTERS, filterRefuser } from './published';
import { registerBrainstemRoutes, throttledBody } from './router';
import { BrainstemStore } from './store';

export { EQUIPMENT_TYPES, COORDINATE_SYSTEMS, CONSUMABLE_TYPES } from './schemas';
export { USERS } from './auth';
export { PUBLISHED_REFUSED_FILTERS } from './published';

/** Integer user ids behind the tokens (an approval's `reviewer` is the admin's). */
export const BRAINSTEM_USER_IDS = {
  admin: USER_BY_ROLE.admin.id,
  member: USER_BY_ROLE.member.id,
  other: USER_BY_ROLE.other.id,
} as const;

const NGINX_TITLES: Record<number, string> = {
  502: '502 Bad Gateway',
  503: '503 Service Temporarily Unavailable',
  504: '504 Gateway Time-out',
};

/**
 * What the real site sends for an error status it did not choose: DRF's JSON for 429, Django's
 * production HTML for 500, nginx's HTML page for 502-504 (clients must cope with non-JSON bodies).
 */
export function brainstemErrorBody(status: number): { body: unknown; headers?: Record<string, string> } {
  if (status === 429) return throttledBody(1);
  if (status === 500) return { body: '\n<!doctype html>\n<html lang="en">\n<head>\n  <title>Server Error (500)</title>\n</head>\n<body>\n  <h1>Server Error (500)</h1><p></p>\n</body>\n</html>\n', headers: { 'content-type': 'text/html; charset=utf-8' } };
  const title = NGINX_TITLES[status];
  if (title) {
    return {
      body: `<html>\r\n<head><title>${title}</title></head>\r\n<body>\r\n<center><h1>${title}</h1></center>\r\n<hr><center>nginx</center>\r\n</body>\r\n</html>\r\n`,
      headers: { 'content-type': 'text/html' },
    };
  }
  return { body: { detail: `Request failed with status ${status}.` } };
}

/** No throttle is documented for the REST API (docs/remotes/brainstem.md); one is applied only when asked for. */
function limiterFor(options: EmulatorOptions): FixedWindowLimiter | null {
  const limit = options.rateLimit;
  if (!limit) return null;
  const scale = options.rateLimitScale ?? 1;
  const windows: RateLimitWindow[] = [];
  if (limit.perMinute) {
    const n = Math.max(1, Math.round(limit.perMinute * scale));
    windows.push({ limit: n, windowMs: 60_000, description: `${n} per 1 minute` });
  }
  if (limit.perSecond) {
    const n = Math.max(1, Math.round(limit.perSecond * scale));
    windows.push({ limit: n, windowMs: 1_000, description: `${n} per 1 second` });
  }
  return windows.length > 0 ? new FixedWindowLimiter(windows) : null;
}

export async function startBrainstemEmulator(options: EmulatorOptions): Promise<RunningEmulator> {
  const faults = newFaultController(options);
  const app = createEmulatorApp({ faults, errorBody: brainstemErrorBody, bodyLimit: options.bodyLimit });
  const store = new BrainstemStore();
  seedDemoData(store);
  if (options.records && options.records > 0) addGeneratedEquipment(store, options.records, options.seed ?? 1);
  // A saved state file replaces the demo data entirely.
  persistState(app, store, options.statePath);
  registerBrainstemRoutes(app, store, {
    limiter: limiterFor(options),
    // Published mode refuses undocumented filters by default; `refusedFilters` overrides the list in either mode.
    refuseFilter: filterRefuser(options.refusedFilters ?? (options.asPublished ? PUBLISHED_REFUSED_FILTERS : [])),
    serverError: () => brainstemErrorBody(500),
  });
  const baseUrl = await listenOnLoopback(app, options.port ?? 0);
  return {
    system: 'brainstem',
    baseUrl,
    users: {
      member: USER_BY_ROLE.member.token,
      admin: USER_BY_ROLE.admin.token,
      other: USER_BY_ROLE.other.token,
    },
    extra: {
      privateApi: `${baseUrl}/api/private/`,
      publicApi: `${baseUrl}/api/public/`,
      memberUserId: String(BRAINSTEM_USER_IDS.member),
      adminUserId: String(BRAINSTEM_USER_IDS.admin),
      otherUserId: String(BRAINSTEM_USER_IDS.other),
      ...(options.asPublished ? { mode: 'published' } : {}),
    },
    faults,
    close: () => app.close(),
  };
}
