import type { Fields } from '../../src-shared/domain/record-kinds';
import type { CoordinateAxisSpec, CoordinatesSpec } from '../../src-shared/domain/remotes/profile';
import { str } from '../../src-shared/domain/remotes/profile';

/**
 * `coordinates` fields (see CoordinatesSpec): an object whose keys are the axes of the record's
 * coordinate system, each a plain number (in the axis's default unit) or `{value, unit}`.
 */
export interface CoordinatesForm {
  kind: 'coordinates';
  /** The record already used `{value, unit}`: keep writing that shape, with a unit picker. */
  withUnits: boolean;
  axes: Record<string, { value: string; unit: string }>;
}

export function isCoordinatesForm(v: unknown): v is CoordinatesForm {
  return typeof v === 'object' && v !== null && (v as CoordinatesForm).kind === 'coordinates';
}

export function axesFor(spec: CoordinatesSpec, system: unknown): readonly CoordinateAxisSpec[] | null {
  const s = str(system);
  return s ? (spec.axes[s] ?? null) : null;
}

function entryOf(v: unknown): { value: unknown; unit?: unknown } | null {
  if (v === undefined || v === null || v === '') return null;
  if (typeof v === 'object' && !Array.isArray(v)) return v as { value: unknown; unit?: unknown };
  return { value: v };
}

export function toCoordinatesForm(spec: CoordinatesSpec, value: unknown): CoordinatesForm {
  const obj = value && typeof value === 'object' && !Array.isArray(value) ? (value as Record<string, unknown>) : {};
  const withUnits = Object.values(obj).some((v) => typeof v === 'object' && v !== null);
  const defaultUnits = new Map<string, string>();
  for (const axes of Object.values(spec.axes)) for (const a of axes) defaultUnits.set(a.key, a.defaultUnit);
  const axes: CoordinatesForm['axes'] = {};
  for (const [key, raw] of Object.entries(obj)) {
    const e = entryOf(raw);
    if (!e) continue;
    axes[key] = { value: str(e.value), unit: e.unit === undefined ? (defaultUnits.get(key) ?? '') : str(e.unit) };
  }
  return { kind: 'coordinates', withUnits, axes };
}

/**
 * The form's axes as the field value: only the system's axes, empty ones left out, numbers as
 * numbers. Numbers that are not numbers or out of bounds are reported in the axis's words.
 */
export function fromCoordinatesForm(
  spec: CoordinatesSpec,
  form: CoordinatesForm,
  system: unknown,
): { value: Record<string, unknown>; errors: string[] } {
  const value: Record<string, unknown> = {};
  const errors: string[] = [];
  for (const axis of axesFor(spec, system) ?? []) {
    const entry = form.axes[axis.key];
    const text = entry?.value.trim() ?? '';
    if (text === '') continue;
    const n = Number(text);
    if (!Number.isFinite(n)) {
      errors.push(`${axis.label}: enter a number.`);
      continue;
    }
    if ((axis.min !== undefined && n < axis.min) || (axis.max !== undefined && n > axis.max)) {
      errors.push(`${axis.label}: must be between ${axis.min ?? '-∞'} and ${axis.max ?? '∞'}.`);
    }
    value[axis.key] = form.withUnits ? { value: n, unit: entry?.unit || axis.defaultUnit } : n;
  }
  return { value, errors };
}

/** "AP 1.2 mm · ML -0.5 mm · Rotation 15 °" for the detail view. */
export function describeCoordinates(spec: CoordinatesSpec, fields: Fields, name: string): string {
  const obj = fields[name];
  if (!obj || typeof obj !== 'object' || Array.isArray(obj)) return '';
  const axes = axesFor(spec, fields[spec.systemField]) ?? [];
  const parts: string[] = [];
  const seen = new Set<string>();
  for (const axis of axes) {
    const e = entryOf((obj as Record<string, unknown>)[axis.key]);
    seen.add(axis.key);
    if (e) parts.push(`${axis.label} ${str(e.value)} ${e.unit === undefined ? axis.defaultUnit : str(e.unit)}`);
  }
  // Keys the system does not define (the server will refuse them) are still shown, as stored.
  for (const [key, raw] of Object.entries(obj as Record<string, unknown>)) {
    const e = entryOf(raw);
    if (!seen.has(key) && e) parts.push(`${key} ${str(e.value)}${e.unit === undefined ? '' : ` ${str(e.unit)}`}`);
  }
  return parts.join(' · ');
}
