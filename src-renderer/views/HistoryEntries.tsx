import type { HistoryEntryDto } from '../../src-shared/contract';
import { HISTORY_SOURCE_LABELS, HISTORY_SOURCES, type HistorySource } from '../../src-shared/domain/history';
import { shown } from '../lib/bidi';
import { formatDateTime } from '../lib/datetime';
import './HistoryEntries.css';

/** An entry's "what" in words: the field before → after, or what happened. */
function What({ e }: { e: HistoryEntryDto }) {
  switch (e.event) {
    case 'field':
      return (
        <>
          <span className="history-field">{e.fieldLabel ?? e.field}</span>{' '}
          <span className="history-before">{shown(e.beforeText ?? '')}</span> → <span className="history-after">{shown(e.afterText ?? '')}</span>
        </>
      );
    case 'record_added':
      return <>Record added</>;
    case 'record_deleted':
      return <>Deleted here (to be deleted on the server)</>;
    case 'record_restored':
      return <>Delete undone</>;
    case 'record_removed':
      return <>Removed from this workstation</>;
    case 'op_sent':
      return <>Sent to the server, no answer yet{e.detail ? ` (${e.detail})` : ''}</>;
    case 'op_acknowledged':
      return <>The server took the change{e.detail ? `: ${e.detail}` : ''}</>;
    case 'op_rejected':
      return <>The server refused the change{e.detail ? `: ${shown(e.detail)}` : ''}</>;
    case 'proposal_decided':
      return <>{e.detail ?? 'Proposal decided'}</>;
  }
}

function fateText(e: HistoryEntryDto): string | null {
  if (e.event !== 'field' || e.opId === null) return null;
  if (!e.opFate) return 'waiting to be sent';
  return { op_sent: 'sent, no answer yet', op_acknowledged: 'on the server', op_rejected: 'refused by the server' }[e.opFate.event];
}

/** History entries, newest first: when, who, where from, what, why. `showRecord` for lists across records. */
export function HistoryEntries({ entries, showRecord, onOpenRecord }: { entries: HistoryEntryDto[]; showRecord?: boolean; onOpenRecord?(id: string): void }) {
  if (entries.length === 0) return <p className="muted">No changes recorded.</p>;
  return (
    <ol className="history-list" aria-label="History entries">
      {entries.map((e) => {
        const fate = fateText(e);
        return (
          <li key={e.id} className={`history-entry history-${e.event}`}>
            <div className="history-meta">
              <time dateTime={e.at}>{formatDateTime(e.at)}</time>
              <span>
                {e.osUser}
                {e.account ? ` as ${e.account}` : ''}
              </span>
              <span className="history-source">{HISTORY_SOURCE_LABELS[e.source]}</span>
              {showRecord ? (
                onOpenRecord ? (
                  <button type="button" className="link-button" onClick={() => onOpenRecord(e.recordId)}>
                    {shown(e.recordTitle) || '(untitled)'}
                  </button>
                ) : (
                  <span>{shown(e.recordTitle) || '(untitled)'}</span>
                )
              ) : null}
              {showRecord && e.connectionName ? <span className="muted">{e.connectionName}</span> : null}
            </div>
            <div className="history-what">
              <What e={e} />
              {fate ? <span className={`history-fate history-fate-${e.opFate?.event ?? 'queued'}`}>{fate}</span> : null}
            </div>
            {e.reason ? <div className="history-reason">Why: {shown(e.reason)}</div> : null}
          </li>
        );
      })}
    </ol>
  );
}

/** Where entries came from, to filter by (both history views). */
export function SourceFilter({ value, onChange }: { value: HistorySource | ''; onChange(source: HistorySource | ''): void }) {
  return (
    <label>
      <span className="field-label">From</span>
      <select value={value} onChange={(e) => onChange(e.target.value as HistorySource | '')}>
        <option value="">Anywhere</option>
        {HISTORY_SOURCES.map((s) => (
          <option key={s} value={s}>
            {HISTORY_SOURCE_LABELS[s]}
          </option>
        ))}
      </select>
    </label>
  );
}

/** The export buttons of a history view: what is shown, as an auditor's PDF or as CSV. */
export function ExportButtons({ onExport }: { onExport(format: 'csv' | 'pdf'): void }) {
  return (
    <>
      <button type="button" className="button" onClick={() => onExport('pdf')}>
        Export PDF
      </button>
      <button type="button" className="button" onClick={() => onExport('csv')}>
        Export CSV
      </button>
    </>
  );
}
