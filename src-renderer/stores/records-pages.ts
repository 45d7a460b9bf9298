import type { RecordSummaryDto } from '../../src-shared/contract';

/**
 * Which `records.list` answers the list may show, as pure functions (the store in records.ts calls
 * them; test/unit/records-pages.test.ts checks them). Every keystroke is a new query, so answers
 * can arrive out of order: an answer is shown only if nothing newer has been shown in its place.
 */

export const PAGE_SIZE = 100;

export interface Page {
  items: RecordSummaryDto[];
  /** The `epoch` it was fetched at; older than the store's epoch means stale (shown until refetched). */
  epoch: number;
}

export interface PagesState {
  /** Bumped when the query changes. */
  queryKey: number;
  /** Bumped when records changed: visible pages are refetched. */
  epoch: number;
  /** The query whose answers `pages` and `total` hold; until the current query's first answer, the previous one's stay on screen. */
  shownKey: number;
  total: number | null;
  /** The epoch `total` was counted at. */
  totalEpoch: number;
  pages: Record<number, Page>;
}

export interface Answer {
  queryKey: number;
  epoch: number;
  page: number;
  total: number;
  items: RecordSummaryDto[];
}

/** The state change an answer makes, or null when it is older than what is shown and must be dropped. */
export function acceptAnswer(s: PagesState, a: Answer): Partial<PagesState> | null {
  // An answer to a query the user has since changed.
  if (a.queryKey !== s.queryKey) return null;
  const page = { items: a.items, epoch: a.epoch };
  // The current query's first answer replaces the previous query's pages at once.
  if (s.shownKey !== a.queryKey) return { shownKey: a.queryKey, pages: { [a.page]: page }, total: a.total, totalEpoch: a.epoch };
  const current = s.pages[a.page];
  if (current && current.epoch > a.epoch) return null;
  const counted = a.epoch >= s.totalEpoch ? { total: a.total, totalEpoch: a.epoch } : {};
  return { pages: { ...s.pages, [a.page]: page }, ...counted };
}

/** Pages to fetch so rows `first..last` (indices) show the current query at the current epoch. */
export function pagesToFetch(s: PagesState, first: number, last: number): number[] {
  // A new query starts at the top, whatever the previous one's rows on screen were.
  if (s.shownKey !== s.queryKey) return [0];
  const from = Math.max(0, Math.floor(first / PAGE_SIZE));
  const to = Math.max(from, Math.floor(Math.max(first, last) / PAGE_SIZE));
  const out: number[] = [];
  for (let p = from; p <= to; p++) {
    const page = s.pages[p];
    if (!page || page.epoch < s.epoch) out.push(p);
  }
  return out;
}

export function rowAt(pages: Record<number, Page>, index: number): RecordSummaryDto | undefined {
  return pages[Math.floor(index / PAGE_SIZE)]?.items[index % PAGE_SIZE];
}
