import { type Kysely, sql } from 'kysely';

/**
 * `records.synced_at`: when the record last matched the server (a pull showed it unchanged, or the
 * server acknowledged our change and nothing of ours was left), for "last synced" on each record.
 * Records synced before this migration take their connection's last complete pull.
 *
 * `categories.write_refused_at`: when the server refused this account writing through that choice
 * (BrainSTEM answers 403 for equipment of a setup the account only reads; its API publishes no
 * per-setup permission: docs/remotes/brainstem.md). Kept across pick-list refreshes.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema.alterTable('records').addColumn('synced_at', 'text').execute();
  await sql`UPDATE records SET synced_at = (
      SELECT last_pull_at FROM sync_cursors WHERE sync_cursors.connection_id = records.connection_id AND collection = '*'
    ) WHERE status = 'synced' AND remote_id IS NOT NULL`.execute(db);
  await db.schema.alterTable('categories').addColumn('write_refused_at', 'text').execute();
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await db.schema.alterTable('categories').dropColumn('write_refused_at').execute();
  await db.schema.alterTable('records').dropColumn('synced_at').execute();
}
