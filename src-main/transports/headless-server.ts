import { randomBytes, timingSafeEqual } from 'node:crypto';
import { existsSync } from 'node:fs';
import fastifyStatic from '@fastify/static';
import fastifyWebsocket from '@fastify/websocket';
import Fastify from 'fastify';
import { wireRequest } from '../../src-shared/contract/wire';
import type { AppCore } from '../core/app-core';

export interface HeadlessServerOptions {
  core: AppCore;
  /** The built renderer (electron-vite's out/renderer). */
  rendererDir: string;
  port?: number;
  token?: string;
}

export interface HeadlessServer {
  /** Open this: it carries the token in the fragment, which never reaches a server log. */
  url: string;
  origin: string;
  token: string;
  close(): Promise<void>;
}

/**
 * The headless transport: the built renderer and the same typed contract over a websocket, on
 * 127.0.0.1 only. The socket needs the per-launch token, and Host/Origin must be our own origin
 * so another web page cannot drive it (DNS rebinding, cross-site websockets).
 */
export async function startHeadlessServer(options: HeadlessServerOptions): Promise<HeadlessServer> {
  if (!existsSync(options.rendererDir)) {
    throw new Error(`The renderer is not built (${options.rendererDir} is missing). Run "npm run build" first.`);
  }
  const token = options.token ?? randomBytes(24).toString('base64url');
  const app = Fastify({ logger: false });
  let origin = '';
  await app.register(fastifyWebsocket, { options: { maxPayload: 1024 * 1024 } });
  await app.register(fastifyStatic, { root: options.rendererDir, index: 'index.html' });

  app.addHook('onRequest', async (request, reply) => {
    const host = request.headers.host ?? '';
    if (origin && host !== new URL(origin).host && host !== new URL(origin).host.replace('127.0.0.1', 'localhost')) {
      reply.code(403).send({ error: 'Wrong Host header.' });
      return reply;
    }
    return undefined;
  });

  app.get('/ipc', { websocket: true }, (socket, request) => {
    const given = new URL(request.url, origin).searchParams.get('token') ?? '';
    const requestOrigin = request.headers.origin;
    const tokenOk = given.length === token.length && timingSafeEqual(Buffer.from(given), Buffer.from(token));
    const originOk = !requestOrigin || requestOrigin === origin || requestOrigin === origin.replace('127.0.0.1', 'localhost');
    if (!tokenOk || !originOk) {
      socket.close(4401, tokenOk ? 'Wrong origin.' : 'Missing or wrong token.');
      return;
    }
    const unsubscribe = options.core.onEvent((event, payload) => {
      if (socket.readyState === socket.OPEN) socket.send(JSON.stringify({ event, payload }));
    });
    socket.on('close', unsubscribe);
    socket.on('message', async (data) => {
      let message: unknown;
      try {
        message = JSON.parse(String(data));
      } catch {
        socket.send(JSON.stringify({ id: -1, ok: false, error: { code: 'invalid_request', message: 'The message is not JSON.' } }));
        return;
      }
      const parsed = wireRequest.safeParse(message);
      if (!parsed.success) {
        const id = typeof (message as { id?: unknown })?.id === 'number' ? (message as { id: number }).id : -1;
        socket.send(JSON.stringify({ id, ok: false, error: { code: 'invalid_request', message: 'A request needs a numeric id, a method and a payload.' } }));
        return;
      }
      const reply = await options.core.dispatch(parsed.data.method, parsed.data.payload);
      if (socket.readyState === socket.OPEN) socket.send(JSON.stringify({ id: parsed.data.id, ...reply }));
    });
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
