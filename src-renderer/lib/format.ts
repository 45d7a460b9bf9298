import type { PendingOpDto } from '../../src-shared/contract';
import type { RecordKind, RecordStatus, SystemId } from '../../src-shared/domain/record-kinds';
import { SYSTEM_PROFILES } from '../../src-shared/domain/remotes';

export function systemLabel(system: SystemId): string {
  return SYSTEM_PROFILES[system]?.label ?? system;
}

export function kindLabel(system: SystemId, kind: RecordKind): string {
  return SYSTEM_PROFILES[system]?.kinds.find((k) => k.kind === kind)?.label ?? kind[0]!.toUpperCase() + kind.slice(1);
}

export const STATUS_LABELS: Record<RecordStatus, string> = {
  synced: 'synced',
  pending: 'pending',
  rejected: 'rejected',
  conflict: 'conflict',
  awaiting_approval: 'awaiting approval',
};

export const OP_STATE_LABELS: Record<PendingOpDto['state'], string> = {
  queued: 'queued',
  in_flight: 'sending',
  unknown: 'sent, awaiting confirmation',
  held_conflict: 'held',
  held_decision: 'held',
  rejected: 'rejected by the server',
  failing: 'failing on the server',
};

/** Why an op waits for something other than the network. */
export function heldReason(op: Pick<PendingOpDto, 'state' | 'error'>): string | null {
  if (op.state === 'held_conflict') return 'Waits until the conflict on this record is resolved.';
  if (op.state === 'held_decision') return 'Waits for the administrators’ decision on the proposal before it is sent.';
  if (op.state === 'unknown') return 'Sent, but the answer was lost: BenchSync checks whether the server has it before sending it again.';
  return null;
}

const OP_TYPE_LABELS: Record<string, string> = { create: 'Create', update: 'Update', delete: 'Delete', accept: 'Accept', reject: 'Reject' };

/** "Create", "Update"... (any op type the core adds later shows capitalised). */
export function opTypeLabel(type: PendingOpDto['type']): string {
  return OP_TYPE_LABELS[type] ?? type[0]!.toUpperCase() + type.slice(1);
}

/** "about 40 s", "about 3 min": the queue's time at the server's rate limit. */
export function formatDuration(ms: number): string {
  if (ms < 1_000) return 'under a second';
  const s = Math.ceil(ms / 1_000);
  if (s < 90) return `about ${s} s`;
  const min = Math.round(s / 60);
  if (min < 90) return `about ${min} min`;
  return `about ${Math.round(min / 60)} h`;
}

/** "in 12 s", "3 min ago"... relative to now. */
export function formatRelative(iso: string, now = Date.now()): string {
  const diff = Date.parse(iso) - now;
  const abs = Math.abs(diff);
  let text: string;
  if (abs < 1_000) return 'now';
  if (abs < 60_000) text = `${Math.round(abs / 1_000)} s`;
  else if (abs < 3_600_000) text = `${Math.round(abs / 60_000)} min`;
  else if (abs < 86_400_000) text = `${Math.round(abs / 3_600_000)} h`;
  else return new Date(iso).toLocaleString();
  return diff > 0 ? `in ${text}` : `${text} ago`;
}

export function plural(n: number, one: string, many = `${one}s`): string {
  return `${n.toLocaleString()} ${n === 1 ? one : many}`;
}
