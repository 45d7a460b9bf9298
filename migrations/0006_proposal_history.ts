import { type Kysely, sql } from 'kysely';

/**
 * Every approval id a record has carried on this machine (JSON array), so a lost-reply lookup
 * never takes one of the record's own past submissions (rejected or decided) for the one just sent.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema.alterTable('records').addColumn('proposal_history', 'text', (c) => c.notNull().defaultTo('[]')).execute();
  await sql`UPDATE records SET proposal_history = json_array(json_extract(proposal, '$.approvalId')) WHERE proposal IS NOT NULL`.execute(db);
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await db.schema.alterTable('records').dropColumn('proposal_history').execute();
}
