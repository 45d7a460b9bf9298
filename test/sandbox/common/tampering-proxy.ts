import { createServer, request as httpRequest, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';

/**
 * A loopback HTTP proxy in front of an emulator that can answer chosen requests itself: a hostile
 * or broken remote (wrong-typed ids, huge or endlessly nested bodies, redirects elsewhere, absurd
 * Retry-After), for tests that the mirror survives whatever a remote says.
 */
export interface TamperedReply {
  status: number;
  headers?: Record<string, string>;
  body: string | Buffer;
}

export interface TamperRule {
  /** Which requests this rule answers (path includes the query string). */
  match(method: string, path: string, body: Buffer): boolean;
  /** The reply, given what the emulator answered (when `passThroughFirst`). */
  reply(upstream: { status: number; headers: Record<string, string>; body: Buffer } | null): TamperedReply;
  /** Forward the request and hand the emulator's reply to `reply` (to rewrite it). */
  passThroughFirst?: boolean;
}

export interface TamperingProxy {
  /** The emulator's base URL with the proxy's origin. */
  baseUrl: string;
  rules: TamperRule[];
  /** Requests seen: method, path and whether an Authorization or X-API-KEY header came with them. */
  seen: { method: string; path: string; withKey: boolean }[];
  close(): Promise<void>;
}

export async function startTamperingProxy(targetBaseUrl: string): Promise<TamperingProxy> {
  const target = new URL(targetBaseUrl);
  const rules: TamperRule[] = [];
  const seen: TamperingProxy['seen'] = [];
  const server: Server = createServer(async (req, res) => {
    const method = req.method ?? 'GET';
    const path = req.url ?? '/';
    seen.push({ method, path, withKey: Boolean(req.headers.authorization ?? req.headers['x-api-key']) });
    const body = await readAll(req);
    const rule = rules.find((r) => r.match(method, path, body));
    const forward = () => forwardTo(target, method, path, req.headers as Record<string, string>, body);
    try {
      if (!rule) {
        const up = await forward();
        res.writeHead(up.status, up.headers).end(up.body);
        return;
      }
      const reply = rule.reply(rule.passThroughFirst ? await forward() : null);
      res.writeHead(reply.status, { 'content-type': 'application/json', ...reply.headers }).end(reply.body);
    } catch {
      res.destroy();
    }
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const { port } = server.address() as AddressInfo;
  return {
    baseUrl: `http://127.0.0.1:${port}${target.pathname.replace(/\/+$/, '')}`,
    rules,
    seen,
    close: () => new Promise<void>((r) => server.close(() => r())),
  };
}

function readAll(req: IncomingMessage): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => resolve(Buffer.concat(chunks)));
    req.on('error', reject);
  });
}

function forwardTo(target: URL, method: string, path: string, headers: Record<string, string>, body: Buffer) {
  return new Promise<{ status: number; headers: Record<string, string>; body: Buffer }>((resolve, reject) => {
    const { host: _host, ...rest } = headers;
    const up = httpRequest({ host: target.hostname, port: target.port, method, path, headers: { ...rest, host: target.host } }, (r) => {
      const chunks: Buffer[] = [];
      r.on('data', (c: Buffer) => chunks.push(c));
      r.on('end', () => {
        const out: Record<string, string> = {};
        for (const [k, v] of Object.entries(r.headers)) if (typeof v === 'string' && k !== 'transfer-encoding' && k !== 'connection') out[k] = v;
        resolve({ status: r.statusCode ?? 502, headers: out, body: Buffer.concat(chunks) });
      });
      r.on('error', reject);
    });
    up.on('error', reject);
    up.end(body);
  });
}
