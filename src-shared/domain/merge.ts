import { sameValue } from './field-diff';
import type { Fields } from './record-kinds';

/**
 * Three-way merge of a pulled remote version into a record with local edits.
 * `base` is the remote version the local edits were made on, `local` the record as the user sees it.
 * Disjoint changes merge; a field both sides changed to different values is a conflict.
 */
export interface MergeResult {
  /** What the user should now see: the remote version with the local edits on top. */
  merged: Fields;
  /** Fields changed on both sides to different values. */
  conflicts: string[];
}

/**
 * `ours`: values our own unanswered sends carried, per field. The server showing one of them is
 * our change having landed, not someone else's.
 */
export function threeWayMerge(base: Fields, local: Fields, remote: Fields, ours: Record<string, readonly unknown[]> = {}): MergeResult {
  const merged: Fields = { ...remote };
  const conflicts: string[] = [];
  const keys = new Set([...Object.keys(base), ...Object.keys(local), ...Object.keys(remote)]);
  for (const key of keys) {
    const localChanged = !sameValue(base[key], local[key]);
    if (!localChanged) continue;
    const remoteChanged = !sameValue(base[key], remote[key]) && !(ours[key] ?? []).some((v) => sameValue(v, remote[key]));
    if (remoteChanged && !sameValue(local[key], remote[key])) conflicts.push(key);
    merged[key] = local[key];
  }
  return { merged, conflicts: conflicts.sort() };
}

export type FieldChoice = 'mine' | 'theirs';

/** Conflicting fields the choices leave open, and choices naming fields that are not in conflict. */
export function choiceProblems(conflicts: readonly string[], choices: Readonly<Record<string, FieldChoice>>): { open: string[]; unknown: string[] } {
  return {
    open: conflicts.filter((f) => !Object.hasOwn(choices, f)),
    unknown: Object.keys(choices).filter((f) => !conflicts.includes(f)),
  };
}

/**
 * A conflict resolved field by field: the remote version with every local edit on top (as a
 * merge without conflicts would be), then each conflicting field as chosen. Fields only one side
 * changed keep that side's value, so no edit of either side is lost to a choice about another
 * field. Every conflicting field must be chosen (see `choiceProblems`).
 */
export function resolveByField(base: Fields, mine: Fields, remote: Fields, choices: Readonly<Record<string, FieldChoice>>): Fields {
  const { merged } = threeWayMerge(base, mine, remote);
  const out: Fields = { ...merged };
  for (const [field, choice] of Object.entries(choices)) {
    if (choice === 'theirs') {
      if (Object.hasOwn(remote, field)) out[field] = remote[field];
      else delete out[field];
    } else if (Object.hasOwn(mine, field)) out[field] = mine[field];
  }
  return out;
}
