import { SCAN_SEARCH_MATCHES_MAX, type ScanMatchDto, type ScanMatchKind } from '../../../src-shared/contract/scan';
import type { RecordQueries } from './record-queries';
import { searchWords } from './search-match';

/** Exact matches in this order: an id or key names one record, a serial usually does, a name may not. */
const RANK: Record<ScanMatchKind, number> = { id: 0, serial: 1, name: 2, search: 3 };

/**
 * What a scanned code stands for. The exact matches are `records.lookup`'s (remote id or key,
 * serial, name), plus the record whose BenchSync id the code is (a label printed for a record not
 * yet on its remote carries that id); then the search's matches for the code's words, which the
 * user may pick when no exact one is right.
 */
export async function resolveScan(queries: RecordQueries, code: string): Promise<ScanMatchDto[]> {
  const looked = await queries.lookup(code);
  const own = await queries.summary(code.trim());
  const exact: ScanMatchDto[] = [
    ...(own ? [{ record: own, by: 'id' as const, exact: true }] : []),
    ...looked.filter((m) => m.record.id !== own?.id).map((m) => ({ ...m, exact: true })),
  ];
  // Stable: within a kind, the lookup's title order.
  exact.sort((a, b) => RANK[a.by] - RANK[b.by]);
  const seen = new Set(exact.map((m) => m.record.id));
  // A code with no letters or digits has no words: the search would list every record.
  if (searchWords(code).length === 0) return exact;
  const { items } = await queries.list({ text: code, offset: 0, limit: SCAN_SEARCH_MATCHES_MAX + seen.size });
  const search = items
    .filter((r) => !seen.has(r.id))
    .slice(0, SCAN_SEARCH_MATCHES_MAX)
    .map((record): ScanMatchDto => ({ record, by: 'search', exact: false }));
  return [...exact, ...search];
}
