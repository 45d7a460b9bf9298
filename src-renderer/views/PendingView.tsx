import { useEffect, useState } from 'react';
import type { ConnectionStatus, PendingOpDto } from '../../src-shared/contract';
import { client, errorMessage } from '../core/client';
import { formatDuration, formatRelative, heldReason, OP_STATE_LABELS, opTypeLabel, plural, systemLabel } from '../lib/format';
import { connectionName, useConnections } from '../stores/connections';
import { useOutbox } from '../stores/outbox';
import { useSelection } from '../stores/selection';
import { useSyncStatus, useSyncSummary } from '../stores/sync-status';
import { useUi } from '../stores/ui';
import { SYSTEM_PROFILES, type FieldSpec } from '../../src-shared/domain/remotes';
import { ChangeSummary } from './ChangeSummary';
import { ConfirmButton } from './ConfirmButton';
import { attemptsText } from './RecordPanels';
import { PlainText } from './ServerWords';
import { shown } from '../lib/bidi';

/** Every queued change across connections: what it is, where it stands, and what the server said. */
export function PendingView() {
  const ops = useOutbox((s) => s.ops);
  const loaded = useOutbox((s) => s.loaded);
  const error = useOutbox((s) => s.error);
  const connections = useConnections((s) => s.connections);
  const pickLists = useConnections((s) => s.pickLists);
  const [actionError, setActionError] = useState<string | null>(null);
  // Each change is shown in its record's fields (labels, pick lists by name).
  const specsOf = (op: PendingOpDto): readonly FieldSpec[] => {
    const system = connections.find((c) => c.id === op.connectionId)?.system;
    return (system && SYSTEM_PROFILES[system]?.kinds.find((k) => k.kind === op.kind)?.fields) ?? [];
  };
  const [busy, setBusy] = useState<number | null>(null);
  const summary = useSyncSummary();
  const offline = new Set(summary.connections.filter((c) => c.reach === 'offline').map((c) => c.connectionId));

  useEffect(() => {
    void useOutbox.getState().load();
  }, []);

  const act = async (op: PendingOpDto, method: 'outbox.retry' | 'outbox.discard') => {
    setBusy(op.id);
    setActionError(null);
    try {
      await client.call(method, { opId: op.id });
    } catch (e) {
      setActionError(errorMessage(e));
    } finally {
      setBusy(null);
      await useOutbox.getState().load();
    }
  };

  const openRecord = (op: PendingOpDto) => {
    // A reviewer's decision belongs to the approvals queue, not to a record.
    if (op.type === 'accept' || op.type === 'reject') {
      useUi.getState().show('approvals');
      return;
    }
    useUi.getState().openForm(null);
    useUi.getState().show('records');
    void useSelection.getState().select(op.recordId);
  };

  // The same numbers as the tab's badge and the status bar (one summary), not a count of its own.
  const { unsent, rejected } = summary;
  return (
    <section className="page" aria-label="Pending changes">
      <header className="page-header">
        <h2>Pending changes</h2>
        <p className="muted" aria-live="polite">
          {!loaded
            ? 'Loading…'
            : unsent === 0
              ? 'Nothing is waiting: every change has reached its server.'
              : `${plural(unsent, 'change')} waiting${rejected ? `, ${rejected} refused by the server and waiting for you` : ''}. They are sent in order, per record, as soon as the server can be reached.`}
        </p>
      </header>
      <ConnectionProgress />
      {error ? (
        <p className="error-box" role="alert">
          Could not load the queue: {error}
        </p>
      ) : null}
      {actionError ? (
        <p className="error-box" role="alert">
          {actionError}
        </p>
      ) : null}
      {ops.length > 0 ? (
        <table className="table">
          <thead>
            <tr>
              <th scope="col">Record</th>
              <th scope="col">Change</th>
              <th scope="col">State</th>
              <th scope="col">Next attempt</th>
              <th scope="col">Message</th>
              <th scope="col">
                <span className="visually-hidden">Actions</span>
              </th>
            </tr>
          </thead>
          <tbody>
            {ops.map((op) => (
              <tr key={op.id} className={op.state === 'rejected' || op.state === 'failing' ? 'row-rejected' : undefined}>
                <td>
                  <button type="button" className="link-button" onClick={() => openRecord(op)}>
                    <bdi>{shown(op.recordTitle) || '(untitled)'}</bdi>
                  </button>
                  <div className="muted small">{connectionName(connections, op.connectionId)}</div>
                </td>
                <td>
                  {opTypeLabel(op.type)}
                  <ChangeSummary op={op} specs={specsOf(op)} pick={(source) => pickLists[`${op.connectionId}:${source}`] ?? []} />
                </td>
                <td>
                  <span className={`op-state op-state-${op.state}`}>{OP_STATE_LABELS[op.state]}</span>
                  {attemptsText(op) ? <div className="muted small">{attemptsText(op)}</div> : null}
                </td>
                <td>
                  {op.state !== 'queued' && op.state !== 'unknown'
                    ? '—'
                    : offline.has(op.connectionId)
                      ? 'when the server is back'
                      : op.nextAttemptAt && Date.parse(op.nextAttemptAt) > Date.now() + 1_000
                        ? formatRelative(op.nextAttemptAt)
                        : 'as soon as possible'}
                </td>
                <td className="message-cell">
                  {heldReason(op) ?? (op.error ? <PlainText message={op.error} /> : <span className="muted">—</span>)}
                  {op.fieldErrors && Object.keys(op.fieldErrors).length > 0 ? (
                    <div className="muted small">Fields: {Object.keys(op.fieldErrors).filter((f) => f !== '_').join(', ') || 'general'}</div>
                  ) : null}
                </td>
                <td className="actions-cell">
                  {op.state === 'rejected' || op.state === 'failing' ? (
                    <button type="button" className="button small" disabled={busy === op.id} onClick={() => void act(op, 'outbox.retry')}>
                      Retry
                    </button>
                  ) : null}
                  {op.state !== 'in_flight' ? (
                    <ConfirmButton
                      small
                      label="Discard"
                      question={op.type === 'create' ? 'Discard, and the new record with it?' : 'Discard this change?'}
                      confirmLabel="Yes, discard"
                      disabled={busy === op.id}
                      onConfirm={() => void act(op, 'outbox.discard')}
                    />
                  ) : null}
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      ) : null}
    </section>
  );
}

const STUCK: ReadonlySet<ConnectionStatus['state']> = new Set(['offline', 'paused', 'key_rejected', 'error']);

/** Per connection: how much of its queue is sent, and how long the rest takes at the server's rate limit. */
function ConnectionProgress() {
  const statuses = useSyncStatus((s) => s.statuses);
  const summary = useSyncSummary();
  if (statuses.length === 0) return null;
  return (
    <ul className="progress-list" aria-label="Progress by connection">
      {statuses.map((s) => {
        const total = s.done + s.pending;
        const stuck = STUCK.has(s.state) || !s.online;
        const c = summary.connections.find((x) => x.connectionId === s.connectionId);
        const message = c?.sentence ?? null;
        const counts = [total > 0 ? `${s.done} of ${total} sent` : '', s.rejected > 0 ? `${s.rejected} rejected` : '', s.conflicts > 0 ? plural(s.conflicts, 'conflict') : '']
          .filter(Boolean)
          .join(' · ');
        const outlook =
          s.pending === 0
            ? s.rejected + s.conflicts > 0
              ? 'Nothing else to send: the rest waits for you.'
              : 'Everything is sent.'
            : s.state === 'paused'
              ? 'Paused: sent once resumed.'
              : stuck
                ? message
                  ? null
                  : `Waits: ${c?.label ?? 'offline'}. Sent once the server can be reached.`
                : s.etaMs !== null
                  ? `${formatDuration(s.etaMs)} left at the server’s rate limit.`
                  : s.state === 'idle'
                    ? // Nothing ready: what is left is held behind a conflict or an administrator's decision.
                      'Nothing more can go out now: the rest waits for you or for an administrator’s decision.'
                    : 'Sending…';
        return (
          <li key={s.connectionId} className="progress-item" aria-label={s.name}>
            <div className="progress-head">
              <strong>{s.name}</strong>
              <span className="muted small">
                {systemLabel(s.system)} · {c ? (c.reach === 'online' ? c.label : c.reach === 'unknown' ? 'status unknown' : c.reach) : ''}
              </span>
            </div>
            {counts ? (
              <div className="progress-line">
                {total > 0 ? <progress value={s.done} max={total} aria-label={`${s.name}: sent`} /> : null}
                <span>{counts}</span>
              </div>
            ) : null}
            {outlook ? <p className="muted small">{outlook}</p> : null}
            {message ? (
              <p className={stuck ? 'small status-offline' : 'muted small'} title={c?.detail ?? undefined}>
                {message}
              </p>
            ) : null}
          </li>
        );
      })}
    </ul>
  );
}
