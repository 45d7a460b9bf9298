import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';
import { existsSync } from 'node:fs';
import fastifyStatic from '@fastify/static';
import fastifyWebsocket from '@fastify/websocket';
import Fastify from 'fastify';
import type { WebSocket } from 'ws';
import { wireRequest } from '../../src-shared/contract/wire';
import type { AppCore } from '../core/app-core';

/** How much one socket may have the server hold for it. */
export interface SocketLimits {
  /** Requests handled at once; further ones are not read from the socket until one is answered (TCP pushes back on the client). */
  maxInFlight: number;
  /**
   * Bytes of messages read but not yet handled: ws still delivers what it had read when it is
   * paused (a read of small requests can be a thousand of them); more than this closes the socket.
   */
  maxQueuedBytes: number;
  /** Reply bytes waiting for the client above which no further request is read. */
  highWaterBytes: number;
  /** Reply bytes waiting for the client above which nothing more is sent and the socket is closed. One reply may exceed it (an export). */
  maxBufferedBytes: number;
  /** A client whose replies have waited above `highWaterBytes` this long without it reading is closed. */
  stallMs: number;
}

export const SOCKET_LIMITS: SocketLimits = {
  maxInFlight: 16,
  maxQueuedBytes: 4 * 1024 * 1024,
  highWaterBytes: 4 * 1024 * 1024,
  maxBufferedBytes: 64 * 1024 * 1024,
  stallMs: 30_000,
};

/** Close codes of the socket (4000–4999 are the application's). */
export const CLOSE = {
  refused: 4401,
  notReading: 4408,
  tooManyRequests: 4429,
} as const;

export interface HeadlessServerOptions {
  core: AppCore;
  /** The built renderer (electron-vite's out/renderer). */
  rendererDir: string;
  port?: number;
  token?: string;
  limits?: Partial<SocketLimits>;
}

export interface HeadlessServer {
  /** Open this: it carries the token in the fragment, which never reaches a server log. */
  url: string;
  origin: string;
  token: string;
  close(): Promise<void>;
}

/**
 * The page's policy, also sent as headers (the meta CSP in index.html cannot say frame-ancestors).
 * The built renderer is one module script, one stylesheet and React's style attributes; it talks
 * to this server's websocket only.
 */
export const SECURITY_HEADERS: Record<string, string> = {
  'content-security-policy':
    "default-src 'self'; script-src 'self'; connect-src 'self'; img-src 'self' data:; style-src 'self' 'unsafe-inline'; object-src 'none'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'",
  'x-frame-options': 'DENY',
  'x-content-type-options': 'nosniff',
  'referrer-policy': 'no-referrer',
  'cross-origin-opener-policy': 'same-origin',
  'cross-origin-resource-policy': 'same-origin',
};

/** Compares secrets of any length and any characters in constant time (equal-length digests). */
export function sameSecret(given: string, expected: string): boolean {
  const digest = (s: string) => createHash('sha256').update(s, 'utf8').digest();
  return timingSafeEqual(digest(given), digest(expected));
}

/**
 * The headless transport: the built renderer and the same typed contract over a websocket, on
 * 127.0.0.1 only. The socket needs the per-launch token, and Host/Origin must be our own origin
 * so another web page cannot drive it (DNS rebinding, cross-site websockets). What one socket can
 * make the server hold is bounded (see `SocketLimits`): a client that sends and never reads is
 * slowed by TCP, then closed with 4408.
 */
export async function startHeadlessServer(options: HeadlessServerOptions): Promise<HeadlessServer> {
  if (!existsSync(options.rendererDir)) {
    throw new Error(`The renderer is not built (${options.rendererDir} is missing). Run "npm run build" first.`);
  }
  const limits: SocketLimits = { ...SOCKET_LIMITS, ...options.limits };
  const token = options.token ?? randomBytes(24).toString('base64url');
  const app = Fastify({ logger: false });
  let origin = '';
  const ownOrigins = () => [origin, origin.replace('127.0.0.1', 'localhost')];
  await app.register(fastifyWebsocket, { options: { maxPayload: 1024 * 1024 } });
  await app.register(fastifyStatic, { root: options.rendererDir, index: 'index.html' });

  app.addHook('onRequest', async (request, reply) => {
    const host = request.headers.host ?? '';
    if (origin && !ownOrigins().some((o) => host === new URL(o).host)) {
      reply.code(403).send({ error: 'Wrong Host header.' });
      return reply;
    }
    return undefined;
  });
  app.addHook('onSend', async (_request, reply, payload) => {
    for (const [name, value] of Object.entries(SECURITY_HEADERS)) reply.header(name, value);
    return payload;
  });

  app.get('/ipc', { websocket: true }, (socket, request) => {
    socket.on('error', () => undefined);
    let given = '';
    try {
      given = new URL(request.url, 'http://127.0.0.1').searchParams.get('token') ?? '';
    } catch {
      given = '';
    }
    const requestOrigin = request.headers.origin;
    const tokenOk = sameSecret(given, token);
    const originOk = !requestOrigin || ownOrigins().includes(requestOrigin);
    if (!tokenOk || !originOk) {
      socket.close(CLOSE.refused, tokenOk ? 'Wrong origin.' : 'Missing or wrong token.');
      return;
    }
    serveSocket(socket, options.core, limits);
  });

  await app.listen({ host: '127.0.0.1', port: options.port ?? 0 });
  const address = app.server.address();
  if (!address || typeof address === 'string') throw new Error('The headless server did not bind a port.');
  origin = `http://127.0.0.1:${address.port}`;
  return {
    url: `${origin}/#token=${token}`,
    origin,
    token,
    close: () => app.close(),
  };
}

/** One client's requests: at most `maxInFlight` at once, read only while its replies are being read. */
function serveSocket(socket: WebSocket, core: AppCore, limits: SocketLimits): void {
  const queue: string[] = [];
  let queuedBytes = 0;
  let inFlight = 0;
  let paused = false;
  let closing = false;
  /** The last moment the client had read its replies down to the high-water mark. */
  let keptUpAt = Date.now();
  let drainTimer: NodeJS.Timeout | undefined;

  const shut = (code: number, reason: string) => {
    if (closing) return;
    closing = true;
    queue.length = 0;
    queuedBytes = 0;
    clearInterval(drainTimer);
    drainTimer = undefined;
    // The close frame waits behind the unread replies; ws destroys the socket if the client never
    // answers it. Reading again lets the answer in (messages are ignored from now on).
    socket.close(code, reason);
    if (paused) socket.resume();
  };

  const send = (message: string) => {
    if (closing || socket.readyState !== socket.OPEN) return;
    if (socket.bufferedAmount > limits.maxBufferedBytes) {
      shut(CLOSE.notReading, `Closed: more than ${Math.round(limits.maxBufferedBytes / 1048576)} MiB of replies were not read.`);
      return;
    }
    socket.send(message);
  };

  const flow = () => {
    if (closing) return;
    const buffered = socket.bufferedAmount;
    if (buffered < limits.highWaterBytes) keptUpAt = Date.now();
    else if (Date.now() - keptUpAt > limits.stallMs) {
      shut(CLOSE.notReading, `Closed: replies were not read for ${Math.round(limits.stallMs / 1000)} s.`);
      return;
    }
    while (queue.length > 0 && inFlight < limits.maxInFlight && socket.bufferedAmount < limits.highWaterBytes) {
      const next = queue.shift()!;
      queuedBytes -= next.length;
      handle(next);
    }
    const blocked = queue.length > 0 || inFlight >= limits.maxInFlight || socket.bufferedAmount >= limits.highWaterBytes;
    if (blocked && !paused) {
      paused = true;
      socket.pause();
    } else if (!blocked && paused) {
      paused = false;
      socket.resume();
    }
    // Nothing tells us when the client reads: look again while replies wait.
    const waiting = socket.bufferedAmount >= limits.highWaterBytes;
    if (waiting && !drainTimer) drainTimer = setInterval(flow, 100);
    else if (!waiting && drainTimer) {
      clearInterval(drainTimer);
      drainTimer = undefined;
    }
  };

  const handle = (raw: string) => {
    let message: unknown;
    try {
      message = JSON.parse(raw);
    } catch {
      send(JSON.stringify({ id: -1, ok: false, error: { code: 'invalid_request', message: 'The message is not JSON.' } }));
      return;
    }
    const parsed = wireRequest.safeParse(message);
    if (!parsed.success) {
      const id = typeof (message as { id?: unknown })?.id === 'number' && Number.isInteger((message as { id: number }).id) ? (message as { id: number }).id : -1;
      send(JSON.stringify({ id, ok: false, error: { code: 'invalid_request', message: 'A request needs a numeric id, a method and a payload.' } }));
      return;
    }
    inFlight++;
    const { id, method, payload } = parsed.data;
    core
      .dispatch(method, payload)
      .catch(() => ({ ok: false as const, error: { code: 'internal' as const, message: 'BenchSync could not complete this request.' } }))
      .then((reply) => {
        inFlight--;
        send(JSON.stringify({ id, ...reply }));
        flow();
      });
  };

  const unsubscribe = core.onEvent((event, payload) => send(JSON.stringify({ event, payload })));
  socket.on('close', () => {
    closing = true;
    queue.length = 0;
    clearInterval(drainTimer);
    unsubscribe();
  });
  socket.on('message', (data) => {
    if (closing) return;
    const text = String(data);
    if (queuedBytes + text.length > limits.maxQueuedBytes) {
      shut(CLOSE.tooManyRequests, `Closed: more than ${Math.round(limits.maxQueuedBytes / 1048576)} MiB of requests were waiting.`);
      return;
    }
    queue.push(text);
    queuedBytes += text.length;
    flow();
  });
}
