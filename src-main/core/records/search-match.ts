import type { RecordKind, RecordStatus } from '../../../src-shared/domain/record-kinds';

/**
 * FTS5 queries against `records_fts` (migrations/0008_search_index.ts). The `facets` column holds
 * the list filters as tokens, so a filter is one more term of the same query and the index alone
 * answers "which records, how many". A filter token starts with U+E000, which no typed word
 * contains (words are letters and digits), so typed words match the text columns only.
 */

const FACET_MARK = '\uE000';
/** Beyond this many words the rest of the text is ignored (a pasted paragraph is not a search). */
const MAX_WORDS = 12;

export interface ListFilters {
  kind?: RecordKind;
  connectionId?: string;
  status?: RecordStatus;
}

/** The words of what the user typed, as the index's tokenizer splits them (letters and digits). */
export function searchWords(text: string): string[] {
  return text
    .toLowerCase()
    .split(/[^\p{L}\p{N}]+/u)
    .filter((w) => w.length > 0)
    .slice(0, MAX_WORDS);
}

const wordTerms = (text: string) => searchWords(text).map((w) => `"${w}"*`);

/** Turns what the user typed into an FTS5 query: every word must match, as a prefix of a word. */
export function ftsQuery(text: string): string | null {
  const terms = wordTerms(text);
  return terms.length === 0 ? null : terms.join(' AND ');
}

/**
 * The filters as the tokens the index holds for them; the same spelling as `facets` in
 * migrations/0008_search_index.ts (U+E000, then `k<kind>`, `c<connection id without dashes>` or
 * `s<status without underscores>`).
 */
export function facetTokens(filters: ListFilters): string[] {
  const tokens: string[] = [];
  if (filters.kind) tokens.push(`k${filters.kind}`);
  if (filters.connectionId) tokens.push(`c${filters.connectionId.replaceAll('-', '').toLowerCase()}`);
  if (filters.status) tokens.push(`s${filters.status.replaceAll('_', '')}`);
  return tokens.map((t) => FACET_MARK + t);
}

/** The whole list query (words and filters) as one FTS5 query; null when it has neither (every record). */
export function listMatch(text: string, filters: ListFilters): string | null {
  const terms = [...wordTerms(text), ...facetTokens(filters).map((t) => `"${t}"`)];
  return terms.length === 0 ? null : terms.join(' AND ');
}
