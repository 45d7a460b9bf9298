import { CALIBRATION_SCHEDULE } from './calibration';
import type { Fields, RecordKind, SystemId } from './record-kinds';

/**
 * What a technician does at the bench to one item after another (docs/calibration.md), and which
 * of it the item's remote has a field for. An act with a field is an ordinary queued edit of the
 * record; any other act is an entry in BenchSync's own bench log.
 */
export const BENCH_ACTS = ['verify_present', 'move', 'calibrate', 'out_of_service'] as const;
export type BenchAct = (typeof BENCH_ACTS)[number];

export const BENCH_ACT_LABELS: Record<BenchAct, string> = {
  verify_present: 'Verify present',
  move: 'Move to',
  calibrate: 'Record calibration',
  out_of_service: 'Mark out of service',
};

/**
 * Where each act lands, per system and kind. `move.field`: the field holding the place; `byName`:
 * the field stores a pick-list item's id and the place is that item's name (BrainSTEM setups).
 * `calibrate`: the schedule whose completion the remote records, and its fields. No remote has a
 * status field for out of service (src-shared/domain/remotes/), and none records an audit.
 */
export interface ActFields {
  move?: { field: string; byName?: { source: string } };
  calibrate?: { schedule: string; atField: string; byField: string };
  outOfService?: { field: string; value: string };
}

const ACT_FIELDS: Partial<Record<SystemId, Partial<Record<RecordKind, ActFields>>>> = {
  cannlytics: {
    instrument: {
      move: { field: 'area_name' },
      calibrate: { schedule: CALIBRATION_SCHEDULE, atField: 'calibrated_at', byField: 'calibrated_by' },
    },
  },
  brainstem: {
    equipment: { move: { field: 'setup', byName: { source: 'setups' } } },
  },
};

export function actFieldsOf(system: SystemId, kind: RecordKind): ActFields {
  return ACT_FIELDS[system]?.[kind] ?? {};
}

export interface ActInput {
  act: BenchAct;
  /** move: the place's value as the field stores it (a setup's id for BrainSTEM, the name elsewhere). */
  placeValue?: string;
  /** calibrate: which schedule was done. */
  schedule: string;
  /** ISO time of the act. */
  at: string;
  /** Who did it (calibrated_by). */
  by: string;
}

/**
 * The patch an act makes to the record where its remote has fields for it; null when it is a
 * bench log entry only. Calibration dates are days (YYYY-MM-DD), as the remote's form takes them.
 */
export function actPatch(system: SystemId, kind: RecordKind, input: ActInput): Fields | null {
  const fields = actFieldsOf(system, kind);
  switch (input.act) {
    case 'move':
      return fields.move && input.placeValue !== undefined ? { [fields.move.field]: input.placeValue } : null;
    case 'calibrate': {
      const c = fields.calibrate;
      if (!c || c.schedule.toLowerCase() !== input.schedule.toLowerCase()) return null;
      return { [c.atField]: input.at.slice(0, 10), [c.byField]: input.by };
    }
    case 'out_of_service':
      return fields.outOfService ? { [fields.outOfService.field]: fields.outOfService.value } : null;
    case 'verify_present':
      return null;
  }
}

/** Where the remote records the last completion of `schedule`, if it does (Cannlytics' `calibrated_at`). */
export function remoteCompletionField(system: SystemId, kind: RecordKind, schedule: string): string | null {
  const c = actFieldsOf(system, kind).calibrate;
  return c && c.schedule.toLowerCase() === schedule.toLowerCase() ? c.atField : null;
}

/** Whether the record's remote keeps its schedules on the record itself (Cannlytics documents keep any key). */
export function schedulesLiveOnRemote(system: SystemId, kind: RecordKind): boolean {
  return system === 'cannlytics' && kind === 'instrument';
}

/** The field a record's place is read from for the board (the remote's location field), if any. */
export function placeField(system: SystemId, kind: RecordKind): string | null {
  return actFieldsOf(system, kind).move?.field ?? null;
}
