import { useEffect, useState } from 'react';
import { useUi } from '../stores/ui';
import type { CheckResult, Connection, ConnectionStatus } from '../../src-shared/contract';
import { type ConnectionSummary, isPlain } from '../../src-shared/domain/sync-summary';
import { client, errorMessage } from '../core/client';
import { downloadText } from '../lib/download';
import { formatRelative, plural, systemLabel } from '../lib/format';
import { useConnections } from '../stores/connections';
import { useSyncStatus, useSyncSummary } from '../stores/sync-status';
import { ConnectionForm } from './ConnectionForm';
import { ConfirmButton } from './ConfirmButton';
import './ConnectionsView.css';

type Editing = { mode: 'add' } | { mode: 'edit'; connection: Connection } | null;

/** The card of a connection, for scrolling to it and giving it the focus. */
export const cardId = (connectionId: string) => `connection-card-${connectionId}`;

/** Remote profiles: add, edit, check, pause, remove. */
export function ConnectionsView() {
  const connections = useConnections((s) => s.connections);
  const loaded = useConnections((s) => s.loaded);
  const error = useConnections((s) => s.error);
  const statuses = useSyncStatus((s) => s.statuses);
  const summary = useSyncSummary();
  const [editing, setEditing] = useState<Editing>(null);
  const [notice, setNotice] = useState<string | null>(null);
  /** The card just saved: brought into view and focused once it is listed. */
  const [reveal, setReveal] = useState<string | null>(null);

  useEffect(() => {
    void useConnections.getState().load();
  }, []);

  // A form asked for from the command palette: opened here, once the connection is listed.
  const asked = useUi((s) => s.connectionForm);
  const [askRemove, setAskRemove] = useState<string | null>(null);
  useEffect(() => {
    if (!asked) return;
    if (asked.mode === 'add') {
      setNotice(null);
      setEditing({ mode: 'add' });
    } else {
      const c = connections.find((x) => x.id === asked.id);
      if (!c) return;
      setNotice(null);
      if (asked.mode === 'edit') setEditing({ mode: 'edit', connection: c });
      else {
        setAskRemove(c.id);
        setReveal(c.id);
      }
    }
    useUi.getState().requestConnectionForm(null);
  }, [asked, connections]);

  useEffect(() => {
    if (!reveal) return;
    const card = document.getElementById(cardId(reveal));
    if (!card) return;
    card.scrollIntoView({ block: 'nearest' });
    card.focus({ preventScroll: true });
    setReveal(null);
  }, [reveal, connections]);

  return (
    <section className="page" aria-label="Connections">
      <header className="page-header">
        <h2>Connections</h2>
        <p className="muted">The remote systems BenchSync keeps a copy of. API keys are stored on this computer only and are never shown again.</p>
        {editing ? null : (
          <button
            type="button"
            className="button primary"
            onClick={() => {
              setNotice(null);
              setEditing({ mode: 'add' });
            }}
          >
            Add connection
          </button>
        )}
      </header>
      {error ? (
        <p className="error-box" role="alert">
          {error}
        </p>
      ) : null}
      {notice ? (
        <p className="notice" role="status">
          {notice}
        </p>
      ) : null}
      {editing ? (
        <ConnectionForm
          key={editing.mode === 'edit' ? editing.connection.id : 'add'}
          connection={editing.mode === 'edit' ? editing.connection : null}
          onDone={(saved, check) => {
            setEditing(null);
            if (!saved) return;
            setNotice(savedNotice(saved, check));
            setReveal(saved.id);
          }}
        />
      ) : null}
      {loaded && connections.length === 0 && !editing ? <p className="empty">No connections yet. Add one to start.</p> : null}
      <ul className="connection-list">
        {connections.map((c) => (
          <ConnectionCard
            key={c.id}
            connection={c}
            status={statuses.find((s) => s.connectionId === c.id)}
            summary={summary.connections.find((s) => s.connectionId === c.id)}
            onEdit={() => {
              setNotice(null);
              setEditing({ mode: 'edit', connection: c });
            }}
            onRemoved={(message) => setNotice(message)}
            askRemove={askRemove === c.id}
            onRemoveAsked={() => setAskRemove(null)}
          />
        ))}
      </ul>
    </section>
  );
}

/** What the view says once a connection is saved: its check's result decides the words. */
function savedNotice(saved: Connection, check: CheckResult | null): string {
  if (!check || check.outcome === 'ok') return `Saved “${saved.name}”. BenchSync is fetching its records now.`;
  if (check.outcome === 'not_checked') return `Saved “${saved.name}”. The server could not be asked now, so its key is not checked yet; BenchSync fetches its records once it answers.`;
  return `Saved “${saved.name}” as you asked, although its check failed: ${check.message}`;
}

function ConnectionCard({
  connection: c,
  status,
  summary,
  onEdit,
  onRemoved,
  askRemove,
  onRemoveAsked,
}: {
  connection: Connection;
  status: ConnectionStatus | undefined;
  summary: ConnectionSummary | undefined;
  onEdit(): void;
  onRemoved(message: string): void;
  /** The palette's "Remove connection": the card asks its question. */
  askRemove: boolean;
  onRemoveAsked(): void;
}) {
  const [check, setCheck] = useState<CheckResult | null>(null);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const [removing, setRemoving] = useState<null | 'ask' | { pendingEdits: number }>(null);
  useEffect(() => {
    if (!askRemove) return;
    setRemoving('ask');
    onRemoveAsked();
  }, [askRemove, onRemoveAsked]);

  const act = async (action: () => Promise<void>) => {
    setBusy(true);
    setError(null);
    try {
      await action();
    } catch (e) {
      setError(errorMessage(e));
    } finally {
      setBusy(false);
    }
  };

  const remove = (discardPending: boolean) =>
    act(async () => {
      const result = await client.call('connections.remove', { id: c.id, discardPending });
      if (!result.removed) {
        setRemoving({ pendingEdits: result.pendingEdits });
        return;
      }
      setRemoving(null);
      onRemoved(
        `Removed “${c.name}”${result.pendingEdits > 0 ? ` and discarded ${plural(result.pendingEdits, 'unsent edit')}` : ''}. Its records are no longer on this computer.`,
      );
      await Promise.all([useConnections.getState().load(), useSyncStatus.getState().load()]);
    });

  const reach = c.paused ? 'paused' : (summary?.reach ?? 'unknown');
  // The reply to a click, else what main remembers of the last check (e.g. the one made on save).
  const shownCheck = check ?? status?.lastCheck ?? null;
  return (
    <li className="connection-card" aria-label={c.name} id={cardId(c.id)} tabIndex={-1}>
      <div className="connection-head">
        <div>
          <h3>{c.name}</h3>
          <p className="muted">
            {systemLabel(c.system)} · <span className="mono">{c.baseUrl}</span>
          </p>
        </div>
        <div className="connection-state">
          <span className={`badge badge-${reach === 'online' ? 'online' : reach === 'paused' ? 'paused' : 'offline'}`}>{reach === 'unknown' ? 'status unknown' : reach}</span>
          {summary && reach !== 'paused' && reach !== 'unknown' ? <span className={`muted small state-${summary.tone}`}>{summary.label}</span> : null}
        </div>
      </div>
      <dl className="connection-facts">
        <div>
          <dt>API key</dt>
          <dd>{c.hasKey ? 'stored' : 'missing'}</dd>
        </div>
        <div>
          <dt>Acts as</dt>
          <dd data-testid="connection-account">
            {status?.account ? status.account.label : 'not known yet'}
            {status?.account && !status.account.named ? (
              <span className="muted small account-note">{systemLabel(c.system)} does not say whose key this is; this is what it shows of it.</span>
            ) : null}
          </dd>
        </div>
        <div>
          <dt>Last refreshed</dt>
          <dd>{status?.lastPullAt ? formatRelative(status.lastPullAt) : 'not yet'}</dd>
        </div>
        <div>
          <dt>Waiting to send</dt>
          <dd data-testid="connection-counts">{summary ? summary.counts : '—'}</dd>
        </div>
      </dl>
      {summary?.sentence ? (
        <p className={status?.removalToConfirm ? 'error-box' : 'muted small'} title={summary.detail ?? undefined}>
          {summary.sentence}
        </p>
      ) : null}
      {summary?.detail ? (
        <details className="small connection-detail">
          <summary>Technical detail</summary>
          <span className="mono">{summary.detail}</span>
        </details>
      ) : null}
      {status?.notices.map((n) => (
        <p key={n} className="muted small notice-fallback">
          {n}
        </p>
      ))}
      {status?.removalToConfirm ? (
        <ConfirmButton
          label={`Remove ${plural(status.removalToConfirm, 'record')} here`}
          question={`Remove the ${plural(status.removalToConfirm, 'record')} the server no longer lists from this computer? Records with your unsent edits are kept as conflicts.`}
          confirmLabel="Yes, remove them"
          disabled={busy}
          onConfirm={() => void act(async () => void (await client.call('sync.confirmRemoval', { connectionId: c.id })))}
        />
      ) : null}
      {shownCheck ? (
        <p
          className={shownCheck.ok ? 'notice notice-ok' : shownCheck.outcome === 'not_checked' ? 'notice' : 'error-box'}
          role="status"
          title={isPlain(shownCheck.message) ? undefined : shownCheck.message}
        >
          {shownCheck.ok ? '' : shownCheck.outcome === 'not_checked' ? 'Not checked: ' : 'Check failed: '}
          {/* Hosts and error codes stay in the tooltip: the card says it in words. */}
          {isPlain(shownCheck.message) ? shownCheck.message : shownCheck.outcome === 'not_checked' ? 'the server did not answer.' : 'the server’s answer was not what this system sends; check the base URL.'}
        </p>
      ) : null}
      {error ? (
        <p className="error-box" role="alert">
          {error}
        </p>
      ) : null}
      <div className="actions">
        <button
          type="button"
          className="button"
          disabled={busy}
          onClick={() =>
            void act(async () => {
              setCheck(null);
              setCheck(await client.call('connections.check', { id: c.id }));
            })
          }
        >
          {busy ? 'Working…' : 'Check connection'}
        </button>
        <button
          type="button"
          className="button"
          disabled={busy}
          onClick={() =>
            void act(async () => {
              await client.call('connections.setPaused', { id: c.id, paused: !c.paused });
              await useConnections.getState().load();
            })
          }
        >
          {c.paused ? 'Resume' : 'Pause'}
        </button>
        <button type="button" className="button" disabled={busy} onClick={onEdit}>
          Edit
        </button>
        {removing === null ? (
          <button type="button" className="button danger" disabled={busy} onClick={() => setRemoving('ask')}>
            Remove
          </button>
        ) : null}
      </div>
      {removing === 'ask' ? (
        <div className="confirm" role="group" aria-label="Confirm removal">
          <p>Remove “{c.name}”? Its records are deleted from this computer (nothing is deleted on the server).</p>
          <button type="button" className="button danger" disabled={busy} onClick={() => void remove(false)}>
            Yes, remove
          </button>
          <button type="button" className="button" onClick={() => setRemoving(null)}>
            Cancel
          </button>
        </div>
      ) : removing ? (
        <div className="confirm confirm-warn" role="alert" aria-label="Unsent edits">
          <p>
            “{c.name}” has {plural(removing.pendingEdits, 'edit')} not yet sent to the server. Removing it discards them for good.
          </p>
          <button
            type="button"
            className="button"
            disabled={busy}
            onClick={() =>
              void act(async () => {
                const copy = await client.call('outbox.export', { connectionId: c.id });
                downloadText(copy.filename, copy.json, 'application/json');
              })
            }
          >
            Save a copy of the edits
          </button>
          <button type="button" className="button danger" disabled={busy} onClick={() => void remove(true)}>
            Discard {plural(removing.pendingEdits, 'edit')} and remove
          </button>
          <button type="button" className="button" onClick={() => setRemoving(null)}>
            Keep the connection
          </button>
        </div>
      ) : null}
    </li>
  );
}
