import { Command as Cmdk } from 'cmdk';
import { useEffect, useState, type KeyboardEvent } from 'react';
import { errorMessage } from '../core/client';
import { useApprovals } from '../stores/approvals';
import { useCommands } from '../stores/commands';
import { useConnections } from '../stores/connections';
import { useOutbox } from '../stores/outbox';
import { useSelection } from '../stores/selection';
import { useUi } from '../stores/ui';
import { currentCommands, type Command } from './commands';
import './CommandPalette.css';

const GROUPS: readonly Command['group'][] = ['Go to', 'Actions', 'This record', 'Pending changes', 'Connections', 'Approvals'];

/**
 * Ctrl+K: every view and every action possible here, with its key, found by typing a few letters
 * (cmdk filters and ranks). A destructive command asks first, in the palette. Closing gives the
 * focus back where it was, unless the command put it somewhere (the search box, "Yes, delete").
 */
export function CommandPalette() {
  const open = useCommands((s) => s.paletteOpen);

  useEffect(() => {
    if (open) return;
    const back = useCommands.getState().focusBefore;
    if (!back) return;
    useCommands.setState({ focusBefore: null });
    // After the command's own focus moves have been drawn.
    requestAnimationFrame(() =>
      requestAnimationFrame(() => {
        if (document.activeElement && document.activeElement !== document.body) return;
        if (back.isConnected) back.focus();
        else document.getElementById('main')?.focus();
      }),
    );
  }, [open]);

  return open ? <Palette /> : null;
}

function Palette() {
  // What the commands are built from: any change redraws the list.
  useUi((s) => s.view);
  useUi((s) => s.form);
  useSelection((s) => s.detail);
  useConnections((s) => s.connections);
  useOutbox((s) => s.ops);
  useApprovals((s) => s.approvals);
  const commands = currentCommands();
  const [search, setSearch] = useState('');
  const [confirming, setConfirming] = useState<Command | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const close = () => useCommands.getState().setPaletteOpen(false);

  const run = async (command: Command) => {
    setBusy(true);
    setError(null);
    try {
      useCommands.getState().clearNotice();
      await command.run();
      close();
    } catch (e) {
      setConfirming(null);
      setError(`${command.label.replace(/…$/, '')}: ${errorMessage(e)}`);
    } finally {
      setBusy(false);
    }
  };

  const choose = (command: Command) => {
    if (busy) return;
    if (command.confirm) {
      setConfirming(command);
      setSearch('');
    } else void run(command);
  };

  const onKeyDown = (e: KeyboardEvent) => {
    if (e.key === 'Escape') {
      // Not the page's Escape too (an open form would be cancelled).
      e.preventDefault();
      e.stopPropagation();
      if (confirming) setConfirming(null);
      else close();
    } else if (e.key === 'Tab') {
      // The palette holds the focus while open; arrows move through it.
      e.preventDefault();
    }
  };

  return (
    <div className="palette-overlay" onMouseDown={(e) => e.target === e.currentTarget && close()}>
      <div className="palette" role="dialog" aria-modal="true" aria-label="Command palette" onKeyDown={onKeyDown}>
        <Cmdk label="Commands" loop vimBindings={false} shouldFilter={!confirming}>
          <Cmdk.Input
            className="palette-input"
            autoFocus
            value={search}
            onValueChange={setSearch}
            placeholder={confirming ? 'Enter confirms, Esc goes back' : 'Type a view or an action…'}
          />
          {error ? (
            <p className="palette-error" role="alert">
              {error}
            </p>
          ) : null}
          {confirming?.confirm ? <p className="palette-question">{confirming.confirm.question}</p> : null}
          <Cmdk.List className="palette-list">
            {confirming?.confirm ? (
              <Cmdk.Group value="confirm">
                <Cmdk.Item className="palette-item palette-danger" value="confirm" disabled={busy} onSelect={() => void run(confirming)}>
                  <span>{confirming.confirm.confirmLabel}</span>
                </Cmdk.Item>
                <Cmdk.Item className="palette-item" value="back" onSelect={() => setConfirming(null)}>
                  <span>Cancel</span>
                </Cmdk.Item>
              </Cmdk.Group>
            ) : (
              <>
                <Cmdk.Empty className="palette-empty">No view or action matches “{search}”.</Cmdk.Empty>
                {GROUPS.map((group) => {
                  const items = commands.filter((c) => c.group === group);
                  if (items.length === 0) return null;
                  return (
                    <Cmdk.Group key={group} heading={group}>
                      {items.map((c) => (
                        <Cmdk.Item key={c.id} className="palette-item" value={c.id} keywords={[c.label, group, ...(c.keywords ?? [])]} disabled={busy} onSelect={() => choose(c)}>
                          <span>{c.label}</span>
                          {c.shortcut ? <kbd>{c.shortcut}</kbd> : null}
                        </Cmdk.Item>
                      ))}
                    </Cmdk.Group>
                  );
                })}
              </>
            )}
          </Cmdk.List>
        </Cmdk>
      </div>
    </div>
  );
}

/** What a command run by key or palette came to ("Syncing every connection now.", a failure). */
export function CommandNotice() {
  const notice = useCommands((s) => s.notice);
  useEffect(() => {
    if (!notice || notice.failed) return;
    const timer = setTimeout(() => useCommands.getState().clearNotice(), 6_000);
    return () => clearTimeout(timer);
  }, [notice]);
  if (!notice) return null;
  return (
    <div className={`banner ${notice.failed ? 'banner-error' : 'banner-info'} command-notice`} role={notice.failed ? 'alert' : 'status'}>
      <span>{notice.text}</span>
      <button type="button" className="link-button small" onClick={() => useCommands.getState().clearNotice()}>
        Dismiss
      </button>
    </div>
  );
}
