import { useEffect, useState } from 'react';
import type { Connection, ConnectionStatus } from '../../src-shared/contract';
import { client, errorMessage } from '../core/client';
import { downloadText } from '../lib/download';
import { formatRelative, plural, STATE_LABELS, systemLabel } from '../lib/format';
import { useConnections } from '../stores/connections';
import { statusMessage, useSyncStatus } from '../stores/sync-status';
import { ConnectionForm } from './ConnectionForm';
import { ConfirmButton } from './ConfirmButton';

type Editing = { mode: 'add' } | { mode: 'edit'; connection: Connection } | null;

/** Remote profiles: add, edit, check, pause, remove. */
export function ConnectionsView() {
  const connections = useConnections((s) => s.connections);
  const loaded = useConnections((s) => s.loaded);
  const error = useConnections((s) => s.error);
  const statuses = useSyncStatus((s) => s.statuses);
  const [editing, setEditing] = useState<Editing>(null);
  const [notice, setNotice] = useState<string | null>(null);

  useEffect(() => {
    void useConnections.getState().load();
  }, []);

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
          onDone={(saved) => {
            setEditing(null);
            if (saved) setNotice(`Saved “${saved.name}”. BenchSync is fetching its records now.`);
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
            onEdit={() => {
              setNotice(null);
              setEditing({ mode: 'edit', connection: c });
            }}
            onRemoved={(message) => setNotice(message)}
          />
        ))}
      </ul>
    </section>
  );
}

function ConnectionCard({
  connection: c,
  status,
  onEdit,
  onRemoved,
}: {
  connection: Connection;
  status: ConnectionStatus | undefined;
  onEdit(): void;
  onRemoved(message: string): void;
}) {
  const [check, setCheck] = useState<{ ok: boolean; message: string } | null>(null);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const [removing, setRemoving] = useState<null | 'ask' | { pendingEdits: number }>(null);

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

  const online = status ? status.online && status.state !== 'offline' : false;
  return (
    <li className="connection-card" aria-label={c.name}>
      <div className="connection-head">
        <div>
          <h3>{c.name}</h3>
          <p className="muted">
            {systemLabel(c.system)} · <span className="mono">{c.baseUrl}</span>
          </p>
        </div>
        <div className="connection-state">
          {c.paused ? (
            <span className="badge badge-paused">paused</span>
          ) : (
            <span className={`badge ${online ? 'badge-online' : 'badge-offline'}`}>{online ? 'online' : 'offline'}</span>
          )}
          {status && !c.paused ? <span className="muted small">{STATE_LABELS[status.state]}</span> : null}
        </div>
      </div>
      <dl className="connection-facts">
        <div>
          <dt>API key</dt>
          <dd>{c.hasKey ? 'stored' : 'missing'}</dd>
        </div>
        <div>
          <dt>Last refreshed</dt>
          <dd>{status?.lastPullAt ? formatRelative(status.lastPullAt) : 'not yet'}</dd>
        </div>
        <div>
          <dt>Waiting to send</dt>
          <dd>
            {status ? `${status.pending} pending${status.rejected ? `, ${status.rejected} rejected` : ''}${status.conflicts ? `, ${status.conflicts} in conflict` : ''}` : '—'}
          </dd>
        </div>
      </dl>
      {status && statusMessage(status) ? <p className={status.removalToConfirm ? 'error-box' : 'muted small'}>{statusMessage(status)}</p> : null}
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
      {check ? (
        <p className={check.ok ? 'notice notice-ok' : 'error-box'} role="status">
          {check.message}
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
