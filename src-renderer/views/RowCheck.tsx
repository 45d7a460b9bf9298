import type { MouseEvent } from 'react';
import type { RecordSummaryDto } from '../../src-shared/contract';
import { useBulkSelection } from '../stores/bulk-selection';

const keep = () => {};

/**
 * A row's tick box for bulk edits. The whole box around it takes the click (a glove-sized
 * target); with Shift it ticks every row from the last one ticked. Assistive technology hears
 * the state from the row itself (aria-selected), and uses Space / Shift+Space on the list.
 */
export function RowCheck({ row, index }: { row: RecordSummaryDto; index: number }) {
  const picked = useBulkSelection((s) => s.picked.has(row.id));
  const onClick = (e: MouseEvent) => {
    // Ticking is not opening the record.
    e.stopPropagation();
    const selection = useBulkSelection.getState();
    if (e.shiftKey) void selection.extendTo(index, row);
    else selection.toggle(row, index);
  };
  return (
    <span
      className="check-target row-check"
      aria-hidden="true"
      onClick={onClick}
      // Shift-click would otherwise select the text of the rows in between.
      onMouseDown={(e) => e.shiftKey && e.preventDefault()}
    >
      <input type="checkbox" tabIndex={-1} checked={picked} onChange={keep} />
    </span>
  );
}

/** Space ticks the keyboard's row, Shift+Space every row from the last one ticked: for the list and the table alike. */
export function toggleWithKeyboard(row: RecordSummaryDto | undefined, index: number, shift: boolean): void {
  if (!row) return;
  const selection = useBulkSelection.getState();
  if (shift) void selection.extendTo(index, row);
  else selection.toggle(row, index);
}
