import http, { type Agent, type ClientRequest, type RequestOptions } from 'node:http';
import https from 'node:https';
import type { AddressInfo } from 'node:net';
import { vi } from 'vitest';

/**
 * Watches the requests the app sends to its remotes where RemoteHttp sends them, node:http
 * (src-main/connectors/http-transport.ts). `handler` sees each one with its body before it leaves,
 * and it leaves only once the handler is done, so a test can act in between. A Response the
 * handler returns answers the request instead of the remote (from a loopback server of its own);
 * otherwise the request goes to the remote as it was (a remote that is down still refuses it).
 * The test's own requests through fetch are not seen. Undone by vi.restoreAllMocks().
 */
export interface TappedRequest {
  method: string;
  url: URL;
  /** The body as sent; undefined without one. */
  body: string | undefined;
  /** The reply's status once its headers came (pending for ever if none comes). */
  answered: Promise<number>;
}

/** How a ClientRequest asks its agent for a socket (Node's, not in its typings). */
type Pool = Agent & { addRequest(req: ClientRequest, options: RequestOptions): void };

export type TapHandler = (req: TappedRequest) => Promise<Response | undefined | void> | Response | undefined | void;

export function tapHttp(handler: TapHandler): void {
  for (const transport of [http, https]) {
    const original = transport.request;
    vi.spyOn(transport, 'request').mockImplementation(((url: URL, options: RequestOptions) => {
      const agent = options.agent as Pool;
      let body: string | undefined;
      // The request waits here for its socket until the handler is done.
      const held = Object.create(agent, {
        addRequest: { value: (req: ClientRequest, opts: RequestOptions) => queueMicrotask(() => void hold(req, opts)) },
      }) as Pool;
      const hold = async (req: ClientRequest, opts: RequestOptions) => {
        const answered = new Promise<number>((resolve) => req.once('response', (res) => resolve(res.statusCode!)));
        let reply: Response | undefined | void;
        try {
          reply = await handler({ method: req.method, url, body, answered });
        } catch (error) {
          req.destroy(error as Error);
        }
        if (!reply) agent.addRequest(req, opts);
        else agent.addRequest(req, { ...opts, host: '127.0.0.1', hostname: '127.0.0.1', port: await answerOnce(reply) });
      };
      const req = (original as (url: URL, options: RequestOptions) => ClientRequest)(url, { ...options, agent: held });
      // RemoteHttp sends its body with end(), right after the request is made (before `hold` runs).
      const end = req.end;
      req.end = function (this: ClientRequest, ...args: unknown[]) {
        if (typeof args[0] === 'string') body = args[0];
        return (end as (...a: unknown[]) => ClientRequest).apply(this, args);
      } as ClientRequest['end'];
      return req;
    }) as typeof http.request);
  }
}

/** A loopback server that answers one request with `reply` and closes; its port. */
async function answerOnce(reply: Response): Promise<number> {
  const body = Buffer.from(await reply.arrayBuffer());
  const headers = { ...Object.fromEntries(reply.headers), 'content-length': String(body.length), connection: 'close' };
  const server = http.createServer((_req, res) => {
    res.writeHead(reply.status, headers).end(body);
    server.close();
  });
  server.unref();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return (server.address() as AddressInfo).port;
}
