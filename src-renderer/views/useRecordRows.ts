import { useVirtualizer } from '@tanstack/react-virtual';
import { useEffect, useRef, useState, type KeyboardEvent } from 'react';
import { rowAt, useRecords } from '../stores/records';
import { useSelection } from '../stores/selection';
import { useUi } from '../stores/ui';
import { toggleWithKeyboard } from './RowCheck';

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

  const open = (index: number) => {
    const row = rowAt(useRecords.getState().pages, index);
    if (!row) return;
    setActive(index);
    openForm(null);
    void select(row.id);
  };

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

  return { loadedTotal, total, pages, items, virtualizer, scrollRef, active, activeRow: rowAt(pages, active), open, onKeyDown };
}
