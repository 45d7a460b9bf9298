import { useState } from 'react';
import type { ConnectionStatus } from '../../src-shared/contract';
import { client, errorMessage } from '../core/client';
import { formatDuration, plural, STATE_LABELS } from '../lib/format';
import { statusMessage, totalsOf, useSyncStatus } from '../stores/sync-status';
import { useUi } from '../stores/ui';

/** Always visible: are we online, what is waiting, how far along, and why it is stuck if it is. */
export function StatusBar() {
  const statuses = useSyncStatus((s) => s.statuses);
  const loaded = useSyncStatus((s) => s.loaded);
  const show = useUi((s) => s.show);
  const [syncError, setSyncError] = useState<string | null>(null);
  const t = totalsOf(statuses);
  const active = statuses.filter((s) => s.state !== 'paused');
  const overall =
    statuses.length === 0
      ? { label: loaded ? 'No connections' : 'Starting…', tone: 'neutral' }
      : active.length === 0
        ? { label: 'All connections paused', tone: 'neutral' }
        : t.offline === 0
          ? { label: 'Online', tone: 'ok' }
          : t.online === 0
            ? { label: 'Offline', tone: 'bad' }
            : { label: `${t.offline} of ${active.length} offline`, tone: 'warn' };
  const progressMax = t.done + t.pending;
  // With many connections, those that are simply up to date share one chip (each is in Connections).
  const calm = statuses.length > 2 ? statuses.filter((s) => s.state === 'idle' && s.online) : [];
  const chips = statuses.filter((s) => !calm.includes(s));
  const messages = statuses.flatMap((s) => {
    const message = statusMessage(s);
    return message ? [{ id: s.connectionId, state: s.state, text: statuses.length > 1 ? `${s.name}: ${message}` : message }] : [];
  });

  return (
    <footer className="statusbar" aria-label="Sync status">
      <div className="status-group">
        <span className={`overall overall-${overall.tone}`} data-testid="overall-status">
          <span className="dot" aria-hidden="true" />
          {overall.label}
        </span>
        {chips.map((s) => (
          <ConnectionChip key={s.connectionId} status={s} />
        ))}
        {calm.length > 0 ? (
          <span className="chip chip-ok" title={calm.map((s) => s.name).join(', ')}>
            <span className="dot" aria-hidden="true" />
            {chips.length === 0 ? `all ${calm.length} connections up to date` : `${calm.length} more up to date`}
          </span>
        ) : null}
      </div>
      <div className="status-group">
        <button type="button" className="counter" onClick={() => show('pending')} data-testid="pending-count" title="Show pending changes">
          {plural(t.pending, 'pending change')}
        </button>
        {t.rejected > 0 ? (
          <button type="button" className="counter counter-rejected" onClick={() => show('pending')}>
            {t.rejected} rejected
          </button>
        ) : null}
        {t.conflicts > 0 ? (
          <span className="counter counter-conflict">{plural(t.conflicts, 'conflict')}</span>
        ) : null}
        {t.pending > 0 && (t.etaMs !== null || t.done > 0) ? (
          <span className="progress">
            <progress value={t.done} max={progressMax} aria-label="Sync progress" />
            <span>
              {t.done} / {progressMax} sent
              {t.etaMs !== null ? ` · ${formatDuration(t.etaMs)} left` : ''}
            </span>
          </span>
        ) : null}
      </div>
      <div className="status-group status-messages" aria-live="polite">
        {messages.length === 1 ? (
          <span className={`status-message status-${messages[0]!.state}`} title={messages[0]!.text}>
            {messages[0]!.text}
          </span>
        ) : messages.length > 1 ? (
          // Several at once do not fit here: Pending changes has each connection's.
          <button type="button" className="link-button status-message status-error" onClick={() => show('pending')} title={messages.map((m) => m.text).join('\n')}>
            {messages.length} connections need attention
          </button>
        ) : null}
        {syncError ? <span className="status-message status-error">{syncError}</span> : null}
      </div>
      <button
        type="button"
        className="button small"
        disabled={statuses.length === 0}
        onClick={() => {
          setSyncError(null);
          client.call('sync.now', {}).catch((e: unknown) => setSyncError(errorMessage(e)));
        }}
      >
        Sync now
      </button>
    </footer>
  );
}

function ConnectionChip({ status: s }: { status: ConnectionStatus }) {
  const online = s.online && s.state !== 'offline';
  const tone = s.state === 'paused' ? 'neutral' : !online || s.state === 'key_rejected' || s.state === 'error' ? 'bad' : s.state === 'rate_limited' || s.state === 'waiting' ? 'warn' : 'ok';
  return (
    <span className={`chip chip-${tone}`} title={statusMessage(s) ?? undefined}>
      <span className="dot" aria-hidden="true" />
      {s.name}: {s.state === 'paused' ? 'paused' : online ? `online, ${STATE_LABELS[s.state]}` : 'offline'}
    </span>
  );
}
