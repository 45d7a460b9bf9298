import { spawn } from 'node:child_process';
import { getEventListeners } from 'node:events';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { connect, createServer as createTcpServer, type Socket } from 'node:net';
import type { AddressInfo } from 'node:net';
import { brotliCompressSync, constants, createGzip, deflateRawSync, deflateSync, gzipSync } from 'node:zlib';
import { afterEach, describe, expect, it } from 'vitest';
import { CONNECT_TIMEOUT_MS } from '../../src-main/connectors/http-transport';
import { RemoteHttp, type RemoteHttpOptions, retryAfterMs } from '../../src-main/connectors/http';
import { RemoteProtocolError, RemoteUnavailable } from '../../src-main/connectors/remote-errors';
import { type LimiterSlot, RateLimiter } from '../../src-main/core/sync/rate-limiter';

/**
 * RemoteHttp over node:http against real loopback servers: it sends and reads what WHATWG fetch
 * did (headers, content codings, errors), and its timeout covers the reply's body too.
 */
const cleanups: (() => unknown)[] = [];
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c();
});

/** A loopback server answering with `handler`; its connections are counted and closed after the test. */
async function serve(handler: (req: IncomingMessage, res: ServerResponse) => void) {
  const sockets = new Set<Socket>();
  const server: Server = createServer(handler);
  server.on('connection', (s) => {
    sockets.add(s);
    s.on('close', () => sockets.delete(s));
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  cleanups.push(() => {
    server.closeAllConnections();
    return new Promise<void>((r) => server.close(() => r()));
  });
  return { baseUrl: `http://127.0.0.1:${(server.address() as AddressInfo).port}/api`, sockets };
}

function remote(baseUrl: string, options: Partial<RemoteHttpOptions> = {}) {
  return new RemoteHttp({ baseUrl, headers: {}, limiter: new RateLimiter([{ limit: 1_000, windowMs: 1_000 }]), ...options });
}

/** What a request failed with (it must fail). */
async function failure(p: Promise<unknown>): Promise<Error> {
  try {
    await p;
  } catch (error) {
    return error as Error;
  }
  throw new Error('the request succeeded');
}

const until = async (what: string, test: () => boolean) => {
  for (let i = 0; i < 200 && !test(); i++) await new Promise((r) => setTimeout(r, 10));
  if (!test()) throw new Error(`never: ${what}`);
};

const payload = { items: Array.from({ length: 50 }, (_, i) => ({ id: i, title: `Balance ${i}`, note: 'é…' })) };
const raw = Buffer.from(JSON.stringify(payload));

describe('RemoteHttp on node:http', () => {
  it('decodes gzip, x-gzip, brotli, zlib and raw deflate, and several codings, to the same JSON', async () => {
    const bodies: Record<string, [string, Buffer]> = {
      identity: ['identity', raw],
      gzip: ['gzip', gzipSync(raw)],
      'x-gzip': ['X-GZIP', gzipSync(raw)],
      br: ['br', brotliCompressSync(raw)],
      'deflate-zlib': ['deflate', deflateSync(raw)],
      'deflate-raw': ['deflate', deflateRawSync(raw)],
      'deflate-raw-stored': ['deflate', deflateRawSync(raw, { level: 0 })],
      layered: ['deflate, gzip', gzipSync(deflateSync(raw))],
    };
    const { baseUrl } = await serve((req, res) => {
      const [coding, body] = bodies[req.url!.slice('/api/'.length)]!;
      res.writeHead(200, { 'content-type': 'application/json', 'content-encoding': coding, 'content-length': body.length }).end(body);
    });
    const http = remote(baseUrl);
    for (const name of Object.keys(bodies)) {
      const reply = await http.request({ method: 'GET', path: `/${name}` });
      expect(reply.json, name).toEqual(payload);
      expect(reply.headers.get('content-encoding'), name).toBe(bodies[name]![0]);
    }
  });

  it('reads a gzip body cut short of its trailer, as fetch did', async () => {
    const gz = gzipSync(raw);
    const { baseUrl } = await serve((_req, res) => res.writeHead(200, { 'content-encoding': 'gzip' }).end(gz.subarray(0, gz.length - 8)));
    expect((await remote(baseUrl).request({ method: 'GET', path: '/x' })).json).toEqual(payload);
  });

  it('refuses an unknown content-encoding, or too many, clearly', async () => {
    const { baseUrl } = await serve((req, res) => {
      const coding = req.url === '/api/zstd' ? 'zstd' : 'gzip, gzip, gzip, gzip, gzip, gzip';
      res.writeHead(200, { 'content-encoding': coding }).end(raw);
    });
    const http = remote(baseUrl);
    const zstd = await failure(http.request({ method: 'GET', path: '/zstd' }));
    expect(zstd).toBeInstanceOf(RemoteProtocolError);
    expect(zstd.message).toBe(`${new URL(baseUrl).host} sent a reply in an encoding BenchSync cannot read (content-encoding: zstd).`);
    expect((await failure(http.request({ method: 'GET', path: '/six' }))).message).toMatch(/encoding BenchSync cannot read \(content-encoding: gzip, gzip/);
  });

  it('stops reading an endless compressed reply once it passes the cap decompressed, and closes its connection', async () => {
    const { baseUrl, sockets } = await serve((_req, res) => {
      res.writeHead(200, { 'content-encoding': 'gzip' });
      const gzip = createGzip({ flush: constants.Z_SYNC_FLUSH });
      gzip.pipe(res);
      const block = Buffer.alloc(64 * 1024, 0x20);
      // Writes for as long as the client reads: only the client stopping ends this request.
      const pump = () => {
        while (!res.destroyed && gzip.write(block));
        if (!res.destroyed) gzip.once('drain', pump);
      };
      res.on('close', () => gzip.destroy());
      pump();
    });
    const error = await failure(remote(baseUrl, { maxReplyBytes: 1024 * 1024 }).request({ method: 'GET', path: '/bomb' }));
    expect(error).toBeInstanceOf(RemoteProtocolError);
    expect(error.message).toMatch(/sent a reply larger than 1 MB/);
    await until('the connection closed', () => sockets.size === 0);
  });

  it('refuses a body declared too large before reading it', async () => {
    const { baseUrl, sockets } = await serve((_req, res) => {
      res.writeHead(200, { 'content-length': String(10 * 1024 * 1024) });
      res.write(Buffer.alloc(1024));
    });
    const error = await failure(remote(baseUrl, { maxReplyBytes: 1024 * 1024 }).request({ method: 'GET', path: '/huge' }));
    expect(error.message).toMatch(/larger than 1 MB/);
    await until('the connection closed', () => sockets.size === 0);
  });

  it('times out a reply whose body stalls after its headers, and closes its connection', async () => {
    const { baseUrl, sockets } = await serve((_req, res) => {
      res.writeHead(503, { 'content-type': 'application/json', 'content-length': '100' });
      res.write('{"detail":');
    });
    const slot = recordingSlot();
    const http = remote(baseUrl, { timeoutMs: 200 });
    http.useHeldSlot(slot);
    const t = performance.now();
    const error = await failure(http.request({ method: 'POST', path: '/items', body: { a: 1 } }));
    expect(performance.now() - t).toBeLessThan(2_000);
    expect(error).toBeInstanceOf(RemoteUnavailable);
    expect(error.message).toBe(`${new URL(baseUrl).host} did not answer in time.`);
    // The server answered (and so acted): its status stays with the error.
    expect(error).toMatchObject({ maybeCommitted: true, status: 503, networkDown: false });
    expect(slot.calls).toEqual(['sent', 'answered']);
    await until('the connection closed', () => sockets.size === 0);
  });

  it('times out a request never answered, as fetch did', async () => {
    const { baseUrl } = await serve(() => undefined);
    const slot = recordingSlot();
    const http = remote(baseUrl, { timeoutMs: 150 });
    http.useHeldSlot(slot);
    const error = await failure(http.request({ method: 'GET', path: '/x' }));
    expect(error.message).toBe(`${new URL(baseUrl).host} did not answer in time.`);
    expect(error).toMatchObject({ maybeCommitted: true, status: null, networkDown: false });
    expect(slot.calls).toEqual(['sent', 'failed']);
  });

  it('a body cut after its headers is a broken connection that may have committed', async () => {
    const { baseUrl } = await serve((_req, res) => {
      res.writeHead(201, { 'content-length': '100' });
      res.write('{"id":');
      setTimeout(() => res.socket?.destroy(), 20);
    });
    const error = await failure(remote(baseUrl).request({ method: 'POST', path: '/items', body: {} }));
    expect(error.message).toBe(`The connection to ${new URL(baseUrl).host} broke while reading the reply.`);
    expect(error).toMatchObject({ maybeCommitted: true, status: 201 });
  });

  it('a refused connection was never sent; a connection closed unanswered may have been', async () => {
    const { baseUrl } = await serve((req) => req.socket.destroy());
    const closedPort = await freePort();
    const slot = recordingSlot();
    const refused = remote(`http://127.0.0.1:${closedPort}`);
    refused.useHeldSlot(slot);
    const error = await failure(refused.request({ method: 'POST', path: '/x', body: {} }));
    expect(error.message).toBe(`127.0.0.1:${closedPort} cannot be reached (ECONNREFUSED).`);
    expect(error).toMatchObject({ maybeCommitted: false, networkDown: true });
    expect(slot.calls).toEqual(['sent', 'failed']);
    const reset = await failure(remote(baseUrl).request({ method: 'POST', path: '/x', body: {} }));
    expect(reset.message).toBe(`The connection to ${new URL(baseUrl).host} failed (ECONNRESET).`);
    expect(reset).toMatchObject({ maybeCommitted: true, networkDown: true });
  });

  it('abandons requests still out, before or after the headers, and leaves no listener on the signal', async () => {
    const { baseUrl } = await serve((req, res) => {
      if (req.url === '/api/ok') res.end('{}');
      else if (req.url === '/api/cut') req.socket.destroy();
      else if (req.url === '/api/body') res.writeHead(200, { 'content-length': '10' }).write('{');
    });
    const abandon = new AbortController();
    const http = remote(baseUrl, { abandon: abandon.signal });
    await http.request({ method: 'GET', path: '/ok' });
    await failure(http.request({ method: 'GET', path: '/cut' }));
    expect(getEventListeners(abandon.signal, 'abort')).toHaveLength(0);
    const pending = [http.request({ method: 'GET', path: '/headers-never' }), http.request({ method: 'GET', path: '/body' })].map(failure);
    await new Promise((r) => setTimeout(r, 100));
    abandon.abort();
    for (const error of await Promise.all(pending)) {
      expect(error.message).toBe(`${new URL(baseUrl).host} did not answer in time.`);
      expect(error).toMatchObject({ maybeCommitted: true });
    }
    expect(getEventListeners(abandon.signal, 'abort')).toHaveLength(0);
    expect((await failure(http.request({ method: 'GET', path: '/ok' }))).message).toMatch(/did not answer in time/);
  });

  it('sends the headers fetch sent, with a content-length, over one kept-alive connection', async () => {
    const seen: { method: string; headers: IncomingMessage['headers']; body: string; port: number }[] = [];
    const { baseUrl } = await serve((req, res) => {
      let body = '';
      req.on('data', (c: Buffer) => (body += c.toString()));
      req.on('end', () => {
        seen.push({ method: req.method!, headers: req.headers, body, port: req.socket.remotePort! });
        res.end('{}');
      });
    });
    const http = remote(baseUrl, { headers: { Authorization: 'Token abc ', 'X-Api-Key': 'k' } });
    await http.request({ method: 'POST', path: '/items', body: { title: 'Balance é' } });
    await http.request({ method: 'GET', path: '/items', headers: { accept: 'text/csv' } });
    await http.request({ method: 'PATCH', path: '/items/1/approve/' });
    await http.request({ method: 'DELETE', path: '/items/1' });
    const [post, get, patch, del] = seen;
    expect(post!.headers).toMatchObject({
      accept: 'application/json',
      'content-type': 'application/json',
      authorization: 'Token abc',
      'x-api-key': 'k',
      'accept-encoding': 'gzip, deflate',
      'user-agent': 'node',
      'content-length': String(Buffer.byteLength('{"title":"Balance é"}')),
      connection: 'keep-alive',
    });
    expect(post!.body).toBe('{"title":"Balance é"}');
    expect(get!.headers.accept).toBe('text/csv');
    expect(get!.headers['content-type']).toBeUndefined();
    expect(patch!.headers['content-length']).toBe('0');
    expect(del!.headers['content-length']).toBeUndefined();
    expect(del!.headers['transfer-encoding']).toBeUndefined();
    expect(new Set(seen.map((s) => s.port)).size).toBe(1);
  });

  it('hands back the reply headers as WHATWG Headers, repeated ones included', async () => {
    const { baseUrl } = await serve((_req, res) => {
      res.setHeader('set-cookie', ['a=1', 'b=2']);
      res.writeHead(429, { 'retry-after': '7', 'x-note': 'one' }).end('{"detail":"slow down"}');
    });
    const reply = await remote(baseUrl).request({ method: 'GET', path: '/x' });
    expect(reply.headers).toBeInstanceOf(Headers);
    expect(reply).toMatchObject({ status: 429, json: { detail: 'slow down' } });
    expect(retryAfterMs(reply.headers)).toBe(7_000);
    expect(reply.headers.getSetCookie()).toEqual(['a=1', 'b=2']);
    expect(reply.headers.get('X-Note')).toBe('one');
  });

  it('follows a redirect within the base path and drops the redirect reply', async () => {
    const { baseUrl } = await serve((req, res) => {
      if (req.url === '/api/old') res.writeHead(308, { location: '/api/new' }).end('moved');
      else res.end(JSON.stringify({ at: req.url, method: req.method }));
    });
    const reply = await remote(baseUrl).request({ method: 'PUT', path: '/old', body: { a: 1 } });
    expect(reply).toMatchObject({ status: 200, json: { at: '/api/new', method: 'PUT' } });
  });

  it('an https base URL speaks TLS', async () => {
    let first: Buffer | undefined;
    const tcp = createTcpServer((s) => s.once('data', (d: Buffer) => ((first = d), s.destroy())));
    await new Promise<void>((r) => tcp.listen(0, '127.0.0.1', r));
    cleanups.push(() => new Promise<void>((r) => tcp.close(() => r())));
    const { port } = tcp.address() as AddressInfo;
    const error = await failure(remote(`https://127.0.0.1:${port}/api`).request({ method: 'GET', path: '/x' }));
    expect(error).toBeInstanceOf(RemoteUnavailable);
    expect(error.message).toMatch(new RegExp(`^The connection to 127\\.0\\.0\\.1:${port} failed`));
    // A TLS handshake record (ClientHello), not "GET /api/x HTTP/1.1".
    expect(first![0]).toBe(0x16);
    expect(first![5]).toBe(0x01);
  });

  it('refuses a base URL carrying a user name or password, as fetch did', async () => {
    const seen: string[] = [];
    const { baseUrl } = await serve((req, res) => (seen.push(req.url!), res.end('{}')));
    const url = new URL(baseUrl);
    url.username = 'user';
    url.password = 'secret';
    const error = await failure(remote(url.href).request({ method: 'GET', path: '/x' }));
    expect(error.message).toBe(`The connection to ${url.host} failed.`);
    expect(seen).toEqual([]);
  });

  it(
    'a connection that cannot be set up fails after ten seconds as the network down, as fetch did',
    async () => {
      const port = await unacceptingPort();
      const t = performance.now();
      const error = await failure(remote(`http://127.0.0.1:${port}`).request({ method: 'GET', path: '/x' }));
      expect(performance.now() - t).toBeGreaterThanOrEqual(CONNECT_TIMEOUT_MS - 50);
      expect(error.message).toBe(`The connection to 127.0.0.1:${port} failed (ETIMEDOUT).`);
      expect(error).toMatchObject({ maybeCommitted: true, networkDown: true });
    },
    CONNECT_TIMEOUT_MS + 10_000,
  );
});

function recordingSlot(): LimiterSlot & { calls: string[] } {
  const calls: string[] = [];
  return { calls, sent: () => calls.push('sent'), answered: () => calls.push('answered'), failed: () => calls.push('failed') };
}

async function freePort(): Promise<number> {
  const s = createTcpServer();
  await new Promise<void>((r) => s.listen(0, '127.0.0.1', r));
  const { port } = s.address() as AddressInfo;
  await new Promise<void>((r) => s.close(() => r()));
  return port;
}

/**
 * A port whose listener never accepts (its process is blocked) and whose accept queue is full, so
 * new connections hang in the handshake, like a host dropping packets.
 */
async function unacceptingPort(): Promise<number> {
  const child = spawn(
    process.execPath,
    ['-e', `const s = require('node:net').createServer().listen({ port: 0, host: '127.0.0.1', backlog: 1 }, () => { process.stdout.write(s.address().port + '\\n'); Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0); });`],
    { stdio: ['ignore', 'pipe', 'inherit'] },
  );
  cleanups.push(() => child.kill('SIGKILL'));
  const port = await new Promise<number>((resolve, reject) => {
    child.stdout.once('data', (d: Buffer) => resolve(Number(d.toString().trim())));
    child.once('exit', () => reject(new Error('the listener exited')));
  });
  for (let i = 0; i < 6; i++) {
    const filler = connect(port, '127.0.0.1');
    filler.on('error', () => undefined);
    cleanups.push(() => filler.destroy());
  }
  await new Promise((r) => setTimeout(r, 200));
  return port;
}
