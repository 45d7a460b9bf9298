import { type Kysely, sql } from 'kysely';

/**
 * Remotes where a change is only a proposal until an admin accepts it (BrainSTEM's approvals):
 * a record's outstanding proposal, and the approvals a reviewer can decide on.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  // JSON {approvalId, action: 'Add'|'Change', status: 'Pending'|'Rejected', fields, message}.
  await db.schema.alterTable('records').addColumn('proposal', 'text').execute();
  await db.schema
    .createTable('approvals')
    .addColumn('connection_id', 'text', (c) => c.notNull().references('connections.id').onDelete('cascade'))
    .addColumn('remote_id', 'text', (c) => c.notNull())
    .addColumn('kind', 'text', (c) => c.notNull())
    .addColumn('action', 'text', (c) => c.notNull())
    .addColumn('status', 'text', (c) => c.notNull())
    .addColumn('instance_remote_id', 'text')
    .addColumn('fields', 'text', (c) => c.notNull())
    .addColumn('updated_at', 'text', (c) => c.notNull())
    .addPrimaryKeyConstraint('approvals_pk', ['connection_id', 'remote_id'])
    .execute();
  await sql`CREATE INDEX approvals_status ON approvals(connection_id, status)`.execute(db);
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await db.schema.dropTable('approvals').execute();
  await db.schema.alterTable('records').dropColumn('proposal').execute();
}
