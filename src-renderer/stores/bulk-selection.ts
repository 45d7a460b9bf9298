import { create } from 'zustand';
import { BULK_EDIT_MAX, type RecordSummaryDto } from '../../src-shared/contract';
import { client, errorMessage } from '../core/client';
import { rowAt, useRecords, type RecordsQuery } from './records';

/** How many rows one `records.list` call may return (the contract's limit). */
const FETCH_LIMIT = 500;

interface BulkSelectionState {
  /** The ticked records, in the order they were ticked (kept across searches: a selection may span several). */
  picked: ReadonlyMap<string, RecordSummaryDto>;
  /** Where a shift-click range starts: the last row ticked or unticked, by its index in the list. */
  anchor: number | null;
  /** The query whose every row was ticked by "select all in view", while nothing was unticked since. */
  allOf: string | null;
  /** What the last range or "select all" said (e.g. that it was capped), for the bar to show. */
  note: string | null;
  busy: boolean;
  /** Ticks or unticks one row (a click on its box, or Space). */
  toggle(row: RecordSummaryDto, index: number): void;
  /** Ticks every row from the anchor to `index` (a shift-click, or Shift+Space); rows not loaded yet are fetched. */
  extendTo(index: number, row?: RecordSummaryDto): Promise<void>;
  /** Ticks every record the current search and filters show, up to BULK_EDIT_MAX. */
  selectAllInView(): Promise<void>;
  /** Unticks these records (e.g. those a bulk edit cannot take). */
  drop(ids: readonly string[]): void;
  clear(): void;
}

/** The view a "select all" or a range is about: the same records in the same order. */
export function viewKey(query: RecordsQuery): string {
  return JSON.stringify([query.text.trim(), query.kind ?? '', query.connectionId ?? '', query.status ?? '', query.sort ?? null]);
}

/** Rows first..last of the current list, from the pages on screen where loaded, fetched where not. */
async function rowsBetween(first: number, last: number): Promise<RecordSummaryDto[]> {
  const { pages, query } = useRecords.getState();
  const out: RecordSummaryDto[] = [];
  for (let i = first; i <= last; ) {
    const loaded = rowAt(pages, i);
    if (loaded) {
      out.push(loaded);
      i++;
      continue;
    }
    const limit = Math.min(FETCH_LIMIT, last - i + 1);
    const reply = await client.call('records.list', { ...query, offset: i, limit });
    if (reply.items.length === 0) break;
    out.push(...reply.items);
    i += reply.items.length;
  }
  return out;
}

/**
 * The records ticked for a bulk edit: a box per row, shift-click for a range, "select all in view".
 * Separate from the record shown in the pane (stores/selection.ts).
 */
export const useBulkSelection = create<BulkSelectionState>((set, get) => {
  const add = (rows: readonly RecordSummaryDto[]): { added: number; capped: boolean } => {
    const picked = new Map(get().picked);
    let added = 0;
    for (const row of rows) {
      if (picked.has(row.id)) continue;
      if (picked.size >= BULK_EDIT_MAX) return finish(picked, added, true);
      picked.set(row.id, row);
      added++;
    }
    return finish(picked, added, false);
  };
  const finish = (picked: Map<string, RecordSummaryDto>, added: number, capped: boolean) => {
    set({ picked });
    return { added, capped };
  };
  const capNote = `A bulk edit takes up to ${BULK_EDIT_MAX.toLocaleString('en-US')} records at a time; narrow the search to take the others next.`;

  return {
    picked: new Map(),
    anchor: null,
    allOf: null,
    note: null,
    busy: false,
    toggle(row, index) {
      const picked = new Map(get().picked);
      if (picked.has(row.id)) {
        picked.delete(row.id);
        set({ picked, anchor: index, allOf: null, note: null });
        return;
      }
      if (picked.size >= BULK_EDIT_MAX) {
        set({ note: capNote });
        return;
      }
      picked.set(row.id, row);
      set({ picked, anchor: index, note: null });
    },
    async extendTo(index, row) {
      const { anchor } = get();
      if (anchor === null) {
        if (row) get().toggle(row, index);
        return;
      }
      set({ busy: true });
      try {
        const rows = await rowsBetween(Math.min(anchor, index), Math.max(anchor, index));
        const { capped } = add(rows);
        set({ anchor: index, note: capped ? capNote : null });
      } catch (error) {
        set({ note: `Could not select that range: ${errorMessage(error)}` });
      } finally {
        set({ busy: false });
      }
    },
    async selectAllInView() {
      const { total, query } = useRecords.getState();
      if (!total) return;
      set({ busy: true });
      try {
        // Enough rows to fill the selection even where some of them are ticked already.
        const rows = await rowsBetween(0, Math.min(total, BULK_EDIT_MAX + get().picked.size) - 1);
        const { capped } = add(rows);
        const all = !capped && rows.length >= total;
        set({
          allOf: all ? viewKey(query) : null,
          anchor: null,
          note: capped || !all ? `Selected ${get().picked.size.toLocaleString('en-US')} of the ${total.toLocaleString('en-US')} shown. ${capNote}` : null,
        });
      } catch (error) {
        set({ note: `Could not select them all: ${errorMessage(error)}` });
      } finally {
        set({ busy: false });
      }
    },
    drop(ids) {
      const picked = new Map(get().picked);
      let dropped = false;
      for (const id of ids) dropped = picked.delete(id) || dropped;
      if (dropped) set({ picked, allOf: null });
    },
    clear() {
      set({ picked: new Map(), anchor: null, allOf: null, note: null });
    },
  };
});
