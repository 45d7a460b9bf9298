import type { Fields } from '../../src-shared/domain/record-kinds';
import type { FieldSpec } from '../../src-shared/domain/remotes';
import { str } from '../../src-shared/domain/remotes/profile';
import type { FieldErrors } from '../../src-shared/domain/validation';

/** What a form input holds: text for everything but checkboxes. */
export type FormValue = string | boolean;
export type FormValues = Record<string, FormValue>;

/** A record's field value as the input shows it (lists one item per line, JSON pretty-printed). */
export function toFormValue(spec: FieldSpec, value: unknown): FormValue {
  switch (spec.input) {
    case 'checkbox':
      return Boolean(value);
    case 'list':
      return Array.isArray(value) ? value.map(str).join('\n') : str(value);
    case 'json':
      return value === undefined || value === null ? '' : JSON.stringify(value, null, 2);
    default:
      return str(value);
  }
}

export function toFormValues(specs: readonly FieldSpec[], fields: Fields): FormValues {
  return Object.fromEntries(specs.map((s) => [s.name, toFormValue(s, fields[s.name])]));
}

/**
 * The inputs as field values for the schema and the core: lists become arrays, numbers numbers,
 * JSON parsed. Inputs that cannot even be converted are reported per field.
 */
export function fromFormValues(specs: readonly FieldSpec[], values: FormValues): { fields: Fields; errors: FieldErrors } {
  const fields: Fields = {};
  const errors: FieldErrors = {};
  for (const spec of specs) {
    if (spec.readOnly) continue;
    const raw = values[spec.name];
    switch (spec.input) {
      case 'checkbox':
        fields[spec.name] = Boolean(raw);
        break;
      case 'list':
        fields[spec.name] = String(raw ?? '')
          .split('\n')
          .filter((line) => line.trim() !== '');
        break;
      case 'number': {
        const text = String(raw ?? '').trim();
        if (text === '') fields[spec.name] = null;
        else if (Number.isFinite(Number(text))) fields[spec.name] = Number(text);
        else errors[spec.name] = ['Enter a number.'];
        break;
      }
      case 'json': {
        const text = String(raw ?? '').trim();
        if (text === '') fields[spec.name] = null;
        else {
          try {
            fields[spec.name] = JSON.parse(text) as unknown;
          } catch (error) {
            errors[spec.name] = [`This is not valid JSON: ${(error as Error).message}`];
          }
        }
        break;
      }
      default:
        fields[spec.name] = String(raw ?? '');
    }
  }
  return { fields, errors };
}

/** Merges message maps, keeping each message once. */
export function mergeErrors(...maps: (FieldErrors | null | undefined)[]): FieldErrors {
  const out: FieldErrors = {};
  for (const m of maps) {
    for (const [k, v] of Object.entries(m ?? {})) out[k] = [...new Set([...(out[k] ?? []), ...v])];
  }
  return out;
}
