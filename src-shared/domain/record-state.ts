import type { Fields, RecordStatus } from './record-kinds';

/**
 * The state machine of a record and its queued ops, as pure rules. The core stores what these
 * functions decide (a record's `status`) and refuses what they forbid; the renderer shows the same
 * decisions (which buttons, which fields), so the two never disagree.
 */

/**
 * Where one queued op stands:
 * - `queued`: never left the machine, or certainly not applied (429, connection refused); may be merged into.
 * - `in_flight`: a request carrying it is out now.
 * - `unknown`: sent, no answer (reply lost, timeout, crash): it may have been applied. Never merged
 *   into; before it is sent again the remote is checked for its effect.
 * - `held_conflict`: its record conflicts with the server's version; waits for the user's choice.
 * - `held_decision`: a proposal of its record awaits an administrator; sent after the decision.
 * - `rejected`: the remote refused it; waits for the user to fix, retry or discard it.
 * - `failing`: the remote kept failing on it (5xx) while answering other requests; shown like a rejection.
 */
export const OP_STATES = ['queued', 'in_flight', 'unknown', 'held_conflict', 'held_decision', 'rejected', 'failing'] as const;
export type OpState = (typeof OP_STATES)[number];

export type OpType = 'create' | 'update' | 'delete' | 'accept' | 'reject';

export interface OpFacts {
  type: OpType;
  state: OpState;
}

/** An op the remote may have applied: a new edit goes behind it, never into it. */
export function mayHaveReachedRemote(state: OpState): boolean {
  return state === 'in_flight' || state === 'unknown' || state === 'failing';
}

/**
 * Only an op that never left the machine (`queued` means exactly that), or that the remote
 * refused, can absorb a later edit.
 */
export function canMergeInto(state: OpState): boolean {
  return state === 'queued' || state === 'rejected';
}

/** Where a held op goes when what held it ends: back to the queue, remembering a send whose outcome is unknown. */
export function releasedState(attempts: number): OpState {
  return attempts > 0 ? 'unknown' : 'queued';
}

export interface RecordFacts {
  /** The remote lets this user change the record (false for someone else's catalog instrument, or one in a refused scope). */
  remoteEditable: boolean;
  /**
   * The choice this record's write permission follows, when the remote refused this account
   * writing through it (BrainSTEM: a setup the account only reads): its name. See `refusedScopeOf`.
   */
  refusedScope?: string | null;
  /** Deleted here; the delete not yet acknowledged. */
  deleted: boolean;
  inConflict: boolean;
  /** A proposal of this record with the administrators, or refused by them. */
  proposal: 'Pending' | 'Rejected' | null;
  /** Whether the record exists on the remote (it has a remote id). */
  onRemote: boolean;
  ops: readonly OpFacts[];
}

/** Why the record cannot be edited or deleted now; null when it can. `scope_read_only`: see `RecordFacts.refusedScope`. */
export type EditBlock = 'read_only' | 'scope_read_only' | 'deleted' | 'conflict' | 'awaiting_decision' | null;

export interface RecordState {
  status: RecordStatus;
  /** Why edits (and deletes) are refused now. */
  block: EditBlock;
  /** A create-only field (a client-chosen key) may still change: the record's create has not left the machine. */
  createOnlyOpen: boolean;
  /** The last op was refused and the form can fix it (saving merges into it and sends it again). */
  canFixRejected: boolean;
}

export function recordState(f: RecordFacts): RecordState {
  const refused = f.ops.some((o) => o.state === 'rejected' || o.state === 'failing');
  let status: RecordStatus = 'synced';
  if (f.inConflict) status = 'conflict';
  else if (refused) status = 'rejected';
  else if (f.ops.length > 0) status = 'pending';
  else if (f.proposal === 'Pending') status = 'awaiting_approval';
  else if (f.proposal === 'Rejected') status = 'rejected';

  let block: EditBlock = null;
  if (f.refusedScope) block = 'scope_read_only';
  else if (!f.remoteEditable) block = 'read_only';
  else if (f.deleted) block = 'deleted';
  else if (f.inConflict) block = 'conflict';
  else if (f.proposal === 'Pending') block = 'awaiting_decision';

  const last = f.ops[f.ops.length - 1];
  const createOnlyOpen = !f.onRemote && (!last || (last.type === 'create' && (last.state === 'queued' || last.state === 'rejected')) || f.ops.length === 0);
  const canFixRejected = block === null && last !== undefined && last.state === 'rejected' && last.type !== 'delete';
  return { status, block, createOnlyOpen, canFixRejected };
}

/**
 * Write permission that follows a pick list (`KindProfile.writeScopeField`): BrainSTEM equipment
 * inherits its setup's permission (members read, contributors write), and the API publishes no
 * per-setup permission, so a choice counts as refused once the server refused this account a
 * write through it (docs/remotes/brainstem.md). The core stores the refusals in the mirror.
 */
export interface ScopeChoice {
  remoteId: string;
  name: string;
  /** The server refused this account writing a record with this choice. */
  writeRefused: boolean;
}

/** The refused choice the record's write permission follows, or null (also for kinds whose permission follows none). */
export function refusedScopeOf(scopeField: string | undefined, fields: Fields, choices: readonly ScopeChoice[]): ScopeChoice | null {
  if (!scopeField) return null;
  const value = fields[scopeField];
  if (value === undefined || value === null || value === '') return null;
  return choices.find((c) => c.writeRefused && c.remoteId === String(value)) ?? null;
}

/** Whether the remote lets this account write the record: its own flag, and no refused scope. */
export function remoteWritable(recordEditable: boolean, refusedScope: ScopeChoice | null): boolean {
  return recordEditable && refusedScope === null;
}

/**
 * Whether a form offers `choice` for `field`: not a refused choice of the write scope (saving would
 * be refused), except the value the record already has, which stays shown as it is.
 */
export function choiceOffered(scopeField: string | undefined, field: string, choice: ScopeChoice, current: unknown): boolean {
  if (field !== scopeField || !choice.writeRefused) return true;
  return current !== undefined && current !== null && String(current) === choice.remoteId;
}
