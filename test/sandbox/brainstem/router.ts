/**
 * One catch-all route for `/api/*` doing Django's URL resolution and DRF's dispatch order:
 * resolve (404) -> APPEND_SLASH (301) -> authenticate (401) -> permission (401) -> throttle (429)
 * -> method (405) -> handler. Bodies are kept raw and parsed lazily, as DRF's `request.data` is,
 * so body-less actions (accept/reject) never fail on what a client happened to send.
 */
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { FixedWindowLimiter } from '../common/fixed-window-limiter';
import { authenticate } from './auth';
import { equipmentRoutes } from './equipment-routes';
import { consumableApprovalRoutes, consumableRoutes } from './consumable-routes';
import {
  ApiError,
  detail,
  methodNotAllowed,
  notAuthenticated,
  notFound,
  type Handler,
  type HandlerResult,
  type ModelRoutes,
  type Portal,
  type RequestContext,
} from './http';
import { parseQueryString } from './query';
import { setupRoutes } from './setup-routes';
import type { BrainstemStore } from './store';
import { hardwareDeviceApprovalRoutes, hardwareDeviceRoutes, supplierApprovalRoutes, supplierRoutes } from './supplier-routes';
import { isPlainObject, MSG } from './validate';

const ROUTES: Record<string, ModelRoutes> = {
  'modules/equipment': equipmentRoutes,
  'personal_attributes/setup': setupRoutes,
  'resources/consumable': consumableRoutes,
  'resources/consumableapproval': consumableApprovalRoutes,
  'resources/supplier': supplierRoutes,
  'resources/supplierapproval': supplierApprovalRoutes,
  'resources/hardwaredevice': hardwareDeviceRoutes,
  'resources/hardwaredeviceapproval': hardwareDeviceApprovalRoutes,
};

/** The unparsed body; see the module comment. */
class RawBody {
  constructor(
    readonly text: string,
    readonly contentType: string | undefined,
  ) {}
}

export interface RouterOptions {
  limiter: FixedWindowLimiter | null;
  /** See `RequestContext.refuseFilter`. */
  refuseFilter?: (model: string, spec: string) => boolean;
  /** Body for unexpected failures (same as an injected 500). */
  serverError(): { body: unknown; headers?: Record<string, string> };
}

function parseData(request: FastifyRequest): Record<string, unknown> {
  const body = request.body;
  // DRF: no body or no media type -> empty data.
  if (!(body instanceof RawBody) || body.text === '' || !body.contentType) return {};
  const mediaType = body.contentType.split(';')[0]!.trim().toLowerCase();
  let parsed: unknown;
  if (mediaType === 'application/json') {
    try {
      parsed = JSON.parse(body.text);
    } catch (error) {
      throw detail(400, `JSON parse error - ${(error as Error).message}`);
    }
  } else if (mediaType === 'application/x-www-form-urlencoded') {
    parsed = Object.fromEntries(parseQueryString(body.text));
  } else {
    // multipart/form-data is also a DRF default, but no BrainSTEM client sends it.
    throw detail(415, `Unsupported media type "${body.contentType}" in request.`);
  }
  if (!isPlainObject(parsed)) throw new ApiError(400, { non_field_errors: [MSG.notDict(parsed)] });
  return parsed;
}

function throttleMessage(seconds: number): string {
  return `Request was throttled. Expected available in ${seconds} second${seconds === 1 ? '' : 's'}.`;
}

export function throttledBody(seconds: number) {
  return { body: { detail: throttleMessage(seconds) }, headers: { 'Retry-After': String(seconds) } };
}

function dispatch(request: FastifyRequest, store: BrainstemStore, options: RouterOptions): HandlerResult {
  const url = request.url;
  const q = url.indexOf('?');
  const path = q < 0 ? url : url.slice(0, q);
  const query = q < 0 ? '' : url.slice(q + 1);
  const trailing = path.endsWith('/');
  const parts = path.slice('/api/'.length, trailing ? -1 : undefined).split('/');
  if (parts.length < 3 || parts.length > 5 || parts.some((p) => p === '')) throw notFound();
  const [portalName, app, model, rawId, action] = parts as [string, string, string, string?, string?];
  // `super` (admin portal) is undocumented; treat it as unknown.
  if (portalName !== 'private' && portalName !== 'public') throw notFound();
  const portal: Portal = portalName;
  const routes = ROUTES[`${app}/${model}`];
  if (!routes || !routes.portals.includes(portal)) throw notFound();
  let actionHandler: Handler | undefined;
  if (action !== undefined) {
    actionHandler = routes.actions?.[action];
    if (!actionHandler) throw notFound();
  }

  const method = request.method.toUpperCase();
  if (!trailing && action === undefined) {
    // Django APPEND_SLASH: GET/HEAD get a 301 to the slashed URL. Writes are served as if slashed:
    // a redirect would turn a POST into a GET on the list in most clients and silently drop the write.
    if (method === 'GET' || method === 'HEAD') {
      return { status: 301, headers: { Location: `${path}/${query ? `?${query}` : ''}` } };
    }
  }
  // accept/reject: the v0.2 client sends them without the trailing slash; served as-is.

  const user = authenticate(request.headers.authorization);
  if (portal === 'private' && !user) throw notAuthenticated();

  if (options.limiter) {
    const decision = options.limiter.hit(user ? `user:${user.id}` : `anon:${request.ip}`);
    if (!decision.allowed) {
      const seconds = Math.max(1, Math.ceil((decision.retryAfterMs ?? 1000) / 1000));
      const { body, headers } = throttledBody(seconds);
      throw new ApiError(429, body, headers);
    }
  }

  const handlers: Record<string, Handler | undefined> =
    actionHandler !== undefined
      ? { PATCH: actionHandler }
      : rawId === undefined
        ? { GET: routes.list, POST: routes.create }
        : { GET: routes.retrieve, PUT: routes.update, PATCH: routes.partialUpdate, DELETE: routes.destroy };
  if (handlers.GET) handlers.HEAD = handlers.GET;
  // The public portal is read-only whatever the model supports.
  if (portal === 'public') for (const m of ['POST', 'PUT', 'PATCH', 'DELETE']) delete handlers[m];
  const allowed = [...Object.keys(handlers).filter((m) => handlers[m]), 'OPTIONS'];
  const allow = allowed.join(', ');

  if (method === 'OPTIONS') {
    const name = `${routes.title} ${rawId === undefined ? 'List' : 'Instance'}`;
    return {
      status: 200,
      headers: { Allow: allow },
      body: { name, description: '', renders: ['application/json'], parses: ['application/json', 'application/x-www-form-urlencoded'] },
    };
  }
  const handler = handlers[method];
  if (!handler) {
    const e = methodNotAllowed(method);
    throw new ApiError(405, e.body, { Allow: allow });
  }

  let data: Record<string, unknown> | undefined;
  const ctx: RequestContext = {
    method,
    portal,
    user,
    path,
    origin: `${request.protocol}://${request.headers.host ?? request.hostname}`,
    params: parseQueryString(query),
    id: rawId?.toLowerCase(),
    data: () => (data ??= parseData(request)),
    store,
    refuseFilter: options.refuseFilter,
  };
  const result = handler(ctx);
  return { ...result, headers: { Allow: allow, ...result.headers } };
}

function send(reply: FastifyReply, result: HandlerResult): FastifyReply {
  reply.code(result.status).header('Vary', 'Accept');
  for (const [k, v] of Object.entries(result.headers ?? {})) reply.header(k, v);
  if (result.body === undefined) return reply.send();
  if (typeof result.body === 'string') return reply.send(result.body);
  return reply.type('application/json').send(JSON.stringify(result.body));
}

export function registerBrainstemRoutes(app: FastifyInstance, store: BrainstemStore, options: RouterOptions): void {
  app.removeAllContentTypeParsers();
  app.addContentTypeParser('*', { parseAs: 'string' }, (request, body, done) => {
    if (!request.url.startsWith('/api/')) {
      // The sandbox control routes (`/__sandbox/...`) expect parsed JSON.
      try {
        done(null, body ? JSON.parse(body as string) : {});
      } catch (error) {
        (error as { statusCode?: number }).statusCode = 400;
        done(error as Error, undefined);
      }
      return;
    }
    done(null, new RawBody(body as string, request.headers['content-type']));
  });

  app.all('/api/*', async (request, reply) => {
    try {
      return send(reply, dispatch(request, store, options));
    } catch (error) {
      if (error instanceof ApiError) return send(reply, { status: error.status, body: error.body, headers: error.headers });
      const { body, headers } = options.serverError();
      return send(reply, { status: 500, body, headers });
    }
  });

  app.setNotFoundHandler((_request, reply) => send(reply, { status: 404, body: { detail: 'Not found.' } }));

  app.setErrorHandler((error: { code?: string; statusCode?: number; message?: string }, _request, reply) => {
    if (error.code === 'FST_ERR_CTP_BODY_TOO_LARGE') {
      return send(reply, { status: 413, body: { detail: 'Request body is too large.' } });
    }
    if (error.statusCode && error.statusCode >= 400 && error.statusCode < 500) {
      return send(reply, { status: error.statusCode, body: { detail: error.message ?? 'Bad request.' } });
    }
    const { body, headers } = options.serverError();
    return send(reply, { status: 500, body, headers });
  });
}
