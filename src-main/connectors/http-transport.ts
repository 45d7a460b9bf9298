import http, { type ClientRequest, type IncomingMessage } from 'node:http';
import https from 'node:https';
import { pipeline, type Readable, Transform, type TransformCallback } from 'node:stream';
import zlib from 'node:zlib';

/**
 * The wire under RemoteHttp (http.ts): node:http / node:https with keep-alive, sending and reading
 * what WHATWG fetch did (it cost over twice the CPU per request), with one timeout over the whole
 * exchange, body included.
 */

/**
 * Idle sockets close after this, or a second before the server's Keep-Alive hint: fetch did the
 * same, and Node's agent ignores the hint without a `timeout`. Reusing a socket the server is
 * closing fails the request (ECONNRESET), and a write's outcome is then unknown.
 */
const IDLE_SOCKET_MS = 4_000;
const agents = {
  http: new http.Agent({ keepAlive: true, timeout: IDLE_SOCKET_MS }),
  https: new https.Agent({ keepAlive: true, timeout: IDLE_SOCKET_MS }),
};
/** fetch gave up connecting after this, as a failed connection (networkDown), not a timeout. */
export const CONNECT_TIMEOUT_MS = 10_000;
/** fetch refused a reply encoded more times over than this. */
const MAX_CODINGS = 5;
/** Replies with these statuses have no body: fetch did not decode them. */
const NO_BODY = new Set([101, 204, 205, 304]);
// Lenient like fetch: a gzip stream missing its end still yields what came.
const ZLIB = { flush: zlib.constants.Z_SYNC_FLUSH, finishFlush: zlib.constants.Z_SYNC_FLUSH };
const BROTLI = { flush: zlib.constants.BROTLI_OPERATION_FLUSH, finishFlush: zlib.constants.BROTLI_OPERATION_FLUSH };

export interface WireRequest {
  method: string;
  headers: Record<string, string>;
  body?: string;
  timeoutMs: number;
  abandon?: AbortSignal;
}

/** The decoded body passed `max` bytes; reading stopped there. */
export class ReplyTooLarge extends Error {}

/** One request and its reply. Its timeout and `abandon` run until the body is read or `close()`. */
export class Exchange {
  /** The reply once its headers came; rejects with Node's error (or the timeout / abandon reason) before that. */
  readonly response: Promise<IncomingMessage>;
  /** The timeout or abandon ended it: an error reading the body then means "did not answer in time". */
  stopped = false;
  private req: ClientRequest | null = null;
  private res: IncomingMessage | null = null;
  private body: Readable | null = null;
  private readonly timer: NodeJS.Timeout;
  private connectTimer: NodeJS.Timeout | undefined;
  private readonly onAbandon = () => this.stop(this.wire.abandon?.reason);

  constructor(url: URL, private readonly wire: WireRequest) {
    this.timer = setTimeout(() => this.stop(new DOMException('The operation was aborted due to timeout', 'TimeoutError')), wire.timeoutMs);
    this.timer.unref();
    this.response = new Promise<IncomingMessage>((resolve, reject) => {
      if (wire.abandon?.aborted) throw wire.abandon.reason;
      // fetch refused these (TypeError); Node would send them as Basic auth.
      if (url.username || url.password) throw new TypeError('A URL with a user name or password is not fetched.');
      wire.abandon?.addEventListener('abort', this.onAbandon, { once: true });
      const secure = url.protocol === 'https:';
      const req = (secure ? https : http).request(url, { method: wire.method, headers: outgoing(wire, secure), agent: secure ? agents.https : agents.http });
      this.req = req;
      req.on('response', (res) => {
        this.res = res;
        resolve(res);
      });
      // After the reply came, its body stream reports what broke.
      req.on('error', (error) => {
        if (!this.res) reject(error);
      });
      req.once('socket', (socket) => {
        if (!socket.connecting) return;
        this.connectTimer = setTimeout(() => req.destroy(Object.assign(new Error(`connect ETIMEDOUT ${url.host}`), { code: 'ETIMEDOUT' })), CONNECT_TIMEOUT_MS);
        this.connectTimer.unref();
        socket.once(secure ? 'secureConnect' : 'connect', () => clearTimeout(this.connectTimer));
      });
      req.end(wire.body);
    });
    this.response.catch(() => this.close());
  }

  /** The body, decoded by `decoders` (outermost coding first), refused past `max` bytes decoded. */
  read(max: number, decoders: Transform[]): Promise<Buffer> {
    const res = this.res!;
    return new Promise<Buffer>((resolve, reject) => {
      const chunks: Buffer[] = [];
      let size = 0;
      let settled = false;
      const settle = (error?: unknown) => {
        if (settled) return;
        settled = true;
        if (error === undefined) {
          this.clear();
          resolve(Buffer.concat(chunks, size));
        } else {
          this.close();
          reject(error);
        }
      };
      // The timeout or abandon may have come between the headers and this read.
      if (res.destroyed) {
        for (const d of decoders) d.destroy();
        return settle(res.errored ?? new Error('The reply was closed before it was read.'));
      }
      const body: Readable = decoders.length > 0 ? (pipeline([res, ...decoders], (e) => e && settle(e)) as Transform) : res.on('error', settle);
      this.body = body;
      body.on('data', (chunk: Buffer) => {
        size += chunk.length;
        if (size > max) settle(new ReplyTooLarge());
        else chunks.push(chunk);
      });
      body.on('end', () => settle());
      body.on('close', () => settle(new Error('The reply ended before it was complete.')));
    });
  }

  /** Ends the exchange, idempotently: a body not read whole is drained if it all came, else destroyed with its socket. */
  close(): void {
    this.clear();
    const res = this.res;
    if (!res) {
      this.req?.destroy();
      return;
    }
    if (this.body && this.body !== res) this.body.destroy();
    if (res.readableEnded || res.destroyed) return;
    if (res.complete && !this.body) res.resume();
    else res.destroy();
  }

  private stop(reason: unknown): void {
    this.stopped = true;
    this.body?.destroy(reason as Error);
    if (this.res) this.res.destroy(reason as Error);
    else this.req?.destroy(reason as Error);
    this.clear();
  }

  private clear(): void {
    clearTimeout(this.timer);
    clearTimeout(this.connectTimer);
    this.wire.abandon?.removeEventListener('abort', this.onAbandon);
  }
}

/**
 * The request's headers as fetch sent them: names case-insensitive (duplicates joined), values
 * trimmed, and fetch's own defaults where the caller gave none.
 */
function outgoing(wire: WireRequest, secure: boolean): Record<string, string> {
  const out: Record<string, string> = Object.create(null);
  for (const [name, value] of Object.entries(wire.headers)) {
    const key = name.toLowerCase();
    const v = value.replace(/^[\t\n\r ]+|[\t\n\r ]+$/g, '');
    out[key] = out[key] === undefined ? v : `${out[key]}, ${v}`;
  }
  out['accept-language'] ??= '*';
  out['sec-fetch-mode'] ??= 'cors';
  out['user-agent'] ??= 'node';
  out['accept-encoding'] ??= secure ? 'br, gzip, deflate' : 'gzip, deflate';
  if (wire.body !== undefined) out['content-length'] = String(Buffer.byteLength(wire.body));
  else if (wire.method !== 'GET' && wire.method !== 'DELETE') out['content-length'] = '0';
  return out;
}

/** The reply's headers as the WHATWG Headers that callers read (`get`, `retryAfterMs`). */
export function responseHeaders(res: IncomingMessage): Headers {
  const headers = new Headers();
  const raw = res.rawHeaders;
  for (let i = 0; i + 1 < raw.length; i += 2) headers.append(raw[i]!, raw[i + 1]!);
  return headers;
}

/**
 * Decoders for a reply's `content-encoding`, outermost coding first (applied last, it is undone
 * first); null when a coding is unknown or there are too many.
 */
export function decodersFor(status: number, contentEncoding: string | null): Transform[] | null {
  if (!contentEncoding || NO_BODY.has(status)) return [];
  const codings = contentEncoding.toLowerCase().split(',').map((c) => c.trim());
  if (codings.length > MAX_CODINGS) return null;
  const known = codings.reverse().filter((c) => c !== 'identity' && c !== '');
  if (known.some((c) => c !== 'gzip' && c !== 'x-gzip' && c !== 'deflate' && c !== 'br')) return null;
  return known.map((c) => (c === 'br' ? zlib.createBrotliDecompress(BROTLI) : c === 'deflate' ? new Inflate() : zlib.createGunzip(ZLIB)));
}

/**
 * "deflate" is zlib-wrapped by the RFC, yet some servers send it raw; fetch read both, so the
 * first two bytes tell which (a zlib header: method 8 and a checksum divisible by 31).
 */
class Inflate extends Transform {
  private inner: zlib.Inflate | zlib.InflateRaw | null = null;
  private head = Buffer.alloc(0);

  override _transform(chunk: Buffer, _encoding: BufferEncoding, done: TransformCallback): void {
    if (this.inner) {
      this.inner.write(chunk, done);
      return;
    }
    this.head = Buffer.concat([this.head, chunk]);
    if (this.head.length < 2) done();
    else this.open().write(this.head, done);
  }

  override _flush(done: TransformCallback): void {
    if (!this.inner) {
      if (this.head.length === 0) return done();
      this.open().write(this.head);
    }
    this.inner!.once('end', () => done()).end();
  }

  override _destroy(error: Error | null, done: (error: Error | null) => void): void {
    this.inner?.destroy();
    done(error);
  }

  private open(): zlib.Inflate | zlib.InflateRaw {
    const b0 = this.head[0]!;
    const b1 = this.head[1] ?? 0;
    const inner = (b0 & 0x0f) === 8 && ((b0 << 8) | b1) % 31 === 0 ? zlib.createInflate(ZLIB) : zlib.createInflateRaw(ZLIB);
    inner.on('data', (chunk: Buffer) => this.push(chunk));
    inner.on('error', (error) => this.destroy(error));
    this.inner = inner;
    return inner;
  }
}
