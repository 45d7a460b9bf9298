import type { RecordSummaryDto, ReplyOf } from '../../src-shared/contract';
import type { BenchAct } from '../../src-shared/domain/bench-acts';
import type { DueStatus } from '../../src-shared/domain/calibration';
import type { ScanMatch } from './scan';

/**
 * A scan session's running list as plain data: each scan is a row, and these functions say what
 * a scan, the core's answer, a choice and an undo make of the rows. No calls, no clock: the store
 * (stores/scan-session.ts) makes the calls and feeds the answers in, the tests drive it directly.
 */

/** The act a session repeats (src-shared/domain/bench-acts.ts). */
export type SessionAct = BenchAct;
export type { DueStatus };

/** What the core answered an act with: the record after it, how it was kept, its worst schedule status. */
export type ActOutcome = Pick<ReplyOf<'bench.act'>, 'actId' | 'how' | 'due' | 'message'> & { record: RecordSummaryDto };

export type RowState =
  /** Being looked up. */
  | { kind: 'resolving' }
  /** Several records carry the code exactly: the row asks which. */
  | { kind: 'choose'; matches: ScanMatch[] }
  /** No record carries the code; `similar` have its words. */
  | { kind: 'unknown'; similar: ScanMatch[] }
  /** The record was already scanned in this session (row `firstRow`): not acted on again. */
  | { kind: 'duplicate'; record: RecordSummaryDto; firstRow: number }
  /** The act is being made. */
  | { kind: 'acting'; record: RecordSummaryDto }
  | { kind: 'done'; record: RecordSummaryDto; outcome: ActOutcome }
  /** The core refused the act (a read-only record, a place the account may not write): nothing changed. */
  | { kind: 'refused'; record: RecordSummaryDto | null; message: string }
  /** Undone (by Ctrl+Z or the button); `was` is what it was. */
  | { kind: 'undone'; was: RowState; message: string };

export interface SessionRow {
  /** The scan's number in the session, from 1. */
  n: number;
  code: string;
  scannedAt: string;
  state: RowState;
}

/** The three sounds (lib/scan-sounds.ts): the row is fine, it needs the user, the record is overdue. */
export type Tone = 'ok' | 'problem' | 'overdue';

export interface Verdict {
  /** Green (true) or red (false); null while the row is in progress or undone. */
  good: boolean | null;
  /** The row's state in words, shown next to its colour. */
  label: string;
  /** What happened, in a sentence. */
  detail: string;
  tone: Tone | null;
}

const replace = (rows: readonly SessionRow[], n: number, state: RowState): SessionRow[] => rows.map((r) => (r.n === n ? { ...r, state } : r));

/** A scan comes in: a new row, being looked up. */
export function addScan(rows: readonly SessionRow[], code: string, scannedAt: string): SessionRow[] {
  return [...rows, { n: rows.length + 1, code, scannedAt, state: { kind: 'resolving' } }];
}

/** The record a row acts on (or acted on), if it stands for one. */
export function rowRecord(state: RowState): RecordSummaryDto | null {
  switch (state.kind) {
    case 'acting':
    case 'done':
    case 'duplicate':
      return state.record;
    case 'refused':
      return state.record;
    default:
      return null;
  }
}

/** The row that already acts (or acted) on this record in the session, not undone; null if none. */
export function earlierRowFor(rows: readonly SessionRow[], recordId: string, except: number): SessionRow | null {
  return rows.find((r) => r.n !== except && (r.state.kind === 'acting' || r.state.kind === 'done') && r.state.record.id === recordId) ?? null;
}

/**
 * The core's matches for a row's code: one exact match is acted on (unless the session already
 * did: then the row is a duplicate), several ask which, none is an unknown code.
 * `act` is the record to act on now, if any.
 */
export function resolveRow(rows: readonly SessionRow[], n: number, matches: readonly ScanMatch[]): { rows: SessionRow[]; act: RecordSummaryDto | null } {
  const exact = matches.filter((m) => m.exact);
  if (exact.length === 0) return { rows: replace(rows, n, { kind: 'unknown', similar: matches.filter((m) => !m.exact) }), act: null };
  if (exact.length > 1) return { rows: replace(rows, n, { kind: 'choose', matches: exact }), act: null };
  return pickRecord(rows, n, exact[0]!.record);
}

/** The record a row stands for is known (its one match, or the user's choice): act on it, unless the session already has. */
export function pickRecord(rows: readonly SessionRow[], n: number, record: RecordSummaryDto): { rows: SessionRow[]; act: RecordSummaryDto | null } {
  const earlier = earlierRowFor(rows, record.id, n);
  if (earlier) return { rows: replace(rows, n, { kind: 'duplicate', record, firstRow: earlier.n }), act: null };
  return { rows: replace(rows, n, { kind: 'acting', record }), act: record };
}

export function actDone(rows: readonly SessionRow[], n: number, outcome: ActOutcome): SessionRow[] {
  return replace(rows, n, { kind: 'done', record: outcome.record, outcome });
}

export function actRefused(rows: readonly SessionRow[], n: number, message: string): SessionRow[] {
  const row = rows.find((r) => r.n === n);
  return replace(rows, n, { kind: 'refused', record: row ? rowRecord(row.state) : null, message });
}

/** The row an undo takes back: the last one not undone, once it has settled (not being looked up or acted on). */
export function undoTarget(rows: readonly SessionRow[]): SessionRow | null {
  for (let i = rows.length - 1; i >= 0; i--) {
    const row = rows[i]!;
    if (row.state.kind === 'undone') continue;
    return row.state.kind === 'resolving' || row.state.kind === 'acting' ? null : row;
  }
  return null;
}

export function markUndone(rows: readonly SessionRow[], n: number, message: string): SessionRow[] {
  const row = rows.find((r) => r.n === n);
  return row && row.state.kind !== 'undone' ? replace(rows, n, { kind: 'undone', was: row.state, message }) : [...rows];
}

/** A row in words and colour, and the sound it makes when it settles. */
export function verdictOf(row: SessionRow): Verdict {
  const s = row.state;
  switch (s.kind) {
    case 'resolving':
      return { good: null, label: 'Looking up', detail: `Looking up “${row.code}”…`, tone: null };
    case 'acting':
      return { good: null, label: 'Working', detail: `${s.record.title || '(untitled)'}…`, tone: null };
    case 'done':
      return s.outcome.due === 'overdue'
        ? { good: false, label: 'Overdue', detail: `${s.outcome.message} Overdue: its calibration or maintenance is past due.`, tone: 'overdue' }
        : { good: true, label: 'OK', detail: s.outcome.message, tone: 'ok' };
    case 'duplicate':
      return { good: false, label: 'Already scanned', detail: `Already scanned in this session (#${s.firstRow}); not done again.`, tone: 'problem' };
    case 'choose':
      return { good: false, label: 'Which one?', detail: `${s.matches.length} records carry “${row.code}”: choose one.`, tone: 'problem' };
    case 'unknown':
      return { good: false, label: 'Unknown code', detail: `No record has the code “${row.code}”.`, tone: 'problem' };
    case 'refused':
      return { good: false, label: 'Refused', detail: s.message, tone: 'problem' };
    case 'undone':
      return { good: null, label: 'Undone', detail: s.message, tone: null };
  }
}

export interface SessionCounts {
  scanned: number;
  done: number;
  overdue: number;
  /** Rows that need the user: unknown codes, choices, duplicates, refusals. */
  problems: number;
  undone: number;
}

export function countRows(rows: readonly SessionRow[]): SessionCounts {
  const c: SessionCounts = { scanned: rows.length, done: 0, overdue: 0, problems: 0, undone: 0 };
  for (const row of rows) {
    const k = row.state.kind;
    if (k === 'done') {
      c.done++;
      if (row.state.outcome.due === 'overdue') c.overdue++;
    } else if (k === 'undone') c.undone++;
    else if (k !== 'resolving' && k !== 'acting') c.problems++;
  }
  return c;
}

export const SESSION_CSV_HEADER = ['scan', 'scanned_at', 'code', 'result', 'record_id', 'title', 'system', 'remote_id', 'serial', 'act', 'place', 'recorded_as', 'due', 'message'] as const;

/** The session summary as CSV rows (header SESSION_CSV_HEADER), one per scan in scan order. */
export function sessionCsvRows(rows: readonly SessionRow[], act: SessionAct, place: string): unknown[][] {
  return rows.map((row) => {
    const v = verdictOf(row);
    const state = row.state.kind === 'undone' ? row.state.was : row.state;
    const record = rowRecord(state);
    const outcome = state.kind === 'done' ? state.outcome : null;
    return [
      row.n,
      row.scannedAt,
      row.code,
      v.label,
      record?.id ?? '',
      record?.title ?? '',
      record?.system ?? '',
      record?.remoteId ?? '',
      record?.serial ?? '',
      act,
      place,
      outcome ? (outcome.how === 'edit' ? 'queued edit' : 'bench log') : '',
      outcome?.due ?? '',
      v.detail,
    ];
  });
}
