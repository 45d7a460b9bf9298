import type { IncomingMessage } from 'node:http';
import type { LimiterSlot, RateLimiter } from '../core/sync/rate-limiter';
import { decodersFor, Exchange, ReplyTooLarge, responseHeaders } from './http-transport';
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
  /** Aborts requests still out (the app is quitting); their outcome is unknown, like a timeout's. */
  abandon?: AbortSignal;
  /** Replies larger than this (decompressed) are refused; default MAX_REPLY_BYTES. */
  maxReplyBytes?: number;
  /** Called once per request actually sent (benchmarks count requests per edit). */
  onRequest?: () => void;
  /** Called with the status of every answer that came (after redirects). */
  onResponse?: (status: number) => void;
}

const REDIRECTS = new Set([301, 302, 303, 307, 308]);
/** A reply is read up to this many bytes, decompressed; a larger one is refused (a pull's pages are far smaller). */
export const MAX_REPLY_BYTES = 64 * 1024 * 1024;
/** JSON nested deeper than this is refused before parsing (no remote of ours nests more than a few levels). */
export const MAX_JSON_DEPTH = 64;
/** A Retry-After beyond this is read as this: a remote cannot stall a connection for days. */
export const MAX_RETRY_AFTER_MS = 60 * 60_000;
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
    let exchange: Exchange;
    let status: number;
    let headers: Headers;
    let target = url;
    for (let hop = 0; ; hop++) {
      // The limiter times the slot by when the request was answered (see RateLimiter).
      slot.sent();
      exchange = new Exchange(target, {
        method: req.method,
        headers: {
          accept: 'application/json',
          ...(req.body !== undefined ? { 'content-type': 'application/json' } : {}),
          ...this.options.headers,
          ...req.headers,
        },
        body: req.body !== undefined ? JSON.stringify(req.body) : undefined,
        timeoutMs: this.options.timeoutMs ?? 20_000,
        abandon: this.options.abandon,
      });
      let response: IncomingMessage;
      try {
        response = await exchange.response;
      } catch (error) {
        slot.failed();
        throw toUnavailable(error, target);
      }
      slot.answered();
      status = response.statusCode!;
      headers = responseHeaders(response);
      // Redirects are followed by hand: a key must never be sent to another origin.
      const location = REDIRECTS.has(status) ? headers.get('location') : null;
      if (!location) break;
      exchange.close();
      const next = new URL(location, target);
      if (next.origin !== url.origin || !underBasePath(next, this.options.baseUrl)) {
        throw new RemoteProtocolError(
          `${url.host} redirected to ${next.origin === url.origin ? next.pathname : next.host}, outside this connection's base URL. BenchSync sends a key only to the address it was entered for: check the connection's base URL.`,
        );
      }
      // A write redirected with 301/302/303 would become a GET and be lost: only 307/308 keep it.
      if (req.method !== 'GET' && status !== 307 && status !== 308) {
        throw new RemoteProtocolError(`${url.host} answered ${req.method} ${req.path} with a redirect (HTTP ${status}); check the connection's base URL.`);
      }
      if (hop >= MAX_REDIRECTS) throw new RemoteProtocolError(`${url.host} redirected too many times.`);
      target = next;
    }
    let text: string;
    try {
      this.options.onResponse?.(status);
      text = await readCapped(exchange, status, headers, url, this.options.maxReplyBytes ?? MAX_REPLY_BYTES);
    } finally {
      exchange.close();
    }
    let json: unknown;
    if (text.length > 0) {
      if (jsonDepthOver(text, MAX_JSON_DEPTH)) {
        throw new RemoteProtocolError(`${url.host} answered ${req.method} ${req.path} with JSON nested more than ${MAX_JSON_DEPTH} levels deep; BenchSync does not read it.`);
      }
      try {
        json = JSON.parse(text);
      } catch {
        json = undefined;
      }
    }
    return { status, headers, json, text };
  }
}

/** Whether a redirect target stays within the connection's base path (a key never goes elsewhere, even on the same host). */
function underBasePath(target: URL, baseUrl: string): boolean {
  const base = new URL(baseUrl).pathname.replace(/\/+$/, '');
  return base === '' || target.pathname === base || target.pathname.startsWith(`${base}/`);
}

/** The body as text, read as a stream so a huge or decompression-bomb reply stops at `max` bytes. */
async function readCapped(exchange: Exchange, status: number, headers: Headers, url: URL, max: number): Promise<string> {
  const declared = Number(headers.get('content-length') ?? NaN);
  if (Number.isFinite(declared) && declared > max && !headers.get('content-encoding')) throw tooLarge(url, max);
  const decoders = decodersFor(status, headers.get('content-encoding'));
  if (!decoders) {
    throw new RemoteProtocolError(`${url.host} sent a reply in an encoding BenchSync cannot read (content-encoding: ${headers.get('content-encoding')}).`);
  }
  try {
    return (await exchange.read(max, decoders)).toString('utf8');
  } catch (error) {
    if (error instanceof ReplyTooLarge) throw tooLarge(url, max);
    // Headers came, so the server did act on it, whether the body stalled or was cut.
    if (exchange.stopped) throw new RemoteUnavailable(`${url.host} did not answer in time.`, true, status);
    throw new RemoteUnavailable(`The connection to ${url.host} broke while reading the reply.`, true, status);
  }
}

function tooLarge(url: URL, max: number): RemoteProtocolError {
  return new RemoteProtocolError(`${url.host} sent a reply larger than ${Math.round(max / 1024 / 1024)} MB; BenchSync does not read it.`);
}

/** Whether JSON text nests arrays/objects deeper than `max` (scanned without parsing, strings skipped). */
export function jsonDepthOver(text: string, max: number): boolean {
  let depth = 0;
  let inString = false;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (inString) {
      if (c === 92) i++; // backslash: skip the escaped character
      else if (c === 34) inString = false;
    } else if (c === 34) inString = true;
    else if (c === 91 || c === 123) {
      if (++depth > max) return true;
    } else if (c === 93 || c === 125) depth--;
  }
  return false;
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

/** `Retry-After` in seconds or as an HTTP date, at most MAX_RETRY_AFTER_MS; null when absent or unreadable. */
export function retryAfterMs(headers: Headers): number | null {
  const value = headers.get('retry-after')?.trim();
  if (!value) return null;
  const seconds = Number(value);
  if (Number.isFinite(seconds) && seconds >= 0) return Math.min(Math.ceil(seconds * 1000), MAX_RETRY_AFTER_MS);
  const at = Date.parse(value);
  return Number.isNaN(at) ? null : Math.min(Math.max(0, at - Date.now()), MAX_RETRY_AFTER_MS);
}
