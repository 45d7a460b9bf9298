import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { FixedWindowLimiter } from '../common/fixed-window-limiter';
import { userIdFromAuthorization } from './catalog-auth';
import { registerImageRoutes, type ImageCheck } from './catalog-images';
import { serializeCategory, serializeInstrument, type CatalogStore, type InstrumentRecord } from './catalog-store';
import { FLASK_400, FLASK_500, validatePublished, type PublishedOutcome } from './catalog-published';
import { validateInstrumentInput } from './catalog-validation';

/**
 * The `/api` blueprint of the real service (api.py) as one dispatcher, so the Flask/Werkzeug
 * routing order can be kept: strict-slash redirects and 405s happen before the blueprint's auth
 * hook, auth before the rate limit, and the catch-all (404, `/api/` → docs) needs auth but no limit.
 */

export interface Envelope {
  data: unknown;
  errors: string[];
  successful: boolean;
}

/** `api_jsonify`: keys in sorted order, as Flask's jsonify writes them. */
export function envelope(data: unknown, errors: string[] = []): Envelope {
  return { data, errors, successful: errors.length === 0 };
}

export const API_MESSAGES = {
  unauthenticated: (origin: string) =>
    'You must authenticate using the `Authorization: Bearer` header in order to make API calls. ' +
    `Find your API key by visiting this URL in your browser: ${origin}/apidoc/`,
  unknownEndpoint: 'Unknown API endpoint.',
  rateLimited: (description: string) => `Rate limit exceeded: ${description}`,
  noInstrument: 'The requested instrument id does not exist.',
  noCategory: 'The requested category id does not exist.',
  notOwner: 'You must authenticate as the user who created this instrument in order to modify it.',
  methodNotAllowed: 'The method is not allowed for the requested URL.',
  // Flask would answer these with an HTML 400/500 or crash; the envelope keeps clients' parsing simple.
  notJson: 'Failed to decode JSON object: the request body must be sent with `Content-Type: application/json`.',
  badJson: (detail: string) => `Failed to decode JSON object: ${detail}`,
  notObject: 'The request body must be a JSON object.',
  tooLarge: 'Request Entity Too Large: The data value transmitted exceeds the capacity limit.',
  internal: 'Internal Server Error',
} as const;

export interface CatalogApiOptions {
  store: CatalogStore;
  /** undefined: no rate limit. */
  limiter: FixedWindowLimiter | undefined;
  checkImage(url: string): Promise<ImageCheck>;
  /** Published mode: the published code's crashes and quirks (catalog-published.ts, docs/remotes/catalog.md). */
  asPublished?: boolean;
}

interface ApiReply {
  status: number;
  data: unknown;
  errors?: string[];
  headers?: Record<string, string>;
  /** An HTML page instead of the envelope (Flask's own error pages). */
  html?: string;
}

interface Context {
  userId: number;
  ids: number[];
  request: FastifyRequest;
}

interface Route {
  pattern: RegExp;
  /** Methods the Flask rule lists; HEAD and OPTIONS come with them as in Flask. */
  handlers: Partial<Record<string, (ctx: Context) => ApiReply | Promise<ApiReply>>>;
}

const ok = (data: unknown, status = 200, headers?: Record<string, string>): ApiReply => ({ status, data, headers });
const fail = (status: number, errors: string[], data: unknown = {}): ApiReply => ({ status, data, errors });
const crashed = (): ApiReply => ({ status: 500, data: {}, html: FLASK_500 });

/** A published-mode validation outcome as the reply the real handler ends with. */
function publishedReply(outcome: PublishedOutcome, extraEcho: Record<string, unknown> = {}): ApiReply {
  if (outcome.kind === 'crash') return crashed();
  if (outcome.kind === 'bad-json') return { status: 400, data: {}, html: FLASK_400 };
  return fail(400, outcome.errors, sortKeys({ ...outcome.echo, ...extraEcho }));
}

/** Sorted keys, like jsonify. */
function sortKeys(object: Record<string, unknown>): Record<string, unknown> {
  return Object.fromEntries(Object.keys(object).sort().map((k) => [k, object[k]]));
}

type BodyResult = { ok: true; value: Record<string, unknown> } | { ok: false; reply: ApiReply };

/** `request.json`: JSON content types only (Flask's `is_json`), UTF-8, and it must be an object. */
function readJsonObject(request: FastifyRequest): BodyResult {
  const mimetype = (request.headers['content-type'] ?? '').split(';')[0]!.trim().toLowerCase();
  const isJson = mimetype === 'application/json' || (mimetype.startsWith('application/') && mimetype.endsWith('+json'));
  if (!isJson) return { ok: false, reply: fail(400, [API_MESSAGES.notJson]) };
  const raw = Buffer.isBuffer(request.body) ? request.body : Buffer.alloc(0);
  let value: unknown;
  try {
    value = JSON.parse(new TextDecoder('utf-8', { fatal: true }).decode(raw));
  } catch (error) {
    return { ok: false, reply: fail(400, [API_MESSAGES.badJson((error as Error).message)]) };
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    return { ok: false, reply: fail(400, [API_MESSAGES.notObject]) };
  }
  return { ok: true, value: value as Record<string, unknown> };
}

function buildRoutes({ store, checkImage, asPublished }: CatalogApiOptions): Route[] {
  const list = (items: InstrumentRecord[]) => items.map(serializeInstrument);
  const categoryExists = (id: number) => store.getCategory(id) !== undefined;

  return [
    {
      pattern: /^\/myinstruments\/$/,
      handlers: { GET: ({ userId }) => ok(list(store.listInstruments((i) => i.ownerId === userId))) },
    },
    {
      pattern: /^\/categories\/$/,
      handlers: { GET: () => ok(store.listCategories().map(serializeCategory)) },
    },
    {
      pattern: /^\/categories\/(\d+)\/$/,
      handlers: {
        // The real code crashes (500) on a missing id (`None.serialize()`); the documented mode answers 404.
        GET: ({ ids: [id] }) => {
          const category = store.getCategory(id!);
          if (!category && asPublished) return crashed();
          return category ? ok(serializeCategory(category)) : fail(404, [API_MESSAGES.noCategory]);
        },
      },
    },
    {
      pattern: /^\/categories\/(\d+)\/instruments\/$/,
      handlers: {
        GET: ({ ids: [id] }) =>
          store.getCategory(id!)
            ? ok(list(store.listInstruments((i) => i.categoryId === id)))
            : asPublished
              ? crashed()
              : fail(404, [API_MESSAGES.noCategory]),
      },
    },
    {
      pattern: /^\/instruments\/$/,
      handlers: {
        GET: () => ok(list(store.listInstruments())),
        POST: async ({ userId, request }) => {
          if (asPublished) return publishedReply(await validatePublished(request, { method: 'POST', categoryExists, checkImage }));
          const body = readJsonObject(request);
          if (!body.ok) return body.reply;
          const result = await validateInstrumentInput(body.value, { mode: 'create', categoryExists, checkImage });
          if (result.errors.length > 0) return fail(400, result.errors, result.echo);
          const { name, description, categoryId } = result.fields;
          const created = store.createInstrument(
            {
              name: name!,
              description: description!,
              categoryId: categoryId!,
              image: result.fields.image ?? null,
              alternateNames: result.fields.alternateNames ?? [],
            },
            userId,
          );
          // `url_for('one_instrument')`: the HTML page of the instrument, not the API URL.
          return ok(serializeInstrument(created), 201, { location: `/instruments/${created.id}/` });
        },
      },
    },
    {
      pattern: /^\/instruments\/(\d+)\/$/,
      handlers: {
        GET: ({ ids: [id] }) => {
          const instrument = store.getInstrument(id!);
          return instrument ? ok(serializeInstrument(instrument)) : fail(404, [API_MESSAGES.noInstrument]);
        },
        PUT: async ({ ids: [id], userId, request }) => {
          const existing = store.getInstrument(id!);
          if (!existing) return fail(404, [API_MESSAGES.noInstrument]);
          if (existing.ownerId !== userId) return fail(403, [API_MESSAGES.notOwner]);
          if (asPublished) {
            return publishedReply(await validatePublished(request, { method: 'PUT', categoryExists, checkImage }), { id });
          }
          const body = readJsonObject(request);
          if (!body.ok) return body.reply;
          const result = await validateInstrumentInput(body.value, {
            mode: 'update',
            existing,
            categoryExists,
            checkImage,
          });
          if (result.errors.length > 0) return fail(400, result.errors, sortKeys({ ...result.echo, id }));
          // The image check awaited a HEAD: the instrument may have been deleted meanwhile.
          const updated = store.updateInstrument(id!, result.fields);
          return updated ? ok(serializeInstrument(updated)) : fail(404, [API_MESSAGES.noInstrument]);
        },
        DELETE: ({ ids: [id], userId }) => {
          const existing = store.getInstrument(id!);
          if (existing) {
            if (existing.ownerId !== userId) return fail(403, [API_MESSAGES.notOwner], { instrument_id: id });
            store.deleteInstrument(id!);
          }
          // Idempotent: a missing id is a success too.
          return ok({ deleted_instrument_id: id });
        },
      },
    },
  ];
}

function match(routes: Route[], path: string): { route: Route; ids: number[] } | undefined {
  for (const route of routes) {
    const m = route.pattern.exec(path);
    // Werkzeug's int converter: digits only, leading zeros allowed.
    if (m) return { route, ids: m.slice(1).map((s) => Number.parseInt(s, 10)) };
  }
  return undefined;
}

function allowedMethods(route: Route): string[] {
  const methods = Object.keys(route.handlers);
  if (methods.includes('GET')) methods.push('HEAD');
  return [...methods, 'OPTIONS'].sort();
}

function redirectTo(reply: FastifyReply, status: number, location: string): FastifyReply {
  // Werkzeug's redirect body; the Location is absolute, as Werkzeug 0.15 writes it.
  const html = `<!DOCTYPE HTML PUBLIC "-//W3C//DTD HTML 3.2 Final//EN">\n<title>Redirecting...</title>\n<h1>Redirecting...</h1>\n<p>You should be redirected automatically to target URL: <a href="${location}">${location}</a>.  If not click the link.`;
  return reply.code(status).header('location', location).type('text/html; charset=utf-8').send(html);
}

export function registerCatalogApi(app: FastifyInstance, options: CatalogApiOptions): void {
  const routes = buildRoutes(options);

  const dispatch = async (request: FastifyRequest, reply: FastifyReply): Promise<FastifyReply> => {
    const send = (r: ApiReply) =>
      r.html !== undefined
        ? reply.code(r.status).type('text/html; charset=utf-8').send(r.html)
        : reply.code(r.status).headers(r.headers ?? {}).send(envelope(r.data, r.errors));
    const origin = `http://${request.headers.host ?? request.hostname}`;
    const q = request.url.indexOf('?');
    const query = q < 0 ? '' : request.url.slice(q);
    let path = q < 0 ? request.url : request.url.slice(0, q);
    try {
      path = decodeURIComponent(path);
    } catch {
      // Keep the raw path; it will not match a route.
    }
    const sub = path.slice('/api'.length);
    const method = request.method === 'HEAD' ? 'GET' : request.method;

    const found = match(routes, sub);
    if (!found) {
      // Strict slashes: a known route without its slash redirects (308, any method, before auth).
      if (sub === '' || match(routes, `${sub}/`)) return redirectTo(reply, 308, `${origin}/api${sub}/${query}`);
      // The catch-all `not_found` view: inside the blueprint (auth applies) but not rate limited.
      const userId = userIdFromAuthorization(request.headers.authorization);
      if (userId === undefined) return send(fail(403, [API_MESSAGES.unauthenticated(origin)]));
      if (sub === '/') return redirectTo(reply, 301, `${origin}/apidoc/`);
      return send(fail(404, [API_MESSAGES.unknownEndpoint]));
    }

    const allow = allowedMethods(found.route).join(', ');
    const handler = found.route.handlers[method];
    if (!handler && method !== 'OPTIONS') {
      return send({ ...fail(405, [API_MESSAGES.methodNotAllowed]), headers: { allow } });
    }
    const userId = userIdFromAuthorization(request.headers.authorization);
    if (userId === undefined) return send(fail(403, [API_MESSAGES.unauthenticated(origin)]));
    if (!handler) return reply.code(200).header('allow', allow).send(); // Flask's automatic OPTIONS

    // One bucket per user shared by every endpoint; auth first, so anonymous requests are not counted.
    const decision = options.limiter?.hit(`user:${userId}`);
    if (decision && !decision.allowed) {
      return send(fail(429, [API_MESSAGES.rateLimited(decision.breached!.description)]));
    }
    return send(await handler({ userId, ids: found.ids, request }));
  };

  app.register(async (api) => {
    // Bodies are read raw and parsed in the handler, after auth and the rate limit, as Flask's
    // lazy `request.json` is; so bad JSON or a wrong content type becomes an envelope, never a crash.
    api.removeAllContentTypeParsers();
    api.addContentTypeParser('*', { parseAs: 'buffer' }, (_request, body, done) => done(null, body));
    api.setErrorHandler((error: { statusCode?: number; code?: string }, _request, reply) => {
      if (error.code === 'FST_ERR_CTP_BODY_TOO_LARGE') {
        return reply.code(413).send(envelope({}, [API_MESSAGES.tooLarge]));
      }
      const status = error.statusCode && error.statusCode >= 400 && error.statusCode < 500 ? error.statusCode : 500;
      return reply.code(status).send(envelope({}, [status === 500 ? API_MESSAGES.internal : String((error as Error).message)]));
    });

    api.all('/api', dispatch);
    api.all('/api/*', dispatch);

    api.get('/apidoc', (request, reply) => redirectTo(reply, 308, `http://${request.headers.host ?? request.hostname}/apidoc/`));
    api.get('/apidoc/', (_request, reply) =>
      reply
        .type('text/html; charset=utf-8')
        .send(
          '<!doctype html><title>Instrument Catalog API (sandbox)</title><h1>Instrument Catalog API</h1>' +
            '<p>This is the BenchSync sandbox emulator. API keys are printed by <code>npm run sandbox</code>.</p>',
        ),
    );
    registerImageRoutes(api);
  });
}
