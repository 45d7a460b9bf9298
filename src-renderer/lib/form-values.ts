import type { Fields } from '../../src-shared/domain/record-kinds';
import type { FieldSpec } from '../../src-shared/domain/remotes';
import { str } from '../../src-shared/domain/remotes/profile';
import type { FieldErrors } from '../../src-shared/domain/validation';
import { fromCoordinatesForm, isCoordinatesForm, toCoordinatesForm, type CoordinatesForm } from './coordinates';
import { isoToLocalInput, localInputToIso, toDateInput } from './datetime';

/** What a form input holds: text for most, a boolean for checkboxes, axes for coordinates. */
export type FormValue = string | boolean | CoordinatesForm;
export type FormValues = Record<string, FormValue>;

/** A record's field value as its input shows it (lists one item per line, JSON pretty-printed, times local). */
export function toFormValue(spec: FieldSpec, value: unknown): FormValue {
  switch (spec.input) {
    case 'checkbox':
      return Boolean(value);
    case 'list':
      return Array.isArray(value) ? value.map(str).join('\n') : str(value);
    case 'json':
      return value === undefined || value === null ? '' : JSON.stringify(value, null, 2);
    case 'datetime':
      return isoToLocalInput(value);
    case 'date':
      return toDateInput(value);
    case 'coordinates':
      return spec.coordinates ? toCoordinatesForm(spec.coordinates, value) : JSON.stringify(value ?? {});
    default:
      return str(value);
  }
}

export function toFormValues(specs: readonly FieldSpec[], fields: Fields): FormValues {
  return Object.fromEntries(specs.map((s) => [s.name, toFormValue(s, fields[s.name])]));
}

/**
 * The inputs as field values for the schema and the core: lists become arrays, numbers numbers,
 * JSON parsed, local times UTC. Inputs that cannot even be converted are reported per field.
 * `context` is the rest of the record (a coordinates field needs its system, which may not be on this form).
 */
export function fromFormValues(specs: readonly FieldSpec[], values: FormValues, context: Fields = {}): { fields: Fields; errors: FieldErrors } {
  const fields: Fields = {};
  const errors: FieldErrors = {};
  const text = (name: string) => {
    const v = values[name];
    return typeof v === 'string' ? v : '';
  };
  for (const spec of specs) {
    if (spec.readOnly) continue;
    const raw = values[spec.name];
    switch (spec.input) {
      case 'checkbox':
        fields[spec.name] = Boolean(raw);
        break;
      case 'list':
        fields[spec.name] = text(spec.name)
          .split('\n')
          .filter((line) => line.trim() !== '');
        break;
      case 'number': {
        const t = text(spec.name).trim();
        if (t === '') fields[spec.name] = null;
        else if (Number.isFinite(Number(t))) fields[spec.name] = Number(t);
        else errors[spec.name] = ['Enter a number.'];
        break;
      }
      case 'json': {
        const t = text(spec.name).trim();
        if (t === '') fields[spec.name] = null;
        else {
          try {
            fields[spec.name] = JSON.parse(t) as unknown;
          } catch (error) {
            errors[spec.name] = [`This is not valid JSON: ${(error as Error).message}`];
          }
        }
        break;
      }
      case 'datetime':
        fields[spec.name] = localInputToIso(text(spec.name));
        break;
      case 'coordinates': {
        if (!spec.coordinates || !isCoordinatesForm(raw)) break;
        const systemField = spec.coordinates.systemField;
        const system = systemField in values ? text(systemField) : context[systemField];
        const converted = fromCoordinatesForm(spec.coordinates, raw, system);
        fields[spec.name] = converted.value;
        if (converted.errors.length > 0) errors[spec.name] = converted.errors;
        break;
      }
      default:
        fields[spec.name] = text(spec.name);
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
