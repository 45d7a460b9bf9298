import BetterSqlite3 from 'better-sqlite3';
import { Kysely, SqliteDialect, type RawBuilder } from 'kysely';
import { tuneReads } from '../../src-main/core/db/database';
import type { Database } from '../../src-main/core/db/schema';
import { choosePlan, type CountRow, countStatement, matchingOf, pageStatement, windowHolds } from '../../src-main/core/records/record-page';
import { ftsQuery } from '../../src-main/core/records/search-match';

/**
 * The records list's search as raw SQL on its own read-only connection: the very statements
 * `RecordQueries.list` runs (record-page.ts), without the core, kysely's driver, validation or IPC.
 * What the search costs in SQLite alone, for the bench's ratios. Also the query the list ran before
 * migrations/0008 (the matches sorted in a temporary b-tree, the count through the same join).
 */
export function rawSearch(path: string) {
  const raw = new BetterSqlite3(path, { readonly: true });
  // Read as the core's connection reads (its page cache), so the ratio compares like with like.
  tuneReads(raw);
  // Only to turn record-page.ts's statements into SQL text; nothing runs through it.
  const compiler = new Kysely<Database>({ dialect: new SqliteDialect({ database: raw }) });
  const statements = new Map<string, BetterSqlite3.Statement>();
  const prepared = (q: RawBuilder<unknown>) => {
    const c = q.compile(compiler);
    let s = statements.get(c.sql);
    if (!s) statements.set(c.sql, (s = raw.prepare(c.sql)));
    return { s, params: c.parameters as unknown[] };
  };
  const timed = <T>(run: () => T): { ms: number; value: T } => {
    const t = performance.now();
    const value = run();
    return { ms: performance.now() - t, value };
  };

  const previousPage = raw.prepare(
    `SELECT r.id, r.connection_id, c.system, r.kind, r.remote_id, r.title, r.subtitle, r.status, r.editable, r.deleted, r.updated_at
     FROM records r JOIN connections c ON c.id = r.connection_id
     WHERE r.rowid IN (SELECT rowid FROM records_fts WHERE records_fts MATCH ?) ORDER BY r.title COLLATE NOCASE, r.id LIMIT 100`,
  );
  const previousCount = raw.prepare(
    `SELECT count(*) FROM records r JOIN connections c ON c.id = r.connection_id WHERE r.rowid IN (SELECT rowid FROM records_fts WHERE records_fts MATCH ?)`,
  );

  return {
    /** The first page (100) of a text search as the app reads it: ms spent in SQLite. */
    page(text: string): number {
      // As RecordQueries.list runs them: the count (with its window), the count of all records
      // unless the window holds the page, then the page.
      const q = { text, offset: 0, limit: 100 };
      const count = prepared(countStatement(q));
      const all = prepared(countStatement({ text: '' }));
      const n = timed(() => matchingOf(count.s.get(...count.params) as CountRow));
      const total = windowHolds(q, n.value) ? { ms: 0, value: n.value.n } : timed(() => Number((all.s.get(...all.params) as { n: number }).n));
      const page = pageStatement(q, n.value, choosePlan(q, n.value, total.value));
      if (!page) return n.ms + total.ms;
      const p = prepared(page);
      return n.ms + total.ms + timed(() => p.s.all(...p.params)).ms;
    },
    /** The same search as the list ran it before migrations/0008. */
    previous(text: string): number {
      const match = ftsQuery(text);
      return timed(() => {
        previousPage.all(match);
        previousCount.get(match);
      }).ms;
    },
    close: () => raw.close(),
  };
}
