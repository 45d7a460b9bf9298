import type { Fields } from './record-kinds';

/** Structural equality for JSON values (field values are JSON). */
export function sameValue(a: unknown, b: unknown): boolean {
  if (a === b) return true;
  if (a === null || b === null || typeof a !== 'object' || typeof b !== 'object') {
    // Absent and null are the same to a remote that stores nulls.
    return (a ?? null) === (b ?? null);
  }
  if (Array.isArray(a) !== Array.isArray(b)) return false;
  if (Array.isArray(a) && Array.isArray(b)) {
    return a.length === b.length && a.every((v, i) => sameValue(v, b[i]));
  }
  const ao = a as Record<string, unknown>;
  const bo = b as Record<string, unknown>;
  const keys = new Set([...Object.keys(ao), ...Object.keys(bo)]);
  for (const k of keys) if (!sameValue(ao[k], bo[k])) return false;
  return true;
}

/** The fields of `next` whose values differ from `base`. */
export function changedFields(base: Fields, next: Fields): Fields {
  const out: Fields = {};
  for (const [k, v] of Object.entries(next)) if (!sameValue(base[k], v)) out[k] = v;
  return out;
}

/** One field of a queued change: what the server had (`before`) and what the change sets (`after`). */
export interface FieldChange {
  field: string;
  before: unknown;
  after: unknown;
}

/**
 * What an update changes, field by field: `base` holds the remote values the changed fields had
 * when first edited, `payload` the values sent. Fields whose value did not move are left out.
 */
export function fieldChanges(base: Fields, payload: Fields): FieldChange[] {
  return Object.entries(payload)
    .filter(([field, after]) => !sameValue(base[field], after))
    .map(([field, after]) => ({ field, before: base[field] ?? null, after }));
}
