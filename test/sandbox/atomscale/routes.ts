import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { FixedWindowLimiter } from '../common/fixed-window-limiter';
import { splitMakeName } from './makes';
import { fullView, reducedView, type SynthesisStore } from './store';
import { userForKey, type KeyHolder } from './users';
import { parseIdList, parseIntInput, readBody, validateCreate, type ValidationItem } from './validation';

export interface RouteDeps {
  store: SynthesisStore;
  /** Absent: rate limiting disabled. */
  limiter?: FixedWindowLimiter;
  /** Published mode: what the FastAPI service is inferred to do (docs/remotes/atomscale.md). */
  asPublished?: boolean;
}

/** Fixed texts, FastAPI style: missing header as FastAPI's APIKeyHeader words it, bad key our own. */
export const AUTH_MISSING = 'Not authenticated';
export const AUTH_INVALID = 'Invalid API key';
export const RATE_LIMITED = 'Rate limit exceeded';

/** A proxy's 413 page: uvicorn has no body limit of its own, whatever sits in front of it refuses. */
export const NGINX_413 =
  '<html>\r\n<head><title>413 Request Entity Too Large</title></head>\r\n<body>\r\n<center><h1>413 Request Entity Too Large</h1></center>\r\n<hr><center>nginx</center>\r\n</body>\r\n</html>\r\n';

const ALL_METHODS = ['GET', 'HEAD', 'POST', 'PUT', 'PATCH', 'DELETE', 'OPTIONS'];
const COLLECTION_ALLOW = 'GET, HEAD, POST, DELETE';
const ITEM_ALLOW = 'GET, HEAD';

const unprocessable = (reply: FastifyReply, errors: ValidationItem[]) => reply.code(422).send({ detail: errors });
const methodNotAllowed = (reply: FastifyReply, allow: string) =>
  reply.code(405).header('allow', allow).send({ detail: 'Method Not Allowed' });

/** Seconds precision with `Z`, like the documented `"2024-01-15T10:00:00Z"`. */
export function isoNow(): string {
  return new Date().toISOString().replace(/\.\d{3}Z$/, 'Z');
}

/** Published mode: the text of a delete whose ids are not all the caller's (no public source words it). */
export const DELETE_NOT_FOUND = 'Synthesis instrument not found or not accessible';

/**
 * The API-key dependency: answers itself and returns undefined when the key is missing or unknown.
 * Documented mode: 401. Published mode: FastAPI's `APIKeyHeader` (up to 0.115) refuses a missing
 * header with 403 "Not authenticated", and a bad key is assumed to get the same answer.
 */
function authenticate(deps: RouteDeps, request: FastifyRequest, reply: FastifyReply): KeyHolder | undefined {
  const raw = request.headers['x-api-key'];
  const key = Array.isArray(raw) ? raw[0] : raw;
  if (deps.asPublished) {
    const user = userForKey(key || undefined);
    if (!user) reply.code(403).send({ detail: AUTH_MISSING });
    return user;
  }
  if (!key) {
    reply.code(401).send({ detail: AUTH_MISSING });
    return undefined;
  }
  const user = userForKey(key);
  if (!user) reply.code(401).send({ detail: AUTH_INVALID });
  return user;
}

/**
 * `/instruments/synthesis` with and without the trailing slash (the SDK calls one form, the docs
 * show the other, and Starlette's 307 between them would drop nothing but cost a round trip),
 * plus `/instruments/synthesis/{synthesis_instrument_id}`. The scope collects raw body bytes so
 * the handlers can apply FastAPI's order: read the body, then the key, then validation.
 */
export function registerSynthesisRoutes(app: FastifyInstance, deps: RouteDeps): void {
  app.register(async (scope) => {
    scope.removeAllContentTypeParsers();
    scope.addContentTypeParser('*', { parseAs: 'buffer' }, (_request, body, done) => done(null, body));

    // Rate limiting as a middleware would do it: before routing details, per key (or per address).
    if (deps.limiter) {
      const limiter = deps.limiter;
      scope.addHook('onRequest', async (request, reply) => {
        const raw = request.headers['x-api-key'];
        const key = (Array.isArray(raw) ? raw[0] : raw) || `ip:${request.ip}`;
        const decision = limiter.hit(key);
        if (decision.allowed) return undefined;
        const seconds = Math.max(1, Math.ceil((decision.retryAfterMs ?? 1000) / 1000));
        reply.code(429).header('retry-after', String(seconds)).send({ detail: RATE_LIMITED });
        return reply;
      });
    }

    scope.setErrorHandler((error, request, reply) => {
      const code = (error as { code?: string }).code;
      if (code === 'FST_ERR_CTP_BODY_TOO_LARGE') return reply.code(413).type('text/html').send(NGINX_413);
      if (code === 'FST_ERR_CTP_INVALID_MEDIA_TYPE' && request.method === 'POST') {
        // An unparseable Content-Type is not JSON to FastAPI: the raw body reaches Pydantic.
        return unprocessable(reply, [
          {
            type: 'model_attributes_type',
            loc: ['body'],
            msg: 'Input should be a valid dictionary or object to extract fields from',
            input: '',
          },
        ]);
      }
      const status = (error as { statusCode?: number }).statusCode ?? 500;
      if (status < 500) return reply.code(400).send({ detail: 'There was an error parsing the body' });
      return reply.code(500).type('text/plain; charset=utf-8').send('Internal Server Error');
    });

    // Published mode: FastAPI serves the path as declared (the docs' `/instruments/synthesis/`) and
    // Starlette's redirect_slashes answers the other spelling with a 307, whatever the method.
    const collectionUrls = deps.asPublished ? ['/instruments/synthesis/'] : ['/instruments/synthesis', '/instruments/synthesis/'];
    if (deps.asPublished) {
      scope.route({
        method: ALL_METHODS,
        url: '/instruments/synthesis',
        exposeHeadRoute: false,
        handler: (request, reply) => {
          const [path, query] = splitUrl(request.url);
          return reply.code(307).header('location', `http://${request.headers.host}${path}/${query}`).send();
        },
      });
    }
    for (const url of collectionUrls) {
      scope.route({
        method: ALL_METHODS,
        url,
        exposeHeadRoute: false,
        handler: (request, reply) => {
          if (request.method === 'GET' || request.method === 'HEAD') return list(deps, request, reply);
          if (request.method === 'POST') return create(deps, request, reply);
          if (request.method === 'DELETE') return remove(deps, request, reply);
          return methodNotAllowed(reply, COLLECTION_ALLOW);
        },
      });
    }
    scope.route({
      method: ALL_METHODS,
      url: '/instruments/synthesis/:synthesis_instrument_id',
      exposeHeadRoute: false,
      handler: (request, reply) => {
        if (request.method === 'GET' || request.method === 'HEAD') return detail(deps, request, reply);
        return methodNotAllowed(reply, ITEM_ALLOW);
      },
    });
    // Starlette's redirect_slashes: the item URL with a slash is a 307 to the one without.
    scope.route({
      method: ALL_METHODS,
      url: '/instruments/synthesis/:synthesis_instrument_id/',
      exposeHeadRoute: false,
      handler: (request, reply) => {
        const [path, query] = splitUrl(request.url);
        return reply.code(307).header('location', `http://${request.headers.host}${path.replace(/\/+$/, '')}${query}`).send();
      },
    });
  });
}

function splitUrl(url: string): [string, string] {
  const q = url.indexOf('?');
  return q < 0 ? [url, ''] : [url.slice(0, q), url.slice(q)];
}

function list(deps: RouteDeps, request: FastifyRequest, reply: FastifyReply) {
  const user = authenticate(deps, request, reply);
  if (!user) return reply;
  // A bare array, no envelope and no pagination.
  return reply.send(deps.store.listFor(user.organizationId).map((i) => fullView(deps.store, i)));
}

function detail(deps: RouteDeps, request: FastifyRequest, reply: FastifyReply) {
  const user = authenticate(deps, request, reply);
  if (!user) return reply;
  const raw = (request.params as { synthesis_instrument_id: string }).synthesis_instrument_id;
  const id = parseIntInput(raw, ['path', 'synthesis_instrument_id']);
  if (!id.ok) return unprocessable(reply, id.errors);
  // The path takes the synth_source_id (the SDK's instrument id), not the list's `id`.
  // Another organisation's instrument is indistinguishable from a missing one.
  const found = deps.store.get(user.organizationId, id.value);
  if (!found) return reply.code(404).send({ detail: 'Not Found' });
  return reply.send(reducedView(found));
}

function create(deps: RouteDeps, request: FastifyRequest, reply: FastifyReply) {
  const body = readBody(request.body as Buffer | undefined, request.headers['content-type']);
  if (body.kind === 'error') return reply.code(body.status).send(body.body);
  const user = authenticate(deps, request, reply);
  if (!user) return reply;
  const checked = validateCreate(body);
  if (!checked.ok) return unprocessable(reply, checked.errors);
  const { label, name, type, serial_id } = checked.value;
  const { manufacturer, model } = splitMakeName(name);
  const created = deps.store.create({
    organizationId: user.organizationId,
    userId: user.userId,
    userName: user.name,
    label,
    manufacturer,
    model,
    type,
    // Year and input count are not part of the create body, so they stay unknown.
    metadata: { manufacture_year: null, serial_identifier: serial_id, inputs: null },
    lastUpdated: isoNow(),
  });
  return reply.code(201).send(fullView(deps.store, created));
}

/**
 * Deletes the listed ids that belong to the caller's organisation. Ids that do not exist (or
 * belong to another organisation) are skipped rather than 404: a retried delete after a lost
 * reply must succeed, and the SDK could not tell a 404 from success anyway (it returns None).
 * The 200 reply has an empty body, which the docs allow and the SDK returns as None, so no
 * client can come to depend on a reply body the real service may not send.
 *
 * Published mode: the SDK's `delete_growth_instrument` promises a `ClientError` when the
 * instrument "is not found or not accessible", and the SDK turns a 404 into None, so the server
 * must answer another 4xx: a 400, and nothing is deleted, when any id is not the caller's.
 */
function remove(deps: RouteDeps, request: FastifyRequest, reply: FastifyReply) {
  const user = authenticate(deps, request, reply);
  if (!user) return reply;
  const params = new URL(request.url, 'http://localhost').searchParams;
  const ids = parseIdList(params, 'synthesis_instrument_ids');
  if (!ids.ok) return unprocessable(reply, ids.errors);
  if (deps.asPublished && ids.value.some((id) => !deps.store.get(user.organizationId, id))) {
    return reply.code(400).send({ detail: DELETE_NOT_FOUND });
  }
  deps.store.deleteFor(user.organizationId, ids.value);
  return reply.code(200).send();
}
