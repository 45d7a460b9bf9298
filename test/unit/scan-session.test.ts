import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { RecordSummaryDto } from '../../src-shared/contract';
import { toCsv } from '../../src-shared/domain/csv';
import type { ScanMatch } from '../../src-renderer/lib/scan';
import {
  actDone,
  actRefused,
  addScan,
  countRows,
  markUndone,
  pickRecord,
  resolveRow,
  SESSION_CSV_HEADER,
  sessionCsvRows,
  undoTarget,
  verdictOf,
  type ActOutcome,
  type DueStatus,
  type SessionRow,
} from '../../src-renderer/lib/scan-session';
import { TONES } from '../../src-renderer/lib/scan-sounds';

const record = (i: number): RecordSummaryDto => ({
  id: `rec-${i}`,
  connectionId: 'conn-1',
  system: 'cannlytics',
  kind: 'instrument',
  remoteId: `hplc-${i}`,
  title: `HPLC ${i}`,
  subtitle: 'HPLC',
  vendor: 'Agilent',
  serial: `SN-${i}`,
  status: 'synced',
  editable: true,
  deleted: false,
  updatedAt: '2025-01-01T00:00:00.000Z',
});
const exact = (i: number, by: ScanMatch['by'] = 'id'): ScanMatch => ({ record: record(i), by, exact: true });
const similar = (i: number): ScanMatch => ({ record: record(i), by: 'search', exact: false });
const outcome = (i: number, due: DueStatus | null = 'ok', actId = i): ActOutcome => ({ actId, how: 'edit', record: record(i), due, message: `Moved HPLC ${i} to Cleanroom 2.` });
const AT = '2025-03-01T10:00:00.000Z';

/** One scan as the store handles it when the core answers at once: the row, looked up, acted on if it may be. */
function scanAndAct(rows: SessionRow[], code: string, matches: ScanMatch[], due: (i: number) => DueStatus | null = () => 'ok'): SessionRow[] {
  rows = addScan(rows, code, AT);
  const n = rows.length;
  const resolved = resolveRow(rows, n, matches);
  if (!resolved.act) return resolved.rows;
  const i = Number(resolved.act.id.slice(4));
  return actDone(resolved.rows, n, outcome(i, due(i), n));
}

describe('scan session rows', () => {
  it('one exact match is acted on: a green row that says OK and what was done', () => {
    let rows = addScan([], 'hplc-1', AT);
    const { rows: acting, act } = resolveRow(rows, 1, [exact(1), similar(2)]);
    expect(act?.id).toBe('rec-1');
    expect(verdictOf(acting[0]!)).toMatchObject({ good: null, label: 'Working', tone: null });
    rows = actDone(acting, 1, outcome(1));
    expect(verdictOf(rows[0]!)).toEqual({ good: true, label: 'OK', detail: 'Moved HPLC 1 to Cleanroom 2.', tone: 'ok' });
  });

  it('an overdue record is a red row with the overdue tone, even though the act was made', () => {
    const rows = scanAndAct([], 'hplc-1', [exact(1)], () => 'overdue');
    expect(rows[0]!.state.kind).toBe('done');
    expect(verdictOf(rows[0]!)).toMatchObject({ good: false, label: 'Overdue', tone: 'overdue' });
    expect(countRows(rows)).toEqual({ scanned: 1, done: 1, overdue: 1, problems: 0, undone: 0 });
  });

  it('the same record scanned again (by another of its codes) is flagged and not acted on', () => {
    let rows = scanAndAct([], 'hplc-1', [exact(1)]);
    rows = addScan(rows, 'SN-1', AT);
    const second = resolveRow(rows, 2, [exact(1, 'serial')]);
    expect(second.act).toBeNull();
    expect(second.rows[1]!.state).toMatchObject({ kind: 'duplicate', firstRow: 1 });
    expect(verdictOf(second.rows[1]!)).toMatchObject({ good: false, label: 'Already scanned', tone: 'problem' });
    expect(verdictOf(second.rows[1]!).detail).toContain('#1');
  });

  it('several exact matches ask which; the choice is acted on, or flagged if already done', () => {
    let rows = scanAndAct([], 'hplc-2', [exact(2)]);
    rows = addScan(rows, 'twin', AT);
    const asked = resolveRow(rows, 2, [exact(1, 'serial'), exact(2, 'name'), similar(3)]);
    expect(asked.act).toBeNull();
    expect(asked.rows[1]!.state).toMatchObject({ kind: 'choose', matches: [{ record: { id: 'rec-1' } }, { record: { id: 'rec-2' } }] });
    expect(verdictOf(asked.rows[1]!)).toMatchObject({ good: false, label: 'Which one?', tone: 'problem' });
    expect(pickRecord(asked.rows, 2, record(2)).rows[1]!.state.kind).toBe('duplicate');
    expect(pickRecord(asked.rows, 2, record(1)).act?.id).toBe('rec-1');
  });

  it('an unknown code is a red row offering the records with its words', () => {
    const rows = resolveRow(addScan([], 'asset-0042', AT), 1, [similar(4)]).rows;
    expect(rows[0]!.state).toEqual({ kind: 'unknown', similar: [similar(4)] });
    expect(verdictOf(rows[0]!)).toMatchObject({ good: false, label: 'Unknown code', tone: 'problem' });
  });

  it('a refused act is a red row with the core’s words; scanning the record again tries again', () => {
    let rows = addScan([], 'hplc-1', AT);
    rows = actRefused(resolveRow(rows, 1, [exact(1)]).rows, 1, 'This record is read-only.');
    expect(verdictOf(rows[0]!)).toEqual({ good: false, label: 'Refused', detail: 'This record is read-only.', tone: 'problem' });
    expect(resolveRow(addScan(rows, 'hplc-1', AT), 2, [exact(1)]).act?.id).toBe('rec-1');
  });

  it('undo takes back the last settled row, never one still in progress; an undone record may be scanned again', () => {
    let rows = scanAndAct([], 'hplc-1', [exact(1)]);
    rows = scanAndAct(rows, 'hplc-2', [exact(2)]);
    expect(undoTarget(rows)?.n).toBe(2);
    rows = markUndone(rows, 2, 'Undone: HPLC 2 is back where it was.');
    expect(verdictOf(rows[1]!)).toMatchObject({ good: null, label: 'Undone', tone: null });
    expect(undoTarget(rows)?.n).toBe(1);
    expect(resolveRow(addScan(rows, 'hplc-2', AT), 3, [exact(2)]).act?.id).toBe('rec-2');
    expect(undoTarget(addScan(rows, 'hplc-3', AT))).toBeNull();
  });

  it('the summary CSV has a row per scan in scan order, with how each act was recorded', () => {
    let rows = scanAndAct([], 'hplc-1', [exact(1)]);
    rows = scanAndAct(rows, 'asset-0042', []);
    rows = scanAndAct(rows, 'hplc-1', [exact(1)]);
    rows = scanAndAct(rows, 'hplc-3', [exact(3)], () => 'overdue');
    rows = markUndone(rows, 4, 'Undone.');
    const csv = toCsv(SESSION_CSV_HEADER, sessionCsvRows(rows, 'move', 'Cleanroom 2'));
    const lines = csv.trimEnd().split('\r\n');
    expect(lines[0]).toBe('scan,scanned_at,code,result,record_id,title,system,remote_id,serial,act,place,recorded_as,due,message');
    expect(lines.slice(1).map((l) => l.split(',').slice(0, 4).join(','))).toEqual([
      `1,${AT},hplc-1,OK`,
      `2,${AT},asset-0042,Unknown code`,
      `3,${AT},hplc-1,Already scanned`,
      `4,${AT},hplc-3,Undone`,
    ]);
    expect(lines[1]).toContain('rec-1,HPLC 1,cannlytics,hplc-1,SN-1,move,Cleanroom 2,queued edit,ok,Moved HPLC 1 to Cleanroom 2.');
    // An undone act still names its record and how it had been recorded.
    expect(lines[4]).toContain('rec-3,HPLC 3,cannlytics,hplc-3,SN-3,move,Cleanroom 2,queued edit,overdue,Undone.');
  });

  it('the three sounds differ in waveform and pitch', () => {
    const shapes = Object.values(TONES).map((t) => `${t.type}:${t.notes.map((n) => n.hz).join('/')}`);
    expect(new Set(shapes).size).toBe(3);
    expect(new Set(Object.values(TONES).map((t) => t.type)).size).toBe(3);
  });
});

type Step = { scan: number } | { unknown: true } | { undo: true };

describe('scan session rows, any sequence of scans and undos', () => {
  it('acts on a record at most once at a time; a repeat is flagged; undo frees it; undo takes back the last row', () => {
    const step: fc.Arbitrary<Step> = fc.oneof(
      { weight: 5, arbitrary: fc.integer({ min: 1, max: 4 }).map((scan) => ({ scan })) },
      { weight: 1, arbitrary: fc.constant({ unknown: true as const }) },
      { weight: 2, arbitrary: fc.constant({ undo: true as const }) },
    );
    fc.assert(
      fc.property(fc.array(step, { maxLength: 40 }), (steps) => {
        let rows: SessionRow[] = [];
        // The model: which records the session has acted on (and not undone).
        const active = new Set<string>();
        for (const s of steps) {
          if ('undo' in s) {
            const target = undoTarget(rows);
            const lastLive = [...rows].reverse().find((r) => r.state.kind !== 'undone');
            expect(target?.n).toBe(lastLive?.n);
            if (!target) continue;
            if (target.state.kind === 'done') active.delete(target.state.record.id);
            rows = markUndone(rows, target.n, 'Undone.');
            expect(rows[target.n - 1]!.state.kind).toBe('undone');
          } else if ('unknown' in s) {
            rows = scanAndAct(rows, 'nothing-0077', []);
            expect(rows.at(-1)!.state.kind).toBe('unknown');
          } else {
            const id = `rec-${s.scan}`;
            rows = scanAndAct(rows, `hplc-${s.scan}`, [exact(s.scan)]);
            expect(rows.at(-1)!.state.kind).toBe(active.has(id) ? 'duplicate' : 'done');
            active.add(id);
          }
          const done = rows.flatMap((r) => (r.state.kind === 'done' ? [r.state.record.id] : []));
          expect(new Set(done).size).toBe(done.length);
          expect(new Set(done)).toEqual(active);
          expect(rows.map((r) => r.n)).toEqual(rows.map((_, i) => i + 1));
          const c = countRows(rows);
          expect(c.done + c.problems + c.undone).toBe(c.scanned);
        }
      }),
      { numRuns: 300 },
    );
  });
});
