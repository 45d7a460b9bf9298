import { type RawBuilder, sql, type Transaction } from 'kysely';
import type { Database } from '../db/schema';
import { ftsQuery, listMatch, type ListFilters } from './search-match';

/**
 * One page of the records list in title order, and the count. Measured at 110k records
 * (docs/search.md): counting through the search index costs well under a millisecond to a few;
 * what costs is reading rows of `records` (~3 µs each, cold) and probing a list of matches
 * (~0.1 µs per title-index entry). So there are two plans:
 *
 * - `index` walks a title-order index, keeping the rows the typed words match, and reads only the
 *   page's rows. From the nearer end, so the last page costs what the first does. The first pages
 *   of an unfiltered walk take `records_title_key` (the title alone: half the pages); the rest
 *   `records_list` (title, id, then the filter columns, so filters are checked in the index).
 * - `matches` reads every matching row to sort it. Cheap when matches are few.
 */

export type PagePlan = 'index' | 'matches';

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

/** How many records match the words and filters (all of them with neither), from the index alone. */
export function countStatement(q: Pick<PageQuery, 'text' | keyof ListFilters>): RawBuilder<{ n: number }> {
  const match = listMatch(q.text, q);
  return match ? sql`SELECT count(*) AS n FROM records_fts WHERE records_fts MATCH ${match}` : sql`SELECT count(*) AS n FROM records`;
}

export async function countRecords(trx: Trx, q: Pick<PageQuery, 'text' | keyof ListFilters>): Promise<number> {
  return Number((await countStatement(q).execute(trx)).rows[0]!.n);
}

/**
 * Matches cluster in title order (a word that starts titles is found together), so the walk is
 * costed at its worst, the whole index; it is taken once sorting the matches would read more.
 */
export function choosePlan(matching: number, all: number): PagePlan {
  return matching * INDEX_ENTRIES_PER_ROW_READ < all ? 'matches' : 'index';
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
export async function pageRows(trx: Trx, q: PageQuery, matching: number, plan: PagePlan): Promise<PageRow[]> {
  const statement = pageStatement(q, matching, plan);
  return statement ? (await statement.execute(trx)).rows : [];
}

/** The one statement `pageRows` runs; null when the page is past the end. */
export function pageStatement(q: PageQuery, matching: number, plan: PagePlan): RawBuilder<PageRow> | null {
  const limit = Math.min(q.limit, matching - q.offset);
  if (limit <= 0) return null;
  const match = listMatch(q.text, q);
  let rowids;
  if (plan === 'matches' && match) {
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
