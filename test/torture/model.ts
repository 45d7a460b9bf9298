import type { Fields } from '../../src-shared/domain/record-kinds';
import type { TortureSystem } from './systems';

/**
 * The user's intent: for every record the trial created or edited, what the remote should end up
 * holding (the tracked fields), or that it should be gone. Only edits whose outcome is known
 * (the app answered, or a read after a restart showed it) change the model.
 */
export interface IntendedRecord {
  marker: string;
  system: TortureSystem;
  /** The app's id for it; null while unknown (a record seeded on the remote before the first pull). */
  localId: string | null;
  fields: Fields;
  deleted: boolean;
  /**
   * Proposal remotes: an administrator rejected this record's Add and the user has not edited or
   * resubmitted it since, so it must not be live (the app keeps showing the rejected proposal).
   */
  rejectedAdd?: boolean;
}

/** An edit the app had not answered when it died: resolved by reading after the restart. */
export type UnknownEdit =
  | { type: 'create'; record: IntendedRecord }
  | { type: 'update'; record: IntendedRecord; fields: Fields }
  | { type: 'delete'; record: IntendedRecord }
  /** Proposal remotes: the user's follow-up on a rejected proposal (`fields`: the proposal's values). */
  | { type: 'resubmit'; record: IntendedRecord; approvalId: string; fields: Fields }
  | { type: 'discard'; record: IntendedRecord; approvalId: string; action: 'Add' | 'Change' };

export interface Counts {
  /** An intended create missing on the remote, or an intended field value not there. */
  lost: number;
  /** Extra remote copies of one intended record; for proposal remotes also one proposal filed twice. */
  duplicates: number;
  /** A deleted record still on the remote. */
  resurrected: number;
  /** Remote records with a torture marker that no intended record accounts for. */
  unintended: number;
  /** Records the trial never touched (the emulators' demo data) that changed on the remote. */
  collateral: number;
  /**
   * Ops still in the outbox (queued, in flight, held or rejected) after the drain window; for
   * proposal remotes also proposals still pending after the administrator decided everything, or
   * decided there but still shown as awaiting a decision in the app.
   */
  stuck: number;
  /** Records in conflict: nobody else edits in this test, so any conflict is the app's own. */
  selfConflicts: number;
  /** The app's mirror disagrees with the remote after the drain (fields, a copy too many, a deleted record). */
  mirrorMismatch: number;
  /** Valid edits the app refused (the random edits follow each remote's rules). */
  editErrors: number;
  /** Calls the app did not answer in time, quits that did not exit 0, drains that timed out. */
  hangs: number;
  /** The app exited by itself (not killed, not asked to quit). */
  appCrashes: number;
  /** Trials that could not run to the end (the app did not start, a harness step failed). */
  aborted: number;
}

export const COUNT_NAMES: readonly (keyof Counts)[] = ['lost', 'duplicates', 'resurrected', 'unintended', 'collateral', 'stuck', 'selfConflicts', 'mirrorMismatch', 'editErrors', 'hangs', 'appCrashes', 'aborted'];

export const zeroCounts = (): Counts => Object.fromEntries(COUNT_NAMES.map((k) => [k, 0])) as unknown as Counts;

export function addCounts(into: Counts, more: Counts): void {
  for (const k of COUNT_NAMES) into[k] += more[k];
}

/** JSON with object keys sorted, so `{x, y}` and `{y, x}` compare equal. */
export function canonical(value: unknown): string {
  return JSON.stringify(value, (_k, v) =>
    v && typeof v === 'object' && !Array.isArray(v) ? Object.fromEntries(Object.keys(v).sort().map((k) => [k, v[k]])) : v,
  );
}

/** The tracked fields where `actual` differs from `intended`. */
export function differingFields(system: TortureSystem, intended: Fields, actual: Fields): string[] {
  return system.tracked.filter((k) => k in intended && canonical(intended[k]) !== canonical(actual[k]));
}

/** Of several remote copies, the one closest to the intent (for reporting field losses on it). */
export function closest(system: TortureSystem, intended: Fields, copies: Fields[]): Fields {
  return copies.reduce((best, c) => (differingFields(system, intended, c).length < differingFields(system, intended, best).length ? c : best));
}
