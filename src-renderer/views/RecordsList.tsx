import { useVirtualizer } from '@tanstack/react-virtual';
import { useEffect, useRef, useState, type KeyboardEvent } from 'react';
import { RECORD_KINDS, RECORD_STATUSES, type RecordKind, type RecordStatus } from '../../src-shared/domain/record-kinds';
import { SYSTEM_PROFILES } from '../../src-shared/domain/remotes';
import { client, errorMessage } from '../core/client';
import { downloadText } from '../lib/download';
import { kindLabel, plural, STATUS_LABELS, systemLabel } from '../lib/format';
import { useConnections } from '../stores/connections';
import { rowAt, useRecords } from '../stores/records';
import { useSelection } from '../stores/selection';
import { useUi } from '../stores/ui';
import { RecordBadges } from './Badges';
import { shown } from '../lib/bidi';

const ROW_HEIGHT = 68;

export function RecordsList() {
  return (
    <section className="list-pane" aria-label="Records">
      <SearchAndFilters />
      <ResultCount />
      <VirtualRows />
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
      document.getElementById('records-listbox')?.focus();
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
            placeholder="Search by name, alternate name, notes…  ( / )"
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
  const [exporting, setExporting] = useState<string | null>(null);
  const filtered = Boolean(query.text.trim() || query.kind || query.connectionId || query.status);

  // Every record matching the current search and filters, not just what is loaded.
  const exportCsv = async () => {
    setExporting('Exporting…');
    try {
      const { text, kind, connectionId, status } = query;
      const reply = await client.call('records.exportCsv', { text, kind, connectionId, status });
      downloadText(reply.filename, reply.csv, 'text/csv;charset=utf-8');
      setExporting(null);
    } catch (e) {
      setExporting(`Export failed: ${errorMessage(e)}`);
    }
  };

  return (
    <div className="result-count">
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
      {total ? (
        <button type="button" className="link-button small" onClick={() => void exportCsv()} title="Save every matching record as a CSV file">
          Export CSV
        </button>
      ) : null}
    </div>
  );
}

function VirtualRows() {
  const loadedTotal = useRecords((s) => s.total);
  const total = loadedTotal ?? 0;
  const pages = useRecords((s) => s.pages);
  const epoch = useRecords((s) => s.epoch);
  const queryKey = useRecords((s) => s.queryKey);
  const shownKey = useRecords((s) => s.shownKey);
  const ensure = useRecords((s) => s.ensure);
  const connectionsLoaded = useConnections((s) => s.loaded);
  const hasConnections = useConnections((s) => s.connections.length > 0);
  const selectedId = useSelection((s) => s.id);
  const select = useSelection((s) => s.select);
  const openForm = useUi((s) => s.openForm);
  const show = useUi((s) => s.show);
  const [active, setActive] = useState(0);
  const parentRef = useRef<HTMLDivElement>(null);

  const virtualizer = useVirtualizer({
    count: total,
    getScrollElement: () => parentRef.current,
    estimateSize: () => ROW_HEIGHT,
    overscan: 8,
    useFlushSync: false,
  });
  const items = virtualizer.getVirtualItems();
  const first = items[0]?.index ?? 0;
  const last = items[items.length - 1]?.index ?? 0;

  useEffect(() => {
    ensure(first, last);
  }, [first, last, epoch, queryKey, total, ensure]);

  // A new query's answer starts at the top.
  useEffect(() => {
    setActive(0);
    virtualizer.scrollToOffset(0);
  }, [shownKey]);

  const open = (index: number) => {
    const row = rowAt(useRecords.getState().pages, index);
    if (!row) return;
    setActive(index);
    openForm(null);
    void select(row.id);
  };

  const onKeyDown = (e: KeyboardEvent<HTMLDivElement>) => {
    if (total === 0) return;
    let next = active;
    if (e.key === 'ArrowDown') next = Math.min(total - 1, active + 1);
    else if (e.key === 'ArrowUp') next = Math.max(0, active - 1);
    else if (e.key === 'PageDown') next = Math.min(total - 1, active + 10);
    else if (e.key === 'PageUp') next = Math.max(0, active - 10);
    else if (e.key === 'Home') next = 0;
    else if (e.key === 'End') next = total - 1;
    else if (e.key === 'Enter' || e.key === ' ') {
      e.preventDefault();
      open(active);
      return;
    } else return;
    e.preventDefault();
    setActive(next);
    virtualizer.scrollToIndex(next, { align: 'auto' });
  };

  const activeRow = rowAt(pages, active);

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
      ref={parentRef}
      className="rows"
      role="listbox"
      aria-label="Records list"
      tabIndex={0}
      aria-activedescendant={activeRow ? `row-${activeRow.id}` : undefined}
      aria-busy={shownKey !== queryKey}
      onKeyDown={onKeyDown}
    >
      <div style={{ height: virtualizer.getTotalSize(), position: 'relative' }}>
        {items.map((item) => {
          const row = rowAt(pages, item.index);
          const style = { position: 'absolute' as const, top: 0, left: 0, right: 0, height: item.size, transform: `translateY(${item.start}px)` };
          if (!row) {
            return (
              <div key={`loading-${item.index}`} className="row row-loading" style={style} aria-hidden="true">
                <span className="skeleton" />
              </div>
            );
          }
          const isActive = item.index === active;
          return (
            <div
              key={row.id}
              id={`row-${row.id}`}
              role="option"
              aria-selected={row.id === selectedId}
              className={`row${isActive ? ' row-active' : ''}${row.id === selectedId ? ' row-selected' : ''}${row.deleted ? ' row-deleted' : ''}`}
              style={style}
              onClick={() => open(item.index)}
            >
              <div className="row-main">
                <span className="row-title remote">{shown(row.title) || '(untitled)'}</span>
                {row.subtitle ? <span className="row-subtitle remote">{shown(row.subtitle)}</span> : null}
                <span className="row-meta">
                  {systemLabel(row.system)} · {kindLabel(row.system, row.kind)} · {row.remoteId ? `#${row.remoteId}` : 'not on the server yet'}
                </span>
              </div>
              <div className="row-badges">
                <RecordBadges record={row} />
              </div>
            </div>
          );
        })}
      </div>
      {loadedTotal === 0 ? <p className="empty-rows">No records match.</p> : null}
    </div>
  );
}
