import { useVirtualizer, type VirtualItem } from '@tanstack/react-virtual';
import type { RecordSummaryDto } from '../../src-shared/contract';
import { useBulkSelection } from '../stores/bulk-selection';
import { useCallback, useEffect, useRef, useState, type KeyboardEvent } from 'react';
import { rowAt, useRecords } from '../stores/records';
import { useSelection } from '../stores/selection';
import { useUi } from '../stores/ui';
import { toggleWithKeyboard } from './RowCheck';

/** What a memoized row of the list or the table is told about its place on screen. */
export interface RowPlace {
  /** The record there now; undefined while its page loads. */
  row: RecordSummaryDto | undefined;
  index: number;
  start: number;
  size: number;
  /** The keyboard's row. */
  active: boolean;
  /** The record shown in the detail pane. */
  current: boolean;
  /** Ticked for a bulk edit. */
  picked: boolean;
  open: (index: number) => void;
}

/**
 * What the records list and the records table share: the rows of the current query, virtualized
 * (only the pages on screen are fetched, whatever the total), and the keyboard: arrows, Page
 * Up/Down, Home/End move; Enter opens the record; Space ticks it, Shift+Space ticks a range.
 */
export function useRecordRows(rowHeight: number) {
  const loadedTotal = useRecords((s) => s.total);
  const total = loadedTotal ?? 0;
  const pages = useRecords((s) => s.pages);
  const epoch = useRecords((s) => s.epoch);
  const queryKey = useRecords((s) => s.queryKey);
  const shownKey = useRecords((s) => s.shownKey);
  const ensure = useRecords((s) => s.ensure);
  const select = useSelection((s) => s.select);
  const selectedId = useSelection((s) => s.id);
  const picked = useBulkSelection((s) => s.picked);
  const openForm = useUi((s) => s.openForm);
  const [active, setActive] = useState(0);
  const scrollRef = useRef<HTMLDivElement>(null);

  const virtualizer = useVirtualizer({
    count: total,
    getScrollElement: () => scrollRef.current,
    estimateSize: () => rowHeight,
    overscan: 8,
    useFlushSync: false,
  });
  const items = virtualizer.getVirtualItems();
  const first = items[0]?.index ?? 0;
  const last = items[items.length - 1]?.index ?? 0;

  useEffect(() => {
    ensure(first, last);
  }, [first, last, epoch, queryKey, total, ensure]);

  // A new query's answer starts at the top (the previous answer stays until it comes). Only when
  // scrolled: scrolling reads the list's height, which lays the page out before the frame would.
  useEffect(() => {
    setActive(0);
    if ((virtualizer.scrollOffset ?? 0) > 0) virtualizer.scrollToOffset(0);
  }, [shownKey]);

  // One function for the hook's life (its parts are store actions), so memoized rows keep it.
  const open = useCallback(
    (index: number) => {
      const row = rowAt(useRecords.getState().pages, index);
      if (!row) return;
      setActive(index);
      openForm(null);
      void select(row.id);
    },
    [openForm, select],
  );

  const onKeyDown = (e: KeyboardEvent<HTMLElement>) => {
    // Keys pressed on a control inside (a column header) are that control's.
    if (total === 0 || e.target !== e.currentTarget) return;
    let next = active;
    if (e.key === 'ArrowDown') next = Math.min(total - 1, active + 1);
    else if (e.key === 'ArrowUp') next = Math.max(0, active - 1);
    else if (e.key === 'PageDown') next = Math.min(total - 1, active + 10);
    else if (e.key === 'PageUp') next = Math.max(0, active - 10);
    else if (e.key === 'Home') next = 0;
    else if (e.key === 'End') next = total - 1;
    else if (e.key === 'Enter') {
      e.preventDefault();
      open(active);
      return;
    } else if (e.key === ' ') {
      e.preventDefault();
      toggleWithKeyboard(rowAt(useRecords.getState().pages, active), active, e.shiftKey);
      return;
    } else return;
    e.preventDefault();
    setActive(next);
    virtualizer.scrollToIndex(next, { align: 'auto' });
  };

  // Rows are keyed by place (item.key), not record: a new answer rewrites the rows on screen.
  const placeOf = (item: VirtualItem): RowPlace => {
    const row = rowAt(pages, item.index);
    const at = row !== undefined;
    return { row, index: item.index, start: item.start, size: item.size, active: item.index === active, current: at && row.id === selectedId, picked: at && picked.has(row.id), open };
  };

  return { loadedTotal, total, items, virtualizer, scrollRef, activeRow: rowAt(pages, active), placeOf, onKeyDown };
}
