import { type RawBuilder, sql, type Transaction } from 'kysely';
import type { Database } from '../db/schema';
import { ftsQuery, listMatch, searchWords, type ListFilters } from './search-match';

/**
 * One page of the records list in title order, and the count. Measured at 110k records
 * (docs/search.md): counting through the search index costs well under a millisecond to a few;
 * what costs is reading rows of `records` (~3 µs each, cold) and probing a list of matches
 * (~0.1 µs per title-index entry, plus ~0.25 µs per match to build the list). So there are three plans:
 *
 * - `index` walks a title-order index, keeping the rows the typed words match, and reads only the
 *   page's rows. From the nearer end, so the last page costs what the first does. The first pages
 *   of an unfiltered walk take `records_title_key` (the title alone: half the pages); the rest
 *   `records_list` (title, id, then the filter columns, so filters are checked in the index).
 * - `matches` reads every matching row to sort it. Cheap when matches are few.
 * - `window`: one-letter words match a large share of any mirror, so their first page is
 *   nearly always among the first entries of the title order. The count then also collects which of
 *   the first `TITLE_WINDOW` entries match (one pass over the matches), and the page is read from
 *   those; the list of all matches is never built. When the window holds too few, `index` or
 *   `matches` as usual.
 */

export type PagePlan = 'index' | 'matches' | 'window';

/** Title-index entries stepped over for the cost of reading (and sorting) one row of `records` (measured 20-40, docs/search.md). */
const INDEX_ENTRIES_PER_ROW_READ = 25;

export interface PageQuery extends ListFilters {
  text: string;
  offset: number;
  limit: number;
}

export interface PageRow {
  id: string;
  connection_id: string;
  system: string;
  kind: string;
  remote_id: string | null;
  title: string;
  subtitle: string;
  vendor: string;
  serial: string;
  status: string;
  editable: number;
  deleted: number;
  updated_at: string;
}

type Trx = Transaction<Database>;

/** What the count read. */
export interface Matching {
  /** How many records match. */
  n: number;
  /** For a windowed count: the rowids (a JSON array) of the matches among the window's entries; else null. */
  window: string | null;
  /** How many rowids `window` holds. */
  inWindow: number;
}

type CountQuery = Pick<PageQuery, 'text' | keyof ListFilters> & Partial<Pick<PageQuery, 'offset' | 'limit'>>;

/** Entries at the start of the title order a windowed count looks at (a page of 100 needs a tenth of them to match). */
export const TITLE_WINDOW = 1_000;
/** Pages ending deeper than this are not looked for in the window. */
const WINDOW_ROWS = 300;

/**
 * The window to count with: for typed words of one letter each (matching 35-60 % of the bench's
 * mirror), on the first pages. Longer words match fewer records, and those cluster (a word that
 * starts titles is found together), so a window would seldom hold their page.
 */
export function windowFor(q: CountQuery): number {
  const words = searchWords(q.text);
  const shallow = (q.offset ?? 0) + (q.limit ?? 0) <= WINDOW_ROWS;
  return words.length > 0 && shallow && words.every((w) => [...w].length === 1) ? TITLE_WINDOW : 0;
}

/**
 * How many records match the words and filters (all of them with neither), from the index alone.
 * With a window, the same pass over the matches keeps those among the first `window` entries of
 * the title order (all records: the filters are terms of the match).
 */
export function countStatement(q: CountQuery, window = windowFor(q)): RawBuilder<CountRow> {
  const match = listMatch(q.text, q);
  // A bare count(*) of a table: SQLite then counts the b-tree's entries without reading a row.
  if (!match) return sql`SELECT count(*) AS n FROM records`;
  if (window <= 0) return sql`SELECT count(*) AS n FROM records_fts WHERE records_fts MATCH ${match}`;
  return sql`SELECT n, w AS window, json_array_length(w) AS in_window FROM (
      SELECT count(*) AS n, json_group_array(rowid) FILTER (WHERE rowid IN (
        SELECT rowid FROM records INDEXED BY records_list ORDER BY title COLLATE NOCASE, id LIMIT ${window})) AS w
      FROM records_fts WHERE records_fts MATCH ${match})`;
}

/** What `countStatement` returns: the window's columns only when counted with one. */
export interface CountRow {
  n: number;
  window?: string;
  in_window?: number;
}

export const matchingOf = (row: CountRow): Matching => ({ n: Number(row.n), window: row.window ?? null, inWindow: Number(row.in_window ?? 0) });

export async function countRecords(trx: Trx, q: CountQuery, window?: number): Promise<Matching> {
  return matchingOf((await countStatement(q, window).execute(trx)).rows[0]!);
}

/** A count with no window (what a plain `count(*)` gives). */
export const counted = (n: number): Matching => ({ n, window: null, inWindow: 0 });

/** Whether the windowed count found the whole page: every row up to the page's end is in the window. */
export function windowHolds(q: PageQuery, m: Matching): boolean {
  return m.window !== null && m.inWindow >= Math.min(q.offset + q.limit, m.n);
}

/**
 * The window when it holds the page. Otherwise: matches cluster in title order (a word that starts
 * titles is found together), so the walk is costed at its worst, the whole index; it is taken once
 * sorting the matches would read more.
 */
export function choosePlan(q: PageQuery, matching: Matching, all: number): PagePlan {
  if (windowHolds(q, matching)) return 'window';
  return matching.n * INDEX_ENTRIES_PER_ROW_READ < all ? 'matches' : 'index';
}

/**
 * Pages this deep or less of an unfiltered walk take the title-only index (migrations/0012): half
 * the pages, but equal titles are put in id order by a sort that reads each row the walk keeps
 * (~3 µs), so deeper pages would pay more for those reads than the narrower walk saves.
 */
const TITLE_KEY_ROWS = 500;

/** The title-order index to walk: the narrow one for the first pages of an unfiltered walk, else the one with the filter columns and the id. */
function walkIndex(q: PageQuery, limit: number): RawBuilder<unknown> {
  const filtered = q.kind || q.connectionId || q.status;
  return sql.id(!filtered && q.offset + limit <= TITLE_KEY_ROWS ? 'records_title_key' : 'records_list');
}

/** The walk's condition: rows the words match (a probe of their list), and the filters (columns of the index). */
function walkCondition(q: PageQuery): RawBuilder<unknown> {
  const words = ftsQuery(q.text);
  const conditions = [
    words ? sql`r.rowid IN (SELECT rowid FROM records_fts WHERE records_fts MATCH ${words})` : null,
    q.kind ? sql`r.kind = ${q.kind}` : null,
    q.connectionId ? sql`r.connection_id = ${q.connectionId}` : null,
    q.status ? sql`r.status = ${q.status}` : null,
  ].filter((c) => c !== null);
  return conditions.length ? sql`WHERE ${sql.join(conditions, sql` AND `)}` : sql.raw('');
}

/**
 * Rows `offset .. offset+limit` of the query in title order (title ignoring case, then id).
 * `matching` is the query's count, read in the same transaction.
 */
export async function pageRows(trx: Trx, q: PageQuery, matching: Matching, plan: PagePlan): Promise<PageRow[]> {
  const statement = pageStatement(q, matching, plan);
  return statement ? (await statement.execute(trx)).rows : [];
}

/** The one statement `pageRows` runs; null when the page is past the end. */
export function pageStatement(q: PageQuery, count: Matching, plan: PagePlan): RawBuilder<PageRow> | null {
  const matching = count.n;
  const limit = Math.min(q.limit, matching - q.offset);
  if (limit <= 0) return null;
  const match = listMatch(q.text, q);
  let rowids;
  if (plan === 'window') {
    if (!windowHolds(q, count)) throw new Error('The window does not hold this page.');
    // The window's matches in title order: a walk over its entries only, with a list of at most TITLE_WINDOW.
    rowids = sql`SELECT r.rowid AS rid FROM records r INDEXED BY records_list WHERE r.rowid IN (SELECT value FROM json_each(${count.window}))
      ORDER BY r.title COLLATE NOCASE, r.id LIMIT ${limit} OFFSET ${q.offset}`;
  } else if (plan === 'matches' && match) {
    rowids = sql`SELECT r.rowid AS rid FROM records_fts CROSS JOIN records r ON r.rowid = records_fts.rowid
      WHERE records_fts MATCH ${match} ORDER BY r.title COLLATE NOCASE, r.id LIMIT ${limit} OFFSET ${q.offset}`;
  } else if (q.offset + limit / 2 <= matching / 2) {
    rowids = sql`SELECT r.rowid AS rid FROM records r INDEXED BY ${walkIndex(q, limit)} ${walkCondition(q)}
      ORDER BY r.title COLLATE NOCASE, r.id LIMIT ${limit} OFFSET ${q.offset}`;
  } else {
    // The second half from the end: the same rows, fewer entries stepped over.
    rowids = sql`SELECT r.rowid AS rid FROM records r INDEXED BY records_list ${walkCondition(q)}
      ORDER BY r.title COLLATE NOCASE DESC, r.id DESC LIMIT ${limit} OFFSET ${matching - q.offset - limit}`;
  }
  // Only the page's rows are read in full, once the page is known.
  return sql<PageRow>`SELECT r.id, r.connection_id, c.system, r.kind, r.remote_id, r.title, r.subtitle, r.vendor, r.serial, r.status,
      r.editable, r.deleted, r.updated_at
    FROM (${rowids}) p CROSS JOIN records r ON r.rowid = p.rid JOIN connections c ON c.id = r.connection_id
    ORDER BY r.title COLLATE NOCASE, r.id`;
}
