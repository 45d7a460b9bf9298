import { useEffect, useState } from 'react';
import type { RecordDetailDto, SchedulesReply } from '../../src-shared/contract';
import { standingText } from '../../src-shared/domain/calibration';
import { client, errorFields, errorMessage } from '../core/client';
import { useCalibration } from '../stores/calibration';
import { DueStatusBadge } from './DueBadge';
import './Calibration.css';

interface Draft {
  name: string;
  intervalDays: string;
  warningDays: string;
}

const toDraft = (s: { name: string; intervalDays: number; warningDays: number }): Draft => ({ name: s.name, intervalDays: String(s.intervalDays), warningDays: String(s.warningDays) });

/**
 * A record's calibration and maintenance schedules: their standing (overdue shown first, in
 * words), where they live (on the remote record, or on this workstation), and an editor to add,
 * change and remove them. Saving is one `calibration.setSchedules`.
 */
export function RecordSchedules({ detail }: { detail: RecordDetailDto }) {
  const [data, setData] = useState<SchedulesReply | null>(null);
  const [drafts, setDrafts] = useState<Draft[] | null>(null);
  const [error, setError] = useState<{ text: string; fields: Record<string, string[]> } | null>(null);
  const [notice, setNotice] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  // Reloaded whenever the record changes (its fields carry the remote schedules and calibrated_at).
  const version = `${detail.id}\n${detail.updatedAt}\n${JSON.stringify(detail.fields.calibrated_at ?? null)}`;
  const boardRows = useCalibration((s) => s.rows);

  useEffect(() => {
    let current = true;
    client
      .call('calibration.schedules', { recordId: detail.id })
      .then((r) => current && setData(r))
      .catch((e: unknown) => current && setError({ text: errorMessage(e), fields: {} }));
    return () => {
      current = false;
    };
  }, [version, boardRows]);

  useEffect(() => {
    setDrafts(null);
    setError(null);
    setNotice(null);
  }, [detail.id]);

  if (!data) return null;
  const overdue = data.schedules.filter((s) => s.status === 'overdue');

  const save = async () => {
    if (!drafts) return;
    setBusy(true);
    setError(null);
    try {
      const schedules = drafts.map((d) => ({ name: d.name, intervalDays: Number(d.intervalDays), warningDays: Number(d.warningDays) }));
      const r = await client.call('calibration.setSchedules', { recordId: detail.id, schedules });
      setData(r);
      setDrafts(null);
      setNotice(r.lives === 'remote' ? 'Schedules saved; they are queued to go to the server with the record.' : 'Schedules saved on this workstation.');
      void useCalibration.getState().load();
    } catch (e) {
      setError({ text: errorMessage(e), fields: errorFields(e) });
    } finally {
      setBusy(false);
    }
  };
  const recordDone = async (schedule: string) => {
    setBusy(true);
    try {
      const r = await client.call('bench.act', { recordId: detail.id, act: 'calibrate', schedule });
      setNotice(r.message);
      void useCalibration.getState().load();
    } catch (e) {
      setError({ text: errorMessage(e), fields: {} });
    } finally {
      setBusy(false);
    }
  };
  const fieldError = (i: number, name: string) => error?.fields[`schedules.${i}.${name}`]?.join(' ');
  const set = (i: number, patch: Partial<Draft>) => setDrafts((list) => list!.map((d, j) => (j === i ? { ...d, ...patch } : d)));

  return (
    <section className="schedules" aria-label="Calibration and maintenance schedules">
      <h3>Schedules</h3>
      {overdue.length > 0 ? (
        <p className="error-box" role="status" data-testid="record-overdue">
          Overdue: {overdue.map((s) => `${s.name} (${standingText(s).toLowerCase()})`).join(', ')}.
        </p>
      ) : null}
      <p className="muted small" data-testid="schedules-live">
        {data.livesText}
      </p>
      {data.skipped > 0 ? (
        <p className="notice small">
          {data.skipped} entr{data.skipped === 1 ? 'y' : 'ies'} of the record's schedule field {data.skipped === 1 ? 'is' : 'are'} not a valid schedule and {data.skipped === 1 ? 'is' : 'are'} left out
          (saving here replaces them).
        </p>
      ) : null}
      {notice ? (
        <p className="notice small" role="status">
          {notice}
        </p>
      ) : null}
      {error ? (
        <p className="error-box" role="alert">
          {error.text}
        </p>
      ) : null}
      {drafts === null ? (
        <>
          {data.schedules.length === 0 ? <p className="muted">No schedules.</p> : null}
          <ul className="schedule-list">
            {data.schedules.map((s) => (
              <li key={s.name} className="schedule-item">
                <DueStatusBadge status={s.status} />
                <strong>{s.name}</strong>
                <span className="small">
                  every {s.intervalDays} days, warning {s.warningDays} days before · {standingText(s)} · last done {s.lastDoneAt ? s.lastDoneAt.slice(0, 10) : 'never'}
                  {s.lastDoneFrom === 'log' ? ' (BenchSync log)' : s.lastDoneFrom === 'remote' ? ' (from the server record)' : ''}
                </span>
                <button type="button" className="button small" disabled={busy} onClick={() => void recordDone(s.name)}>
                  Record {s.name} done
                </button>
              </li>
            ))}
          </ul>
          <div className="schedule-actions">
            <button type="button" className="button" onClick={() => setDrafts(data.schedules.map(toDraft))}>
              Edit schedules
            </button>
          </div>
        </>
      ) : (
        <form
          onSubmit={(e) => {
            e.preventDefault();
            void save();
          }}
        >
          <ul className="schedule-list">
            {drafts.map((d, i) => (
              <li key={i} className="schedule-edit">
                <label>
                  Name
                  <input value={d.name} onChange={(e) => set(i, { name: e.target.value })} placeholder="calibration" aria-invalid={fieldError(i, 'name') ? true : undefined} />
                  {fieldError(i, 'name') ? <span className="field-error">{fieldError(i, 'name')}</span> : null}
                </label>
                <label>
                  Interval (days)
                  <input type="number" min={1} step={1} value={d.intervalDays} onChange={(e) => set(i, { intervalDays: e.target.value })} aria-invalid={fieldError(i, 'intervalDays') ? true : undefined} />
                  {fieldError(i, 'intervalDays') ? <span className="field-error">{fieldError(i, 'intervalDays')}</span> : null}
                </label>
                <label>
                  Warning window (days)
                  <input type="number" min={0} step={1} value={d.warningDays} onChange={(e) => set(i, { warningDays: e.target.value })} aria-invalid={fieldError(i, 'warningDays') ? true : undefined} />
                  {fieldError(i, 'warningDays') ? <span className="field-error">{fieldError(i, 'warningDays')}</span> : null}
                </label>
                <button type="button" className="button" onClick={() => setDrafts(drafts.filter((_, j) => j !== i))}>
                  Remove
                </button>
              </li>
            ))}
          </ul>
          <div className="schedule-actions">
            <button
              type="button"
              className="button"
              onClick={() => setDrafts([...drafts, { name: drafts.some((x) => x.name.toLowerCase() === 'calibration') ? '' : 'calibration', intervalDays: '365', warningDays: '30' }])}
            >
              Add a schedule
            </button>
            <button type="submit" className="button primary" disabled={busy}>
              Save schedules
            </button>
            <button type="button" className="button" onClick={() => (setDrafts(null), setError(null))}>
              Cancel
            </button>
          </div>
        </form>
      )}
    </section>
  );
}
