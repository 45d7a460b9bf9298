import { memo, useEffect, useRef, useState, type CSSProperties } from 'react';
import type { Connection, RecordSort, RecordSummaryDto } from '../../src-shared/contract';
import { shown } from '../lib/bidi';
import { formatRelative, kindLabel, systemLabel } from '../lib/format';
import { COLUMN_KEYS, COLUMNS, DEFAULT_COLUMNS, gridTemplate, TITLE_COLUMN, type ColumnKey, type ColumnSpec } from '../lib/record-columns';
import { useBulkSelection } from '../stores/bulk-selection';
import { connectionName, useConnections } from '../stores/connections';
import { useRecords } from '../stores/records';
import { useUi } from '../stores/ui';
import { RecordBadges } from './Badges';
import { DueBadge } from './DueBadge';
import { RowCheck } from './RowCheck';
import { type RowPlace, useRecordRows } from './useRecordRows';
import './RecordsTable.css';

/** Two lines of text and the cell's padding. */
const ROW_HEIGHT = 56;
const DEFAULT_SORT: RecordSort = { by: 'title', dir: 'asc' };

/**
 * The records as a table: the columns the user chose, sorted by a click on a header (by the core,
 * in SQL, so 100k rows still come one page at a time), the same tick boxes and keys as the list.
 */
export function RecordsTable() {
  const { loadedTotal, total, items, virtualizer, scrollRef, activeRow, placeOf, onKeyDown } = useRecordRows(ROW_HEIGHT);
  const columns = useUi((s) => s.tableColumns);
  const connections = useConnections((s) => s.connections);
  const template = { '--columns': gridTemplate(columns, 'var(--target-main)') } as CSSProperties;

  return (
    <div
      id="records-grid"
      className="records-table"
      role="grid"
      aria-label="Records table"
      aria-rowcount={total + 1}
      aria-colcount={columns.length + 2}
      aria-multiselectable="true"
      tabIndex={0}
      aria-activedescendant={activeRow ? `cell-${activeRow.id}` : undefined}
      onKeyDown={onKeyDown}
      style={template}
    >
      <div role="rowgroup" className="table-head">
        <div role="row" aria-rowindex={1} className="table-row">
          <div role="columnheader" aria-colindex={1} className="table-cell check-cell">
            <span className="visually-hidden">Ticked</span>
          </div>
          <SortHeader column="title" spec={TITLE_COLUMN} index={2} />
          {columns.map((key, i) => (
            <SortHeader key={key} column={key} spec={COLUMNS[key]} index={i + 3} />
          ))}
        </div>
      </div>
      <div role="rowgroup" className="table-body" ref={scrollRef}>
        <div style={{ height: virtualizer.getTotalSize(), position: 'relative' }}>
          {items.map((item) => (
            <TableRow key={item.key} {...placeOf(item)} columns={columns} connections={connections} />
          ))}
        </div>
        {loadedTotal === 0 ? <p className="empty-rows">No records match.</p> : null}
      </div>
    </div>
  );
}

interface TableRowProps extends RowPlace {
  columns: ColumnKey[];
  connections: readonly Connection[];
}

/** One row of the table, or its placeholder while its page loads; memoized and keyed by place, like the list's rows. */
const TableRow = memo(function TableRow({ row, index, start, size, active, current, picked, open, columns, connections }: TableRowProps) {
  const style = { transform: `translateY(${start}px)`, height: size };
  if (!row) {
    return (
      <div className="table-row table-loading" style={style} aria-hidden="true">
        <span className="skeleton" />
      </div>
    );
  }
  const classes = ['table-row', active ? 'row-active' : '', current ? 'row-selected' : '', picked ? 'row-picked' : '', row.deleted ? 'row-deleted' : ''];
  return (
    <div
      role="row"
      aria-rowindex={index + 2}
      aria-selected={picked}
      aria-current={current ? 'true' : undefined}
      className={classes.filter(Boolean).join(' ')}
      style={style}
      onClick={(e) => (e.shiftKey ? void useBulkSelection.getState().extendTo(index, row) : open(index))}
    >
      <div role="gridcell" aria-colindex={1} className="table-cell check-cell">
        <RowCheck row={row} index={index} />
      </div>
      <div role="gridcell" aria-colindex={2} id={`cell-${row.id}`} className="table-cell title-cell">
        <span className="remote clamp">{shown(row.title) || '(untitled)'}</span>
      </div>
      {columns.map((key, i) => (
        <div key={key} role="gridcell" aria-colindex={i + 3} className={`table-cell cell-${key}`}>
          <Cell column={key} row={row} connectionLabel={key === 'connection' ? connectionName(connections, row.connectionId) : ''} />
        </div>
      ))}
    </div>
  );
});

/** A column's header: a button that sorts by it (again: the other way), saying how it is sorted. */
function SortHeader({ column, spec, index }: { column: RecordSort['by']; spec: ColumnSpec; index: number }) {
  const sort = useRecords((s) => s.query.sort) ?? DEFAULT_SORT;
  const setQuery = useRecords((s) => s.setQuery);
  const current = sort.by === column ? sort.dir : null;
  const next: RecordSort = { by: column, dir: current ? (current === 'asc' ? 'desc' : 'asc') : spec.descFirst ? 'desc' : 'asc' };
  return (
    <div role="columnheader" aria-colindex={index} aria-sort={current === 'asc' ? 'ascending' : current === 'desc' ? 'descending' : 'none'} className="table-cell">
      <button type="button" className="column-header" onClick={() => setQuery({ sort: next })} title={`Sort by ${spec.label.toLowerCase()}`}>
        {spec.label}
        <span className="sort-mark" aria-hidden="true">
          {current === 'asc' ? '▲' : current === 'desc' ? '▼' : ''}
        </span>
      </button>
    </div>
  );
}

function Cell({ column, row, connectionLabel }: { column: ColumnKey; row: RecordSummaryDto; connectionLabel: string }) {
  switch (column) {
    case 'subtitle':
      return <span className="remote clamp">{shown(row.subtitle)}</span>;
    case 'system':
      return <>{systemLabel(row.system)}</>;
    case 'kind':
      return <>{kindLabel(row.system, row.kind)}</>;
    case 'connection':
      return <span className="remote clamp">{shown(connectionLabel)}</span>;
    case 'remoteId':
      return row.remoteId ? <span className="remote clamp mono">{shown(row.remoteId)}</span> : <span className="muted">not sent yet</span>;
    case 'serial':
      return <span className="remote clamp">{shown(row.serial)}</span>;
    case 'vendor':
      return <span className="remote clamp">{shown(row.vendor)}</span>;
    case 'status':
      return (
        <span className="badges">
          {row.status === 'synced' && !row.deleted ? <span className="muted">synced</span> : null}
          <RecordBadges record={row} />
          <DueBadge recordId={row.id} />
        </span>
      );
    case 'updatedAt':
      return <>{changedAt(row.updatedAt)}</>;
  }
}

/** Recent changes relative ("3 min ago"), older ones as a short date and time. */
function changedAt(iso: string): string {
  const age = Date.now() - Date.parse(iso);
  return age < 86_400_000 ? formatRelative(iso) : new Date(iso).toLocaleString(undefined, { dateStyle: 'short', timeStyle: 'short' });
}

/** Which columns the table shows (the name always); remembered on this computer. */
export function ColumnPicker() {
  const columns = useUi((s) => s.tableColumns);
  const setColumns = useUi((s) => s.setTableColumns);
  const [open, setOpen] = useState(false);
  const rootRef = useRef<HTMLDivElement>(null);
  const buttonRef = useRef<HTMLButtonElement>(null);

  useEffect(() => {
    if (!open) return;
    rootRef.current?.querySelector<HTMLInputElement>('input')?.focus();
    const outside = (e: PointerEvent) => {
      if (!rootRef.current?.contains(e.target as Node)) setOpen(false);
    };
    document.addEventListener('pointerdown', outside);
    return () => document.removeEventListener('pointerdown', outside);
  }, [open]);

  const close = () => {
    setOpen(false);
    buttonRef.current?.focus();
  };
  const toggle = (key: ColumnKey, on: boolean) => {
    const chosen = new Set(columns);
    if (on) chosen.add(key);
    else chosen.delete(key);
    setColumns(COLUMN_KEYS.filter((k) => chosen.has(k)));
  };

  return (
    <div className="column-picker" ref={rootRef}>
      <button ref={buttonRef} type="button" className="link-button small" aria-expanded={open} aria-haspopup="dialog" onClick={() => setOpen(!open)}>
        Columns
      </button>
      {open ? (
        <div
          className="column-popover"
          role="dialog"
          aria-label="Table columns"
          onKeyDown={(e) => {
            if (e.key === 'Escape') {
              e.preventDefault();
              close();
            }
          }}
        >
          <fieldset>
            <legend>Columns after the name</legend>
            {COLUMN_KEYS.map((key) => (
              <label key={key}>
                <input type="checkbox" checked={columns.includes(key)} onChange={(e) => toggle(key, e.target.checked)} />
                {COLUMNS[key].label}
              </label>
            ))}
          </fieldset>
          <div className="column-popover-actions">
            <button type="button" className="button small" onClick={() => setColumns([...DEFAULT_COLUMNS])}>
              Reset
            </button>
            <button type="button" className="button small" onClick={close}>
              Done
            </button>
          </div>
        </div>
      ) : null}
    </div>
  );
}
