import { type Kysely, sql } from 'kysely';

/**
 * Explicit op states (see `src-shared/domain/record-state.ts`) instead of `held` told apart by its
 * message and "queued with attempts" meaning "outcome unknown"; what each attempt sent; and the
 * requests sent to each remote in its rate-limit windows, so a relaunch does not forget them.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`UPDATE outbox SET state = 'held_decision', last_error = NULL WHERE state = 'held' AND last_error LIKE 'Waits for the administrators%'`.execute(db);
  await sql`UPDATE outbox SET state = 'held_conflict' WHERE state = 'held'`.execute(db);
  await sql`UPDATE outbox SET state = 'unknown' WHERE state IN ('queued', 'in_flight') AND attempts > 0`.execute(db);
  await sql`UPDATE outbox SET state = 'queued' WHERE state = 'in_flight'`.execute(db);
  // JSON {payload, fields}: exactly what the last attempt carried, for the lost-reply lookup and the acknowledgement.
  await db.schema.alterTable('outbox').addColumn('sent', 'text').execute();
  await db.schema.alterTable('outbox').addColumn('sent_at', 'text').execute();
  await db.schema
    .createTable('rate_limit_sends')
    .addColumn('connection_id', 'text', (c) => c.notNull().references('connections.id').onDelete('cascade'))
    .addColumn('sent_at', 'integer', (c) => c.notNull())
    .execute();
  await sql`CREATE INDEX rate_limit_sends_by_connection ON rate_limit_sends(connection_id, sent_at)`.execute(db);
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await db.schema.dropTable('rate_limit_sends').execute();
  await db.schema.alterTable('outbox').dropColumn('sent_at').execute();
  await db.schema.alterTable('outbox').dropColumn('sent').execute();
  await sql`UPDATE outbox SET state = 'queued' WHERE state = 'unknown'`.execute(db);
  await sql`UPDATE outbox SET state = 'held' WHERE state IN ('held_conflict', 'held_decision')`.execute(db);
  await sql`UPDATE outbox SET state = 'rejected' WHERE state = 'failing'`.execute(db);
}
