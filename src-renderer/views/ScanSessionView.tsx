import { useEffect, useRef, useState, type FormEvent, type KeyboardEvent } from 'react';
import { kindLabel, plural, systemLabel } from '../lib/format';
import { BENCH_ACTS, BENCH_ACT_LABELS as ACT_LABELS } from '../../src-shared/domain/bench-acts';
import { countRows, verdictOf, type SessionAct, type SessionRow } from '../lib/scan-session';
import { MATCHED_BY_LABEL } from '../lib/scan';
import { useScan } from '../stores/scan';
import { useScanSession, type SessionSetup } from '../stores/scan-session';
import { isTyping } from './shortcuts';
import './ScanSession.css';

const ACT_HELP: Record<SessionAct, string> = {
  verify_present: 'An audit: each item scanned is logged as present (at the place you name).',
  move: 'Each item scanned is moved to the place: a queued edit where its system has a location field, else a log entry.',
  calibrate: 'Each item scanned gets a calibration recorded today: on the remote where it has the field, else in the bench log.',
  out_of_service: 'Each item scanned is marked out of service.',
};

/**
 * A scan session: one act chosen once, then item after item scanned with the scanner alone
 * (views/keyboard.ts sends every scan here while the session runs). Each scan is a row, green or
 * red with its state in words and a sound; Ctrl+Z takes back the last one.
 */
export function ScanSessionView() {
  const session = useScanSession((s) => s.session);
  const running = session !== null && session.endedAt === null;
  useEffect(() => {
    void useScanSession.getState().loadPlaces();
  }, []);
  return (
    <section className="page scan-session" aria-label="Scan session">
      {running ? <RunningSession /> : <SessionSetupForm />}
      {session && !running ? <SessionRows ended /> : null}
    </section>
  );
}

function SessionSetupForm() {
  const places = useScanSession((s) => s.places);
  const placesError = useScanSession((s) => s.placesError);
  const last = useScanSession((s) => s.session?.setup);
  const [act, setAct] = useState<SessionAct>(last?.act ?? 'verify_present');
  const [place, setPlace] = useState(last?.place ?? '');
  const [schedule, setSchedule] = useState(last?.schedule ?? '');
  const [error, setError] = useState<string | null>(null);
  const firstRef = useRef<HTMLInputElement>(null);
  useEffect(() => firstRef.current?.focus(), []);

  const start = (e: FormEvent) => {
    e.preventDefault();
    const setup: SessionSetup = { act, place: place.trim(), schedule: act === 'calibrate' ? schedule.trim() : '' };
    if (act === 'move' && !setup.place) {
      setError('Say where the items go.');
      return;
    }
    setError(null);
    useScanSession.getState().start(setup);
  };

  return (
    <form className="session-setup" aria-label="Start a scan session" onSubmit={start}>
      <header className="page-header">
        <h2>Scan session</h2>
        <p className="muted">Choose what to do once, then scan item after item. Everything works offline: moves and calibrations are queued edits, the rest goes in the bench log.</p>
      </header>
      <fieldset className="session-acts">
        <legend>Action</legend>
        {BENCH_ACTS.map((a, i) => (
          <label key={a} className="session-act">
            <input ref={i === 0 ? firstRef : undefined} type="radio" name="act" value={a} checked={act === a} onChange={() => setAct(a)} />
            <span className="session-act-label">{ACT_LABELS[a]}</span>
            <span className="muted small">{ACT_HELP[a]}</span>
          </label>
        ))}
      </fieldset>
      {act === 'move' || act === 'verify_present' ? (
        <p className="field">
          <label htmlFor="session-place">{act === 'move' ? 'Move to' : 'Where (optional)'}</label>
          <input
            id="session-place"
            type="text"
            list="session-places"
            value={place}
            onChange={(e) => setPlace(e.target.value)}
            autoComplete="off"
            aria-invalid={error ? true : undefined}
            aria-describedby={error ? 'session-setup-error' : undefined}
          />
          <datalist id="session-places">
            {places.map((p) => (
              <option key={p.name} value={p.name}>
                {p.systems.map((s) => systemLabel(s)).join(', ')}
              </option>
            ))}
          </datalist>
          {placesError ? <span className="muted small">Known places could not be loaded: {placesError}</span> : null}
        </p>
      ) : null}
      {act === 'calibrate' ? (
        <p className="field">
          <label htmlFor="session-schedule">Schedule (optional)</label>
          <input id="session-schedule" type="text" value={schedule} onChange={(e) => setSchedule(e.target.value)} placeholder="calibration" autoComplete="off" />
        </p>
      ) : null}
      {error ? (
        <p id="session-setup-error" className="error-text" role="alert">
          {error}
        </p>
      ) : null}
      <button type="submit" className="button primary">
        Start scanning
      </button>
    </form>
  );
}

function RunningSession() {
  const session = useScanSession((s) => s.session)!;
  const rows = useScanSession((s) => s.rows);
  const notice = useScanSession((s) => s.notice);
  const { act, place } = session.setup;
  const counts = countRows(rows);
  const startRef = useRef<HTMLHeadingElement>(null);
  // The focus off any field, so the scanner's keys are scans (and Ctrl+Z is undo), not typing.
  useEffect(() => startRef.current?.focus(), []);

  useEffect(() => {
    const onKey = (e: globalThis.KeyboardEvent) => {
      if ((e.ctrlKey || e.metaKey) && !e.altKey && !e.shiftKey && e.key.toLowerCase() === 'z' && !isTyping(e.target)) {
        e.preventDefault();
        void useScanSession.getState().undoLast();
      }
    };
    window.addEventListener('keydown', onKey);
    return () => window.removeEventListener('keydown', onKey);
  }, []);

  const last = rows[rows.length - 1];
  return (
    <>
      <header className="page-header">
        <h2 ref={startRef} tabIndex={-1}>
          Scan session: {ACT_LABELS[act]}
          {place ? ` ${act === 'move' ? '' : 'at '}${place}` : ''}
        </h2>
        <p className="muted">Scan the items one after another. Ctrl+Z takes back the last scan.</p>
      </header>
      <div className="session-bar">
        <p className="session-counts" data-testid="session-counts">
          {plural(counts.scanned, 'scan')} · {counts.done} done{counts.overdue ? ` (${counts.overdue} overdue)` : ''} · {counts.problems} need you
          {counts.undone ? ` · ${counts.undone} undone` : ''}
        </p>
        <button type="button" className="button small" onClick={() => void useScanSession.getState().undoLast()} disabled={rows.every((r) => r.state.kind === 'undone')}>
          Undo last scan <kbd>Ctrl+Z</kbd>
        </button>
        <button type="button" className="button small" onClick={() => useScanSession.getState().exportCsv()} disabled={rows.length === 0}>
          Export CSV
        </button>
        <button type="button" className="button small" onClick={() => useScanSession.getState().end()}>
          End session
        </button>
      </div>
      <TypedCode />
      {notice ? (
        <p className={notice.failed ? 'error-box' : 'notice'} role={notice.failed ? 'alert' : 'status'}>
          {notice.text}
        </p>
      ) : null}
      <p className="visually-hidden" aria-live="polite">
        {last ? `#${last.n} ${last.code}: ${verdictOf(last).label}. ${verdictOf(last).detail}` : ''}
      </p>
      <SessionRows />
    </>
  );
}

/** A code typed by hand (a label too worn to scan): Enter sends it as a scan. */
function TypedCode() {
  const [code, setCode] = useState('');
  const onKey = (e: KeyboardEvent<HTMLInputElement>) => {
    if (e.key === 'Enter' && code.trim()) {
      e.preventDefault();
      void useScanSession.getState().scan(code);
      setCode('');
    } else if (e.key === 'Escape') e.currentTarget.blur();
  };
  return (
    <p className="session-typed">
      <label htmlFor="session-code">Type a code</label>
      <input id="session-code" type="text" value={code} onChange={(e) => setCode(e.target.value)} onKeyDown={onKey} autoComplete="off" spellCheck={false} />
    </p>
  );
}

function SessionRows({ ended = false }: { ended?: boolean }) {
  const rows = useScanSession((s) => s.rows);
  const session = useScanSession((s) => s.session);
  if (rows.length === 0) return ended ? null : <p className="muted">No scans yet.</p>;
  return (
    <>
      {ended && session ? (
        <div className="session-bar">
          <p>
            Last session: {ACT_LABELS[session.setup.act]}
            {session.setup.place ? ` ${session.setup.place}` : ''}, {plural(rows.length, 'scan')}.
          </p>
          <button type="button" className="button small" onClick={() => useScanSession.getState().exportCsv()}>
            Export CSV
          </button>
        </div>
      ) : null}
      {/* Newest first: the row of the scan just made is where the eye is. */}
      <ol className="session-rows" aria-label="Scanned items" reversed>
        {[...rows].reverse().map((row) => (
          <SessionRowItem key={row.n} row={row} live={!ended} />
        ))}
      </ol>
    </>
  );
}

function SessionRowItem({ row, live }: { row: SessionRow; live: boolean }) {
  const v = verdictOf(row);
  const s = row.state;
  const tone = v.good === null ? 'neutral' : v.good ? 'good' : 'bad';
  const record = s.kind === 'done' || s.kind === 'duplicate' || s.kind === 'acting' ? s.record : s.kind === 'refused' ? s.record : null;
  return (
    <li className={`session-row session-row-${tone}`} aria-label={`#${row.n} ${row.code}: ${v.label}`} data-state={s.kind}>
      <span className="session-row-n">#{row.n}</span>
      <span className="session-row-verdict">{v.label}</span>
      <span className="session-row-main">
        <span className="session-row-title">
          {record ? record.title || '(untitled)' : <code>{row.code}</code>}
          {record ? <span className="muted small"> · {row.code}</span> : null}
        </span>
        <span className="session-row-detail">{v.detail}</span>
        {live && s.kind === 'choose' ? <Choices n={row.n} matches={s.matches} /> : null}
        {live && s.kind === 'unknown' ? (
          <span className="session-row-actions">
            <button type="button" className="button small primary" onClick={() => useScan.getState().newWithCode(row.code)}>
              New record with “{row.code}”
            </button>
            {s.similar.length > 0 ? <Choices n={row.n} matches={s.similar} label="Or one with these words" /> : null}
          </span>
        ) : null}
      </span>
    </li>
  );
}

function Choices({ n, matches, label = 'Which one?' }: { n: number; matches: Extract<SessionRow['state'], { kind: 'choose' }>['matches']; label?: string }) {
  return (
    <span className="session-row-actions" role="group" aria-label={label}>
      {matches.map((m) => (
        <button key={m.record.id} type="button" className="button small" onClick={() => void useScanSession.getState().pick(n, m.record)}>
          {m.record.title || '(untitled)'} · {systemLabel(m.record.system)} · {kindLabel(m.record.system, m.record.kind)} · matched by {MATCHED_BY_LABEL[m.by]}
        </button>
      ))}
    </span>
  );
}
