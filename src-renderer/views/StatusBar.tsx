import { useState } from 'react';
import { type ConnectionSummary, plural } from '../../src-shared/domain/sync-summary';
import { client, errorMessage } from '../core/client';
import { formatDuration } from '../lib/format';
import { useSyncSummary } from '../stores/sync-status';
import { useUi } from '../stores/ui';
import './StatusBar.css';

/** Connections shown each with a chip; more than this and the rest share one (each is in Connections). */
const MAX_CHIPS = 2;

/**
 * Always visible, on one row: are we online, what is waiting, how far along, and why it is stuck
 * if it is, in plain words (the technical detail is the tooltip). Every word and number comes
 * from the one sync summary, as the Pending tab's count and the connection cards do.
 */
export function StatusBar() {
  const summary = useSyncSummary();
  const show = useUi((s) => s.show);
  const [syncError, setSyncError] = useState<string | null>(null);
  const { overall, connections } = summary;
  const coreUp = summary.coreReachable;
  // With many connections, those that are simply up to date share one chip.
  const calm = connections.length > MAX_CHIPS ? connections.filter((c) => c.upToDate) : [];
  const others = connections.filter((c) => !calm.includes(c));
  // What was known before the core dropped is not repeated as if it were current.
  const chips = coreUp ? others.slice(0, MAX_CHIPS) : [];
  const hidden = coreUp ? others.slice(MAX_CHIPS) : [];
  const messages = coreUp
    ? connections.flatMap((c) => (c.sentence ? [{ c, text: connections.length > 1 ? `${c.name}: ${c.sentence}` : c.sentence }] : []))
    : [];
  const progressMax = summary.done + summary.sendable;

  return (
    <footer className="statusbar statusbar-one-row" aria-label="Sync status">
      <div className="status-group status-connections">
        <span className={`overall overall-${overall.tone}`} data-testid="overall-status">
          <span className="dot" aria-hidden="true" />
          {overall.label}
        </span>
        {chips.map((c) => (
          <ConnectionChip key={c.connectionId} summary={c} />
        ))}
        {hidden.length > 0 ? (
          <button type="button" className="chip chip-warn link-chip" onClick={() => show('connections')} title={hidden.map((c) => c.chip).join('\n')}>
            +{hidden.length} more
          </button>
        ) : null}
        {coreUp && calm.length > 0 ? (
          <span className="chip chip-ok" title={calm.map((c) => c.name).join(', ')}>
            <span className="dot" aria-hidden="true" />
            {summary.calmChip(calm.length, chips.length === 0 && hidden.length === 0)}
          </span>
        ) : null}
      </div>
      <div className="status-group status-counts">
        <button
          type="button"
          className="counter"
          onClick={() => show('pending')}
          data-testid="pending-count"
          title={coreUp ? 'Show pending changes' : 'As last known: BenchSync core cannot be reached'}
        >
          {plural(summary.unsent, 'pending change')}
        </button>
        {summary.rejected > 0 ? (
          <button type="button" className="counter counter-rejected" onClick={() => show('pending')} title="Refused by the server; they wait for you in Pending changes">
            {summary.rejected.toLocaleString('en-US')} rejected
          </button>
        ) : null}
        {summary.conflicts > 0 ? (
          <span className="counter counter-conflict">{plural(summary.conflicts, 'conflict')}</span>
        ) : null}
        {coreUp && summary.sendable > 0 && (summary.etaMs !== null || summary.done > 0) ? (
          <span className="progress">
            <progress value={summary.done} max={progressMax} aria-label="Sync progress" />
            <span>
              {summary.done} / {progressMax} sent
              {summary.etaMs !== null ? ` · ${formatDuration(summary.etaMs)} left` : ''}
            </span>
          </span>
        ) : null}
      </div>
      <div className="status-group status-messages" aria-live="polite">
        {messages.length === 1 ? (
          <span className={`status-message status-${messages[0]!.c.tone}`} title={titleOf(messages[0]!.text, messages[0]!.c)} data-testid="status-message">
            {messages[0]!.text}
          </span>
        ) : messages.length > 1 ? (
          // Several at once do not fit here: Pending changes has each connection's.
          <button
            type="button"
            className="link-button status-message status-bad"
            onClick={() => show('pending')}
            title={messages.map((m) => titleOf(m.text, m.c)).join('\n')}
            data-testid="status-message"
          >
            {messages.length} connections need attention
          </button>
        ) : null}
        {syncError ? <span className="status-message status-bad">{syncError}</span> : null}
      </div>
      <button
        type="button"
        className="button small"
        disabled={connections.length === 0 || !coreUp}
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

/** The plain sentence, then what main said (hosts, statuses, error codes) for whoever looks closer. */
function titleOf(text: string, c: ConnectionSummary): string {
  return c.detail ? `${text}\n\nDetail: ${c.detail}` : text;
}

function ConnectionChip({ summary: c }: { summary: ConnectionSummary }) {
  return (
    <span className={`chip chip-${c.tone}`} title={c.sentence ? titleOf(c.sentence, c) : c.counts}>
      <span className="dot" aria-hidden="true" />
      {c.chip}
    </span>
  );
}
