import type { Fields } from './record-kinds';
import { canMergeInto, type OpState } from './record-state';

/**
 * Coalescing of queued edits for one record, so the remote sees the net effect of a burst of
 * offline edits. Only an op that has never left the machine (`queued`) or that the remote
 * definitively refused (`rejected`) may be merged into: anything else may already have happened
 * remotely, so a new op goes behind it (see `record-state.ts`).
 */
export type OpType = 'create' | 'update' | 'delete';

export interface PendingOp {
  type: OpType;
  /** create: every field; update: the changed fields; delete: nothing. */
  payload: Fields;
  /** update: the remote values the changed fields had when first edited (for three-way merge). */
  base: Fields;
  state: OpState;
}

export interface NewEdit {
  type: OpType;
  payload: Fields;
  base: Fields;
}

export type CoalesceResult =
  /** Queue `op` as a new entry behind whatever is there. */
  | { action: 'append'; op: NewEdit }
  /** Replace the pending entry with `op` (it goes back to `queued`). */
  | { action: 'replace'; op: NewEdit }
  /** Remove the pending entry: the edits cancel out. */
  | { action: 'drop' };

export function coalesce(pending: PendingOp | undefined, next: NewEdit): CoalesceResult {
  if (!pending || !canMergeInto(pending.state)) return { action: 'append', op: next };
  if (pending.type === 'delete') {
    throw new Error('This record is already deleted locally; it cannot be edited.');
  }
  if (next.type === 'create') {
    throw new Error('A record that already exists cannot be created again.');
  }
  if (pending.type === 'create') {
    if (next.type === 'delete') {
      // A rejected create was never applied remotely either, so both cancel out.
      return { action: 'drop' };
    }
    return { action: 'replace', op: { type: 'create', payload: { ...pending.payload, ...next.payload }, base: {} } };
  }
  // pending is an update
  if (next.type === 'delete') {
    return { action: 'replace', op: { type: 'delete', payload: {}, base: { ...next.base, ...pending.base } } };
  }
  return {
    action: 'replace',
    // The earliest base of a field is what the remote had before any of these edits.
    op: { type: 'update', payload: { ...pending.payload, ...next.payload }, base: { ...next.base, ...pending.base } },
  };
}
