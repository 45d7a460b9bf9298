import { type Kysely, sql } from 'kysely';

/**
 * Lookups a 100k-record mirror makes on every edit or cycle: a connection's records of a kind
 * (uniqueness checks, pulls), the few records carrying a proposal (polling) or in conflict (status).
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`CREATE INDEX records_connection_kind ON records(connection_id, kind)`.execute(db);
  await sql`CREATE INDEX records_proposal ON records(connection_id) WHERE proposal IS NOT NULL`.execute(db);
  // The status bar counts conflicts several times a second while a pull runs.
  await sql`CREATE INDEX records_conflicts ON records(connection_id) WHERE status = 'conflict'`.execute(db);
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await sql`DROP INDEX IF EXISTS records_conflicts`.execute(db);
  await sql`DROP INDEX IF EXISTS records_proposal`.execute(db);
  await sql`DROP INDEX IF EXISTS records_connection_kind`.execute(db);
}
