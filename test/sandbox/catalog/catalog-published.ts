import type { FastifyRequest } from 'fastify';
import type { ImageCheck } from './catalog-images';
import { LIMITS, MESSAGES, collapseSpaces, pyStr, pyStrip } from './catalog-validation';

/**
 * Published mode: `get_validated_instrument_data` exactly as noahbrenner/instrument-catalog-py
 * `instrument_catalog/validation.py` runs it (Flask 1.0.2), crashes included, for the POST and
 * PUT handlers of `instrument_catalog/api.py`. See docs/remotes/catalog.md.
 *
 * Where the Python raises, the request is a Flask 500 page:
 * - `instrument['category_id']` / `instrument['image']` on a body without that key (KeyError);
 * - any non-empty `alternate_names`: `instrument.get('name', existing_instrument.id)` evaluates
 *   its default eagerly, on None (POST) or on a dict (PUT), an AttributeError;
 * - a string over its column length: the message formats an undefined `limit` (NameError);
 * - a body that is not a JSON object, or not sent as JSON (`request.json` is None).
 * What survives validation crashes in the handler (`instrument_data.pop('alternate_names')` on a
 * dict without that key, and PUT's `for key, value in instrument_data.keys()`), so in this mode
 * POST and PUT never succeed: they answer 400 with the collected messages or 500.
 */

/** Werkzeug 0.15's InternalServerError page. */
export const FLASK_500 =
  '<!DOCTYPE HTML PUBLIC "-//W3C//DTD HTML 3.2 Final//EN">\n<title>500 Internal Server Error</title>\n<h1>Internal Server Error</h1>\n<p>The server encountered an internal error and was unable to complete your request. Either the server is overloaded or there is an error in the application.</p>\n';

/** Werkzeug 0.15's BadRequest page: what Flask 1.0 (debug off) sends for a body that is not valid JSON. */
export const FLASK_400 =
  '<!DOCTYPE HTML PUBLIC "-//W3C//DTD HTML 3.2 Final//EN">\n<title>400 Bad Request</title>\n<h1>Bad Request</h1>\n<p>The browser (or proxy) sent a request that this server could not understand.</p>\n';

export type PublishedOutcome =
  | { kind: 'crash' }
  | { kind: 'bad-json' }
  /** Validation failed: the 400 the code sends, `data` = the normalized input. */
  | { kind: 'invalid'; errors: string[]; echo: Record<string, unknown> };

/** Python truthiness of a JSON value. */
function truthy(value: unknown): boolean {
  if (value === null || value === undefined || value === false || value === 0 || value === '') return false;
  if (Array.isArray(value)) return value.length > 0;
  if (typeof value === 'object') return Object.keys(value).length > 0;
  return true;
}

/** Python `int()` of an already stripped string. */
function pyInt(s: string): number | undefined {
  return /^[+-]?\d+(?:_\d+)*$/.test(s) ? Number(s.replace(/_/g, '')) : undefined;
}

const pyLen = (s: string) => [...s].length;

/** `request.json` in Flask 1.0: None unless the mimetype is JSON; a BadRequest when it does not parse. */
function requestJson(request: FastifyRequest): { kind: 'none' } | { kind: 'bad' } | { kind: 'ok'; value: unknown } {
  const mimetype = (request.headers['content-type'] ?? '').split(';')[0]!.trim().toLowerCase();
  const isJson = mimetype === 'application/json' || (mimetype.startsWith('application/') && mimetype.endsWith('+json'));
  if (!isJson) return { kind: 'none' };
  const raw = Buffer.isBuffer(request.body) ? request.body : Buffer.alloc(0);
  try {
    return { kind: 'ok', value: JSON.parse(new TextDecoder('utf-8', { fatal: true }).decode(raw)) };
  } catch {
    return { kind: 'bad' };
  }
}

export interface PublishedContext {
  method: 'POST' | 'PUT';
  categoryExists(id: number): boolean;
  checkImage(url: string): Promise<ImageCheck>;
}

export async function validatePublished(request: FastifyRequest, ctx: PublishedContext): Promise<PublishedOutcome> {
  const json = requestJson(request);
  if (json.kind === 'bad') return { kind: 'bad-json' };
  if (json.kind === 'none') return { kind: 'crash' };
  const data = json.value;
  // `key in data` / `data.get(...)` on a list, string, number or null ends in a TypeError,
  // AttributeError or, at the latest, the KeyError on `instrument['category_id']`.
  if (typeof data !== 'object' || data === null || Array.isArray(data)) return { kind: 'crash' };
  const body = data as Record<string, unknown>;
  const has = (key: string) => Object.hasOwn(body, key);
  const errors: string[] = [];

  // Copy and normalize the four columns that were sent: `collapse_spaces(str(value))`.
  const instrument: Record<string, unknown> = {};
  for (const key of ['name', 'description', 'image', 'category_id']) {
    if (!has(key)) continue;
    const text = pyStr(body[key]); // null becomes "None"
    instrument[key] = key === 'description' ? pyStrip(text) : collapseSpaces(text);
  }

  // `get_alternate_instrument_names`: falsy items dropped, each str()-ed and collapsed.
  let alternateNames: string[] = [];
  if (has('alternate_names')) {
    if (Array.isArray(body.alternate_names)) {
      alternateNames = body.alternate_names.filter(truthy).map((n) => collapseSpaces(pyStr(n)));
    } else {
      errors.push(MESSAGES.alternateNamesType);
    }
  }
  if (alternateNames.length > 0) instrument.alternate_names = alternateNames;

  const inputColumns = new Set(Object.keys(instrument).filter((k) => truthy(instrument[k])));
  // PUT skips this check. (The real message joins a Python set, whose order varies by process.)
  if (ctx.method !== 'PUT') {
    const missing = ['name', 'description', 'category_id'].filter((k) => !inputColumns.has(k));
    if (missing.length > 0) errors.push(MESSAGES.required(missing));
  }
  const columnLimits: Record<string, number> = { name: LIMITS.name, description: LIMITS.description, image: LIMITS.image };
  for (const column of ['name', 'description', 'image']) {
    if (inputColumns.has(column) && pyLen(instrument[column] as string) > columnLimits[column]!) return { kind: 'crash' };
  }
  if ('alternate_names' in instrument) return { kind: 'crash' };

  if (!('category_id' in instrument)) return { kind: 'crash' };
  if (truthy(instrument.category_id)) {
    const id = pyInt(instrument.category_id as string);
    if (id === undefined) errors.push(MESSAGES.invalidCategory);
    else {
      instrument.category_id = id;
      if (!ctx.categoryExists(id)) errors.push(MESSAGES.invalidCategory);
    }
  }

  if (!('image' in instrument)) return { kind: 'crash' };
  // `if instrument['image']:` — an empty string means no image and is not checked.
  if (truthy(instrument.image)) {
    const check = await ctx.checkImage(instrument.image as string);
    instrument.image = check.url;
    if (check.error) errors.push(check.error);
  }

  // Valid data reaches the handler, which crashes (see the module comment).
  if (errors.length === 0) return { kind: 'crash' };
  const echo = Object.fromEntries(Object.keys(instrument).sort().map((k) => [k, instrument[k]]));
  return { kind: 'invalid', errors, echo };
}
