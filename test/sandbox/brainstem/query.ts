/**
 * dynamic-rest list parameters (docs/remotes/brainstem.md): `filter{field[.op]}`, `sort[]`, `include[]`/`exclude[]`,
 * DRF `limit`/`offset` paging and the list envelope. Parameter names arrive percent-encoded
 * (`filter%7Bname%7D`, `setup.%2A`), so the raw query string is decoded here, not by Fastify.
 */
import { ApiError, detail } from './http';

export type FieldKind = 'string' | 'uuid' | 'number' | 'boolean' | 'datetime' | 'json' | 'relation';

export interface ModelDef {
  /** dynamic-rest serializer name, used in its error messages. */
  name: string;
  /** Visible fields, in output order. */
  fields: Readonly<Record<string, FieldKind>>;
  /** Relation field -> related model name. */
  relations?: Readonly<Record<string, string>>;
}

// `any`: interfaces (the store rows) are only assignable to an index signature of `any`.
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export type Row = Record<string, any>;

export interface Resolver {
  def(model: string): ModelDef;
  get(model: string, id: unknown): Row | undefined;
}

export const DEFAULT_LIMIT = 20;
export const MAX_LIMIT = 100;

/** `application/x-www-form-urlencoded` decoding as Django's QueryDict does it (`+` is a space, blanks kept). */
export function parseQueryString(query: string): Array<[string, string]> {
  const out: Array<[string, string]> = [];
  for (const part of query.split('&')) {
    if (!part) continue;
    const eq = part.indexOf('=');
    const key = eq < 0 ? part : part.slice(0, eq);
    const value = eq < 0 ? '' : part.slice(eq + 1);
    out.push([decodeComponent(key), decodeComponent(value)]);
  }
  return out;
}

function decodeComponent(s: string): string {
  const spaced = s.replace(/\+/g, ' ');
  try {
    return decodeURIComponent(spaced);
  } catch {
    // Python's unquote leaves broken escapes as they are instead of failing.
    return spaced.replace(/%([0-9a-fA-F]{2})/g, (m, hex: string) => {
      try {
        return decodeURIComponent(`%${hex}`);
      } catch {
        return m;
      }
    });
  }
}

/** Python's `urllib.parse.quote_plus`: only `A-Za-z0-9_.-~` stay literal, so `*` becomes `%2A`. */
export function quotePlus(s: string): string {
  return encodeURIComponent(s)
    .replace(/[!'()*]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`)
    .replace(/%20/g, '+');
}

export interface ListQuery {
  /** spec inside `filter{...}` -> every value given for it (QueryDict.getlist). */
  filters: Map<string, string[]>;
  sort: string[];
  include: string[];
  exclude: string[];
  limit: number;
  offset: number;
}

/** QueryDict's `[]` returns the last value of a repeated key. */
function last(params: Array<[string, string]>, key: string): string | undefined {
  let found: string | undefined;
  for (const [k, v] of params) if (k === key) found = v;
  return found;
}

/** DRF's `_positive_int`: a strict int; otherwise the caller falls back to the default. */
function positiveInt(raw: string | undefined, strict: boolean): number | undefined {
  if (raw === undefined || !/^\s*\+?\d+\s*$/.test(raw)) return undefined;
  const n = Number(raw.trim());
  if (!Number.isSafeInteger(n) || (strict && n === 0)) return undefined;
  return n;
}

export function parseListQuery(params: Array<[string, string]>): ListQuery {
  const filters = new Map<string, string[]>();
  const sort: string[] = [];
  const include: string[] = [];
  const exclude: string[] = [];
  for (const [key, value] of params) {
    const m = /^filter\{(.+)\}$/.exec(key);
    if (m) {
      const spec = m[1]!;
      const list = filters.get(spec);
      if (list) list.push(value);
      else filters.set(spec, [value]);
    } else if (key === 'sort[]') sort.push(value.trim());
    else if (key === 'include[]') include.push(value);
    else if (key === 'exclude[]') exclude.push(value);
  }
  const limit = Math.min(positiveInt(last(params, 'limit'), true) ?? DEFAULT_LIMIT, MAX_LIMIT);
  const offset = positiveInt(last(params, 'offset'), false) ?? 0;
  return { filters, sort, include, exclude, limit, offset };
}

// ---------------------------------------------------------------------------------------------
// Field paths

interface CompiledPath {
  kind: FieldKind;
  /** Last field name (for messages). */
  field: string;
  get(row: Row): unknown;
}

function compilePath(
  def: ModelDef,
  parts: string[],
  resolver: Resolver,
  invalid: (part: string, nested: boolean) => ApiError,
): CompiledPath {
  type Step = { field: string; model?: string };
  const steps: Step[] = [];
  let current = def;
  let kind: FieldKind = 'string';
  let jsonKeys: string[] = [];
  for (let i = 0; i < parts.length; i++) {
    const field = parts[i] === 'pk' ? 'id' : parts[i]!;
    const fieldKind = current.fields[field];
    if (!fieldKind) throw invalid(parts[i]!, false);
    kind = fieldKind;
    const isLast = i === parts.length - 1;
    if (isLast) {
      steps.push({ field });
      break;
    }
    if (fieldKind === 'relation') {
      const model = current.relations?.[field];
      if (!model) throw invalid(field, true);
      steps.push({ field, model });
      current = resolver.def(model);
      continue;
    }
    if (fieldKind === 'json') {
      // Django JSONField key transforms: filter{details.virus_type}=AAV
      steps.push({ field });
      jsonKeys = parts.slice(i + 1);
      break;
    }
    throw invalid(field, true);
  }
  return {
    kind,
    field: parts[parts.length - 1]!,
    get(row) {
      let cur: unknown = row;
      for (const step of steps) {
        if (cur == null || typeof cur !== 'object') return null;
        const value = (cur as Row)[step.field];
        cur = step.model ? resolver.get(step.model, value) : value;
      }
      for (const key of jsonKeys) {
        if (cur == null || typeof cur !== 'object') return null;
        cur = (cur as Row)[key];
      }
      return cur;
    },
  };
}

// ---------------------------------------------------------------------------------------------
// Filters

export const OPERATORS: ReadonlySet<string> = new Set([
  'in', 'any', 'all', 'icontains', 'contains', 'startswith', 'istartswith', 'endswith', 'iendswith',
  'iexact', 'exact', 'year', 'month', 'day', 'week_day', 'regex', 'iregex', 'range',
  'gt', 'lt', 'gte', 'lte', 'isnull', 'eq',
]);
const FALSEY = new Set(['0', 'false', '']);

type Predicate = (row: Row) => boolean;

function coerce(path: CompiledPath, raw: string): unknown {
  if (path.kind === 'boolean') {
    if (['true', 'True', '1', 't'].includes(raw)) return true;
    if (['false', 'False', '0', 'f'].includes(raw)) return false;
    throw detail(400, `“${raw}” value must be either True or False.`);
  }
  if (path.kind === 'number') {
    const n = Number(raw);
    if (raw.trim() === '' || !Number.isFinite(n)) throw detail(400, `Field '${path.field}' expected a number but got '${raw}'.`);
    return n;
  }
  return raw;
}

function asText(value: unknown): string | null {
  if (value == null) return null;
  return typeof value === 'object' ? JSON.stringify(value) : String(value);
}

function equals(path: CompiledPath, value: unknown, wanted: unknown): boolean {
  if (value == null) return false;
  if (path.kind === 'uuid' || path.kind === 'relation') return String(value).toLowerCase() === String(wanted).toLowerCase();
  if (path.kind === 'json') {
    if (typeof value === 'number') return value === Number(wanted);
    if (typeof value === 'boolean') return String(value) === String(wanted).toLowerCase();
    return asText(value) === wanted;
  }
  return value === wanted;
}

function compare(a: unknown, b: unknown): number {
  if (typeof a === 'number' && typeof b === 'number') return a - b;
  if (typeof a === 'boolean' && typeof b === 'boolean') return Number(a) - Number(b);
  const sa = asText(a) ?? '';
  const sb = asText(b) ?? '';
  return sa < sb ? -1 : sa > sb ? 1 : 0;
}

function datePart(op: string, value: unknown): number | null {
  if (typeof value !== 'string') return null;
  const d = new Date(value);
  if (Number.isNaN(d.getTime())) return null;
  if (op === 'year') return d.getUTCFullYear();
  if (op === 'month') return d.getUTCMonth() + 1;
  if (op === 'day') return d.getUTCDate();
  return d.getUTCDay() + 1; // Django week_day: 1 = Sunday
}

function predicate(path: CompiledPath, op: string | null, values: string[]): Predicate {
  const first = values[0] ?? '';
  const text = (fn: (v: string, w: string) => boolean, lower: boolean): Predicate => {
    const w = lower ? first.toLowerCase() : first;
    return (row) => {
      const v = asText(path.get(row));
      return v !== null && fn(lower ? v.toLowerCase() : v, w);
    };
  };
  switch (op) {
    case null:
    case 'exact': {
      const wanted = coerce(path, first);
      return (row) => equals(path, path.get(row), wanted);
    }
    case 'iexact':
      return text((v, w) => v === w, true);
    case 'contains':
      return text((v, w) => v.includes(w), false);
    case 'icontains':
      return text((v, w) => v.includes(w), true);
    case 'startswith':
      return text((v, w) => v.startsWith(w), false);
    case 'istartswith':
      return text((v, w) => v.startsWith(w), true);
    case 'endswith':
      return text((v, w) => v.endsWith(w), false);
    case 'iendswith':
      return text((v, w) => v.endsWith(w), true);
    case 'gt':
    case 'gte':
    case 'lt':
    case 'lte': {
      const wanted = coerce(path, first);
      return (row) => {
        const v = path.get(row);
        if (v == null) return false;
        const c = compare(v, wanted);
        return op === 'gt' ? c > 0 : op === 'gte' ? c >= 0 : op === 'lt' ? c < 0 : c <= 0;
      };
    }
    case 'in': {
      const wanted = values.map((v) => coerce(path, v));
      return (row) => {
        const v = path.get(row);
        return wanted.some((w) => equals(path, v, w));
      };
    }
    case 'range': {
      const [lo, hi] = values.slice(0, 2).map((v) => coerce(path, v));
      return (row) => {
        const v = path.get(row);
        return v != null && lo !== undefined && hi !== undefined && compare(v, lo) >= 0 && compare(v, hi) <= 0;
      };
    }
    case 'isnull': {
      const wantNull = !FALSEY.has(first.toLowerCase());
      return (row) => (path.get(row) == null) === wantNull;
    }
    case 'regex':
    case 'iregex': {
      let re: RegExp;
      try {
        re = new RegExp(first, op === 'iregex' ? 'i' : '');
      } catch {
        throw detail(400, `Invalid regular expression: ${first}`);
      }
      return (row) => {
        const v = asText(path.get(row));
        return v !== null && re.test(v);
      };
    }
    case 'year':
    case 'month':
    case 'day':
    case 'week_day': {
      if (path.kind !== 'datetime') throw detail(400, `Unsupported lookup '${op}' for field '${path.field}'.`);
      const wanted = Number(first);
      return (row) => datePart(op, path.get(row)) === wanted;
    }
    default:
      throw detail(400, `Unsupported lookup '${op}' for field '${path.field}'.`);
  }
}

/** All filters AND-ed; `filter{-field}` excludes. Unknown fields -> 400 as dynamic-rest's ValidationError. */
export function compileFilters(def: ModelDef, filters: Map<string, string[]>, resolver: Resolver): Predicate | null {
  const predicates: Predicate[] = [];
  for (const [rawSpec, values] of filters) {
    const negate = rawSpec.startsWith('-');
    const spec = negate ? rawSpec.slice(1) : rawSpec;
    const parts = spec.split('.');
    let op: string | null = null;
    if (parts.length > 1 && OPERATORS.has(parts[parts.length - 1]!)) op = parts.pop()!;
    if (op === 'eq') op = null;
    const path = compilePath(def, parts, resolver, (part, nested) =>
      detail(400, nested ? `Invalid nested filter field: ${part}` : `Invalid filter field: ${part}`),
    );
    const p = predicate(path, op, values);
    predicates.push(negate ? (row) => !p(row) : p);
  }
  if (predicates.length === 0) return null;
  return (row) => predicates.every((p) => p(row));
}

/** `sort[]` terms; invalid ones are reported together, as dynamic-rest's sorting filter does. */
export function compileSort(def: ModelDef, terms: string[], resolver: Resolver): ((a: Row, b: Row) => number) | null {
  if (terms.length === 0) return null;
  const invalid: string[] = [];
  const keys: Array<{ path: CompiledPath; desc: boolean }> = [];
  for (const term of terms) {
    const desc = term.startsWith('-');
    const name = term.replace(/^-+/, '');
    try {
      const path = compilePath(def, name.split('.'), resolver, () => new ApiError(400, null));
      if (path.kind === 'json' && name.includes('.')) throw new ApiError(400, null);
      keys.push({ path, desc });
    } catch (error) {
      if (!(error instanceof ApiError)) throw error;
      invalid.push(term);
    }
  }
  if (invalid.length > 0) throw detail(400, `Invalid filter field: [${invalid.map((t) => `'${t}'`).join(', ')}]`);
  return (a, b) => {
    for (const { path, desc } of keys) {
      const va = path.get(a);
      const vb = path.get(b);
      // PostgreSQL puts NULLs last ascending and first descending.
      let c: number;
      if (va == null || vb == null) c = va == null && vb == null ? 0 : va == null ? 1 : -1;
      else c = compare(va, vb);
      if (c !== 0) return desc ? -c : c;
    }
    return 0;
  };
}

// ---------------------------------------------------------------------------------------------
// Rendering (include[] / exclude[])

export type Serializer = (model: string, row: Row) => Row;

/** Builds the per-row renderer; `include[]=rel.*` inlines the related object instead of its id. */
export function compileRender(
  def: ModelDef,
  include: string[],
  exclude: string[],
  resolver: Resolver,
  serialize: Serializer,
  model: string,
): (row: Row) => Row {
  const inline = new Set<string>();
  const invalid = (name: string) => detail(400, `"${name}" is not a valid field name for "${def.name}".`);
  for (const spec of include) {
    if (spec === '*' || spec === '') continue;
    const [first, ...rest] = spec.split('.');
    if (!first || !(first in def.fields)) throw invalid(first ?? spec);
    if (rest.length > 0 && def.fields[first] === 'relation') inline.add(first);
  }
  const dropped = new Set<string>();
  for (const name of exclude) {
    if (!(name in def.fields)) throw invalid(name);
    dropped.add(name);
  }
  return (row) => {
    const out = serialize(model, row);
    for (const field of inline) {
      const related = resolver.get(def.relations![field]!, out[field]);
      if (related) out[field] = serialize(def.relations![field]!, related);
    }
    for (const field of dropped) delete out[field];
    return out;
  };
}

// ---------------------------------------------------------------------------------------------
// Paging

/** DRF's `replace_query_param`: parse, replace, then re-encode with keys sorted. */
function pageUrl(origin: string, path: string, params: Array<[string, string]>, set: Record<string, number | null>): string {
  const grouped = new Map<string, string[]>();
  for (const [k, v] of params) {
    if (k in set) continue;
    const list = grouped.get(k);
    if (list) list.push(v);
    else grouped.set(k, [v]);
  }
  for (const [k, v] of Object.entries(set)) if (v !== null) grouped.set(k, [String(v)]);
  const keys = [...grouped.keys()].sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
  const query = keys.flatMap((k) => grouped.get(k)!.map((v) => `${quotePlus(k)}=${quotePlus(v)}`)).join('&');
  return `${origin}${path}?${query}`;
}

export interface Page<T> {
  items: readonly T[];
  count: number;
  next: string | null;
  previous: string | null;
  meta: { page: number; per_page: number; total_pages: number; total_results: number };
}

export function paginate<T>(
  rows: readonly T[],
  q: ListQuery,
  where: { origin: string; path: string; params: Array<[string, string]> },
): Page<T> {
  const count = rows.length;
  const { limit, offset } = q;
  const items = rows.slice(offset, offset + limit);
  const next = offset + limit < count ? pageUrl(where.origin, where.path, where.params, { limit, offset: offset + limit }) : null;
  let previous: string | null = null;
  if (offset > 0) {
    previous =
      offset - limit <= 0
        ? pageUrl(where.origin, where.path, where.params, { limit, offset: null })
        : pageUrl(where.origin, where.path, where.params, { limit, offset: offset - limit });
  }
  return {
    items,
    count,
    next,
    previous,
    meta: {
      page: Math.floor(offset / limit) + 1,
      per_page: limit,
      total_pages: Math.max(1, Math.ceil(count / limit)),
      total_results: count,
    },
  };
}
