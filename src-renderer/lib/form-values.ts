import type { Fields } from '../../src-shared/domain/record-kinds';
import type { FieldSpec } from '../../src-shared/domain/remotes';
import { str } from '../../src-shared/domain/remotes/profile';
import type { FieldErrors } from '../../src-shared/domain/validation';
import { fromCoordinatesForm, isCoordinatesForm, toCoordinatesForm, type CoordinatesForm } from './coordinates';
import { isoToLocalInput, localInputToIso, toDateInput } from './datetime';
import { fromDetailsForm, isDetailsForm, relayoutDetails, toDetailsForm, type DetailsForm } from './details';

/** What a form input holds: text for most, a boolean for checkboxes, axes for coordinates, rows for details. */
export type FormValue = string | boolean | CoordinatesForm | DetailsForm;
export type FormValues = Record<string, FormValue>;

/**
 * A record's field value as its input shows it (lists one item per line, JSON pretty-printed, times
 * local). `record` is the rest of the record (a details field is laid out by its type).
 */
export function toFormValue(spec: FieldSpec, value: unknown, record: Fields = {}): FormValue {
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
    case 'details':
      return spec.details ? toDetailsForm(spec.details, value, record[spec.details.typeField]) : JSON.stringify(value ?? {}, null, 2);
    default:
      return str(value);
  }
}

export function toFormValues(specs: readonly FieldSpec[], fields: Fields): FormValues {
  return Object.fromEntries(specs.map((s) => [s.name, toFormValue(s, fields[s.name], fields)]));
}

/**
 * The form after the user set `name` to `value`: fields whose layout follows it (details keyed by
 * the type) are laid out again, keeping every key.
 */
export function withFormChange(specs: readonly FieldSpec[], values: FormValues, name: string, value: FormValue): FormValues {
  const next: FormValues = { ...values, [name]: value };
  for (const spec of specs) {
    const current = next[spec.name];
    if (spec.details && spec.details.typeField === name && isDetailsForm(current)) {
      next[spec.name] = relayoutDetails(spec.details, current, typeof value === 'string' ? value : '');
    }
  }
  return next;
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
      case 'json':
        // Any JSON value: an object, an array (e.g. a list of identifiers), a string...; empty is null.
        parseJsonInput(text(spec.name), null, (v) => (fields[spec.name] = v), (m) => (errors[spec.name] = [m]));
        break;
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
      case 'details': {
        if (!spec.details || !isDetailsForm(raw)) {
          // No per-type layout: one JSON box; the value is always an object.
          parseJsonInput(text(spec.name), {}, (v) => (fields[spec.name] = v), (m) => (errors[spec.name] = [m]));
          break;
        }
        const converted = fromDetailsForm(spec.details, raw);
        // Even with a row in error, the value keeps what could be read (the schema sees an object).
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

function parseJsonInput(text: string, empty: unknown, set: (value: unknown) => void, fail: (message: string) => void): void {
  const t = text.trim();
  if (t === '') {
    set(empty);
    return;
  }
  try {
    set(JSON.parse(t) as unknown);
  } catch (error) {
    fail(`This is not valid JSON: ${(error as Error).message}`);
  }
}

/** Merges message maps, keeping each message once. */
export function mergeErrors(...maps: (FieldErrors | null | undefined)[]): FieldErrors {
  const out: FieldErrors = {};
  for (const m of maps) {
    for (const [k, v] of Object.entries(m ?? {})) out[k] = [...new Set([...(out[k] ?? []), ...v])];
  }
  return out;
}
