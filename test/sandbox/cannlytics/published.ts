import type { FastifyReply, FastifyRequest } from 'fastify';
import { decodeUtf8, pythonJsonLoads } from './python-json';
import { MESSAGES } from './responses';
import { naiveIsoNow, sendDjangoPage } from './routes';
import type { Fields, InstrumentStore } from './store';
import { userForAuthorization, type CannlyticsUser } from './users';
import { checkDocId, isDict } from './validation';

/**
 * Published mode: what the docs-era code does (cannlytics/cannlytics at 2e228b53, August 2021):
 * `api/instruments/instruments.py`, `api/auth/auth.py` `authorize_user`, `api/api.py`
 * `get_objects`/`update_object`/`delete_object`, `cannlytics/firebase.py` `get_collection`.
 * Every Python exception there is Django's HTML 500 page. See docs/remotes/cannlytics.md.
 */

/** The 2021 code's error envelope. */
const error2021 = (message: string) => ({ error: true, message });

const DATA_NOT_RECOGNIZED = 'Data not recognized. Please post either a singular object or an array of objects.';

/**
 * `authorize_user` (2021): `authorized_ids = claims.get('owner', '')` (the `team` and `qa` lines
 * before it are overwritten), a list is cut to its first element, then `org_id not in authorized_ids`,
 * a substring test on that string. Organisation creation set `owner` to a plain string.
 */
function ownerClaim(user: CannlyticsUser): string {
  return user.owner[0] ?? '';
}

type Step = { ok: true } | { ok: false; crash: true };
const crash = (): { ok: false; crash: true } => ({ ok: false, crash: true });

/** `json.loads(request.body.decode('utf-8'))`: Python's parser, NaN included; anything else raises. */
function loadsBody(raw: Buffer | undefined): { ok: true; value: unknown } | { ok: false; crash: true } {
  const text = decodeUtf8(raw ?? Buffer.alloc(0));
  if (text === undefined) return crash();
  const result = pythonJsonLoads(text);
  return result.ok ? { ok: true, value: result.value } : crash();
}

/** A document path segment Firestore accepts; anything else raises inside the client (500). */
const usableDocId = (id: string) => checkDocId(id) === undefined;

export function handlePublished(
  store: InstrumentStore,
  request: FastifyRequest,
  reply: FastifyReply,
  pathId: string | undefined,
): FastifyReply {
  const user = userForAuthorization(request.headers.authorization);
  // `claims['uid']` on the empty dict an unknown key gives: KeyError, caught, 401.
  if (!user) return reply.code(401).send(error2021(MESSAGES.unauthenticated));
  const params = new URL(request.url, 'http://localhost').searchParams;
  // `request.query_params['organization_id']`: only a missing key is the 403; a blank one passes on.
  if (!params.has('organization_id')) return reply.code(403).send(error2021(MESSAGES.organizationRequired));
  const org = params.getAll('organization_id').at(-1)!;
  if (!ownerClaim(user).includes(org)) return reply.code(403).send(error2021(MESSAGES.notMember));
  // `organizations//instruments`: an empty path segment makes the Firestore client raise.
  if (org === '') return sendDjangoPage(reply, 500);

  const raw = request.body as Buffer | undefined;
  if (request.method === 'GET') return get(store, reply, org, pathId, params);
  if (request.method === 'POST') return post(store, reply, org, user, raw);
  return remove(store, reply, org, user, pathId, raw);
}

/** `get_objects` and `get_collection`. */
function get(store: InstrumentStore, reply: FastifyReply, org: string, pathId: string | undefined, params: URLSearchParams) {
  const one = (id: string) => store.get(org, id) ?? {};
  if (pathId !== undefined) {
    if (!usableDocId(pathId)) return sendDjangoPage(reply, 500);
    return reply.send({ success: true, data: one(pathId) });
  }
  const last = (name: string) => params.getAll(name).at(-1);
  // `for item in items` walks the string: `items=A,B` reads the documents "A", "," and "B".
  const items = last('items');
  if (items) {
    const chars = [...items];
    if (!chars.every(usableDocId)) return sendDjangoPage(reply, 500);
    return reply.send({ success: true, data: chars.map(one) });
  }
  // `limit` stays the query string's text and reaches `collection.limit(limit)`; the Firestore
  // client builds `Int32Value(value='10')` when the query runs and raises TypeError. An empty
  // value is falsy and skips `.limit()` altogether (no limit at all, not the default 1000).
  const limitText = last('limit');
  if (limitText !== undefined && limitText !== '') return sendDjangoPage(reply, 500);
  const limit = limitText === '' ? Number.MAX_SAFE_INTEGER : 1000;
  const orderBy = last('order_by') || undefined;
  // Any non-empty `desc` is truthy, `desc=false` included; it only matters together with order_by.
  const desc = orderBy !== undefined && Boolean(last('desc'));
  return reply.send({ success: true, data: store.list(org, { limit, orderBy, desc }) });
}

/**
 * `update_object`: writes item by item and fails where Python raises, after the writes before it:
 * a missing `instrument_id` (KeyError), an unusable document id, and `update_totals` running
 * `re.sub` on the last id, which raises for a non-string id (after every write) and for an
 * empty list (`doc_id` never assigned).
 */
function post(store: InstrumentStore, reply: FastifyReply, org: string, user: CannlyticsUser, raw: Buffer | undefined) {
  const body = loadsBody(raw);
  if (!body.ok) return sendDjangoPage(reply, 500);
  const data = body.value;
  if (!isDict(data) && !Array.isArray(data)) return reply.code(400).send(error2021(DATA_NOT_RECOGNIZED));
  const items = Array.isArray(data) ? data : [data];
  const stamp = { updated_at: naiveIsoNow(), updated_by: user.uid };
  const written: Fields[] = [];
  let lastId: unknown;
  for (const item of items) {
    const step = write(store, org, item, stamp);
    if (!step.ok) return sendDjangoPage(reply, 500);
    written.push(step.written);
    lastId = (item as Fields).instrument_id;
  }
  if (items.length === 0 || typeof lastId !== 'string') return sendDjangoPage(reply, 500);
  return reply.send({ success: true, data: Array.isArray(data) ? written : written[0] });
}

function write(
  store: InstrumentStore,
  org: string,
  item: unknown,
  stamp: Fields,
): { ok: true; written: Fields } | { ok: false; crash: true } {
  // `item['instrument_id']` on a non-dict raises too (TypeError), as does a missing key.
  if (!isDict(item) || !Object.hasOwn(item, 'instrument_id')) return crash();
  const id = item.instrument_id;
  // The f-string path formats any value; numbers are the only other ids worth storing.
  const docId = typeof id === 'string' ? id : typeof id === 'number' ? String(id) : undefined;
  if (docId === undefined || !usableDocId(docId)) return crash();
  const written = { ...item, ...stamp };
  store.upsert(org, docId, written);
  return { ok: true, written };
}

/** `delete_object`: the body is parsed first (an empty one raises), then the owner/QA check. */
function remove(
  store: InstrumentStore,
  reply: FastifyReply,
  org: string,
  user: CannlyticsUser,
  pathId: string | undefined,
  raw: Buffer | undefined,
) {
  const body = loadsBody(raw);
  if (!body.ok) return sendDjangoPage(reply, 500);
  // `organization_id not in qa and organization_id not in owner`, both string claims; only owners
  // get here anyway, since team and QA keys never pass `authorize_user`.
  const qa = user.qa[0] ?? '';
  if (!qa.includes(org) && !ownerClaim(user).includes(org)) {
    return reply.code(403).send(error2021(MESSAGES.deleteForbidden));
  }
  if (pathId !== undefined) {
    if (!usableDocId(pathId)) return sendDjangoPage(reply, 500);
    store.delete(org, pathId);
    return reply.send({ success: true, data: [] });
  }
  const data = body.value;
  // Neither a dict nor a list: nothing is deleted, and the view still answers success.
  const items = isDict(data) ? [data] : Array.isArray(data) ? data : [];
  for (const item of items) {
    const step = deleteOne(store, org, item);
    if (!step.ok) return sendDjangoPage(reply, 500);
  }
  return reply.send({ success: true, data: [] });
}

function deleteOne(store: InstrumentStore, org: string, item: unknown): Step {
  if (!isDict(item) || !Object.hasOwn(item, 'instrument_id')) return crash();
  const id = item.instrument_id;
  const docId = typeof id === 'string' ? id : typeof id === 'number' ? String(id) : undefined;
  if (docId === undefined || !usableDocId(docId)) return crash();
  store.delete(org, docId);
  return { ok: true };
}
