import { create } from 'zustand';
import type { RecordSort } from '../../src-shared/contract';
import type { RecordKind, RecordStatus } from '../../src-shared/domain/record-kinds';
import { client, errorMessage } from '../core/client';
import { acceptAnswer, PAGE_SIZE, pagesToFetch, type PagesState } from './records-pages';

export { PAGE_SIZE, rowAt } from './records-pages';

export interface RecordsQuery {
  text: string;
  kind?: RecordKind;
  connectionId?: string;
  status?: RecordStatus;
  /** The table's order (also the list's); by title when absent. Sorted by the core, so pages stay pages. */
  sort?: RecordSort;
}

interface RecordsState extends PagesState {
  query: RecordsQuery;
  /** The query `total` and `pages` answer (the previous one until the current one's first answer). */
  shownQuery: RecordsQuery;
  error: string | null;
  setQuery(patch: Partial<RecordsQuery>): void;
  /** Make sure rows first..last (indices) are loaded; fetches only the missing or stale pages. */
  ensure(first: number, last: number): void;
  /** Something changed in the mirror: refetch what is on screen, forget the rest. */
  invalidate(): void;
}

const inFlight = new Set<string>();
let visible: [number, number] = [0, 0];

/**
 * The records list, one page of `records.list` at a time as the user scrolls: with 100k records
 * only what is on screen (and a page either side) is ever fetched. Each keystroke is a query of
 * its own; records-pages.ts decides which answers may still be shown.
 */
export const useRecords = create<RecordsState>((set, get) => {
  const fetchPage = async (page: number) => {
    const { query, queryKey, epoch } = get();
    const key = `${queryKey}:${page}:${epoch}`;
    if (inFlight.has(key)) return;
    inFlight.add(key);
    try {
      const reply = await client.call('records.list', { ...query, offset: page * PAGE_SIZE, limit: PAGE_SIZE });
      set((s) => {
        const change = acceptAnswer(s, { queryKey, epoch, page, total: reply.total, items: reply.items });
        return change ? { ...change, shownQuery: query, error: null } : {};
      });
    } catch (error) {
      if (get().queryKey === queryKey) set({ error: errorMessage(error) });
    } finally {
      inFlight.delete(key);
    }
  };

  return {
    query: { text: '' },
    shownQuery: { text: '' },
    queryKey: 0,
    shownKey: 0,
    epoch: 0,
    total: null,
    totalEpoch: 0,
    pages: {},
    error: null,
    setQuery(patch) {
      const query = { ...get().query, ...patch };
      // The previous answers stay on screen until this query's first one replaces them.
      set((s) => ({ query, queryKey: s.queryKey + 1, error: null }));
      visible = [0, 0];
      void fetchPage(0);
    },
    ensure(first, last) {
      visible = [first, last];
      for (const p of pagesToFetch(get(), first, last)) void fetchPage(p);
    },
    invalidate() {
      const [first, last] = visible;
      const from = Math.floor(first / PAGE_SIZE) - 1;
      const to = Math.floor(last / PAGE_SIZE) + 1;
      set((s) => ({
        epoch: s.epoch + 1,
        // Keep nearby pages to show until fresh ones arrive; far ones are refetched when scrolled to.
        pages: Object.fromEntries(Object.entries(s.pages).filter(([p]) => Number(p) >= from && Number(p) <= to)),
      }));
      get().ensure(first, last);
    },
  };
});
