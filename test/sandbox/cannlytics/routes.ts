import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { FixedWindowLimiter } from '../common/fixed-window-limiter';
import {
  DJANGO_HTML,
  DRF_HEADERS,
  MESSAGES,
  failure,
  frontEndHtml,
  success,
  throttledDetail,
} from './responses';
import { handlePublished } from './published';
import type { Fields, InstrumentStore } from './store';
import { canDeleteIn, isMemberOf, userForAuthorization, type CannlyticsUser } from './users';
import {
  checkDocId,
  isDict,
  keyItems,
  parseDeleteBody,
  parseListParams,
  parsePostBody,
  type Keyed,
  type Rejection,
} from './validation';

export interface RouteDeps {
  store: InstrumentStore;
  /** Absent: no throttling, as on the real LIMS endpoints. */
  limiter?: FixedWindowLimiter;
  /** Published mode: the 2021 code's behaviour (`published.ts`, docs/remotes/cannlytics.md). */
  asPublished?: boolean;
}

/** Every method is routed here so that the ones `@api_view` does not list get DRF's 405, not a 404. */
const ROUTED_METHODS = ['GET', 'HEAD', 'POST', 'PUT', 'PATCH', 'DELETE', 'OPTIONS'];
const VIEW_METHODS = new Set(['GET', 'POST', 'DELETE', 'OPTIONS']);

/** DRF's OPTIONS reply (SimpleMetadata) for the function view `instruments`. */
const METADATA = {
  name: 'Instruments',
  description: 'Get, create, or update instrument information.',
  renders: ['application/json', 'text/html'],
  parses: ['application/json', 'application/x-www-form-urlencoded', 'multipart/form-data'],
};

export function sendDjangoPage(reply: FastifyReply, status: 400 | 404 | 500): FastifyReply {
  return reply.code(status).type('text/html; charset=utf-8').send(DJANGO_HTML[status]);
}

/** Naive ISO timestamp as `datetime.now().isoformat()` prints it (server clock in UTC). */
export function naiveIsoNow(): string {
  return `${new Date().toISOString().slice(0, 23)}000`;
}

/**
 * Registers `/api/instruments` and `/api/instruments/<instrument_id>` in their own scope, whose
 * body parser only collects bytes: DRF parses lazily inside the view, after authentication, so
 * a bad body from an unauthenticated client must still be a 401.
 *
 * There are no trailing-slash routes: Django's APPEND_SLASH only redirects a slashless URL to an
 * existing slashed one, never the reverse, so `/api/instruments/` is a plain 404.
 */
export function registerInstrumentRoutes(app: FastifyInstance, deps: RouteDeps): void {
  app.register(async (scope) => {
    scope.removeAllContentTypeParsers();
    scope.addContentTypeParser('*', { parseAs: 'buffer' }, (_request, body, done) => done(null, body));
    scope.setErrorHandler((error, request, reply) => {
      const code = (error as { code?: string }).code;
      if (code === 'FST_ERR_CTP_BODY_TOO_LARGE') {
        // Django would refuse at DATA_UPLOAD_MAX_MEMORY_SIZE; the hosting front end answers 413 first.
        return reply.code(413).type('text/html; charset=utf-8').send(frontEndHtml(413, 'Request Entity Too Large'));
      }
      if (code === 'FST_ERR_CTP_INVALID_MEDIA_TYPE') {
        return reply
          .code(415)
          .headers(DRF_HEADERS)
          .send({ detail: `Unsupported media type "${request.headers['content-type'] ?? ''}" in request.` });
      }
      const status = (error as { statusCode?: number }).statusCode ?? 500;
      return sendDjangoPage(reply, status >= 400 && status < 500 ? 400 : 500);
    });

    const route = (url: string, pathId: (request: FastifyRequest) => string | undefined) =>
      scope.route({
        method: ROUTED_METHODS,
        url,
        exposeHeadRoute: false,
        handler: (request, reply) => handle(deps, request, reply, pathId(request)),
      });
    route('/api/instruments', () => undefined);
    route('/api/instruments/:instrument_id', (r) => (r.params as { instrument_id: string }).instrument_id);
  });
}

function handle(deps: RouteDeps, request: FastifyRequest, reply: FastifyReply, pathId: string | undefined) {
  // Django's `<instrument_id>` matches one non-empty segment of the decoded path.
  if (pathId !== undefined && (pathId === '' || pathId.includes('/'))) return sendDjangoPage(reply, 404);
  reply.headers(DRF_HEADERS);

  // DRF's APIView.initial() throttles before it even looks at the method.
  if (deps.limiter) {
    const key = request.headers.authorization?.split(' ').pop() || `ip:${request.ip}`;
    const decision = deps.limiter.hit(key);
    if (!decision.allowed) {
      const seconds = Math.max(1, Math.ceil((decision.retryAfterMs ?? 1000) / 1000));
      return reply.code(429).header('retry-after', String(seconds)).send({ detail: throttledDetail(seconds) });
    }
  }

  const method = request.method;
  if (!VIEW_METHODS.has(method)) return reply.code(405).send({ detail: `Method "${method}" not allowed.` });
  if (method === 'OPTIONS') return reply.send(METADATA);

  if (deps.asPublished) return handlePublished(deps.store, request, reply, pathId);

  // The view itself: authenticate, then the organisation check, then the action.
  const user = userForAuthorization(request.headers.authorization);
  if (!user) return reply.code(401).send(failure(MESSAGES.unauthenticated));
  const params = new URL(request.url, 'http://localhost').searchParams;
  const org = params.getAll('organization_id').at(-1);
  if (!org) return reply.code(403).send(failure(MESSAGES.organizationRequired));
  if (!isMemberOf(user, org)) return reply.code(403).send(failure(MESSAGES.notMember));

  const raw = request.body as Buffer | undefined;
  if (method === 'GET') return getInstruments(deps.store, reply, org, pathId, params);
  if (method === 'POST') return postInstruments(deps.store, reply, org, user, raw, request.headers['content-type']);
  return deleteInstruments(deps.store, reply, org, user, pathId, raw);
}

const rejectWith = (reply: FastifyReply, r: Rejection) => reply.code(r.status).send(r.body);

function getInstruments(
  store: InstrumentStore,
  reply: FastifyReply,
  org: string,
  pathId: string | undefined,
  params: URLSearchParams,
) {
  if (pathId !== undefined) {
    const bad = checkDocId(pathId);
    if (bad) return reply.code(400).send(failure(bad));
    // A missing document reads as an empty dict, still 200.
    return reply.send(success(store.get(org, pathId) ?? {}));
  }
  const list = parseListParams(params);
  if (!list.ok) return rejectWith(reply, list);
  const q = list.value;
  if (q.kind === 'items') {
    // The real handler fetches each requested document in turn (ignoring limit and order),
    // so a missing one shows up as `{}` at its position.
    return reply.send(success(q.ids.map((id) => (checkDocId(id) ? {} : (store.get(org, id) ?? {})))));
  }
  return reply.send(success(store.list(org, q)));
}

function postInstruments(
  store: InstrumentStore,
  reply: FastifyReply,
  org: string,
  user: CannlyticsUser,
  raw: Buffer | undefined,
  contentType: string | undefined,
) {
  // The path id of `POST /api/instruments/<id>` is ignored by the real view: the body's key decides.
  const parsed = parsePostBody(raw, contentType);
  if (!parsed.ok) return rejectWith(reply, parsed);
  const data = parsed.value;
  // Anything but a dict or a non-empty list (an empty list is falsy in the view) is "not recognized".
  if (!isDict(data) && !(Array.isArray(data) && data.length > 0)) {
    return reply.code(403).send(failure(MESSAGES.notRecognized));
  }
  const keyed = keyItems(Array.isArray(data) ? data : [data]);
  if (!keyed.ok) return rejectWith(reply, keyed);
  const stamp = { updated_at: naiveIsoNow(), updated_by: user.uid };
  const echoed: Fields[] = keyed.value.map(({ docId, item }: Keyed) => {
    const written = { ...item, ...stamp };
    store.upsert(org, docId, written);
    return written;
  });
  // The reply echoes what was posted (plus the stamp), not the merged document.
  return reply.send(success(Array.isArray(data) ? echoed : echoed[0]));
}

function deleteInstruments(
  store: InstrumentStore,
  reply: FastifyReply,
  org: string,
  user: CannlyticsUser,
  pathId: string | undefined,
  raw: Buffer | undefined,
) {
  // The real view parses the body before checking roles, even when the id is in the path.
  const parsed = parseDeleteBody(raw);
  if (!parsed.ok) return rejectWith(reply, parsed);
  if (!canDeleteIn(user, org)) return reply.code(403).send(failure(MESSAGES.deleteForbidden));
  let ids: string[];
  if (pathId !== undefined) {
    const bad = checkDocId(pathId);
    if (bad) return reply.code(400).send(failure(bad));
    ids = [pathId];
  } else {
    const data = parsed.value;
    if (!isDict(data) && !Array.isArray(data)) {
      // The real view ignores such a body and still answers success; a 400 keeps a client from
      // believing it deleted something.
      return reply.code(400).send(failure('Send {"instrument_id": ...} or a list of such objects to delete instruments.'));
    }
    const keyed = keyItems(Array.isArray(data) ? data : [data]);
    if (!keyed.ok) return rejectWith(reply, keyed);
    ids = keyed.value.map((k) => k.docId);
  }
  for (const id of ids) store.delete(org, id);
  return reply.send(success([]));
}
