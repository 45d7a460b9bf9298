import { memo, useEffect, useRef, useState, type KeyboardEvent } from 'react';
import { RECORD_KINDS, RECORD_STATUSES, type RecordKind, type RecordStatus } from '../../src-shared/domain/record-kinds';
import { SYSTEM_PROFILES } from '../../src-shared/domain/remotes';
import { client, errorMessage } from '../core/client';
import { downloadText } from '../lib/download';
import { plural, STATUS_LABELS } from '../lib/format';
import { rowMeta, type RowSource } from '../lib/connection-labels';
import { useRowSource, useConnections } from '../stores/connections';
import { useRecords } from '../stores/records';
import { useUi } from '../stores/ui';
import { RecordBadges } from './Badges';
import { DueBadge } from './DueBadge';
import { shown } from '../lib/bidi';
import { useBulkSelection, viewKey } from '../stores/bulk-selection';
import { BulkEditBar } from './BulkEditBar';
import { ColumnPicker, RecordsTable } from './RecordsTable';
import { RowCheck } from './RowCheck';
import { type RowPlace, useRecordRows } from './useRecordRows';

const ROW_HEIGHT = 68;

export function RecordsList() {
  const layout = useUi((s) => s.recordsLayout);
  return (
    <section className="list-pane" aria-label="Records">
      <SearchAndFilters />
      <ResultCount />
      <BulkEditBar />
      {layout === 'table' ? <RecordsTable /> : <VirtualRows />}
    </section>
  );
}

function SearchAndFilters() {
  const query = useRecords((s) => s.query);
  const setQuery = useRecords((s) => s.setQuery);
  const connections = useConnections((s) => s.connections);
  const focusSearch = useUi((s) => s.focusSearch);
  const openForm = useUi((s) => s.openForm);
  const [text, setText] = useState(query.text);
  const inputRef = useRef<HTMLInputElement>(null);

  // Every keystroke searches (no debounce): a search answers in milliseconds, and an answer
  // overtaken by a newer keystroke is never shown (stores/records-pages.ts). The input asks at
  // once, before it re-renders; this catches the other ways the text changes (Escape).
  useEffect(() => {
    if (text !== useRecords.getState().query.text) setQuery({ text });
  }, [text, setQuery]);

  // A scan opened a record: the text searched before goes (the store's query is cleared by the scan).
  const clearSearch = useUi((s) => s.clearSearch);
  useEffect(() => {
    if (clearSearch > 0) setText('');
  }, [clearSearch]);

  useEffect(() => {
    if (focusSearch > 0) {
      inputRef.current?.focus();
      inputRef.current?.select();
    }
  }, [focusSearch]);

  // Kinds the configured systems have; all kinds before any connection exists.
  const systems = new Set(connections.map((c) => c.system));
  const kinds = RECORD_KINDS.filter((k) => systems.size === 0 || [...systems].some((s) => SYSTEM_PROFILES[s]?.kinds.some((p) => p.kind === k)));
  const canCreate = connections.some((c) => SYSTEM_PROFILES[c.system]?.kinds.some((k) => k.canCreate));

  const onSearchKey = (e: KeyboardEvent<HTMLInputElement>) => {
    if (e.key === 'ArrowDown') {
      e.preventDefault();
      document.getElementById(useUi.getState().recordsLayout === 'table' ? 'records-grid' : 'records-listbox')?.focus();
    } else if (e.key === 'Escape' && text) {
      e.preventDefault();
      setText('');
    } else if (e.key === 'Enter') {
      setQuery({ text });
    }
  };

  return (
    <div className="list-toolbar">
      <div className="search-row">
        <label className="search">
          <span className="visually-hidden">Search records</span>
          <input
            ref={inputRef}
            type="search"
            placeholder="Search name, serial, notes…  ( / )"
            value={text}
            onChange={(e) => {
              setText(e.target.value);
              setQuery({ text: e.target.value });
            }}
            onKeyDown={onSearchKey}
            autoComplete="off"
            spellCheck={false}
          />
        </label>
        <button type="button" className="button primary" disabled={!canCreate} onClick={() => openForm({ mode: 'create' })} title="New record (n)">
          New record
        </button>
      </div>
      <div className="filters">
        <div className="filter">
          <label htmlFor="filter-kind">Kind</label>
          <select id="filter-kind" value={query.kind ?? ''} onChange={(e) => setQuery({ kind: (e.target.value || undefined) as RecordKind | undefined })}>
            <option value="">All kinds</option>
            {kinds.map((k) => (
              <option key={k} value={k}>
                {k[0]!.toUpperCase() + k.slice(1)}
              </option>
            ))}
          </select>
        </div>
        <div className="filter">
          <label htmlFor="filter-connection">Connection</label>
          <select id="filter-connection" value={query.connectionId ?? ''} onChange={(e) => setQuery({ connectionId: e.target.value || undefined })}>
            <option value="">All connections</option>
            {connections.map((c) => (
              <option key={c.id} value={c.id}>
                {c.name}
              </option>
            ))}
          </select>
        </div>
        <div className="filter">
          <label htmlFor="filter-status">Status</label>
          <select id="filter-status" value={query.status ?? ''} onChange={(e) => setQuery({ status: (e.target.value || undefined) as RecordStatus | undefined })}>
            <option value="">Any status</option>
            {RECORD_STATUSES.map((s) => (
              <option key={s} value={s}>
                {s === 'synced' ? 'Synced' : STATUS_LABELS[s][0]!.toUpperCase() + STATUS_LABELS[s].slice(1)}
              </option>
            ))}
          </select>
        </div>
      </div>
    </div>
  );
}

function ResultCount() {
  const total = useRecords((s) => s.total);
  const query = useRecords((s) => s.shownQuery);
  const error = useRecords((s) => s.error);
  const layout = useUi((s) => s.recordsLayout);
  const [exporting, setExporting] = useState<string | null>(null);
  const filtered = Boolean(query.text.trim() || query.kind || query.connectionId || query.status);

  // Every record matching the current search and filters, not just what is loaded, in the shown order.
  const exportCsv = async () => {
    setExporting('Exporting…');
    try {
      const { text, kind, connectionId, status, sort } = query;
      const reply = await client.call('records.exportCsv', { text, kind, connectionId, status, sort });
      downloadText(reply.filename, reply.csv, 'text/csv;charset=utf-8');
      setExporting(null);
    } catch (e) {
      setExporting(`Export failed: ${errorMessage(e)}`);
    }
  };

  return (
    <div className="result-count">
      {total ? <SelectAll /> : null}
      <span aria-live="polite">
        {error ? (
          <span className="error-text">Could not load records: {error}</span>
        ) : total === null ? (
          'Loading…'
        ) : filtered ? (
          `${plural(total, 'match', 'matches')}${query.text.trim() ? ` for “${query.text.trim()}”` : ''}`
        ) : (
          plural(total, 'record')
        )}
      </span>
      {exporting ? <span className="small">{exporting}</span> : null}
      <span className="result-actions">
        <LayoutSwitch />
        {layout === 'table' ? <ColumnPicker /> : null}
        {total ? (
          <button type="button" className="link-button small" onClick={() => void exportCsv()} title="Save every matching record as a CSV file">
            Export CSV
          </button>
        ) : null}
      </span>
    </div>
  );
}

/** Ticks every record the search and filters show (for a bulk edit); ticked when they all are. */
function SelectAll() {
  const query = useRecords((s) => s.query);
  const all = useBulkSelection((s) => s.allOf !== null && s.allOf === viewKey(query));
  const some = useBulkSelection((s) => s.picked.size > 0);
  const busy = useBulkSelection((s) => s.busy);
  const ref = useRef<HTMLInputElement>(null);
  useEffect(() => {
    if (ref.current) ref.current.indeterminate = some && !all;
  }, [some, all]);
  return (
    <label className="select-all" title="Tick every record shown, for a bulk edit">
      <input
        ref={ref}
        type="checkbox"
        checked={all}
        disabled={busy}
        onChange={() => (all ? useBulkSelection.getState().clear() : void useBulkSelection.getState().selectAllInView())}
      />
      <span className="visually-hidden">Select all in view</span>
    </label>
  );
}

/** List (cards) or table (sortable columns); remembered on this computer. */
function LayoutSwitch() {
  const layout = useUi((s) => s.recordsLayout);
  const setLayout = useUi((s) => s.setRecordsLayout);
  return (
    <span className="segmented" role="group" aria-label="Show records as">
      {(['list', 'table'] as const).map((l) => (
        <button key={l} type="button" className="segment" aria-pressed={layout === l} onClick={() => setLayout(l)}>
          {l === 'list' ? 'List' : 'Table'}
        </button>
      ))}
    </span>
  );
}

function VirtualRows() {
  const { loadedTotal, items, virtualizer, scrollRef, activeRow, placeOf, onKeyDown } = useRecordRows(ROW_HEIGHT);
  const queryKey = useRecords((s) => s.queryKey);
  const shownKey = useRecords((s) => s.shownKey);
  const connectionsLoaded = useConnections((s) => s.loaded);
  const hasConnections = useConnections((s) => s.connections.length > 0);
  const rowSourceOf = useRowSource();
  const show = useUi((s) => s.show);

  if (connectionsLoaded && !hasConnections) {
    return (
      <div className="empty">
        <p>No connections yet.</p>
        <p className="muted">Add the remote system your lab uses; its records are copied here and stay usable offline.</p>
        <button type="button" className="button primary" onClick={() => show('connections')}>
          Add a connection
        </button>
      </div>
    );
  }

  return (
    <div
      id="records-listbox"
      ref={scrollRef}
      className="rows"
      role="listbox"
      aria-label="Records list"
      aria-multiselectable="true"
      tabIndex={0}
      aria-activedescendant={activeRow ? `row-${activeRow.id}` : undefined}
      aria-busy={shownKey !== queryKey}
      onKeyDown={onKeyDown}
    >
      <div style={{ height: virtualizer.getTotalSize(), position: 'relative' }}>
        {items.map((item) => (
          <RecordRow key={item.key} {...placeOf(item)} source={rowSourceOf} />
        ))}
      </div>
      {loadedTotal === 0 ? <p className="empty-rows">No records match.</p> : null}
    </div>
  );
}

interface RecordRowProps extends RowPlace {
  source: RowSource;
}

/**
 * One row of the list, or its placeholder while its page loads. Memoized: a keystroke re-renders
 * the list (it is busy until the answer comes), not the rows it already shows.
 */
const RecordRow = memo(function RecordRow({ row, index, start, size, active, current, picked, source, open }: RecordRowProps) {
  const style = { position: 'absolute' as const, top: 0, left: 0, right: 0, height: size, transform: `translateY(${start}px)` };
  if (!row) {
    return (
      <div className="row row-loading" style={style} aria-hidden="true">
        <span className="skeleton" />
      </div>
    );
  }
  const meta = rowMeta(row, source);
  return (
    // Selected (aria-selected) means ticked for a bulk edit; the record shown in the pane is the current one.
    <div
      id={`row-${row.id}`}
      role="option"
      aria-selected={picked}
      aria-current={current ? 'true' : undefined}
      className={`row${active ? ' row-active' : ''}${current ? ' row-selected' : ''}${picked ? ' row-picked' : ''}${row.deleted ? ' row-deleted' : ''}`}
      style={style}
      onClick={(e) => (e.shiftKey ? void useBulkSelection.getState().extendTo(index, row) : open(index))}
    >
      <RowCheck row={row} index={index} />
      <div className="row-main">
        <span className="row-title remote">{shown(row.title) || '(untitled)'}</span>
        {row.subtitle ? <span className="row-subtitle remote">{shown(row.subtitle)}</span> : null}
        <span className="row-meta" title={meta.title}>
          {meta.text}
        </span>
      </div>
      <div className="row-badges">
        <RecordBadges record={row} />
        <DueBadge recordId={row.id} />
      </div>
    </div>
  );
});
