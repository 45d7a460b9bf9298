import { sql, type Transaction } from 'kysely';
import type { Database } from '../db/schema';

/**
 * One page of the records list in title order, and the count, for a list query already turned into
 * an FTS5 match (search-match.ts). Measured at 110k records (docs/search.md): counting through the
 * index costs well under a millisecond to a few; what costs is reading rows. So:
 *
 * - `index` walks the title index (covering: title, id, rowid), keeping the rows the match holds,
 *   and reads only the page's rows. Cheap when matches are dense; from the nearer end, so the last
 *   page of 100k costs what the first does.
 * - `matches` reads every matching row to sort it. Cheap when matches are few.
 *
 * Each page takes whichever of the two reads fewer rows' worth of data.
 */

export type PagePlan = 'index' | 'matches';

/** Title-index entries stepped over for the cost of reading one row of `records` (measured ~25, docs/search.md). */
const INDEX_ENTRIES_PER_ROW_READ = 25;

export interface PageRequest {
  /** The FTS5 match (search-match.ts `listMatch`), or null for every record. */
  match: string | null;
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
  status: string;
  editable: number;
  deleted: number;
  updated_at: string;
}

type Trx = Transaction<Database>;

export async function countRecords(trx: Trx, match: string | null): Promise<number> {
  const q = match ? sql<{ n: number }>`SELECT count(*) AS n FROM records_fts WHERE records_fts MATCH ${match}` : sql<{ n: number }>`SELECT count(*) AS n FROM records`;
  return Number((await q.execute(trx)).rows[0]!.n);
}

/** Which plan reads less for this page, given how many records match and how many there are. */
export function choosePlan(matching: number, all: number, offset: number, limit: number): PagePlan {
  if (matching >= all) return 'index';
  const fromNearerEnd = Math.max(0, Math.min(offset, matching - offset - limit));
  const indexEntries = Math.min(all, ((fromNearerEnd + limit) * all) / Math.max(1, matching));
  return indexEntries / INDEX_ENTRIES_PER_ROW_READ < matching ? 'index' : 'matches';
}

/**
 * Rows `offset .. offset+limit` of the query in title order (title ignoring case, then id).
 * `matching` is the query's count, read in the same transaction.
 */
export async function pageRows(trx: Trx, req: PageRequest, matching: number, plan: PagePlan): Promise<PageRow[]> {
  const limit = Math.min(req.limit, matching - req.offset);
  if (limit <= 0) return [];
  const inMatch = req.match ? sql`WHERE r.rowid IN (SELECT rowid FROM records_fts WHERE records_fts MATCH ${req.match})` : sql.raw('');
  let rowids;
  if (plan === 'matches' && req.match) {
    rowids = sql`SELECT r.rowid AS rid FROM records_fts CROSS JOIN records r ON r.rowid = records_fts.rowid
      WHERE records_fts MATCH ${req.match} ORDER BY r.title COLLATE NOCASE, r.id LIMIT ${limit} OFFSET ${req.offset}`;
  } else if (req.offset + limit / 2 <= matching / 2) {
    rowids = sql`SELECT r.rowid AS rid FROM records r INDEXED BY records_title ${inMatch}
      ORDER BY r.title COLLATE NOCASE, r.id LIMIT ${limit} OFFSET ${req.offset}`;
  } else {
    // The second half from the end: the same rows, fewer entries stepped over.
    rowids = sql`SELECT r.rowid AS rid FROM records r INDEXED BY records_title ${inMatch}
      ORDER BY r.title COLLATE NOCASE DESC, r.id DESC LIMIT ${limit} OFFSET ${matching - req.offset - limit}`;
  }
  // Only the page's rows are read in full, after the page is known.
  const rows = await sql<PageRow>`SELECT r.id, r.connection_id, c.system, r.kind, r.remote_id, r.title, r.subtitle, r.status,
      r.editable, r.deleted, r.updated_at
    FROM (${rowids}) p CROSS JOIN records r ON r.rowid = p.rid JOIN connections c ON c.id = r.connection_id
    ORDER BY r.title COLLATE NOCASE, r.id`.execute(trx);
  return rows.rows;
}
