import { useEffect, useRef, useState, type KeyboardEvent } from 'react';
import { kindLabel, systemLabel } from '../lib/format';
import type { MatchedBy, ScanMatch } from '../lib/scan';
import { useScan } from '../stores/scan';
import { useSelection } from '../stores/selection';
import { useUi } from '../stores/ui';
import { RecordBadges } from './Badges';

const BY_LABEL: Record<MatchedBy, string> = { id: 'id', serial: 'serial', name: 'name' };

function openRecord(id: string) {
  const ui = useUi.getState();
  ui.openForm(null);
  ui.show('records');
  void useSelection.getState().select(id);
}

/**
 * Where a barcode scanner types: an id or serial, then Enter. One match opens at once; several
 * are listed; none offers a new record with the code filled in. `s` focuses it.
 */
export function ScanBox() {
  const state = useScan((s) => s.state);
  const focusScan = useUi((s) => s.focusScan);
  const [code, setCode] = useState('');
  const [announce, setAnnounce] = useState('');
  const inputRef = useRef<HTMLInputElement>(null);
  const popoverRef = useRef<HTMLDivElement>(null);

  useEffect(() => {
    if (focusScan > 0) {
      inputRef.current?.focus();
      inputRef.current?.select();
    }
  }, [focusScan]);

  // A result left open closes when the user goes on elsewhere.
  const open = state.phase === 'found' || state.phase === 'failed';
  const rootRef = useRef<HTMLDivElement>(null);
  useEffect(() => {
    if (!open) return;
    const onDown = (e: MouseEvent) => {
      if (!rootRef.current?.contains(e.target as Node)) useScan.getState().dismiss();
    };
    document.addEventListener('mousedown', onDown);
    return () => document.removeEventListener('mousedown', onDown);
  }, [open]);

  const scan = async () => {
    const matches = await useScan.getState().lookUp(code);
    if (matches?.length === 1) {
      const m = matches[0]!;
      openRecord(m.record.id);
      setAnnounce(`Opened “${m.record.title}” (matched by ${BY_LABEL[m.by]}).`);
      // The next scan replaces this code.
      inputRef.current?.select();
    } else setAnnounce('');
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
    } else if (e.key === 'ArrowDown' && state.phase === 'found') {
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

  const choose = (m: ScanMatch) => {
    useScan.getState().dismiss();
    openRecord(m.record.id);
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
        onChange={(e) => setCode(e.target.value)}
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
          ) : state.matches.length === 0 ? (
            <>
              <p>
                No record has the id or serial <strong>“{state.code}”</strong>.
              </p>
              <button
                type="button"
                className="button primary small"
                onClick={() => {
                  useScan.getState().dismiss();
                  useUi.getState().openForm({ mode: 'create', scanned: state.code });
                }}
              >
                New record with “{state.code}”
              </button>
            </>
          ) : (
            <>
              <p>
                {state.matches.length} records match <strong>“{state.code}”</strong>:
              </p>
              <ul className="scan-matches" aria-label="Matching records">
                {state.matches.map((m) => (
                  <li key={m.record.id}>
                    <button type="button" className="scan-match" onClick={() => choose(m)}>
                      <span className="row-title">{m.record.title || '(untitled)'}</span>
                      <span className="row-meta">
                        {systemLabel(m.record.system)} · {kindLabel(m.record.system, m.record.kind)} · matched by {BY_LABEL[m.by]}
                      </span>
                      <span className="row-badges">
                        <RecordBadges record={m.record} />
                      </span>
                    </button>
                  </li>
                ))}
              </ul>
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
