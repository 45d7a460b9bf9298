/**
 * How BrainSTEM's Django REST Framework serializers read a field, with DRF's own messages
 * (rest_framework/fields.py and relations.py), for every BrainSTEM kind's offline validation.
 * Each reader returns the normalised value, or undefined after recording the error.
 */
import type { FieldErrors } from '../validation';

export const DRF = {
  required: 'This field is required.',
  null: 'This field may not be null.',
  blank: 'This field may not be blank.',
  string: 'Not a valid string.',
  maxLength: (n: number) => `Ensure this field has no more than ${n} characters.`,
  choice: (v: unknown) => `"${pyStr(v)}" is not a valid choice.`,
  pk: (v: unknown) => `Invalid pk "${pyStr(v)}" - object does not exist.`,
  pkType: (v: unknown) => `Incorrect type. Expected pk value, received ${pyType(v)}.`,
  dict: (v: unknown) => `Expected a dictionary of items but got type "${pyType(v)}".`,
  list: (v: unknown) => `Expected a list of items but got type "${pyType(v)}".`,
  url: 'Enter a valid URL.',
  /** A model's UniqueValidator, e.g. "consumable with this name already exists.". */
  unique: (verboseName: string, field: string) => `${verboseName} with this ${field} already exists.`,
  datetime: 'Datetime has wrong format. Use one of these formats instead: YYYY-MM-DDThh:mm[:ss[.uuuuuu]][+HH:MM|-HH:MM|Z].',
};

/** Field -> messages in the order the serializer found them, as DRF's 400 body lists them. */
export class DrfErrors {
  readonly map: FieldErrors = {};
  add(field: string, message: string): void {
    (this.map[field] ??= []).push(message);
  }
  has(field: string): boolean {
    return field in this.map;
  }
}

function pyType(v: unknown): string {
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

/**
 * CharField (trim_whitespace): numbers become text, other non-strings are refused. Python counts
 * code points. `allowBlank: false` refuses what is empty once trimmed.
 */
export function charField(errors: DrfErrors, field: string, value: unknown, maxLength?: number, allowBlank = true): string | undefined {
  if (value === null) {
    errors.add(field, DRF.null);
    return undefined;
  }
  if (typeof value !== 'string' && typeof value !== 'number') {
    errors.add(field, DRF.string);
    return undefined;
  }
  const s = String(value).trim();
  if (!allowBlank && s === '') {
    errors.add(field, DRF.blank);
    return undefined;
  }
  if (maxLength !== undefined && [...s].length > maxLength) {
    errors.add(field, DRF.maxLength(maxLength));
    return undefined;
  }
  return s;
}

export function choiceField<T extends string>(errors: DrfErrors, field: string, value: unknown, choices: readonly T[]): T | undefined {
  if (value === null) {
    errors.add(field, DRF.null);
    return undefined;
  }
  const text = typeof value === 'object' ? undefined : String(value);
  if (text === undefined || !(choices as readonly string[]).includes(text)) {
    errors.add(field, DRF.choice(value));
    return undefined;
  }
  return text as T;
}

/**
 * PrimaryKeyRelatedField over a UUID: '' counts as null (DRF's relational fields do that). Whether
 * the object exists is checked against the mirrored pick list, outside this pure function.
 */
export function pkField(errors: DrfErrors, field: string, value: unknown, allowNull: boolean): string | null | undefined {
  if (value === '' || value === null) {
    if (allowNull) return null;
    errors.add(field, DRF.null);
    return undefined;
  }
  if (typeof value === 'boolean' || typeof value === 'object') {
    errors.add(field, DRF.pkType(value));
    return undefined;
  }
  return String(value).trim().toLowerCase();
}

const ISO = /^(\d{4})-(\d{2})-(\d{2})[T ](\d{2}):(\d{2})(?::(\d{2})(?:\.(\d{1,6})\d*)?)?\s*(Z|[+-]\d{2}(?::?\d{2})?)?$/i;

/** DateTimeField (null and blank allowed): ISO 8601 in, UTC `YYYY-MM-DDThh:mm:ss[.ffffff]Z` out, as the server echoes it. */
export function dateTimeField(errors: DrfErrors, field: string, value: unknown): string | null | undefined {
  if (value === null || value === '') return null;
  const m = typeof value === 'string' ? ISO.exec(value.trim()) : null;
  if (!m) {
    errors.add(field, DRF.datetime);
    return undefined;
  }
  const [, y, mo, d, h, mi, s = '00', frac = '', zone] = m;
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
    errors.add(field, DRF.datetime);
    return undefined;
  }
  const micro = frac.padEnd(6, '0');
  const base = date.toISOString().slice(0, 19);
  return Number(micro) > 0 ? `${base}.${micro}Z` : `${base}Z`;
}
