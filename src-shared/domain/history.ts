import type { Fields } from './record-kinds';

/** Where a change came from (docs/history.md). */
export const HISTORY_SOURCES = [
  'local_edit',
  'bulk_edit',
  'pull',
  'server_normalised',
  'conflict_resolution',
  'discard',
  'proposal_filed',
  'proposal_accepted',
  'proposal_rejected',
  'scan_session',
  'bench_act',
  'sync',
  'connection_removed',
] as const;
export type HistorySource = (typeof HISTORY_SOURCES)[number];

/**
 * What an entry records: one field's change, the record appearing / being deleted here / being
 * restored / being removed from the mirror, the fate of the op that carries local changes, or an
 * administrator's decision on a proposal.
 */
export const HISTORY_EVENTS = [
  'field',
  'record_added',
  'record_deleted',
  'record_restored',
  'record_removed',
  'op_sent',
  'op_acknowledged',
  'op_rejected',
  'proposal_decided',
] as const;
export type HistoryEvent = (typeof HISTORY_EVENTS)[number];

export const HISTORY_SOURCE_LABELS: Record<HistorySource, string> = {
  local_edit: 'Edit on this workstation',
  bulk_edit: 'Bulk edit on this workstation',
  pull: 'Changed on the server',
  server_normalised: 'Value as the server stored it',
  conflict_resolution: 'Conflict resolved',
  discard: 'Change discarded',
  proposal_filed: 'Proposal filed',
  proposal_accepted: 'Proposal accepted',
  proposal_rejected: 'Proposal rejected',
  scan_session: 'Scan session',
  bench_act: 'Bench act on this workstation',
  sync: 'Sync',
  connection_removed: 'Connection removed',
};

/** The part of an entry that replaying needs. */
export interface ReplayableEntry {
  event: HistoryEvent;
  field: string | null;
  after: unknown;
}

/**
 * A record's local fields rebuilt from its history alone, oldest entry first: a record that
 * appeared with all its fields (as a pull brings it) starts from them, one created here starts
 * empty and takes its fields one entry each; field entries set or remove one field.
 */
export function replayFields(entries: readonly ReplayableEntry[]): Fields {
  let fields: Fields = {};
  for (const e of entries) {
    if (e.event === 'record_added') fields = e.after && typeof e.after === 'object' ? { ...(e.after as Fields) } : {};
    else if (e.event === 'record_removed') fields = {};
    else if (e.event === 'field' && e.field !== null) {
      // `undefined`: the field is gone (no value stored); JSON null is a value.
      if (e.after === undefined) {
        const { [e.field]: _gone, ...rest } = fields;
        fields = rest;
      } else fields = { ...fields, [e.field]: e.after as Fields[string] };
    }
  }
  return fields;
}

/** Per field: before and after, for every field whose value differs (by JSON value), in key order. */
export function fieldChanges(before: Fields, after: Fields): { field: string; before: unknown; after: unknown }[] {
  const keys = [...new Set([...Object.keys(before), ...Object.keys(after)])].sort();
  const out: { field: string; before: unknown; after: unknown }[] = [];
  for (const k of keys) {
    const b = k in before ? before[k] : undefined;
    const a = k in after ? after[k] : undefined;
    if (JSON.stringify(b) !== JSON.stringify(a)) out.push({ field: k, before: b, after: a });
  }
  return out;
}
