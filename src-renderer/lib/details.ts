import type { DetailKeySpec, DetailsSpec } from '../../src-shared/domain/remotes/profile';
import { str } from '../../src-shared/domain/remotes/profile';

/**
 * `details` fields (see DetailsSpec): a JSON object whose keys depend on the record's type. A
 * listed type is edited as one row per documented key plus a JSON box for every other key; any
 * other type as one JSON box for the whole object. Nothing the value holds is ever dropped.
 */
export interface DetailsForm {
  kind: 'details';
  /** The type the rows are laid out for; null: the whole object is in the JSON box. */
  layout: string | null;
  /** Row key -> what its input shows ('' blank; booleans 'true' / 'false'). */
  rows: Record<string, string>;
  /** JSON text: the keys no row holds (listed type), or the whole object (unlisted type). */
  json: string;
}

export function isDetailsForm(v: unknown): v is DetailsForm {
  return typeof v === 'object' && v !== null && (v as DetailsForm).kind === 'details';
}

export function keysFor(spec: DetailsSpec, type: unknown): readonly DetailKeySpec[] | null {
  const t = str(type);
  return t && Object.hasOwn(spec.byType, t) ? spec.byType[t]! : null;
}

function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** Whether a stored value has the JSON type the row writes (anything else stays in the JSON box). */
function fitsRow(key: DetailKeySpec, value: unknown): boolean {
  switch (key.kind) {
    case 'text':
      return typeof value === 'string';
    case 'number':
      return typeof value === 'number' && Number.isFinite(value);
    case 'integer':
      return typeof value === 'number' && Number.isInteger(value);
    case 'boolean':
      return typeof value === 'boolean';
  }
}

const pretty = (value: unknown) => JSON.stringify(value, null, 2);

/** Lays a value out for the given type. */
export function toDetailsForm(spec: DetailsSpec, value: unknown, type: unknown): DetailsForm {
  const obj = isPlainObject(value) ? value : {};
  const keys = keysFor(spec, type);
  if (!keys) return { kind: 'details', layout: null, rows: {}, json: pretty(obj) };
  const rows: Record<string, string> = {};
  const rest: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(obj)) {
    const key = keys.find((x) => x.key === k);
    if (key && fitsRow(key, v)) rows[k] = String(v);
    else rest[k] = v;
  }
  return { kind: 'details', layout: str(type), rows, json: pretty(rest) };
}

/**
 * The form as the field value: the JSON box's object plus the rows' keys (blank rows left out).
 * Inputs that are not what their row needs are reported in the row's words.
 */
export function fromDetailsForm(spec: DetailsSpec, form: DetailsForm): { value: Record<string, unknown>; errors: string[] } {
  const errors: string[] = [];
  const text = form.json.trim();
  let base: Record<string, unknown> = {};
  if (text !== '') {
    try {
      const parsed = JSON.parse(text) as unknown;
      if (isPlainObject(parsed)) base = parsed;
      else errors.push(`The JSON box must hold an object, e.g. {"key": "value"}.`);
    } catch (error) {
      errors.push(`The JSON box is not valid JSON: ${(error as Error).message}`);
    }
  }
  const keys = form.layout === null ? [] : (spec.byType[form.layout] ?? []);
  const value: Record<string, unknown> = { ...base };
  for (const key of keys) {
    const raw = form.rows[key.key] ?? '';
    if (raw.trim() === '') continue;
    if (Object.hasOwn(base, key.key)) {
      errors.push(`${key.label}: “${key.key}” is also in the JSON box; keep only one of them.`);
      continue;
    }
    if (key.kind === 'text') value[key.key] = raw;
    else if (key.kind === 'boolean') value[key.key] = raw === 'true';
    else {
      const n = Number(raw.trim());
      if (!Number.isFinite(n)) errors.push(`${key.label}: enter a number.`);
      else if (key.kind === 'integer' && !Number.isInteger(n)) errors.push(`${key.label}: enter a whole number.`);
      else value[key.key] = n;
    }
  }
  return { value, errors };
}

/**
 * The type changed: lay the same value out for the new type (keys it does not list go to the
 * JSON box). While the form cannot be read (bad JSON), it stays as it is, to be fixed first.
 */
export function relayoutDetails(spec: DetailsSpec, form: DetailsForm, type: unknown): DetailsForm {
  const next = keysFor(spec, type) ? str(type) : null;
  if (next === form.layout) return form;
  const current = fromDetailsForm(spec, form);
  if (current.errors.length > 0) return form;
  return toDetailsForm(spec, current.value, type);
}

/** For the detail view: the rows of the record's type (label, value, unit), then the other keys. */
export function describeDetails(spec: DetailsSpec, value: unknown, type: unknown): { rows: { label: string; text: string }[]; rest: Record<string, unknown> } {
  const obj = isPlainObject(value) ? value : {};
  const keys = keysFor(spec, type) ?? [];
  const rows: { label: string; text: string }[] = [];
  const rest: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(obj)) {
    const key = keys.find((x) => x.key === k);
    if (!key || !fitsRow(key, v)) rest[k] = v;
  }
  for (const key of keys) {
    const v = obj[key.key];
    if (v === undefined || !fitsRow(key, v)) continue;
    const text = key.kind === 'boolean' ? (v ? 'Yes' : 'No') : `${String(v)}${key.unit ? ` ${key.unit}` : ''}`;
    rows.push({ label: key.label, text });
  }
  return { rows, rest };
}
