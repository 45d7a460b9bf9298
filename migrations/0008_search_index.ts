import { type Kysely, sql } from 'kysely';

/**
 * The search index, rebuilt for 100k-record mirrors (figures in docs/search.md):
 * - a `facets` column holding the list filters as tokens (`k<kind> c<connection id> s<status>`, each
 *   after U+E000; see `facetTokens` in src-main/core/records/search-match.ts), so a search with filters, and its
 *   count, is answered by the index alone instead of reading every matching row;
 * - prefix indexes of 1, 2 and 3 characters: the first key typed is a one-letter prefix, which
 *   without its own index merges the doclists of every word starting with that letter.
 * - `records_list` in place of `records_title`: title order with the filter columns in the index,
 *   so a filtered page is found without reading the rows it steps over.
 * The index reads its content from the view `records_search`; the triggers keep it in step with
 * every write to `records` (all of them made by src-main/core/mirror/).
 */

const TEXT_COLUMNS = ['title', 'subtitle', 'vendor', 'serial', 'notes', 'remote_id'] as const;

/**
 * The facet tokens of a row (`new`, `old` or the table itself). Each starts with U+E000, a private-use
 * character: FTS5's tokenizer keeps it inside a token, but no typed word contains one (typed text is
 * split into letters and digits), so typed text never matches a filter, and a one-letter prefix such
 * as "c" never reads the filter tokens.
 */
const facets = (row: string) =>
  [`'k' || ${row}.kind`, `'c' || replace(${row}.connection_id, '-', '')`, `'s' || replace(${row}.status, '_', '')`].map((t) => `char(57344) || ${t}`).join(` || ' ' || `);

const columns = (row: string) => [...TEXT_COLUMNS.map((c) => `${row}.${c}`), facets(row)].join(', ');
const names = [...TEXT_COLUMNS, 'facets'].join(', ');

export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`DROP INDEX IF EXISTS records_title`.execute(db);
  await sql`CREATE INDEX records_list ON records(title COLLATE NOCASE, id, kind, connection_id, status)`.execute(db);

  for (const t of ['records_fts_insert', 'records_fts_delete', 'records_fts_update']) await sql`DROP TRIGGER IF EXISTS ${sql.id(t)}`.execute(db);
  await sql`DROP TABLE IF EXISTS records_fts`.execute(db);

  await sql.raw(`CREATE VIEW records_search(rowid, ${names}) AS SELECT records.rowid, ${columns('records')} FROM records`).execute(db);
  await sql.raw(`CREATE VIRTUAL TABLE records_fts USING fts5(${names},
    content='records_search', content_rowid='rowid', tokenize='unicode61 remove_diacritics 2', prefix='1 2 3')`).execute(db);
  await sql`INSERT INTO records_fts(records_fts) VALUES ('rebuild')`.execute(db);

  await sql.raw(`CREATE TRIGGER records_fts_insert AFTER INSERT ON records BEGIN
    INSERT INTO records_fts(rowid, ${names}) VALUES (new.rowid, ${columns('new')});
  END`).execute(db);
  await sql.raw(`CREATE TRIGGER records_fts_delete AFTER DELETE ON records BEGIN
    INSERT INTO records_fts(records_fts, rowid, ${names}) VALUES ('delete', old.rowid, ${columns('old')});
  END`).execute(db);
  // Only when something indexed changed: most updates (a pull's unchanged rows, op bookkeeping) touch none of it.
  const changed = [...TEXT_COLUMNS, 'kind', 'connection_id', 'status'].map((c) => `old.${c} IS NOT new.${c}`).join(' OR ');
  await sql.raw(`CREATE TRIGGER records_fts_update AFTER UPDATE ON records WHEN ${changed} BEGIN
    INSERT INTO records_fts(records_fts, rowid, ${names}) VALUES ('delete', old.rowid, ${columns('old')});
    INSERT INTO records_fts(rowid, ${names}) VALUES (new.rowid, ${columns('new')});
  END`).execute(db);
}

/** Back to the index of 0001: text columns only, prefixes of 2 and 3. */
export async function down(db: Kysely<unknown>): Promise<void> {
  await sql`DROP INDEX IF EXISTS records_list`.execute(db);
  await sql`CREATE INDEX records_title ON records(title COLLATE NOCASE, id)`.execute(db);
  for (const t of ['records_fts_insert', 'records_fts_delete', 'records_fts_update']) await sql`DROP TRIGGER IF EXISTS ${sql.id(t)}`.execute(db);
  await sql`DROP TABLE IF EXISTS records_fts`.execute(db);
  await sql`DROP VIEW IF EXISTS records_search`.execute(db);
  const text = TEXT_COLUMNS.join(', ');
  const of = (row: string) => TEXT_COLUMNS.map((c) => `${row}.${c}`).join(', ');
  await sql.raw(`CREATE VIRTUAL TABLE records_fts USING fts5(${text},
    content='records', content_rowid='rowid', tokenize='unicode61 remove_diacritics 2', prefix='2 3')`).execute(db);
  await sql`INSERT INTO records_fts(records_fts) VALUES ('rebuild')`.execute(db);
  await sql.raw(`CREATE TRIGGER records_fts_insert AFTER INSERT ON records BEGIN
    INSERT INTO records_fts(rowid, ${text}) VALUES (new.rowid, ${of('new')});
  END`).execute(db);
  await sql.raw(`CREATE TRIGGER records_fts_delete AFTER DELETE ON records BEGIN
    INSERT INTO records_fts(records_fts, rowid, ${text}) VALUES ('delete', old.rowid, ${of('old')});
  END`).execute(db);
  await sql.raw(`CREATE TRIGGER records_fts_update AFTER UPDATE OF ${text} ON records BEGIN
    INSERT INTO records_fts(records_fts, rowid, ${text}) VALUES ('delete', old.rowid, ${of('old')});
    INSERT INTO records_fts(rowid, ${text}) VALUES (new.rowid, ${of('new')});
  END`).execute(db);
}
