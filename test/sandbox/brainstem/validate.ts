/** DRF serializer field behaviour (messages verbatim from rest_framework/fields.py and relations.py). */
import type { FieldErrors } from './http';

export const MSG = {
  required: 'This field is required.',
  null: 'This field may not be null.',
  blank: 'This field may not be blank.',
  string: 'Not a valid string.',
  maxLength: (n: number) => `Ensure this field has no more than ${n} characters.`,
  choice: (v: unknown) => `"${pyStr(v)}" is not a valid choice.`,
  pk: (v: unknown) => `Invalid pk "${pyStr(v)}" - object does not exist.`,
  pkType: (v: unknown) => `Incorrect type. Expected pk value, received ${pyType(v)}.`,
  datetime: 'Datetime has wrong format. Use one of these formats instead: YYYY-MM-DDThh:mm[:ss[.uuuuuu]][+HH:MM|-HH:MM|Z].',
  dict: (v: unknown) => `Expected a dictionary of items but got type "${pyType(v)}".`,
  list: (v: unknown) => `Expected a list of items but got type "${pyType(v)}".`,
  url: 'Enter a valid URL.',
  unique: (verbose: string) => `${verbose} with this name already exists.`,
  notDict: (v: unknown) => `Invalid data. Expected a dictionary, but got ${pyType(v)}.`,
};

export function pyType(v: unknown): string {
  if (v === null || v === undefined) return 'NoneType';
  if (typeof v === 'boolean') return 'bool';
  if (typeof v === 'number') return Number.isInteger(v) ? 'int' : 'float';
  if (typeof v === 'string') return 'str';
  if (Array.isArray(v)) return 'list';
  return 'dict';
}

/** `str(value)` as Python prints it inside DRF messages. */
function pyStr(v: unknown): string {
  if (v === true) return 'True';
  if (v === false) return 'False';
  if (v === null) return 'None';
  return typeof v === 'object' ? JSON.stringify(v) : String(v);
}

export function isPlainObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/** Python counts code points, not UTF-16 units. */
const length = (s: string) => [...s].length;

/** CharField: numbers are coerced to text (DRF does), bools/objects are not strings. */
export function charField(
  errors: FieldErrors,
  field: string,
  value: unknown,
  opts: { maxLength?: number; allowBlank?: boolean; allowNull?: boolean; trim?: boolean } = {},
): string | null | undefined {
  if (value === null) {
    if (opts.allowNull) return null;
    errors.add(field, MSG.null);
    return undefined;
  }
  if (typeof value === 'boolean' || (typeof value !== 'string' && typeof value !== 'number')) {
    errors.add(field, MSG.string);
    return undefined;
  }
  let s = String(value);
  if (opts.trim !== false) s = s.trim(); // DRF CharField trim_whitespace=True
  if (s === '' && opts.allowBlank === false) {
    errors.add(field, MSG.blank);
    return undefined;
  }
  if (opts.maxLength !== undefined && length(s) > opts.maxLength) {
    errors.add(field, MSG.maxLength(opts.maxLength));
    return undefined;
  }
  return s;
}

export function choiceField<T extends string>(errors: FieldErrors, field: string, value: unknown, choices: readonly T[]): T | undefined {
  if (value === null) {
    errors.add(field, MSG.null);
    return undefined;
  }
  const text = typeof value === 'object' ? undefined : String(value);
  if (text === undefined || !(choices as readonly string[]).includes(text)) {
    errors.add(field, MSG.choice(value));
    return undefined;
  }
  return text as T;
}

/** PrimaryKeyRelatedField over a UUID pk. */
export function pkField(
  errors: FieldErrors,
  field: string,
  value: unknown,
  exists: (id: string) => boolean,
  opts: { allowNull?: boolean } = {},
): string | null | undefined {
  if (value === null) {
    if (opts.allowNull) return null;
    errors.add(field, MSG.null);
    return undefined;
  }
  if (typeof value === 'boolean' || typeof value === 'object') {
    errors.add(field, MSG.pkType(value));
    return undefined;
  }
  const id = String(value).trim().toLowerCase();
  if (!exists(id)) {
    errors.add(field, MSG.pk(value));
    return undefined;
  }
  return id;
}

const ISO = /^(\d{4})-(\d{2})-(\d{2})[T ](\d{2}):(\d{2})(?::(\d{2})(?:\.(\d{1,6})\d*)?)?\s*(Z|[+-]\d{2}(?::?\d{2})?)?$/i;

/** DateTimeField: ISO 8601 in, `YYYY-MM-DDThh:mm:ss[.ffffff]Z` (UTC, USE_TZ) out. */
export function dateTimeField(errors: FieldErrors, field: string, value: unknown): string | null | undefined {
  if (value === null || value === '') return null; // null=True, blank=True on the model
  const m = typeof value === 'string' ? ISO.exec(value.trim()) : null;
  if (!m) {
    errors.add(field, MSG.datetime);
    return undefined;
  }
  const [, y, mo, d, h, mi, s = '00', frac = '', zone] = m;
  const micro = frac.padEnd(6, '0');
  let offsetMin = 0;
  if (zone && zone.toUpperCase() !== 'Z') {
    const sign = zone.startsWith('-') ? -1 : 1;
    const digits = zone.slice(1).replace(':', '');
    offsetMin = sign * (Number(digits.slice(0, 2)) * 60 + Number(digits.slice(2, 4) || '0'));
  }
  const [Y, M, D, H, I, S] = [y, mo, d, h, mi, s].map(Number) as [number, number, number, number, number, number];
  const daysInMonth = new Date(Date.UTC(Y, M, 0)).getUTCDate();
  const date = new Date(Date.UTC(Y, M - 1, D, H, I, S) - offsetMin * 60_000);
  if (M < 1 || M > 12 || D < 1 || D > daysInMonth || H > 23 || I > 59 || S > 59 || Number.isNaN(date.getTime())) {
    errors.add(field, MSG.datetime);
    return undefined;
  }
  const base = date.toISOString().slice(0, 19);
  return Number(micro) > 0 ? `${base}.${micro}Z` : `${base}Z`;
}

/** Django URLValidator, loosely: scheme http(s)/ftp(s), a host with a dot (or localhost), no spaces. */
export function isValidUrl(s: string): boolean {
  if (/\s/.test(s)) return false;
  try {
    const u = new URL(s);
    return ['http:', 'https:', 'ftp:', 'ftps:'].includes(u.protocol) && (u.hostname.includes('.') || u.hostname === 'localhost');
  } catch {
    return false;
  }
}
