import { type Kysely, sql } from 'kysely';

/**
 * Pick lists: the `categories` table holds every list of choices pulled from a remote (the
 * catalog's categories, BrainSTEM's setups...), told apart by `source`. SQLite cannot change a
 * primary key in place, so the table is rebuilt with `source` in its key.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .createTable('pick_list_items')
    .addColumn('connection_id', 'text', (c) => c.notNull().references('connections.id').onDelete('cascade'))
    .addColumn('source', 'text', (c) => c.notNull().defaultTo('categories'))
    .addColumn('remote_id', 'text', (c) => c.notNull())
    .addColumn('name', 'text', (c) => c.notNull())
    .addColumn('description', 'text', (c) => c.notNull().defaultTo(''))
    .addPrimaryKeyConstraint('categories_pk', ['connection_id', 'source', 'remote_id'])
    .execute();
  await sql`INSERT INTO pick_list_items (connection_id, source, remote_id, name, description)
    SELECT connection_id, 'categories', remote_id, name, description FROM categories`.execute(db);
  await db.schema.dropTable('categories').execute();
  await db.schema.alterTable('pick_list_items').renameTo('categories').execute();
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await sql`DELETE FROM categories WHERE source <> 'categories'`.execute(db);
  await db.schema
    .createTable('categories_old')
    .addColumn('connection_id', 'text', (c) => c.notNull().references('connections.id').onDelete('cascade'))
    .addColumn('remote_id', 'text', (c) => c.notNull())
    .addColumn('name', 'text', (c) => c.notNull())
    .addColumn('description', 'text', (c) => c.notNull().defaultTo(''))
    .addPrimaryKeyConstraint('categories_pk', ['connection_id', 'remote_id'])
    .execute();
  await sql`INSERT INTO categories_old SELECT connection_id, remote_id, name, description FROM categories`.execute(db);
  await db.schema.dropTable('categories').execute();
  await db.schema.alterTable('categories_old').renameTo('categories').execute();
}
