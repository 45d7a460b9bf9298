import { type Kysely, sql } from 'kysely';

/**
 * `records_title_key`: the title alone (ignoring case; SQLite keeps the rowid with each entry),
 * for the first pages of the records list's unfiltered walk. It is half the pages of
 * `records_title_order` (title and id, 0011): at 110k records, 991 pages against 2,236, and the
 * walk for "amp" (5,106 matches clustered at P) took 8.4 ms against 10.8 (docs/search.md). The
 * tie between equal titles is ordered by id in a small sort, which reads the rows the walk keeps;
 * so deeper pages walk `records_list` (0008), which holds the id, and 0011's index goes.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`CREATE INDEX records_title_key ON records(title COLLATE NOCASE)`.execute(db);
  await sql`DROP INDEX IF EXISTS records_title_order`.execute(db);
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await sql`CREATE INDEX IF NOT EXISTS records_title_order ON records(title COLLATE NOCASE, id)`.execute(db);
  await sql`DROP INDEX IF EXISTS records_title_key`.execute(db);
}
