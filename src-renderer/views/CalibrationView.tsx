import { useEffect, useMemo, useRef, useState } from 'react';
import type { BoardRowDto } from '../../src-shared/contract';
import { compareStatus, DUE_LABELS, standingText } from '../../src-shared/domain/calibration';
import { client, errorMessage } from '../core/client';
import { downloadText } from '../lib/download';
import { systemLabel } from '../lib/format';
import { useCalibration } from '../stores/calibration';
import { useSelection } from '../stores/selection';
import { useUi } from '../stores/ui';
import { DueStatusBadge } from './DueBadge';
import './Calibration.css';

type SortKey = 'status' | 'nextDueAt' | 'title' | 'schedule' | 'connection' | 'location';
const COLUMNS: { key: SortKey; label: string }[] = [
  { key: 'status', label: 'Status' },
  { key: 'title', label: 'Record' },
  { key: 'schedule', label: 'Schedule' },
  { key: 'nextDueAt', label: 'Next due' },
  { key: 'connection', label: 'Connection' },
  { key: 'location', label: 'Location' },
];

const day = (iso: string | null) => (iso ? iso.slice(0, 10) : '—');
const text = (a: string, b: string) => a.localeCompare(b, undefined, { sensitivity: 'base' });

function compare(key: SortKey, a: BoardRowDto, b: BoardRowDto): number {
  switch (key) {
    case 'status':
      return compareStatus(a.status, b.status) || text(a.nextDueAt ?? '', b.nextDueAt ?? '');
    case 'nextDueAt':
      // Never done first: it is as urgent as anything overdue.
      return text(a.nextDueAt ?? '', b.nextDueAt ?? '');
    case 'title':
      return text(a.title, b.title);
    case 'schedule':
      return text(a.schedule, b.schedule);
    case 'connection':
      return text(a.connectionName, b.connectionName);
    case 'location':
      return text(a.location, b.location);
  }
}

/** The calibration and maintenance board: every schedule's standing, worst first; filters; record a completion per row. */
export function CalibrationView() {
  const rows = useCalibration((s) => s.rows);
  const loaded = useCalibration((s) => s.loaded);
  const loadError = useCalibration((s) => s.error);
  const [connectionId, setConnectionId] = useState('');
  const [location, setLocation] = useState<string | null>(null);
  const [sort, setSort] = useState<{ key: SortKey; dir: 1 | -1 }>({ key: 'status', dir: 1 });
  const [busy, setBusy] = useState<string | null>(null);
  const [notice, setNotice] = useState<{ text: string; failed: boolean; actId?: number } | null>(null);
  const fileRef = useRef<HTMLInputElement>(null);

  useEffect(() => {
    void useCalibration.getState().load();
  }, []);

  const connections = useMemo(() => [...new Map(rows.map((r) => [r.connectionId, r.connectionName])).entries()].sort((a, b) => text(a[1], b[1])), [rows]);
  const locations = useMemo(() => [...new Set(rows.map((r) => r.location))].sort(text), [rows]);
  const shownRows = useMemo(
    () =>
      rows
        .filter((r) => (!connectionId || r.connectionId === connectionId) && (location === null || r.location === location))
        .sort((a, b) => sort.dir * compare(sort.key, a, b) || text(a.title, b.title) || text(a.schedule, b.schedule)),
    [rows, connectionId, location, sort],
  );
  const counts = useMemo(() => {
    const c = { overdue: 0, due_soon: 0, never: 0, ok: 0 };
    for (const r of shownRows) c[r.status]++;
    return c;
  }, [shownRows]);

  const reload = () => useCalibration.getState().load();
  const recordDone = async (r: BoardRowDto) => {
    const key = `${r.recordId}\n${r.schedule}`;
    setBusy(key);
    try {
      const done = await client.call('bench.act', { recordId: r.recordId, act: 'calibrate', schedule: r.schedule });
      setNotice({ text: `“${r.title}”, ${r.schedule}: ${done.message}`, failed: false, actId: done.actId });
    } catch (e) {
      setNotice({ text: `“${r.title}”, ${r.schedule}: ${errorMessage(e)}`, failed: true });
    } finally {
      setBusy(null);
      await reload();
    }
  };
  const undo = async (actId: number) => {
    try {
      const r = await client.call('bench.undo', { actId });
      setNotice({ text: r.message, failed: false });
    } catch (e) {
      setNotice({ text: errorMessage(e), failed: true });
    }
    await reload();
  };
  const exportCsv = async () => {
    try {
      const r = await client.call('calibration.exportCsv', {});
      downloadText(r.filename, r.csv, 'text/csv');
      setNotice({ text: `Exported ${r.rows} schedule${r.rows === 1 ? '' : 's'} to ${r.filename}.`, failed: false });
    } catch (e) {
      setNotice({ text: errorMessage(e), failed: true });
    }
  };
  const importCsv = async (file: File) => {
    try {
      const r = await client.call('calibration.importCsv', { csv: await file.text() });
      setNotice({ text: r.message, failed: false });
    } catch (e) {
      setNotice({ text: `Import of ${file.name}: ${errorMessage(e)}`, failed: true });
    }
    await reload();
  };
  const open = (id: string) => {
    useUi.getState().show('records');
    void useSelection.getState().select(id);
  };
  const sortBy = (key: SortKey) => setSort((s) => ({ key, dir: s.key === key ? ((-s.dir) as 1 | -1) : 1 }));

  return (
    <section className="calibration-view" aria-label="Calibration">
      <h2>Calibration and maintenance</h2>
      <div className="calibration-filters">
        <label>
          Connection
          <select value={connectionId} onChange={(e) => setConnectionId(e.target.value)}>
            <option value="">All connections</option>
            {connections.map(([id, name]) => (
              <option key={id} value={id}>
                {name}
              </option>
            ))}
          </select>
        </label>
        <label>
          Location
          <select value={location === null ? '\u0000all' : location} onChange={(e) => setLocation(e.target.value === '\u0000all' ? null : e.target.value)}>
            <option value={'\u0000all'}>All locations</option>
            {locations.map((l) => (
              <option key={l} value={l}>
                {l || '(no location)'}
              </option>
            ))}
          </select>
        </label>
        <button type="button" className="button" onClick={() => void exportCsv()}>
          Export schedules (CSV)
        </button>
        <button type="button" className="button" onClick={() => fileRef.current?.click()}>
          Import schedules (CSV)…
        </button>
        <input
          ref={fileRef}
          type="file"
          accept=".csv,text/csv"
          hidden
          aria-label="Schedules CSV file"
          onChange={(e) => {
            const f = e.target.files?.[0];
            e.target.value = '';
            if (f) void importCsv(f);
          }}
        />
      </div>
      {notice ? (
        <p className={notice.failed ? 'error-box' : 'notice'} role={notice.failed ? 'alert' : 'status'}>
          {notice.text}{' '}
          {notice.actId !== undefined ? (
            <button type="button" className="button small" onClick={() => void undo(notice.actId!)}>
              Undo
            </button>
          ) : null}
        </p>
      ) : null}
      {loadError ? <p className="error-box" role="alert">{loadError}</p> : null}
      <p className="calibration-summary" data-testid="calibration-summary">
        {shownRows.length === 0
          ? loaded
            ? 'No schedules yet. Open a record and add its calibration or maintenance schedules.'
            : 'Loading…'
          : `${counts.overdue} ${DUE_LABELS.overdue.toLowerCase()}, ${counts.due_soon} ${DUE_LABELS.due_soon.toLowerCase()}, ${counts.never} never done, ${counts.ok} in date.`}
      </p>
      {shownRows.length > 0 ? (
        <table className="calibration-table" aria-label="Calibration board">
          <thead>
            <tr>
              {COLUMNS.map((c) => (
                <th key={c.key} scope="col" aria-sort={sort.key === c.key ? (sort.dir === 1 ? 'ascending' : 'descending') : 'none'}>
                  <button type="button" onClick={() => sortBy(c.key)}>
                    {c.label}
                    {sort.key === c.key ? (sort.dir === 1 ? ' ▲' : ' ▼') : ''}
                  </button>
                </th>
              ))}
              <th scope="col">Where kept</th>
              <th scope="col">
                <span className="visually-hidden">Actions</span>
              </th>
            </tr>
          </thead>
          <tbody>
            {shownRows.map((r) => {
              const key = `${r.recordId}\n${r.schedule}`;
              return (
                <tr key={key} className={`due-row-${r.status}`} data-testid="calibration-row">
                  <td>
                    <DueStatusBadge status={r.status} />
                    <div className="muted small">{standingText(r)}</div>
                  </td>
                  <td>
                    <button type="button" className="link-button remote" onClick={() => open(r.recordId)}>
                      {r.title || '(untitled)'}
                    </button>
                  </td>
                  <td>
                    {r.schedule}
                    <div className="muted small">
                      every {r.intervalDays} d, warn {r.warningDays} d before
                    </div>
                  </td>
                  <td>
                    {day(r.nextDueAt)}
                    <div className="muted small">last done {day(r.lastDoneAt)}</div>
                  </td>
                  <td>
                    {r.connectionName}
                    <div className="muted small">{systemLabel(r.system)}</div>
                  </td>
                  <td>{r.location || <span className="muted">—</span>}</td>
                  <td className="small">{r.lives === 'remote' ? `On ${systemLabel(r.system)}` : 'This workstation'}</td>
                  <td>
                    <button type="button" className="button primary" disabled={busy === key} onClick={() => void recordDone(r)}>
                      {r.schedule.toLowerCase() === 'calibration' ? 'Record calibration' : `Record ${r.schedule}`}
                    </button>
                  </td>
                </tr>
              );
            })}
          </tbody>
        </table>
      ) : null}
    </section>
  );
}
