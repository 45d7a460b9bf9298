import { decodeUtf8, describeJsonError, pythonJsonLoads, utf8ErrorText } from './python-json';
import type { Fields } from './store';

/** An early answer: status plus body (a DRF `{detail}` or the Cannlytics failure envelope). */
export interface Rejection {
  status: number;
  body: unknown;
}

export type Parsed<T> = { ok: true; value: T } | ({ ok: false } & Rejection);

const reject = (status: number, body: unknown): { ok: false } & Rejection => ({ ok: false, status, body });
const clientError = (message: string) => reject(400, { success: false, data: null, message });

function decodeJson(raw: Buffer): Parsed<unknown> {
  const text = decodeUtf8(raw);
  if (text === undefined) return reject(400, { detail: `JSON parse error - ${utf8ErrorText(raw)}` });
  const result = pythonJsonLoads(text);
  if (!result.ok) return reject(400, { detail: `JSON parse error - ${describeJsonError(result)}` });
  // DRF's JSONParser is strict: Python would accept NaN/Infinity, DRF's parse_constant refuses them.
  if (result.usedConstant) {
    return reject(400, { detail: `JSON parse error - Out of range float values are not valid JSON: '${result.usedConstant}'` });
  }
  return { ok: true, value: result.value };
}

/**
 * POST bodies go through DRF's `request.data`: no body or no Content-Type gives `{}`; JSON is
 * parsed strictly; other types DRF cannot parse are a 415 quoting the header as sent.
 */
export function parsePostBody(raw: Buffer | undefined, contentType: string | undefined): Parsed<unknown> {
  if (raw === undefined || raw.length === 0 || contentType === undefined) return { ok: true, value: {} };
  const mediaType = contentType.split(';')[0]!.trim().toLowerCase();
  if (mediaType === 'application/json') return decodeJson(raw);
  if (mediaType === 'application/x-www-form-urlencoded' || mediaType === 'multipart/form-data') {
    // DRF parses these into an immutable QueryDict and the view then 500s assigning `updated_at`.
    return clientError('Instruments must be posted as JSON (Content-Type: application/json); form data cannot be stored.');
  }
  return reject(415, { detail: `Unsupported media type "${contentType}" in request.` });
}

/**
 * DELETE reads `json.loads(request.body)` directly, whatever the Content-Type. An empty or bad
 * body makes the real server 500; here it is DRF's 400 parse error so a client sees why.
 */
export function parseDeleteBody(raw: Buffer | undefined): Parsed<unknown> {
  return decodeJson(raw ?? Buffer.alloc(0));
}

/**
 * Firestore document ids: non-empty, no `/`, not `.` or `..`, not `__x__`, at most 1500 bytes.
 * The real server lets Firestore raise (a 500); here it is a 400 that names the id.
 */
export function checkDocId(id: string): string | undefined {
  if (id === '') return 'The instrument_id must not be empty.';
  if (id.includes('/')) return `The instrument_id "${id}" must not contain "/".`;
  if (id === '.' || id === '..' || /^__.*__$/.test(id)) return `The instrument_id "${id}" is reserved by the database.`;
  if (Buffer.byteLength(id) > 1500) return 'The instrument_id must be at most 1500 bytes.';
  return undefined;
}

/** Firestore formats a numeric id into the document path, so `5` and `"5"` name the same document. */
function docIdOf(value: unknown): string | undefined {
  if (typeof value === 'string') return value;
  if (typeof value === 'number' && Number.isFinite(value)) return String(value);
  return undefined;
}

export const isDict = (v: unknown): v is Fields => typeof v === 'object' && v !== null && !Array.isArray(v);

export interface Keyed {
  docId: string;
  item: Fields;
}

/**
 * Every item must be a dict with a usable `instrument_id`. All items are checked before anything
 * is written, so a bad item in a list changes nothing (the real server writes the items before
 * the bad one and then 500s with a KeyError).
 */
export function keyItems(items: unknown[]): Parsed<Keyed[]> {
  const keyed: Keyed[] = [];
  for (const [index, item] of items.entries()) {
    const where = items.length > 1 || index > 0 ? ` (item ${index})` : '';
    if (!isDict(item)) return clientError(`Each instrument must be an object${where}.`);
    if (!Object.hasOwn(item, 'instrument_id')) return clientError(`An instrument_id is required${where}.`);
    const docId = docIdOf(item.instrument_id);
    if (docId === undefined) return clientError(`The instrument_id must be a string${where}.`);
    const bad = checkDocId(docId);
    if (bad) return clientError(bad + where);
    keyed.push({ docId, item });
  }
  return { ok: true, value: keyed };
}

export type ListParams =
  | { kind: 'items'; ids: string[] }
  | { kind: 'query'; limit: number; orderBy: string | undefined; desc: boolean };

/**
 * List parameters, read as Django's `QueryDict.get` does (the last value wins), except `items`,
 * which may be repeated or comma-separated.
 */
export function parseListParams(params: URLSearchParams): Parsed<ListParams> {
  const items = params
    .getAll('items')
    .flatMap((v) => v.split(','))
    .map((v) => v.trim())
    .filter((v) => v !== '');
  if (items.length > 0) return { ok: true, value: { kind: 'items', ids: items } };
  const last = (name: string) => params.getAll(name).at(-1);
  let limit = 1000;
  const rawLimit = last('limit');
  if (rawLimit !== undefined) {
    // Python's int() accepts surrounding blanks and a sign; Firestore refuses negative limits.
    if (!/^\s*\+?\d+\s*$/.test(rawLimit)) return clientError(`The limit must be a non-negative integer, not "${rawLimit}".`);
    limit = Number(rawLimit.trim());
  }
  const orderBy = last('order_by') || undefined;
  // `desc=false` must not sort descending, so only the usual true spellings count.
  const desc = /^(true|1|yes|on)$/i.test(last('desc') ?? '');
  return { ok: true, value: { kind: 'query', limit, orderBy, desc } };
}
