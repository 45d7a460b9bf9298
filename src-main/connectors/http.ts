import type { LimiterSlot, RateLimiter } from '../core/sync/rate-limiter';
import { RemoteProtocolError, RemoteUnavailable } from './remote-errors';

export interface HttpRequest {
  method: 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';
  /** Appended to the connection's base URL. */
  path: string;
  query?: Record<string, string | string[] | undefined>;
  body?: unknown;
  headers?: Record<string, string>;
  /** Higher goes first when requests wait for the limiter (pushes over polls). */
  priority?: number;
}

export interface HttpResponse {
  status: number;
  headers: Headers;
  /** Parsed JSON, or undefined for an empty body; `text` holds what could not be parsed. */
  json: unknown;
  text: string;
}

export interface RemoteHttpOptions {
  baseUrl: string;
  headers: Record<string, string>;
  limiter: RateLimiter;
  timeoutMs?: number;
  /** Called once per request actually sent (benchmarks count requests per edit). */
  onRequest?: () => void;
}

const REDIRECTS = new Set([301, 302, 303, 307, 308]);
const MAX_REDIRECTS = 5;
const NEVER_SENT = new Set(['ECONNREFUSED', 'ENOTFOUND', 'EAI_AGAIN', 'EHOSTUNREACH', 'ENETUNREACH', 'EADDRNOTAVAIL']);

/** A held slot whose holder did not pass it: its stamp stays the grant's (see RateLimiter). */
const UNTRACKED: LimiterSlot = { sent: () => undefined, answered: () => undefined, failed: () => undefined };

/** The one way connectors reach a remote: through the connection's limiter, with a timeout. */
export class RemoteHttp {
  private held: LimiterSlot | null = null;
  /** Requests that could change remote state, counted as they leave (a failure before any means nothing was applied). */
  writesSent = 0;

  constructor(private readonly options: RemoteHttpOptions) {}

  /**
   * The caller already holds a limiter slot for the next request (the engine takes it before
   * marking an op in flight, so an op waiting for the limit is still "queued" and can be coalesced).
   */
  useHeldSlot(slot: LimiterSlot = UNTRACKED): void {
    this.held = slot;
  }

  /** Drops an unused held slot (the op never got as far as a request). */
  releaseHeldSlot(): void {
    this.held = null;
  }

  async request(req: HttpRequest): Promise<HttpResponse> {
    const url = new URL(this.options.baseUrl.replace(/\/+$/, '') + req.path);
    for (const [k, v] of Object.entries(req.query ?? {})) {
      if (v === undefined) continue;
      for (const item of Array.isArray(v) ? v : [v]) url.searchParams.append(k, item);
    }
    const slot = this.held ?? (await this.options.limiter.acquire(req.priority ?? 0));
    this.held = null;
    this.options.onRequest?.();
    if (req.method !== 'GET') this.writesSent++;
    let response: Response;
    let target = url;
    for (let hop = 0; ; hop++) {
      // The limiter times the slot by when the request was answered (see RateLimiter).
      slot.sent();
      try {
        response = await fetch(target, {
          method: req.method,
          headers: {
            accept: 'application/json',
            ...(req.body !== undefined ? { 'content-type': 'application/json' } : {}),
            ...this.options.headers,
            ...req.headers,
          },
          body: req.body !== undefined ? JSON.stringify(req.body) : undefined,
          // Followed by hand: a key must never be sent to another origin.
          redirect: 'manual',
          signal: AbortSignal.timeout(this.options.timeoutMs ?? 20_000),
        });
      } catch (error) {
        slot.failed();
        throw toUnavailable(error, target);
      }
      slot.answered();
      const location = REDIRECTS.has(response.status) ? response.headers.get('location') : null;
      if (!location) break;
      await response.body?.cancel();
      const next = new URL(location, target);
      if (next.origin !== url.origin) {
        throw new RemoteProtocolError(
          `${url.host} redirected to ${next.host}. BenchSync sends a key only to the server it was entered for: check the connection's base URL.`,
        );
      }
      // A write redirected with 301/302/303 would become a GET and be lost: only 307/308 keep it.
      if (req.method !== 'GET' && response.status !== 307 && response.status !== 308) {
        throw new RemoteProtocolError(`${url.host} answered ${req.method} ${req.path} with a redirect (HTTP ${response.status}); check the connection's base URL.`);
      }
      if (hop >= MAX_REDIRECTS) throw new RemoteProtocolError(`${url.host} redirected too many times.`);
      target = next;
    }
    let text: string;
    try {
      text = await response.text();
    } catch (error) {
      // Headers came but the body was cut: the server did act on it.
      throw new RemoteUnavailable(`The connection to ${url.host} broke while reading the reply.`, true, response.status);
    }
    let json: unknown;
    if (text.length > 0) {
      try {
        json = JSON.parse(text);
      } catch {
        json = undefined;
      }
    }
    return { status: response.status, headers: response.headers, json, text };
  }
}

function toUnavailable(error: unknown, url: URL): RemoteUnavailable {
  const e = error as { name?: string; cause?: { code?: string }; code?: string };
  if (e?.name === 'TimeoutError' || e?.name === 'AbortError') {
    return new RemoteUnavailable(`${url.host} did not answer in time.`, true);
  }
  const code = e?.cause?.code ?? e?.code ?? '';
  if (NEVER_SENT.has(code)) {
    return new RemoteUnavailable(`${url.host} cannot be reached (${code}).`, false, null, true);
  }
  return new RemoteUnavailable(`The connection to ${url.host} failed${code ? ` (${code})` : ''}.`, true, null, true);
}

/** `Retry-After` in seconds or as an HTTP date; null when absent or unreadable. */
export function retryAfterMs(headers: Headers): number | null {
  const value = headers.get('retry-after')?.trim();
  if (!value) return null;
  const seconds = Number(value);
  if (Number.isFinite(seconds) && seconds >= 0) return Math.ceil(seconds * 1000);
  const at = Date.parse(value);
  return Number.isNaN(at) ? null : Math.max(0, at - Date.now());
}
