import { create } from 'zustand';
import type { RecordSort, RecordSummaryDto } from '../../src-shared/contract';
import type { RecordKind, RecordStatus } from '../../src-shared/domain/record-kinds';
import { client, errorMessage } from '../core/client';

export const PAGE_SIZE = 100;

export interface RecordsQuery {
  text: string;
  kind?: RecordKind;
  connectionId?: string;
  status?: RecordStatus;
  /** The table's order (also the list's); by title when absent. Sorted by the core, so pages stay pages. */
  sort?: RecordSort;
}

interface Page {
  items: RecordSummaryDto[];
  /** The `epoch` it was fetched at; older than the store's epoch means stale (shown until refetched). */
  epoch: number;
}

interface RecordsState {
  query: RecordsQuery;
  /** Bumped when the query changes: the list starts over at the top. */
  queryKey: number;
  /** Bumped when records changed: visible pages are refetched. */
  epoch: number;
  total: number | null;
  pages: Record<number, Page>;
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
 * only what is on screen (and a page either side) is ever fetched.
 */
export const useRecords = create<RecordsState>((set, get) => {
  const fetchPage = async (page: number) => {
    const { query, queryKey, epoch } = get();
    const key = `${queryKey}:${page}:${epoch}`;
    if (inFlight.has(key)) return;
    inFlight.add(key);
    try {
      const reply = await client.call('records.list', { ...query, offset: page * PAGE_SIZE, limit: PAGE_SIZE });
      if (get().queryKey !== queryKey) return;
      set((s) => {
        const current = s.pages[page];
        if (current && current.epoch > epoch) return {};
        return { pages: { ...s.pages, [page]: { items: reply.items, epoch } }, total: reply.total, error: null };
      });
    } catch (error) {
      if (get().queryKey === queryKey) set({ error: errorMessage(error) });
    } finally {
      inFlight.delete(key);
    }
  };

  return {
    query: { text: '' },
    queryKey: 0,
    epoch: 0,
    total: null,
    pages: {},
    error: null,
    setQuery(patch) {
      const query = { ...get().query, ...patch };
      set((s) => ({ query, queryKey: s.queryKey + 1, pages: {}, total: null, error: null }));
      visible = [0, 0];
      void fetchPage(0);
    },
    ensure(first, last) {
      visible = [first, last];
      const { pages, epoch } = get();
      const from = Math.max(0, Math.floor(first / PAGE_SIZE));
      const to = Math.max(from, Math.floor(Math.max(first, last) / PAGE_SIZE));
      for (let p = from; p <= to; p++) {
        const page = pages[p];
        if (!page || page.epoch < epoch) void fetchPage(p);
      }
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

export function rowAt(pages: Record<number, Page>, index: number): RecordSummaryDto | undefined {
  return pages[Math.floor(index / PAGE_SIZE)]?.items[index % PAGE_SIZE];
}
