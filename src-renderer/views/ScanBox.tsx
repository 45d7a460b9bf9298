import { useEffect, useRef, type KeyboardEvent } from 'react';
import { kindLabel, systemLabel } from '../lib/format';
import { MATCHED_BY_LABEL, scanTargets, type ScanMatch, type ScanTarget } from '../lib/scan';
import { useConnections } from '../stores/connections';
import { useScan } from '../stores/scan';
import { useUi } from '../stores/ui';
import { RecordBadges } from './Badges';
import { DueBadge } from './DueBadge';

/**
 * Where a barcode scanner's code shows: typed here (`s` focuses it), or scanned with the focus
 * anywhere else outside a text field (views/keyboard.ts). One match opens at once; several are
 * listed; none offers a new record with the code in its id or serial field, after asking which
 * connection and kind.
 */
export function ScanBox() {
  const state = useScan((s) => s.state);
  const code = useScan((s) => s.draft);
  const announce = useScan((s) => s.announce);
  const focusScan = useUi((s) => s.focusScan);
  const inputRef = useRef<HTMLInputElement>(null);
  const popoverRef = useRef<HTMLDivElement>(null);

  useEffect(() => {
    if (focusScan > 0) {
      inputRef.current?.focus();
      inputRef.current?.select();
    }
  }, [focusScan]);

  // Asked where a new record goes: the first choice takes focus, so Enter picks it.
  useEffect(() => {
    if (state.phase === 'choosing') popoverRef.current?.querySelector<HTMLElement>('button')?.focus();
  }, [state.phase]);

  // A result left open closes when the user goes on elsewhere.
  const open = state.phase === 'found' || state.phase === 'failed' || state.phase === 'choosing';
  const rootRef = useRef<HTMLDivElement>(null);
  useEffect(() => {
    if (!open) return;
    const onDown = (e: MouseEvent) => {
      if (!rootRef.current?.contains(e.target as Node)) useScan.getState().dismiss();
    };
    // A scan made with the focus on the page: Escape there closes its result.
    const onKey = (e: globalThis.KeyboardEvent) => {
      if (e.key === 'Escape' && (!document.activeElement || document.activeElement === document.body)) useScan.getState().dismiss();
    };
    document.addEventListener('mousedown', onDown);
    document.addEventListener('keydown', onKey);
    return () => {
      document.removeEventListener('mousedown', onDown);
      document.removeEventListener('keydown', onKey);
    };
  }, [open]);

  const scan = async () => {
    // The next scan replaces this code.
    if (await useScan.getState().scan(code)) inputRef.current?.select();
  };

  const onKey = (e: KeyboardEvent<HTMLInputElement>) => {
    if (e.key === 'Enter') {
      e.preventDefault();
      void scan();
    } else if (e.key === 'Escape') {
      // Only the scan box's Escape: an open form elsewhere stays open.
      e.preventDefault();
      e.stopPropagation();
      if (state.phase !== 'idle') useScan.getState().dismiss();
      else inputRef.current?.blur();
    } else if (e.key === 'ArrowDown' && open) {
      e.preventDefault();
      popoverRef.current?.querySelector<HTMLElement>('button')?.focus();
    }
  };

  const onPopoverKey = (e: KeyboardEvent<HTMLDivElement>) => {
    const buttons = [...(popoverRef.current?.querySelectorAll<HTMLElement>('button') ?? [])];
    const at = buttons.indexOf(document.activeElement as HTMLElement);
    if (e.key === 'Escape') {
      e.preventDefault();
      e.stopPropagation();
      useScan.getState().dismiss();
      inputRef.current?.focus();
    } else if (e.key === 'ArrowDown' || e.key === 'ArrowUp') {
      e.preventDefault();
      const next = e.key === 'ArrowDown' ? Math.min(buttons.length - 1, at + 1) : at - 1;
      if (next < 0) inputRef.current?.focus();
      else buttons[next]?.focus();
    }
  };

  return (
    <div className="scan" ref={rootRef}>
      <label className="visually-hidden" htmlFor="scan-box">
        Scan an id or serial
      </label>
      <input
        ref={inputRef}
        id="scan-box"
        className="scan-input"
        type="text"
        placeholder="Scan id or serial  ( s )"
        value={code}
        onChange={(e) => useScan.getState().setDraft(e.target.value)}
        onKeyDown={onKey}
        autoComplete="off"
        spellCheck={false}
        aria-describedby="scan-status"
      />
      <span id="scan-status" className="visually-hidden" aria-live="polite">
        {state.phase === 'looking' ? 'Looking…' : announce}
      </span>
      {open ? (
        <div ref={popoverRef} className="scan-popover" role="dialog" aria-label="Scan result" onKeyDown={onPopoverKey}>
          {state.phase === 'failed' ? (
            <p className="error-text">Could not look up “{state.code}”: {state.message}</p>
          ) : state.phase === 'choosing' ? (
            <NewRecordTargets code={state.code} />
          ) : state.matches.length === 0 ? (
            <>
              <p>
                No record has the id or serial <strong>“{state.code}”</strong>.
              </p>
              <button type="button" className="button primary small" onClick={() => useScan.getState().chooseTarget()}>
                New record with “{state.code}”
              </button>
              {state.similar.length > 0 ? (
                <>
                  <p className="muted small">Records with these words:</p>
                  <MatchList matches={state.similar} label="Similar records" />
                </>
              ) : null}
            </>
          ) : (
            <>
              <p>
                {state.matches.length === 1 ? 'One record matches' : `${state.matches.length} records match`} <strong>“{state.code}”</strong>:
              </p>
              <MatchList matches={state.matches} label="Matching records" />
            </>
          )}
          <button type="button" className="link-button small" onClick={() => useScan.getState().dismiss()}>
            Close
          </button>
        </div>
      ) : null}
    </div>
  );
}

function MatchList({ matches, label }: { matches: ScanMatch[]; label: string }) {
  return (
    <ul className="scan-matches" aria-label={label}>
      {matches.map((m) => (
        <li key={m.record.id}>
          <button type="button" className="scan-match" onClick={() => useScan.getState().open(m)}>
            <span className="row-title">{m.record.title || '(untitled)'}</span>
            <span className="row-meta">
              {systemLabel(m.record.system)} · {kindLabel(m.record.system, m.record.kind)} · matched by {MATCHED_BY_LABEL[m.by]}
            </span>
            <span className="row-badges">
              <RecordBadges record={m.record} />
              <DueBadge recordId={m.record.id} />
            </span>
          </button>
        </li>
      ))}
    </ul>
  );
}

/** Which connection and kind a new record with the scanned code goes to; the code fills its id or serial field. */
function NewRecordTargets({ code }: { code: string }) {
  const connections = useConnections((s) => s.connections);
  const targets = scanTargets(connections, code);
  const fits = targets.filter((t): t is ScanTarget & { field: NonNullable<ScanTarget['field']> } => t.field !== null);
  const others = targets.filter((t) => !t.field);
  const create = (t: ScanTarget | null) => {
    useScan.getState().dismiss();
    useUi.getState().openForm(t ? { mode: 'create', kind: t.kind, connectionId: t.connection.id, scanned: code } : { mode: 'create' });
  };
  return (
    <>
      {fits.length > 0 ? (
        <>
          <p>
            New record with <strong>“{code}”</strong>: in which connection, as which kind?
          </p>
          <ul className="scan-matches" aria-label="Where the new record goes">
            {fits.map((t) => (
              <li key={`${t.connection.id}:${t.kind}`}>
                <button type="button" className="scan-match" onClick={() => create(t)}>
                  <span className="row-title">
                    {t.connection.name} · {t.kindLabel}
                  </span>
                  <span className="row-meta">
                    {systemLabel(t.connection.system)} · “{code}” goes in {t.field.label}
                  </span>
                </button>
              </li>
            ))}
          </ul>
        </>
      ) : (
        <p>
          None of your connections has an id or serial field that takes <strong>“{code}”</strong>.
        </p>
      )}
      {others.length > 0 ? (
        <p className="muted small">
          No id or serial field for it in: {others.map((t) => `${t.connection.name} · ${t.kindLabel}`).join(', ')}.
        </p>
      ) : null}
      {fits.length === 0 && others.length > 0 ? (
        <button type="button" className="button small" onClick={() => create(null)}>
          New record without the code
        </button>
      ) : null}
    </>
  );
}
